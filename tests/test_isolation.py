"""Two students on one server: sessions that move the same widgets to different values never
see each other's values, training state or models. Both AppTest sessions run in this one
process, so they share Streamlit's caches as two browser tabs on one server do."""

import dataclasses

import pytest
from streamlit.testing.v1 import AppTest

from lab.models import stock_model
from tests.conftest import ROOT

APP = str(ROOT / "app.py")


def session(script: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    at.switch_page(script)
    at.run()
    assert not at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_two_xor_sessions_train_apart():
    a, b = session("pages/xor.py"), session("pages/xor.py")
    a.select_slider(key="xor_lr").set_value(0.05).run()
    b.select_slider(key="xor_lr").set_value(5.0).run()
    b.slider(key="xor_h").set_value(6).run()
    for _ in range(3):
        a.button(key="xor__step").click().run()
    b.button(key="xor__step").click().run()
    a.run()
    assert metrics(a)["Learning rate"] == "0.05" and metrics(b)["Learning rate"] == "5"
    assert metrics(a)["Training steps"] == "150" and metrics(b)["Training steps"] == "50"
    assert a.session_state["xor_state"].params.w1.shape == (2, 3)
    assert b.session_state["xor_state"].params.w1.shape == (2, 6)
    a.button(key="xor__reset").click().run()
    b.run()
    assert metrics(a)["Training steps"] == "0" and metrics(b)["Training steps"] == "50"


def test_two_stock_sessions_keep_their_own_windows_and_models(monkeypatch, tmp_path):
    real = stock_model.train
    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(stock_model, "train", lambda p, s, job=None: real(
        p, dataclasses.replace(s, epochs=min(s.epochs, 2)), job))
    a, b = session("pages/stock.py"), session("pages/stock.py")
    a.slider(key="sk_window").set_value(5).run()
    b.slider(key="sk_window").set_value(9).run()
    b.selectbox(key="sk_kind").set_value("LSTM").run()
    a.run()
    caption_a = " ".join(c.value for c in a.caption)
    caption_b = " ".join(c.value for c in b.caption)
    assert "X (2143, 5, 5)" in caption_a and "GRU(16)" in caption_a
    assert "X (2139, 9, 5)" in caption_b and "LSTM(16)" in caption_b
    assert a.slider(key="sk_window").value == 5 and b.slider(key="sk_window").value == 9


@pytest.mark.parametrize("text", ["<img src=x onerror=alert(1)>", "**bold** [link](http://x)"])
def test_typed_text_is_never_rendered_as_html(text):
    """What a student types is echoed as Markdown text with HTML off."""
    at = session("pages/rnn.py")
    at.text_input(key="w_typed").set_value(text).run()
    assert not at.exception
    echoed = [e for e in list(at.markdown) + list(at.caption) + list(at.warning)
              if "onerror" in e.value or "[link]" in e.value or "bold" in e.value]
    assert echoed, "the page shows what was typed (in its warning about unknown characters)"
    assert all(not e.proto.allow_html for e in list(at.markdown) + list(at.caption))

