"""Followers by server push: a room's change reruns its students' pages, with no timer of theirs.

Polling cost the server a fragment rerun per student twice a second (about 5 ms of Streamlit's
own work each, on one core: 30 idle followers took 0.45 s of CPU every second) and still left a
follower up to a poll behind. Here one watcher per process (a daemon thread, started by the
first student) keeps this process's students: Streamlit session id -> room, mode (follow or
explore) and what its page last showed (``lab.classroom.room.on_screen``). It wakes on every
room change (``lab.classroom.room.changes``: this process's at once, another process's through
Redis pub/sub) and reruns the pages whose room no longer matches what they show, one at a time
(:func:`_take_turns`; a page's run ends with :func:`ran`). Every
:data:`BEAT_SECONDS` it also marks its connected students in the room (the lecturer's counts)
and forgets the sessions Streamlit has ended.

Streamlit has no public way for the server to start a session's run, so this module is the one
place that reaches into its runtime (the pattern of the streamlit-server-state library):
``Runtime.instance()`` -> its session manager -> the student's ``AppSession`` ->
``request_rerun``, on the server's event loop. It passes the client state the session's last
run ended on (its page and URL), not the ``None`` that library passes: in this Streamlit (1.67)
``None`` reruns the app's default page with an empty URL. The browser's widget values are kept:
a rerun that brings no widget states changes none. Where these internals are missing (another
Streamlit version; ``AppTest``, whose sessions the runtime does not hold), :func:`show` says so
and ``ui/room.py`` keeps today's polling fragments.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from lab.classroom import room as lab_room

BEAT_SECONDS = 5.0  # a student's sign of life for the counts (lab.classroom.room.MEMBER_SECONDS)
RETRY_SECONDS = 1.0  # after the room's store failed (Redis gone mid-class), look again
AT_ONCE = 1  # pushed runs under way at a time in this process (see _take_turns)
TURN_SECONDS = 1.0  # a pushed run not heard to end by then gives its turn to the next


@dataclass
class Watched:
    code: str  # the room
    mode: str  # "follow" or "explore"
    shown: tuple  # what its page shows of the room (``on_screen``); a rerun is asked on change
    url_path: str = ""  # the lab's page it is on
    page: str = ""  # that page's Streamlit hash, for a rerun before its first run has ended


_lock = threading.Lock()
_watched: dict[str, Watched] = {}  # session id -> what its page shows
_watcher: threading.Thread | None = None
_turns = threading.Condition()
_waiting: dict[str, tuple] = {}  # session id -> its rerun's arguments, in the order asked
_running: dict[str, float] = {}  # session id -> when its turn ends at the latest
reruns = 0  # the reruns asked for in this process (tests, the benchmark's log)


def _manager():
    """Streamlit's session manager, or None where there is none to reach."""
    try:
        from streamlit.runtime import Runtime

        return Runtime.instance()._session_mgr if Runtime.exists() else None
    except Exception:  # noqa: BLE001 - another Streamlit: no push, the pages poll
        return None


def _session(session_id: str):
    """The session's ``AppSession`` while a browser is connected to it, else None (ended, gone
    for now, unknown to the runtime, or the internals are not what this module expects)."""
    manager = _manager()
    try:
        info = manager.get_active_session_info(session_id) if manager else None
    except Exception:  # noqa: BLE001
        return None
    session = getattr(info, "session", None)
    if (callable(getattr(session, "request_rerun", None))
            and hasattr(session, "_client_state") and hasattr(session, "_event_loop")):
        return session
    return None


def show(session_id: str, code: str, mode: str, shown: tuple, url_path: str = "",
         page: str = "") -> bool:
    """Session ``session_id``'s page ``url_path`` (Streamlit's page hash ``page``) shows
    ``shown`` of room ``code`` as ``mode``: its page reruns once the room differs. False when no
    push can reach it (the page polls instead)."""
    if _session(session_id) is None:
        return False
    with _lock:
        _watched[session_id] = Watched(code, mode, shown, url_path, page)
    _start()
    return True


def forget(session_id: str) -> None:
    """The session left its room."""
    with _lock:
        _watched.pop(session_id, None)


def watched(code: str) -> dict[str, str]:
    """This process's students of room ``code``: session id -> mode."""
    with _lock:
        return {sid: w.mode for sid, w in _watched.items() if w.code == code}


