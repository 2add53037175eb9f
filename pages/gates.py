"""Gate inspector (lectures 002, 003, 004): every LSTM and GRU gate over time, with the numbers."""

import numpy as np
import pandas as pd
import streamlit as st

from lab import gates, memory, sequences as sq
from lab.figures.gates import gate_heatmaps, memory_experiment_figure, memory_lane_figure
from ui.entry import ensure_app_navigation

ensure_app_navigation()

TOY_UNITS = 4
DEFAULT_TOY = "3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0"


@st.cache_resource(show_spinner=False, max_entries=6)
def char_model(kind: str):
    """A small model trained once per server on lecture 000's four words (a few seconds)."""
    return memory.train_char_model(kind)


@st.cache_data(show_spinner=False, max_entries=16)
def run_experiment(lengths: tuple[int, ...], settings: memory.MemorySettings, _progress=None):
    return memory.memory_experiment(lengths, settings, progress=_progress)


st.title("Gate inspector")
st.markdown(
    "Open the cell and watch each gate decide what to forget, what to write and what to read. "
    "LSTM: $c_t = f_t \\odot c_{t-1} + i_t \\odot g_t$, $h_t = o_t \\odot \\tanh(c_t)$; GRU: "
    "$h_t = z_t \\odot h_{t-1} + (1 - z_t) \\odot g_t$ (lecture 002). The cell state is the "
    "'highway' of lecture 004: while f stays near 1, what was written stays. The cells run "
    "in NumPy with Keras's weight layout; the tests check them against `keras.layers.LSTM` "
    "and `keras.layers.GRU`.")
tab_inspect, tab_memory, tab_params = st.tabs(["Inspector", "Long-range memory", "Parameter counts"])

with tab_inspect:
    c1, c2 = st.columns([1, 2])
    kind = c1.radio("Layer", ["LSTM", "GRU", "SimpleRNN"], horizontal=True, key="gi_kind")
    source = c2.radio("Input", ["toy sequence (editable)",
                                "sentence through a trained character model"],
                      horizontal=True, key="gi_source")
    b1, b2 = st.columns(2)
    keep_label = {"LSTM": "Forget-gate bias shift (f)", "GRU": "Update-gate bias shift (z)"}
    f_shift = b1.slider(keep_label.get(kind, "Forget-gate bias shift"), -8.0, 8.0, 0.0, 0.5,
                        key="gi_f", disabled=kind == "SimpleRNN",
                        help="Added to the gate's pre-activation at every step: + keeps memory, "
                             "- erases it.")
    i_shift = b2.slider("Input-gate bias shift (i)", -8.0, 8.0, 0.0, 0.5, key="gi_i",
                        disabled=kind != "LSTM")
    x, cell, labels, head = None, None, [], None
    if source.startswith("toy"):
        text = st.text_input("Sequence of numbers (one input per step)", DEFAULT_TOY,
                             key="gi_toy")
        try:
            values = sq.parse_numbers(text)
            if len(values) > sq.MAX_STEPS:
                st.info(f"Showing the last {sq.MAX_STEPS} of {len(values)} steps.")
                values = values[-sq.MAX_STEPS:]
            x = values.reshape(1, -1, 1)
            labels = [f"{v:g}" for v in values]
            seed = st.number_input("Weights seed (Keras's initialisation)", 0, 9999, 0,
                                   key="gi_seed")
            cell = gates.init_cell(kind, 1, TOY_UNITS, seed=int(seed))
        except ValueError as err:
            st.error(f"Cannot read the sequence: {err}.")
    else:
        sentence = st.text_input("Sentence", "so good", key="gi_sentence")
        with st.spinner(f"Training a small {kind} on the lecture's four words (once)..."):
            cell, w_out, b_out, vocab = char_model(kind)
        try:
            text = sentence.lower()[-sq.MAX_STEPS:]
            idx = sq.pad([sq.encode(text, vocab)], max(len(text), 7)) if text else None
            if idx is None:
                raise ValueError("type a sentence first")
            x = sq.one_hot(idx, len(vocab))
            labels = [vocab[i] for i in idx[0]]
            head = (w_out, b_out)
        except ValueError as err:
            st.warning(f"Cannot read {sentence!r}: {err}. This model knows only the characters "
                       f"{' '.join(repr(c) for c in vocab[1:])} (lecture 000's words).")
    if x is not None:
        trace = gates.run(cell, x, forget_bias_shift=f_shift, input_bias_shift=i_shift)
        T = x.shape[1]
        if head is not None:
            p = float(1 / (1 + np.exp(-(trace.h[0, -1] @ head[0] + head[1])[0])))
            st.markdown(f"Model's output for this sentence: P(positive) = **{p:.3f}** "
                        "(trained on good / so good = 1, bad / worse = 0).")
        s1, s2 = st.columns(2)
        t_sel = s1.slider("Time step t", 1, T, min(2, T), key="gi_t") if T > 1 else 1
        unit = s2.slider("Unit", 0, cell.units - 1, 0, key="gi_unit") if cell.units > 1 else 0
        st.plotly_chart(gate_heatmaps(trace, labels, mark=(t_sel, unit)), key="gi_heat")
        left, right = st.columns([1.3, 1])
        left.plotly_chart(memory_lane_figure(trace, unit, labels), key="gi_lane")
        right.markdown(f"**Step t = {t_sel} ({labels[t_sel - 1]!r}), unit {unit}**")
        right.code("\n".join(gates.equations_at(cell, trace, x, t_sel, unit)), language=None)
        if kind == "SimpleRNN":
            right.caption("A SimpleRNN has no gates: its only memory is h, rewritten every step.")

