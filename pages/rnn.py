"""Unrolled RNN (lectures 000, 001, 002, 004): forward pass through time, BPTT, gradient flow."""

import numpy as np
import pandas as pd
import streamlit as st

from lab import rnn, sequences as sq
from lab.figures.rnn import (forecast_figure, gradient_flow_figure, loss_curves_figure,
                             step_table_rows, unrolled_figure)
from lab.rnn_demos import SineDemo, WordsDemo
from ui import player
from ui.entry import ensure_app_navigation
from ui.live_plot import live_plotly_chart

ensure_app_navigation()

LR_OPTIONS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5]
WORD_EPOCHS_PER_FRAME = 5
SINE_EPOCHS_PER_FRAME = 1


def demo(key: str, factory, settings: tuple):
    """The demo object in session state, made afresh when its settings change or on reset."""
    if st.session_state.get(f"{key}_settings") != settings:
        st.session_state[f"{key}_settings"] = settings
        st.session_state[key] = factory()
    return st.session_state[key]


st.title("Unrolled RNN")
st.markdown(
    r"$Z_{1,t} = X_t W_{1x} + H_{t-1} W_{1h} + b_1$, $H_t = \tanh(Z_{1,t})$, and for a "
    r"many-to-one network the output reads only the last state: $Z_2 = H_T W_2 + b_2$. "
    "The same weights are used at every step (lecture 001's notation). Every number below is "
    "computed by a NumPy RNN; the tests check it against `keras.layers.SimpleRNN` and "
    "`tf.GradientTape`.")

(tab_unrolled, tab_shapes, tab_flow, tab_words, tab_sine) = st.tabs(
    ["Forward pass, unrolled", "Shapes and parameters", "Gradient flow (BPTT)",
     "Train: words (many-to-one)", "Train: sine forecast"])

# --- Train: words (defined first: the unrolled view shows this network) --------------------------
with tab_words:
    c1, c2, c3 = st.columns(3)
    w_units = c1.slider("Hidden units n_c", 2, 16, 8, key="w_units")
    w_lr = c2.select_slider("Learning rate (Adam)", LR_OPTIONS, value=0.05, key="w_lr")
    w_seed = c3.number_input("Seed", 0, 9999, 0, key="w_seed")
    words = demo("rnn_words", lambda: WordsDemo(w_units, w_lr, int(w_seed)), (w_units, w_seed))
    words.opt.lr = float(w_lr)
    action = player.controls("words")
    if action == "reset":
        st.session_state["rnn_words"] = words = WordsDemo(w_units, w_lr, int(w_seed))
    elif action == "step":
        words.advance(WORD_EPOCHS_PER_FRAME)

    def words_frame(ticking: bool) -> None:
        if ticking:
            words.advance(WORD_EPOCHS_PER_FRAME)
        table = words.table()
        st.markdown(f"**{len(words.losses)} epochs** · loss "
                    f"{f'{words.losses[-1]:.4f}' if words.losses else '–'} · "
                    f"{int(table['right?'].sum())} of 4 words right")
        if words.diverged:
            st.error(f"Training diverged at learning rate {w_lr}: lower it and press Reset.")
        left, right = st.columns([1, 1.2])
        left.table(table.style.format({"P(positive)": "{:.3f}"}).hide(axis="index"))
        with right:
            live_plotly_chart(loss_curves_figure(words.losses, title="Binary cross-entropy"),
                              key="words_loss")
        if ticking and (words.diverged or (words.losses and words.losses[-1] < 1e-3)):
            player.stop_and_rerun("words")

    player.live("words", words_frame)
    typed = st.text_input("Classify your own word", "so bad", key="w_typed",
                          help="Letters of the vocabulary only: " + " ".join(words.vocab[1:]))
    try:
        idx, _ = words.encode(typed)
        st.markdown(f"`{typed}` → {idx[0].tolist()} → P(positive) = "
                    f"**{words.probability(typed):.3f}**")
    except ValueError as err:
        st.warning(f"Cannot classify {typed!r}: {err}. The network only knows the characters "
                   f"{' '.join(repr(c) for c in words.vocab[1:])}.")

