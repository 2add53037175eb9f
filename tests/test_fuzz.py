"""Widget fuzz: every widget of every page set to random values across its range (both ends
included) for a few hundred runs in total, odd or random text in every text box, hostile files
in every uploader, random dates. Zero exceptions, and no error box that is the lab's own failure
(a training that failed, a traceback's words): a message about the input is what a page should
say, and is fine.

A new seed on every run, printed in pytest's header; replay one with ``LAB_FUZZ_SEED=<seed>``.

Keras training is real but capped at 1 epoch, the Keras IMDB download and Yahoo Finance are
"offline" (tests never use the network), and buttons that start a long training are left
alone (test_stock_page presses one)."""

import dataclasses
import datetime
import os

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lab.data import imdb
from lab.models import imdb_model, stock_model
from tests.conftest import ROOT, lab_failures
from ui.catalog import LESSONS

APP = str(ROOT / "app.py")
RUNS = {False: 35, True: 5}  # runs per page: NumPy pages, pages that train Keras models (a new
# seed each run: the suite's runs add up)
# Left alone: a long training (test_stock_page presses it), the memory experiment's Run (three
# Keras models per length; test_pages runs it), downloads (nothing changes server-side).
SKIP_KEYS = ("train_now", "gm_run", "download")
ODD_TEXT = ["", " ", "\n\n", "🎬🍿" * 40, "<script>alert('x')</script><b>bold</b>",
            "\x00\x07\x1b[31mred\x1b[0m\r\t", "정말 좋은 영화였다", "=cmd|' /C calc'!A0",
            "-1e308", "NaN", "a" * 5000, "goood baaad worse so", "1, 2, 3, -4.5, 1e3",
            "0.1 0.2 0.3", "GOOG", "../../etc/passwd"]
EDGE = 0.3  # chance of taking an end of a range instead of a random inside value
SEED = int(os.environ.get("LAB_FUZZ_SEED") or np.random.SeedSequence().entropy % 2**32)


def random_text(rng) -> str:
    """Random characters from several scripts and controls, of a random length up to 10,000."""
    alphabet = ("abcxyz ,.;\n\t0123456789-+eE" "가나다라한국어" "éü€\u200b\u202e\x00\x1b" "🎬")
    n = int(rng.choice([0, 1, 5, 40, 300, 10_000]))
    return "".join(rng.choice(list(alphabet), n))


def hostile_file(rng) -> tuple[str, bytes, str]:
    """A file a visitor might upload: random bytes, broken or foreign encodings, a 20 MB line,
    10,000 columns, many rows (1,000,000 rows are tested on the parsers, not here, where a
    page would train on them)."""
    kind = int(rng.integers(8))
    if kind == 0:
        data = rng.bytes(int(rng.integers(0, 50_000)))
    elif kind == 1:
        data = "Date,Close\n2020-01-02,1\n한국".encode()[:-1]  # UTF-8 cut mid-character
    elif kind == 2:
        data = "Date,Close,review,sentiment\n2020-01-02,1,good,positive\n".encode("utf-16")
    elif kind == 3:
        data = "날짜,종가\n2020/01/02,\"55,800\"\n2020/01/03,\"56,000\"\n".encode("cp949")
    elif kind == 4:
        data = b"x" * 20_000_000  # one 20 MB line
    elif kind == 5:
        data = (",".join(f"c{i}" for i in range(10_000)) + "\n" +
                ",".join("1" for _ in range(10_000)) + "\n").encode()
    elif kind == 6:
        data = b"Date,Close,review,sentiment\n" + b"".join(
            b"2020-01-%02d,%d,fine film,positive\n" % (i % 28 + 1, i) for i in range(3_000))
    else:
        data = b"\xff\xfe\x00\x00" + rng.bytes(1000)
    return (f"fuzz{kind}.csv", data, "text/csv")


def offline(*args, **kwargs):
    raise ConnectionError("tests never use the network")


