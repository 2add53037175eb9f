"""A room full of students: N concurrent sessions against one lab server.

What it does: start ``streamlit run app.py`` headless on a free localhost port with an empty
cache; one "lecturer" session opens every page (this trains the default IMDB and stock models
once, as a lecturer preparing the room would); then ``--sessions`` students (default 30) arrive
over ``ARRIVAL_S`` seconds and each runs the classroom script:

1. open the IMDB page and move the threshold three times (each move timed from the widget
   change to the end of the fragment's run, with the redrawn confusion matrix checked);
2. open XOR, press Play and play for ``PLAY_S`` seconds as the browser does: the Play run
   hands over a chunk of frames that the browser shows at ``frames_player.FPS``, and at the
   chunk's end it asks for the next (``player_frames``);
3. open the stock page with the default model.

Students speak Streamlit's own websocket protocol (``bench.ws_session``): a browser would add
its rendering, and thirty browsers on the server's two cores measure Chromium, not the server
(``bench.browser_fps`` measures one real browser). The report: p50/p95 latencies, errors
(exceptions shown, timeouts, a missing chart; should be 0), and the server's resident memory
(RSS from /proc, summed over the server processes): idle, after the lecturer's session, at its peak, with every session open,
and after they close. Bounded: every wait has a timeout and the run stops after
``RUN_LIMIT_S``. Run: ``python -m bench.load [--sessions 30] [--no-play] [--servers 2
[--proxy]]``; with ``--proxy`` the servers run behind nginx as ``deploy.serve`` runs them,
and the students reach them through its one address.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import threading
import time

from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.browser_fps import _serve
from bench.ws_session import Session, arrive, click, one_browser_per_process, slider
from deploy import serve
from ui.frames_player import FPS

ARRIVAL_S = 10  # students arrive over this many seconds, in a random order
PLAY_S = 3
STEP_TIMEOUT_S = 120  # any single run
LECTURER_TIMEOUT_S = 300  # the first visit trains the IMDB and stock models
RUN_LIMIT_S = 900
SETTLE_S = 15  # after the students disconnect, before the last RSS reading
EVERY_PAGE = ("imdb", "xor", "stock", "perceptron", "rnn", "gates", "")


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class PeakRss(threading.Thread):
    def __init__(self, read):
        super().__init__(daemon=True)
        self.read, self.peak, self.running = read, 0.0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, self.read())
            time.sleep(0.25)


class Tally:
    def __init__(self):
        self.open, self.threshold, self.frame, self.frames = [], [], [], []
        self.errors: list[str] = []
        self.processes: dict[str, int] = {}  # behind the proxy: students per process

    def check(self, what: str, run, expect: str | None = None):
        if run.exceptions:
            self.errors.append(f"{what}: {run.exceptions[0][:150]}")
        elif expect and expect not in run.text():
            self.errors.append(f"{what}: '{expect}' not shown")
        return run


# What the IMDB and stock pages show once their default model is trained.
TRAINED = {"imdb": "Confusion matrix at threshold", "stock": "Test RMSE, model"}


async def lecturer(url: str, tally: Tally, cookie: str = "") -> None:
    async with Session(url, cookie) as s:
        for page in EVERY_PAGE:
            run = tally.check(f"open {page or 'home'}", await s.open(page, LECTURER_TIMEOUT_S))
            if page in TRAINED:  # wait for the training the page started, as a lecturer would
                tally.errors += await s.until(TRAINED[page], run, LECTURER_TIMEOUT_S)


async def student(url: str, tally: Tally, at: float, play: bool = True,
                  proxy: bool = False) -> Session:
    """One student arriving ``at`` seconds in; behind the ``proxy``, a new browser: its first
    request gets the cookie that routes it to one process (which is counted in ``tally``)."""
    await asyncio.sleep(at)
    cookie = ""
    if proxy:
        cookie, process = await asyncio.to_thread(arrive, url)
        tally.processes[process] = tally.processes.get(process, 0) + 1
    s = Session(url, cookie)
    await s.__aenter__()
    try:
        run = tally.check("open imdb", await s.open("imdb", STEP_TIMEOUT_S), "threshold 0.50")
        tally.open.append(run.seconds)
        for k in (1, 2, 3):
            thr = f"{0.5 + 0.01 * k:.2f}"
            run = tally.check("threshold", await s.set("im_thr", slider(float(thr))),
                              f"threshold {thr}")
            tally.threshold.append(run.seconds)
        run = tally.check("open xor", await s.open("xor", STEP_TIMEOUT_S), "Training steps")
        tally.open.append(run.seconds)
        if play:
            tally.frames.append(await play_xor(s, tally))
        run = tally.check("open stock", await s.open("stock", STEP_TIMEOUT_S), "Test RMSE, model")
        tally.open.append(run.seconds)
    except Exception as err:  # a timeout or a dropped connection: counted, not raised
        tally.errors.append(f"{type(err).__name__}: {str(err)[:120]}")
    return s


def player_frames(run) -> tuple[str, int] | None:
    """(chunk id, frames) of the frames player a run drew, or None."""
    for element in run.elements:
        if getattr(element, "component_name", "").endswith("frames_player"):
            args = json.loads(element.json_args)
            return args["chunk"], len(json.loads(args["frames"]))
    return None


async def play_xor(s: Session, tally: Tally) -> int:
    """Press Play and watch for ``PLAY_S`` seconds as a browser would; the frames shown. The
    Play run's time (press -> first chunk received) is a "frame" latency; so is each chunk's
    end -> next chunk."""
    t0 = time.perf_counter()
    run = tally.check("play", await s.set("xor__play", click(), fragment=False))
    await s.settle()
    tally.frame.append(time.perf_counter() - t0)
    shown, got = 0, player_frames(run)
    while got is not None:
        chunk, frames = got
        start = time.perf_counter()
        left = PLAY_S - (start - t0)
        if left <= 0:
            break
        if frames / FPS > left:  # the chunk outlasts the watching
            shown += int(left * FPS)
            break
        await asyncio.sleep(frames / FPS)
        shown += frames
        state = WidgetState()
        state.json_value = json.dumps({"chunk": chunk, "at": frames - 1})
        t1 = time.perf_counter()
        run = tally.check("chunk", await s.set("xor_player", state))
        tally.frame.append(time.perf_counter() - t1)
        got = player_frames(run)
    return shown


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def row(what: str, values: list[float]) -> None:
    if values:
        print(f"| {what} | {pct(values, 50):.3f} s | {pct(values, 95):.3f} s | "
              f"{max(values):.3f} s | {len(values)} |")


async def run(sessions: int, play: bool, servers: int, proxy: bool) -> None:
    """``servers`` > 1: that many server processes share one cache folder (the first trains,
    the others load from disk) and the students are dealt out among them. ``proxy``: the
    processes run behind nginx (``deploy.serve``); every student is a new browser at the one
    address, and the proxy picks its process; the lecturer visits each process once."""
    cache = tempfile.mkdtemp(prefix="lab-load-")
    if proxy:
        deployment = serve.start(servers, cache_dir=cache, name_process=True)
        stops, pids = [deployment.stop], deployment.pids()
        routes = one_browser_per_process(deployment.url, servers)
        urls, cookies = [deployment.url] * len(routes), list(routes.values())
    else:
        procs = [_serve("app.py", cache) for _ in range(servers)]
        stops, pids = [p.terminate for p, _ in procs], [p.pid for p, _ in procs]
        urls, cookies = [u for _, u in procs], [""] * servers

    def rss() -> float:
        return sum(rss_mb(pid) for pid in pids)
    try:
        idle = rss()
        warm = Tally()
        t0 = time.perf_counter()
        for url, cookie in zip(urls, cookies):
            await lecturer(url, warm, cookie)
        warm_s = time.perf_counter() - t0
        await asyncio.sleep(2)
        one = rss()
        peak = PeakRss(rss)
        peak.start()
        room = Tally()
        arrivals = random.Random(0).sample(range(sessions), sessions)
        t0 = time.perf_counter()
        students = await asyncio.gather(*(
            student(urls[i % len(urls)], room, ARRIVAL_S * k / sessions, play, proxy)
            for i, k in enumerate(arrivals)))
        wall = time.perf_counter() - t0
        all_open = rss()
        for s in students:
            await s.__aexit__()
        await asyncio.sleep(SETTLE_S)
        peak.running = False
        after = rss()
    finally:
        for stop in stops:
            stop()
    print(f"Lecturer's session (every page; trains the default IMDB and stock models): "
          f"{warm_s:.1f} s, errors: {len(warm.errors)} {warm.errors[:3]}")
    where = (f" behind nginx (students per process: {sorted(room.processes.values())})"
             if proxy else "")
    print(f"{servers} server process(es){where}; "
          f"{sessions} students arriving over {ARRIVAL_S} s, whole classroom script"
          f"{'' if play else ' without pressing Play'}: {wall:.1f} s")
    print("| what | p50 | p95 | max | count |\n| --- | --- | --- | --- | --- |")
    row("threshold moved -> fragment rerun with the new confusion matrix", room.threshold)
    row("page opened (IMDB, XOR, stock) -> run finished", room.open)
    row("XOR Play pressed -> frames in the browser (and chunk end -> next chunk)", room.frame)
    if room.frames:
        print(f"XOR frames per student in {PLAY_S} s: median {statistics.median(room.frames):.0f}"
              f" (min {min(room.frames)}, max {max(room.frames)})")
    print(f"errors: {len(room.errors)}" + "".join(f"\n  {e}" for e in room.errors[:10]))
    print(f"server RSS: idle {idle:.0f} MB, after the lecturer's session {one:.0f} MB, "
          f"peak {peak.peak:.0f} MB, with all {sessions} students connected {all_open:.0f} MB, "
          f"{SETTLE_S} s after they leave {after:.0f} MB")
    print(f"growth per extra session: {(all_open - one) / sessions:.1f} MB "
          f"(at the peak: {(peak.peak - one) / sessions:.1f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--no-play", action="store_true",
                        help="students open XOR but do not press Play (isolates the animation)")
    parser.add_argument("--servers", type=int, default=1,
                        help="server processes sharing one cache, students dealt out among them")
    parser.add_argument("--proxy", action="store_true",
                        help="the servers behind nginx (deploy.serve), one address for the class")
    args = parser.parse_args()
    asyncio.run(asyncio.wait_for(run(args.sessions, not args.no_play, args.servers, args.proxy),
                                 RUN_LIMIT_S))


if __name__ == "__main__":
    main()
