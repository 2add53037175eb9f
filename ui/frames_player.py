"""The browser's player: training played in the browser, for any lesson that describes itself
as a :class:`lab.lessons.playback.Playback`.

A page hands :func:`play` its playback and a function that draws a state while paused; the
player owns the rest. It keeps the lesson's state in the session (a new start when the
playback's ``identity`` changes, Step, Reset, a link's count replayed once and kept in the URL).
The component (``frames_player_frontend``) is on the page from its first run, paused or not, so
Plotly.js has loaded before Play, and the first chunk after the paused state is computed
ahead (on a thread, once for the server). Play hands that small first chunk of frames
(``FIRST_FRAMES``: the first frame shows at once), and each later chunk doubles, up to
``CHUNK_FRAMES`` (each chunk computed once, :class:`Chunks`: shared by every session at the same
settings, named by the state's digest, the next one computed ahead). The browser plays them at
``FPS`` with no rerun per frame; as it starts the last chunk it holds it asks for the next, so
chunks follow one another with no wait (:class:`Played` keeps what it was handed). A rerun for
any other reason (a slider moved, Pause) finds the browser's frame by the clock, set again at
each of its reports (:meth:`Played.frame_now`), and lands on that frame's exact state. The clock
runs late by the report's way to the server, so Pause tells the browser the frame it landed
on; a browser that stopped on another one reports it, and the next run lands there
(:func:`_stopped_on`): Pause keeps the frame on screen.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import math

import numpy as np
import streamlit as st
from _plotly_utils.utils import is_skipped_key, to_typed_array_spec

from lab.core import i18n
from lab.core.i18n import t
from lab.lessons.playback import CHUNK_FRAMES, Frame, Playback, digest
from ui import player, presenter
from ui.controls import from_url, keep_in_url
from ui.live_plot import plotly_component

FPS = 30  # frames a second in the browser
FIRST_FRAMES = 4  # the first chunk after Play; each next one doubles, up to CHUNK_FRAMES
ROOM_PLAY = "_room_play"  # session: this run's players, {key: {"playing", "count"}} (ui.room)
ROOM_FOLLOW = "_room_follow"  # session: the lecturer's players, for a follower to take
MAX_CHUNKS = 24  # chunks kept for the whole server, the oldest dropped
_PAGE = Path(__file__).with_name("frames_player_frontend") / "index.html"
__all__ = ["CHUNK_FRAMES", "FIRST_FRAMES", "FPS", "Chunks", "Played", "digest", "encode", "play",
           "state"]


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
    drawn = player.is_playing(key)  # what the buttons above say

    @st.fragment
    def _frame():
        if player.is_playing(key) != drawn:  # Play or Pause came in with this fragment's run
            st.rerun()  # (a click while it reran): the whole page, so its button says so too
        now = state(key, lesson)
        if lesson.link:
            keep_in_url(lesson.link, lesson.count(now), 0)
        if player.is_playing(key):
            _hand_over(key, lesson, now)
        else:  # Plotly.js loads with the page, not on Play
            landed = st.session_state.get(f"{key}_landed")
            _component(key, playing=False, landed=landed and landed[0].where(landed[1]))
            draw(now)
            if not lesson.finished(now):  # Play's first chunk, computed while the page waits
                CHUNKS.ahead(*_chunk(key, lesson, now, FIRST_FRAMES, presenter.is_on(),
                                     i18n.current()))

    _frame()
    return st.session_state[f"{key}_state"]


def _keep(key: str, value):
    st.session_state.pop(f"{key}_play", None)  # a chunk playing for another state is dropped
    st.session_state.pop(f"{key}_landed", None)
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
    if not player.is_playing(key):  # paused: a next Play starts from the state, anew
        st.session_state.pop(f"{key}_play", None)
        stopped = _stopped_on(key)
        reached = reached if stopped is None else stopped
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


@dataclass
class Played:
    """What the browser was handed since Play (or since the state last jumped): the state of
    every frame in play order, where each chunk's first frame sits, and the clock: the frame
    the browser showed at a moment."""

    states: list
    starts: dict  # chunk id -> the index of its first frame in ``states``
    last: str  # the chunk handed last
    size: int  # its frames: the next one doubles it
    clock: tuple[float, int] = field(default_factory=lambda: (time.monotonic(), -1))
    answered: object = None  # the browser's last report acted upon
    reached: int | None = None  # this run answers a report: the frame it named

    def append(self, chunk: str, states: list) -> None:
        self.starts[chunk] = len(self.states)
        self.states = self.states + list(states)
        self.last, self.size = chunk, len(states)

    def frame_now(self, reply=None) -> int:
        """The frame the browser shows: the last one if it reported it has shown the end,
        else the clock's (``FPS`` from the frame it last reported, or from one frame after
        the hand-over), within the frames it was handed."""
        at = self._reported(reply) if isinstance(reply, dict) and reply.get("ended") else None
        if at is None:
            at = self.clock[1] + int((time.monotonic() - self.clock[0]) * FPS)
        return max(0, min(len(self.states) - 1, at))

    def where(self, index: int) -> dict:
        """The frame ``index`` as the browser names it: {chunk, at}."""
        chunk = max(self.starts, key=lambda c: (self.starts[c] <= index, self.starts[c]))
        return {"chunk": chunk, "at": index - self.starts[chunk]}

    def _reported(self, reply) -> int | None:
        if isinstance(reply, dict) and reply.get("chunk") in self.starts \
                and isinstance(reply.get("at"), int):
            return self.starts[reply["chunk"]] + reply["at"]
        return None

    def answer(self, reply) -> bool:
        """Take the browser's report if it is new and about the chunk handed last (it has
        started playing it and asks for the next): the clock is set to it, the chunks before
        it are dropped, and :attr:`reached` names its frame. False if there is none."""
        if reply == self.answered or not isinstance(reply, dict) or reply.get("ended") \
                or reply.get("chunk") != self.last or self._reported(reply) is None:
            return False
        self.answered = reply
        first = self.starts[reply["chunk"]]
        self.states = self.states[first:]
        self.starts = {reply["chunk"]: 0}
        self.reached = max(0, min(len(self.states) - 1, reply["at"]))
        self.clock = (time.monotonic(), self.reached)
        return True


def _settle(key: str):
    """The state of the frame the browser reached in the chunks it was handed (by
    :func:`_hand_over`); None if none was playing. A report asking for the next chunk keeps
    them for :func:`_hand_over` to go on from; anything else ends them there."""
    run: Played | None = st.session_state.get(f"{key}_play")
    if run is None or not run.states:
        return None
    reply = st.session_state.get(f"{key}_player")
    if run.reached is not None or run.answer(reply):
        return run.states[run.reached]
    del st.session_state[f"{key}_play"]
    at = run.frame_now(reply)
    if not player.is_playing(key):  # Pause: the browser is told, and may say otherwise
        st.session_state[f"{key}_landed"] = (run, at)
    return run.states[at]


def _stopped_on(key: str):
    """The state of the frame the browser reports it stopped on at Pause, when that is not
    the one Pause landed on (:func:`_settle`, by the clock); None if there is no such
    report."""
    landed = st.session_state.get(f"{key}_landed")
    reply = st.session_state.get(f"{key}_player")
    if landed is None or not isinstance(reply, dict) or not reply.get("paused"):
        return None
    run, _ = landed
    index = run._reported(reply)
    if index is None:  # a report about other chunks
        return None
    del st.session_state[f"{key}_landed"]
    return run.states[max(0, min(len(run.states) - 1, index))]


def _chunk(key: str, lesson: Playback, after, n: int, big: bool, lang: str):
    """(key, build) of the ``n`` frames after the state ``after``: the key names everything
    its frames depend on; ``build`` computes (frames as JSON, the state each frame lands
    on)."""
    def build():
        with i18n.using(lang):
            frames = lesson.frames_after(after, n)
            return encode(frames, big), [f.state for f in frames]
    return f"{key}|{lesson!r}|{digest(after)}|{n}|{big}|{lang}", build


def encode(frames: list[Frame], big: bool = False) -> str:
    """The frames as the component reads them: figures as compact Plotly JSON (restyled for
    presenter mode when ``big``; Plotly's template with the first frame only)."""
    style = (lambda fig: presenter.presenter_style(fig)[0]) if big else (lambda fig: fig)
    return json.dumps([
        {"metrics": f.metrics, "status": f.status, "table": f.table,
         "figs": [figure_json(style(fig), i == 0) for fig in f.figs]}
        for i, f in enumerate(frames)], separators=(",", ":"), allow_nan=False)


def figure_json(fig, first: bool) -> dict:
    """A frame's Plotly figure made small for the wire, read from the figure as it stands
    (no deep copy, no second validation: Plotly's own ``to_json`` spent a quarter of a frame's
    server time there): NumPy arrays as Plotly's typed arrays, floats as float32 (7
    significant digits are more than the screen shows), NaN as null, a title as its text in
    the form Plotly's checks give it (a figure built without them, ``lab.figures.xor``, has the
    string) and keys sorted (so both forms are written alike), and Plotly's template (7 KB a figure) with the first frame only (the player keeps
    it)."""
    layout = {k: v for k, v in fig._layout.items() if first or k != "template"}
    return {"data": _wire(fig._data), "layout": _wire(layout)}


def _wire(value, key: str = ""):
    if key == "title" and isinstance(value, str):  # as Plotly's checks write it (unchecked figures)
        return {"text": value}
    if isinstance(value, dict):  # keys in order: a checked figure and an unchecked one alike
        return {k: _wire(value[k], k) for k in sorted(value)}
    if isinstance(value, (list, tuple)):
        return [_wire(v) for v in value]
    if isinstance(value, np.ndarray):
        if value.dtype == np.float64:
            value = value.astype(np.float32)
        if is_skipped_key(key) or value.dtype.kind not in "biuf" or not value.size:
            return _wire(value.tolist())
        return to_typed_array_spec(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _hand_over(key: str, lesson: Playback, now) -> None:
    """Hand the browser the chunk after the state ``now`` (a new start: the first chunk is
    small), or, when it asked for the next, the chunk after the last one it holds (twice as
    long); compute the one after ahead. The states its frames land on wait for
    :func:`_settle`."""
    run: Played | None = st.session_state.get(f"{key}_play")
    going_on = run is not None and run.reached is not None
    if going_on:
        at_end, run.reached = run.reached == len(run.states) - 1, None
        after, n, follows = run.states[-1], min(CHUNK_FRAMES, 2 * run.size), run.last
    else:
        at_end, after, n, follows = True, now, FIRST_FRAMES, ""
    if lesson.finished(after):
        if at_end:  # the browser has shown the last frame
            st.session_state.pop(f"{key}_play", None)
            player.stop_and_rerun(key)
        _component(key, playing=True, chunk=run.last)  # it plays on to the end of the last
        return
    big, lang = presenter.is_on(), i18n.current()
    frames_json, states = CHUNKS.get(*_chunk(key, lesson, after, n, big, lang))
    if not states:
        player.stop_and_rerun(key)
    final = lesson.finished(states[-1])
    if not final:  # computed while the browser plays this one
        CHUNKS.ahead(*_chunk(key, lesson, states[-1], min(CHUNK_FRAMES, 2 * len(states)), big,
                             lang))
    chunk = uuid.uuid4().hex
    if going_on:
        run.append(chunk, states)
    else:
        st.session_state.pop(f"{key}_landed", None)
        st.session_state[f"{key}_play"] = Played(list(states), {chunk: 0}, chunk, len(states))
    _component(key, playing=True, chunk=chunk, frames=frames_json, after=follows, final=final,
               titles=lesson.titles() if big else [], wide=list(lesson.wide), big=big)


def _component(key: str, playing: bool, chunk: str = "", frames: str = "[]", after: str = "",
               final: bool = False, titles: list | None = None, wide: list | None = None,
               big: bool = False, landed: dict | None = None) -> None:
    """The browser's player: paused (it waits, with Plotly.js loaded; ``landed``: the frame
    Pause landed on, {chunk, at}) or handed a chunk (one it already holds when ``frames`` is
    empty)."""
    plotly_component("frames_player", _PAGE)(
        playing=playing, frames=frames, chunk=chunk, after=after, final=final, fps=FPS,
        titles=titles or [], wide=wide or [], big=big, config=json.dumps({}), landed=landed,
        key=f"{key}_player", default=None)


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
