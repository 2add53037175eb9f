"""``ui.charts.shared``: a figure a room's sessions all draw is turned into the JSON Streamlit
sends once, and the JSON is what Plotly would send; any other figure is encoded as before."""

import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools

from ui import charts


def figure() -> go.Figure:
    return go.Figure(go.Scatter(x=list(range(50)), y=[i * 0.5 for i in range(50)], name="a"))


def drawn_spec(fig: go.Figure) -> str:
    """What ``st.plotly_chart`` sends of ``fig`` (Streamlit 1.67: its dict, then to_json)."""
    return pio.to_json(plotly.tools.return_figure_from_figure_or_data(fig, True), validate=False)


def test_a_shared_figure_is_encoded_once_and_as_plotly_encodes_it(monkeypatch):
    expected = charts._to_json(figure().to_dict(), validate=False)
    encoded = []
    monkeypatch.setattr(charts, "_to_json", lambda *a, **k: encoded.append(1) or
                        pio._json.to_json_plotly(a[0]))
    fig = charts.shared(figure())
    first = drawn_spec(fig)
    assert drawn_spec(fig) is first and first == expected and len(encoded) == 1
    plain = figure()  # not shared: encoded on every draw, as before
    assert drawn_spec(plain) == expected and drawn_spec(plain) == expected and len(encoded) == 3


def test_only_the_latest_shared_figures_are_kept(monkeypatch):
    monkeypatch.setattr(charts, "MAX_SPECS", 3)
    monkeypatch.setattr(charts, "_SPECS", type(charts._SPECS)())
    figs = [charts.shared(figure()) for _ in range(5)]
    for fig in figs:
        drawn_spec(fig)
    assert len(charts._SPECS) == 3
    assert drawn_spec(figs[0]) == drawn_spec(figs[4])  # a forgotten one is encoded again


def test_a_shared_figures_live_json_is_encoded_once_and_sharing_again_changes_nothing():
    """A live chart (``ui.charts.live_chart``) sends ``fig.to_json()``: a shared figure's is
    worked out once, and is Plotly's own; a page that shares its cached view's figure on every
    run wraps it once."""
    fig = charts.shared(figure())
    assert charts.shared(fig) is fig and fig.to_dict.__name__ == "to_dict"
    first = fig.to_json()
    assert fig.to_json() is first and first == figure().to_json()
    assert fig.to_json(pretty=True) == figure().to_json(pretty=True)  # asked otherwise: Plotly's
