"""A question to the class in a room: the lecturer asks (the answer computed from the lecturer's
model), students answer on their laptops, the lecturer's projector shows the answers live
(counts and a histogram), Reveal shows the truth and the explanation, the CSV has every answer
and no one's session; a student can neither ask nor reveal; the room keeps one bounded record
per student, safe under concurrent answers."""

import csv
import io
import threading

from streamlit.testing.v1 import AppTest

from lab.classroom import room as lab_room
from lab.questions.question import Question
from tests.test_room import APP, _code, _lecturer, _rooms, _student  # noqa: F401 (_rooms: autouse)


def _asking(page: str) -> AppTest:
    """A lecturer in a room on ``page`` with the question panel open (a lazy expander: its
    click reruns the page), where Ask the class is."""
    lecturer = _lecturer(page)
    lecturer.session_state["q_open"] = True
    return lecturer.run()

Q = Question("xor.parameters", "numeric", 13.0, {"h": 3})


# --- lab.classroom.room ---------------------------------------------------------------------------
def test_one_answer_per_student_while_the_question_is_open():
    rooms = lab_room.rooms()
    code = rooms.open().code
    assert rooms.ask("ZZZZZ", Q) is None  # no such room
    asked = rooms.ask(code, Q)
    assert asked.n == 1 and rooms.asked(code).question == Q
    assert rooms.answer(code, 1, "a", "12") and rooms.answer(code, 1, "a", "13")  # changed
    assert rooms.answer(code, 1, "b", " 13 ")
    assert [a.given for a in rooms.answers(code, 1)] == ["13", "13"]
    assert not rooms.answer(code, 2, "c", "13")  # not the question asked
    assert not rooms.answer(code, 1, "c", "")  # nothing
    assert not rooms.answer(code, 1, "c", "1" * 41)  # longer than any number or option
    rooms.reveal(code)
    assert rooms.asked(code).revealed and not rooms.answer(code, 1, "c", "13")  # closed
    again = rooms.ask(code, Q)
    assert again.n == 2 and not again.revealed and rooms.answers(code, 1) == []  # gone
    rooms.end(code)
    assert rooms.asked(code) is None


def test_answers_are_anonymous_unless_the_lecturer_asks_for_names():
    rooms = lab_room.rooms()
    code = rooms.open().code
    rooms.ask(code, Q)
    rooms.answer(code, 1, "a", "13", name="Kim")
    assert rooms.answers(code, 1)[0].name == ""
    rooms.ask(code, Q, names=True)
    rooms.answer(code, 2, "a", "13", name="  Kim\n Minji " + "x" * 80)
    assert rooms.answers(code, 2)[0].name == ("Kim Minji " + "x" * 80)[:lab_room.MAX_NAME_CHARS]


