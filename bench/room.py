"""A room, measured: how long after the lecturer's move every follower's screen shows it.

    python -m bench.room [--followers 30]                      # one process
    python -m bench.room --processes 2 --followers 60          # behind nginx, with Redis

A real server (``streamlit run app.py``, or ``deploy.serve`` with its nginx and Redis); every
session speaks Streamlit's websocket protocol (``bench.ws_session``), as in ``bench.load``. The
lecturer opens a room with the lecturer key; the followers join it by the link and then behave
as browsers do: their sidebar's poll fragment fires every 0.5 s, and a changed view reruns
their page. Rows (each beside a baseline measured in the same run, with the ratio):

* follow slider: the lecturer moves a slider of the gate inspector; the time from the move to
  each follower's page drawing the new value. Baseline: the lecturer's own run of that move.
* follow page: the lecturer opens another page; the time to each follower drawing it.
  Baseline: the lecturer's own page open.
* hostile: one student races the stock page's window slider, then another's new move waits
  (``bench/hostile.py``).

Nothing is asserted; the command exits non-zero only when a section fails to run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.table import pct, row, run_sections  # noqa: E402
from bench.ws_session import Run, Session, arrive, click, slider, text  # noqa: E402
from deploy import launch  # noqa: E402

KEY = "bench-lecturer-key"
PAGE, CONTROL = "gates", "gi_t"  # the lecturer's page and the slider moved (a time step)
MOVES = (5, 9, 3, 12, 7, 4, 10, 6)  # values of gi_t, each new to the room
OTHER_PAGE, OTHER_CONTROL = "perceptron", "pc_eta"  # the page switched to, and a control on it
WAIT_S = 20.0  # the longest a follower may take to show a move before it counts as missed
CODE = re.compile(r"\*\*([A-Z2-9]{5})\*\*")


class Follower:
    """A student's browser in the room: it reruns its poll fragment on the server's timer, as
    the frontend does, and keeps every element it is sent with its arrival time."""

    def __init__(self, url: str, code: str, cookie: str = ""):
        self.session = Session(url, cookie)
        self.code = code
        self.seen: list[tuple[float, object]] = []  # (arrival, element proto)
        self.errors: list[str] = []
        self._task: asyncio.Task | None = None

    def _keep(self, run: Run) -> None:
        self.seen += list(zip(run.stamps, run.elements))
        self.errors += run.exceptions

    async def join(self) -> None:
        await self.session.__aenter__()
        self._keep(await self.session.open(PAGE, query=f"room={self.code}"))
        self._task = asyncio.create_task(self._browse())

    async def _browse(self) -> None:
        """The frontend's timer fires every ``interval`` from its start, whatever a run takes
        (a tick that fires while a run goes on waits for it)."""
        s = self.session
        due = time.perf_counter()
        while True:
            interval = s.auto_rerun[0] if s.auto_rerun else 0.5
            due = max(due + interval, time.perf_counter())
            await asyncio.sleep(due - time.perf_counter())
            if s.auto_rerun:
                self._keep(await s.tick())
            self._keep(await s.follow(quiet=0.02))

    def first(self, key: str, after: float, value=None) -> float | None:
        """When an element of widget ``key`` (showing ``value``, if given) first arrived
        after ``after``."""
        for stamp, element in self.seen:
            widget = getattr(element, "id", "")
            if stamp > after and isinstance(widget, str) and widget.endswith("-" + key):
                if value is None or list(getattr(element, "value", [])) == [float(value)]:
                    return stamp
        return None

    async def leave(self) -> None:
        if self._task:
            self._task.cancel()
        await self.session.__aexit__()


async def open_room(url: str, cookie: str = "") -> tuple[Session, str]:
    lecturer = Session(url, cookie)
    await lecturer.__aenter__()
    await lecturer.open(PAGE)
    run = await lecturer.submit({"_room_key": text(KEY), "_room_open": click()})
    await lecturer.settle()
    shown = run.text() + (await lecturer.open(PAGE)).text()
    found = CODE.search(shown)
    if not found:
        raise RuntimeError("the lecturer's sidebar shows no room code")
    return lecturer, found.group(1)


async def wait_for(followers: list[Follower], key: str, after: float, value=None) -> list[float]:
    """Each follower's delay from ``after`` until it drew ``key`` (= ``value``)."""
    deadline = time.perf_counter() + WAIT_S
    while time.perf_counter() < deadline:
        stamps = [f.first(key, after, value) for f in followers]
        if all(s is not None for s in stamps):
            return [s - after for s in stamps]
        await asyncio.sleep(0.05)
    missed = sum(f.first(key, after, value) is None for f in followers)
    raise RuntimeError(f"{missed} of {len(followers)} followers never showed {key}={value}")


