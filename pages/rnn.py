"""Unrolled RNN (lectures 000, 001, 002, 004): forward pass through time, BPTT, gradient flow.

The two training demos play in the browser (``ui.frames_player``; the demos are
``lab.lessons.rnn_play``'s): Play computes the next frames of a demo once per exact state and the
browser plays them; Pause, a slider or a chunk's end returns the demo to the state the browser
showed.
"""

import streamlit as st

from lab.networks import rnn
from lab.figures.rnn import (flow_table, flow_text, forecast_figure, gradient_flow_figure,
                             loss_curves_figure, shapes_table, sine_input, sine_status,
                             step_table, unrolled_figure, word_input, words_status)
from lab.core.i18n import headers, t
from lab.data.imdb import one_hot_bytes
from lab.models.rnn_demos import SineDemo, WordsDemo
from lab.lessons.rnn_play import SinePlayback, WordsPlayback
from ui import frames_player
from ui.charts import chart, live_chart
from ui.entry import ensure_app_navigation
from ui.safe import md, text as safe_text
from ui.settings import RNN as C, SHAPE_PRESETS
from ui.tables import printed

ensure_app_navigation()


def words_paused(d: WordsDemo) -> None:
    table = d.table()
    st.markdown(words_status(d, table))
    if d.diverged:
        st.error(t("rnn.diverged", lr=d.opt.lr))
    left, right = st.columns([1, 1.2])
    left.table(headers(table, "rnn.col").style.format({"P(positive)": "{:.3f}"})
               .hide(axis="index"))
    with right:
        live_chart(loss_curves_figure(d.losses, title=t("rnn.bce")), key="words_loss")
    st.download_button(t("download.csv"), table.to_csv(index=False).encode(),
                       "rnn_words.csv", "text/csv", key="w_download")


def words_tab() -> WordsDemo:
    c1, c2, c3 = st.columns(3)
    lesson = WordsPlayback(C.draw("w_units", c1), float(C.draw("w_lr", c2)),
                           int(C.draw("w_seed", c3)))
    words = frames_player.play("words", lesson, words_paused)
    typed = C.draw("w_typed", help=t("rnn.typed_help", letters=" ".join(words.vocab[1:])))
    try:
        idx, _ = words.encode(typed)
        st.markdown(t("rnn.typed_result", typed=md(typed), idx=idx[0].tolist(),
                      p=words.probability(typed)))
    except ValueError as err:
        st.warning(t("rnn.cannot_classify", typed=md(repr(typed)), err=safe_text(err),
                     chars=" ".join(repr(c) for c in words.vocab[1:])))
    return words


def sine_paused(d: SineDemo) -> None:
    st.markdown(sine_status(d))
    if d.diverged:
        st.error(t("rnn.diverged", lr=d.opt.lr))
    live_chart(forecast_figure(*d.forecast()), key="sine_forecast")
    live_chart(loss_curves_figure(d.train_losses, d.test_losses, t("rnn.mse")), key="sine_loss")
    st.download_button(t("rnn.download_forecast"), d.forecast_table().to_csv(index=False).encode(),
                       "rnn_sine_forecast.csv", "text/csv", key="s_download")
    st.markdown(f"**{t('printed.sine_title')}**")
    printed(d.printouts())
    st.caption(t("printed.sine_note"))


def sine_tab() -> SineDemo:
    c1, c2, c3, c4 = st.columns(4)
    lesson = SinePlayback(C.draw("s_steps", c1), C.draw("s_units", c2),
                          float(C.draw("s_lr", c3)), int(C.draw("s_seed", c4)))
    shp = frames_player.state("sine", lesson).shapes
    st.caption(t("rnn.sine_shapes", X=shp["X"], train=shp["x_train"], test=shp["x_test"]))
    return frames_player.play("sine", lesson, sine_paused)


