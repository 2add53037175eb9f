"""Perceptron learning rule (lecture 000): AND/OR settle, XOR never does; the sigmoid neuron.

The whole run is computed at once (a few hundred updates at most); Play hands the browser
chunks of frames, one per update or per pass, which it plays with no rerun per frame
(``ui.frames_player``). Pause lands on the update the browser shows.
"""

import numpy as np
import plotly.io
import streamlit as st

from lab import i18n, perceptron as pc
from lab.figures.perceptron import play_frames, view
from lab.i18n import current, headers, t
from ui import frames_player, player, presenter
from ui.charts import live_chart
from ui.controls import from_url, keep_in_url
from ui.entry import ensure_app_navigation
from ui.settings import PERCEPTRON as C

ensure_app_navigation()

KEY = "perceptron"


@st.cache_data(max_entries=64, show_spinner=False)
def run_rule(gate: str, eta: float, passes: int, init: str, seed: int) -> pc.PerceptronRun:
    return pc.train(gate, eta, passes, pc.initial_weights(init, seed))


st.title(t("lesson.perceptron.title"))
st.markdown(t("perceptron.intro"))

rule_tab, sigmoid_tab = st.tabs([t("perceptron.tab_rule"), t("perceptron.tab_sigmoid")])

with rule_tab:
    c1, c2, c3, c4 = st.columns([1, 2, 1, 1.4])
    gate = C.draw("pc_gate", c1)
    eta = C.draw("pc_eta", c2)
    passes = C.draw("pc_passes", c3)
    init = C.draw("pc_init", c4)
    seed = C.draw("pc_seed", c4) if init == "random" else 0
    run = run_rule(gate, float(eta), int(passes), init, int(seed))
    total = len(run.updates)

    # The animation's cursor: how many updates have been applied. New settings start over;
    # a shared link's cursor (``?update=``) is taken once, and the URL follows the cursor.
    settings = (gate, eta, passes, init, seed)
    if st.session_state.get("pc_settings") != settings:
        st.session_state.pc_settings, st.session_state.pc_cursor = settings, 0
        st.session_state.pop("pc_play", None)  # a chunk playing for the old run is dropped
    if "pc_linked" not in st.session_state:
        st.session_state.pc_linked = True
        st.session_state.pc_cursor = min(total, max(0, from_url("update", int, 0)))
    per_tick = 4 if C.draw("pc_by_pass") else 1

    def settle_play() -> None:
        """Bring the cursor to the frame the browser reached in the chunk it was playing."""
        reached = frames_player.settle("pc_play", "pc_player")
        if reached is not None:
            st.session_state.pc_cursor = reached

    settle_play()
    action = player.controls(KEY, can_play=st.session_state.pc_cursor < total)
    if action == "reset":
        st.session_state.pc_cursor = 0
    elif action == "step":
        st.session_state.pc_cursor = min(total, st.session_state.pc_cursor + per_tick)

    def chunk_from(cursor: int, big: bool, lang: str):
        """(key, build, cursors) of the chunk that follows ``cursor``: one frame per step of
        ``per_tick`` updates, computed once for every session at these settings."""
        cursors = list(range(cursor + per_tick, total + per_tick, per_tick))
        cursors = [min(c, total) for c in cursors[:frames_player.CHUNK_FRAMES]]

        def build():
            with i18n.using(lang):
                style = (lambda fig: presenter.presenter_style(fig)[0]) if big else (lambda f: f)
                return plotly.io.json.to_json_plotly(play_frames(run, gate, cursors, style))
        return f"pc|{settings}|{cursor}|{per_tick}|{big}|{lang}", build, cursors

    def play() -> None:
        cursor = st.session_state.pc_cursor
        keep_in_url("update", cursor, 0)
        if cursor >= total:
            player.stop_and_rerun(KEY)
        big, lang = presenter.is_on(), current()
        key, build, cursors = chunk_from(cursor, big, lang)
        frames_json = frames_player.CHUNKS.get(key, build)
        if cursors[-1] < total:  # the next chunk, while the browser plays this one
            frames_player.CHUNKS.ahead(*chunk_from(cursors[-1], big, lang)[:2])
        # presenter mode drops the figures' titles; the status line above says the same
        frames_player.hand_over("pc_play", "pc_player", frames_json, cursors, wide=[], big=big)

    def frame(playing: bool) -> None:
        settle_play()
        if playing:
            play()
            return
        cursor = st.session_state.pc_cursor
        keep_in_url("update", cursor, 0)
        v = view(run, gate, cursor)
        st.markdown(v.status)
        left, right = st.columns(2)
        with left:
            live_chart(v.decision, key="pc_decision")
        with right:
            live_chart(v.history, key="pc_history")
        if v.rows is not None:
            st.caption(t("perceptron.pass_table", p=v.pass_no))
            st.table(v.rows.style.format(precision=3).hide(axis="index"))

    player.live(KEY, frame, ticks=False)

    with st.expander(t("perceptron.passes_expander")):
        st.dataframe(headers(run.passes, "perceptron.col")
                     .style.format({"w0": "{:.4f}", "w1": "{:.4f}", "w2": "{:.4f}"}),
                     width="stretch", height=min(400, 38 + 35 * len(run.passes)))
        st.download_button(t("perceptron.download"), run.updates.to_csv(index=False).encode(),
                           f"perceptron_{gate}.csv", "text/csv", key="pc_download")

    if eta == 0:
        st.warning(t("perceptron.eta_zero"))
    if run.converged_pass is not None:
        st.success(t("perceptron.learned", gate=gate, p=run.converged_pass,
                     w=np.round(run.passes.iloc[-1].to_numpy()[1:], 4).tolist()))
    elif run.cycle is not None:
        first, period = run.cycle
        st.error(t("perceptron.never", gate=gate, errors=int(run.passes["errors"].min()),
                   later=first + period, first=first, period=period))
    else:
        st.info(t("perceptron.not_settled", passes=passes,
                  errors=int(run.passes["errors"].iloc[-1])))
    if init == "zeros":
        st.caption(t("perceptron.zeros_note"))

