"""Followers by server push on a real server (``streamlit run app.py``; sessions over Streamlit's
websocket protocol, ``bench.ws_session``): a follower's page declares no fragment timer and the
server runs nothing for it while the lecturer does nothing; the lecturer's slider move, page
switch (in one run) and question reach it by push; across two processes sharing a Redis, too."""

import asyncio
import contextlib
import time

from bench import room as bench_room
from bench.ws_session import click, flag, slider
from tests.conftest import serve_app
from tests.test_room import redis_url  # noqa: F401 (a fixture)
from ui import push

IDLE_S = 3.0


async def _follows_by_push(lecturer_url: str, follower_url: str, question: bool) -> None:
    lecturer, code = await bench_room.open_room(lecturer_url)
    await lecturer.settle()
    follower = bench_room.Follower(follower_url, code)
    await follower.join()
    try:
        await asyncio.sleep(1.0)  # the join's last run ends
        s = follower.session
        assert s.timers == {}, s.timers  # no poll of the room, no question poll
        runs = s.runs
        await asyncio.sleep(IDLE_S)
        assert s.runs == runs, f"{s.runs - runs} runs in {IDLE_S} s of an idle room"

        for value in (9, 4):
            t0 = time.perf_counter()
            await lecturer.set(bench_room.CONTROL, slider(value), fragment=False)
            (delay,) = await bench_room.wait_for([follower], bench_room.CONTROL, t0, value)
            # pushed at the change, not found by the watcher's sweep at its next beat
            assert delay < push.BEAT_SECONDS, delay
        if question:  # the gate inspector's first question, asked to the class
            await lecturer.set("q_open", flag(True), fragment=False)  # the panel (lazy)
            await lecturer.set("q_ask", click(), fragment=False)
            deadline = time.monotonic() + bench_room.WAIT_S
            while "q_room_given_1" not in s.widgets:
                assert time.monotonic() < deadline, "the question never reached the follower"
                await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)
        runs, t0 = s.runs, time.perf_counter()
        await lecturer.open(bench_room.OTHER_PAGE)  # a page with a player (the perceptron's)
        await bench_room.wait_for([follower], bench_room.OTHER_CONTROL, t0)
        await asyncio.sleep(1.5)
        # one run, pushed on the lecturer's page: the lecturer's run told the room once (it
        # published twice: the page before it ran, its player after), and the push runs the
        # new page itself (no run of the old page that switches)
        assert s.runs - runs == 1, s.runs - runs
        assert s.timers == {} and follower.errors == [], (s.timers, follower.errors)
    finally:
        await follower.leave()
        await lecturer.__aexit__()


def test_a_follower_runs_nothing_while_idle_and_follows_by_push(tmp_path):
    with serve_app(tmp_path, LAB_LECTURER_KEY=bench_room.KEY) as url:
        asyncio.run(_follows_by_push(url, url, question=True))


def test_a_lecturer_on_one_process_reruns_a_follower_on_another_through_redis(
        tmp_path, redis_url):  # noqa: F811
    with contextlib.ExitStack() as servers:
        for name in ("a", "b"):
            (tmp_path / name).mkdir()
        a, b = (servers.enter_context(serve_app(tmp_path / name, LAB_LECTURER_KEY=bench_room.KEY,
                                                LAB_REDIS_URL=redis_url))
                for name in ("a", "b"))
        asyncio.run(_follows_by_push(a, b, question=False))
