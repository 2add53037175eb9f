"""Questions on trained models (issue 26): the stock page's "will this model beat tomorrow =
today?" and "click the test day where its error is largest", the IMDB page's "which threshold
makes the fewest mistakes?". Each answer is found from the model the page's settings name in
the store (trained here through it, never by the question) and equals NumPy on the stored
predictions; with no model stored for the settings the question is left out; ties count; the
words read in English and Korean."""

from functools import lru_cache

import numpy as np
import pytest

from lab.core import i18n
from lab.data import imdb, stock
from lab.models import imdb_model, stock_model
from lab.networks import cells
from lab.questions import for_page
from lab.questions import imdb as qi, stock as qs
from lab.questions.question import Question
from lab.training.jobs import Job
from tests.test_questions import defaults, rng  # noqa: F401 (a fixture)

TRAINED = {"stock": ("stock.beats_naive", "stock.largest_error"),
           "imdb": ("imdb.fewest_mistakes",)}


@pytest.fixture
def keras():  # named as tests/conftest.py's heavy fixtures, so the unit tier leaves it out
    import keras

    return keras


def finished(found):
    """A store's answer once its training has ended: the result."""
    if isinstance(found, Job):
        assert found.wait(240) and found.error is None, found.error
        return found.result
    return found


def stored(store, key: str, make):
    """What ``make(job)`` returns, put in ``store`` under ``key`` as a page's training puts it."""
    return finished(store.request(key, make, 1))


# --- Stock ----------------------------------------------------------------------------------------
def stock_settings(rng) -> dict:
    return defaults("stock") | dict(
        sk_ticker=str(rng.choice(stock.EMBEDDED_TICKERS[:3])),
        sk_target=str(rng.choice(["close", "return"])), sk_window=int(rng.integers(3, 12)),
        sk_train=int(rng.choice([70, 80, 90])), sk_kind=str(rng.choice(["SimpleRNN", "GRU"])),
        sk_units=4, sk_epochs=2, sk_early=bool(rng.random() < 0.5),
        sk_features=("Close", "Volume"))


def windows_and_model(s: dict) -> tuple[stock.Prepared, stock_model.ForecastSettings, str]:
    """The page's windows and model settings for control values ``s``, spelled out by hand."""
    prep = stock.PrepSettings(tuple(s["sk_features"]), s["sk_target"], s["sk_window"],
                              s["sk_train"] / 100, s["sk_lecture"])
    p = stock.prepared(stock.load_embedded(s["sk_ticker"]), prep)
    f = stock_model.ForecastSettings(
        kind=s["sk_kind"], units=s["sk_units"], activation=s["sk_act"], epochs=s["sk_epochs"],
        lr=s["sk_lr"], batch_size=s["sk_batch"],
        patience=stock_model.PRESETS[s["sk_preset"]].model.patience,
        validation=0.1 if s["sk_early"] else 0.0)
    return p, f, stock_model.model_key(p, f)


def test_whether_the_stock_model_beats_tomorrow_equals_today_is_numpy_on_its_forecast(rng):
    for _ in range(3):
        s = stock_settings(rng)
        assert [q for q in for_page("stock", s, {}) if q.id in TRAINED["stock"]] == []
        p, f, key = windows_and_model(s)
        forecast = stored(stock_model.STORE, key, lambda job: stock_model.train(p, f, job))
        y = np.asarray(forecast.pred, float)  # scaled forecasts, back to prices by hand
        lo, hi = p.y_scaler.data_min_[0], p.y_scaler.data_max_[0]
        y = y * (hi - lo) + lo
        close, prev = p.close[p.split:], p.prev_close[p.split:]
        price = (y if s["sk_target"] == "close" else p.prev_close * (1 + y))[p.split:]
        model = np.sqrt(np.mean((price - close) ** 2))
        naive = np.sqrt(np.mean((prev - close) ** 2))
        q = qs.beats_naive(s, {})
        assert q.answer == ("yes" if model < naive else "no"), (s, model, naive)
        assert q.fields["model"] == f"{model:,.3f}" and q.fields["naive"] == f"{naive:,.3f}"
        assert q.correct(q.answer) and not q.correct({"yes": "no", "no": "yes"}[q.answer])

        point = qs.largest_error(s, {})
        error = np.abs(price - close)
        assert point.answer == int(np.argmax(error)) and point.tolerance == 0
        assert point.plot["y"] == pytest.approx(error.tolist(), rel=1e-6)
        days = [f"{d:%Y-%m-%d}" for d in p.target_index[p.split:]]
        assert point.plot["x"] == days and point.shown() == days[int(np.argmax(error))]
        right = {i for i in point.options if point.correct(i)}
        assert right == set(np.flatnonzero(error.max() - error <= 0.005 * error.max()).tolist())
        assert {q.id for q in for_page("stock", s, {})} >= set(TRAINED["stock"])
        other = s | dict(sk_epochs=3)  # another setting: not trained, however near
        assert qs.beats_naive(other, {}) is None and qs.largest_error(other, {}) is None