# --- Train: sine -------------------------------------------------------------------------------
with tab_sine:
    c1, c2, c3, c4 = st.columns(4)
    s_steps = c1.slider("time_steps (window)", 2, 60, 20, key="s_steps")
    s_units = c2.slider("Hidden units n_c", 2, 64, 16, key="s_units")
    s_lr = c3.select_slider("Learning rate (Adam)", LR_OPTIONS, value=0.01, key="s_lr")
    s_seed = c4.number_input("Seed", 0, 9999, 0, key="s_seed")
    sine = demo("rnn_sine", lambda: SineDemo(s_steps, s_units, s_lr, int(s_seed)),
                (s_steps, s_units, s_seed))
    sine.opt.lr = float(s_lr)
    shp = sine.shapes
    st.caption(f"Windows X {shp['X']}, split 80/20 in time: train {shp['x_train']}, test "
               f"{shp['x_test']} (lecture 002 with time_steps = 20: (980, 20, 1), 784 / 196).")
    action = player.controls("sine")
    if action == "reset":
        st.session_state["rnn_sine"] = sine = SineDemo(s_steps, s_units, s_lr, int(s_seed))
    elif action == "step":
        sine.advance(SINE_EPOCHS_PER_FRAME)

    def sine_frame(ticking: bool) -> None:
        if ticking:
            sine.advance(SINE_EPOCHS_PER_FRAME)
        n = len(sine.train_losses)
        st.markdown(f"**{n} epochs** · test MSE "
                    f"{sine.test_losses[-1] if n else sine.test_loss():.5f} "
                    f"(the series' variance is {np.var(sine.y_test):.3f})")
        if sine.diverged:
            st.error(f"Training diverged at learning rate {s_lr}: lower it and press Reset.")
        live_plotly_chart(forecast_figure(*sine.forecast()), key="sine_forecast")
        live_plotly_chart(loss_curves_figure(sine.train_losses, sine.test_losses,
                                             "Mean squared error"), key="sine_loss")
        if ticking and sine.diverged:
            player.stop_and_rerun("sine")

    player.live("sine", sine_frame)

# --- Forward pass, unrolled ----------------------------------------------------------------------
with tab_unrolled:
    source = st.radio("Sequence", ["a lecture word", "your word", "a sine segment"],
                      horizontal=True, key="u_source")
    if source == "a sine segment":
        start = st.slider("Segment starts at index", 0, 999 - sine.time_steps, 0, key="u_start")
        net, series = sine.net, sine.series
        x = series[start:start + sine.time_steps].reshape(1, -1, 1)
        steps, features = [f"{v:.2f}" for v in x[0, :, 0]], ["x"]
        st.caption(f"The sine network (tab 'Train: sine forecast', {len(sine.train_losses)} "
                   "epochs trained so far) reads the window and forecasts the next value, "
                   f"{series[min(start + sine.time_steps, 999)]:.3f}.")
    else:
        if source == "a lecture word":
            word = st.selectbox("Word", sq.LECTURE_WORDS, key="u_word")
        else:
            word = st.text_input("Word", "good", key="u_typed")
        net, features = words.net, words.vocab
        try:
            idx, x = words.encode(word)
        except ValueError as err:
            x = None
            st.warning(f"Cannot encode {word!r}: {err}. Use the characters "
                       f"{' '.join(repr(c) for c in words.vocab[1:])}.")
    if x is not None and source != "a sine segment":
        steps = [words.vocab[i] for i in idx[0]]
        st.markdown(f"Vocabulary `{words.vocab}` · `{word}` → {sq.encode(word, words.vocab)} → "
                    f"padded at the front to {idx[0].tolist()} · each index becomes a one-hot "
                    "vector (`<pad>` = all zeros). Network: tab 'Train: words' "
                    f"({len(words.losses)} epochs trained so far).")
    if x is not None:
        trace = rnn.forward(net, x)
        T = x.shape[1]
        upto = st.slider("Show up to time step", 1, T, T, key="u_upto") if T > 1 else 1
        st.plotly_chart(unrolled_figure(net, trace, upto, step_labels=steps,
                                        feature_labels=features), key="u_fig")
        st.caption(f"Step t = {upto}: every hidden unit's pre-activation split into its three "
                   "parts (hover a cell above for the same numbers).")
        st.dataframe(pd.DataFrame(step_table_rows(net, trace, upto)).style.format(precision=3),
                     hide_index=True, width="stretch")

