"""Play in headless Chromium: the time from Play to the first frame on a freshly started server,
and the frames a second the player draws (XOR, perceptron, the RNN page's two demos), each beside
the baseline of the same run: bench/empty_frame_app.py, a Play button over a fragment rerun on
a timer that draws one number (the way the lab's pages played before the browser player).

- First frame: Play pressed -> the player's first frame drawn, on the page first opened on a
  new server (its chunks, imports and caches cold). Baseline: the empty frame app's Play ->
  its page redrawn as playing (one Streamlit round trip). The note splits it with the
  player's performance marks: Play -> the first chunk in the browser (the server's run and
  the chunk's build and transfer), then -> its frame drawn (Plotly in the browser).
- Frames a second: the frames the player drew (its ``document.body.dataset.shown``) over
  ``WINDOW_S`` seconds after ``WARM_UP_S``. Baseline: the empty frame's fragment reruns a
  second (the ceiling of that server loop on this machine). The note gives the share of that
  time the player stood on a chunk's last frame waiting for the next (``dataset.waited``:
  the server's chunks too slow) and the frames per chunk that came.

- The player's page alone (no server, rows "... alone"): the frames a second it draws handed
  a lesson's chunks at once, beside the same chunks with every frame by ``Plotly.react``
  (``index.html#full``), in the same run: what the browser's side costs.

Run alone: ``python -m bench.browser_fps`` (a table row per figure, bench/table.py);
``--alone`` for the player's page alone only; ``--only XOR`` (or ``perceptron``, ``"RNN
words"``, ``"RNN sine"``) for one lesson, beside the same baselines.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time

from deploy import launch

WARM_UP_S = 2
WINDOW_S = 8
CHUNKS_ALONE = 4  # chunks handed to the player's page alone (bench rows "... alone")
ALONE_S = 4  # frames counted over this while it plays them
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# (name, the page's path with settings that keep it playing, the tab to open or None)
PAGES = [("XOR", "/xor?xor_spt=1", None),
         ("perceptron", "/perceptron?pc_gate=XOR&pc_passes=200", None),
         ("RNN words", "/rnn?w_lr=0.001", "Train: words (many-to-one)"),
         ("RNN sine", "/rnn", "Train: sine forecast")]
ONLY: list[str] = []  # the lessons of the "alone" rows (--only); all when empty
SHOWN = """() => [...document.querySelectorAll('iframe[src*="frames_player"]')].reduce(
    (n, f) => n + Number(f.contentDocument?.body?.dataset.shown || 0), 0)"""
PLAYER_READY = """() => [...document.querySelectorAll('iframe[src*="frames_player"]')].some(
    f => f.contentWindow.Plotly !== undefined)"""
NOW = "() => performance.timeOrigin + performance.now()"  # ms, comparable across frames
MARKS = """() => ({origin: performance.timeOrigin, waited: Number(document.body.dataset.waited || 0),
    marks: performance.getEntriesByType("mark").filter(m => m.name.startsWith("lab:"))
        .map(m => [m.name, m.startTime, m.detail])})"""


def _serve(script: str, cache_dir: str | None = None):
    """``streamlit run script`` with its own cache folder, once healthy: (process, URL). The
    server keeps Python's compiled bytecode (``__pycache__``) as on a lecturer's machine, also
    where the shell says ``PYTHONDONTWRITEBYTECODE`` (a sandbox's setting: every start would
    compile the lab's sources again, on the first visit's clock)."""
    env = dict(os.environ, LAB_CACHE_DIR=cache_dir or tempfile.mkdtemp(prefix="lab-bench-"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    server = launch.start(script, env)
    return server.proc, server.url


def _stop(proc) -> None:
    """End a server this run started (killed if it has not ended 10 s after being asked:
    a loaded machine)."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def _play(page, tab: str | None):
    """Press the (visible) Play button; the monotonic time of the press."""
    if tab:
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(500)
    button = page.locator("button:visible", has_text="Play").first
    t0 = time.monotonic()
    button.click()
    return t0


def _marks(page) -> dict:
    """The played player's marks (``MARKS``: times in ms since the epoch) on ``page``."""
    for frame in page.frames:
        if "frames_player" in frame.url:
            got = frame.evaluate(MARKS)
            if any(name == "lab:chunk" for name, _, _ in got["marks"]):
                got["marks"] = [(n, got["origin"] + t, d) for n, t, d in got["marks"]]
                return got
    return {"waited": 0, "marks": []}


