"""One real browser: `streamlit run app.py` on a free localhost port, every page opened in
Debian's headless Chromium (driven by Playwright), a screenshot of each kept in
``test-results/screenshots/`` (CI's artefacts; ignored by git).

Lesson URLs are visited first, on a fresh server, because that is the case Streamlit gets
wrong without ``ui.entry`` (see there).
"""

import os
import re
import shutil
import subprocess
import time

import pytest

from lab.core import i18n
from tests.conftest import ROOT, serve_app
from ui.catalog import LESSONS

pytestmark = pytest.mark.browser
SCREENSHOTS = ROOT / "test-results" / "screenshots"

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# A Plotly chart has drawn, on the page itself or inside a live chart's (same-origin) iframe.
CHART_DRAWN = """() => document.querySelector('.main-svg') !== null ||
    [...document.querySelectorAll('iframe')].some(f => {
        try { return f.contentDocument.querySelector('.main-svg') !== null; }
        catch (e) { return false; } })"""


@pytest.fixture(scope="module")
def server_folder(tmp_path_factory):
    """The server's folder: its cache, Keras home and log (``serve_app``)."""
    return tmp_path_factory.mktemp("server")


@pytest.fixture(scope="module")
def app_url(server_folder):
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed: .ci/run must install it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with serve_app(server_folder) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


# Plotly figures each page draws in its default view (at least).
CHARTS = {"perceptron": 2, "xor": 3, "rnn": 1, "structures": 3, "gates": 2, "stock": 3,
          "text": 2, "imdb": 5, "experiments": 1, "errata": 0}
COUNT_CHARTS = """() => document.querySelectorAll('.main-svg').length +
    [...document.querySelectorAll('iframe')].reduce((n, f) => {
        try { return n + f.contentDocument.querySelectorAll('.main-svg').length; }
        catch (e) { return n; } }, 0)"""
# Whether the page's font draws Hangul: the same text in glyphs no font has (U+0378) draws the
# same "missing glyph" boxes, so equal pixels mean the Korean shows as boxes.
HANGUL_DRAWN = """() => {
    const font = getComputedStyle(document.querySelector('h1')).fontFamily;
    const draw = (text) => { const c = document.createElement('canvas');
        c.width = 200; c.height = 60; const g = c.getContext('2d');
        g.font = '40px ' + font; g.fillText(text, 0, 45); return c.toDataURL(); };
    return draw('한국어') !== draw('\u0378\u0378\u0378'); }"""


# Streamlit's frontend first probes its server under the page's path, and 404s there are
# expected; any other failed request or console error is the app's.
STREAMLIT_PROBES = re.compile(r"/[a-z_]+/_stcore/(health|host-config)$")


