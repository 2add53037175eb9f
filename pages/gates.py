"""Gate inspector (lectures 002, 003, 004): every LSTM and GRU gate over time, with the numbers."""

import streamlit as st

from lab.core.i18n import current, t
from lab.figures import gates as figures
from lab.figures.gates import memory_experiment_figure
from lab.maths import kinds
from lab.models import memory
from lab.training import budget
from ui.asked import asked
from ui import gates as views
from ui.charts import chart
from ui.entry import ensure_app_navigation
from ui.safe import md, text as safe_text
from ui.settings import GATES as C
from ui.training import result_or_progress

ensure_app_navigation()


def partial_figure(lengths: list[int], history: dict[str, list[float]]):
    """The experiment's figure for the models trained so far (whole lengths only)."""
    done = min((len(history.get(k, [])) for k in kinds.KINDS), default=0)
    return memory_experiment_figure(lengths[:done], {k: history.get(k, [])[:done]
                                                     for k in kinds.KINDS})


def inspected(kind: str, source: str) -> figures.Inspected | None:
    """The input the controls name (typed numbers or a sentence) and the cell that reads it,
    or None with a message saying why it cannot be read."""
    if source == "toy":
        try:
            values, typed = figures.toy_values(C.draw("gi_toy"))
        except ValueError as err:
            st.error(t("gates.cannot_read", err=safe_text(err)))
            return None
        if typed > len(values):
            st.info(t("gates.last_steps", shown=len(values), total=typed))
        return figures.toy_input(values, kind, int(C.draw("gi_seed")))
    sentence = C.draw("gi_sentence")
    with st.spinner(t("gates.training_char", kind=kind)):
        model = views.char_model(kind)
    try:
        return figures.sentence_input(sentence, model)
    except ValueError as err:
        st.warning(t("gates.cannot_read_sentence", sentence=md(repr(sentence)),
                     err=safe_text(err), chars=" ".join(repr(c) for c in model[3][1:])))
        return None


def inspector(kind: str, found: figures.Inspected, f_shift: float, i_shift: float) -> None:
    """The gates over time as heat-maps, one unit's memory lane and its equations at a step."""
    output, (s1, s2) = st.container(), st.columns(2)  # the model's output above the sliders
    steps, units = found.x.shape[1], found.cell.units
    t_sel = C.draw("gi_t", s1, hi=steps) if steps > 1 else 1
    unit = C.draw("gi_unit", s2, hi=units - 1) if units > 1 else 0
    view = views.inspector_view(found, f_shift, i_shift, t_sel, unit)
    if view.output is not None:
        output.markdown(t("gates.model_output", p=view.output))
    chart(view.heatmaps, key="gi_heat")
    left, right = st.columns([1.3, 1])
    chart(view.lane, key="gi_lane", where=left)
    right.markdown(t("gates.step_unit", t=t_sel, label=md(repr(found.labels[t_sel - 1])),
                     unit=unit))
    right.code(view.equations, language=None)
    if kind == "SimpleRNN":
        right.caption(t("gates.no_gates"))
    elif kind == "GRU":
        right.caption(t("gates.gru_candidate", **kinds.gru_note_fields()))
    st.download_button(t("gates.download"), view.csv,
                       f"gates_{kind}.csv", "text/csv", key="gi_download")


st.title(t("lesson.gates.title"))
st.markdown(t("gates.intro"))
tab_inspect, tab_memory, tab_params = st.tabs([t("gates.tab_inspect"), t("gates.tab_memory"),
                                               t("gates.tab_params")])

with tab_inspect:
    c1, c2 = st.columns([1, 2])
    kind, source = C.draw("gi_kind", c1), C.draw("gi_source", c2)
    b1, b2 = st.columns(2)
    f_shift = C.draw("gi_f", b1, label=t(f"gates.keep_label.{kind.lower()}"),
                     disabled=kind == "SimpleRNN")
    i_shift = C.draw("gi_i", b2, disabled=kind != "LSTM")
    found = inspected(kind, source)
    if found is not None:
        inspector(kind, found, f_shift, i_shift)

with tab_memory:
    st.markdown(t("gates.memory_intro"))
    c1, c2, c3, c4, c5 = st.columns([2, 1, 1, 1, 1])
    lengths, units, epochs = C.draw("gm_L", c1), C.draw("gm_units", c2), C.draw("gm_epochs", c3)
    n_train, forget_bias = C.draw("gm_n", c4), C.draw("gm_fb", c5)
    settings = memory.MemorySettings(units=units, epochs=epochs, n_train=n_train,
                                     lstm_forget_bias=forget_bias)
    asked("gm_run", "gm_asked", t("gates.run"), (tuple(sorted(lengths)), settings),
          lambda: budget.memory(lengths, n_train, units, epochs), type="primary",
          disabled=not lengths)  # the last run asked stays shown, its settings named
    if not lengths:
        st.warning(t("gates.pick_length"))
    found = None
    if "gm_asked" in st.session_state:  # trained once per setting for the whole server
        asked_lengths, asked_settings = st.session_state.gm_asked
        found = result_or_progress(
            memory.request(asked_lengths, asked_settings), t("gates.experiment"),
            lambda h: partial_figure(list(asked_lengths), h), key="gm_live",
            retry=lambda: memory.request(asked_lengths, asked_settings, restart=True),
            progress_key="training.progress_models")
    if found is not None:
        done_lengths, done_settings, results = found.lengths, found.settings, found.accuracy
        chart(memory_experiment_figure(list(done_lengths), results), key="gm_fig")
        st.caption(t("gates.measured_with", settings=done_settings))
        accuracy = figures.accuracy_table(done_lengths, results)
        st.dataframe(accuracy, width="stretch")
        st.download_button(t("download.csv"), accuracy.to_csv().encode(), "memory_experiment.csv",
                           "text/csv", key="gm_download")
    elif "gm_asked" not in st.session_state:
        st.info(t("gates.press_run"))

with tab_params:
    c1, c2 = st.columns(2)
    d, n = C.draw("gp_d", c1), C.draw("gp_n", c2)
    shown, csv = views.params_view(int(d), int(n), current())
    st.table(shown, hide_index=True)
    st.caption(t("gates.params_caption"))
    st.caption(t("gates.gru_candidate", **kinds.gru_note_fields()))
    st.download_button(t("download.csv"), csv, "parameter_counts.csv", "text/csv",
                       key="gp_download")