def _player(browser, url: str, tab: str | None) -> tuple[float, float, dict]:
    """(seconds from Play to the first frame, frames drawn a second, what the player's
    marks say: {"chunk_s", "drawn_s", "waited", "frames_per_chunk"}) of a lab page."""
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(url)
    page.locator("button", has_text="Play").first.wait_for(state="attached", timeout=120_000)
    page.wait_for_function(PLAYER_READY, timeout=120_000)
    page.wait_for_timeout(1000)
    if tab:
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(500)
    pressed = page.evaluate(NOW)
    t0 = _play(page, None)
    page.wait_for_function(f"() => ({SHOWN})() >= 1", timeout=60_000, polling=10)
    first = time.monotonic() - t0
    page.wait_for_timeout(WARM_UP_S * 1000)
    n0, t1, w0 = page.evaluate(SHOWN), time.monotonic(), _marks(page)["waited"]
    page.wait_for_timeout(WINDOW_S * 1000)
    n1, t2, got = page.evaluate(SHOWN), time.monotonic(), _marks(page)
    page.close()
    at = {name: t for name, t, _ in reversed(got["marks"])}  # each mark's first time
    sizes = [d["frames"] for name, _, d in got["marks"] if name == "lab:chunk"]
    split = {"chunk_s": (at["lab:chunk"] - pressed) / 1000 if "lab:chunk" in at else None,
             "drawn_s": (at["lab:first-drawn"] - at["lab:chunk"]) / 1000
             if "lab:first-drawn" in at and "lab:chunk" in at else None,
             "waited": (got["waited"] - w0) / 1000 / (t2 - t1), "frames_per_chunk": sizes}
    return first, (n1 - n0) / (t2 - t1), split


def _empty_frame(browser, url: str) -> tuple[float, float]:
    """(seconds from Play to the page redrawn as playing, fragment reruns a second) of the
    empty frame app."""
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(url)
    counter = page.locator('[data-testid="stMetricValue"]').first
    counter.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    t0 = _play(page, None)
    page.locator("button", has_text="Pause").first.wait_for(timeout=60_000)
    first = time.monotonic() - t0
    page.wait_for_timeout(WARM_UP_S * 1000)

    def steps() -> int:
        return int(counter.inner_text().replace(",", ""))
    s0, t1 = steps(), time.monotonic()
    page.wait_for_timeout(WINDOW_S * 1000)
    s1, t2 = steps(), time.monotonic()
    page.close()
    return first, (s1 - s0) / (t2 - t1)


def _lessons() -> dict:
    """The played lessons of ``PAGES`` at the settings their rows name, for the browser alone."""
    from lab.lessons.perceptron_play import PerceptronPlayback
    from lab.lessons.rnn_play import SinePlayback, WordsPlayback
    from lab.lessons.xor_play import XorPlayback
    return {"XOR": XorPlayback(preset=False, hidden=2, seed=0, lr=0.5, steps_per_frame=1,
                               heatmap=True),
            "perceptron": PerceptronPlayback(gate="XOR", eta=0.1, passes=200, init="zeros",
                                             seed=0, per_frame=1),
            "RNN words": WordsPlayback(units=8, lr=0.001, seed=0),
            "RNN sine": SinePlayback(time_steps=10, units=16, lr=0.01, seed=0)}


def _chunks(lesson, n: int = CHUNKS_ALONE) -> list[str]:
    """``n`` chunks of frames in play order, encoded as the player hands them over."""
    from ui.frames_player import encode
    out, state = [], lesson.start()
    for _ in range(n):
        frames = lesson.frames_after(state, 50)
        if not frames:
            break
        out.append(encode(frames, False))
        state = frames[-1].state
    return out


def _alone(browser, folder: str, chunks: list[str], full: bool) -> float:
    """Frames a second the player's page draws (ui/frames_player_frontend, served from
    ``folder`` beside Plotly.js) handed ``chunks`` at once, one after the other, with no
    server: every frame by Plotly.react when ``full`` (the baseline), else as it plays."""
    from ui.frames_player import FPS
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(f"file://{folder}/index.html" + ("#full" if full else ""))
    page.wait_for_function("() => window.Plotly !== undefined", timeout=60_000)
    page.wait_for_timeout(500)
    post = """([chunk, frames, after, final, fps]) => window.postMessage({type: "streamlit:render",
        args: {playing: true, frames, chunk, after, final, fps, titles: [], wide: [], big: false,
               config: "{}"}}, "*")"""
    for i, frames in enumerate(chunks):
        page.evaluate(post, [f"c{i}", frames, f"c{i - 1}" if i else "", i == len(chunks) - 1,
                             FPS])
    page.wait_for_function("() => Number(document.body.dataset.shown || 0) >= 1")
    n0, t0 = int(page.evaluate("() => document.body.dataset.shown")), time.monotonic()
    held = sum(len(json.loads(frames)) for frames in chunks)  # counted while frames remain
    page.wait_for_timeout(min(ALONE_S, 0.8 * held / FPS) * 1000)
    n1, t1 = int(page.evaluate("() => document.body.dataset.shown")), time.monotonic()
    page.close()
    return (n1 - n0) / (t1 - t0)


