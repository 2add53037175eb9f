"""Frames per second of a live page in headless Chromium, and of an empty frame as baseline.

The XOR page plays frames the server computed in advance (``ui.frames_player``); the empty
frame reruns a Streamlit fragment per frame, the way the lab's pages played before: its rate is
the ceiling of that server loop on this machine.

How it measures: start ``streamlit run`` on a free localhost port, open the page, set
"Steps per frame" to 1, press Play, wait ``WARM_UP_S`` (Plotly loads into each chart), then
read the training-step counter twice, ``WINDOW_S`` apart: steps / seconds = frames / second.
Run alone: ``python -m bench.browser_fps``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time

from deploy import launch

WARM_UP_S = 5
WINDOW_S = 10
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def _serve(script: str, cache_dir: str | None = None):
    """``streamlit run script`` with its own cache folder, once healthy: (process, URL)."""
    env = dict(os.environ, LAB_CACHE_DIR=cache_dir or tempfile.mkdtemp(prefix="lab-bench-"))
    server = launch.start(script, env)
    return server.proc, server.url


def _fps(browser, url: str) -> float:
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(url)
    counter = page.locator('[data-testid="stMetricValue"]').first
    counter.wait_for(timeout=60_000)
    page.wait_for_timeout(3000)
    slider = page.get_by_role("slider", name="Steps per frame")
    if slider.count():
        slider.focus()
        page.keyboard.press("Home")  # 1 step per frame
        page.wait_for_timeout(2000)
    page.get_by_role("button", name="Play").click()
    page.wait_for_timeout(WARM_UP_S * 1000)

    # the XOR page plays in the browser: its counter is the player's first metric while playing;
    # the empty frame's is the page's own (a fragment rerun per frame)
    played = page.frame_locator('iframe[src*="frames_player"]').locator(".value").first

    def steps():
        shown = played if played.count() else counter
        return int(shown.inner_text().replace(",", ""))
    s0, t0 = steps(), time.time()
    page.wait_for_timeout(WINDOW_S * 1000)
    s1, t1 = steps(), time.time()
    page.close()
    return (s1 - s0) / (t1 - t0)


def measure_fps() -> tuple[float, float] | None:
    """(XOR page frames/s, empty-frame frames/s), or None without Chromium."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return None
    from playwright.sync_api import sync_playwright

    results = []
    for script, path in (("app.py", "/xor"), ("bench/empty_frame_app.py", "/")):
        proc, url = _serve(script)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                results.append(_fps(browser, url + path))
                browser.close()
        finally:
            proc.terminate()
            proc.wait(10)
    return results[0], results[1]


if __name__ == "__main__":
    r = measure_fps()
    print("chromium not found" if r is None else
          f"XOR page: {r[0]:.2f} frames/s; empty frame: {r[1]:.2f} frames/s")
