"""Classroom readiness (issue 7): both languages, shareable links, presenter mode, offline use
after ``python -m lab.prepare``."""

import ast
import os
import re
import shutil
import socket

import pytest
from streamlit.testing.v1 import AppTest

from lab.core import i18n
from lab.data import stock
from tests.conftest import ROOT, link_params
from ui.catalog import LESSONS

APP = str(ROOT / "app.py")
NUMPY_PAGES = [None] + [l.script for l in LESSONS if not l.keras]
CODE = sorted([*(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py"),
               *(ROOT / "lab").rglob("*.py"), ROOT / "app.py"])
# What lab holds that is data, not text for a reader: the lectures' sample sentences and the
# generated reviews' words, CSV column names, table column keys (translated by i18n.headers)
# and the Keras code the stock page prints.
DATA = {"lab/data/text.py": 5, "lab/data/imdb.py": 4, "lab/data/stock.py": 6, "lab/networks/perceptron.py": 2,
        "lab/models/rnn_demos.py": 1, "lab/models/stock_model.py": 5,
        "lab/models/lecture_printouts.py": 1}  # lecture 001's decoded review, as it prints it
WORDS = re.compile(r"[A-Za-z]{3,}\s+[A-Za-z]{2,}")  # two words in a row: text a reader sees


def run(page: str | None, params: dict | None = None, timeout: int = 120) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.query_params.update(params or {})
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


# --- Korean and English ------------------------------------------------------------------------
def test_every_language_file_has_every_key_and_the_same_fields():
    english = i18n.catalog("en")
    assert set(i18n.languages()) >= {"en", "ko"}
    for lang in i18n.languages():
        other = i18n.catalog(lang)
        assert set(other) == set(english), (lang, set(other) ^ set(english))
        for key, text in english.items():  # a translation keeps the page's fields
            fields = sorted(re.findall(r"\{(\w*)", text))
            assert sorted(re.findall(r"\{(\w*)", other[key])) == fields, (lang, key)


def _not_shown(tree) -> set[int]:
    """Strings that are never shown: docstrings, data keys (``table["always up"]``), values
    compared against, and Plotly settings such as ``textposition="top center"``."""
    ids = set()
    for n in ast.walk(tree):
        if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body \
                and isinstance(n.body[0], ast.Expr):
            ids.add(id(n.body[0].value))
        elif isinstance(n, ast.Subscript):
            ids.update(id(c) for c in ast.walk(n.slice))
        elif isinstance(n, ast.Compare):
            ids.update(id(c) for c in [n.left, *n.comparators])
        elif isinstance(n, ast.keyword) and n.arg in ("textposition", "annotation_position"):
            ids.add(id(n.value))
    return ids


def test_the_code_holds_no_sentences_of_its_own():
    """Every sentence a reader sees comes from lab/locales, so a language is one file."""
    found = []
    for path in CODE:
        tree = ast.parse(path.read_text())
        hidden = _not_shown(tree)
        here = [f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:60]!r}"
                for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in hidden and WORDS.search(node.value)
                and not node.value.startswith("<style>")]
        name = str(path.relative_to(ROOT))
        if len(here) != DATA.get(name, 0):  # a data file: its count is known; a new line shows
            found += here
    assert not found, found


@pytest.fixture
def strict_text(monkeypatch):
    """A key missing from the page's language raises instead of falling back to English."""
    monkeypatch.setattr(i18n, "STRICT", True)
    i18n.MISSING.clear()
    yield
    assert not i18n.MISSING, sorted(i18n.MISSING)


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("page", NUMPY_PAGES, ids=lambda p: p or "home")
def test_numpy_pages_render_in_both_languages(page, lang, strict_text):
    at = run(page, link_params(lang=lang))
    title = at.title[0].value
    assert title == i18n.t(f"lesson.{page[6:-3]}.title" if page else "home.title", lang)
    if lang == "ko":
        assert re.search("[가-힣]", title)


def test_data_errors_reach_a_korean_reader_in_korean(strict_text, tmp_path, monkeypatch):
    """lab raises message keys; the page words them in the reader's language."""
    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("LAB_ALLOW_FOLDERS", "1")
    at = run("pages/imdb.py", link_params({"im_source": "folder"}, "ko"))
    assert any("aclImdb 폴더가 아니다" in w.value for w in at.warning), [w.value for w in at.warning]
    at = run("pages/stock.py", link_params({"sk_source": "upload"}, "ko"))
    at.file_uploader(key="sk_csv").set_value(
        ("krx.csv", "날짜,가격\n2020/01/02,1\n".encode("cp949"), "text/csv")).run()
    assert any(e.value.startswith("Close 열이 없다") for e in at.error), [e.value for e in at.error]