def measure_alone() -> dict | None:
    """{lesson: (frames/s moving, frames/s all by Plotly.react)}, the browser alone, or None
    without Chromium."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return None
    from playwright.sync_api import sync_playwright

    from ui.live_plot import _PLOTLY_JS
    from ui.frames_player import _PAGE
    folder = tempfile.mkdtemp(prefix="lab-bench-player-")
    for src in (_PAGE, _PLOTLY_JS):
        shutil.copyfile(src, os.path.join(folder, src.name))
    chunks = {name: _chunks(lesson) for name, lesson in _lessons().items()
              if not ONLY or name in ONLY}
    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for name, got in chunks.items():
            out[name] = (_alone(browser, folder, got, False), _alone(browser, folder, got, True))
        browser.close()
    shutil.rmtree(folder, ignore_errors=True)
    return out


def measure() -> dict | None:
    """{page name: (first frame s, frames/s)} with the baseline under "empty frame", or None
    without Chromium. The lab's server is started for this run: XOR's Play is the first on
    it."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return None
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for script, measure_one in (("bench/empty_frame_app.py", None), ("app.py", _player)):
            proc, url = _serve(script)
            try:
                if measure_one is None:
                    out["empty frame"] = _empty_frame(browser, url + "/")
                    continue
                for name, path, tab in PAGES:
                    try:
                        out[name] = measure_one(browser, url + path, tab)
                    except Exception as err:  # the others are still measured
                        out[name] = err
            finally:
                _stop(proc)
        browser.close()
    return out


def measure_fps() -> tuple[float, float] | None:
    """(XOR page frames/s, empty-frame frames/s), or None without Chromium (bench.run)."""
    got = measure()
    if got is None or isinstance(got["XOR"], Exception):
        return None
    return got["XOR"][1], got["empty frame"][1]


def rows(row) -> None:
    got = measure()
    if got is None:
        row("Play in headless Chromium", "skipped", "-", "-", "chromium not found")
        return
    first0, fps0 = got.pop("empty frame")
    load = "load %.2f %.2f %.2f" % os.getloadavg()
    for name, got_one in got.items():
        if isinstance(got_one, Exception):
            row(f"{name}: Play", "FAILED", "-", "-", f"{type(got_one).__name__}: "
                f"{str(got_one).splitlines()[0][:100]}")
            continue
        first, fps, split = got_one
        cold = "the page's first Play on a new server" if name == "XOR" else \
            "the page's first Play (its chunks cold)"
        row(f"{name}: Play -> first frame", f"{first:.2f} s",
            f"empty frame app, Play -> redrawn: {first0:.2f} s", _ratio(first, first0),
            f"{cold}; {_split(split)}; {load}")
        sizes = split["frames_per_chunk"]
        row(f"{name}: frames drawn a second", f"{fps:.1f}/s",
            f"empty frame app, fragment reruns: {fps0:.1f}/s", _ratio(fps, fps0),
            f"player rate {_fps_setting()}; waiting for the next chunk "
            f"{100 * split['waited']:.0f}% of the time; chunks of {sizes[:8]} frames; "
            f"software rendering, server and browser share 2 cores; {load}")


def _split(split: dict) -> str:
    """Play -> first frame in two, as the player's marks tell it."""
    if split["chunk_s"] is None or split["drawn_s"] is None:
        return "no player marks"
    return (f"first chunk in the browser {split['chunk_s']:.2f} s after Play, its frame drawn "
            f"{split['drawn_s']:.2f} s later")


def _ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.1f}x" if baseline else "-"


def rows_alone(row) -> None:
    """The player's page alone in Chromium: frames a second as it plays (a frame that keeps
    the layout before it moves its data alone) beside every frame by Plotly.react, the same
    chunks in the same run."""
    got = measure_alone()
    if got is None:
        row("Player alone in headless Chromium", "skipped", "-", "-", "chromium not found")
        return
    load = "load %.2f %.2f %.2f" % os.getloadavg()
    for name, (moving, full) in got.items():
        row(f"{name}: frames drawn a second, the player's page alone", f"{moving:.1f}/s",
            f"every frame by Plotly.react: {full:.1f}/s", _ratio(moving, full),
            f"player rate {_fps_setting()}; no server; {load}")


def _fps_setting() -> int:
    from ui.frames_player import FPS
    return FPS


if __name__ == "__main__":
    from bench.table import HEADER, row as print_row

    import sys

    args = sys.argv[1:]
    if "--help" in args or "-h" in args:
        print(__doc__)
        sys.exit(0)
    if "--only" in args:
        only = args[args.index("--only") + 1]
        PAGES[:] = [p for p in PAGES if p[0] == only]
        ONLY.append(only)
    print(HEADER, flush=True)
    if "--alone" not in args:
        rows(print_row)
    rows_alone(print_row)
