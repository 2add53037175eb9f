"""Perceptron learning rule (lecture 000): AND/OR settle, XOR never does; the sigmoid neuron.

The whole run is computed at once (``lab.lessons.perceptron_play``: a few hundred updates at most);
Play hands the browser chunks of frames, one per update or per pass, which it plays with no
rerun per frame (``ui.frames_player``). Pause lands on the update the browser shows.
"""

import streamlit as st

from lab.networks import perceptron as pc
from lab.core.i18n import current, headers, t
from lab.lessons.perceptron_play import PerceptronPlayback
from lab.lessons.perceptron_views import comparison_view, paused_view, sigmoid_view
from ui import frames_player
from ui.charts import live_chart, shared
from ui.entry import ensure_app_navigation
from ui.settings import PERCEPTRON as C
from ui.tables import formats

ensure_app_navigation()


def rule_controls() -> PerceptronPlayback:
    c1, c2, c3, c4 = st.columns([1, 2, 1, 1.4])
    gate, eta, passes = C.draw("pc_gate", c1), C.draw("pc_eta", c2), C.draw("pc_passes", c3)
    init = C.draw("pc_init", c4)
    seed = C.draw("pc_seed", c4) if init == "random" else 0
    per_frame = 4 if C.draw("pc_by_pass") else 1
    return PerceptronPlayback(gate, float(eta), int(passes), init, int(seed), per_frame)


def rule_paused(cursor: int) -> None:
    """The run after ``cursor`` updates, while paused (the room's view, made once)."""
    v = paused_view(lesson.identity, cursor, current())
    st.markdown(v.status)
    left, right = st.columns(2)
    with left:
        live_chart(shared(v.decision), key="pc_decision")
    with right:
        live_chart(shared(v.history), key="pc_history")
    if v.rows is not None:
        st.caption(t("perceptron.pass_table", p=v.pass_no))
        st.table(v.rows.style.format(precision=3).hide(axis="index"))


def rule_summary(lesson: PerceptronPlayback) -> None:
    """Every pass, the download, and how the whole run ends."""
    run = lesson.run  # the passes' table worked out only while open (a click reruns the page)
    if (box := st.expander(t("perceptron.passes_expander"), key="pc_x_passes",
                           on_change="rerun")).open:
        box.dataframe(headers(run.passes, "perceptron.col"), width="stretch",
                      height=min(400, 38 + 35 * len(run.passes)), column_config=formats(
                          {"w0": "%.4f", "w1": "%.4f", "w2": "%.4f"}))
        box.download_button(t("perceptron.download"), run.updates.to_csv(index=False).encode(),
                            f"perceptron_{lesson.gate}.csv", "text/csv", key="pc_download")
    if lesson.eta == 0:
        st.warning(t("perceptron.eta_zero"))
    kind, text = lesson.verdict()
    getattr(st, kind)(text)
    if lesson.init == "zeros":
        st.caption(t("perceptron.zeros_note"))


def sigmoid_neuron() -> None:
    """The lecture's sigmoid neuron: its table and one gradient step, beside the slide."""
    st.markdown(t("perceptron.sigmoid_intro"))
    c1, c2, c3, c4 = st.columns(4)
    w1, w2, b = C.draw("sg_w1", c1), C.draw("sg_w2", c2), C.draw("sg_b", c3)
    gate = C.draw("sg_gate", c4)
    table, grad, new, csv = sigmoid_view(w1, w2, b, gate, current())
    st.dataframe(table, hide_index=True, width="stretch", column_config=formats(
        {"net": "%.4f", "Y": "%.4f", t("perceptron.col.error"): "%+.4f"}))
    st.markdown(t("perceptron.gradient", grad=f"({grad[0]:+.4f}, {grad[1]:+.4f}, {grad[2]:+.4f})",
                  w1=f"{new[0]:.4f}", w2=f"{new[1]:.4f}", b=f"{new[2]:.4f}"))
    if (w1, w2, b, gate) == (*pc.LECTURE_W, pc.LECTURE_B, "OR"):
        slide_comparison()
    else:
        st.caption(t("perceptron.slide_hint"))
        st.download_button(t("download.csv"), csv, "sigmoid_table.csv", "text/csv",
                           key="sg_download")


def slide_comparison() -> None:
    st.caption(t("perceptron.slide_note"))
    cmp, csv = comparison_view(current())
    st.dataframe(cmp, hide_index=True, width="stretch", column_config=formats(
        {t("perceptron.col.true_value"): "%.4f", t("perceptron.col.lecture_prints"): "%.2f"}))
    st.download_button(t("download.csv"), csv, "sigmoid_lecture_comparison.csv", "text/csv",
                       key="sg_download")


st.title(t("lesson.perceptron.title"))
st.markdown(t("perceptron.intro"))
rule_tab, sigmoid_tab = st.tabs([t("perceptron.tab_rule"), t("perceptron.tab_sigmoid")])
with rule_tab:
    lesson = rule_controls()
    frames_player.play("perceptron", lesson, rule_paused)
    rule_summary(lesson)
with sigmoid_tab:
    sigmoid_neuron()
