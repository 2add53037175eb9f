"""Perceptron learning rule (lecture 000): AND/OR settle, XOR never does; the sigmoid neuron."""

import numpy as np
import streamlit as st

from lab import perceptron as pc
from lab.figures.perceptron import decision_figure, history_figure
from ui import player
from ui.live_plot import live_plotly_chart
from ui.entry import ensure_app_navigation

ensure_app_navigation()

KEY = "perceptron"
ETA_OPTIONS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]  # log-spaced


@st.cache_data(max_entries=64, show_spinner=False)
def run_rule(gate: str, eta: float, passes: int, init: str, seed: int) -> pc.PerceptronRun:
    return pc.train(gate, eta, passes, pc.initial_weights(init, seed))


st.title("Perceptron learning rule")
st.markdown(
    r"Rosenblatt's rule, one sample at a time: $w_i \leftarrow w_i + \eta\,x_i\,(t - f(net))$ "
    r"with $net = w_0 + w_1x_1 + w_2x_2$ and the step $f(net) = 1$ if $net > 0$ else $0$. "
    "The lecture starts from zero weights with $\\eta = 0.1$ and makes 10 passes.")

rule_tab, sigmoid_tab = st.tabs(["Learning rule", "Sigmoid neuron (worked example)"])

with rule_tab:
    c1, c2, c3, c4 = st.columns([1, 2, 1, 1.4])
    gate = c1.radio("Gate", list(pc.GATES), horizontal=True, key="pc_gate")
    eta = c2.select_slider("Learning rate η", ETA_OPTIONS, value=0.1, key="pc_eta")
    passes = c3.number_input("Passes", 1, pc.MAX_PASSES, 10, key="pc_passes")
    init = c4.radio("Initial weights", ["zeros", "random"], horizontal=True, key="pc_init",
                    help="Zeros as in the lecture, or uniform(-0.5, 0.5) from the seed.")
    seed = c4.number_input("Seed", 0, 9999, 0, key="pc_seed") if init == "random" else 0
    run = run_rule(gate, float(eta), int(passes), init, int(seed))
    total = len(run.updates)

    # The animation's cursor: how many updates have been applied. New settings start over.
    settings = (gate, eta, passes, init, seed)
    if st.session_state.get("pc_settings") != settings:
        st.session_state.pc_settings, st.session_state.pc_cursor = settings, 0
    per_tick = 4 if st.toggle("Advance a whole pass per step", key="pc_by_pass") else 1

    action = player.controls(KEY, can_play=st.session_state.pc_cursor < total)
    if action == "reset":
        st.session_state.pc_cursor = 0
    elif action == "step":
        st.session_state.pc_cursor = min(total, st.session_state.pc_cursor + per_tick)

    def frame(ticking: bool) -> None:
        if ticking:
            st.session_state.pc_cursor = min(total, st.session_state.pc_cursor + per_tick)
        cursor = st.session_state.pc_cursor
        if cursor:
            last = run.updates.iloc[cursor - 1]
            w = last[["w0", "w1", "w2"]].to_numpy(float)
            where = f"pass {int(last['pass'])}, sample {int(last['sample'])} of 4"
        else:
            w, last, where = run.w_init, None, "before the first update"
        st.markdown(f"**{where}** · update {cursor} of {total} · w = "
                    f"[{w[0]:.3f}, {w[1]:.3f}, {w[2]:.3f}] · line: {pc.decision_line(w)}")
        left, right = st.columns(2)
        with left:
            live_plotly_chart(decision_figure(w, pc.GATES[gate],
                                              None if last is None else int(last["sample"]) - 1,
                                              title=f"{gate}: the line after {cursor} updates"),
                              key="pc_decision")
        with right:
            live_plotly_chart(history_figure(run, cursor), key="pc_history")
        if last is not None:
            p = int(last["pass"])
            rows = run.updates[(run.updates["pass"] == p)].iloc[: (cursor - 1) % 4 + 1]
            st.caption(f"Pass {p}, sample by sample (the lecture's table; the last row is the "
                       "update just made)")
            st.table(rows.drop(columns=["pass"]).style.format(precision=3).hide(axis="index"))
        if ticking and cursor >= total:
            player.stop_and_rerun(KEY)

    player.live(KEY, frame)

    with st.expander("Weights after each pass (what the lecture's loop prints)"):
        st.dataframe(run.passes.style.format({"w0": "{:.4f}", "w1": "{:.4f}", "w2": "{:.4f}"}),
                     width="stretch", height=min(400, 38 + 35 * len(run.passes)))

    if eta == 0:
        st.warning("η = 0: every weight change is zero, so the rule cannot learn.")
    if run.converged_pass is not None:
        cp = run.converged_pass
        st.success(f"{gate} is learned: pass {cp} makes no error, and nothing changes after it. "
                   f"Final w = {np.round(run.passes.iloc[-1].to_numpy()[1:], 4).tolist()}.")
    elif run.cycle is not None:
        first, period = run.cycle
        st.error(
            f"{gate} is never learned: every pass makes {int(run.passes['errors'].min())} or more "
            f"errors, and the weights after pass {first + period} are the same as after pass "
            f"{first}, so the rule repeats the same {period}-pass cycle forever. No straight "
            "line puts (0,1) and (1,0) on one side and (0,0) and (1,1) on the other: a single "
            "perceptron cannot represent XOR. The next page adds a hidden layer.")
    else:
        st.info(f"Not settled after {passes} passes ({int(run.passes['errors'].iloc[-1])} "
                "errors in the last pass): try more passes or a larger η.")
    if init == "zeros":
        st.caption("From zero weights η only rescales every weight: the lines, and the pass at "
                   "which the rule settles, are the same for any η > 0. Pick random initial "
                   "weights to see η matter.")

