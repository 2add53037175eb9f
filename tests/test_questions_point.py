"""Point questions (kind ``point``): the student clicks a point of the question's figure (a
sample in the input plane, a time step on a curve). Each answer equals an independent
computation for random settings (the perceptron rule, BPTT and the LSTM worked by hand); a
chart's selection event becomes the answer (``ui.questions.clicked``: AppTest cannot click a
chart); a room counts each point's clicks and Reveal rings the true one; the words read in
English and Korean."""

import csv
import io
import json
import zlib

import numpy as np
import pytest
from streamlit.elements.plotly_chart import PlotlySelectionState, PlotlyState
from streamlit.testing.v1 import AppTest

from lab.classroom import room as lab_room
from lab.core import i18n
from lab.figures.questions import point_figure
from lab.networks import perceptron as pc, rnn
from lab.questions import by_id, for_page
from lab.questions import gates as qg, perceptron as qp, rnn as qr
from lab.questions.question import Question
from tests.test_questions import APP, DRAWS, defaults, random_lstm, rng  # noqa: F401 (a fixture)
from tests.test_room import _code, _rooms, _student  # noqa: F401 (_rooms: autouse)
from tests.test_room_questions import _asking

TARGETS = {"AND": (0, 0, 0, 1), "OR": (0, 1, 1, 1), "XOR": (0, 1, 1, 0)}
INPUTS = ((0, 0), (0, 1), (1, 0), (1, 1))


def event(*points: tuple[int, int]) -> PlotlyState:
    """A chart's selection as Streamlit hands it back: (curve, point index) per point."""
    return PlotlyState(selection=PlotlySelectionState(
        points=[{"curve_number": c, "point_number": i, "point_index": i, "x": 0, "y": 0}
                for c, i in points], point_indices=[i for _, i in points], box=[], lasso=[]))


# --- Each answer, worked by hand ---------------------------------------------------------------
def by_hand_next_change(gate: str, eta: float, w, cursor: int, presentations: int):
    """Rosenblatt's rule: the sample (0..3) whose presentation, from ``cursor`` on, is the first
    the weights get wrong, with the weights before it; None if none is left."""
    w = list(w)
    for u in range(presentations):
        x = (1, *INPUTS[u % 4])
        error = TARGETS[gate][u % 4] - (1 if sum(a * b for a, b in zip(w, x)) > 0 else 0)
        if u >= cursor and error:
            return u % 4, w
        w = [wi + eta * error * xi for wi, xi in zip(w, x)]
    return None, w


def test_the_sample_that_moves_the_weights_next_is_the_rule_worked_by_hand(rng):
    found = 0
    for _ in range(3 * DRAWS):
        s = defaults("perceptron") | dict(
            pc_gate=str(rng.choice(["AND", "OR", "XOR"])), pc_eta=float(rng.choice([0.1, 0.5, 1.0])),
            pc_passes=int(rng.integers(1, 8)), pc_init=str(rng.choice(["zeros", "random"])),
            pc_seed=int(rng.integers(0, 100)))
        cursor = int(rng.integers(0, 4 * s["pc_passes"]))
        start = pc.initial_weights(s["pc_init"], s["pc_seed"] if s["pc_init"] == "random" else 0)
        sample, w = by_hand_next_change(s["pc_gate"], s["pc_eta"], start, cursor,
                                        4 * s["pc_passes"])
        q = qp.next_change(s, {"perceptron": cursor})
        if sample is None:
            assert q is None, s
            continue
        found += 1
        assert q.answer == sample and q.shown() == "({}, {})".format(*INPUTS[sample])
        assert [q.correct(str(i)) for i in range(4)] == [i == sample for i in range(4)]
        if q.plot["segment"]:  # the line drawn is the weights' w0 + w1 x1 + w2 x2 = 0
            (x0, x1), (y0, y1) = q.plot["segment"]
            for a, b in ((x0, y0), (x1, y1)):
                assert w[0] + w[1] * a + w[2] * b == pytest.approx(0, abs=1e-9)
    assert found >= DRAWS // 2  # most draws ask


