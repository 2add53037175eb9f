"""Each control declared once (``ui.settings``), bound to the URL by Streamlit: a link built from
the declarations opens the same view in a fresh session, on every page."""

import ast

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, link_params
from ui.catalog import LESSONS
from ui.controls import REGISTRY
from ui.settings import SIDEBAR, STOCK, stock_preset
from lab.models.stock_model import PRESETS as STOCK_PRESETS

APP = str(ROOT / "app.py")

# For every page, values other than the defaults that can be on screen together (a radio picks
# which boxes are drawn) and that train nothing long.
VIEWS = {
    "perceptron": {"pc_gate": "OR", "pc_eta": 0.5, "pc_passes": 7, "pc_init": "random",
                   "pc_seed": 42, "pc_by_pass": True, "sg_w1": 0.5, "sg_w2": -0.25, "sg_b": 1.5,
                   "sg_gate": "AND"},
    "xor": {"xor_h": 5, "xor_lr": 2.0, "xor_seed": 7, "xor_spt": 100, "xor_heat": False,
            "xor_3d": True},
    "rnn": {"w_units": 4, "w_lr": 0.1, "w_seed": 3, "w_typed": "good", "s_steps": 10,
            "s_units": 8, "s_lr": 0.02, "s_seed": 2, "u_source": "typed", "u_typed": "bad",
            "u_upto": 2, "sh_preset": "lecture_002", "g_T": 50, "g_radius": 1.5, "g_act": "relu",
            "g_k": 10},
    "structures": {"sq_kind": "seq2seq", "sq_words": "국민대학, 대학원", "sq_units": 8,
                   "sq_lr": 0.05, "sq_epochs": 100, "sq_seed": 1, "sq_gen_mode": "own",
                   "sq_word": "대학원", "sq_force_at": 1, "sq_force_char": "국"},
    "gates": {"gi_kind": "GRU", "gi_f": 2.0, "gi_toy": "1, 2, 3, 0, 0", "gi_seed": 5, "gi_t": 3,
              "gi_unit": 2, "gm_L": (5, 10), "gm_units": 4, "gm_epochs": 3, "gm_n": 256,
              "gm_fb": 2.0, "gp_d": 100, "gp_n": 16},
    "stock": {"sk_ticker": "MSFT", "sk_features": ("Close", "Volume"), "sk_target": "return",
              "sk_window": 10, "sk_train": 80, "sk_kind": "LSTM", "sk_units": 8, "sk_act": "relu",
              "sk_epochs": 3, "sk_lr": 1e-2, "sk_batch": 64, "sk_early": False,
              "sk_lecture": True},
    "text": {"tx_samples": "one two three\nfour five", "tx_maxlen": 5, "tx_sample": 2,
             "tx_corpus": "ice is solid\nsteam is gas", "tx_window": 2, "tx_xmax": 50.0,
             "tx_alpha": 0.5, "tx_reviews": "generated"},
    "errata": {"er_lecture": "002", "gl_find": "gate"},
    "experiments": {"ex_source": "generated", "ex_maxlen": 200, "ex_id": "stacking",
                    "ex_epochs": 3},
    "imdb": {"im_source": "generated", "im_epochs": 2, "im_thr": 0.7, "im_cfp": 2.0,
             "im_cfn": 3.0, "im_review": "a great film"},
}


def test_every_page_with_controls_has_a_view_here():
    pages = {t.page for t in REGISTRY.values() if t.by_key and t is not SIDEBAR}
    assert pages == set(VIEWS) == {l.url_path for l in LESSONS}


def test_the_declarations_hold_their_own_defaults():
    for table in REGISTRY.values():
        for c in table:
            assert c.valid(c.initial()), c.key
            assert c.matches(c.url(c.initial()), c.initial()), c.key


@pytest.mark.parametrize("page", sorted(VIEWS))
def test_a_link_from_the_declarations_opens_the_same_view(page, monkeypatch, tmp_path):
    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    values = VIEWS[page]
    assert set(values) <= set(REGISTRY[page].by_key)
    lang = "ko" if page in ("rnn", "perceptron", "structures") else "en"  # worded options read in Korean
    at = AppTest.from_file(APP, default_timeout=240)
    at.query_params.update(link_params({"presenter": True, **values}, lang))
    at.switch_page(f"pages/{page}.py")
    at.run()
    if page == "imdb":  # new IMDB settings train when asked; the link's view is the trained one
        at.button(key="im_train").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.toast, [n.value for n in at.toast]
    for key, value in {"presenter": True, **values}.items():
        shown = at.session_state[key]
        assert (list(shown) == list(value) if isinstance(value, tuple) else shown == value), key
    assert at.session_state["lang"] == lang