def test_other_tabs_and_branches_render_in_korean(strict_text):
    """The views a default run does not reach, in Korean."""
    at = run("pages/rnn.py", link_params({"u_source": "sine"}, "ko"))
    assert at.session_state["u_source"] == "sine"
    at.radio(key="u_source").set_value("typed").run()
    at.text_input(key="u_typed").set_value("xyz").run()
    assert at.warning and re.search("[가-힣]", at.warning[0].value)
    at = run("pages/gates.py", link_params({"gi_source": "sentence"}, "ko"))
    at.text_input(key="gi_sentence").set_value("").run()
    at = run("pages/perceptron.py", link_params({"pc_gate": "XOR"}, "ko"))
    assert "XOR" in at.error[0].value and re.search("[가-힣]", at.error[0].value)


# --- Shareable links ------------------------------------------------------------------------------
def test_a_link_replays_the_xor_training_in_a_fresh_session():
    first = run("pages/xor.py")
    first.select_slider(key="xor_lr").set_value(2.0).run()
    first.slider(key="xor_h").set_value(5).run()
    first.button(key="xor__step").click().run()
    first.toggle(key="xor_heat").set_value(False).run()
    assert first.query_params["steps"] == "50"  # the page's own state, kept in the URL by hand
    link = link_params({k: first.session_state[k] for k in ("xor_lr", "xor_h", "xor_heat")},
                       steps=first.query_params["steps"])
    assert link == {"xor_lr": "2.0", "xor_h": "5", "xor_heat": "false", "steps": "50"}
    fresh = run("pages/xor.py", link)
    assert not fresh.warning and not fresh.toast
    for key in ("xor_lr", "xor_h", "xor_heat", "xor_seed"):
        assert fresh.session_state[key] == first.session_state[key], key
    assert fresh.metric[0].value == first.metric[0].value == "50"  # the same training steps
    assert fresh.metric[1].value == first.metric[1].value  # and the same loss


def test_a_link_keeps_language_presenter_mode_and_lesson_settings():
    at = run("pages/perceptron.py", link_params(
        {"presenter": True, "pc_gate": "OR", "pc_eta": 0.5, "pc_init": "random"}, "ko", update=6))
    assert at.session_state["pc_gate"] == "OR" and at.session_state["pc_eta"] == 0.5
    assert at.session_state["pc_init"] == "random"  # a worded option, read in Korean
    assert at.session_state["perceptron_state"] == 6 and at.session_state["presenter"] is True
    assert at.title[0].value == i18n.t("lesson.perceptron.title", "ko")
    assert not at.toast


@pytest.mark.parametrize("params, bad", [
    ({"pc_gate": "NAND", "pc_eta": "0.1"}, "pc_gate=NAND"),
    ({"pc_eta": "7", "pc_passes": "10"}, "pc_eta=7"),
    ({"pc_passes": "-3"}, "pc_passes=-3"),
    ({"pc_passes": "ten"}, "pc_passes=ten"),
    ({"pc_seed": "1e400", "pc_init": "random"}, "pc_seed=1e400"),
    ({"presenter": "maybe"}, "presenter=maybe"),
    ({"lang": "xx"}, "lang=xx"),
    ({"update": "many"}, "update=many"),
])
def test_a_malformed_link_gives_defaults_and_a_notice(params, bad):
    at = run("pages/perceptron.py", params)
    notices = [w.value for w in at.warning] + [n.value for n in at.toast]
    assert any(bad in n for n in notices), notices
    defaults = {"pc_gate": "AND", "pc_eta": 0.1, "pc_passes": 10, "presenter": False}
    for key, value in defaults.items():
        if key in bad:
            assert at.session_state[key] == value
    assert not any(b in n for n in notices for b in ("pc_eta=0.1", "pc_passes=10")), notices


def test_another_pages_settings_in_the_address_are_ignored():
    at = run("pages/perceptron.py", {"xor_seed": "77", "steps": "5"})
    assert not at.warning and not at.toast and "xor_seed" not in at.session_state


