"""A room, measured: how long after the lecturer's move every follower's screen shows it.

    python -m bench.room [--followers 30]                      # one process
    python -m bench.room --processes 2 --followers 60          # behind nginx, with Redis

A real server (``streamlit run app.py``, or ``deploy.serve`` with its nginx and Redis); every
session speaks Streamlit's websocket protocol (``bench.ws_session``), as in ``bench.load``. The
lecturer opens a room with the lecturer key; the followers join it by the link and then behave
as browsers do: they take every run the server pushes (``ui/push.py``: a room's change reruns
their page), and rerun a fragment whenever its timer asks (the polling fallback, where push
cannot reach a session). Rows (each beside a baseline measured in the same run, with the ratio):

* follow slider: the lecturer moves a slider of the gate inspector; the time from the move to
  each follower's page drawing the new value. Baseline: the lecturer's own run of that move.
* follow CPU: where the server's time goes (its processes' CPU, ``/proc``, which the machine's
  load does not change as it does the seconds): per move, the lecturer's own run, each
  follower's rerun, and the server's work between moves (the followers' polls, if any). Baseline: the lecturer's own run's
  CPU, measured alone before anyone joins.
* follow page: the lecturer opens another page; the time to each follower drawing it.
  Baseline: the lecturer's own page open.
* follow Play: on that page the lecturer presses Play; the time to each follower's player
  playing (its Play button drawn as Pause). Baseline: the lecturer's own run of the press.
* page CPU, Play CPU (once the followers have left): the server's CPU of the page switch and
  of Play, and each follower's share once the lecturer's own run is taken out. Baseline: the
  lecturer's own run of each, measured alone at the end (the page's shared work then already
  done, as the followers found it; so the lecturer's first open's share of that work counts
  in the followers').
* hostile: one student races the stock page's window slider, then another's new move waits
  (``bench/hostile.py``).
* reveal: the lecturer asks the class a question (``ui/questions.py``); every student answers
  on their own session, one after another, while the lecturer's projector fragment fires on
  its timer as a browser's does; the time from each answer (sent) to the lecturer's projector
  counting it, the last answer of each round included; then Reveal. Baseline: the lecturer's
  own Reveal run, which draws the histogram of every answer with the truth.

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

from bench.cpu import cpu_s  # noqa: E402
from bench.table import pct, row, run_sections  # noqa: E402
from bench.ws_session import Run, Session, arrive, click, flag, slider, text  # noqa: E402
from deploy import launch  # noqa: E402
from ui.questions import LECTURER_POLL  # noqa: E402

KEY = "bench-lecturer-key"
PAGE, CONTROL = "gates", "gi_t"  # the lecturer's page and the slider moved (a time step)
MOVES = (5, 9, 3, 12, 7, 4, 10, 6)  # values of gi_t, each new to the room
OTHER_PAGE, OTHER_CONTROL = "perceptron", "pc_eta"  # the page switched to, and a control on it
PLAY, PAUSE = "perceptron__play", "Pause"  # its player's Play button, and its label while playing
RESET = "perceptron__reset"
ALONE_AGAIN = 3  # the lecturer's switch and Play again alone, at the end (the CPU baselines)
WAIT_S = 20.0  # the longest a follower may take to show a move before it counts as missed
ALONE = (2, 8, 2, 8)  # the lecturer's moves before anyone joins (the CPU baseline)
IDLE_S = 4.0  # the followers wait this long with nothing to follow (their polls' CPU, if any)
READ_S = 0.05  # a follower reads in turns this long, between its timers' ticks
IDLE_READ_S = 0.5  # and this long without a timer (its turns' cost stays off the server's cores)
CODE = re.compile(r"\*\*([A-Z2-9]{5})\*\*")


class Follower:
    """A student's browser in the room: it reads whatever the server sends (a pushed run), reruns
    a fragment when its timer fires, as the frontend does, and keeps every element it is sent
    with its arrival time."""

    def __init__(self, url: str, code: str, cookie: str = ""):
        self.session = Session(url, cookie)
        self.code = code
        self.seen: list[tuple[float, object]] = []  # (arrival, element proto)
        self.errors: list[str] = []
        self._task: asyncio.Task | None = None
        self.lock = asyncio.Lock()  # one reader of the websocket at a time (bench_reveal)

    def _keep(self, run: Run) -> None:
        self.seen += list(zip(run.stamps, run.elements))
        self.errors += run.exceptions

    async def join(self) -> None:
        await self.session.__aenter__()
        self._keep(await self.session.open(PAGE, query=f"room={self.code}"))
        self._task = asyncio.create_task(self._browse())

    async def _browse(self) -> None:
        """Always reading, as a browser is (an element is stamped when it arrives); a fragment
        timer fires every ``interval`` from its start, whatever a run takes (a tick that fires
        while a run goes on waits for it)."""
        s = self.session
        due = None  # when the timer fires next
        while True:
            async with self.lock:
                self._keep(await s.follow(quiet=READ_S if s.auto_rerun else IDLE_READ_S))
                now = time.perf_counter()
                if not s.auto_rerun:
                    due = None
                elif due is None:
                    due = now + s.auto_rerun[0]
                elif now >= due:
                    due = max(due + s.auto_rerun[0], now)
                    self._keep(await s.tick())
            await asyncio.sleep(0)  # (the lock's other holder: a student's answer)

    def first(self, key: str, after: float, value=None, label: str | None = None
              ) -> float | None:
        """When an element of widget ``key`` (showing ``value``, or labelled ``label``, if
        given) first arrived after ``after``."""
        for stamp, element in self.seen:
            widget = getattr(element, "id", "")
            if stamp > after and isinstance(widget, str) and widget.endswith("-" + key):
                if label is not None and getattr(element, "label", None) != label:
                    continue
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


async def wait_for(followers: list[Follower], key: str, after: float, value=None,
                   label: str | None = None) -> list[float]:
    """Each follower's delay from ``after`` until it drew ``key`` (= ``value``, or labelled
    ``label``)."""
    deadline = time.perf_counter() + WAIT_S
    while time.perf_counter() < deadline:
        stamps = [f.first(key, after, value, label) for f in followers]
        if all(s is not None for s in stamps):
            return [s - after for s in stamps]
        await asyncio.sleep(0.05)
    missed = sum(f.first(key, after, value, label) is None for f in followers)
    raise RuntimeError(f"{missed} of {len(followers)} followers never showed {key}={value}"
                       f"{'' if label is None else ' labelled ' + label}")


def cpu(pids: list[int]) -> float:
    """The server's CPU seconds so far (every process of it)."""
    return sum(cpu_s(p) for p in pids)


