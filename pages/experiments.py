"""IMDB experiments (lectures 000, 001, 003, 004): the lectures' text models trained side by
side on the same reviews, beside what each lecture printed; choosing maxlen."""

import pandas as pd
import streamlit as st

from lab.training import budget
from lab.lessons.errata import printed_table
from lab.models import experiments as ex, lecture_printouts, lecture_sweep, numpy_imdb
from lab.data import imdb
from lab.core.errors import sentence
from lab.figures.experiments import curves_figure, lengths_figure
from lab.figures.imdb import training_figure
from lab.core.i18n import headers, t
from ui.charts import chart
from ui.entry import ensure_app_navigation
from ui.safe import text as safe_text
from ui.settings import EXPERIMENTS as C
from ui.training import result_or_progress, within_budget

ensure_app_navigation()

LECTURE_REVIEWS = 20_000  # the lectures train on 20,000 reviews (5,000 held out)


@st.cache_resource(show_spinner=False, max_entries=2)
def reviews(source: str) -> imdb.Dataset:
    """Every word kept (each model caps its own vocabulary), loaded once for the room."""
    return ex.reviews(source)


def shapes_text(net: ex.Net, words: int) -> str:
    return " → ".join(f"{name} {shape}" for name, shape in ex.shapes(net, words))


st.title(t("lesson.experiments.title"))
st.markdown(t("experiments.intro"))

source = C.draw("ex_source")
try:
    data = reviews(source)
except imdb.DataUnavailable as err:
    st.warning(sentence(safe_text(err)))
    st.stop()
st.caption(safe_text(data.summary_message()))
if data.source == "generated":
    st.info(t("imdb.generated_note"))

# --- Choosing maxlen -----------------------------------------------------------------------------
st.subheader(t("experiments.maxlen_title"))
maxlen = C.draw("ex_maxlen")
stats = ex.length_stats(data, maxlen)
left, right = st.columns([2, 1])
chart(lengths_figure(stats.lengths, maxlen), key="ex_lengths", where=left)
right.markdown(t("experiments.maxlen_text", mean=stats.mean, median=stats.median, maxlen=maxlen,
                 truncated=stats.truncated, padded=stats.padded))

# --- What lectures 001 and 003 print of the data --------------------------------------------
with st.expander(t("printed.data_title")):
    st.caption(t("printed.data_note", train=len(data.x_train)))
    st.dataframe(headers(printed_table(lecture_printouts.rows(data)), "printed.col"),
                 hide_index=True, width="stretch")

# --- An experiment -------------------------------------------------------------------------------
st.subheader(t("experiments.run_title"))
c1, c2 = st.columns([2, 1])
experiment = ex.EXPERIMENTS[C.draw("ex_id", c1)]
epochs = C.draw("ex_epochs", c2)
fit = ex.capped(experiment, epochs)
st.markdown(t(f"experiments.about.{experiment.id}"))
st.caption(t("experiments.fit", lecture=experiment.lecture, optimizer=fit.optimizer, lr=fit.lr,
             batch=fit.batch_size, epochs=fit.epochs, lecture_epochs=experiment.fit.epochs,
             patience=fit.patience, data=experiment.lecture_data,
             monitor=t(f"experiments.monitor.{fit.monitor}")))
fits = {n.id: ex.capped(experiment, epochs, n) for n in experiment.nets}
for n in experiment.nets:  # a model the lecture compiles its own way
    if n.fit is not None:
        st.caption(t("experiments.own_fit", model=t(f"experiments.net.{n.id}"),
                     optimizer=n.fit.optimizer, lr=n.fit.lr, batch=n.fit.batch_size,
                     epochs=fits[n.id].epochs, lecture_epochs=n.fit.epochs))
data_words = max(max((max(s) for s in data.x_train if s), default=2) + 1, 3)
plan = pd.DataFrame([{
    "model": t(f"experiments.net.{n.id}"), "shapes": shapes_text(n, ex.vocabulary(n, data_words)),
    "parameters": ex.param_count(n, ex.vocabulary(n, data_words)),
    "lecture_parameters": n.lecture_params,
    "input_memory_mb": ex.input_bytes(n, ex.vocabulary(n, data_words), LECTURE_REVIEWS) / 1e6}
    for n in experiment.nets]).astype({"lecture_parameters": "Int64"})  # one type, blanks <NA>
st.dataframe(headers(plan, "experiments.col").style.format(
    {t("experiments.col.input_memory_mb"): "{:,.1f}", t("experiments.col.parameters"): "{:,}",
     t("experiments.col.lecture_parameters"): "{:,}"}, na_rep="–"),
    hide_index=True, width="stretch")
