"""Server CPU per rerun, page by page, beside an empty Streamlit app's (``bench.run --only cpu``).

What a room costs the server is CPU time, not the latency one student sees: 30 students share
one process's cores. This starts the lab and ``bench/empty_app.py`` as real servers, drives one
session on each over Streamlit's websocket protocol (``bench.ws_session``) and reads the server
process's CPU time (user + system, all threads, ``/proc/<pid>/stat``) around each action, once
the server is quiet again:

- a page opened: the first time (nothing of it in the shared caches yet; not for the pages that
  train, whose first visit starts the training) and again (the median of ``REPEATS``: what
  every later student costs);
- the page's main widget moved back and forth between two values (a fragment or a full rerun,
  as the page has it);
- XOR's Play: the CPU of pressing Play and of asking for the next chunks, per frame played.

The pages that train wait for their default model first (a lecturer preparing the room); its
training is not counted. ``/proc`` counts in clock ticks (10 ms), so each figure is the mean
of ``REPEATS`` actions (the total over all of them, divided).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import tempfile

from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.browser_fps import _serve
from bench.ws_session import Session, click
import ui.settings  # noqa: F401  (fills REGISTRY: every page's controls)
from ui.controls import REGISTRY

REPEATS = 8  # actions per figure, averaged: /proc counts whole clock ticks
TICK_S = 1 / os.sysconf("SC_CLK_TCK")
TRAINED = {"imdb": "Confusion matrix at threshold", "stock": "Test RMSE, model"}
TRAIN_TIMEOUT_S = 300
# page -> (control, two values it moves between): the main move that redraws without training
MOVES = {
    "perceptron": ("pc_eta", 0.5, 0.1),
    "xor": ("xor_lr", 1.0, 0.5),
    "rnn": ("g_radius", 1.2, 1.0),
    "structures": ("sq_force_at", 1, 0),
    "gates": ("gi_f", 1.0, 0.0),
    "text": ("tx_window", 2, 1),
    "imdb": ("im_thr", 0.6, 0.5),
    "stock": ("sk_window", 9, 7),
    "experiments": None,  # every control there trains a new set of models
}
PAGES = ("", *MOVES)
PLAY_CHUNKS = 3  # XOR: Play, then ask for this many more chunks


def cpu_s(pid: int) -> float:
    """The process's CPU time so far (user + system, every thread)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * TICK_S


def state(page: str, key: str, value) -> WidgetState:
    """A widget's new state as the frontend sends it."""
    control = REGISTRY[page].by_key[key]
    s = WidgetState()
    if control.kind == "select_slider":
        s.string_array_value.data.extend(control.url(value))
    else:
        s.double_array_value.data.append(float(value))
    return s


async def measured(pid: int, session: Session, action) -> float:
    """CPU seconds the server spent on ``action`` and on whatever it set going (until quiet)."""
    await session.settle()
    before = cpu_s(pid)
    await action()
    await session.settle()
    return cpu_s(pid) - before


async def page_costs(pid: int, url: str, page: str) -> dict:
    out: dict = {}
    async with Session(url) as s:
        if page in TRAINED:  # the lecturer's training, not counted
            first = await s.open(page)
            await s.until(TRAINED[page], first, TRAIN_TIMEOUT_S)
        else:  # the room's first visit: nothing of this page in the shared caches yet
            out["first"] = await measured(pid, s, lambda: s.open(page))
        opens = [await measured(pid, s, lambda: s.open(page)) for _ in range(REPEATS)]
        out["open"] = statistics.fmean(opens)
        move = MOVES.get(page)
        if move:
            key, a, b = move
            moves = []
            for k in range(REPEATS + 1):  # the first move (a value not shown yet) not counted
                value = a if k % 2 == 0 else b
                moves.append(await measured(pid, s, lambda: s.set(key, state(page, key, value))))
            out["move"], out["move_key"] = statistics.fmean(moves[1:]), key
        if page == "xor":
            out["frame"] = await play_cost(pid, s)
    return out


