"""Unrolled RNN (lectures 000, 001, 002, 004): forward pass through time, BPTT, gradient flow.

The two training demos play in the browser: Play computes the next frames of the demo once per
exact state (``lab.rnn_demos``) and the browser plays them (``ui.frames_player``); Pause, a
slider or a chunk's end returns the demo to the state the browser showed.
"""

import numpy as np
import pandas as pd
import plotly.io
import streamlit as st

from lab import i18n, rnn, sequences as sq
from lab.figures.rnn import (forecast_figure, gradient_flow_figure, loss_curves_figure,
                             sine_frames, sine_status, step_table_rows, unrolled_figure,
                             words_frames, words_status)
from lab.rnn_demos import SineDemo, WordsDemo
from lab.errors import text_of
from lab.i18n import current, headers, t
from lab.imdb import one_hot_bytes
from ui import frames_player, player, presenter
from ui.charts import chart, live_chart
from ui.entry import ensure_app_navigation
from ui.settings import RNN as C, SHAPE_PRESETS

ensure_app_navigation()

WORD_EPOCHS_PER_FRAME = 5
SINE_EPOCHS_PER_FRAME = 1
SINE_CHUNK_FRAMES = 25  # an epoch on the sine windows takes about 25 ms: 2.5 s of play a chunk
CHUNK_BUDGET_S = 0.8  # a chunk's training stops here: larger settings play shorter chunks


def demo(key: str, factory, settings: tuple, lr: float):
    """The demo object in session state: made afresh when its settings change or on reset; at
    the state the browser reached if it was playing (``ui.frames_player``); at rate ``lr``."""
    if st.session_state.get(f"{key}_settings") != settings:
        st.session_state[f"{key}_settings"] = settings
        st.session_state[key] = factory()
        st.session_state.pop(f"{key}_play", None)  # a chunk playing for the old demo
    reached = frames_player.settle(f"{key}_play", f"{key}_player")
    if reached is not None:
        st.session_state[key] = reached.snapshot()  # chunks are shared: training state of our own
    current_demo = st.session_state[key]
    current_demo.opt.lr = lr
    return current_demo


def play_demo(key: str, player_key: str, epochs: int, frames: int, build_frames,
              wide: list[int]) -> None:
    """Hand the browser the frames that follow the demo's state: computed once for the server
    per exact state (students who pressed Play on the same settings share them), and the next
    chunk ahead while this one plays."""
    d = st.session_state[key]
    if d.finished():
        player.stop_and_rerun(player_key)
    big, lang = presenter.is_on(), current()

    def chunk_of(state):
        def build():
            with i18n.using(lang):
                states = state.trajectory(epochs, frames, CHUNK_BUDGET_S)
                style = (lambda fig: presenter.presenter_style(fig)[0]) if big else (lambda f: f)
                return plotly.io.json.to_json_plotly(build_frames(states, style)), states
        return f"{key}|{state.digest()}|{epochs}|{frames}|{big}|{lang}", build

    frames_json, states = frames_player.CHUNKS.get(*chunk_of(d))
    if not states[-1].finished():
        frames_player.CHUNKS.ahead(*chunk_of(states[-1]))
    frames_player.hand_over(f"{key}_play", f"{key}_player", frames_json, states, wide=wide,
                            big=big)


st.title(t("lesson.rnn.title"))
st.markdown(t("rnn.intro"))

(tab_unrolled, tab_shapes, tab_flow, tab_words, tab_sine) = st.tabs(
    [t("rnn.tab_unrolled"), t("rnn.tab_shapes"), t("rnn.tab_flow"), t("rnn.tab_words"),
     t("rnn.tab_sine")])