async def bench_follow(url: str, followers_n: int, cookies: list[str], pids: list[int]) -> None:
    lecturer, code = await open_room(url, cookies[0] if cookies else "")
    await lecturer.settle()
    c0 = cpu(pids)
    for value in ALONE:
        await lecturer.set(CONTROL, slider(value), fragment=False)
    alone_cpu = (cpu(pids) - c0) / len(ALONE)
    followers = [Follower(url, code, cookies[i % len(cookies)] if cookies else "")
                 for i in range(followers_n)]
    for f in followers:  # they arrive one after another, as a class scanning the QR code
        await f.join()
    await asyncio.sleep(2)
    c0, t0 = cpu(pids), time.perf_counter()
    await asyncio.sleep(IDLE_S)
    polls_cpu = (cpu(pids) - c0) / (time.perf_counter() - t0)  # per second
    try:
        delays, own = [], []
        c0, w0 = cpu(pids), time.perf_counter()
        for value in MOVES:
            t0 = time.perf_counter()
            run = await lecturer.set(CONTROL, slider(value), fragment=False)
            own.append(run.seconds)
            delays += await wait_for(followers, CONTROL, t0, value)
        await asyncio.sleep(0.5)  # the last reruns' ends
        moves_cpu = cpu(pids) - c0 - polls_cpu * (time.perf_counter() - w0)
        rerun = (moves_cpu / len(MOVES) - alone_cpu) / followers_n
        row(f"follow CPU: the server's CPU per move of the lecturer's slider, {followers_n} "
            f"followers", f"{moves_cpu / len(MOVES) * 1000:.0f} ms: {rerun * 1000:.0f} ms a "
            f"follower's rerun; polls between moves {polls_cpu * 1000:.0f} ms a second "
            f"({polls_cpu / followers_n * 1000:.1f} ms a follower)",
            f"the lecturer's run alone {alone_cpu * 1000:.0f} ms",
            f"{rerun / alone_cpu:.2f}x a follower",
            f"{followers_n} reruns in 1 s of one core: {1000 / followers_n:.0f} ms each")
        base = statistics.median(own)
        p95 = pct(delays, 95)
        row(f"follow slider: {followers_n} followers, {len(MOVES)} moves of the lecturer's "
            f"slider -> each follower's page shows it", f"p50 {statistics.median(delays):.2f} s, "
            f"p95 {p95:.2f} s, max {max(delays):.2f} s", f"the lecturer's own run {base:.2f} s",
            f"{p95 / base:.1f}x", "aim p95 1 s")

        c0, t0 = cpu(pids), time.perf_counter()
        run = await lecturer.open(OTHER_PAGE)
        switched = await wait_for(followers, OTHER_CONTROL, t0)
        p95 = pct(switched, 95)
        row(f"follow page: the lecturer opens another page -> each of {followers_n} followers "
            f"draws it", f"p50 {statistics.median(switched):.2f} s, p95 {p95:.2f} s, max "
            f"{max(switched):.2f} s", f"the lecturer's own open {run.seconds:.2f} s",
            f"{p95 / run.seconds:.1f}x", "aim p95 1 s")

        await asyncio.sleep(1)  # the room on the new page
        page_cpu = cpu(pids) - c0 - polls_cpu * (time.perf_counter() - t0)
        c0, t0 = cpu(pids), time.perf_counter()
        run = await lecturer.set(PLAY, click(), fragment=False)
        played = await wait_for(followers, PLAY, t0, label=PAUSE)  # Play reads Pause once playing
        await asyncio.sleep(0.5)  # the last reruns' ends
        play_cpu = cpu(pids) - c0 - polls_cpu * (time.perf_counter() - t0)
        p95 = pct(played, 95)
        row(f"follow Play: the lecturer presses Play on {OTHER_PAGE} -> each of {followers_n} "
            f"followers' players play", f"p50 {statistics.median(played):.2f} s, p95 "
            f"{p95:.2f} s, max {max(played):.2f} s", f"the lecturer's own run {run.seconds:.2f} s",
            f"{p95 / run.seconds:.1f}x", "aim p95 1 s")
        errors = [e for f in followers for e in f.errors]
        if errors:
            raise RuntimeError(f"followers saw exceptions: {errors[:3]}")
        while followers:
            await followers.pop().leave()
        own_page, own_play = await lecturer_alone(lecturer, pids)
        for name, moved, own in (("page CPU: the server's CPU of the lecturer's page switch",
                                  page_cpu, own_page),
                                 (f"Play CPU: the server's CPU of the lecturer's Play on "
                                  f"{OTHER_PAGE}", play_cpu, own_play)):
            each = (moved - own) / followers_n
            row(f"{name}, {followers_n} followers", f"{moved * 1000:.0f} ms: {each * 1000:.0f} "
                f"ms a follower's run", f"the lecturer's own run alone {own * 1000:.0f} ms",
                f"{each / own:.2f}x a follower",
                f"{followers_n} runs in 1 s of one core: {1000 / followers_n:.0f} ms each")
    finally:
        for f in followers:
            await f.leave()
        await lecturer.__aexit__()


