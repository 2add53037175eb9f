"""Watching a training on a page: a fragment that polls the shared job every ``POLL_S`` seconds
and draws its progress bar and curves, with a cancel button, while the rest of the page (and
every other page) stays usable. When the job finishes, the whole page reruns once to show the
result. Leaving and coming back finds the same job where it is: it lives in ``lab.store``,
not in the session.
"""

from __future__ import annotations

from typing import Callable

import plotly.graph_objects as go
import streamlit as st

from lab import store
from lab.errors import LabError, text_of
from lab.i18n import current as current_language, t
from lab.jobs import CANCELLED, DIVERGED, DONE, FAILED, QUEUED, Job
from ui.charts import chart

POLL_S = 0.5  # the bound on the time between two progress updates
FIRST_WAIT_S = 0.4  # a training that finishes this soon shows its result without a progress box


def settle(job: Job) -> Job:
    """Give a short training the chance to finish before the page draws (no flicker of a
    progress box for the page default), without delaying the first progress of a long one."""
    job.wait(FIRST_WAIT_S)
    return job


def finished_result(job: Job):
    """The job's result if it finished with one (trained or diverged), else None."""
    return job.result if job.state in (DONE, DIVERGED) else None


_FIGURES: dict[tuple, go.Figure] = {}  # progress figures, shared by every session watching
MAX_FIGURES = 32


def _progress_figure(job: Job, figure: Callable[[dict], go.Figure], history: dict,
                     key: str) -> go.Figure:
    """One figure per job, page, language and epoch count for the whole server: a room that
    watches the same training builds it once per epoch, not once per session and poll."""
    k = (job.key, key, current_language(), len(next(iter(history.values()), [])))
    if k not in _FIGURES:
        while len(_FIGURES) >= MAX_FIGURES:
            _FIGURES.pop(next(iter(_FIGURES)))
        _FIGURES[k] = figure(history)
    return _FIGURES[k]


def follow(job: Job, what: str, figure: Callable[[dict], go.Figure], key: str,
           retry: Callable[[], object], progress_key: str = "training.progress") -> None:
    """Draw the job's state and keep it current until it ends; then rerun the page.
    ``progress_key`` names the bar's text (epochs by default; the memory experiment counts
    models)."""
    polling = job.state not in (CANCELLED, FAILED)

    @st.fragment(run_every=POLL_S if polling else None)
    def _poll():
        snap = job.snapshot()
        if polling and snap.state not in (QUEUED, "running"):
            st.rerun()  # finished: the page draws the result (or the reason it has none)
        if snap.state == CANCELLED or snap.state == FAILED:
            if snap.state == CANCELLED:
                st.warning(t("training.cancelled"))
            else:
                st.error(t("training.failed", error=text_of(job.error) if isinstance(
                    job.error, LabError) else snap.error))
            if st.button(t("training.retry"), key=f"{key}_retry", icon=":material/replay:"):
                retry()
                st.rerun()
            return
        box = st.container(border=True)
        if snap.state == QUEUED:
            box.info(t("training.queued", position=snap.position, running=store.MAX_RUNNING))
        else:
            box.progress(snap.fraction, t(progress_key, what=what, epoch=snap.epoch + 1
                                          if snap.epoch < snap.epochs else snap.epoch,
                                          epochs=snap.epochs, batch=snap.batch,
                                          batches=snap.batches or "?", seconds=snap.seconds))
            if snap.history:
                chart(_progress_figure(job, figure, snap.history, key), key=f"{key}_curve",
                      where=box)
        box.caption(t("training.shared"))
        if box.button(t("training.cancel"), key=f"{key}_cancel", icon=":material/stop:"):
            job.cancel()

    _poll()


def result_or_progress(found, what: str, figure: Callable[[dict], go.Figure], key: str,
                       retry: Callable[[], object], progress_key: str = "training.progress"):
    """What a store's ``request`` returned, as a result or None: a stored result as it is; a
    job's result if it finishes within a moment; else None, with the job's progress drawn
    (``follow``) until the page reruns on its end."""
    if not isinstance(found, Job):
        return found
    result = finished_result(settle(found))
    if result is None:
        follow(found, what, figure, key, retry, progress_key)
    return result
