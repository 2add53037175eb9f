"""A class's room: the lecturer opens it with the key, students join by code and follow the
lecturer's page and settings, explore on their own, come back; locks hold, also through a link;
the room outlives the lecturer's reload; Redis shares it between processes, and a Redis that
cannot be reached leaves every page working on its own."""

import os
import shutil
import socket
import subprocess
import time

import pytest
from streamlit.testing.v1 import AppTest

from lab.classroom import room as lab_room
from lab.core.i18n import t
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
KEY = "s3cret-lecturer-key"


@pytest.fixture(autouse=True)
def _rooms(monkeypatch):
    monkeypatch.setenv("LAB_LECTURER_KEY", KEY)
    lab_room.reset()
    yield
    lab_room.reset()


# --- lab.classroom.room, in memory ---------------------------------------------------------------------
def test_a_room_keeps_the_lecturers_view_and_versions_only_changes():
    rooms = lab_room.rooms()
    room = rooms.open()
    assert lab_room.normal_code(room.code) == room.code
    first = rooms.publish(room.code, lab_room.View("xor", {"xor_h": 5}))
    again = rooms.publish(room.code, lab_room.View("xor", {"xor_h": 5}))
    moved = rooms.publish(room.code, lab_room.View("xor", {"xor_h": 6}))
    assert (first.view.version, again.view.version, moved.view.version) == (1, 1, 2)
    assert rooms.join(room.code.lower()).view.values == {"xor_h": 6}
    rooms.end(room.code)
    assert rooms.get(room.code) is None


def test_a_wrong_code_and_a_wrong_key_are_refused_with_a_message():
    rooms = lab_room.rooms()
    with pytest.raises(lab_room.InvalidInput) as bad:
        rooms.join("<b>x</b>")
    assert bad.value.key == "room.err.code"
    with pytest.raises(lab_room.InvalidInput) as none:
        rooms.join("ABCDE")
    assert none.value.key == "room.err.no_room"
    assert lab_room.is_lecturer(KEY) and not lab_room.is_lecturer(KEY + "x")
    assert not lab_room.is_lecturer("")


def test_students_count_as_following_or_exploring_while_they_are_heard_from(monkeypatch):
    rooms = lab_room.rooms()
    code = rooms.open().code
    rooms.seen(code, "a", "follow")
    rooms.seen(code, "b", "follow")
    rooms.seen(code, "c", "explore")
    assert rooms.counts(code) == {"follow": 2, "explore": 1}
    later = time.time() + lab_room.MEMBER_SECONDS + 1
    monkeypatch.setattr(lab_room.time, "time", lambda: later)
    assert rooms.counts(code) == {"follow": 0, "explore": 0}


def test_without_a_key_the_server_makes_one_and_prints_it_once(monkeypatch, capsys):
    monkeypatch.delenv("LAB_LECTURER_KEY")
    lab_room.reset()
    key = lab_room.lecturer_key()
    assert lab_room.lecturer_key() == key and len(key) >= 12
    assert capsys.readouterr().err.count(key) == 1


# --- Redis: one room for every process -------------------------------------------------------
@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing: .ci/run installs it")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    deadline = time.time() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            if time.time() > deadline:
                proc.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(10)


