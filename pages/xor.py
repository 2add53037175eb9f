"""XOR hidden units (lecture 000): a 2-H-1 sigmoid network learning XOR live, in NumPy."""

import numpy as np
import pandas as pd
import streamlit as st

from lab import mlp
from lab.figures.xor import boundary_figure, hidden_space_figure, loss_figure
from ui import player
from ui.live_plot import live_plotly_chart
from ui.entry import ensure_app_navigation

ensure_app_navigation()

KEY = "xor"
LR_OPTIONS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0]  # log-spaced
LECTURE_LR = 0.1
DEFAULT_LR = 0.5  # converges in about 1,100 steps; the lecture's 0.1 needs about 5,400
MAX_STEPS = 200_000  # the page stops training here so the loss history stays small

st.title("XOR hidden units")
st.markdown(
    r"$H = \mathrm{sigmoid}(x\,w_1 + b_1)$, $y = \mathrm{sigmoid}(H\,w_2 + b_2)$, trained on the "
    "four XOR rows by back-propagating the binary cross-entropy with full-batch SGD (the "
    "lecture's `Dense(3, sigmoid)` + `Dense(1, sigmoid)`, `SGD`, `batch_size=4`). The network "
    "is written in NumPy, so a training step takes microseconds; the tests check it against "
    "Keras with the same weights.")

c1, c2, c3, c4, c5 = st.columns([1.3, 1, 2, 1, 1.3])
start = c1.radio("Start from", ["random (seeded)", "lecture's weights"], key="xor_start",
                 help="The lecture's hand-made weights w1=[[-2,5,4],[3,6,3]], b1=[2,-2,-5], "
                      "w2=[[-4],[8],[-8]] (no output bias) already solve XOR.")
preset = start == "lecture's weights"
hidden = c2.slider("Hidden units H", mlp.H_MIN, mlp.H_MAX, 3, key="xor_h", disabled=preset)
if preset:
    hidden = 3
lr = c3.select_slider("Learning rate", LR_OPTIONS, value=DEFAULT_LR, key="xor_lr",
                      help=f"The lecture uses {LECTURE_LR}; the default {DEFAULT_LR} gets there "
                           "about five times sooner. Changing it does not restart training.")
seed = c4.number_input("Seed", 0, 9999, 0, key="xor_seed", disabled=preset)
steps_per_tick = c5.select_slider("Steps per frame", [1, 10, 50, 100, 500], value=50,
                                  key="xor_spt")
t1, t2 = st.columns(2)
show_heatmap = t1.toggle("Output heat-map", value=True, key="xor_heat")
three_d = t2.toggle("3-D hidden space (H ≥ 3; slow to redraw, drawn while paused)",
                    value=False, key="xor_3d", disabled=hidden < 3)


def fresh_state() -> dict:
    p = mlp.lecture_preset() if preset else mlp.init_params(hidden, int(seed))
    return {"params": p, "losses": [], "diverged": False}


settings = (preset, hidden, seed)
if st.session_state.get("xor_settings") != settings:
    st.session_state.xor_settings, st.session_state.xor_state = settings, fresh_state()
if hidden == 1:
    st.warning("With one hidden unit the network is still a single line followed by a "
               "squashing: it cannot solve XOR (one input pair always ends up on the wrong "
               "side). Try H = 2 or more.")


def advance(n: int) -> None:
    state = st.session_state.xor_state
    if state["diverged"] or len(state["losses"]) >= MAX_STEPS:
        return
    losses = mlp.train(state["params"], float(lr), n)
    state["losses"].extend(losses.tolist())
    state["diverged"] = len(losses) < n


_state = st.session_state.xor_state
action = player.controls(KEY, can_play=not (_state["diverged"] or mlp.is_converged(_state["params"])
                                            or len(_state["losses"]) >= MAX_STEPS))
if action == "reset":
    st.session_state.xor_state = fresh_state()
elif action == "step":
    advance(steps_per_tick)


def frame(ticking: bool) -> None:
    if ticking:
        advance(steps_per_tick)
    state = st.session_state.xor_state
    p: mlp.MLP = state["params"]
    f = mlp.forward(p)
    loss = mlp.bce(f.y)
    steps = len(state["losses"])
    done = mlp.is_converged(p)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Training steps", f"{steps:,}")
    m2.metric("Loss (BCE)", f"{loss:.4f}")
    m3.metric("Right side of 0.5", f"{int(np.sum((f.y > 0.5) == (mlp.XOR_T > 0.5)))} of 4")
    m4.metric("Learning rate", f"{lr:g}")
    if state["diverged"]:
        st.error(f"The weights overflowed at learning rate {lr:g}. Lower the learning rate and "
                 "press Reset; the last finite weights are shown.")
    elif done:
        st.success(f"Converged after {steps:,} steps: all four outputs are on the right side "
                   f"of 0.5 and the loss is below {mlp.CONVERGED_LOSS}.")
    elif steps >= MAX_STEPS:
        st.info(f"Stopped after {MAX_STEPS:,} steps without converging (a flat region or a "
                "local minimum): try another seed or more hidden units.")
    left, right = st.columns(2)
    with left:
        live_plotly_chart(boundary_figure(p, heatmap=show_heatmap), key="xor_boundary")
    with right:
        live_plotly_chart(hidden_space_figure(p, three_d=three_d and not ticking), key="xor_hidden")
    if hidden >= 3 and not (three_d and not ticking):
        right.caption("Across: what the output unit reads (z2 = h·w2 + b2; y > 0.5 right of the "
                      "line). Up: the largest spread left over. One line now separates XOR.")
    live_plotly_chart(loss_figure(np.asarray(state["losses"])), key="xor_loss")
    table = pd.DataFrame(mlp.XOR_X.astype(int), columns=["x1", "x2"])
    for j in range(p.hidden):
        table[f"h{j + 1}"] = f.h[:, j]
    table["y"], table["t"] = f.y[:, 0], mlp.XOR_T[:, 0].astype(int)
    if ticking:  # one preformatted block: an HTML table and an expander redraw too slowly
        st.code(table.to_string(index=False, float_format="{:.4f}".format), language=None)
    else:
        st.table(table.style.format(precision=4).hide(axis="index"))
        with st.expander("Weights"):
            for name, value in p.as_dict().items():
                st.text(f"{name} =\n{np.array2string(np.asarray(value), precision=3)}")
    stuck = state["diverged"] or steps >= MAX_STEPS
    if ticking and (done or stuck):
        player.stop_and_rerun(KEY)


player.live(KEY, frame)
if preset:
    y0 = mlp.forward(mlp.lecture_preset()).y.ravel()
    st.caption("With the lecture's weights, before any training, the outputs for (0,0), (0,1), "
               f"(1,0), (1,1) are {', '.join(f'{v:.4f}' for v in y0)}: already XOR, so Play "
               "has nothing to do until you pick random weights.")
