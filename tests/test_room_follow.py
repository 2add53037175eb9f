"""Following the lecturer promptly: a follower's page run does not wait on the room (only its
poll fragment, rerun on its own timer, does), and the websocket session of the benchmarks
(``bench.ws_session``) follows a page switch as a browser does."""

import asyncio

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.ws_session import Session
from lab.classroom import room as lab_room
from tests.test_room import _code, _lecturer, _rooms, _student  # noqa: F401 (_rooms: autouse)


def test_a_followers_page_run_does_not_wait_on_the_room(monkeypatch):
    """The poll fragment sits in the sidebar, above the page: waiting there in a page run
    held every follower's figures back by the poll's wait."""
    lecturer = _lecturer()
    student = _student(_code(lecturer))
    waits = []
    real = lab_room.Rooms.wait

    def wait(self, code, version, locks, timeout):
        waits.append(timeout)
        return real(self, code, version, locks, timeout)

    monkeypatch.setattr(lab_room.Rooms, "wait", wait)
    lecturer.slider(key="gi_t").set_value(3).run()
    student.run()
    assert student.session_state["gi_t"] == 3 and student.session_state["_room"]["mode"] \
        == "follow"
    assert waits and set(waits) == {0.0}, waits


def test_the_poll_waits_only_when_it_reruns_alone(monkeypatch):
    """Its timer's rerun waits for the lecturer; a page run, or a rerun that also holds the
    class question's fragment (queued together), only looks."""
    from types import SimpleNamespace

    from ui import room

    for ids, alone in ((["poll"], True), (["poll", "question"], False), (None, False)):
        monkeypatch.setattr(room, "get_script_run_ctx",
                            lambda ids=ids: SimpleNamespace(fragment_ids_this_run=ids))
        assert room._alone() is alone, ids


class _Socket:
    """A server that answers each rerun request with the messages given for it, in order, and
    never answers a request beyond them (as Streamlit ignores a rerun of a fragment it no
    longer holds)."""

    def __init__(self, *replies: list[ForwardMsg]):
        self.replies = list(replies)
        self.asked: list[str] = []  # the fragment id of each rerun request ("" for the page)
        self.inbox: asyncio.Queue = asyncio.Queue()

    async def send(self, data: bytes) -> None:
        msg = BackMsg()
        msg.ParseFromString(data)
        self.asked.append(msg.rerun_script.fragment_id)
        for fm in self.replies.pop(0) if self.replies else []:
            self.inbox.put_nowait(fm.SerializeToString())

    async def recv(self) -> bytes:
        return await self.inbox.get()


def _page_run(timers: dict[str, float], page_hash: str = "", url_path: str = "") -> list:
    """The messages of a whole page's run that declares ``timers``, on page ``page_hash``."""
    start, finished = ForwardMsg(), ForwardMsg()
    start.new_session.initialize.session_id = "session"
    out = [start]
    if page_hash:
        nav = ForwardMsg()
        nav.navigation.page_script_hash = page_hash
        nav.navigation.app_pages.add(page_script_hash=page_hash, url_pathname=url_path)
        out.append(nav)
    for fragment_id, interval in timers.items():
        fm = ForwardMsg()
        fm.auto_rerun.fragment_id, fm.auto_rerun.interval = fragment_id, interval
        out.append(fm)
    finished.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    return out + [finished]


def test_a_tick_does_not_ask_for_a_fragment_that_the_run_before_took_away():
    """The room's poll switches the page (a whole run): the old page's question fragment is
    gone, and a rerun asked for it would never be answered."""
    session = Session("http://localhost:1")
    session.page, session.timers = "gates", {"poll": 0.5, "question": 1.0}
    session.ws = _Socket(_page_run({"poll2": 0.5}, "hash-p", "perceptron"))
    asyncio.run(asyncio.wait_for(session.tick(), 5))
    assert session.ws.asked == ["poll"]
    assert session.timers == {"poll2": 0.5}
    assert (session.page, session.page_script_hash) == ("perceptron", "hash-p")