async def lecturer_alone(lecturer: Session, pids: list[int]) -> tuple[float, float]:
    """The server's CPU of the lecturer's page switch and of its Play, each the mean of
    ``ALONE_AGAIN`` runs with no one in the room, at the room's settings (the page's shared
    work done, as the followers found it)."""
    page = play = 0.0
    for _ in range(ALONE_AGAIN):
        for key in (PLAY, RESET):  # Pause, then back to the first update
            await lecturer.set(key, click(), fragment=False)
            await lecturer.settle()
        await lecturer.open(PAGE)
        await lecturer.settle()
        c0 = cpu(pids)
        await lecturer.open(OTHER_PAGE)
        await lecturer.settle()
        c1 = cpu(pids)
        await lecturer.set(PLAY, click(), fragment=False)
        await lecturer.settle()
        page, play = page + c1 - c0, play + cpu(pids) - c1
    return page / ALONE_AGAIN, play / ALONE_AGAIN


# --- reveal: a question to the class, the projector counting the answers ---------------------------
ROUNDS = 3
ANSWERS = re.compile(r"(\d+) answers")


class Projector:
    """The lecturer's browser while a question is asked: the projector fragment's timer fires
    every ``ui.questions.LECTURER_POLL`` seconds, and every count it draws (under its chart)
    is kept with its arrival time."""

    def __init__(self, lecturer: Session):
        self.s = lecturer
        self.counts: list[tuple[float, int]] = []
        self.stop = False

    async def browse(self) -> None:
        fragment = self.s.fragments["q_close"]  # a button of the projector's fragment
        due = time.perf_counter()
        while not self.stop:
            due = max(due + LECTURER_POLL, time.perf_counter())
            await asyncio.sleep(due - time.perf_counter())
            run = await self.s._rerun([], fragment, auto=True)
            for stamp, element in zip(run.stamps, run.elements):
                found = ANSWERS.search(str(getattr(element, "body", "")))
                if found:
                    self.counts.append((stamp, int(found.group(1))))

    def shown(self, count: int, after: float) -> float | None:
        """When the projector first showed at least ``count`` answers after ``after``."""
        return next((s for s, n in self.counts if s > after and n >= count), None)


