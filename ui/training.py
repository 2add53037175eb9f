"""Watching a training on a page: a fragment that polls the shared job every ``POLL_S`` seconds
and draws its progress bar and curves, with a cancel button, while the rest of the page (and
every other page) stays usable. When the job finishes, the whole page reruns once to show the
result. Leaving and coming back finds the same job where it is: it lives in ``lab.training.store``,
not in the session.

Who asks (``who``): this session and its role. The role comes from ``room_role``, a seam the
rooms module fills in (``set_room_role``): "lecturer", "student" in a room, or None alone (as
on a laptop, and until rooms exist). Every poll tells the store this session still waits for
the job at its place on the page (``lab.training.store.watch``), so a new setting there leaves the old
job, and a job no one polls any more is dropped once it is in another's way (alone, leaving
and coming back still finds it). The cancel button shows only when this
session may cancel (``Job.can_cancel``: the lecturer any job, a student one no one else waits
for). A student in a room may start only trainings within the student budget
(``within_budget``, ``lab.training.budget``); beyond it the page says it needs the lecturer.
"""

from __future__ import annotations

import time
from typing import Callable

import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lab.training import budget, store
from lab.core.errors import LabError
from lab.core.i18n import current as current_language, t
from lab.training.jobs import CANCELLED, DIVERGED, DONE, FAILED, LECTURER, QUEUED, STUDENT, Job, Who
from ui.charts import chart, shared
from ui.safe import text as safe_text

POLL_S = 0.5  # the bound on the time between two progress updates
FIRST_WAIT_S = 0.4  # a training that finishes this soon shows its result without a progress box


def _alone() -> str | None:
    return None


room_role: Callable[[], str | None] = _alone  # "lecturer", "student" (in a room) or None


def set_room_role(source: Callable[[], str | None]) -> None:
    """Install the function that answers this session's place in a room (the rooms module)."""
    global room_role
    room_role = source


def who() -> Who:
    """This session as the store sees it: its id, its role, and whether it is in a room."""
    ctx = get_script_run_ctx()
    role = room_role()
    return Who(ctx.session_id if ctx else "", LECTURER if role == LECTURER else STUDENT,
               role is not None)


def _asking() -> Who | None:
    """The session whose page asks a store for a training now, if a page asks."""
    return who() if get_script_run_ctx() is not None else None


store.asker = _asking  # a job a page asks for waits for its session from the start


def within_budget(cost: float) -> bool:
    """Whether this session may start a training of ``cost`` multiply-adds (``lab.training.budget``):
    always alone and for the lecturer; a student in a room within the student budget. Beyond
    it the page says the training needs the lecturer, or a laptop of one's own."""
    me = who()
    if not me.bounded or budget.within(cost):
        return True
    st.warning(t("training.needs_lecturer", times=cost / budget.STUDENT_MACS))
    return False


def settle(job: Job) -> Job:
    """Give a short training the chance to finish before the page draws (no flicker of a
    progress box for the page default), without delaying the first progress of a long one:
    the wait ends as soon as the training, started, waits for its worker while others train
    (thirty students exploring at once: each one's bar is drawn after its first turn, not
    after the whole wait). A training that is running and was asked for at least that long
    ago is not waited for: a room's followers, pushed one after another to the lecturer's
    training, each draw its progress at once instead of waiting in turn. This wait
    is no waiter's: the page's ``watch`` is (a session whose next run moves on while this one
    still waits here leaves the job, which goes if no one else waits for it)."""
    if job.started and time.monotonic() - job.asked >= FIRST_WAIT_S:
        return job
    job.wait_brief(FIRST_WAIT_S)
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
        _FIGURES[k] = shared(figure(history))
    return _FIGURES[k]


def follow(job: Job, what: str, figure: Callable[[dict], go.Figure], key: str,
           retry: Callable[[], object], progress_key: str = "training.progress",
           cost: float = 0.0) -> None:
    """Draw the job's state and keep it current until it ends; then rerun the page.
    ``progress_key`` names the bar's text (epochs by default; the memory experiment counts
    models); ``cost``: the training's (``lab.training.budget``), which a retry must be within."""
    polling = job.state not in (CANCELLED, FAILED)

    @st.fragment(run_every=POLL_S if polling else None)
    def _poll():
        me = who()
        store.watch(job, me, key, poll=True)  # this session still waits for it here
        snap = job.snapshot()
        if polling and snap.state not in (QUEUED, "running"):
            st.rerun()  # finished: the page draws the result (or the reason it has none)
        if snap.state == CANCELLED or snap.state == FAILED:
            if snap.state == CANCELLED:
                st.warning(t("training.cancelled"))
            else:
                st.error(t("training.failed", error=safe_text(job.error) if isinstance(
                    job.error, LabError) else snap.error))
            if within_budget(cost) and st.button(t("training.retry"), key=f"{key}_retry",
                                                 icon=":material/replay:"):
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
            if snap.paused:  # the workers are shared epoch by epoch (lab.training.store)
                box.caption(t("training.paused", position=snap.position))
            if snap.history:
                chart(_progress_figure(job, figure, snap.history, key), key=f"{key}_curve",
                      where=box)
        box.caption(t("training.shared"))
        if not job.can_cancel(me):
            box.caption(t("training.others_wait"))
        elif box.button(t("training.cancel"), key=f"{key}_cancel", icon=":material/stop:"):
            job.cancel()

    _poll()


def result_or_progress(found, what: str, figure: Callable[[dict], go.Figure], key: str,
                       retry: Callable[[], object], progress_key: str = "training.progress",
                       cost: float = 0.0):
    """What a store's ``request`` returned, as a result or None: a stored result as it is; a
    job's result if it finishes within a moment; else None, with the job's progress drawn
    (``follow``) until the page reruns on its end. ``cost``: what training it again costs (a
    student in a room may retry a cancelled one only within the budget)."""
    if not isinstance(found, Job):
        return found
    store.watch(found, who(), key)
    result = finished_result(settle(found))
    if result is None:
        follow(found, what, figure, key, retry, progress_key, cost)
    return result
