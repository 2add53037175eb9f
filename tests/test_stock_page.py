"""The stock page in AppTest: default view, presets, settings, uploads good and bad, and the
previous result kept on screen when something is wrong.

Training is real Keras training, but capped at 2 epochs here (the page's default run, 30
epochs, is covered by test_pages.test_every_lesson_opens)."""

import dataclasses

import pytest
from streamlit.testing.v1 import AppTest

from lab.core import i18n
from lab.data.stock import LECTURE_000_ORDER
from lab.models import stock_model
from tests.conftest import ROOT, link_params
from ui.controls import LOCKED
from tests.test_stock import BAD_FILES, generated_csv

APP = str(ROOT / "app.py")
NAIVE = "naive (tomorrow = today)"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    real_train = stock_model.train
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LAB_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        mp.setattr(stock_model, "train", lambda p, s, job=None: real_train(
            p, dataclasses.replace(s, epochs=min(s.epochs, 2)), job))
        at = AppTest.from_file(APP, default_timeout=240)
        at.switch_page("pages/stock.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        yield at


def clean(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_default_view_scores_the_model_beside_the_naive_forecast(page):
    at = clean(page)
    table = at.dataframe[0].value
    assert list(table.index) == ["model", NAIVE]
    assert {"RMSE (price)", "R² (return)", "direction right"} <= set(table.columns)
    assert "X (2141, 7, 5)" in " ".join(c.value for c in at.caption)
    assert at.get("plotly_chart")


@pytest.mark.parametrize("widget,key,value", [
    ("slider", "sk_window", 2), ("slider", "sk_window", 60), ("radio", "sk_target", "return"),
    ("multiselect", "sk_features", ["3MA_new", "5MA_new"])])  # the fuzz test covers the rest
def test_settings_retrain_without_errors(page, widget, key, value):
    at = page
    getattr(at, widget)(key=key).set_value(value).run()
    clean(at)
    assert not at.error, [e.value for e in at.error]


def test_each_metric_shows_one_short_number_in_both_languages(page):
    """Four metrics share the page's width: "0.942 / -1.753" in one value was cut off on a
    1280-pixel screen. R² on returns stands under R² on prices, grey and without an arrow."""
    at = page
    for lang in ("en", "ko"):
        at.session_state["lang"] = lang
        at.run()
        clean(at)
        values = [m.value for m in at.metric]
        assert len(values) == 4 and all(len(v) <= 8 and "/" not in v for v in values), values
        r2 = at.metric[2]
        assert r2.proto.delta.startswith(i18n.t("stock.m_r2_return", lang=lang, r2=0)[:3])
        shown = str(r2.proto).lower()  # (enum names print in either case)
        assert "color: gray" in shown and "direction: none" in shown, shown
    at.session_state["lang"] = "en"
    at.run()


def test_lecture_mode_comparison_appears_once_both_are_trained(page):
    at = page
    for on in (False, True):
        at.toggle(key="sk_lecture").set_value(on).run()
    clean(at)
    scaling = next(e for e in at.expander if e.label == "Scaling: what lecture mode changes")
    assert not scaling.markdown, "worked out only while open"
    at.session_state["sk_x_scaling"] = True  # the expander opened (its click reruns the page)
    at.run()
    scaling = next(e for e in at.expander if e.label == "Scaling: what lecture mode changes")
    assert any("outside the training range" in m.value for m in scaling.markdown)
    both = scaling.dataframe[0].value
    assert set(both.index) == {"lecture mode", "training part only"}


def test_the_code_and_one_window_expanders_show_their_content_once_opened(page):
    at = page
    labels = {"sk_x_code": i18n.t("training.keras_code"), "sk_x_window": i18n.t("stock.one_window")}
    shut = {e.label: e for e in at.expander}
    assert all(not shut[label].code and not shut[label].dataframe for label in labels.values())
    for key in labels:
        at.session_state[key] = True
    at.run()
    clean(at)
    opened = {e.label: e for e in at.expander}
    assert "keras.Sequential" in opened[labels["sk_x_code"]].code[0].value
    window = opened[labels["sk_x_window"]]
    assert window.number_input(key="sk_win_i").value == 12
    assert window.dataframe[0].value.shape[0] == at.slider(key="sk_window").value  # its days


def test_presets_set_the_lectures_settings(page):
    at = page
    at.selectbox(key="sk_preset").set_value("lecture 000").run()
    clean(at)
    assert at.slider(key="sk_window").value == 7 and at.selectbox(key="sk_act").value == "relu"
    assert at.toggle(key="sk_lecture").value is True and at.toggle(key="sk_early").value is False
    assert any("stock_daily.csv" in c.value for c in at.caption)
    at.selectbox(key="sk_preset").set_value("page default").run()
    clean(at)


def test_no_feature_keeps_the_previous_result(page):
    at = page
    before = metric(at, "Test RMSE, model")
    at.multiselect(key="sk_features").set_value([]).run()
    clean(at)
    assert any("Pick at least one feature." == e.value for e in at.error)
    assert any("previous result" in i.value for i in at.info)
    assert metric(at, "Test RMSE, model") == before
    at.multiselect(key="sk_features").set_value(["Close"]).run()


def test_two_sessions_share_one_copy_of_the_prices_hashed_once(page, monkeypatch):
    """The prices are one object for every session (not a copy per run, unpickled and hashed
    again on every page run before it asks for its training)."""
    from lab.data import stock

    hashed = []
    real = stock.digest
    monkeypatch.setattr(stock, "digest", lambda *a: hashed.append(1) or real(*a))
    other = AppTest.from_file(APP, default_timeout=240)
    other.switch_page("pages/stock.py")
    other.run()
    clean(other).run()
    clean(page).run()
    assert other.session_state["sk_last_data"] is page.session_state["sk_last_data"]
    assert not hashed  # (the page's first run hashed it, for both)


def test_the_session_keeps_no_windows_of_its_own(page):
    """A session's previous result names its windows (data and settings); the windows, up to
    168 MB for a large upload, live only in the byte-bounded shared cache (stock.PREPARED),
    so they leave memory when it drops them."""
    from lab.data import stock

    kept = page.session_state["sk_last"]
    assert not [v for v in kept if isinstance(v, stock.Prepared)]
    page.multiselect(key="sk_features").set_value([]).run()  # falls back on the previous one
    assert any("previous result" in i.value for i in clean(page).info)
    page.multiselect(key="sk_features").set_value(["Close"]).run()


def test_upload_lecture_000_file(page, shared_data):
    at = page
    at.radio(key="sk_source").set_value("upload").run()
    assert any("Choose a CSV file to upload." == w.value for w in at.warning)
    at.file_uploader(key="sk_csv").set_value(
        ("stock_daily.csv", (shared_data / "stock_daily.csv").read_bytes(), "text/csv")).run()
    clean(at)
    assert not at.error
    assert "stock_daily.csv: 732 days" in " ".join(c.value for c in at.caption)


def captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption).replace("\\", "")  # Markdown's escapes


def drawn_trained(at: AppTest) -> AppTest:
    """The page once its training is drawn: conftest reruns a page while a training runs, but
    one that ends between the page's run and that check is drawn only by the next run."""
    if any(c.value == i18n.t("training.shared") for c in at.caption):
        at.run()
    return clean(at)


def test_an_upload_cut_to_lecture_002s_days_gives_the_lectures_windows(page, shared_data):
    """Lecture 002's Samsung window in two clicks: the file, then the lecture's days. Its
    windows (features, window, split as the lecture's) are cut from those rows only; a bad
    range is named and the view stays."""
    at = page
    at.radio(key="sk_source").set_value("upload").run()
    at.file_uploader(key="sk_csv").set_value(("005930.KS.csv", (
        shared_data / "samsung_005930.csv").read_bytes(), "text/csv")).run()
    assert "5,913 days, 2000-01-04 to 2023-07-26" in captions(clean(at))
    at.button(key="sk_days").click().run()
    assert (at.text_input(key="sk_from").value, at.text_input(key="sk_to").value) == (
        "2000-09-01", "2022-09-19")
    shown = captions(clean(at))
    assert "5,528 days, 2000-09-01 to 2022-09-19" in shown, shown
    assert "The date range keeps 5,528 of the file's 5,913 rows." in shown
    at.multiselect(key="sk_features").set_value(["3MA_new", "5MA_new"])
    at.slider(key="sk_window").set_value(40)
    at.slider(key="sk_train").set_value(95).run()
    shown = captions(drawn_trained(at))
    assert "5,408 rows kept (dropped: 115 zero volume, 5 missing" in shown, shown
    assert "X (5368, 40, 2), 5,099 training / 269 test windows" in shown, shown
    before = metric(at, "Test RMSE, model")
    at.text_input(key="sk_to").set_value("1999-12-31").run()
    assert [e.value for e in clean(at).error] == [
        "The date range is reversed: 2000\\-09-01 comes after 1999\\-12-31. Put the earlier day "
        "in From."]
    assert any("Still using the previous data" in i.value for i in at.info)
    assert metric(at, "Test RMSE, model") == before and "5,528 days" in captions(at)
    for key in ("sk_from", "sk_to"):
        at.text_input(key=key).set_value("")
    at.multiselect(key="sk_features").set_value(list(LECTURE_000_ORDER))
    at.slider(key="sk_window").set_value(7)
    at.slider(key="sk_train").set_value(70).run()
    assert "5,913 days" in captions(clean(at))


def test_a_link_opens_an_upload_at_its_days_in_korean(shared_data, monkeypatch, tmp_path):
    """The range is in the link like every control; its note and its errors read in Korean."""
    real_train = stock_model.train
    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(stock_model, "train", lambda p, s, job=None: real_train(
        p, dataclasses.replace(s, epochs=min(s.epochs, 2)), job))
    at = AppTest.from_file(APP, default_timeout=240)
    at.query_params.update(link_params({"sk_source": "upload", "sk_from": "2000-09-01",
                                        "sk_to": "2022-09-19"}, "ko"))
    at.switch_page("pages/stock.py")
    at.run()
    at.file_uploader(key="sk_csv").set_value(("005930.KS.csv", (
        shared_data / "samsung_005930.csv").read_bytes(), "text/csv")).run()
    shown = captions(clean(at))
    assert "5,528일, 2000-09-01부터 2022-09-19까지" in shown, shown
    assert "이 기간에 든 행은 파일의 5,913행 중 5,528행이다." in shown
    at.text_input(key="sk_from").set_value("2030-01-01")
    at.text_input(key="sk_to").set_value("2030-12-31").run()
    errors = " ".join(e.value for e in clean(at).error).replace("\\", "")
    assert "2030-01-01부터 2030-12-31까지는 파일 밖이다. 파일은 2000-01-04부터 2023-07-26까지다" \
        in errors, errors
    assert any("이전 데이터를 계속 쓴다" in i.value for i in at.info)
    assert not at.button(key="sk_days").disabled
    at.session_state[LOCKED] = frozenset({"sk_to"})  # a room's lecturer locked the range
    assert at.run().button(key="sk_days").disabled and at.text_input(key="sk_to").disabled


@pytest.mark.parametrize("name", ["binary", "non-numeric", "duplicated dates", "constant",
                                  "formula", "oversized"])
def test_bad_upload_keeps_the_previous_result(page, name):
    at = page
    at.radio(key="sk_source").set_value("upload").run()
    at.file_uploader(key="sk_csv").set_value(("good.csv", generated_csv(300), "text/csv")).run()
    before = metric(at, "Test RMSE, model")
    at.file_uploader(key="sk_csv").set_value(("bad.csv", BAD_FILES[name][0], "text/csv")).run()
    clean(at)
    assert any(BAD_FILES[name][1] in e.value for e in at.error), [e.value for e in at.error]
    assert any("Still using the previous data" in i.value for i in at.info)
    assert metric(at, "Test RMSE, model") == before


def test_too_short_upload_for_the_window(page):
    at = page
    at.radio(key="sk_source").set_value("upload").run()
    at.file_uploader(key="sk_csv").set_value(("short.csv", generated_csv(40), "text/csv")).run()
    at.slider(key="sk_window").set_value(30).run()
    clean(at)
    assert any("needs at least" in e.value for e in at.error)


def test_offline_ticker_keeps_the_previous_data(page, monkeypatch):
    import yfinance

    def offline(*args, **kwargs):
        raise ConnectionError("no network")

    monkeypatch.setattr(yfinance, "download", offline)
    at = page
    at.radio(key="sk_source").set_value("online").run()
    at.text_input(key="sk_symbol").set_value("ZZZZ.KS").run()
    clean(at)
    assert any("online" in w.value for w in at.warning)
    assert any("Still using the previous data" in i.value for i in at.info)
    at.radio(key="sk_source").set_value("embedded").run()


def test_long_training_waits_for_the_button(page):
    at = page
    at.radio(key="sk_source").set_value("embedded").run()
    at.selectbox(key="sk_ticker").set_value("GOOG").run()
    before = metric(at, "Test RMSE, model")
    at.selectbox(key="sk_preset").set_value("lecture 002 LSTM").run()
    clean(at)
    assert any("press the button" in i.value for i in at.info)
    assert metric(at, "Test RMSE, model") == before  # the previous result stays
    at.button(key="sk_train_now").click().run()
    clean(at)
    caption = " ".join(c.value for c in at.caption)
    assert "X (2103, 40, 2)" in caption, caption
    prints = next(e for e in at.expander if e.label == i18n.t("printed.stock_title"))
    table = prints.dataframe[0].value  # lecture 002's numbers beside this run's (on GOOG)
    assert list(table.iloc[:, 1]) == ["115", "5,408", "(5368, 40, 2)", "(5099, 269)",
                                      "range(5100, 5369)", "2021-06-01"]
    assert table.iloc[2, 2] == "(2103, 40, 2)" and table.iloc[5, 3] == "2021-07-27"
    at.selectbox(key="sk_preset").set_value("page default").run()


def test_a_preset_shows_the_lectures_printed_result_beside_this_run(monkeypatch, tmp_path):
    """Lecture 002's presets print R²; the page puts it beside this run's (checked on the page
    default, given a printed value, so the test trains in NumPy in a second)."""
    from lab.training import store
    from lab.models.stock_model import PRESETS

    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))
    store.clear_all()  # the module's fixture trained capped models under the same keys

    first = next(iter(PRESETS))
    monkeypatch.setitem(PRESETS, first, dataclasses.replace(PRESETS[first], lecture_r2=0.5))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/stock.py")
    at.run()
    notes = [i.value for i in at.info if "printed R²" in i.value]
    assert len(notes) == 1 and "0.5000" in notes[0], [i.value for i in at.info]
    at.slider(key="sk_window").set_value(9).run()  # no longer the preset as the lecture ran it
    assert not [i.value for i in at.info if "printed R²" in i.value]
