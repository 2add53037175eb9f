"""Training played in the browser: the server computes a chunk of frames once, the browser
shows them at a steady rate.

A frame is what a page would draw after some training steps: a row of metrics, Plotly figures
and a text block. The server computes ``CHUNK_FRAMES`` of them in one go (shared by every
session at the same settings, see the XOR page); the component (``frames_player_frontend``)
plays them at ``FPS`` with no rerun per frame, and when it has shown the last one it tells the
server once, which answers with the next chunk. A rerun for any other reason (a slider moved,
Pause) finds the browser's frame by the clock (:func:`frame_now`) and continues from there.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Sequence

import streamlit as st

from ui.live_plot import plotly_component

FPS = 10  # frames a second in the browser
CHUNK_FRAMES = 50  # frames per chunk: one server round trip every 5 s of play
MAX_CHUNKS = 24  # chunks kept for the whole server (about 1 MB each), the oldest dropped
_PAGE = Path(__file__).with_name("frames_player_frontend") / "index.html"


def play(frames_json: str, chunk: str, key: str, titles: list[str], wide: list[int],
         big: bool = False):
    """Draw the player on chunk ``chunk`` (an id: a new id starts its first frame). Returns the
    component's last message: ``{"chunk": id, "at": index}`` once a chunk has been shown."""
    return plotly_component("frames_player", _PAGE)(
        frames=frames_json, chunk=chunk, fps=FPS, titles=titles, wide=wide, big=big,
        config=json.dumps({}), key=key, default=None)


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


def settle(play_key: str, player_key: str):
    """The value (a state the page can return to) of the frame the browser reached in the chunk
    it was playing, handed over by :func:`hand_over` under ``play_key``; None if none was."""
    run = st.session_state.pop(play_key, None)
    if run is None or not run["values"]:
        return None
    at = frame_now(run["started"], len(run["values"]), st.session_state.get(player_key),
                   run["chunk"])
    return run["values"][at]


def hand_over(play_key: str, player_key: str, frames_json: str, values: Sequence,
              wide: list[int], big: bool = False, titles: list[str] | None = None) -> None:
    """Play ``frames_json`` in the browser; ``values[i]`` is the state frame ``i`` shows, which
    :func:`settle` returns once the browser has moved on (Pause, a chunk's end, a widget)."""
    chunk = uuid.uuid4().hex
    st.session_state[play_key] = {"chunk": chunk, "values": values, "started": started()}
    play(frames_json, chunk, key=player_key, titles=titles or [], wide=wide, big=big)


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
