"""A classroom at once: many sessions on one real server, all running at the same moment,
speaking Streamlit's own websocket protocol (``bench.ws_session``, as ``bench.load`` does).

``test_isolation`` lets two AppTest sessions take turns in one thread, where a race cannot show.
Here every page is open in two sessions at the same time, each from a link with a different
value of the same control, while both Keras pages train (the IMDB classifier and four stock
forecasts, two of them on files the two students uploaded). Each session must see its own
setting, its own upload, its own language, and the results computed for them, and no exception.
"""

from __future__ import annotations

import asyncio
import collections
import time
import urllib.parse

import numpy as np
import pandas as pd
import pytest

from bench.ws_session import Session, click
from tests.conftest import link_params, saves, serve_app
from ui.controls import REGISTRY

TIMEOUT_S = 240  # the whole room, trainings included (about 60-90 s on 2 cores)

# page, control, one student's value, the other's; the Keras pages' training is kept short
# by the same link (IMDB: 1 epoch, stock: 2)
PAIRS = [
    ("perceptron", "pc_eta", 0.01, 0.5),
    ("xor", "xor_lr", 0.05, 5.0),
    ("rnn", "s_units", 4, 32),
    ("structures", "sq_units", 8, 32),
    ("gates", "gm_units", 4, 16),
    ("text", "tx_window", 2, 4),
    ("experiments", "ex_maxlen", 20, 200),
    ("imdb", "im_thr", 0.3, 0.7),
    ("stock", "sk_window", 5, 9),
]
SHORT = {"imdb": {"im_epochs": 1}, "stock": {"sk_epochs": 2}}
# what each page shows once its result is there (the Keras pages: after training)
DONE = {"imdb": "Confusion matrix at threshold", "stock": "Test RMSE, model"}


def query(page: str, values: dict, lang: str = "en") -> str:
    return urllib.parse.urlencode(link_params(values | SHORT.get(page, {}), lang), doseq=True)


def seeded_value(page: str, key: str, proto):
    """The value the server gave a widget from the session's link, read from the widget's
    proto (slider, select_slider, number input): None when it did not set one."""
    if not proto.set_value:
        return None
    control = REGISTRY[page].by_key[key]
    if control.kind == "select_slider":
        return control.options[[control.url(o)[0] for o in control.options].index(
            proto.raw_value[0])]
    return proto.value[0] if control.kind == "slider" else proto.value


async def student(url: str, page: str, key: str, value, deadline: float) -> dict:
    async with Session(url) as s:
        first = await s.open(page, query=query(page, {key: value}))
        if "im_train" in s.widgets:  # new IMDB settings train when asked (the defaults do not ask)
            first = await s.set("im_train", click(), fragment=False)
        want = DONE.get(page)
        errors = (await s.until(want, first, deadline - time.monotonic()) if want
                  else first.exceptions)
        seeded = seeded_value(page, key, s.values[key])  # as first drawn (IMDB: once trained)
        shown = await s.open(page, query=query(page, {key: value}))  # the result, drawn again
        return {"errors": errors + shown.exceptions, "text": shown.text(), "value": seeded}


def price_csv(days: int, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, days)))
    frame = pd.DataFrame({"Date": pd.bdate_range("2020-01-01", periods=days), "Open": close,
                          "High": close * 1.01, "Low": close * 0.99, "Close": close,
                          "Volume": rng.integers(1_000, 9_000, days)})
    return frame.to_csv(index=False).encode()


async def uploader(url: str, name: str, days: int, deadline: float, cookie: str = "") -> dict:
    """A student who uploads ``days`` of prices as ``name`` on the stock page and waits for the
    forecast; ``cookie``: the browser's (behind the proxy, its route to one process)."""
    async with Session(url, cookie) as s:
        first = await s.open("stock", query=query("stock", {"sk_source": "upload"}))
        run = await s.upload("sk_csv", name, price_csv(days, seed=days))
        errors = first.exceptions + await s.until(DONE["stock"], run,
                                                  deadline - time.monotonic())
        again = await s.open("stock", query=query("stock", {"sk_source": "upload"}))
        return {"errors": errors, "first": run.text(), "text": again.text()}


