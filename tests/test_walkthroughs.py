"""Walk-throughs (issue 26): every lesson page has one in both languages; each step's settings are
the page's own controls with valid values, written as a link writes them; the numbers its text
states are lab's (and the lecture's); Next and Back apply the steps on the page, from the
keyboard too; a link opens at a step; a room's followers step with the lecturer."""

import string

import pytest
from streamlit.testing.v1 import AppTest

from lab.classroom import room as lab_room
from lab.core import i18n
from lab.lessons import walkthrough as wt
from tests.conftest import ROOT, link_params
from ui import settings, walkthrough as ui_walk
from ui.catalog import LESSONS
from ui.controls import REGISTRY
from ui.safe import md

APP = str(ROOT / "app.py")
KEY = "s3cret-lecturer-key"
STEPS = [(page, i) for page in wt.PAGES for i in range(len(wt.steps(page)))]


def _names(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# --- The data, against the settings table and the locales -------------------------------------
def test_every_lesson_page_but_the_errata_has_a_walk_through():
    lessons = {l.url_path for l in LESSONS} - {"errata"}
    assert set(wt.PAGES) == lessons == set(wt.load())
    assert all(len(wt.steps(page)) >= 3 for page in wt.PAGES)
    for page in wt.PAGES:  # in the lectures' order
        lectures = [s.lecture for s in wt.steps(page)]
        assert lectures == sorted(lectures), (page, lectures)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_step_has_its_words_and_states_only_computed_numbers(lang):
    catalog = i18n.catalog(lang)
    for page, i in STEPS:
        step, fields = wt.steps(page)[i], wt.fields(page, i)
        for part in ("title", "text"):
            text = catalog[f"{step.key}.{part}"]  # KeyError: a step without its words
            assert _names(text) <= set(fields), (lang, step.key, _names(text) - set(fields))
            assert "{" not in text.format(**fields)
    for name in ("title", "title_at", "intro", "next", "back", "step", "keys", "done"):
        assert f"walkthrough.{name}" in catalog


def test_no_text_holds_a_number_beside_a_word_for_a_result():
    """A result is a field: a step whose text holds a typed count (``after 5,350 steps``)
    would not follow the lab when it changes. Single digits (x/2, the 2-3-1 network) may stay."""
    import re

    for lang in ("en", "ko"):
        for page, i in STEPS:
            text = i18n.catalog(lang)[f"{wt.steps(page)[i].key}.text"]
            # left out: fields, the lectures' names (002), their layers' (LSTM(128)), the inputs
            bare = re.sub(r"\{[^}]*\}|(?<!\d)00[0-4](?!\d)|[A-Za-z]+\([\d, ]+\)|[A-Za-z]+\d+"
                          r"|\(\d(?:, ?\d)+\)", "", text)
            assert not re.search(r"\d[\d,.]*\d", bare), (lang, page, i, bare)


@pytest.mark.parametrize("page, i", STEPS)
def test_each_steps_settings_are_the_pages_controls_with_valid_values(page, i):
    table = REGISTRY[page]
    values = ui_walk.values_at(page, i + 1)
    assert set(wt.settings_at(page, i)) <= set(table.by_key) - {ui_walk.key(page)}
    for name, value in values.items():
        c = table[name]
        assert c.valid(value), (page, name, value)
        for lang in ("en", "ko"):  # a link's text for the value gives the value back
            with i18n.using(lang):
                assert c.matches(c.url(value, lang), value), (page, name, value)
    table.query(values, "ko")  # raises on a value out of range or not an option
    assert link_params({**values, ui_walk.key(page): i + 1}, "ko")


def test_a_steps_question_is_one_of_its_pages_at_the_steps_settings():
    from lab.questions import by_id

    asked = [(page, i) for page, i in STEPS if wt.steps(page)[i].question]
    assert {page for page, _ in asked} == set(wt.PAGES)  # every page asks at least once
    for page, i in asked:
        q = wt.steps(page)[i].question
        values = {c.key: c.initial() for c in REGISTRY[page]} | ui_walk.values_at(page, i + 1)
        assert q.split(".")[0] == page and by_id(q, values, {}) is not None, (page, i, q)


def test_a_steps_position_is_a_control_of_its_page_up_to_its_last_step():
    for page in wt.PAGES:
        c = REGISTRY[page][settings.WALK_KEY.format(page=page)]
        assert (c.initial(), c.lo, c.hi) == (0, 0, len(wt.steps(page)))
    assert ui_walk.values_at("perceptron", 0) == {}


def test_a_preset_in_a_step_stands_for_its_values():
    from lab.models.stock_model import PRESETS

    i = next(i for i, s in enumerate(wt.steps("stock")) if s.id == "honest")
    values = ui_walk.values_at("stock", i + 1)
    preset = settings.stock_preset(PRESETS["lecture 000"])
    assert {k: values[k] for k in preset if k != "sk_lecture"} == {
        k: v for k, v in preset.items() if k != "sk_lecture"}
    assert values["sk_lecture"] is False and preset["sk_lecture"] is True  # the step's on top
    later = ui_walk.values_at("stock", i + 2)  # the next step's preset, over the step before
    assert later == {**values, **settings.stock_preset(PRESETS["lecture 002 LSTM"]),
                     "sk_preset": "lecture 002 LSTM"} and later["sk_lecture"] is True


def test_steps_add_up_in_order():
    imdb = wt.steps("imdb")
    i = next(i for i, s in enumerate(imdb) if s.id == "lstm")
    now = wt.settings_at("imdb", i)
    assert now["im_kind"] == "LSTM" and now["im_thr"] == 0.5  # an earlier step's threshold kept
    assert "im_thr" not in imdb[i].settings and ui_walk.values_at("imdb", i + 1)["im_thr"] == 0.5


# --- The numbers, against the lab and the lectures ------------------------------------------
def _facts(page: str, step_id: str) -> dict:
    return wt.fields(page, next(i for i, s in enumerate(wt.steps(page)) if s.id == step_id))


def test_the_perceptron_steps_state_what_the_rule_does():
    from lab.networks import perceptron as pc

    assert _facts("perceptron", "and")["settled"] == "6"  # lecture 000: AND from 0, eta 0.1
    assert _facts("perceptron", "or")["settled"] == str(pc.train("OR", 0.1, 10).converged_pass)
    xor = _facts("perceptron", "xor")
    assert "settled" not in xor and (int(xor["cycle_from"]), int(xor["period"])) == \
        pc.train("XOR", 0.1, 10).cycle
    sig = _facts("perceptron", "sigmoid")
    assert (sig["net01"], sig["y01"], sig["printed01"]) == ("-0.55", "0.366", "0.36")


def test_the_other_steps_state_the_lectures_numbers():
    assert _facts("rnn", "good")["ids"] == "[6, 7, 7, 4]"
    assert (_facts("rnn", "shapes_001")["params"], _facts("rnn", "shapes_001")["bytes"]) == \
        ("4,256", "800,000,000")
    sine = _facts("rnn", "sine")
    assert (sine["shape"], sine["train"], sine["test"], sine["params"]) == \
        ("(980, 20, 1)", "784", "196", "16,769")
    assert (_facts("gates", "counts_002")["lstm"], _facts("gates", "counts_002")["gru_256"]) == \
        ("67,072", "199,680")
    assert (_facts("gates", "counts_003")["simple"], _facts("gates", "counts_003")["lstm"]) == \
        ("200", "800")
    assert _facts("text", "tokens")["keras"] == "9"
    ex = _facts("experiments", "lecture_001")
    assert ex["ours_embedding1000_simplernn"] == ex["printed_embedding1000_simplernn"] == "32,337"


def test_the_args_of_a_step_are_the_pages_own_settings():
    """A count's sizes are the page's preset (ui.settings) and the lab's lecture window."""
    from lab.maths.threshold import LECTURE_WINDOW

    m, T, n_f, n_c, _ = settings.SHAPE_PRESETS["lecture_001"]
    args = next(s for s in wt.steps("rnn") if s.id == "shapes_001").args
    assert (args["d"], args["n"], args["steps"]) == (n_f, n_c, T)
    assert next(s for s in wt.steps("rnn") if s.id == "sine").args["units"] == \
        settings.SHAPE_PRESETS["lecture_002"][3]
    thresholds = [s.settings["im_thr"] for s in wt.steps("imdb") if s.id.startswith("threshold")]
    assert tuple(thresholds) == LECTURE_WINDOW


def test_a_broken_data_file_is_refused(tmp_path):
    good = '[[xor]]\nid = "a"\nlecture = "000"\nsection = "s"\nsettings = { xor_h = 2 }\n'
    for bad in (good.replace("[[xor]]", "[[nowhere]]"), good.replace('"000"', '"009"'),
                good + 'facts = "guess"\n', good + good):
        path = tmp_path / "w.toml"
        path.write_text(bad)
        with pytest.raises(ValueError):
            wt.load(path)
    path.write_text(good)
    assert wt.load(path)["xor"][0].settings == {"xor_h": 2}


# --- On screen -----------------------------------------------------------------------------
def _page(page="pages/perceptron.py", **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(query)
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _said(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def test_next_applies_the_next_steps_settings_and_back_returns():
    at = _page()
    assert at.session_state["perceptron_walk"] == 0 and "AND from zero" not in _said(at)
    at.session_state["pc_eta"] = 0.5  # moved by hand before the walk-through
    at.button(key="_walk_next").click().run()
    assert (at.session_state["pc_gate"], at.session_state["pc_eta"]) == ("AND", 0.1)
    assert "AND from zero weights" in _said(at) and "pass 6" in _said(at)
    at.button(key="_walk_next").click().run()
    assert at.session_state["perceptron_walk"] == 2 and at.radio(key="pc_gate").value == "OR"
    assert any("pass 4" in s.value for s in at.success)  # the page's own verdict, on OR
    at.button(key="_walk_back").click().run()
    assert at.session_state["perceptron_walk"] == 1 and at.radio(key="pc_gate").value == "AND"
    assert at.query_params["perceptron_walk"] in ("1", ["1"])  # the link opens here
    prompt = i18n.t("questions.perceptron.settles.prompt", gate="AND", eta=md(0.1), passes=10)
    assert i18n.t("walkthrough.question", prompt=prompt) in _said(at)  # asked before the text
    assert at.radio(key=ui_walk.PICK.format(page="perceptron")).value == "perceptron.settles"
    assert at.button(key="_walk_back").proto.shortcut == "pageup"
    assert at.button(key="_walk_next").proto.shortcut == "pagedown"
    assert not at.exception


def test_the_step_box_jumps_and_a_link_opens_at_a_step_in_korean():
    at = _page()
    at.number_input(key="perceptron_walk").set_value(5).run()
    assert at.session_state["sg_w1"] == -0.16 and at.button(key="_walk_next").disabled
    assert at.session_state["pc_gate"] == "XOR"  # the steps before it add up
    step = wt.steps("perceptron")[2]
    values = ui_walk.values_at("perceptron", 3)
    link = _page(**link_params({**values, "perceptron_walk": 3}, "ko"))
    title = i18n.t(f"{step.key}.title", "ko")
    assert title in _said(link) and link.session_state["pc_gate"] == "XOR"


def test_a_link_at_a_step_asks_its_question_at_the_links_settings():
    """On a link's first run the question is computed before the page draws its widgets: from
    the step's values, not the defaults (lecture 004's w = 0.9, not the page's 1.0)."""
    i = next(i for i, s in enumerate(wt.steps("rnn")) if s.id == "vanishing")
    values = ui_walk.values_at("rnn", i + 1)
    at = _page("pages/rnn.py", **link_params({**values, "rnn_walk": i + 1}))
    asked = next(m.value for m in at.markdown if m.value.startswith("**Before you look:**"))
    assert f"w = {md(values['g_radius'])}" in asked and f"n = {values['g_T'] - 1}" in asked


def test_pages_without_a_walk_through_show_none():
    at = _page("pages/errata.py")
    assert not [b for b in at.button if b.key in ("_walk_next", "_walk_back")]


@pytest.fixture
def _room(monkeypatch):
    monkeypatch.setenv("LAB_LECTURER_KEY", KEY)
    lab_room.reset()
    yield
    lab_room.reset()


def test_in_a_room_the_followers_step_with_the_lecturer(_room):
    lecturer = _page()
    lecturer.text_input(key="_room_key").input(KEY)
    next(b for b in lecturer.button if b.label == "Open a room").click().run()
    code = lecturer.session_state["_room"]["code"]
    student = _page(room=code)
    for _ in range(2):
        lecturer.button(key="_walk_next").click().run()
    student.run()
    assert student.session_state["perceptron_walk"] == 2
    assert student.session_state["pc_gate"] == "OR" and "OR" in _said(student)
    assert student.session_state["_room"]["mode"] == "follow"
    lecturer.button(key="_walk_back").click().run()
    student.run()
    assert (student.session_state["perceptron_walk"], student.session_state["pc_gate"]) == \
        (1, "AND")
    assert "AND from zero weights" in _said(student)
    lecturer.multiselect(key="_room_locks_perceptron").set_value(["perceptron_walk"]).run()
    student.run()  # the lecturer holds the walk-through: the student's Next and Back are off
    assert student.button(key="_walk_next").disabled and student.button(key="_walk_back").disabled
    assert not lecturer.button(key="_walk_next").disabled
    assert not student.exception and not lecturer.exception