# The app's script has finished its run (the attribute Streamlit's own browser tests wait on).
RUN_ENDED = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def _open(browser, url, console, until_run_ends: bool = False):
    """A new tab on ``url``, its console errors and failed requests put in ``console``, once
    its title is drawn and then 1.5 s later, or (``until_run_ends``) once the run has ended."""
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.on("console", lambda m: console.append(m.text) if m.type == "error" and
            not m.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    page.on("response", lambda r: console.append(f"{r.status} {r.url}") if r.status >= 400
            and not STREAMLIT_PROBES.search(r.url) else None)
    page.on("requestfailed", lambda r: console.append(f"{r.failure} {r.url}"))
    page.goto(url)
    page.wait_for_selector("h1", timeout=60_000)
    if until_run_ends:
        page.wait_for_selector(RUN_ENDED, state="attached", timeout=60_000)
    else:
        page.wait_for_timeout(1500)
    return page


def _check(page, title, shots, name, lang="en"):
    assert page.locator("h1").first.inner_text().strip() == title
    assert page.locator('[data-testid="stException"]').count() == 0
    errors = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    assert not errors, (name, errors)
    nav = " ".join(page.locator('[data-testid="stSidebarNav"] a').all_inner_texts())
    for lesson in LESSONS:  # the app's navigation, not the file names of pages/
        assert i18n.t(f"lesson.{lesson.url_path}.title", lang) in nav
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_page_in_a_real_browser(app_url, browser, lang, server_folder,
                                      trained_default_imdb):
    """Every page and the home page draw, in both languages, with no error. The IMDB page
    opens on the run's default model, put into the server's cache as if trained there before
    (the page's first training is test_pages' and test_concurrency's)."""
    shutil.copytree(trained_default_imdb, server_folder / "cache", dirs_exist_ok=True)
    shots = SCREENSHOTS / lang
    shots.mkdir(parents=True, exist_ok=True)
    query = "" if lang == "en" else "?lang=" + i18n.languages()[lang]
    for lesson in LESSONS:
        console: list[str] = []
        page = _open(browser, f"{app_url}/{lesson.url_path}{query}", console, until_run_ends=True)
        want = CHARTS[lesson.url_path]
        page.wait_for_function(f"() => ({COUNT_CHARTS})() >= {want}", timeout=180_000)
        _check(page, i18n.t(f"lesson.{lesson.url_path}.title", lang), shots,
               f"{lang}_{lesson.url_path}", lang)
        if lang == "ko":
            assert re.search("[가-힣]", page.locator("h1").first.inner_text())
            if os.environ.get("CI") or fonts_with_hangul():
                assert page.evaluate(HANGUL_DRAWN), "Korean drawn as boxes: no Hangul font"
        assert not console, (lesson.url_path, console[:3])
        page.close()
    console = []
    page = _open(browser, f"{app_url}/{query}", console, until_run_ends=True)
    _check(page, i18n.t("home.title", lang), shots, f"{lang}_home", lang)
    page.close()
    print(f"screenshots in {shots}")


def fonts_with_hangul() -> bool:
    try:
        out = subprocess.run(["fc-list", ":lang=ko"], capture_output=True, text=True).stdout
    except OSError:
        return False
    return bool(out.strip())


def _count(locator) -> int:
    return int(locator.inner_text().replace(",", ""))


def test_play_runs_in_the_browser(app_url, browser):
    """Play on the XOR page: the frames advance in the browser with no message to the server
    but one a chunk, and Pause lands on exact weights: the page's counter, the link's step
    count and the last frame agree."""
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    sent: list[float] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(time.monotonic())))
    page.goto(f"{app_url}/xor?xor_lr=0.05")  # slow enough not to converge within the test
    steps = page.locator('[data-testid="stMetricValue"]').first
    steps.wait_for(timeout=60_000)
    assert steps.inner_text() == "0"
    page.get_by_role("button", name="Play").click()
    shown = page.frame_locator('iframe[src*="frames_player"]').locator(".value").first
    shown.wait_for(timeout=60_000)
    start, t0 = _count(shown), time.monotonic()
    page.wait_for_timeout(3000)
    played, quiet = _count(shown), [s for s in sent if s > t0]
    assert played - start >= 10 * 50, "at least 10 frames of 50 steps in 3 s"
    # one message a chunk (4, 8, 16, 32, then 50 frames), none a frame
    assert len(quiet) <= 6, f"{len(quiet)} messages to the server in 3 s of play"
    page.get_by_role("button", name="Pause").click()
    page.wait_for_function("""() => { const m = document.querySelector('[data-testid="stMetricValue"]');
                                       return m && m.innerText !== "0"; }""", timeout=30_000)
    page.wait_for_timeout(1000)
    paused = _count(steps)
    assert paused >= played and f"steps={paused}" in page.url
    page.wait_for_timeout(1000)
    assert _count(steps) == paused, "Pause stops training"
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()


def test_the_perceptron_plays_in_the_browser(app_url, browser):
    """Play on the perceptron page (XOR's rule, 30 passes: 120 updates): the update counter
    advances in the player with no rerun per frame, and Pause lands on the update shown."""
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(f"{app_url}/perceptron?pc_gate=XOR&pc_passes=30")
    page.get_by_text("update 0 of 120").first.wait_for(timeout=60_000)
    page.get_by_role("button", name="Play").click()
    status = page.frame_locator('iframe[src*="frames_player"]').locator("#status")
    status.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    first = int(re.search(r"update (\d+) of 120", status.inner_text())[1])
    page.wait_for_timeout(1500)
    later = int(re.search(r"update (\d+) of 120", status.inner_text())[1])
    assert later - first >= 10, (first, later)
    page.screenshot(path=str(SCREENSHOTS / "perceptron_playing.png"), full_page=True)
    page.get_by_role("button", name="Pause").click()
    page.wait_for_function("() => /update=\\d+/.test(location.href)", timeout=30_000)
    page.wait_for_timeout(1000)
    paused = int(re.search(r"update=(\d+)", page.url)[1])
    assert paused >= later
    assert page.get_by_text(f"update {paused} of 120").count() >= 1
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()


def test_the_rnn_words_demo_plays_in_the_browser(app_url, browser):
    """The RNN page's words demo (learning rate 0.001: no convergence within the test): the
    epochs advance in the player, and Pause lands on the epoch shown."""
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(f"{app_url}/rnn?w_lr=0.001")
    page.get_by_role("tab", name=i18n.t("rnn.tab_words", "en")).click()
    epochs = page.locator("strong:visible", has_text="epochs")  # the paused status line
    epochs.first.wait_for(timeout=60_000)
    assert epochs.first.inner_text() == "0 epochs"
    page.locator("button:visible", has_text="Play").first.click()
    status = page.frame_locator('iframe[src*="frames_player"]').first.locator("#status")
    status.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    first = int(status.inner_text().split(" epochs")[0])
    page.wait_for_timeout(1500)
    later = int(status.inner_text().split(" epochs")[0])
    assert later - first >= 10 * 5, (first, later)
    page.screenshot(path=str(SCREENSHOTS / "rnn_words_playing.png"), full_page=True)
    page.locator("button:visible", has_text="Pause").first.click()
    epochs.first.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    paused = int(epochs.first.inner_text().split(" ")[0])
    assert paused >= later
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()
