"""The gate inspector's views, made once a view for a room: ``lab.figures.gates.inspector_view``
shows what the page drew from the trace before, ``view_key`` names every input it reads, its
figures are serialised once (``ui.charts.shared``), the parameter table is made once per size
and language, ``ui.gates`` keeps the page's views once per input, step and language, and
``ui.questions`` works out a settings-only page's questions once for the same settings."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from lab.figures import gates as figures
from lab.networks import cells
from lab.questions import PAGES, for_page


def toy(values=(0.5, -1.0, 2.0, 0.0, 1.5), kind="LSTM", seed=3) -> figures.Inspected:
    return figures.toy_input(np.array(values, dtype=float), kind, seed)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "SimpleRNN"])
def test_the_inspector_view_is_what_the_trace_draws(kind):
    rng = np.random.default_rng(7)
    found = toy(kind=kind)
    units = found.cell.units
    found.head = (rng.normal(size=(units, 1)), rng.normal(size=1))
    view = figures.inspector_view(found, 1.5, -0.5, 4, 2)
    trace = cells.run(found.cell, found.x, forget_bias_shift=1.5, input_bias_shift=-0.5)
    assert view.output == pytest.approx(cells.dense_sigmoid(trace, *found.head))
    assert view.heatmaps == figures.gate_heatmaps(trace, found.labels, mark=(4, 2))
    assert view.lane == figures.memory_lane_figure(trace, 2, found.labels)
    assert view.equations == "\n".join(cells.equations_at(found.cell, trace, found.x, 4, 2))
    assert view.csv == figures.values_csv(trace, found.labels).encode()
    assert figures.inspector_view(toy(kind=kind), 0.0, 0.0, 1, 0).output is None  # no head


def test_the_view_key_names_every_input():
    key = figures.view_key(toy())
    assert figures.view_key(toy()) == key  # equal inputs, equal cells: one view
    others = [toy(seed=4), toy(kind="GRU"), toy(values=(0.5, -1.0, 2.0, 0.0, 1.25)),
              toy(values=(0.5, -1.0, 2.0, 0.0))]
    relabelled = toy()
    relabelled.labels = ["a", "b", "c", "d", "e"]
    headed = toy()
    headed.head = (np.ones((figures.TOY_UNITS, 1)), np.zeros(1))
    keys = [figures.view_key(f) for f in [*others, relabelled, headed]]
    assert key not in keys and len(set(keys)) == len(keys)


def test_a_shared_figure_is_drawn_as_before_and_worked_out_once():
    import plotly.io as pio
    import plotly.tools

    from ui.charts import shared

    view = figures.inspector_view(toy(), 0.5, 0.0, 3, 1)
    for fig in (view.heatmaps, view.lane):
        before = pio.to_json(plotly.tools.return_figure_from_figure_or_data(fig, True))
        shared(fig)
        drawn = plotly.tools.return_figure_from_figure_or_data(fig, True)  # as st.plotly_chart
        assert pio.to_json(drawn) == before and fig.to_dict() is drawn
    assert toy().cell is toy().cell and toy(seed=4).cell is not toy().cell  # one cell a seed


def test_the_parameter_table_is_made_once_per_size_and_language():
    from lab.core.i18n import headers

    shown, csv = figures.params_view(2, 128, "en")
    counts = figures.params_table(2, 128)
    assert shown.equals(headers(counts, "gates.col", "en"))
    assert 67_072 in shown["parameters"].tolist()
    assert csv == counts.to_csv(index=False).encode()
    assert figures.params_view(2, 128, "en")[0] is shown  # one table for the room
    korean = figures.params_view(2, 128, "ko")[0]
    assert list(korean.columns) == list(headers(counts, "gates.col", "ko").columns)
    assert list(korean.columns) != list(shown.columns)



def test_the_pages_views_are_made_once_per_input_step_and_language(monkeypatch):
    from lab.core import i18n
    from ui import gates as views

    made, real = [], figures.inspector_view
    monkeypatch.setattr(figures, "inspector_view",
                        lambda *args: made.append(args[1:]) or real(*args))
    views.VIEWS.clear()
    view = views.inspector_view(toy(), 0.5, 0.0, 3, 1)
    assert views.inspector_view(toy(), 0.5, 0.0, 3, 1) is view and len(made) == 1
    assert view.heatmaps.to_dict() is view.heatmaps.to_dict()  # marked shared, once
    assert views.inspector_view(toy(), 0.5, 0.0, 4, 1) is not view  # another step
    assert views.inspector_view(toy(seed=4), 0.5, 0.0, 3, 1) is not view  # another cell
    with i18n.using("ko"):
        korean = views.inspector_view(toy(), 0.5, 0.0, 3, 1)
    assert korean.lane.layout.title.text != view.lane.layout.title.text and len(made) == 4


def test_the_parameter_table_reaches_streamlit_as_the_frame_would():
    from streamlit import dataframe_util

    from ui import gates as views

    table, csv = views.params_view(2, 128, "ko")
    shown, frame_csv = figures.params_view(2, 128, "ko")
    assert dataframe_util.convert_anything_to_arrow_bytes(table) == \
        dataframe_util.convert_anything_to_arrow_bytes(shown)  # the bytes st.table sends
    assert csv == frame_csv and views.params_view(2, 128, "ko")[0] is table

@pytest.fixture
def defaults():
    from ui import controls, settings  # noqa: F401  (fills the registry)

    return {page: {c.key: c.initial() for c in controls.REGISTRY[page]}
            for page in PAGES if page in controls.REGISTRY}


def test_settings_only_questions_are_worked_out_once_per_view(monkeypatch, defaults):
    from ui import questions as uq

    calls, real = [], uq.for_page
    monkeypatch.setattr(uq, "for_page", lambda page, s, state=None: calls.append(page) or (
        real(page, s, state) if page == "gates" else []))
    values = dict(defaults["gates"], gi_t=7)
    monkeypatch.setattr(uq, "settings", lambda url_path: dict(values))
    monkeypatch.setattr(uq, "player_state", lambda: {})
    uq.FOR_SETTINGS.clear()
    first, again = uq.questions_for("gates"), uq.questions_for("gates")
    assert calls == ["gates"] and first == again and first[0] is again[0]
    assert first == real("gates", values)
    values["gi_t"] = 8
    assert uq.questions_for("gates") != first and calls == ["gates"] * 2
    for page in ("stock", "perceptron"):  # a trained model or the player: asked every run
        uq.questions_for(page), uq.questions_for(page)
        assert calls[-2:] == [page, page]


def test_settings_only_pages_read_no_player_and_no_store(defaults):
    from ui import questions as uq

    for page in uq.SETTINGS_ONLY:
        assert page not in uq.PLAYERS
        source = inspect.getsource(inspect.getmodule(PAGES[page][0]))
        assert "lab.models" not in source and "STORE" not in source, page
        player = {key: object() for key in uq.PLAYERS}
        assert for_page(page, defaults[page], player) == for_page(page, defaults[page]), page