def test_two_processes_share_one_room_through_redis(redis_url, monkeypatch):
    monkeypatch.setenv("LAB_REDIS_URL", redis_url)
    rooms = lab_room.rooms()
    assert isinstance(rooms.backend, lab_room.RedisBackend) and not rooms.degraded
    code = rooms.open().code
    rooms.publish(code, lab_room.View("stock", {"sk_window": 40}))
    rooms.seen(code, "s1", "follow")
    script = ("from lab.classroom import room; r = room.rooms(); v = r.join(%r).view; "
              "r.seen(%r, 's2', 'explore'); print(v.page, v.values['sk_window'], v.version)"
              % (code, code))
    out = subprocess.run([os.sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True, env=dict(os.environ, LAB_REDIS_URL=redis_url), timeout=60)
    assert out.stdout.split() == ["stock", "40", "1"], out.stderr
    assert rooms.counts(code) == {"follow": 1, "explore": 1}
    assert rooms.newest().code == code


def test_a_redis_that_cannot_be_reached_leaves_each_process_on_its_own(monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once closed
    monkeypatch.setenv("LAB_REDIS_URL", f"redis://127.0.0.1:{port}/0")
    rooms = lab_room.rooms()
    assert rooms.degraded and isinstance(rooms.backend, lab_room.MemoryBackend)
    assert rooms.get(rooms.open().code) is not None  # rooms still work in this process
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/home.py")
    at.run()
    assert not at.exception
    assert any("cannot be reached" in w.value for w in at.warning)


# --- On screen: a lecturer and students ------------------------------------------------------
def _lecturer(page="pages/gates.py", key=KEY) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(page)
    at.run()
    at.text_input(key="_room_key").input(key)
    next(b for b in at.button if b.label == "Open a room").click().run()
    return at


def _code(at: AppTest) -> str:
    return at.session_state["_room"]["code"]


def _student(code: str, page="pages/gates.py", **query) -> AppTest:
    """A student joining by the link, on ``page`` (AppTest starts every run on the page it was
    given, where a browser stays on the page the lecturer switched it to)."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"room": code, **query})
    at.switch_page(page)
    at.run()
    return at


def test_a_wrong_lecturer_key_is_refused_on_screen():
    at = _lecturer(key="guess")
    assert "_room" not in at.session_state
    assert any("not the lecturer key" in e.value for e in at.error)


def test_students_follow_the_lecturers_page_and_settings_and_may_explore():
    lecturer = _lecturer()
    code = _code(lecturer)
    assert lecturer.session_state["_room"]["role"] == "lecturer"
    lecturer.slider(key="gi_t").set_value(6).run()

    arriving = _student(code, "pages/home.py")
    assert not arriving.exception, [e.message for e in arriving.exception]
    assert arriving.session_state["gi_t"] == 6  # switched to the lecturer's page and setting

    student = _student(code)
    assert student.session_state["gi_t"] == 6
    assert student.session_state["_room"]["mode"] == "follow"

    lecturer.slider(key="gi_t").set_value(2).run()
    student.run()
    assert student.session_state["gi_t"] == 2

    student.slider(key="gi_t").set_value(7).run()  # the student moves one: exploring
    assert student.session_state["_room"]["mode"] == "explore"
    lecturer.slider(key="gi_t").set_value(4).run()
    student.run()
    assert student.session_state["gi_t"] == 7
    assert lab_room.rooms().counts(code) == {"follow": 0, "explore": 1}

    next(b for b in student.button if b.label == "Back to the lecturer").click().run()
    student.run()
    assert student.session_state["gi_t"] == 4
    assert student.session_state["_room"]["mode"] == "follow"


def test_a_locked_control_keeps_the_lecturers_value_through_the_widget_and_a_link():
    lecturer = _lecturer()
    code = _code(lecturer)
    lecturer.slider(key="gi_t").set_value(5).run()
    student = _student(code)
    student.slider(key="gi_t").set_value(7).run()  # exploring on their own
    assert student.session_state["_room"]["mode"] == "explore"

    lecturer.multiselect(key="_room_locks_gates").set_value(["gi_t"]).run()
    assert lab_room.rooms().get(code).locks == ["gi_t"]
    student.run()  # the lock reaches the explorer: the lecturer's value, drawn disabled
    assert student.session_state["gi_t"] == 5
    assert student.slider(key="gi_t").disabled
    assert not student.slider(key="gi_f").disabled

    late = _student(code, "pages/gates.py", gi_t="8")  # a crafted link asks for 8
    assert late.session_state["gi_t"] == 5 and late.slider(key="gi_t").disabled


def test_the_room_outlives_the_lecturers_reload_and_ends_for_everyone():
    first = _lecturer()
    code = _code(first)
    student = _student(code)
    again = _lecturer()  # the same lecturer in a new browser session
    assert _code(again) == code
    next(b for b in again.button if b.label == "End the room").click().run()
    assert lab_room.rooms().get(code) is None
    student.run()
    assert "_room" not in student.session_state
    assert any("ended the room" in n.value for n in student.toast)


def test_a_join_link_to_no_room_says_so_on_the_page_once():
    """On a phone the sidebar, where the room's box says it too, is shut: a mistyped link is
    said where the student looks (a toast), once, and the page goes on alone."""
    student = _student("ABCDE")
    assert "_room" not in student.session_state
    assert [n.value for n in student.toast if "ABCDE" in n.value or "room" in n.value.lower()]
    student.run()
    assert not list(student.toast) and "_room" not in student.session_state
    korean = _student("ABCDE", lang="한국어")
    assert [n.value for n in korean.toast] == [t("room.err.no_room", "ko", code="ABCDE")]


def test_without_a_room_nothing_of_it_is_on_the_page():
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/gates.py")
    at.run()
    assert "_room" not in at.session_state
    assert not any("Following the lecturer" in c.value for c in at.caption)


def test_followers_step_play_and_pause_with_the_lecturer():
    """The XOR page's player: the lecturer's Step reaches the follower's state, Play plays
    the follower's page too (whose buttons the lecturer holds), Pause lands both on the
    lecturer's step."""
    lecturer = _lecturer("pages/xor.py")
    student = _student(_code(lecturer), "pages/xor.py")
    for _ in range(3):
        lecturer.button(key="xor__step").click().run()
    steps = lecturer.session_state["xor_state"].steps
    assert steps > 0
    student.run()
    assert student.session_state["xor_state"].steps == steps
    assert student.button(key="xor__play").disabled and student.button(key="xor__step").disabled

    lecturer.button(key="xor__play").click().run()
    student.run()
    assert student.session_state["xor__playing"] is True
    lecturer.button(key="xor__play").click().run()  # Pause, on the frame the clock reached
    paused = lecturer.session_state["xor_state"].steps
    student.run()
    assert student.session_state["xor__playing"] is False
    assert student.session_state["xor_state"].steps == paused
    assert not student.exception and not lecturer.exception


@pytest.mark.parametrize("page", ["perceptron", "xor", "rnn", "structures", "gates", "stock",
                                  "text", "imdb", "experiments"])
def test_a_follower_sees_the_lecturers_view_on_every_page(page, monkeypatch, tmp_path):
    """The lecturer opens each page on a link's settings (tests/test_links.py's views); a
    student who joins then has every one of the page's controls at the lecturer's value."""
    from tests.conftest import link_params
    from tests.test_links import VIEWS
    from ui.controls import REGISTRY

    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    lecturer = AppTest.from_file(APP, default_timeout=240)
    lecturer.query_params.update(link_params(VIEWS[page]))
    lecturer.switch_page(f"pages/{page}.py")
    lecturer.run()
    lecturer.text_input(key="_room_key").input(KEY)
    next(b for b in lecturer.button if b.label == "Open a room").click().run()
    student = _student(_code(lecturer), f"pages/{page}.py")
    assert not student.exception, [e.message for e in student.exception]
    moved = 0  # controls the link moved off their defaults, which the student follows
    for c in REGISTRY[page]:
        if c.key in lecturer.session_state:
            mine, theirs = student.session_state[c.key], lecturer.session_state[c.key]
            assert (list(mine) == list(theirs) if c.kind == "multiselect"
                    else mine == theirs), (c.key, mine, theirs)
            moved += c.key in VIEWS[page] and (list(mine) if c.kind == "multiselect" else mine) \
                != (list(c.initial()) if c.kind == "multiselect" else c.initial())
    assert moved >= 1, moved


def test_the_lecturer_can_show_the_join_code_large_for_the_back_rows():
    lecturer = _lecturer()
    code = _code(lecturer)
    assert len(lecturer.get("image")) == 1  # the sidebar's QR code
    lecturer.button(key="_room_project").click().run()
    assert any(code in t.value for t in lecturer.title)
    assert len(lecturer.get("image")) == 2


def test_in_a_room_a_student_needs_the_lecturer_for_a_long_training(monkeypatch, tmp_path):
    """The room gives the training queue its roles: lecture 002's LSTM(128) preset is beyond
    a student's budget, and the lecturer may start it."""
    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))
    lecturer = _lecturer("pages/stock.py")
    student = _student(_code(lecturer), "pages/stock.py")
    student.selectbox(key="sk_preset").set_value("lecture 002 LSTM").run()
    assert student.session_state["_room"]["mode"] == "explore"
    assert any("Ask the lecturer" in w.value for w in student.warning)
    assert not [b for b in student.button if b.key == "sk_train_now"]
    lecturer.selectbox(key="sk_preset").set_value("lecture 002 LSTM").run()
    assert not any("Ask the lecturer" in w.value for w in lecturer.warning)
    assert [b for b in lecturer.button if b.key == "sk_train_now"]