def test_presenter_mode_enlarges_figures():
    from ui.presenter import PRESENTER_FONT, presenter_style
    from lab.figures.xor import loss_figure
    import numpy as np

    fig = loss_figure(np.linspace(1, 0.01, 50))
    big, title = presenter_style(fig)
    assert big.layout.font.size == PRESENTER_FONT and big.layout.height > fig.layout.height
    # the title leaves the figure (Plotly cuts long titles off) and is drawn above it as text
    assert title and title in fig.layout.title.text.replace("<br>", " ") and not big.layout.title.text
    assert big.layout.margin.l > (fig.layout.margin.l or 0) and big.layout.yaxis.automargin
    at = run("pages/xor.py", link_params({"presenter": True}))
    assert any(title in m.value.replace("\\", "") for m in at.markdown)
    assert big.data[0].line.width > fig.data[0].line.width
    assert fig.layout.font.size is None, "the original figure is left as it was"
    run("pages/xor.py", link_params({"presenter": True}, "ko"))


# --- Offline after preparation ----------------------------------------------------------------
@pytest.fixture
def prepared_offline(prepared_cache, keras_imdb_prepared, monkeypatch):
    """A machine after ``python -m lab.prepare`` (the run's ``prepared_cache`` in this test's
    cache folder, Keras's reviews in its Keras home), then no network at all and no training
    allowed."""
    from lab.models import imdb_model, stock_model

    shutil.copytree(prepared_cache, os.environ["LAB_CACHE_DIR"], dirs_exist_ok=True)

    def refuse(*args, **kwargs):
        raise AssertionError("a page tried to train after lab.prepare")
    monkeypatch.setattr(imdb_model, "train", refuse)
    monkeypatch.setattr(stock_model, "train", refuse)

    def no_network(*args, **kwargs):
        raise OSError("network is off (test)")
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)


def test_every_page_works_offline_after_prepare(prepared_offline, strict_text):
    for page in [None] + [l.script for l in LESSONS]:
        for lang in ("en", "ko"):
            at = run(page, link_params(lang=lang), timeout=180)
            assert not at.error, (page, [e.value for e in at.error])
    imdb_page = run("pages/imdb.py")
    assert imdb_page.radio(key="im_source").value == "keras", "the prepared reviews by default"
    shown = " ".join(e.value for e in [*imdb_page.caption, *imdb_page.markdown])
    assert "5,000" in shown, shown[:500]
    assert imdb_page.slider(key="im_thr").value == 0.5, "the prepared model, not a training"
    for threshold in (0.0, 1.0):
        imdb_page.slider(key="im_thr").set_value(threshold).run()
        assert not imdb_page.exception and not imdb_page.error
    imdb_page.text_area(key="im_review").set_value("a wonderful film, I loved it").run()
    verdict = [m.value for m in imdb_page.markdown if "→" in m.value and "threshold" in m.value]
    assert verdict and "Unknown words: none" in verdict[0], "the real word index knows them"
    # the text page's word boxes, there once the prepared embedding is: typed Markdown and
    # HTML come back as text in the unknown-word notes (tests/test_markdown_safety.py)
    from tests.test_markdown_safety import HOSTILE, assert_drawn_as_text

    text_page = run("pages/text.py")
    for key in ("tx_word", "tx_a", "tx_b", "tx_c"):
        text_page.text_input(key=key).input(HOSTILE[:40])
    text_page.run()
    assert_drawn_as_text(text_page, HOSTILE[:40])
    at = run("pages/stock.py", link_params({"sk_source": "online", "sk_symbol": "000660.KS"}))
    assert at.warning, "the online fetch fails with a message, the cached result stays"
    assert stock.EMBEDDED_TICKERS


def test_prepare_clear_removes_the_cache(tmp_path, monkeypatch):
    from lab.data import imdb
    from lab import prepare

    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(imdb, "KERAS_FILE", tmp_path / "keras" / "imdb.npz")
    from lab.core.cache import cache_dir

    cache_dir("stock_models")  # the lab's own folder: it holds the lab's marker
    (tmp_path / "keras").mkdir()
    (tmp_path / "keras" / "imdb.npz").write_bytes(b"x")
    (tmp_path / "keras" / "other.npz").write_bytes(b"x")
    assert prepare.main(["--clear"]) == 0
    assert not (tmp_path / "cache" / "stock_models").exists()
    assert not (tmp_path / "keras" / "imdb.npz").exists()
    assert (tmp_path / "keras" / "other.npz").exists(), "only the lab's own downloads go"