def test_a_perfect_forecast_beats_tomorrow_equals_today_and_the_naive_one_does_not():
    s = defaults("stock") | dict(sk_window=5, sk_units=4, sk_epochs=1)
    p, f, key = windows_and_model(s)
    assert qs.beats_naive(s, {}) is None and qs.largest_error(s, {}) is None
    naive = p.y_scaler.transform(p.prev_close.reshape(-1, 1))[:, 0]  # tomorrow = today
    stored(stock_model.STORE, key, lambda job: stock_model.Forecast(f, {}, naive, 0.0, 0))
    q = qs.beats_naive(s, {})
    assert q.answer == "no" and q.fields["model"] == q.fields["naive"]  # as good: not better
    point = qs.largest_error(s, {})
    jump = np.abs(np.diff(p.close))[p.split - 1:]  # its error is each test day's move
    assert point.correct(int(np.argmax(jump))) and point.plot["y"] == pytest.approx(jump.tolist())
    perfect = s | dict(sk_epochs=2)
    p, f, key = windows_and_model(perfect)
    stored(stock_model.STORE, key, lambda job: stock_model.Forecast(f, {}, p.y.copy(), 0.0, 0))
    assert qs.beats_naive(perfect, {}).answer == "yes"


def test_no_stock_question_on_a_model_without_a_stored_forecast_or_prices_to_find_it():
    s = defaults("stock")
    for q in (qs.beats_naive, qs.largest_error):
        assert q(s, {}) is None and q(s | dict(sk_source="upload"), {}) is None
    p, f, key = windows_and_model(s)
    diverged = stock_model.Forecast(f, {}, np.full(len(p.X), np.nan), 0.0, 0)
    stored(stock_model.STORE, key, lambda job: diverged)
    assert stock_model.STORE.get(key).diverged and qs.beats_naive(s, {}) is None
    assert qs.largest_error(s, {}) is None


# --- IMDB -----------------------------------------------------------------------------------------
@lru_cache(maxsize=2)
def loaded(source: str, preset: str):
    num_words, skip_top, maxlen = imdb.PRESETS[preset]
    data = imdb.load(source, num_words, skip_top, without_oov=preset in imdb.DROP_OOV_PRESETS)
    return data, *imdb.padded(data, maxlen)


def reviews(s: dict):
    """The page's reviews and its model's settings and key for control values ``s``."""
    data, x_train, x_test, fingerprint = loaded(s["im_source"], s["im_preset"])
    settings = imdb_model.ModelSettings(s["im_kind"], s["im_emb"], s["im_units"],
                                        s["im_epochs"], s["im_opt"], s["im_lr"])
    key = imdb_model.model_key(data.source, fingerprint, s["im_preset"], settings)
    return data, x_train, x_test, imdb.PRESETS[s["im_preset"]][0], settings, key


def by_hand_mistakes(y, p) -> dict[str, int]:
    return {f"{t / 10:.1f}": int(((p >= t / 10).astype(int) != y).sum()) for t in range(1, 10)}


def check_fewest(q: Question, y, p) -> None:
    wrong = by_hand_mistakes(y, p)
    fewest = {t for t, n in wrong.items() if n == min(wrong.values())}
    assert q.answer in fewest and {o for o in q.options if q.correct(o)} == fewest
    assert q.options == tuple(wrong) and q.fields["fewest"] == f"{min(wrong.values()):,}"
    assert q.explain == ("explain_ties" if len(fewest) > 1 else "explain")


def test_the_threshold_with_the_fewest_mistakes_is_numpy_on_the_trained_models_predictions(
        keras):
    s = defaults("imdb") | dict(im_kind="GRU", im_emb=8, im_units=4, im_epochs=1)
    data, x_train, x_test, num_words, settings, key = reviews(s)
    assert qi.fewest_mistakes(s, {}) is None  # nothing trained yet
    trained = finished(imdb_model.request(key, x_train, data.y_train, x_test, num_words,
                                          settings))
    check_fewest(qi.fewest_mistakes(s, {}), data.y_test, trained.p_test)
    assert "imdb.fewest_mistakes" in {q.id for q in for_page("imdb", s, {})}
    assert qi.fewest_mistakes(s | dict(im_units=8), {}) is None  # another model


def fake_model(s: dict, p_test: np.ndarray) -> imdb_model.Trained:
    """A classifier whose test probabilities are ``p_test`` (the rest is never read here)."""
    e, n = s["im_emb"], s["im_units"]
    settings = imdb_model.ModelSettings(s["im_kind"], e, n, s["im_epochs"], s["im_opt"],
                                        s["im_lr"])
    cell = cells.init_cell(s["im_kind"], e, n)
    return imdb_model.Trained(settings, {}, p_test, np.zeros((2, e)), cell, np.zeros((n, 1)),
                              np.zeros(1), 0.0)


