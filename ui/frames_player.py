"""The browser's player: training played in the browser, for any lesson that describes itself
as a :class:`lab.lessons.playback.Playback`.

A page hands :func:`play` its playback and a function that draws a state while paused; the
player owns the rest. It keeps the lesson's state in the session (a new start when the
playback's ``identity`` changes, Step, Reset, a link's count replayed once and kept in the URL).
Play computes ``CHUNK_FRAMES`` frames after the state once (:class:`Chunks`: shared by every
session at the same settings, named by the state's digest), and the component
(``frames_player_frontend``) plays them at ``FPS`` with no rerun per frame; when it has shown
the last one it tells the server once, which answers with the next chunk, computed ahead while
the browser played this one. A rerun for any other reason (a slider moved, Pause) finds the
browser's frame by its report or by the clock (:func:`frame_now`) and lands on that frame's
exact state.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import Callable

import plotly.io
import streamlit as st

from lab.core import i18n
from lab.figures import compact_json
from lab.core.i18n import t
from lab.lessons.playback import CHUNK_FRAMES, Frame, Playback, digest
from ui import player, presenter
from ui.controls import from_url, keep_in_url
from ui.live_plot import plotly_component

FPS = 10  # frames a second in the browser
ROOM_PLAY = "_room_play"  # session: this run's players, {key: {"playing", "count"}} (ui.room)
ROOM_FOLLOW = "_room_follow"  # session: the lecturer's players, for a follower to take
MAX_CHUNKS = 24  # chunks kept for the whole server, the oldest dropped
_PAGE = Path(__file__).with_name("frames_player_frontend") / "index.html"
__all__ = ["CHUNK_FRAMES", "FPS", "Chunks", "digest", "encode", "frame_now", "play", "state"]


def play(key: str, lesson: Playback, draw: Callable[[object], None]):
    """Play / Pause / Step / Reset for ``lesson`` under ``key``, and below them a fragment that
    plays in the browser or, paused, calls ``draw(state)``. Returns the current state."""
    now = state(key, lesson)
    action = player.controls(key, can_play=not lesson.finished(now))
    if action == "reset":
        now = _keep(key, lesson.start())
    elif action == "step":
        now = _keep(key, lesson.step(now))
    _capped_note(key, lesson, now)

    @st.fragment
    def _frame():
        now = state(key, lesson)
        if lesson.link:
            keep_in_url(lesson.link, lesson.count(now), 0)
        if player.is_playing(key):
            _hand_over(key, lesson, now)
        else:
            draw(now)

    _frame()
    return st.session_state[f"{key}_state"]


def _keep(key: str, value):
    st.session_state.pop(f"{key}_play", None)  # a chunk playing for another state is dropped
    st.session_state[f"{key}_state"] = value
    return value


def state(key: str, lesson: Playback):
    """The session's state: a new start when the lesson's identity changed, a shared link's
    count replayed once (capped at ``link_limit``), then the frame the browser reached if it
    was playing, as the lesson's settings take it up."""
    if st.session_state.get(f"{key}_identity") != lesson.identity:
        st.session_state[f"{key}_identity"] = lesson.identity
        _keep(key, lesson.start())
    if lesson.link and f"{key}_linked" not in st.session_state:
        st.session_state[f"{key}_linked"] = True
        _keep(key, lesson.replay(_linked_count(key, lesson)))
    reached = _settle(key)
    now = st.session_state[f"{key}_state"] if reached is None else reached
    st.session_state[f"{key}_state"] = now = lesson.resume(now)
    now = _follow(key, lesson, now)
    st.session_state.setdefault(ROOM_PLAY, {})[key] = {"playing": player.is_playing(key),
                                                       "count": lesson.count(now)}
    return now


def _follow(key: str, lesson: Playback, now):
    """A follower's player takes the lecturer's (``ROOM_FOLLOW``, set by ``ui.room``): Play and
    Pause, and the state the lecturer's count names (Step, Reset, the frame Pause landed on);
    while both play, each plays its own chunks from the same start."""
    want = st.session_state.get(ROOM_FOLLOW, {}).get(key)
    if not want or not lesson.link:
        return now
    playing_along = want["playing"] and player.is_playing(key)
    if want["count"] != lesson.count(now) and not playing_along:
        limit = lesson.link_limit if lesson.link_limit is not None else want["count"]
        now = _keep(key, lesson.resume(lesson.replay(min(want["count"], limit))))
    st.session_state[player._playing_key(key)] = want["playing"]
    return now


def _linked_count(key: str, lesson: Playback) -> int:
    asked = max(0, from_url(lesson.link, int, 0))
    limit = lesson.link_limit
    if limit is not None and asked > limit:
        st.session_state[f"{key}_capped"] = (asked, limit)
        return limit
    return asked


