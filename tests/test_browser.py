"""One real browser: `streamlit run app.py` on a free localhost port, every page opened in
Debian's headless Chromium (driven by Playwright), a screenshot of each kept in a temp folder.

Lesson URLs are visited first, on a fresh server, because that is the case Streamlit gets
wrong without ``ui.entry`` (see there).
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT
from ui.catalog import LESSONS

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SERVER_START_SECONDS = 60
# A Plotly chart has drawn, on the page itself or inside a live chart's (same-origin) iframe.
CHART_DRAWN = """() => document.querySelector('.main-svg') !== null ||
    [...document.querySelectorAll('iframe')].some(f => {
        try { return f.contentDocument.querySelector('.main-svg') !== null; }
        catch (e) { return false; } })"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed: .ci/run must install it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    env = dict(os.environ, LAB_CACHE_DIR=str(tmp_path_factory.mktemp("cache")))
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + SERVER_START_SECONDS
        while True:
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    pytest.fail("streamlit did not start:\n" + log.read_text())
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser, url, shots, name):
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(url)
    page.wait_for_selector("h1", timeout=60_000)
    page.wait_for_timeout(1500)
    return page


def _check(page, title, shots, name):
    assert page.locator("h1").first.inner_text().strip() == title
    assert page.locator('[data-testid="stException"]').count() == 0
    nav = " ".join(page.locator('[data-testid="stSidebarNav"] a').all_inner_texts())
    for lesson in LESSONS:  # the app's navigation, not the file names of pages/
        assert lesson.title() in nav
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def test_every_page_in_a_real_browser(app_url, browser, tmp_path_factory):
    shots = tmp_path_factory.mktemp("screenshots")
    for lesson in LESSONS:
        page = _open(browser, f"{app_url}/{lesson.url_path}", shots, lesson.url_path)
        page.wait_for_function(CHART_DRAWN, timeout=180_000)  # IMDB trains its first model
        _check(page, lesson.title(), shots, lesson.url_path)
        page.close()
    page = _open(browser, app_url, shots, "home")
    _check(page, "Neural networks, from the perceptron to LSTM/GRU", shots, "home")
    page.close()
    print(f"screenshots in {shots}")


def test_play_advances_training(app_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(f"{app_url}/xor")
    steps = page.locator('[data-testid="stMetricValue"]').first
    steps.wait_for(timeout=60_000)
    assert steps.inner_text() == "0"
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(
        """() => { const m = document.querySelector('[data-testid="stMetricValue"]');
                   return m && parseInt(m.innerText.replace(/,/g, '')) >= 200; }""",
        timeout=30_000)
    page.get_by_role("button", name="Pause").click()
    page.wait_for_timeout(1000)
    paused_at = steps.inner_text()
    page.wait_for_timeout(1000)
    assert steps.inner_text() == paused_at, "Pause stops training"
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()