st.caption(t("experiments.memory_note", reviews=LECTURE_REVIEWS))

def cost(net: ex.Net) -> float:
    """What training ``net`` costs (``lab.training.budget``)."""
    return budget.stacked(((layer.kind, layer.units) for layer in net.layers), len(data.x_train),
                          net.maxlen, net.embedding or ex.vocabulary(net, data_words),
                          fits[net.id].epochs)


def is_new(net: ex.Net) -> bool:
    """Neither trained nor training (asking for it would start a training)."""
    _, _, _, fingerprint = ex.prepare(data, net)
    asked_key = ex.key(source, fingerprint, net, fits[net.id])
    return ex.STORE.get(asked_key) is None and ex.STORE.job(asked_key) is None



def numpy_network() -> None:
    """Lecture 001's NumPy RecurrentNetwork beside its printed score, trained when asked."""
    st.subheader(t("printed.numpy_title"))
    planned = numpy_imdb.setup(epochs).epochs
    st.caption(t("printed.numpy_note", epochs=planned))
    n_train = len(data.x_train) - int(len(data.x_train) * ex.VALIDATION)
    macs = budget.stacked([("SimpleRNN", 32)], n_train, 100, 100, planned)
    if st.button(t("printed.numpy_run"), key="ex_numpy_run") and within_budget(macs):
        st.session_state.ex_numpy_asked = (source, epochs)
    if st.session_state.get("ex_numpy_asked") != (source, epochs):
        return
    found = result_or_progress(
        numpy_imdb.request(source, data, epochs), t("printed.numpy_title"),
        lambda h: training_figure(h, planned), key="ex_live_numpy",
        retry=lambda: numpy_imdb.request(source, data, epochs, restart=True), cost=macs)
    if found is not None:
        st.dataframe(headers(printed_table(numpy_imdb.printouts(found)), "printed.col"),
                     hide_index=True, width="stretch")


if experiment.id == "lecture_001":
    numpy_network()

if st.button(t("experiments.run"), key="ex_run", type="primary") and within_budget(
        sum(cost(net) for net in experiment.nets if is_new(net))):
    st.session_state.ex_asked = (experiment.id, fit, source)
asked = st.session_state.get("ex_asked")
if asked is None or asked[0] != experiment.id or asked[1] != fit or asked[2] != source:
    st.info(t("experiments.press_run"))
    st.stop()

names = {n.id: t(f"experiments.net.{n.id}") for n in experiment.nets}
results: dict[str, ex.Result] = {}  # by net id
for net in experiment.nets:  # each model once per setting for the whole server
    found = result_or_progress(
        ex.request(source, data, net, fits[net.id]), names[net.id],
        lambda h, n=net: training_figure(h, fits[n.id].epochs), key=f"ex_live_{net.id}",
        retry=lambda n=net: ex.request(source, data, n, fits[n.id], restart=True),
        cost=cost(net))
    if found is not None:
        results[net.id] = found
if not results:
    st.stop()
chart(curves_figure({names[i]: r.history for i, r in results.items()},
                    {names[n.id]: n.lecture_accuracy for n in experiment.nets}), key="ex_curves")
rows = ex.results_table(experiment, fits, results, data.y_test)
st.dataframe(headers(rows, "experiments.col").style.format(
    {t("experiments.col.seconds"): "{:.1f}", t("experiments.col.best_val"): "{:.4f}",
     t("experiments.col.test_accuracy"): "{:.4f}", t("experiments.col.lecture_val"): "{:.4f}",
     t("experiments.col.parameters"): "{:,}"}, na_rep="-"), hide_index=True, width="stretch")
if any(r.diverged for r in results.values()):
    st.error(t("experiments.diverged"))
st.caption(t("experiments.why_differ", train=int(len(data.x_train) * (1 - ex.VALIDATION)),
             words=data_words, epochs=fit.epochs, lecture_epochs=experiment.fit.epochs,
             data=experiment.lecture_data))
st.download_button(t("download.csv"), rows.to_csv(index=False).encode(),
                   f"experiment_{experiment.id}.csv", "text/csv", key="ex_download")

# --- Lecture 002's threshold sweep, on this run's best model --------------------------------
best = ex.best_result(fits, results)
st.subheader(t("printed.sweep_title"))
st.caption(t("printed.sweep_note", model=names[best], reviews=len(data.y_test)))
swept = headers(printed_table(lecture_sweep.sweep(data.y_test, results[best].p_test).rows()),
                "printed.col")
st.dataframe(swept, hide_index=True, width="stretch")