@pytest.fixture
def quick_keras(monkeypatch, tmp_path):
    """Real Keras training, 1 epoch; no network; a fresh model cache."""
    import yfinance

    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(yfinance, "download", offline)
    monkeypatch.setattr(imdb, "load_keras", lambda *a, **k: (_ for _ in ()).throw(
        imdb.DataUnavailable("imdb.err.no_keras_data", error="offline in tests")))
    for module in (stock_model, imdb_model):
        real = module.train

        def capped(*args, _real=real, **kwargs):
            args = list(args)
            for i, a in enumerate(args):
                if dataclasses.is_dataclass(a) and hasattr(a, "epochs"):
                    args[i] = dataclasses.replace(a, epochs=1)
            for k, a in kwargs.items():
                if dataclasses.is_dataclass(a) and hasattr(a, "epochs"):
                    kwargs[k] = dataclasses.replace(a, epochs=1)
            return _real(*args, **kwargs)
        monkeypatch.setattr(module, "train", capped)


def pick(lo, hi, rng, integer: bool):
    if rng.random() < EDGE:
        return lo if rng.random() < 0.5 else hi
    v = rng.uniform(lo, hi)
    return int(round(v)) if integer else float(v)


def fuzz_one(at: AppTest, rng) -> str:
    """Set one random widget to a random value; returns what was done (for the report)."""
    choices = []
    for kind in ("slider", "select_slider", "selectbox", "radio", "toggle", "checkbox",
                 "number_input", "text_input", "text_area", "multiselect", "button",
                 "date_input", "file_uploader"):
        for w in getattr(at, kind):
            if w.key and any(s in w.key for s in SKIP_KEYS):
                continue
            if getattr(w, "disabled", False):
                continue
            choices.append((kind, w))
    kind, w = choices[rng.integers(len(choices))]
    if kind == "slider":
        first = w.value[0] if isinstance(w.value, tuple) else w.value
        integer = isinstance(first, (int, np.integer))
        v = pick(w.min, w.max, rng, integer)
        if not integer and w.step:
            v = float(np.clip(round((v - w.min) / w.step) * w.step + w.min, w.min, w.max))
        if isinstance(w.value, tuple):
            v = tuple(sorted((v, pick(w.min, w.max, rng, integer))))
        w.set_value(v)
    elif kind == "select_slider":
        w.set_value(w.options[rng.integers(len(w.options))] if rng.random() > EDGE
                    else w.options[-1 if rng.random() < 0.5 else 0])
        v = w.value
    elif kind == "selectbox":
        v = int(rng.integers(len(w.options)))
        w.select_index(v)
    elif kind == "radio":
        v = w.options[rng.integers(len(w.options))]
        w.set_value(v)
    elif kind in ("toggle", "checkbox"):
        v = not w.value
        w.set_value(v)
    elif kind == "number_input":
        lo = w.min if w.min is not None else -1e6
        hi = w.max if w.max is not None else 1e6
        v = pick(lo, hi, rng, isinstance(w.value, (int, np.integer)))
        w.set_value(v)
    elif kind in ("text_input", "text_area"):
        v = (ODD_TEXT[rng.integers(len(ODD_TEXT))] if rng.random() < 0.6
             else random_text(rng))[:w.max_chars or None]
        w.set_value(v)
    elif kind == "date_input":
        v = datetime.date(1900, 1, 1) + datetime.timedelta(days=int(rng.integers(0, 73_000)))
        w.set_value(v)
    elif kind == "file_uploader":
        name, data, mime = hostile_file(rng)
        v = f"{name} ({len(data):,} bytes)"
        w.set_value((name, data, mime))
    elif kind == "multiselect":
        v = [o for o in w.options if rng.random() < 0.5]
        w.set_value(v)
    else:
        v = "click"
        w.click()
    at.run()
    return f"{kind} {w.key or w.label!r} = {str(v)[:40]!r}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.url_path)
def test_random_widget_values_never_fail(lesson, quick_keras):
    rng = np.random.default_rng([SEED, sum(map(ord, lesson.url_path))])
    at = AppTest.from_file(APP, default_timeout=240)
    at.switch_page(lesson.script)
    at.run()
    done = []
    for _ in range(RUNS[lesson.keras]):
        done.append(fuzz_one(at, rng))
        failures = lab_failures(at)
        assert not failures, (f"replay: LAB_FUZZ_SEED={SEED}", done[-5:], failures)