# --- Train: words (defined first: the unrolled view shows this network) --------------------------
with tab_words:
    c1, c2, c3 = st.columns(3)
    w_units, w_lr, w_seed = C.draw("w_units", c1), C.draw("w_lr", c2), C.draw("w_seed", c3)
    words = demo("rnn_words", lambda: WordsDemo(w_units, w_lr, int(w_seed)), (w_units, w_seed),
                 float(w_lr))
    action = player.controls("words")
    if action == "reset":
        st.session_state["rnn_words"] = words = WordsDemo(w_units, w_lr, int(w_seed))
    elif action == "step":
        words.advance(WORD_EPOCHS_PER_FRAME)

    def words_frame(playing: bool) -> None:
        d = demo("rnn_words", None, (w_units, w_seed), float(w_lr))
        if playing:
            play_demo("rnn_words", "words", WORD_EPOCHS_PER_FRAME, frames_player.CHUNK_FRAMES,
                      words_frames, wide=[0])
            return
        table = d.table()
        st.markdown(words_status(d, table))
        if d.diverged:
            st.error(t("rnn.diverged", lr=w_lr))
        left, right = st.columns([1, 1.2])
        left.table(headers(table, "rnn.col").style.format({"P(positive)": "{:.3f}"})
                   .hide(axis="index"))
        with right:
            live_chart(loss_curves_figure(d.losses, title=t("rnn.bce")), key="words_loss")
        st.download_button(t("download.csv"), table.to_csv(index=False).encode(),
                           "rnn_words.csv", "text/csv", key="w_download")

    player.live("words", words_frame, ticks=False)
    words = st.session_state["rnn_words"]
    typed = C.draw("w_typed", help=t("rnn.typed_help", letters=" ".join(words.vocab[1:])))
    try:
        idx, _ = words.encode(typed)
        st.markdown(t("rnn.typed_result", typed=typed, idx=idx[0].tolist(),
                      p=words.probability(typed)))
    except ValueError as err:
        st.warning(t("rnn.cannot_classify", typed=repr(typed), err=text_of(err),
                     chars=" ".join(repr(c) for c in words.vocab[1:])))

# --- Train: sine -------------------------------------------------------------------------------
with tab_sine:
    c1, c2, c3, c4 = st.columns(4)
    s_steps, s_units = C.draw("s_steps", c1), C.draw("s_units", c2)
    s_lr, s_seed = C.draw("s_lr", c3), C.draw("s_seed", c4)
    sine = demo("rnn_sine", lambda: SineDemo(s_steps, s_units, s_lr, int(s_seed)),
                (s_steps, s_units, s_seed), float(s_lr))
    shp = sine.shapes
    st.caption(t("rnn.sine_shapes", X=shp["X"], train=shp["x_train"], test=shp["x_test"]))
    action = player.controls("sine")
    if action == "reset":
        st.session_state["rnn_sine"] = sine = SineDemo(s_steps, s_units, s_lr, int(s_seed))
    elif action == "step":
        sine.advance(SINE_EPOCHS_PER_FRAME)

    def sine_frame(playing: bool) -> None:
        d = demo("rnn_sine", None, (s_steps, s_units, s_seed), float(s_lr))
        if playing:
            play_demo("rnn_sine", "sine", SINE_EPOCHS_PER_FRAME, SINE_CHUNK_FRAMES, sine_frames,
                      wide=[0, 1])
            return
        st.markdown(sine_status(d))
        if d.diverged:
            st.error(t("rnn.diverged", lr=s_lr))
        time, truth, pred_test, test_start = d.forecast()
        live_chart(forecast_figure(time, truth, pred_test, test_start), key="sine_forecast")
        live_chart(loss_curves_figure(d.train_losses, d.test_losses, t("rnn.mse")),
                   key="sine_loss")
        out = pd.DataFrame({"x": time[test_start:], "y": truth[test_start:],
                            "forecast": pred_test})
        st.download_button(t("rnn.download_forecast"), out.to_csv(index=False).encode(),
                           "rnn_sine_forecast.csv", "text/csv", key="s_download")

    player.live("sine", sine_frame, ticks=False)