def test_random_predictions_and_ties_are_counted_as_numpy_counts_them(rng):
    s = defaults("imdb") | dict(im_kind="SimpleRNN", im_emb=8, im_units=4, im_epochs=1)
    y = reviews(s)[0].y_test
    for draw in range(6):
        centre = float(rng.uniform(0.2, 0.8))
        p = np.clip(centre + rng.normal(0, 0.25, len(y)) + 0.3 * (y - 0.5), 0, 1)
        if draw == 0:
            p = np.full(len(y), 0.95)  # every threshold says positive: a nine-way tie
        s_draw = s | dict(im_epochs=draw + 1)
        key = reviews(s_draw)[-1]
        stored(imdb_model.STORE, key, lambda job: fake_model(s_draw, p))
        q = qi.fewest_mistakes(s_draw, {})
        check_fewest(q, y, p)
        if draw == 0:
            assert q.also == qi.THRESHOLDS[1:] and q.fields["tied"] == ", ".join(qi.THRESHOLDS)
        assert Question.from_json(q.to_json()) == q  # a room carries it, ties and all


def test_no_imdb_question_without_a_stored_model_or_reviews_to_find_it():
    s = defaults("imdb")
    assert qi.fewest_mistakes(s, {}) is None
    assert qi.fewest_mistakes(s | dict(im_source="keras"), {}) is None  # not on this machine
    assert [q.id for q in for_page("imdb", s | dict(im_source="csv"), {})] == [
        "imdb.parameters", "imdb.best_threshold", "imdb.direction"]  # an upload: not read


# --- Words ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_questions_on_trained_models_read_in_both_languages(lang):
    s = defaults("stock") | dict(sk_window=4, sk_units=4, sk_epochs=1)
    p, f, key = windows_and_model(s)
    flat = p.y_scaler.transform(p.close.reshape(-1, 1))[:, 0] + 0.01  # the same error daily
    stored(stock_model.STORE, key, lambda job: stock_model.Forecast(f, {}, flat, 0.0, 0))
    tied = qs.largest_error(s, {})
    assert tied.explain == "explain_ties" and len(tied.also) > 1
    m = defaults("imdb") | dict(im_epochs=1)
    stored(imdb_model.STORE, reviews(m)[-1], lambda job: fake_model(m, np.full(400, 0.95)))
    found = [qs.beats_naive(s, {}), qs.largest_error(s, {}), qi.fewest_mistakes(m, {})]
    for q in found:
        for key in ("explain",) if q.id == "stock.beats_naive" else ("explain", "explain_ties"):
            for text in (i18n.t(f"questions.{q.id}.prompt", lang, **q.fields),
                         i18n.t(f"questions.{q.id}.{key}", lang, **q.fields, answer=q.shown())):
                assert "{" not in text and q.id not in text, (q.id, key, lang)
    for axis in (tied.plot["x_title"], tied.plot["y_title"]):
        assert i18n.t(axis, lang) != axis
    assert i18n.t("questions.option.yes", lang) != "questions.option.yes"


# --- On the page ----------------------------------------------------------------------------------
def test_the_stock_page_asks_about_the_forecast_it_trained_and_checks_the_answer():
    from streamlit.testing.v1 import AppTest

    from tests.test_questions import APP

    stock_model.STORE.clear()  # (a test above keeps a diverged forecast of these settings)
    at = AppTest.from_file(APP, default_timeout=240)
    at.session_state["q_open"] = True  # the question panel open (a lazy expander)
    at.switch_page("pages/stock.py")
    at.run()  # trains the page's model (AppTest's run waits for it), then reruns
    assert not at.exception, [e.message for e in at.exception]
    assert len(at.radio(key="q_pick_stock").options) == 5  # three on the settings, two on it
    at.radio(key="q_pick_stock").set_value("stock.beats_naive").run()
    q = qs.beats_naive(defaults("stock"), {})  # the page's model, found as the page found it
    assert any(m.value == i18n.t("questions.stock.beats_naive.prompt", "en", **q.fields)
               for m in at.markdown)
    at.radio(key="q_given_stock.beats_naive").set_value(q.answer)
    next(b for b in at.button if b.label == i18n.t("questions.ui.check", "en")).click().run()
    assert any(m.value.startswith("Right") for m in at.success), [m.value for m in at.success]
    at.radio(key="q_pick_stock").set_value("stock.largest_error").run()
    assert not at.exception and any(c.value.startswith(i18n.t("questions.ui.click", "en"))
                                    for c in at.caption)


def test_a_stock_question_on_the_forecast_is_worked_out_once_per_stored_forecast(monkeypatch):
    """Every page run asks its questions again: the test scores are computed once per forecast
    for the whole server, and again for another forecast object under the same key."""
    s = defaults("stock") | dict(sk_window=6, sk_units=3, sk_epochs=1)
    p, f, key = windows_and_model(s)
    naive = p.y_scaler.transform(p.prev_close.reshape(-1, 1))[:, 0]
    stored(stock_model.STORE, key, lambda job: stock_model.Forecast(f, {}, naive, 0.0, 0))
    evaluated = []
    real = stock.evaluate
    monkeypatch.setattr(stock, "evaluate", lambda *a: evaluated.append(1) or real(*a))
    first = qs.beats_naive(s, {})
    assert qs.beats_naive(s, {}) is first and len(evaluated) == 1
    stock_model.STORE.clear()  # the forecast read again from disk: another object, worked again
    again = qs.beats_naive(s, {})
    assert again is not first and again == first and len(evaluated) == 2