def ran(session_id: str) -> None:
    """The session's run has ended (``ui.room``): its turn goes to the next page waiting."""
    with _turns:
        if _running.pop(session_id, None) is not None:
            _turns.notify_all()


def _start() -> None:
    global _watcher
    with _lock:
        if _watcher is None or not _watcher.is_alive():
            _watcher = threading.Thread(target=_watch, name="lab-room-push", daemon=True)
            _watcher.start()
            threading.Thread(target=_take_turns, name="lab-room-turns", daemon=True).start()


def _watch() -> None:
    lab_room.listen()  # other processes' changes, with Redis
    count, beat = 0, 0.0
    while True:
        count = lab_room.changes(count, BEAT_SECONDS)
        try:
            _push()
            if time.monotonic() >= beat:
                beat = time.monotonic() + BEAT_SECONDS
                _beat()
        except Exception:  # noqa: BLE001 - the store failed: the pages say so; look again
            time.sleep(RETRY_SECONDS)


def _push() -> None:
    """Rerun every watched page whose room no longer matches what it shows."""
    rooms = lab_room.rooms()
    if rooms.degraded:  # Redis unreachable: this process's memory has no rooms to compare
        return
    with _lock:
        items = list(_watched.items())
    for code in {w.code for _, w in items}:
        room = rooms.get(code)
        asked = rooms.asked(code) if room else None
        for session_id, w in items:
            if w.code != code:
                continue
            now = lab_room.on_screen(room, asked, w.mode)
            if now != w.shown:
                session = _session(session_id)
                if session is not None:
                    w.shown = now  # asked for; the run records what it really shows
                    switch = w.mode == "follow" and room is not None and room.view.version \
                        and room.view.page != w.url_path
                    _queue(session_id, session, w.page, room.view.page if switch else None)


def _queue(session_id: str, *rerun) -> None:
    """A rerun for the session: at once if its turn is under way, else when a turn is free."""
    with _turns:
        if session_id in _running:
            _running[session_id] = time.monotonic() + TURN_SECONDS
            _rerun(*rerun)
        else:
            _waiting[session_id] = rerun
            _turns.notify_all()


def _take_turns() -> None:
    """Run the waiting pages :data:`AT_ONCE` at a time: a process's Python runs on one core,
    and each page run hands it to the server's loop for every message it sends, so thirty at
    once spend more of it handing over than running (the first page would also be last to
    end). The loop that sends a run's messages shares that core too: beside two runs it fell
    behind, and the messages of most followers went out together once the last run had ended
    (bench/RESULTS.md, "Followers one at a time"). In turns the first followers are drawn
    soonest, and the lecturer's next run waits for one run, not thirty."""
    with _turns:
        while True:
            now = time.monotonic()
            for session_id, end in list(_running.items()):
                if end <= now:
                    del _running[session_id]
            while _waiting and len(_running) < AT_ONCE:
                session_id = next(iter(_waiting))
                _running[session_id] = now + TURN_SECONDS
                _rerun(*_waiting.pop(session_id))
            _turns.wait(min(_running.values()) - now if _running else None)


def _rerun(session, page: str, switch: str | None = None) -> None:
    """Ask ``session`` to run its page again, as its browser would, on the server's loop; or,
    ``switch``, the lab's page of that name, with an empty URL (as ``st.switch_page`` in
    ``ui.room`` would: one run, not a run that switches)."""
    global reruns
    from streamlit.proto.ClientState_pb2 import ClientState

    def now() -> None:
        state = ClientState()
        state.CopyFrom(session._client_state)  # the page and URL its last run ended on
        if switch is not None:
            state.page_script_hash, state.page_name, state.query_string = "", switch, ""
        elif not state.page_script_hash:  # its first run has not ended yet
            state.page_script_hash = page
        session.request_rerun(state)

    reruns += 1
    try:
        session._event_loop.call_soon_threadsafe(now)
    except RuntimeError:  # its loop has closed: the session has ended (the beat forgets it)
        pass


def _beat() -> None:
    """Mark the connected students in their rooms; forget the sessions that ended."""
    manager = _manager()
    rooms = lab_room.rooms()
    with _lock:
        items = list(_watched.items())
    for session_id, w in items:
        if manager is None or manager.get_session_info(session_id) is None:
            forget(session_id)
        elif _session(session_id) is not None:
            rooms.seen(w.code, session_id, w.mode)