# --- Forward pass, unrolled ----------------------------------------------------------------------
with tab_unrolled:
    source = C.draw("u_source")
    if source == "sine":
        start = C.draw("u_start", hi=999 - sine.time_steps)
        net, series = sine.net, sine.series
        x = series[start:start + sine.time_steps].reshape(1, -1, 1)
        steps, features = [f"{v:.2f}" for v in x[0, :, 0]], ["x"]
        st.caption(t("rnn.sine_segment", epochs=len(sine.train_losses),
                     next=series[min(start + sine.time_steps, 999)]))
    else:
        if source == "lecture":
            word = C.draw("u_word")
        else:
            word = C.draw("u_typed")
        net, features = words.net, words.vocab
        try:
            idx, x = words.encode(word)
        except ValueError as err:
            x = None
            st.warning(t("rnn.cannot_encode", word=repr(word), err=text_of(err),
                         chars=" ".join(repr(c) for c in words.vocab[1:])))
    if x is not None and source != "sine":
        steps = [words.vocab[i] for i in idx[0]]
        st.markdown(t("rnn.encoded", vocab=words.vocab, word=word,
                      ids=sq.encode(word, words.vocab), padded=idx[0].tolist(),
                      epochs=len(words.losses)))
    if x is not None:
        trace = rnn.forward(net, x)
        T = x.shape[1]
        upto = C.draw("u_upto", hi=T) if T > 1 else 1
        chart(unrolled_figure(net, trace, upto, step_labels=steps, feature_labels=features),
              key="u_fig")
        st.caption(t("rnn.step_caption", upto=upto))
        rows = pd.DataFrame(step_table_rows(net, trace, upto))
        st.dataframe(headers(rows, "rnn.col").style.format(precision=3), hide_index=True,
                     width="stretch")
        st.download_button(t("download.csv"), rows.to_csv(index=False).encode(),
                           f"rnn_step_{upto}.csv", "text/csv", key="u_download")

# --- Shapes and parameters -----------------------------------------------------------------------
with tab_shapes:
    choice = C.draw("sh_preset")
    m0, T0, nf0, nc0, out0 = SHAPE_PRESETS[choice]
    c1, c2, c3, c4 = st.columns(4)
    m = c1.number_input(t("rnn.m"), 1, 100_000, m0, key=f"sh_m_{choice}")
    T_ = c2.number_input(t("rnn.T"), 1, 10_000, T0, key=f"sh_T_{choice}")
    nf = c3.number_input(t("rnn.nf"), 1, 100_000, nf0, key=f"sh_nf_{choice}")
    nc = c4.number_input(t("rnn.nc"), 1, 4096, nc0, key=f"sh_nc_{choice}")
    shapes = pd.DataFrame({
        "array": ["X", t("rnn.x_one_step"), "W1x", "W1h", "b1", "H_t", "W2", "b2"],
        "shape": [f"({m}, {T_}, {nf})", f"({m}, {nf})", f"({nf}, {nc})", f"({nc}, {nc})",
                  f"({nc},)", f"({m}, {nc})", f"({nc}, 1)", "(1,)"]})
    st.table(headers(shapes, "rnn.col").style.hide(axis="index"))
    rnn_only = rnn.count_params(nf, nc, None)
    st.markdown(t("rnn.param_count", nf=nf, nc=nc, total=rnn_only,
                  dense=rnn.count_params(nf, nc, 1)))
    st.markdown(t("rnn.one_hot_bytes", T=T_, nf=nf, size=one_hot_bytes(20000, T_, nf)))

# --- Gradient flow ---------------------------------------------------------------------------------
with tab_flow:
    c1, c2, c3, c4 = st.columns(4)
    T_flow, radius, act = C.draw("g_T", c1), C.draw("g_radius", c2), C.draw("g_act", c3)
    k = C.draw("g_k", c4, hi=T_flow) if T_flow > 1 else 1
    flow = rnn.gradient_flow(T_flow, radius, act, k=None if k >= T_flow else k)
    if flow.overflow:
        st.error(t("rnn.overflow"))
    chart(gradient_flow_figure(flow, radius, act), key="g_fig")
    ratio = flow.dh_norm[0] / flow.dh_norm[-1] if flow.dh_norm[-1] else float("nan")
    st.markdown(t("rnn.flow_ratio", T=T_flow, ratio=ratio, w=radius, n=T_flow - 1,
                  power=float(radius) ** (T_flow - 1)))
    st.caption(t("rnn.flow_caption"))
    st.download_button(t("download.csv"),
                       pd.DataFrame({"t": np.arange(1, T_flow + 1), "grad_norm": flow.dh_norm,
                                     "gets_gradient": flow.received}).to_csv(index=False).encode(),
                       "rnn_gradient_flow.csv", "text/csv", key="g_download")
