"""The errata page (issue 25): every slip in the five lecture notes with its true value and the
page that shows it, and the glossary of the lectures' terms. The true values the entries state are
computed here from the lab's own code or the reference data."""

import json
import os
import re

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lab.lessons import errata
from lab.core import i18n
from lab.maths import kinds
from lab.networks import perceptron as pc
from lab.data import sequences as sq, text as tx
from tests.conftest import ROOT, link_params
from ui.catalog import LESSONS

APP = str(ROOT / "app.py")
SEEDS = ROOT.parent / "shared" / "seeds"


def true_text(entry_id: str, lang: str = "en") -> str:
    return i18n.t(f"errata.entry.{entry_id}.true", lang)


# --- The entries ---------------------------------------------------------------------------------
def test_at_least_forty_entries_each_with_its_text_and_page():
    entries = errata.errata()
    assert len(entries) >= 40
    assert len({e.id for e in entries}) == len(entries)
    pages = {lesson.url_path for lesson in LESSONS}
    for e in entries:
        assert e.lecture in errata.LECTURES and e.section, e.id
        assert e.page == "" or e.page in pages, e.id
        for lang in ("en", "ko"):
            for part in ("says", "true"):
                assert i18n.catalog(lang).get(f"errata.entry.{e.id}.{part}"), (lang, e.id, part)
    assert {e.lecture for e in entries} == set(errata.LECTURES)


@pytest.fixture
def notes() -> dict[str, str]:
    if not SEEDS.is_dir():
        if os.environ.get("CI"):
            pytest.fail("../shared/seeds is missing: CI must have it beside the project")
        pytest.skip("../shared/seeds is not present on this machine")
    return {p.name[:3]: p.read_text(errors="replace") for p in SEEDS.glob("[0-9]*.txt")}


def test_every_section_is_a_heading_of_its_note(notes):
    for e in errata.errata():
        for part in e.section.split(": "):  # lecture 002: chapter, then its sub-section
            assert part in notes[e.lecture], (e.id, part)


def test_what_each_entry_quotes_is_in_its_note(notes):
    """Code and printed numbers the entries quote appear in the note as quoted."""
    quoted = {"e000_stock_loop": "dataX.append(x)", "e001_bptt_transpose":
              "np.dot(err_to_cell, self.w1h) * (1 - h ** 2)", "e001_lengths": "218 189",
              "e002_sine_title": "y = sin(2x)+cos(x)", "e002_x_split": "range(5100, 5369)",
              "e002_gru_plot": "plt.plot(x_split, pred_lstm2,",
              "e002_confusion_order": "confusion_matrix(mylist, y_test)",
              "e004_num_words": "NUM_WORDS = x_train_seq.max() + 1",
              "e004_val_acc": "monitor='val_acc'", "e002_return_sequence": "return_sequence = True",
              "e002_label_window": "label[i:i+window_size]", "e001_evaluate": "0.693",
              "e002_glove_dot": "w_i \\cdot w_j = \\log P(i|j)",
              "e003_input_length": "Embedding(500, 16, input_length=100)",
              "e002_raw_text_glove": "[2.5379302501678467, 0.6824399828910828]"}
    by_id = {e.id: e for e in errata.errata()}
    for entry_id, quote in quoted.items():
        assert quote in notes[by_id[entry_id].lecture], entry_id


# --- The true values, computed ---------------------------------------------------------------------
def test_sigmoid_slide_values():
    grad = pc.sigmoid_gradient()
    new_w = pc.sigmoid_gradient_step()
    text = true_text("e000_gradient")
    for value in (*grad, *new_w):
        assert f"{value:.4f}" in text
    assert np.trunc(grad[:2] * 100).tolist() == [-28, -29]  # what the slide prints: cut off
    assert f"{1 / (1 + np.exp(0.55)):.4f}" in true_text("e000_sigmoid_y")


def test_counts_the_entries_state():
    assert kinds.param_count("SimpleRNN", 100, 32) == 4_256 == 4_224 + 32
    assert "4,256" in true_text("e000_rnn_bias") and "4,224" in true_text("e000_rnn_bias")
    assert kinds.param_count("GRU", 2, 256, reset_after=False) == 198_912
    assert "198,912" in true_text("e002_gru_params")
    assert 80 * 10_000 == 800_000 and "800,000" in true_text("e000_imdb_one_hot")
    miss = (3768 + 4103) / 25000
    assert f"{miss:.4f}" == "0.3148" and "0.3148" in true_text("e002_last_threshold")