def unrolled_tab(words: WordsDemo, sine: SineDemo) -> None:
    source = C.draw("u_source")
    if source == "sine":
        seq, caption = sine_input(sine, C.draw("u_start", hi=999 - sine.time_steps))
        st.caption(caption)
    else:
        word = C.draw("u_word") if source == "lecture" else C.draw("u_typed")
        try:
            seq = word_input(words, word)
        except ValueError as err:
            st.warning(t("rnn.cannot_encode", word=md(repr(word)), err=safe_text(err),
                         chars=" ".join(repr(c) for c in words.vocab[1:])))
            return
        st.markdown(t("rnn.encoded", vocab=words.vocab, word=md(word), ids=seq.ids,
                      padded=seq.padded, epochs=len(words.losses)))
    trace = rnn.forward(seq.net, seq.x)
    upto = C.draw("u_upto", hi=len(seq.steps)) if len(seq.steps) > 1 else 1
    chart(unrolled_figure(seq.net, trace, upto, step_labels=seq.steps,
                          feature_labels=seq.features), key="u_fig")
    st.caption(t("rnn.step_caption", upto=upto))
    rows = step_table(seq.net, trace, upto)
    st.dataframe(headers(rows, "rnn.col").style.format(precision=3), hide_index=True,
                 width="stretch")
    st.download_button(t("download.csv"), rows.to_csv(index=False).encode(),
                       f"rnn_step_{upto}.csv", "text/csv", key="u_download")


def shapes_tab() -> None:
    choice = C.draw("sh_preset")
    m0, T0, nf0, nc0, _ = SHAPE_PRESETS[choice]
    c1, c2, c3, c4 = st.columns(4)
    m = c1.number_input(t("rnn.m"), 1, 100_000, m0, key=f"sh_m_{choice}")
    T = c2.number_input(t("rnn.T"), 1, 10_000, T0, key=f"sh_T_{choice}")
    nf = c3.number_input(t("rnn.nf"), 1, 100_000, nf0, key=f"sh_nf_{choice}")
    nc = c4.number_input(t("rnn.nc"), 1, 4096, nc0, key=f"sh_nc_{choice}")
    st.table(headers(shapes_table(m, T, nf, nc), "rnn.col").style.hide(axis="index"))
    st.markdown(t("rnn.param_count", nf=nf, nc=nc, total=rnn.count_params(nf, nc, None),
                  dense=rnn.count_params(nf, nc, 1)))
    st.markdown(t("rnn.one_hot_bytes", T=T, nf=nf, size=one_hot_bytes(20000, T, nf)))


def flow_tab() -> None:
    c1, c2, c3, c4 = st.columns(4)
    T, radius, act = C.draw("g_T", c1), C.draw("g_radius", c2), C.draw("g_act", c3)
    k = C.draw("g_k", c4, hi=T) if T > 1 else 1
    flow = rnn.gradient_flow(T, radius, act, k=None if k >= T else k)
    if flow.overflow:
        st.error(t("rnn.overflow"))
    chart(gradient_flow_figure(flow, radius, act), key="g_fig")
    st.markdown(flow_text(flow, radius))
    st.caption(t("rnn.flow_caption"))
    st.download_button(t("download.csv"), flow_table(flow).to_csv(index=False).encode(),
                       "rnn_gradient_flow.csv", "text/csv", key="g_download")


st.title(t("lesson.rnn.title"))
st.markdown(t("rnn.intro"))
tabs = st.tabs([t("rnn.tab_unrolled"), t("rnn.tab_shapes"), t("rnn.tab_flow"),
                t("rnn.tab_words"), t("rnn.tab_sine")])
with tabs[3]:  # the words and sine tabs first: the unrolled view shows their networks
    words = words_tab()
with tabs[4]:
    sine = sine_tab()
with tabs[0]:
    unrolled_tab(words, sine)
with tabs[1]:
    shapes_tab()
with tabs[2]:
    flow_tab()