def _capped_note(key: str, lesson: Playback, now) -> None:
    """Says that the link's count was capped, while the state is still the one replayed."""
    capped = st.session_state.get(f"{key}_capped")
    if capped is None:
        return
    if lesson.count(now) != capped[1]:
        del st.session_state[f"{key}_capped"]
        return
    st.info(t("player.link_capped", asked=capped[0], replayed=capped[1]),
            icon=":material/link:")


def started() -> float:
    return time.monotonic()


def frame_now(started_at: float, frames: int, reply: dict | None, chunk: str) -> int:
    """The frame the browser shows: the one it reported at the end of ``chunk``, else the
    clock's estimate (one frame of latency taken off), within ``0 .. frames - 1``."""
    if isinstance(reply, dict) and reply.get("chunk") == chunk:
        at = reply.get("at")
        if isinstance(at, int):
            return max(0, min(frames - 1, at))
    return max(0, min(frames - 1, int((time.monotonic() - started_at) * FPS) - 1))


def _settle(key: str):
    """The state of the frame the browser reached in the chunk it was playing (handed over by
    :func:`_hand_over`); None if none was playing."""
    run = st.session_state.pop(f"{key}_play", None)
    if run is None or not run["states"]:
        return None
    at = frame_now(run["started"], len(run["states"]), st.session_state.get(f"{key}_player"),
                   run["chunk"])
    return run["states"][at]


def _chunk(key: str, lesson: Playback, after, big: bool, lang: str):
    """(key, build) of the chunk after the state ``after``: the key names everything its
    frames depend on; ``build`` computes (frames as JSON, the state each frame lands on)."""
    def build():
        with i18n.using(lang):
            frames = lesson.frames_after(after)
            return encode(frames, big), [f.state for f in frames]
    return f"{key}|{lesson!r}|{digest(after)}|{big}|{lang}", build


def encode(frames: list[Frame], big: bool = False) -> str:
    """The frames as the component reads them: figures as compact Plotly JSON (restyled for
    presenter mode when ``big``; Plotly's template with the first frame only)."""
    style = (lambda fig: presenter.presenter_style(fig)[0]) if big else (lambda fig: fig)
    return plotly.io.json.to_json_plotly([
        {"metrics": f.metrics, "status": f.status, "table": f.table,
         "figs": [compact_json(style(fig), i == 0) for fig in f.figs]}
        for i, f in enumerate(frames)])


def _hand_over(key: str, lesson: Playback, now) -> None:
    """Hand the browser the chunk after the state ``now`` (and compute the next one ahead);
    the states its frames land on wait for :func:`_settle`."""
    if lesson.finished(now):
        player.stop_and_rerun(key)
    big, lang = presenter.is_on(), i18n.current()
    frames_json, states = CHUNKS.get(*_chunk(key, lesson, now, big, lang))
    if not states:
        player.stop_and_rerun(key)
    if not lesson.finished(states[-1]):  # the browser will most likely play it to the end
        CHUNKS.ahead(*_chunk(key, lesson, states[-1], big, lang))
    chunk = uuid.uuid4().hex
    st.session_state[f"{key}_play"] = {"chunk": chunk, "states": states, "started": started()}
    plotly_component("frames_player", _PAGE)(
        frames=frames_json, chunk=chunk, fps=FPS, titles=lesson.titles() if big else [],
        wide=list(lesson.wide), big=big, config=json.dumps({}), key=f"{key}_player",
        default=None)


class Chunks:
    """Chunks computed once for the whole server, keyed by everything that produced them, and
    bounded; the next chunk can be computed ahead, on a thread, while the browser plays this
    one (so the server answers the chunk's end at once). One computation per key: a session
    asking for a key being computed waits for it."""

    def __init__(self, limit: int = MAX_CHUNKS):
        self.limit = limit
        self._done: OrderedDict = OrderedDict()
        self._running: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def get(self, key: str, build: Callable[[], object]):
        while True:
            with self._lock:
                if key in self._done:
                    self._done.move_to_end(key)
                    return self._done[key]
                running = self._running.get(key)
                if running is None:
                    self._running[key] = threading.Event()
                    break
            running.wait(60)
        try:
            value = build()
            with self._lock:
                self._done[key] = value
                while len(self._done) > self.limit:
                    self._done.popitem(last=False)
            return value
        finally:
            with self._lock:
                self._running.pop(key).set()

    def ahead(self, key: str, build: Callable[[], object]) -> None:
        with self._lock:
            if key in self._done or key in self._running:
                return
        threading.Thread(target=self.get, args=(key, build), daemon=True,
                         name="lab-frames-ahead").start()

    def __len__(self) -> int:
        return len(self._done)


CHUNKS = Chunks()