def test_a_value_out_of_its_range_or_options_is_named_and_left_at_its_default():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"w_units": "99", "g_act": "softmax", "g_T": "12"})
    at.switch_page("pages/rnn.py")
    at.run()
    assert at.session_state["w_units"] == 8 and at.session_state["g_act"] == "tanh"
    assert at.session_state["g_T"] == 12
    notice = " ".join(n.value for n in at.toast)
    assert "w_units=99" in notice and "g_act=softmax" in notice and "g_T" not in notice


@pytest.mark.parametrize("given", ["ko", "한국어"])
def test_a_link_may_name_its_language_by_code_or_by_name(given):
    """``?lang=ko``, as a lecturer types a link by hand, opens the page in Korean, as
    ``?lang=한국어`` (the switch's own spelling in a link) does."""
    from lab.core import i18n

    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": given})
    at.switch_page("pages/perceptron.py")
    at.run()
    assert at.session_state["lang"] == "ko" and not at.exception
    assert at.title[0].value == i18n.t("lesson.perceptron.title", "ko")
    assert not [n for n in at.toast if "lang" in n.value]  # nothing "could not be used"


def test_a_stock_preset_sets_every_control_it_names():
    at = AppTest.from_file(APP, default_timeout=240)
    at.switch_page("pages/stock.py")
    at.run()
    at.selectbox(key="sk_preset").set_value("lecture 000").run()
    for key, value in stock_preset(STOCK_PRESETS["lecture 000"]).items():
        shown = at.session_state[key]
        assert (list(shown) == list(value) if isinstance(value, tuple) else shown == value), key
    assert set(stock_preset(STOCK_PRESETS["lecture 000"])) < set(STOCK.by_key)


def test_no_page_draws_a_widget_with_a_range_of_its_own():
    """Widgets whose value a link should carry come from the declarations (``C.draw``)."""
    bound = ("slider", "select_slider", "number_input", "radio", "selectbox", "multiselect",
             "toggle", "text_input", "text_area", "segmented_control")
    allowed = {"sh_m_", "sh_T_", "sh_nf_", "sh_nc_", "sk_start", "sk_end", "sk_win_i", "tx_i",
               "tx_j"}  # per-preset boxes, dates of an online fetch, in-page pickers
    for path in sorted((ROOT / "pages").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in bound):
                key = next((k.value for k in node.keywords if k.arg == "key"), None)
                text = ast.unparse(key) if key is not None else ""
                assert any(a in text for a in allowed), f"{path.name}:{node.lineno} {text}"


def xor_link(lang: str, steps: int) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/xor.py")
    at.query_params.update(link_params({"xor_lr": 0.05}, lang, steps=steps))
    at.run()
    assert not at.exception
    return at


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_link_replays_at_most_link_steps_and_says_it_capped(lang):
    """Every opener of a link replays its steps on the script thread (200,000 took 5.7 s of
    CPU each): the count is capped, the page says so in the user's language until the state
    moves on, and the URL then names the steps really replayed."""
    from lab.core import i18n
    from lab.lessons.xor_play import LINK_STEPS

    at = xor_link(lang, 200_000)
    assert at.session_state["xor_state"].steps == LINK_STEPS
    note = i18n.t("player.link_capped", lang, asked=200_000, replayed=LINK_STEPS)
    assert [i.value for i in at.info] == [note] and "200,000" in note
    assert at.query_params["steps"] in (str(LINK_STEPS), [str(LINK_STEPS)])
    at.button(key="xor__step").click().run()
    assert at.session_state["xor_state"].steps == LINK_STEPS + 50 and not at.info


def test_a_link_within_the_cap_replays_exactly_its_steps():
    at = xor_link("en", 700)
    assert at.session_state["xor_state"].steps == 700 and not at.info
    assert at.metric[0].value == "700"


def test_a_narrowed_range_does_not_bring_back_the_links_value():
    """The gradient-flow step k is drawn up to the length T. A link's k within its own T must not
    come back when T shrinks below it: Streamlit sees a new widget (its range changed) and seeds
    it from the link again, out of range (a fuzz found ``value 100 > max_value 51``)."""
    at = AppTest.from_file(APP, default_timeout=240)
    at.query_params.update(link_params({"g_T": 114, "g_k": 100}, "en"))
    at.switch_page("pages/rnn.py")
    at.run()
    at.slider(key="g_k").set_value(35).run()
    at.slider(key="g_T").set_value(51).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.slider(key="g_k").value == 35
    at.slider(key="g_T").set_value(20).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.slider(key="g_k").value == 20


def test_the_link_box_works_out_its_link_only_while_open():
    """Shut, the sidebar's "link to this view" is its title alone (a room's followers run the
    page at every move); opened, it shows the link to the view on screen."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/xor.py")
    at.run()
    at.slider(key="xor_h").set_value(5).run()
    assert not [c.value for c in at.code if "xor_h" in c.value]
    at.session_state["_link_open"] = True
    at.run()
    assert not at.exception
    links = [c.value for c in at.code if "/xor?" in c.value]
    assert len(links) == 1 and "xor_h=5" in links[0], links
