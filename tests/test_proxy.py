"""The class behind a real proxy: ``deploy.serve`` runs two lab processes behind Debian's nginx.

A Streamlit session lives in one process, so each browser must stick to one: its websocket and
its uploads reach the process that holds its session (a cookie nginx sets on the first request).
The processes share one cache folder: a model one process trained is loaded, not trained again,
by the other. Two browsers, routed to different processes, each upload their own prices and get
their own forecast.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
import urllib.request

import pytest

from bench.ws_session import Session, arrive, one_browser_per_process
from deploy import serve
from tests.conftest import assert_no_traceback, saves
from tests.test_concurrency import DONE, query, uploader

TIMEOUT_S = 240
MAX_ARRIVALS = 64  # new browsers until two reach different processes (each: one in two)

def routed_to(url: str, cookie: str) -> str:
    """The process that answers a browser sending ``cookie``."""
    ask = urllib.request.Request(url + "/_stcore/health", headers={"Cookie": cookie})
    with urllib.request.urlopen(ask, timeout=30) as r:
        return r.headers["X-Lab-Process"]


async def forecast(url: str, cookie: str) -> dict:
    """A student on the stock page's default data, waiting for its forecast."""
    async with Session(url, cookie) as s:
        first = await s.open("stock", query=query("stock", {}))
        errors = first.exceptions + await s.until(DONE["stock"], first, TIMEOUT_S)
        shown = await s.open("stock", query=query("stock", {}))  # the forecast, drawn again
        return {"errors": errors + shown.exceptions, "text": shown.text()}


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    if not (shutil.which("nginx") or serve.Path("/usr/sbin/nginx").exists()):
        if os.environ.get("CI"):
            pytest.fail("nginx is not installed: .ci/run must install it")
        pytest.skip("nginx is not installed (apt-get install nginx; .ci/run installs it)")
    folder = tmp_path_factory.mktemp("proxy")
    with serve.start(2, cache_dir=str(folder / "cache"), name_process=True,
                     env={"KERAS_HOME": str(folder / "keras"),
                          "TESTS_SAVES_LOG": str(folder / "saves.log")}) as dep:
        dep.cache, dep.saves = folder / "cache", folder / "saves.log"
        yield dep
    for log in sorted(dep.run_dir.glob("lab-*.log")):  # each lab process's
        assert_no_traceback(log)


@pytest.fixture(scope="module")
def browsers(deployment) -> dict[str, str]:
    """Two browsers the proxy sent to different processes: process -> the browser's cookie."""
    cookie, process = arrive(deployment.url)
    assert cookie.startswith("lab_route=") and process.startswith("127.0.0.1:")
    found = one_browser_per_process(deployment.url, 2, MAX_ARRIVALS)
    assert len(found) == 2, f"{MAX_ARRIVALS} new browsers all reached {list(found)}"
    return found


@pytest.fixture(scope="module")
def uploads(deployment, browsers) -> dict:
    async def both():
        deadline = time.monotonic() + TIMEOUT_S
        (p1, c1), (p2, c2) = browsers.items()
        return dict(zip((p1, p2), await asyncio.gather(
            uploader(deployment.url, "alpha.csv", 300, deadline, c1),
            uploader(deployment.url, "beta.csv", 420, deadline, c2))))
    return asyncio.run(both())