async def play_cost(pid: int, s: Session) -> float:
    """CPU per frame of XOR's Play: the press and ``PLAY_CHUNKS`` chunk requests, over the
    frames they handed the browser."""
    from bench.load import player_frames

    await s.settle()
    before, frames = cpu_s(pid), 0
    run = await s.set("xor__play", click(), fragment=False)
    await s.settle()
    got = player_frames(run)
    for _ in range(PLAY_CHUNKS):
        if got is None:
            break
        chunk, n = got
        frames += n
        ask = WidgetState()
        ask.json_value = json.dumps({"chunk": chunk, "at": n - 1})
        run = await s.set("xor_player", ask)
        got = player_frames(run)
    await s.settle()
    if got:
        frames += got[1]
    return (cpu_s(pid) - before) / max(frames, 1)


EMPTY_REPEATS = 40  # the empty app's actions cost less than a clock tick: more of them


async def empty_costs(pid: int, url: str) -> dict:
    async with Session(url) as s:
        await s.open("")
        opens = [await measured(pid, s, lambda: s.open("")) for _ in range(EMPTY_REPEATS)]
        moves = []
        for k in range(EMPTY_REPEATS):
            moves.append(await measured(pid, s, lambda: s.set("value", _slider(0.2 + k % 2 / 2))))
    return {"open": statistics.fmean(opens), "move": statistics.median(moves)}


def _slider(value: float) -> WidgetState:
    s = WidgetState()
    s.double_array_value.data.append(value)
    return s


def measure() -> tuple[dict, dict]:
    """(the empty app's costs, each page's costs)."""
    empty_proc, empty_url = _serve("bench/empty_app.py")
    lab_proc, lab_url = _serve("app.py", tempfile.mkdtemp(prefix="lab-cpu-"))
    try:
        empty = asyncio.run(empty_costs(empty_proc.pid, empty_url))
        pages = {page: asyncio.run(page_costs(lab_proc.pid, lab_url, page)) for page in PAGES}
    finally:
        empty_proc.terminate()
        lab_proc.terminate()
    return empty, pages


def rows(row) -> None:
    empty, pages = measure()
    ms = lambda s: f"{s * 1000:.1f} ms"  # noqa: E731
    floor = TICK_S / EMPTY_REPEATS  # the smallest mean /proc can show
    base_open, base_move = max(empty["open"], floor), max(empty["move"], floor)

    def base(what: str, value: float) -> str:
        return f"empty app {what} " + (ms(value) if value >= floor else f"< {ms(floor)}")

    def ratio(value: float, of: float) -> str:
        return f"{value / of:.1f}x" if of > floor else f"> {value / floor:.0f}x"
    note = f"server CPU, mean of {REPEATS}"
    for page, cost in pages.items():
        name = page or "home"
        if "first" in cost:
            what = "the server's first run: its imports" if not page else "empty shared caches"
            row(f"Server CPU: {name} opened first ({what})", ms(cost["first"]),
                base("open", empty["open"]), ratio(cost["first"], base_open),
                f"server CPU, one page open; /proc resolution {TICK_S * 1000:.0f} ms")
        row(f"Server CPU: {name} opened again", ms(cost["open"]),
            base("open", empty["open"]), ratio(cost["open"], base_open), note)
        if "move" in cost:
            row(f"Server CPU: {name}, {cost['move_key']} moved", ms(cost["move"]),
                base("slider", empty["move"]), ratio(cost["move"], base_move), note)
        if "frame" in cost:
            row("Server CPU: XOR Play, per frame played", f"{cost['frame'] * 1000:.2f} ms",
                base("slider", empty["move"]), ratio(cost["frame"], base_move),
                f"Play + {PLAY_CHUNKS} chunk requests over the frames handed over")


if __name__ == "__main__":
    rows(lambda *cells: print("| " + " | ".join(cells) + " |", flush=True))
