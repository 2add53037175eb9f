"""Followers by server push, in this process (``ui/push.py``; Streamlit's sessions stood in for):
the watcher reruns a follower's page when the lecturer's view changes, an explorer's only when
the locks, the question or the room's end change, never for an answer; the rerun keeps the page
the session is on; the watcher marks its connected students for the lecturer's counts and
forgets the sessions that ended; other processes' changes arrive through Redis pub/sub.
A follower whose lecturer opened another page reruns on that page, with an empty URL."""

import os
import subprocess
import time

import pytest
from streamlit.proto.ClientState_pb2 import ClientState

from lab.classroom import room as lab_room
from lab.questions.question import Question
from tests.conftest import ROOT
from tests.test_room import _rooms, redis_url  # noqa: F401 (fixtures)
from ui import push

Q = Question("xor.parameters", "numeric", 13.0, {"h": 3})


class _Loop:
    def call_soon_threadsafe(self, call, *args):
        call(*args)


class _Session:
    """An ``AppSession`` as ``ui.push`` uses it: the client state its last run ended on, its
    event loop, and the reruns asked of it."""

    def __init__(self, page: str):
        self._client_state = ClientState(page_script_hash=page, query_string="lang=en")
        self._event_loop = _Loop()
        self.asked: list[ClientState] = []

    def request_rerun(self, state):
        self.asked.append(state)


class _Manager:
    def __init__(self, sessions: dict):
        self.sessions = sessions

    def get_session_info(self, session_id):
        return self.sessions.get(session_id)


@pytest.fixture
def sessions(monkeypatch):
    """Two connected students' sessions: ``f`` follows, ``e`` explores."""
    live = {"f": _Session("hash-gates"), "e": _Session("hash-xor")}
    monkeypatch.setattr(push, "_session", lambda sid: live.get(sid))
    monkeypatch.setattr(push, "_manager", lambda: _Manager(live))
    yield live
    for sid in ("f", "e", "gone"):
        push.forget(sid)


def _watch(rooms, code: str, modes=(("f", "follow"), ("e", "explore"))) -> None:
    room, asked = rooms.get(code), rooms.asked(code)
    for sid, mode in modes:
        assert push.show(sid, code, mode, lab_room.on_screen(room, asked, mode), "gates")


def _reruns(sessions, want: dict[str, int], seconds: float = 5.0) -> dict[str, int]:
    """The reruns asked of each session, once they reach ``want`` (or after ``seconds``)."""
    deadline = time.monotonic() + seconds
    while True:
        got = {sid: len(s.asked) for sid, s in sessions.items()}
        if got == want or time.monotonic() > deadline:
            return got
        time.sleep(0.02)


def test_a_view_change_reruns_followers_and_locks_a_question_and_the_end_rerun_everyone(
        sessions):
    rooms = lab_room.rooms()
    code = rooms.open().code
    rooms.publish(code, lab_room.View("gates", {"gi_t": 5}))
    _watch(rooms, code)
    rooms.publish(code, lab_room.View("gates", {"gi_t": 5}))  # no change: nobody
    rooms.publish(code, lab_room.View("gates", {"gi_t": 3}))  # the lecturer moved a slider
    assert _reruns(sessions, {"f": 1, "e": 0}) == {"f": 1, "e": 0}
    time.sleep(0.2)
    assert len(sessions["e"].asked) == 0  # an explorer stays on its own
    rerun = sessions["f"].asked[0]
    assert (rerun.page_script_hash, rerun.query_string) == ("hash-gates", "lang=en")

    rooms.lock(code, ["gi_t"])
    assert _reruns(sessions, {"f": 2, "e": 1}) == {"f": 2, "e": 1}
    rooms.ask(code, Q)
    assert _reruns(sessions, {"f": 3, "e": 2}) == {"f": 3, "e": 2}
    rooms.answer(code, 1, "someone", "13")  # another student's answer: nobody
    time.sleep(0.3)
    assert _reruns(sessions, {"f": 3, "e": 2}, 0.0) == {"f": 3, "e": 2}
    rooms.publish(code, lab_room.View("xor", {"xor_h": 3}))  # another page: run there at once
    assert _reruns(sessions, {"f": 4, "e": 2}) == {"f": 4, "e": 2}
    switch = sessions["f"].asked[-1]
    assert (switch.page_script_hash, switch.page_name, switch.query_string) == ("", "xor", "")
    rooms.end(code)
    assert _reruns(sessions, {"f": 5, "e": 3}) == {"f": 5, "e": 3}


