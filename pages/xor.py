"""XOR hidden units (lecture 000): a 2-H-1 sigmoid network learning XOR live, in NumPy.

Play runs in the browser (``ui.frames_player``): the server trains a chunk of frames once for
given weights and settings (shared by every session that reaches them, e.g. a class following
the lecturer) and the browser plays it. Step, Reset and Pause land on exact weights; the
training itself is ``lab.lessons.xor_play``'s.
"""

import streamlit as st

from lab.figures.xor import (boundary_figure, hidden_space_figure, loss_figure, metrics,
                             outputs_table, weights_text)
from lab.core.i18n import current, t
from lab.lessons.playback import digest
from lab.lessons.xor_play import XorPlayback, XorRun, preset_outputs
from ui import frames_player
from ui.charts import live_chart
from ui.entry import ensure_app_navigation
from ui.settings import XOR as C, XOR_LECTURE_LR

ensure_app_navigation()

st.title(t("lesson.xor.title"))
st.markdown(t("xor.intro"))

c1, c2, c3, c4, c5 = st.columns([1.3, 1, 2, 1, 1.3])
start = C.draw("xor_start", c1)
preset = start == "lecture"
hidden = C.draw("xor_h", c2, disabled=preset)
if preset:
    hidden = 3
lr = C.draw("xor_lr", c3, help=t("xor.lr_help", lecture=XOR_LECTURE_LR,
                                 default=C["xor_lr"].default))
seed = C.draw("xor_seed", c4, disabled=preset)
steps_per_frame = C.draw("xor_spt", c5)
t1, t2 = st.columns(2)
show_heatmap = C.draw("xor_heat", t1)
three_d = C.draw("xor_3d", t2, disabled=hidden < 3)

if hidden == 1:
    st.warning(t("xor.one_unit"))
lesson = XorPlayback(preset, hidden, int(seed), float(lr), int(steps_per_frame),
                     bool(show_heatmap))


@st.cache_resource(max_entries=64, show_spinner=False)
def paused_figures(name: str, heatmap: bool, three_d: bool, lang: str, _run: XorRun):
    """The three figures for the run ``_run`` (named ``name``): shared by every session that
    shows them, e.g. a class opening the page at the lecturer's settings."""
    return (boundary_figure(_run.params, heatmap=heatmap),
            hidden_space_figure(_run.params, three_d=three_d), loss_figure(_run.losses))


def charts(run: XorRun) -> None:
    boundary, hidden_space, losses = paused_figures(digest(run), bool(show_heatmap),
                                                    bool(three_d), current(), run)
    left, right = st.columns(2)
    with left:
        live_chart(boundary, key="xor_boundary")
    with right:
        live_chart(hidden_space, key="xor_hidden")
    if hidden >= 3 and not three_d:
        right.caption(t("xor.hidden_caption"))
    live_chart(losses, key="xor_loss")


def paused(run: XorRun) -> None:
    """The run while paused: metrics, how it ended, the figures, the outputs, the weights."""
    for column, (label, value) in zip(st.columns(4), metrics(run.params, run.steps, lesson.lr)):
        column.metric(label, value)
    verdict = lesson.verdict(run)
    if verdict is not None:
        getattr(st, verdict[0])(verdict[1])
    charts(run)
    table = outputs_table(run.params)
    st.table(table.style.format(precision=4).hide(axis="index"))
    d1, d2 = st.columns(2)
    d1.download_button(t("xor.download_outputs"), table.to_csv(index=False).encode(),
                       "xor_outputs.csv", "text/csv", key="xor_download_outputs")
    d2.download_button(t("xor.download_loss"), run.loss_csv, "xor_loss.csv", "text/csv",
                       key="xor_download_loss")
    with st.expander(t("xor.weights")):
        for block in weights_text(run.params):
            st.text(block)


frames_player.play("xor", lesson, paused)
if preset:
    st.caption(t("xor.preset_note", y=preset_outputs()))