def by_hand_ratios(T: int, radius: float, act: str, n_c: int = 16, batch: int = 8) -> np.ndarray:
    """||dL/dH_t|| / ||dL/dH_T|| in lab.networks.rnn.gradient_flow's network (its seed-0 draws),
    forward and back by the lecture's formulas: dL/dH_{t-1} = (dL/dH_t * f'(Z_t)) W1h^T."""
    g = np.random.default_rng(0)
    w1x = g.normal(0, 0.1, (1, n_c))
    w1h = rnn.orthogonal(n_c, g, gain=radius)
    w2 = g.normal(0, 1 / np.sqrt(n_c), (n_c, 1))
    x = g.normal(0, 1, (batch, T, 1))
    f = {"tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[act]
    slope = {"tanh": lambda h: 1 - h ** 2, "sigmoid": lambda h: h * (1 - h)}[act]
    hs = [np.zeros((batch, n_c))]
    for t in range(T):
        hs.append(f(x[:, t] @ w1x + hs[-1] @ w1h))
    dh = (hs[-1] @ w2) @ w2.T  # the squared error's gradient at step T (target 0), up to a factor
    norms = []
    for t in range(T, 0, -1):
        norms.append(np.linalg.norm(dh))
        dh = (dh * slope(hs[t])) @ w1h.T
    norms = np.array(norms[::-1])
    return norms / norms[-1]


def test_the_step_where_the_gradient_falls_below_a_hundredth_is_bptt_worked_by_hand(rng):
    asked = 0
    for _ in range(DRAWS):
        T = int(rng.integers(2, 200))
        w, act = float(rng.choice([0.5, 0.8, 0.9, 1.0, 1.2])), str(rng.choice(["tanh", "sigmoid"]))
        s = defaults("rnn") | dict(g_T=T, g_radius=w, g_act=act, g_k=int(rng.integers(1, 200)))
        ratio = by_hand_ratios(T, w, act)
        below = [t for t in range(1, T + 1) if ratio[t - 1] < 0.01]
        q = qr.vanishing_step(s, {})
        if not below:
            assert q is None, (T, w, act)
            continue
        asked += 1
        t = max(below)  # walking back from T, the first below 1/100
        assert q.answer == t and q.options == tuple(range(1, T + 1)), (T, w, act)
        assert q.plot["y"][t - 1] == pytest.approx(ratio[t - 1], rel=1e-6)
        assert q.correct(str(t - 1)) and q.correct(str(t + 1)) and q.correct(t)  # one step off
        assert not q.correct(str(t + 2)) and not q.correct(str(t - 2))
        assert not q.correct("0") and not q.correct(str(T + 1)) and not q.correct("2.5")
    assert asked >= 2
    assert qr.vanishing_step(defaults("rnn") | dict(g_T=2, g_radius=1.0), {}) is None  # never


def test_whether_the_gradient_vanishes_or_explodes_is_bptt_worked_by_hand(rng):
    """rnn.flow's answer from ||dL/dH_1|| / ||dL/dH_T||, worked by hand, whatever the truncation
    (the norms follow dL/dH_t all the way back)."""
    seen = set()
    for _ in range(DRAWS):
        T = int(rng.integers(2, 150))
        w, act = float(rng.choice([0.5, 0.9, 1.0, 1.3, 2.0])), str(rng.choice(["tanh", "sigmoid"]))
        s = defaults("rnn") | dict(g_T=T, g_radius=w, g_act=act, g_k=int(rng.integers(1, 200)))
        ratio = by_hand_ratios(T, w, act)[0]
        q = qr.flow(s, {})
        assert q.answer == ("explodes" if not ratio < 100 else "vanishes" if ratio < 0.01
                            else "neither"), (T, w, act)
        assert float(q.fields["ratio"]) == pytest.approx(ratio, rel=1e-2)
        seen.add(q.answer)
    assert {"vanishes", "neither"} <= seen


def test_the_step_where_the_keep_gate_is_highest_is_the_lstm_worked_by_hand(rng):
    for _ in range(DRAWS):
        s, gates = random_lstm(rng, 2)
        forget = gates[:, 1, min(s["gi_unit"], qg.TOY_UNITS - 1)]
        q = qg.highest_keep(s, {})
        assert q.answer == int(np.argmax(forget)) + 1 and q.shown() == f"t = {q.answer}"
        assert q.plot["y"] == pytest.approx(forget.tolist(), abs=1e-9)
        same = {t for t in q.options if forget.max() - forget[t - 1] <= 0.005}  # one on the figure
        assert q.tolerance == 0 and {t for t in q.options if q.correct(t)} == same
    assert qg.highest_keep(defaults("gates") | dict(gi_kind="SimpleRNN"), {}) is None  # no gate
    assert qg.highest_keep(defaults("gates") | dict(gi_toy="0.5"), {}) is None  # one step
    assert qg.highest_keep(defaults("gates") | dict(gi_kind="GRU"), {}).fields["gate"] == "z"


def test_the_cell_where_the_hidden_state_is_farthest_from_0_is_the_lstm_worked_by_hand(rng):
    for _ in range(DRAWS):
        s, gates = random_lstm(rng, 2)
        c, h = 0.0, []
        for i, f, g, o in gates:  # c_t = f c_{t-1} + i g, h_t = o tanh(c_t)
            c = f * c + i * g
            h.append(o * np.tanh(c))
        h = np.abs(np.array(h))  # (steps, units)
        q = qg.largest_state(s, {})
        t, u = np.unravel_index(int(np.argmax(h)), h.shape)
        assert q.shown() == f"(t = {t + 1}, u = {u})" and q.answer == t * qg.TOY_UNITS + u
        assert np.abs(q.plot["values"]) == pytest.approx(h.ravel().tolist(), abs=1e-9)
        right = {(k // qg.TOY_UNITS, k % qg.TOY_UNITS) for k in q.options if q.correct(k)}
        assert right == {(a, b) for a, b in zip(*np.nonzero(h.max() - h <= 0.005))}
        assert (q.plot["x"][q.answer], q.plot["y"][q.answer]) == (t + 1, u)  # where it is drawn


def test_a_point_answer_names_one_of_the_points_within_the_tolerance_in_steps():
    plot = dict(x=[1, 2, 3], y=[0.5, 0.2, 0.9], labels=["t = 1", "t = 2", "t = 3"])
    q = Question("gates.highest_keep", "point", 1, options=(1, 2, 3), tolerance=1, plot=plot)
    assert q.correct("1") and q.correct(" 2 ") and q.correct(1) and not q.correct("3")
    assert not q.correct("0") and not q.correct("1.5") and not q.correct("") \
        and not q.correct("t = 1")  # no point of the figure, however near
    assert q.shown() == "t = 1" and q.shown("3") == "t = 3" and q.shown("x") == "x"
    tied = Question("gates.highest_keep", "point", 1, options=(1, 2, 3), also=(3,), plot=plot)
    assert tied.correct("3") and not tied.correct("2") and Question.from_json(tied.to_json()) \
        == tied
    for bad in (dict(answer=4), dict(plot=dict(plot, labels=["t = 1"]))):  # not drawn
        with pytest.raises(ValueError):
            Question(**(dict(id="gates.highest_keep", kind="point", answer=1, options=(1, 2, 3),
                             plot=plot) | bad))


# --- A click is the answer ------------------------------------------------------------------------
def point_questions() -> list[Question]:
    found = [q for page in ("perceptron", "rnn", "gates")
             for q in for_page(page, defaults(page), {"perceptron": 5}) if q.kind == "point"]
    assert {q.id for q in found} == {"perceptron.next_change", "rnn.vanishing_step",
                                     "gates.highest_keep", "gates.largest_state"}
    return found


def test_a_click_on_the_figure_is_the_answer():
    from ui.questions import clicked

    for q in point_questions():
        i = q.options.index(q.answer)
        fig = point_figure(q.plot)
        clickable = fig.data[0]  # the trace whose point_index names the option
        assert len(clickable.x) == len(q.options)
        assert (clickable.x[i], clickable.y[i]) == (q.plot["x"][i], q.plot["y"][i])
        assert clicked(q, event((0, i))) == str(q.answer) and q.correct(clicked(q, event((0, i))))
        wrong = next(k for k in range(len(q.options)) if not q.correct(q.options[k]))
        assert clicked(q, event((0, wrong))) == str(q.options[wrong])
        assert not q.correct(clicked(q, event((0, wrong))))
        assert clicked(q, event((0, wrong), (0, i))) == str(q.answer)  # the last one selected
        assert clicked(q, event((1, i))) is None  # another trace (a ring, a line)
        assert clicked(q, event((0, len(q.options)))) is None
        assert clicked(q, event()) is None and clicked(q, None) is None
        assert Question.from_json(q.to_json()) == q  # a room carries it, figure and all


def test_a_room_counts_each_points_clicks_and_reveal_rings_the_true_one():
    from ui.questions import clicked

    q = next(q for q in point_questions() if q.id == "gates.highest_keep")
    rooms = lab_room.rooms()
    code = rooms.open().code
    n = rooms.ask(code, q).n
    right, other = q.options.index(q.answer), (q.options.index(q.answer) + 1) % len(q.options)
    for member, index in (("a", right), ("b", other), ("c", right), ("d", right)):
        assert rooms.answer(code, n, member, clicked(rooms.asked(code).question, event((0, index))))
    assert rooms.answer(code, n, "d", clicked(q, event((0, other))))  # changed its mind
    given = [a.given for a in rooms.answers(code, n)]
    counts = q.counts(given + ["nonsense", "0", "99999"])  # no point: not counted
    assert counts == {p: 2 if p in (q.answer, q.options[other]) else 0 for p in q.options}
    assert sum(q.correct(g) for g in given) == 2

    fig = point_figure(q.plot, counts, truth=right)
    assert [v for v in fig.data[0].text if v] == ["2", "2"]
    assert fig.data[0].marker.size[right] > fig.data[0].marker.size[(right + 2) % len(q.options)]
    ring = fig.data[-1]
    assert (ring.x[0], ring.y[0]) == (q.plot["x"][right], q.plot["y"][right])
    assert len(point_figure(q.plot, counts).data) == 1  # no ring before the reveal


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_point_questions_read_in_both_languages(lang):
    flat = qg.highest_keep(defaults("gates") | dict(gi_toy="0, 0, 0, 0"), {})  # a tie
    assert flat.also == (2, 3, 4) and flat.explain == "explain_ties"
    assert all(flat.correct(t) for t in flat.options)
    for q in (*point_questions(), flat):
        for text in (i18n.t(f"questions.{q.id}.prompt", lang, **q.fields),
                     i18n.t(f"questions.{q.id}.{q.explain}", lang, **q.fields, answer=q.shown())):
            assert "{" not in text and q.id not in text, (q.id, lang)
        for key in (q.plot["x_title"], q.plot["y_title"]):
            assert i18n.t(key, lang) != key
    for key in ("click", "clicked", "no_click", "point_tolerance", "point_exact"):
        assert i18n.t(f"questions.ui.{key}", lang, answer="t = 3", tolerance=1) \
            != f"questions.ui.{key}"


# --- On the page ----------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_gates_page_draws_a_point_question_and_asks_for_a_click(lang):
    at = AppTest.from_file(APP, default_timeout=240)
    at.session_state["q_open"] = True  # the question panel open (a lazy expander)
    at.switch_page("pages/gates.py")
    at.session_state["lang"] = lang
    at.run()
    at.radio(key="q_pick_gates").set_value("gates.highest_keep").run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(c.value.startswith(i18n.t("questions.ui.click", lang)) for c in at.caption)
    next(b for b in at.button if b.label == i18n.t("questions.ui.check", lang)).click().run()
    assert any(w.value == i18n.t("questions.ui.no_click", lang) for w in at.warning)
    assert not at.success and not at.error  # nothing clicked: neither right nor wrong


def test_the_projector_shows_a_point_questions_clicks_and_reveal_tells_the_truth():
    from ui.questions import clicked

    lecturer = _asking("pages/gates.py")
    code = _code(lecturer)
    lecturer.radio(key="q_pick_gates").set_value("gates.highest_keep").run()
    next(b for b in lecturer.button if b.label == "Ask the class").click().run()
    q = lab_room.rooms().asked(code).question
    assert q.id == "gates.highest_keep"
    student = _student(code, "pages/gates.py")
    next(b for b in student.button if b.label == "Send").click().run()
    assert any(w.value == "Click a point of the figure first." for w in student.warning)
    assert lab_room.rooms().answers(code, 1) == []
    i, wrong = q.options.index(q.answer), (q.options.index(q.answer) + 1) % len(q.options)
    figure = f"q_room_point_1_{zlib.crc32(json.dumps(q.plot, sort_keys=True).encode()):x}"
    student.session_state[figure] = event((0, wrong))  # this student's click, then Send
    student.run()
    next(b for b in student.button if b.label == "Send").click().run()
    assert [a.given for a in lab_room.rooms().answers(code, 1)] == [str(q.options[wrong])]
    for member in ("a", "c"):
        lab_room.rooms().answer(code, 1, member, clicked(q, event((0, i))))
    lecturer.run()
    assert any(c.value == "3 answers" for c in lecturer.caption)
    assert any(c.value == "Only the true point counts." for c in lecturer.caption)  # (no ties)
    next(b for b in lecturer.button if b.label == "Reveal").click().run()
    assert any(f"The answer: t = {q.answer}" in m.value for m in lecturer.success)
    assert any("2 of 3 right" in c.value for c in lecturer.caption)
    student.run()
    assert any(f"The answer: t = {q.answer}" in m.value for m in student.success)
    assert any("Not quite" in m.value for m in student.error)
    assert _marks(student, "q_truth_1", "en") == {"truth": [q.plot["x"][i]],
                                                  "mine": [q.plot["x"][wrong]]}  # the one sent


def _traces(at: AppTest, key: str) -> list[dict]:
    """The traces of the question's figure on the page (the chart keyed ``key``...)."""
    found = [c for c in at.get("plotly_chart") if f"-{key}" in c.proto.id]
    assert len(found) == 1, [c.proto.id for c in at.get("plotly_chart")]
    return json.loads(found[0].proto.spec)["data"]


def _marks(at: AppTest, key: str, lang: str) -> dict[str, list]:
    """Where the figure crosses the student's point and rings the true one (name -> x)."""
    names = {i18n.t("questions.ui.yours", lang): "mine",
             i18n.t("questions.ui.truth", lang): "truth"}
    return {names[d["name"]]: d["x"] for d in _traces(at, key)[1:]}


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_alone_check_rings_the_true_point_on_the_figure_beside_the_one_clicked(lang):
    from ui.questions import explanation

    q = by_id("gates.highest_keep", defaults("gates"))
    figure = f"q_point_{q.id}_{zlib.crc32(json.dumps(q.plot, sort_keys=True).encode()):x}"
    wrong = next(i for i, o in enumerate(q.options) if not q.correct(o))
    right = q.options.index(q.answer)
    at = AppTest.from_file(APP, default_timeout=240)
    at.session_state["q_open"] = True  # the question panel open (a lazy expander)
    at.switch_page("pages/gates.py")
    at.session_state["lang"] = lang
    at.run()
    at.radio(key="q_pick_gates").set_value(q.id).run()
    assert _marks(at, figure, lang) == {}  # nothing clicked, nothing revealed
    check = i18n.t("questions.ui.check", lang)
    for index in (wrong, right):
        at.session_state[figure] = event((0, index))  # a click, as the chart hands it back
        at.run()
        shown = q.shown(q.options[index])
        said = i18n.t("questions.ui.clicked", lang, answer=shown)
        exact = i18n.t(f"questions.ui.point_{'also' if q.also else 'exact'}", lang)
        assert f"{said} {exact}" in [c.value for c in at.caption]  # how close, also after it
        assert _marks(at, figure, lang) == {"mine": [q.plot["x"][index]]}  # no truth yet
        next(b for b in at.button if b.label == check).click().run()
        assert not at.exception, [e.message for e in at.exception]
        verdict = at.error if index == wrong else at.success
        assert any(q.shown() in m.value for m in verdict), (lang, index)
        assert _marks(at, figure, lang) == {"mine": [q.plot["x"][index]],
                                            "truth": [q.plot["x"][right]]}
        with i18n.using(lang):
            assert explanation(q) in [m.value for m in at.markdown]
        at.run()  # another run, no Check: the click stays, the truth goes until Check again
        assert _marks(at, figure, lang) == {"mine": [q.plot["x"][index]]}
        assert not at.error and not at.success


def test_a_students_figure_after_the_reveal_rings_the_truth_and_crosses_the_point_sent():
    fig = point_figure(dict(x=[1, 2, 3], y=[0.5, 0.2, 0.9], labels=["t = 1", "t = 2", "t = 3"],
                            x_title="questions.axis.step", y_title="questions.axis.keep_gate"),
                       truth=0, mine=2)
    clickable, ring, cross = fig.data
    assert list(clickable.x) == [1, 2, 3]  # still trace 0, the one a click names
    assert (ring.x, cross.x) == ((1,), (3,)) and ring.hoverinfo == cross.hoverinfo == "skip"
    assert cross.marker.size > clickable.marker.size[2]  # drawn over the point, wider


def _csv(q: Question, given: list[str], lang: str, names: bool = False) -> list[dict]:
    """The answers CSV the lecturer downloads (in ``lang``) after the class sent ``given``."""
    from ui.questions import answers_csv

    rooms = lab_room.rooms()
    code = rooms.open().code
    n = rooms.ask(code, q, names=names).n
    for i, g in enumerate(given):
        assert rooms.answer(code, n, f"s{i}", g, name=f"학생 {i}")
    with i18n.using(lang):
        data = answers_csv(rooms.asked(code), rooms.answers(code, n))
    assert data.startswith("\ufeff".encode())  # a spreadsheet then reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    key = {i18n.t(f"answers.{c}", lang): c for c in ("answer", "right", "seconds", "name")}
    assert rows and set(rows[0]) <= {*key, "id"}  # the headers in the lecturer's language
    assert lang != "ko" or "답" in rows[0]
    return [{key.get(h, h): v for h, v in r.items()} for r in rows]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_answers_csv_writes_each_answer_as_the_student_saw_it(lang):
    """A point as its label (the figure's), a worded choice in the lecturer's language, each
    beside the id it was sent as; a number as typed; names only when asked for."""
    cell = qg.largest_state(defaults("gates"), {})
    clicks = [str(cell.answer), str(cell.options[-1]), str(cell.answer)]
    rows = _csv(cell, clicks, lang)
    assert [r["answer"] for r in rows] == [cell.plot["labels"][cell.options.index(int(c))]
                                           for c in clicks]  # "(t = 3, u = 1)", not 9
    assert [r["id"] for r in rows] == clicks and [r["right"] for r in rows] == \
        [str(cell.correct(c)) for c in clicks]
    perceptron = qp.next_change(defaults("perceptron"), {"perceptron": 0})
    assert [r["answer"] for r in _csv(perceptron, ["1", "3"], lang)] == ["(0, 1)", "(1, 1)"]
    flow = qr.flow(defaults("rnn"), {})
    rows = _csv(flow, ["vanishes", "explodes"], lang)
    assert [r["answer"] for r in rows] == [i18n.t(f"questions.option.{o}", lang)
                                           for o in ("vanishes", "explodes")]
    assert [r["id"] for r in rows] == ["vanishes", "explodes"]
    if lang == "ko":
        assert rows[0]["answer"] == "사라진다 (1/100 미만)"
    count = qr.parameters(defaults("rnn"), {})
    rows = _csv(count, ["1,000", "97"], lang, names=True)
    assert list(rows[0]) == ["answer", "right", "seconds", "name"]  # a number needs no id
    assert [(r["answer"], r["name"]) for r in rows] == [("1,000", "학생 0"), ("97", "학생 1")]