# --- Shapes and parameters -----------------------------------------------------------------------
with tab_shapes:
    presets = {"lecture 001: IMDB one-hot, SimpleRNN(32)": (32, 100, 100, 32, 1),
               "lecture 002: sine, SimpleRNN(128) + Dense(1)": (32, 20, 1, 128, 1),
               "lecture 000: the four words": (4, 7, 11, 8, 1)}
    choice = st.selectbox("Setting", list(presets), key="sh_preset")
    m0, T0, nf0, nc0, out0 = presets[choice]
    c1, c2, c3, c4 = st.columns(4)
    m = c1.number_input("m (batch)", 1, 100_000, m0, key=f"sh_m_{choice}")
    T_ = c2.number_input("T (time steps)", 1, 10_000, T0, key=f"sh_T_{choice}")
    nf = c3.number_input("n_f (features)", 1, 100_000, nf0, key=f"sh_nf_{choice}")
    nc = c4.number_input("n_c (cells)", 1, 4096, nc0, key=f"sh_nc_{choice}")
    st.table(pd.DataFrame({
        "array": ["X", "X_t (one step)", "W1x", "W1h", "b1", "H_t", "W2", "b2"],
        "shape": [f"({m}, {T_}, {nf})", f"({m}, {nf})", f"({nf}, {nc})", f"({nc}, {nc})",
                  f"({nc},)", f"({m}, {nc})", f"({nc}, 1)", "(1,)"]}).style.hide(axis="index"))
    rnn_only = rnn.count_params(nf, nc, None)
    st.markdown(f"SimpleRNN parameters: n_f·n_c + n_c·n_c + n_c = {nf}·{nc} + {nc}·{nc} + {nc} "
                f"= **{rnn_only:,}**; with a Dense(1) output: **{rnn.count_params(nf, nc, 1):,}** "
                "(the tests check this formula against Keras's `count_params()`).")
    st.markdown(f"A float32 one-hot input of 20,000 reviews like this: 20000·{T_}·{nf}·4 bytes = "
                f"**{20000 * T_ * nf * 4:,} bytes** (lecture 001: 800,000,000 for T = n_f = 100).")

# --- Gradient flow ---------------------------------------------------------------------------------
with tab_flow:
    c1, c2, c3, c4 = st.columns(4)
    T_flow = c1.slider("Sequence length T", 1, 200, 100, key="g_T")
    radius = c2.slider("Scale of W1h (spectral radius)", 0.1, 3.0, 1.0, 0.05, key="g_radius")
    act = c3.radio("Activation", rnn.ACTIVATIONS, horizontal=True, key="g_act")
    k = (c4.slider("TBPTT: last k steps get gradient", 1, T_flow, T_flow, key="g_k")
         if T_flow > 1 else 1)
    flow = rnn.gradient_flow(T_flow, radius, act, k=None if k >= T_flow else k)
    if flow.overflow:
        st.error("The numbers overflowed float64 (beyond 1.8e308): with this scale and length "
                 "the states or gradients explode past what a computer can hold. Lower the "
                 "scale or T.")
    st.plotly_chart(gradient_flow_figure(flow, radius, act), key="g_fig")
    ratio = flow.dh_norm[0] / flow.dh_norm[-1] if flow.dh_norm[-1] else float("nan")
    st.markdown(
        f"From step T = {T_flow} back to step 1 the gradient is multiplied by **{ratio:.3g}**. "
        f"Lecture 004's scalar version: a weight w = {radius:g} applied {T_flow - 1} times gives "
        f"{radius:g}^{T_flow - 1} = **{float(radius) ** (T_flow - 1):.3g}**: below 1 it "
        "vanishes, above 1 it explodes.")
    st.caption(
        "W1h is a random orthogonal matrix times the scale, so every direction is stretched by "
        "exactly that factor, as the scalar w is. The activation multiplies in its slope at "
        "every step: sigmoid's is at most 0.25, so it vanishes even at scale 1; ReLU zeroes "
        "about half the units, so it needs a scale near √2 to keep the gradient; tanh "
        "saturates (slope near 0) when the states grow, which tames the explosion. Green: the "
        "steps whose errors truncated BPTT adds to the weight gradients.")