with sigmoid_tab:
    st.markdown(t("perceptron.sigmoid_intro"))
    c1, c2, c3, c4 = st.columns(4)
    w1, w2, b = C.draw("sg_w1", c1), C.draw("sg_w2", c2), C.draw("sg_b", c3)
    tgate = C.draw("sg_gate", c4)
    table = pc.sigmoid_table(w1, w2, b, pc.GATES[tgate])
    st.dataframe(headers(table, "perceptron.col")
                 .style.format({"net": "{:.4f}", "Y": "{:.4f}", t("perceptron.col.error"): "{:+.4f}"}),
                 hide_index=True, width="stretch")
    grad = pc.sigmoid_gradient(w1, w2, b, pc.GATES[tgate])
    new = pc.sigmoid_gradient_step(w1, w2, b, pc.GATES[tgate])
    st.markdown(t("perceptron.gradient", grad=f"({grad[0]:+.4f}, {grad[1]:+.4f}, {grad[2]:+.4f})",
                  w1=f"{new[0]:.4f}", w2=f"{new[1]:.4f}", b=f"{new[2]:.4f}"))
    is_lecture = (w1, w2, b, tgate) == (*pc.LECTURE_W, pc.LECTURE_B, "OR")
    if is_lecture:
        st.caption(t("perceptron.slide_note"))
        cmp = headers(pc.lecture_comparison(), "perceptron.col")
        st.dataframe(cmp.style.format({t("perceptron.col.true_value"): "{:.4f}",
                                       t("perceptron.col.lecture_prints"): "{:.2f}"}),
                     hide_index=True, width="stretch")
        st.download_button(t("download.csv"), pc.lecture_comparison().to_csv(index=False).encode(),
                           "sigmoid_lecture_comparison.csv", "text/csv", key="sg_download")
    else:
        st.caption(t("perceptron.slide_hint"))
        st.download_button(t("download.csv"), table.to_csv(index=False).encode(),
                           "sigmoid_table.csv", "text/csv", key="sg_download")