def test_the_raw_text_models_count_and_where_it_is_reproduced():
    """Lecture 002's Embedding(10000, 100) + Flatten + Dense(32) + Dense(1): its printed count is
    Keras's; the experiments page trains it (and its GloVe variant: tests/test_raw_text.py)."""
    import keras

    model = keras.Sequential([keras.Input((100,)), keras.layers.Embedding(10_000, 100),
                              keras.layers.Flatten(), keras.layers.Dense(32, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    assert model.count_params() == 1_320_065
    entry = {e.id: e for e in errata.errata()}["e002_raw_text_glove"]
    assert entry.reproducible and entry.page == "experiments"
    for lang in ("en", "ko"):
        text = i18n.t("errata.entry.e002_raw_text_glove.says", lang) + true_text(
            "e002_raw_text_glove", lang)
        assert all(v in text for v in ("88582", "400000", "1,320,065", "0.8188", "0.6824"))


def test_the_sine_labels_are_of_another_function():
    x, y = sq.sine_series()
    X, Y = sq.seq2dataset(y.reshape(-1, 1), 20, 1)
    np.random.seed(1886)
    idx = np.random.randint(0, len(Y) - 784, size=5)
    assert idx.tolist() == [166, 62, 33, 92, 105]
    ours = Y[784:, 0][idx]
    printed = [-1.62753387, -0.19606911, -1.21355631, -0.19342387, -1.37960403]
    other = np.sin(2 * x) + np.cos(x)
    np.testing.assert_allclose(other[804 + idx], printed, atol=1e-8)  # y_test[i] = y[784 + 20 + i]
    assert all(f"{v:.4f}" in true_text("e002_sine_labels") for v in ours)


def test_the_second_sentence_ids_and_the_glove_ratios():
    tok = tx.split_tokens(list(tx.LECTURE_SAMPLES))
    ids = tok.ids[1]
    assert ", ".join(map(str, ids)) in true_text("e002_one_hot_print")
    assert tx.one_hot(tok, tx.LECTURE_MAX_LENGTH).shape == (2, 10, 11)
    ratios = {k: r for k, _, _, r, _ in tx.glove_paper_ratios()}
    assert f"{ratios['solid']:.2f}" in true_text("e002_glove_ratio")
    assert f"{ratios['fashion']:.2f}" in true_text("e002_glove_ratio")


def test_lecture_004s_word_count(shared_data):
    word_index = json.loads((shared_data / "imdb_word_index.json").read_text())
    assert len(word_index) == 88_584 and max(word_index.values()) + 3 == 88_587
    assert "88,584" in true_text("e004_num_words") and "88,587" in true_text("e004_num_words")


def test_lecture_002s_test_windows_and_dates(shared_data):
    """The notes' Samsung file: 5,528 rows from 2000-09-01; zero-volume and NaN rows dropped."""
    raw = pd.read_csv(shared_data / "samsung_005930.csv")
    raw = raw[raw["Date"] >= "2000-09-01"].iloc[:5528].reset_index(drop=True)
    raw["3MA_new"] = raw["Close"].rolling(3).mean().shift(1)
    raw["5MA_new"] = raw["Close"].rolling(5).mean().shift(1)
    raw["Volume"] = raw["Volume"].replace(0, np.nan)
    df = raw.dropna().reset_index(drop=True)
    windows = len(df) - 40
    split = int(windows * 0.95)
    assert (len(df), windows, split, windows - split) == (5_408, 5_368, 5_099, 269)
    assert (split, windows - 1) == (5_099, 5_367)  # the test windows: range(5099, 5368)
    assert "range(5099, 5368)" in true_text("e002_x_split")
    assert df["Date"][split] == "2021-06-01" and df["Date"][split + 40] == "2021-07-27"
    assert "2021-07-27" in true_text("e002_date_lstm") and "2021-07-27" in true_text(
        "e002_date_gru")


# --- The glossary ---------------------------------------------------------------------------------
# The terms of the five notes' section headings (and lecture 003's key words), as the notes write them
HEADING_TERMS = [
    "신경망", "XOR", "Backpropagation", "Recurrent Neural Network", "many to one", "LSTM",
    "Long Short Term Memory", "Stacked RNN", "시계열", "순환 신경망", "오차역전파", "BPTT", "TBPTT",
    "순차 데이터", "타임 스텝", "셀", "은닉 상태", "토큰", "원-핫 인코딩", "단어 임베딩", "어휘 사전",
    "SimpleRNN", "GRU", "입력 게이트", "삭제 게이트", "출력 게이트", "셀 상태", "업데이트 게이트",
    "리셋 게이트", "Tokenization", "Word Embedding", "Token Embedding", "sentiment analysis",
    "일 대 일", "일 대 다", "다 대 일", "다 대 다", "가격이평선", "Co-occurrence Matrix", "GloVe",
    "confusion matrix", "오분류율", "경계확률", "순차적 데이터", "순환신경망", "장기 의존성",
    "Seq2Seq", "teacher forcing", "앞먹임 신경망", "Dense 레이어", "망각 게이트", "사라지는 경사",
    "폭발하는 경사", "Embedding", "pad_sequences", "EarlyStopping", "return_sequences",
]


def test_the_glossary_covers_every_heading_term():
    table = errata.glossary_table()
    words = " | ".join(" | ".join(row) for row in table.astype(str).to_numpy()).lower()
    missing = [term for term in HEADING_TERMS if term.lower() not in words]
    assert not missing, missing


def test_the_glossary_names_the_lectures_words_and_their_alternatives():
    forget = errata.glossary_table("망각")
    assert len(forget) == 1
    row = forget.iloc[0]
    assert row["korean"].index("삭제 게이트") < row["korean"].index("망각 게이트")  # 002 first
    assert (row["english"], row["keras"], row["symbol"]) == ("forget gate",
                                                            "unit_forget_bias=True", "f_t")
    gradient = errata.glossary_table("gradient").iloc[0]["korean"]
    assert all(w in gradient for w in ("그레이디언트", "경사", "기울기"))
    assert "이동평균" in errata.glossary_table("moving average").iloc[0]["korean"]
    assert errata.glossary_table("no such term at all").empty
    assert "고속도로" not in " ".join(errata.glossary_table()["korean"])  # lecture 004 never says it


# --- The page -------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_errata_page_lists_every_entry_with_its_page(lang):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(link_params({}, lang))
    at.switch_page("pages/errata.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == i18n.t("lesson.errata.title", lang)
    table = at.dataframe[0].value
    assert len(table) == len(errata.errata())
    links = table[i18n.t("errata.col.link", lang)]
    assert set(links.dropna()) <= {lesson.url_path for lesson in LESSONS}
    pages = table[i18n.t("errata.col.page", lang)]
    not_shown = pages.isin([i18n.t("errata.not_shown", lang),
                            i18n.t("errata.not_reproducible", lang)])
    assert links[not_shown].isna().all() and links[~not_shown].notna().all()
    assert (pages == i18n.t("errata.not_reproducible", lang)).sum() == sum(
        not e.reproducible for e in errata.errata())  # none since the raw-text experiment
    if lang == "ko":
        assert re.search("[가-힣]", " ".join(table[i18n.t("errata.col.true", lang)]))
    at.selectbox(key="er_lecture").set_value("004").run()
    assert set(at.dataframe[0].value[i18n.t("errata.col.lecture", lang)]) == {"004"}
    at.text_input(key="gl_find").set_value("망각").run()
    assert len(at.dataframe[1].value) == 1
    at.text_input(key="gl_find").set_value("zzzz").run()
    assert at.dataframe[1].value.empty and at.info
    assert len(at.get("download_button")) == 2


def test_the_csv_is_in_the_users_language():
    table = errata.errata_table("001", "ko")
    assert set(table["lecture"]) == {"001"}
    assert table["true"].str.contains("[가-힣]").all()
    assert (errata.errata_table("001", "en")["true"].str.contains("[가-힣]") == False).all()  # noqa: E712


def test_todays_keras_on_the_lectures_old_arguments():
    """Lecture 003's input_length is deprecated; lecture 004's monitor='val_acc' beside
    metrics=['accuracy'] (which logs val_accuracy) is refused before the first epoch."""
    import keras

    with pytest.warns(UserWarning, match="input_length"):
        keras.layers.Embedding(500, 16, input_length=100)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 3)), rng.integers(0, 2, 40)
    with pytest.raises(ValueError, match="val_acc"):
        model.fit(x, y, epochs=2, validation_split=0.5, verbose=0,
                  callbacks=[keras.callbacks.EarlyStopping(monitor="val_acc")])
    hist = model.fit(x, y, epochs=1, validation_split=0.5, verbose=0)
    assert "val_accuracy" in hist.history and "val_acc" not in hist.history


def test_the_pages_link_their_terms_to_the_glossary():
    """Links errata?gl_find=<term> in the pages' text open the glossary filtered to that term."""
    from urllib.parse import parse_qs, urlsplit

    links = {lang: re.findall(r"\]\((errata\?[^)]+)\)", " ".join(i18n.catalog(lang).values()))
             for lang in ("en", "ko")}
    assert len(links["en"]) >= 5 and sorted(links["en"]) == sorted(links["ko"])
    for link in links["en"]:
        query = parse_qs(urlsplit(link).query)["gl_find"][0]
        assert not errata.glossary_table(query).empty, query
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params.update(link_params({"gl_find": query}))
        at.switch_page("pages/errata.py")
        at.run()
        assert not at.exception and at.text_input(key="gl_find").value == query
        assert len(at.dataframe[1].value) == len(errata.glossary_table(query))
