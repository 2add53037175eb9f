"""One student against the room: does a student who races a slider stall another's training?

    python -m bench.hostile              # also a section of python -m bench.live (--only hostile)

On a real ``streamlit run`` with an empty cache, over Streamlit's websocket protocol
(``bench.ws_session``), two students open the stock page (its default forecast is trained once
and shared). Then:

* idle: student B moves the window to a new value (``IDLE_WINDOW``) on an otherwise idle
  server; the time to B's forecast on screen is the baseline;
* hostile: student A makes ``MOVES`` quick new moves of the window, one every ``GAP_S``
  seconds without waiting for the page (as keyboard arrows on a slider do), and keeps its page
  open as a browser does; right after, B moves to another new value (``HOSTILE_WINDOW``, a
  training the size of the baseline's). B's wait to its forecast, against the idle one.

It prints one row whose first cell starts with ``hostile`` and which contains ``ratio <x>``
(issue 27's aim: at most 1.5), plus the trainings the store saved during the storm. Nothing is
asserted.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.live import (TIMEOUT_S, move, row, saved_windows, shows_forecast,  # noqa: E402
                        until_forecast)
from bench.ws_session import Run, Session, slider  # noqa: E402

MOVES = 30
GAP_S = 0.1  # between two of A's moves: 30 in 3 s
STORM = tuple(range(31, 31 + MOVES))  # A's windows, each new
IDLE_WINDOW, HOSTILE_WINDOW = 20, 21  # B's: the same size of training, each new


async def send_move(s: Session, key: str, value: float) -> None:
    """A widget change sent as the frontend sends it, without waiting for the run (the next one
    interrupts it, as on a real slider)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    state = slider(value)
    state.id = s.widgets[key]
    msg = BackMsg()
    msg.rerun_script.query_string = s.query
    msg.rerun_script.page_name = s.page
    msg.rerun_script.page_script_hash = s.page_script_hash
    msg.rerun_script.widget_states.widgets.extend([state])
    await s.ws.send(msg.SerializeToString())


async def storm(s: Session) -> float:
    """A's quick moves, then A's page as a browser keeps it (reading every run, the fragment
    polling) until its last setting's forecast is on screen; seconds to that forecast."""
    t0 = time.perf_counter()
    for window in STORM:
        await send_move(s, "sk_window", float(window))
        await asyncio.sleep(GAP_S)
    run = Run(0.0)
    while not shows_forecast(run) and s.auto_rerun is None:  # the runs the moves started
        run = Run(0.0)
        await asyncio.wait_for(s._read_until_finished(run), TIMEOUT_S)
    run.seconds = time.perf_counter() - t0
    await until_forecast(s, run)
    return time.perf_counter() - t0


async def bench_hostile() -> None:
    cache = tempfile.mkdtemp(prefix="lab-hostile-")
    from bench.browser_fps import _serve

    proc, url = _serve("app.py", cache)
    try:
        async with Session(url) as a, Session(url) as b:
            for s in (a, b):  # the default forecast: trained by the first, shared
                await until_forecast(s, await s.open("stock", timeout=TIMEOUT_S))
            load = os.getloadavg()[0]
            idle = (await move(b, "sk_window", IDLE_WINDOW))[1]
            before = saved_windows(cache)
            hostile_task = asyncio.create_task(storm(a))
            await asyncio.sleep(MOVES * GAP_S + 0.2)  # A's moves are all sent
            wait = (await move(b, "sk_window", HOSTILE_WINDOW))[1]
            try:
                a_last = f"A's last forecast after {await hostile_task:.1f} s"
            except Exception as err:  # noqa: BLE001 - B's figure is the row's; A's fate a note
                a_last = f"A's last forecast not shown: {type(err).__name__}: {err}"
            saved = sorted(w for f, w in saved_windows(cache).items() if f not in before)
            row(f"hostile: one student makes {MOVES} quick new moves (window {STORM[0]}.."
                f"{STORM[-1]} in {MOVES * GAP_S:.0f} s), then another's new move (window "
                f"{HOSTILE_WINDOW}) -> forecast", f"{wait:.2f} s",
                f"the same move on an idle server (window {IDLE_WINDOW}) {idle:.2f} s",
                f"ratio {wait / idle:.2f}",
                f"aim 1.5; trainings saved meanwhile: {len(saved)}, windows {saved} (B's "
                f"{HOSTILE_WINDOW} and A's last {STORM[-1]}); "
                f"{a_last}; load average {load:.1f} before")
    finally:
        proc.terminate()


def main() -> int:
    print("| what | measured | baseline (same run) | ratio | note |")
    print("| --- | --- | --- | --- | --- |", flush=True)
    asyncio.run(bench_hostile())
    return 0


if __name__ == "__main__":
    sys.exit(main())