with sigmoid_tab:
    st.markdown(r"The lecture's neuron $Y = \mathrm{sigmoid}(w_1x_1 + w_2x_2 + b)$ with "
                r"$w_1=-0.16,\ w_2=0.44,\ b=-0.99$ and targets $T$ of OR; error $= Y - T$. "
                r"One step $W \leftarrow W - \lambda\,\partial E/\partial W$ with "
                r"$E = \tfrac12\sum (Y-T)^2$ and $\lambda = 1$ gives the slide's new weights.")
    c1, c2, c3, c4 = st.columns(4)
    w1 = c1.number_input("w1", value=pc.LECTURE_W[0], step=0.01, format="%.3f", key="sg_w1")
    w2 = c2.number_input("w2", value=pc.LECTURE_W[1], step=0.01, format="%.3f", key="sg_w2")
    b = c3.number_input("b", value=pc.LECTURE_B, step=0.01, format="%.3f", key="sg_b")
    tgate = c4.selectbox("Targets T", list(pc.GATES), index=1, key="sg_gate")
    table = pc.sigmoid_table(w1, w2, b, pc.GATES[tgate])
    st.dataframe(table.style.format({"net": "{:.4f}", "Y": "{:.4f}", "error": "{:+.4f}"}),
                 hide_index=True, width="stretch")
    grad = pc.sigmoid_gradient(w1, w2, b, pc.GATES[tgate])
    new = pc.sigmoid_gradient_step(w1, w2, b, pc.GATES[tgate])
    st.markdown(f"∂E/∂(w1, w2, b) = ({grad[0]:+.4f}, {grad[1]:+.4f}, {grad[2]:+.4f}) → "
                f"after one step: w1 = {new[0]:.4f}, w2 = {new[1]:.4f}, b = {new[2]:.4f}")
    is_lecture = (w1, w2, b, tgate) == (*pc.LECTURE_W, pc.LECTURE_B, "OR")
    if is_lecture:
        st.caption("What the slide prints beside the true values. The slide truncates where "
                   "it should round (sigmoid(-0.55) = 0.3659, printed 0.36; its error -0.64 "
                   "is 1 - 0.36 rather than 0.3659 - 1 = -0.6341).")
        cmp = pc.lecture_comparison()
        st.dataframe(cmp.style.format({"true value": "{:.4f}", "lecture prints": "{:.2f}"}),
                     hide_index=True, width="stretch")
    else:
        st.caption("Set w1 = -0.16, w2 = 0.44, b = -0.99 and T = OR to compare with the slide.")