def test_a_question_takes_a_bounded_number_of_answers_also_when_they_come_at_once(monkeypatch):
    monkeypatch.setattr(lab_room, "MAX_ANSWERS", 40)
    rooms = lab_room.rooms()
    code = rooms.open().code
    rooms.ask(code, Q)
    kept = []

    def student(i):
        kept.append(rooms.answer(code, 1, f"s{i}", str(i)))

    threads = [threading.Thread(target=student, args=(i,)) for i in range(30)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert all(kept) and sorted(int(a.given) for a in rooms.answers(code, 1)) == list(range(30))
    for i in range(30, 60):
        rooms.answer(code, 1, f"s{i}", str(i))
    assert len(rooms.answers(code, 1)) == 40
    assert rooms.answer(code, 1, "s0", "13")  # one already counted may still change it


def test_the_projectors_wait_returns_on_an_answer_and_after_its_timeout():
    rooms = lab_room.rooms()
    code = rooms.open().code
    rooms.ask(code, Q)
    seen = lab_room.shown(*rooms.wait_answers(code, (), 0.0))
    threading.Timer(0.2, rooms.answer, (code, 1, "a", "13")).start()
    asked, answers = rooms.wait_answers(code, seen, 10.0)
    assert [a.given for a in answers] == ["13"]
    still = lab_room.shown(asked, answers)
    assert lab_room.shown(*rooms.wait_answers(code, still, 0.1)) == still


# --- On screen: the lecturer asks, students answer, the projector shows them ------------------------
def _send(student: AppTest, answer: str) -> None:
    student.text_input(key=next(k for k in _keys(student) if k.startswith("q_room_given_"))
                       ).input(answer)
    next(b for b in student.button if b.label == "Send").click().run()


def _keys(at: AppTest) -> list[str]:
    return [w.key for w in at.text_input]


def test_students_answer_the_lecturers_question_and_the_projector_shows_them():
    from ui.questions import answers_csv

    lecturer = _asking("pages/xor.py")
    code = _code(lecturer)
    lecturer.radio(key="q_pick_xor").set_value("xor.parameters").run()
    students = [_student(code, "pages/xor.py") for _ in range(3)]
    for s in students:  # no question asked yet: nothing of the class's
        assert not any(b.label == "Send" for b in s.button)
        assert not any(b.label in ("Ask the class", "Reveal") for b in s.button)
    next(b for b in lecturer.button if b.label == "Ask the class").click().run()
    asked = lab_room.rooms().asked(code)
    assert asked.question.id == "xor.parameters" and asked.question.answer == 13  # 2-3-1

    for s, answer in zip(students, ("13", "12", "13")):
        s.run()
        assert not any(b.label in ("Ask the class", "Reveal") for b in s.button)  # only Send
        _send(s, answer)
        assert any("Sent: " + answer in c.value for c in s.caption)
    lecturer.run()
    assert any(c.value == "3 answers" for c in lecturer.caption)
    assert lecturer.get("plotly_chart"), "the class's answers as a chart"
    assert not any("Right" in m.value or "13." in m.value for m in lecturer.success)

    next(b for b in lecturer.button if b.label == "Reveal").click().run()
    assert lab_room.rooms().asked(code).revealed
    assert any("The answer: 13" in m.value for m in lecturer.success)  # no dot to escape
    assert any("2 of 3 right" in c.value for c in lecturer.caption)
    assert any("2·3 weights" in m.value for m in lecturer.markdown)  # the explanation
    students[1].run()  # the student who answered 12 sees the truth and is told so
    assert any("The answer: 13" in m.value for m in students[1].success)
    assert any("Not quite" in e.value for e in students[1].error)

    rows = list(csv.DictReader(io.StringIO(answers_csv(
        lab_room.rooms().asked(code), lab_room.rooms().answers(code, 1)).decode("utf-8-sig"))))
    assert [(r["answer"], r["right"]) for r in rows] == [("13", "True"), ("12", "False"),
                                                        ("13", "True")]
    assert set(rows[0]) == {"answer", "right", "seconds"}  # anonymous: no session, no name


def test_a_student_cannot_ask_or_reveal_and_a_lecture_value_shows_on_reveal():
    lecturer = _asking("pages/perceptron.py")
    code = _code(lecturer)
    student = _student(code, "pages/perceptron.py")
    labels = {b.label for b in student.button}
    assert not labels & {"Ask the class", "Reveal", "Close the question"}
    assert lab_room.rooms().asked(code) is None
    lecturer.radio(key="q_pick_perceptron").set_value("perceptron.sigmoid").run()
    next(b for b in lecturer.button if b.label == "Ask the class").click().run()
    student.run()
    assert not {b.label for b in student.button} & {"Reveal", "Close the question"}
    _send(student, "0.37")
    next(b for b in lecturer.button if b.label == "Reveal").click().run()
    assert any("The lecture prints 0.36; the true value is 0.366" in w.value.replace("\\", "")
               for w in lecturer.warning)  # (its numbers escaped for Markdown)
    student.run()
    assert any("Right" in m.value for m in student.success)


def test_without_a_room_no_class_answers_are_shown():
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["q_open"] = True  # the question panel open (a lazy expander)
    at.switch_page("pages/xor.py")
    at.run()
    assert not at.exception
    assert not any(b.label in ("Ask the class", "Reveal", "Send") for b in at.button)
    assert not any(c.value.endswith(" answers") for c in at.caption)
    assert any(b.label == "Check" for b in at.button)  # the self-check is there


def test_the_lecturers_page_never_waits_for_answers(monkeypatch):
    """The projector waits for answers only in its own timer's runs: a run of the page (a
    slider moved) draws it at once."""
    waits = []
    real = lab_room.Rooms.wait_answers
    monkeypatch.setattr(lab_room.Rooms, "wait_answers", lambda self, code, seen, timeout:
                        waits.append(timeout) or real(self, code, seen, timeout))
    lecturer = _asking("pages/xor.py")
    next(b for b in lecturer.button if b.label == "Ask the class").click().run()
    lecturer.slider(key="xor_h").set_value(4).run()
    lecturer.run()
    assert len(waits) >= 2 and set(waits) == {0.0}


def test_a_students_own_questions_are_worked_out_only_while_their_panel_is_open():
    """(What was picked and typed in it is kept by Streamlit's ``persist_state`` while it is
    shut: AppTest never forgets a widget that is not drawn, so that is not tested here.)"""
    from lab.core.i18n import t

    student = _student(_code(_lecturer()))  # following the lecturer on the gate inspector

    def panel():
        return next(e for e in student.expander if e.label == t("questions.ui.title"))

    assert not panel().radio and not panel().markdown  # shut: nothing of it worked out
    for open_ in (True, False, True):
        student.session_state["q_open"] = open_  # its click reruns the page
        student.run()
        assert not student.exception
        shown = panel().radio(key="q_pick_gates").options if open_ else panel().radio
        assert bool(shown) == open_ and bool(panel().markdown) == open_


def test_alone_the_question_panel_is_worked_out_only_while_open(monkeypatch):
    """A student exploring alone reruns the page on every new setting, before the page asks for
    its training: the shut panel works out no question."""
    import ui.questions as panel_module
    from lab.core.i18n import t

    asked = []
    real = panel_module.for_page
    monkeypatch.setattr(panel_module, "for_page", lambda *a: asked.append(a) or real(*a))
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/xor.py")
    at.run()
    panel = next(e for e in at.expander if e.label == t("questions.ui.title"))
    assert not panel.radio and not asked  # shut: nothing of it worked out
    at.session_state["q_open"] = True  # its click reruns the page
    at.run()
    assert not at.exception
    assert at.radio(key="q_pick_xor").options and asked