async def answer(student: Follower, n: int, value: str) -> float:
    """A student sends an answer to question ``n`` once the form is on their screen; returns
    when it was sent."""
    s, box = student.session, f"q_room_given_{n}"
    deadline = time.perf_counter() + WAIT_S
    while box not in s.widgets:  # the question fragment (every 1 s) draws the form
        if time.perf_counter() > deadline:
            raise RuntimeError("a student never saw the lecturer's question")
        await asyncio.sleep(0.05)
    async with student.lock:
        sent = time.perf_counter()
        state = {box: text(value), f"q_send_{n}": click()}
        for key, st in state.items():
            st.id = s.widgets[key]
        run = await s._rerun(list(state.values()), s.fragments.get(box))
    student._keep(run)
    return sent


async def bench_reveal(url: str, students_n: int, cookies: list[str], pids: list[int]) -> None:
    lecturer, code = await open_room(url, cookies[0] if cookies else "")
    students = [Follower(url, code, cookies[i % len(cookies)] if cookies else "")
                for i in range(students_n)]
    for f in students:
        await f.join()
    await asyncio.sleep(2)
    delays, last, own, errors = [], [], [], []
    try:
        for n in range(1, ROUNDS + 1):
            if n == 1:  # the question panel (a lazy expander) opened once
                await lecturer.set("q_open", flag(True), fragment=False)
            run = await lecturer.set("q_ask", click(), fragment=False)
            if f"Question {n} to the class" not in run.text():
                raise RuntimeError("the lecturer's projector shows no question")
            projector = Projector(lecturer)
            task = asyncio.create_task(projector.browse())
            sent = [await answer(f, n, f"0.{i:02d}") for i, f in enumerate(students)]
            for k, t0 in enumerate(sent, start=1):
                deadline = time.perf_counter() + WAIT_S
                while projector.shown(k, t0) is None and time.perf_counter() < deadline:
                    await asyncio.sleep(0.02)
                shown = projector.shown(k, t0)
                if shown is None:
                    raise RuntimeError(f"the projector never counted {k} answers")
                delays.append(shown - t0)
            last.append(delays[-1])
            projector.stop = True
            await task
            reveal = await lecturer.set("q_reveal", click())
            own.append(reveal.seconds)
            if "The answer:" not in reveal.text():
                raise RuntimeError("Reveal showed no answer")
            errors += reveal.exceptions
        errors += [e for f in students for e in f.errors]
        if errors:
            raise RuntimeError(f"sessions saw exceptions: {errors[:3]}")
        base = statistics.median(own)
        p95 = pct(delays, 95)
        row(f"reveal: {students_n} students answer the lecturer's question one after another, "
            f"{ROUNDS} rounds -> the lecturer's projector counts each answer (the last "
            f"included)", f"p50 {statistics.median(delays):.2f} s, p95 {p95:.2f} s, max "
            f"{max(delays):.2f} s; last answer {', '.join(f'{v:.2f}' for v in last)} s",
            f"the lecturer's own Reveal run {base:.2f} s", f"{p95 / base:.1f}x", "aim p95 1 s")
    finally:
        for f in students:
            await f.leave()
        await lecturer.__aexit__()


def run_section(processes: int, followers: int, bench=bench_follow) -> None:
    """``bench(url, followers, cookies, pids)`` on a server of its own: one ``streamlit run``,
    or ``deploy.serve``'s processes behind nginx with Redis (``pids``: the server's)."""
    cache = tempfile.mkdtemp(prefix="lab-room-")
    env = dict(os.environ, LAB_CACHE_DIR=cache, LAB_LECTURER_KEY=KEY)
    if processes == 1:
        server = launch.start("app.py", env)
        try:
            asyncio.run(bench(server.url, followers, [], [server.proc.pid]))
        finally:
            server.stop()
        return
    from deploy import serve

    with serve.start(processes, cache_dir=cache, env={"LAB_LECTURER_KEY": KEY},
                     name_process=True) as dep:
        cookies = [arrive(dep.url)[0] for _ in range(max(8, processes * 4))]
        asyncio.run(bench(dep.url, followers, cookies, dep.pids()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=30)
    parser.add_argument("--processes", type=int, default=1,
                        help="1: one streamlit run; more: deploy.serve (nginx and Redis)")
    parser.add_argument("--only", choices=["follow", "hostile", "reveal"])
    args = parser.parse_args()
    from bench.hostile import bench_hostile  # one student racing a slider

    return run_sections({"follow": lambda: run_section(args.processes, args.followers),
                         "hostile": lambda: asyncio.run(bench_hostile()),
                         "reveal": lambda: run_section(args.processes, args.followers,
                                                       bench_reveal)}, args.only)


if __name__ == "__main__":
    sys.exit(main())