async def reader(url: str, lang: str) -> dict:
    async with Session(url) as s:
        run = await s.open("", query=query("", {}, lang))
        return {"errors": run.exceptions, "text": run.text()}


async def room(url: str) -> dict:
    deadline = time.monotonic() + TIMEOUT_S
    jobs = {(page, value): student(url, page, key, value, deadline)
            for page, key, a, b in PAIRS for value in (a, b)}
    jobs |= {("upload", name): uploader(url, name, days, deadline)
             for name, days in (("alpha.csv", 300), ("beta.csv", 420))}
    jobs |= {("home", lang): reader(url, lang) for lang in ("en", "ko")}
    # a third IMDB student on another model: two IMDB trainings and four stock ones at once
    jobs[("imdb", "units 4")] = student(url, "imdb", "im_units", 4, deadline)
    results = await asyncio.gather(*(named(who, job) for who, job in jobs.items()))
    return dict(zip(jobs, results))


async def named(who, job) -> dict:
    """A session's result, or what stopped it (a timeout, a dropped connection) as its error."""
    try:
        return await job
    except (Exception, AssertionError) as err:  # noqa: BLE001 - reported per session
        return {"errors": [f"{who}: {type(err).__name__}: {err}"], "text": "", "value": None}


@pytest.fixture(scope="module")
def server_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("room")


@pytest.fixture(scope="module")
def seen(server_folder) -> dict:
    with serve_app(server_folder) as url:
        return asyncio.run(room(url))


def test_no_session_shows_an_exception(seen):
    assert {who: r["errors"] for who, r in seen.items() if r["errors"]} == {}


@pytest.mark.parametrize("page,key,a,b", PAIRS, ids=[p[0] for p in PAIRS])
def test_each_session_gets_its_own_setting(seen, page, key, a, b):
    assert seen[page, a]["value"] == pytest.approx(a)
    assert seen[page, b]["value"] == pytest.approx(b)


def test_each_session_sees_results_for_its_own_setting(seen):
    for lr, other in ((0.05, "5"), (5.0, "0.05")):
        metric = f'label: "Learning rate"\nbody: "{lr:g}"'
        assert metric in seen["xor", lr]["text"]
        assert f'label: "Learning rate"\nbody: "{other}"' not in seen["xor", lr]["text"]


def test_each_keras_session_sees_its_own_trained_result(seen):
    for thr, other in ((0.3, 0.7), (0.7, 0.3)):
        text = seen["imdb", thr]["text"]
        assert f"threshold {thr:.2f}" in text and f"threshold {other:.2f}" not in text
    for window, rows, other in ((5, 2143, 9), (9, 2139, 5)):
        text = seen["stock", window]["text"]
        assert f"X ({rows}, {window}, 5)" in text and f"X ({rows}, {other}, 5)" not in text


def test_the_room_trains_the_models_it_asked_for(seen, server_folder):
    """Three IMDB sessions asked for two models (two students share the default one), four
    stock sessions for four: those, and only those, were trained, each once (a second
    training of a model would overwrite its file: the server's saves are counted instead)."""
    assert seen["imdb", "units 4"]["value"] == 4
    trained = saves(server_folder / "saves.log")
    assert set(trained.values()) == {1}, trained
    assert collections.Counter(f.split("/")[0] for f in trained) == {
        "imdb_models": 2, "stock_models": 4}, trained


def test_each_upload_reaches_its_own_session_only(seen):
    alpha, beta = seen["upload", "alpha.csv"]["text"], seen["upload", "beta.csv"]["text"]
    assert "alpha.csv" in alpha and "beta.csv" not in alpha and "300" in alpha
    assert "beta.csv" in beta and "alpha.csv" not in beta and "420" in beta
    assert "Test RMSE, model" in alpha and "Test RMSE, model" in beta


def test_each_session_reads_its_own_language(seen):
    from lab.core.i18n import t

    en, ko = seen["home", "en"]["text"], seen["home", "ko"]["text"]
    assert t("home.title", "ko") in ko and t("home.title", "ko") not in en
    assert t("home.title", "en") in en and t("home.title", "en") not in ko