async def bench_follow(url: str, followers_n: int, cookies: list[str]) -> None:
    lecturer, code = await open_room(url, cookies[0] if cookies else "")
    followers = [Follower(url, code, cookies[i % len(cookies)] if cookies else "")
                 for i in range(followers_n)]
    for f in followers:  # they arrive one after another, as a class scanning the QR code
        await f.join()
    await asyncio.sleep(2)
    try:
        delays, own = [], []
        for value in MOVES:
            t0 = time.perf_counter()
            run = await lecturer.set(CONTROL, slider(value), fragment=False)
            own.append(run.seconds)
            delays += await wait_for(followers, CONTROL, t0, value)
        base = statistics.median(own)
        p95 = pct(delays, 95)
        row(f"follow slider: {followers_n} followers, {len(MOVES)} moves of the lecturer's "
            f"slider -> each follower's page shows it", f"p50 {statistics.median(delays):.2f} s, "
            f"p95 {p95:.2f} s, max {max(delays):.2f} s", f"the lecturer's own run {base:.2f} s",
            f"{p95 / base:.1f}x", "aim p95 1 s")

        t0 = time.perf_counter()
        run = await lecturer.open(OTHER_PAGE)
        switched = await wait_for(followers, OTHER_CONTROL, t0)
        p95 = pct(switched, 95)
        row(f"follow page: the lecturer opens another page -> each of {followers_n} followers "
            f"draws it", f"p50 {statistics.median(switched):.2f} s, p95 {p95:.2f} s, max "
            f"{max(switched):.2f} s", f"the lecturer's own open {run.seconds:.2f} s",
            f"{p95 / run.seconds:.1f}x", "aim p95 1 s")
        errors = [e for f in followers for e in f.errors]
        if errors:
            raise RuntimeError(f"followers saw exceptions: {errors[:3]}")
    finally:
        for f in followers:
            await f.leave()
        await lecturer.__aexit__()


def run_section(processes: int, followers: int) -> None:
    cache = tempfile.mkdtemp(prefix="lab-room-")
    env = dict(os.environ, LAB_CACHE_DIR=cache, LAB_LECTURER_KEY=KEY)
    if processes == 1:
        server = launch.start("app.py", env)
        try:
            asyncio.run(bench_follow(server.url, followers, []))
        finally:
            server.stop()
        return
    from deploy import serve

    with serve.start(processes, cache_dir=cache, env={"LAB_LECTURER_KEY": KEY},
                     name_process=True) as dep:
        cookies = [arrive(dep.url)[0] for _ in range(max(8, processes * 4))]
        asyncio.run(bench_follow(dep.url, followers, cookies))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=30)
    parser.add_argument("--processes", type=int, default=1,
                        help="1: one streamlit run; more: deploy.serve (nginx and Redis)")
    parser.add_argument("--only", choices=["follow", "hostile"])
    args = parser.parse_args()
    from bench.hostile import bench_hostile  # one student racing a slider

    return run_sections({"follow": lambda: run_section(args.processes, args.followers),
                         "hostile": lambda: asyncio.run(bench_hostile())}, args.only)


if __name__ == "__main__":
    sys.exit(main())
