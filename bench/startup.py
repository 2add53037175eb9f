"""Fast start (issue 7): ``streamlit run`` to the first usable page, and each page's first render.

    python -m bench.startup            # prepares a cache first (python -m lab.prepare)
    python -m bench.startup --cache D  # uses a cache folder prepared before

Every page is measured in a fresh server process, the worst case a lecturer meets: the time
from starting ``streamlit run app.py`` until the server answers, and from then until the page's
first run has finished (what the browser draws is measured by ``bench/browser_fps.py``). The
home page's empty-app baseline, measured in the same run, is printed beside as a ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time

from bench.browser_fps import _serve
from bench.ws_session import Session

PAGES = ["", "perceptron", "xor", "rnn", "gates", "stock", "imdb"]  # "" is home
REPEATS = 3
BUDGET_S = 2.0  # issue 7: home and the NumPy pages render their first view within this


async def first_render(url: str, page: str) -> tuple[float, list[str]]:
    async with Session(url) as s:
        run = await s.open(page)
        return run.seconds, run.exceptions


def measure(script: str, page: str, cache: str) -> tuple[float, float, list[str]]:
    start = time.perf_counter()
    proc, url = _serve(script, cache)
    try:
        up = time.perf_counter() - start
        render, errors = asyncio.run(first_render(url, page))
        return up, render, errors
    finally:
        proc.kill()
        proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", help="a cache folder made by python -m lab.prepare")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args()
    cache = args.cache
    if not cache:
        cache = tempfile.mkdtemp(prefix="lab-startup-")
        print(f"preparing a cache in {cache} ...", flush=True)
        subprocess.run([sys.executable, "-m", "lab.prepare"], env=dict(os.environ,
                       LAB_CACHE_DIR=cache), stdout=subprocess.DEVNULL, check=False)
    base = [measure("bench/empty_frame_app.py", "", cache) for _ in range(args.repeats)]
    base_up = min(b[0] for b in base)
    base_render = min(b[1] for b in base)
    print(f"\nbaseline (an empty Streamlit app): server up {base_up:.2f} s, "
          f"first run {base_render * 1000:.0f} ms")
    print(f"{'page':<12}{'server up':>11}{'first render':>14}{'up+render':>11}"
          f"{'vs empty app':>14}  (min of {args.repeats}, fresh server each)")
    for page in PAGES:
        runs = [measure("app.py", page, cache) for _ in range(args.repeats)]
        errors = sorted({e for r in runs for e in r[2]})
        up, render = min(r[0] for r in runs), min(r[1] for r in runs)
        flag = "" if up + render <= BUDGET_S or page in ("stock", "imdb") else "  over 2 s"
        print(f"{page or 'home':<12}{up:>10.2f}s{render * 1000:>12.0f}ms{up + render:>10.2f}s"
              f"{(up + render) / (base_up + base_render):>13.1f}x{flag}"
              + (f"  errors: {errors}" if errors else ""))


if __name__ == "__main__":
    main()
