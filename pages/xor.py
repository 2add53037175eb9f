"""XOR hidden units (lecture 000): a 2-H-1 sigmoid network learning XOR live, in NumPy."""

import numpy as np
import pandas as pd
import streamlit as st

from lab import mlp
from lab.figures.xor import boundary_figure, hidden_space_figure, loss_figure
from lab.i18n import t
from ui import player
from ui.charts import live_chart
from ui.controls import from_url, keep_in_url
from ui.entry import ensure_app_navigation
from ui.settings import XOR as C, XOR_LECTURE_LR

ensure_app_navigation()

KEY = "xor"
MAX_STEPS = 200_000  # the page stops training here so the loss history stays small

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
steps_per_tick = C.draw("xor_spt", c5)
t1, t2 = st.columns(2)
show_heatmap = C.draw("xor_heat", t1)
three_d = C.draw("xor_3d", t2, disabled=hidden < 3)


def fresh_state() -> dict:
    p = mlp.lecture_preset() if preset else mlp.init_params(hidden, int(seed))
    return {"params": p, "losses": [], "diverged": False}


settings = (preset, hidden, seed)
if st.session_state.get("xor_settings") != settings:
    st.session_state.xor_settings, st.session_state.xor_state = settings, fresh_state()
if hidden == 1:
    st.warning(t("xor.one_unit"))


def advance(n: int) -> None:
    state = st.session_state.xor_state
    n = min(n, MAX_STEPS - len(state["losses"]))
    if state["diverged"] or n <= 0:
        return
    losses = mlp.train(state["params"], float(lr), n)
    state["losses"].extend(losses.tolist())
    state["diverged"] = len(losses) < n


if "xor_linked" not in st.session_state:  # a shared link: replay its steps once
    st.session_state.xor_linked = True
    advance(min(MAX_STEPS, max(0, from_url("steps", int, 0))))
_state = st.session_state.xor_state
action = player.controls(KEY, can_play=not (_state["diverged"] or mlp.is_converged(_state["params"])
                                            or len(_state["losses"]) >= MAX_STEPS))
if action == "reset":
    st.session_state.xor_state = fresh_state()
elif action == "step":
    advance(steps_per_tick)


def outputs_table(p: mlp.MLP, f) -> pd.DataFrame:
    table = pd.DataFrame(mlp.XOR_X.astype(int), columns=["x1", "x2"])
    for j in range(p.hidden):
        table[f"h{j + 1}"] = f.h[:, j]
    table["y"], table["t"] = f.y[:, 0], mlp.XOR_T[:, 0].astype(int)
    return table


def frame(ticking: bool) -> None:
    if ticking:
        advance(steps_per_tick)
    state = st.session_state.xor_state
    p: mlp.MLP = state["params"]
    f = mlp.forward(p)
    loss = mlp.bce(f.y)
    steps = len(state["losses"])
    keep_in_url("steps", steps, 0)
    done = mlp.is_converged(p)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("xor.m_steps"), f"{steps:,}")
    m2.metric(t("xor.m_loss"), f"{loss:.4f}")
    m3.metric(t("xor.m_right"), t("xor.of_4", n=int(np.sum((f.y > 0.5) == (mlp.XOR_T > 0.5)))))
    m4.metric(t("xor.m_lr"), f"{lr:g}")
    if state["diverged"]:
        st.error(t("xor.overflow", lr=lr))
    elif done:
        st.success(t("xor.converged", steps=steps, level=mlp.CONVERGED_LOSS))
    elif steps >= MAX_STEPS:
        st.info(t("xor.stopped", steps=MAX_STEPS))
    left, right = st.columns(2)
    with left:
        live_chart(boundary_figure(p, heatmap=show_heatmap), key="xor_boundary")
    with right:
        live_chart(hidden_space_figure(p, three_d=three_d and not ticking), key="xor_hidden")
    if hidden >= 3 and not (three_d and not ticking):
        right.caption(t("xor.hidden_caption"))
    live_chart(loss_figure(np.asarray(state["losses"])), key="xor_loss")
    table = outputs_table(p, f)
    if ticking:  # one preformatted block: an HTML table and an expander redraw too slowly
        st.code(table.to_string(index=False, float_format="{:.4f}".format), language=None)
    else:
        st.table(table.style.format(precision=4).hide(axis="index"))
        d1, d2 = st.columns(2)
        d1.download_button(t("xor.download_outputs"), table.to_csv(index=False).encode(),
                           "xor_outputs.csv", "text/csv", key="xor_download_outputs")
        d2.download_button(t("xor.download_loss"),
                           pd.DataFrame({"step": np.arange(1, steps + 1), "loss": state["losses"]})
                           .to_csv(index=False).encode(), "xor_loss.csv", "text/csv",
                           key="xor_download_loss")
        with st.expander(t("xor.weights")):
            for name, value in p.as_dict().items():
                st.text(f"{name} =\n{np.array2string(np.asarray(value), precision=3)}")
    stuck = state["diverged"] or steps >= MAX_STEPS
    if ticking and (done or stuck):
        player.stop_and_rerun(KEY)


player.live(KEY, frame)
if preset:
    y0 = mlp.forward(mlp.lecture_preset()).y.ravel()
    st.caption(t("xor.preset_note", y=", ".join(f"{v:.4f}" for v in y0)))