def nginx_test(tmp_path, name_process: bool = False) -> str:
    """``nginx -t`` on the class's configuration: its verdict, and the configuration."""
    import subprocess

    conf = serve.nginx_config(tmp_path, "127.0.0.1:1", [2, 3], name_process)
    (tmp_path / "nginx.conf").write_text(conf)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    checked = subprocess.run([nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p",
                              str(tmp_path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    return conf


def test_the_configuration_limits_a_class_and_names_no_internal_address(deployment, tmp_path):
    conf = nginx_test(tmp_path)
    assert "X-Lab-Process" not in conf and "$upstream_addr" not in conf
    assert "add_header X-Lab-Process" in nginx_test(tmp_path, name_process=True)
    settings = " ".join(line.split("#")[0] for line in conf.splitlines())
    for directive in ["worker_processes auto;", "worker_connections 4096;",
                      "limit_conn per_address 512;", "limit_conn per_server 3000;",
                      "limit_req zone=requests burst=2400 nodelay;", "rate=50r/s;",
                      "client_header_timeout 15s;", "keepalive_timeout 30s;",
                      "proxy_read_timeout 2m;", "server_tokens off;"]:
        assert directive in settings, directive
    assert "1d;" not in settings  # no day-long read timeout: idle websockets end


def test_the_proxy_sends_security_headers(deployment):
    for path in ("/", "/_stcore/health"):
        with urllib.request.urlopen(deployment.url + path, timeout=30) as r:
            headers = r.headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp
        assert "img-src 'self' data: blob:" in csp and "object-src 'none'" in csp
        assert "nginx/" not in (headers["Server"] or "")


def test_the_proxy_runs_two_processes_and_keeps_each_browser_on_one(deployment, browsers):
    assert len(deployment.ports) == 2 and len(set(browsers)) == 2
    assert {p.rsplit(":", 1)[1] for p in browsers} == {str(p) for p in deployment.ports}
    for process, cookie in browsers.items():
        assert {routed_to(deployment.url, cookie) for _ in range(8)} == {process}


def test_each_upload_reaches_its_own_session_through_the_proxy(uploads):
    (alpha, beta) = uploads.values()
    assert alpha["errors"] == [] and beta["errors"] == []
    assert "alpha.csv" in alpha["text"] and "beta.csv" not in alpha["text"]
    assert "beta.csv" in beta["text"] and "alpha.csv" not in beta["text"]
    assert "Test RMSE, model" in alpha["text"] and "Test RMSE, model" in beta["text"]


def test_the_processes_share_one_cache(deployment, browsers, uploads):
    """Each process saved its upload's model in the one folder; a model trained by one process
    is then loaded by the other, not trained again. Saves are counted (every process logs its
    own), since a second training would overwrite the same file."""
    uploaded = saves(deployment.saves)
    assert len(uploaded) == 2 and set(uploaded.values()) == {1}, uploaded
    assert len(list((deployment.cache / "stock_models").glob("*.npz"))) == 2
    (c1, c2) = browsers.values()
    first = asyncio.run(forecast(deployment.url, c1))
    assert first["errors"] == [] and DONE["stock"] in first["text"]
    trained = saves(deployment.saves)
    assert len(trained) == 3 and set(trained.values()) == {1}, trained
    second = asyncio.run(forecast(deployment.url, c2))
    assert second["errors"] == [] and DONE["stock"] in second["text"]
    assert saves(deployment.saves) == trained, "the other process trained it again"


def test_a_room_opened_on_one_process_is_followed_on_the_other(deployment, browsers):
    """deploy.serve starts Redis: the lecturer's browser reaches one process, a student's the
    other, and the student follows the lecturer's page and slider."""
    from bench.room import CODE, Follower, open_room, wait_for
    from bench.ws_session import slider

    (c1, c2) = browsers.values()
    assert deployment.lecturer_key

    async def room():
        from bench import room as bench_room

        bench_room.KEY = deployment.lecturer_key
        lecturer, code = await open_room(deployment.url, c1)
        student = Follower(deployment.url, code, c2)
        await student.join()
        try:
            t0 = time.perf_counter()
            await lecturer.set("gi_t", slider(9), fragment=False)
            await wait_for([student], "gi_t", t0, 9)  # raises if it never shows
            return student.errors
        finally:
            await student.leave()
            await lecturer.__aexit__()
    assert asyncio.run(room()) == []


def test_streamlit_and_plotly_work_under_the_proxys_csp_in_a_browser(deployment):
    """The Content-Security-Policy in a real browser: the lab's pages through the proxy draw
    their Plotly charts (also inside the components' iframes), keep their websocket, and the
    browser refuses nothing."""
    from tests.test_browser import CHART_DRAWN, CHROMIUM, CHROMIUM_ARGS

    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    refused = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1600})
            page.on("console", lambda m: refused.append(m.text)
                    if "Content Security Policy" in m.text or "Refused to" in m.text else None)
            for path in ("", "/xor", "/stock"):
                page.goto(deployment.url + path)
                page.wait_for_selector("h1", timeout=120_000)
                page.wait_for_function(CHART_DRAWN, timeout=120_000) if path else None
                page.wait_for_timeout(1500)
                assert page.locator('[data-testid="stException"]').count() == 0, path
        finally:
            browser.close()
    assert not refused, refused
