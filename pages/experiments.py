"""IMDB experiments (lectures 000 to 004): the lectures' text models trained side by
side on the same reviews, beside what each lecture printed; choosing maxlen."""

import streamlit as st

from lab.core.i18n import t
from lab.data import imdb
from lab.figures import experiments as figures
from lab.figures.experiments import lengths_figure
from lab.figures.imdb import training_figure
from lab.models import experiments as ex, lecture_printouts, numpy_imdb
from ui.asked import asked
from ui.fallback import attempt
from ui.charts import chart
from ui.entry import ensure_app_navigation
from ui.row import row
from ui.safe import text as safe_text
from ui.settings import EXPERIMENTS as C
from ui.tables import printed, table
from ui.training import result_or_progress

ensure_app_navigation()


@st.cache_resource(show_spinner=False, max_entries=2)
def reviews(source: str) -> imdb.Dataset:
    """Every word kept (each model caps its own vocabulary), loaded once for the room."""
    return ex.reviews(source)


def loaded(source: str) -> imdb.Dataset:
    """The reviews ``source`` names, with their summary (the page stops if they are missing)."""
    data = attempt(reviews, source, errors=imdb.DataUnavailable)
    if data is None:
        st.stop()
    st.caption(safe_text(data.summary_message()))
    if data.source == "generated":
        st.info(t("imdb.generated_note"))
    return data


def maxlen_section(data: imdb.Dataset) -> None:
    """Choosing maxlen, then what lectures 001 and 003 print of the data."""
    st.subheader(t("experiments.maxlen_title"))
    maxlen = C.draw("ex_maxlen")
    stats = ex.length_stats(data, maxlen)
    left, right = st.columns([2, 1])
    chart(lengths_figure(stats.lengths, maxlen), key="ex_lengths", where=left)
    right.markdown(t("experiments.maxlen_text", mean=stats.mean, median=stats.median,
                     maxlen=maxlen, truncated=stats.truncated, padded=stats.padded))
    with st.expander(t("printed.data_title")):
        st.caption(t("printed.data_note", train=len(data.x_train)))
        printed(lecture_printouts.rows(data))


def plan_section(source: str, data: imdb.Dataset) -> figures.Plan:
    """The experiment the controls name: what it is, its fits and its models."""
    st.subheader(t("experiments.run_title"))
    plan = figures.plan(source, data, *row(C, ("ex_id", "ex_epochs"), [2, 1]))
    st.markdown(t(f"experiments.about.{plan.experiment.id}"))
    for line in plan.captions():
        st.caption(line)
    if (why := plan.missing()) is not None:
        st.info(why)
    frame = plan.table()  # a frozen embedding's experiment adds its trainable parameters
    table(frame, "experiments.col", {c: f for c, f in (
        ("input_memory_mb", "{:,.1f}"), ("parameters", "{:,}"), ("lecture_parameters", "{:,}"),
        ("trainable_parameters", "{:,}")) if c in frame}, na_rep="–")
    st.caption(t("experiments.memory_note", reviews=figures.LECTURE_REVIEWS))
    return plan


def numpy_network(run: figures.NumpyRun) -> None:
    """Lecture 001's NumPy RecurrentNetwork beside its printed score, trained when asked."""
    st.subheader(t("printed.numpy_title"))
    st.caption(t("printed.numpy_note", epochs=run.epochs))
    if not asked("ex_numpy_run", "ex_numpy_asked", t("printed.numpy_run"), run.asked,
                 lambda: run.cost):
        return
    found = result_or_progress(run.request(), t("printed.numpy_title"),
                               lambda h: training_figure(h, run.epochs), key="ex_live_numpy",
                               retry=lambda: run.request(restart=True), cost=run.cost)
    if found is not None:
        printed(numpy_imdb.printouts(found))


def trained(plan: figures.Plan) -> dict[str, ex.Result]:
    """The results so far by net id (each model trains once per setting for the whole
    server), with the progress of those still training."""
    results = {}
    for net in plan.nets:
        found = result_or_progress(
            plan.request(net), plan.name(net),
            lambda h, n=net: training_figure(h, plan.fits[n.id].epochs), key=f"ex_live_{net.id}",
            retry=lambda n=net: plan.request(n, restart=True), cost=plan.cost(net))
        if found is not None:
            results[net.id] = found
    return results


def results_section(plan: figures.Plan) -> None:
    """The run, once Run is pressed: curves, results, and lecture 002's sweep on the best
    (the page's run ends before, as every page's does while a training is asked for or runs)."""
    if not asked("ex_run", "ex_asked", t("experiments.run"), plan.asked, plan.new_cost,
                 type="primary"):
        st.info(t("experiments.press_run"))
        st.stop()
    results = trained(plan)
    if not results:
        st.stop()
    view = figures.results_view(plan, results)
    chart(view.curves, key="ex_curves")
    table(view.table, "experiments.col", {
        "seconds": "{:.1f}", "best_val": "{:.4f}", "test_accuracy": "{:.4f}",
        "lecture_val": "{:.4f}", "lecture_kept_val": "{:.4f}", "lecture_test": "{:.4f}",
        "parameters": "{:,}"}, na_rep="-")
    if view.diverged:
        st.error(t("experiments.diverged"))
    st.caption(view.why_differ)
    st.download_button(t("download.csv"), view.table.to_csv(index=False).encode(),
                       f"experiment_{plan.experiment.id}.csv", "text/csv", key="ex_download")
    st.subheader(t("printed.sweep_title"))
    st.caption(view.sweep_note)
    printed(view.sweep)


st.title(t("lesson.experiments.title"))
st.markdown(t("experiments.intro"))
source = C.draw("ex_source")
data = loaded(source)
maxlen_section(data)
plan = plan_section(source, data)
if (numpy_run := figures.numpy_run(plan)) is not None:
    numpy_network(numpy_run)
results_section(plan)