def test_a_change_kept_untold_reruns_no_one_until_it_is_told(sessions):
    """The lecturer's run keeps the view before the page and tells the followers once, at the
    run's end (``ui.room``): one rerun for a page that is opened, not two."""
    rooms = lab_room.rooms()
    code = rooms.open().code
    _watch(rooms, code, (("f", "follow"),))
    rooms.publish(code, lab_room.View("xor", {"xor_h": 3}), tell=False)
    rooms.publish(code, lab_room.View("xor", {"xor_h": 3}, play={"xor": {"playing": False,
                                                                         "count": 0}}), False)
    time.sleep(0.3)
    assert len(sessions["f"].asked) == 0
    rooms.signal(code)
    assert _reruns(sessions, {"f": 1, "e": 0}) == {"f": 1, "e": 0}


def test_the_watcher_counts_its_connected_students_and_forgets_ended_sessions(sessions):
    rooms = lab_room.rooms()
    code = rooms.open().code
    _watch(rooms, code)
    sessions["gone"] = _Session("hash-gates")
    _watch(rooms, code, (("gone", "follow"),))
    del sessions["gone"]  # Streamlit ended the session (its browser left for good)
    push._beat()
    assert push.watched(code) == {"f": "follow", "e": "explore"}
    assert rooms.counts(code) == {"follow": 1, "explore": 1}


def test_without_streamlits_session_no_push_is_promised(monkeypatch):
    """AppTest's sessions (and another Streamlit's) are unknown to the runtime: the page then
    polls (``ui.room``)."""
    assert not push.show("test session id", "ABCDE", "follow", ())
    assert push.watched("ABCDE") == {}


def test_another_processs_change_wakes_this_one_through_redis(redis_url, monkeypatch):
    monkeypatch.setenv("LAB_REDIS_URL", redis_url)
    rooms = lab_room.rooms()
    code = rooms.open().code
    import redis

    lab_room.listen()
    deadline = time.monotonic() + 20
    while not redis.Redis.from_url(redis_url).pubsub_numpat():  # the listener subscribed
        assert time.monotonic() < deadline, "the listener never subscribed"
        time.sleep(0.05)
    seen = lab_room.changes(-1, 0)
    while (now := lab_room.changes(seen, 0.5)) != seen:  # its wake on subscribing is past
        seen = now
    script = ("from lab.classroom import room; r = room.rooms(); "
              "r.publish(%r, room.View('stock', {'sk_window': 41}))" % code)
    subprocess.run([os.sys.executable, "-c", script], cwd=ROOT, check=True, timeout=60,
                   env=dict(os.environ, LAB_REDIS_URL=redis_url))
    assert lab_room.changes(seen, 10) > seen  # woken, not timed out
    assert rooms.get(code).view.values == {"sk_window": 41}


def test_pushed_pages_run_one_at_a_time_and_a_run_that_ends_passes_its_turn(monkeypatch):
    """Thirty followers' runs at once share one core's Python with the server's loop, which
    sends what they draw: in turns the first are drawn soonest. A run not heard to end gives
    its turn up after TURN_SECONDS."""
    live = {sid: _Session("hash-gates") for sid in "abc"}
    monkeypatch.setattr(push, "_session", lambda sid: live.get(sid))
    monkeypatch.setattr(push, "_manager", lambda: _Manager(live))
    rooms = lab_room.rooms()
    code = rooms.open().code
    try:
        _watch(rooms, code, [(sid, "follow") for sid in live])
        rooms.publish(code, lab_room.View("gates", {"gi_t": 3}))
        assert _reruns(live, {"a": 1, "b": 0, "c": 0}) == {"a": 1, "b": 0, "c": 0}
        time.sleep(0.2)
        assert sum(len(s.asked) for s in live.values()) == push.AT_ONCE == 1
        push.ran("a")  # a's page has run: b's turn
        assert _reruns(live, {"a": 1, "b": 1, "c": 0}) == {"a": 1, "b": 1, "c": 0}
        time.sleep(0.2)
        assert len(live["c"].asked) == 0  # b's turn is not over
        # b never says it ended: c's turn comes once b's has run out
        assert _reruns(live, {"a": 1, "b": 1, "c": 1}, push.TURN_SECONDS + 3) \
            == {"a": 1, "b": 1, "c": 1}
    finally:
        for sid in live:
            push.ran(sid)
            push.forget(sid)