with tab_memory:
    st.markdown(
        "The label of each sequence is its first step (+1 or -1); the next L - 1 steps are "
        "random signs of the same kind. Only a model that carries the first step through all "
        "of them scores above chance. The three layers are trained on the same data with the "
        "same seed; accuracy is measured on fresh sequences.")
    c1, c2, c3, c4, c5 = st.columns([2, 1, 1, 1, 1])
    lengths = c1.multiselect("Lengths L", [5, 10, 20, 30, 50, 70, 100], [5, 20, 50, 100],
                             key="gm_L")
    units = c2.slider("Units", 2, 32, 8, key="gm_units")
    epochs = c3.slider("Epochs", 1, 40, 10, key="gm_epochs")
    n_train = c4.select_slider("Training sequences", [256, 512, 1024, 2048], 512, key="gm_n")
    forget_bias = c5.select_slider("LSTM forget bias at start", [1.0, 2.0, 3.0, 5.0], 1.0,
                                   key="gm_fb", help="Keras starts it at 1 (f = 0.73). A larger "
                                   "value keeps the cell state, and its gradient, longer.")
    settings = memory.MemorySettings(units=units, epochs=epochs, n_train=n_train,
                                     lstm_forget_bias=forget_bias)
    if st.button("Run the experiment", key="gm_run", type="primary", disabled=not lengths):
        bar = st.progress(0.0, "starting")
        results = run_experiment(tuple(sorted(lengths)), settings,
                                 _progress=lambda d, n, what: bar.progress(d / n, f"training {what}"))
        bar.empty()
        st.session_state.gm_results = (tuple(sorted(lengths)), settings, results)
    if not lengths:
        st.warning("Pick at least one length.")
    if "gm_results" in st.session_state:
        done_lengths, done_settings, results = st.session_state.gm_results
        st.plotly_chart(memory_experiment_figure(list(done_lengths), results), key="gm_fig")
        st.caption(f"Measured with {done_settings}. Each model trains for a few seconds; "
                   "results depend on the training budget, so try more epochs or sequences.")
        st.dataframe(pd.DataFrame(results, index=[f"L = {v}" for v in done_lengths]),
                     width="stretch")
    else:
        st.info("Press 'Run the experiment' (about 5 seconds a model on 2 cores; results are "
                "kept for the same settings).")

with tab_params:
    c1, c2 = st.columns(2)
    d = c1.number_input("Input features d", 1, 100_000, 16, key="gp_d")
    n = c2.number_input("Units n", 1, 4096, 8, key="gp_n")
    st.table(pd.DataFrame({
        "layer": ["SimpleRNN", "LSTM", "GRU (reset_after, Keras 3)"],
        "formula": ["n(d + n + 1)", "4n(d + n + 1)", "3n(d + n + 2)"],
        "parameters": [gates.param_count(k, d, n) for k in ("SimpleRNN", "LSTM", "GRU")],
    }).style.hide(axis="index"))
    st.caption("Lecture 003: 8 units on a 16-dim embedding -> SimpleRNN 200, LSTM 800 (4x). "
               "Lecture 002: LSTM(128) on 2 features -> 67,072; GRU(256) -> 199,680. The tests "
               "check every formula against Keras's count_params().")
