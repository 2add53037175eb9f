"""A class's room: the lecturer's view, kept on the server for every process that serves it.

A lecturer opens a room and gets a short code; students join it with the code (or a link or QR
code that carries it) and follow the lecturer's view: the page and every declared control. The
room lives on the server, not in a browser: it survives the lecturer reloading the page, and
it ends when the lecturer ends it or after :data:`IDLE_SECONDS` without the lecturer.

Where it lives is a :class:`Backend`: this process's memory by default (``streamlit run``), or
Redis when ``LAB_REDIS_URL`` is set, so that every process behind ``deploy.serve`` sees the same
rooms. If Redis cannot be reached, :func:`rooms` falls back to memory and says so
(:attr:`Rooms.degraded`), and each process keeps working on its own.

Rights: only the lecturer key opens, steers or ends a room (:func:`lecturer_key`; from
``LAB_LECTURER_KEY``, or made at start and printed once in the server's log). A join code or a
link never carries it.

Everything here is plain data (JSON): the Streamlit side (``ui/room.py``) applies a view to the
widgets and publishes the lecturer's.

Every change to a room (its view, locks or question, an answer, its end) is signalled: to this
process at once (:func:`changes` returns), and, with Redis, to every other process through a
pub/sub channel per room (``lab:room:<code>:changed``, heard by :func:`listen`'s thread), so a
process can push the change to its own followers (``ui/push.py``) instead of their polling.

A room also keeps the question the lecturer asked (:class:`Asked`, a ``lab.questions`` question
with its answer computed from the lecturer's model) and the class's answers: one record per
student (a hash field, overwritten when the student changes it), at most :data:`MAX_ANSWERS`,
each a few dozen bytes (:data:`MAX_NAME_CHARS`; the answer within
``lab.questions.question.MAX_ANSWER_CHARS``). Answers are anonymous unless the lecturer asks for
names, and then a name is the student's choice.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import sys
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lab.core import cluster
from lab.core.cluster import Backend, MemoryBackend, RedisBackend  # noqa: F401 (re-exported)
from lab.core.errors import InvalidInput, LabError
from lab.core.i18n import t
from lab.questions.question import MAX_ANSWER_CHARS, Question

CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read off a projector
CODE_LENGTH = 5
IDLE_SECONDS = 4 * 3600  # a room without its lecturer for this long ends
MEMBER_SECONDS = 15.0  # a student not heard from for this long no longer counts
WAIT_STEP_SECONDS = 0.05  # how often a waiting follower looks at the store (another process)
PREFIX = "lab:room:"
_CHANGED = threading.Condition()  # a view published (here or, heard, elsewhere): waits look now
_ANSWERED = threading.Condition()  # an answer or a question changed
_ANY = threading.Condition()  # any room changed: :func:`changes`
_count = 0  # the changes this process knows of (under ``_ANY``)
CHANNEL = ":changed"  # a room's pub/sub channel: PREFIX + code + CHANNEL
LISTEN_RETRY_SECONDS = 2.0  # a listener that lost Redis tries again this often
MAX_ANSWERS = 500  # answers one question takes (a lecture hall)
MAX_NAME_CHARS = 40


@dataclass
class View:
    """What followers see: the lecturer's page, its control values and the page's own state
    (the XOR steps, the perceptron update reached: ``Controls.state``)."""

    page: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    state: dict[str, str] = field(default_factory=dict)
    play: dict[str, dict] = field(default_factory=dict)  # player key -> {"playing", "count"}
    version: int = 0  # grows with every change the lecturer publishes

    def same(self, other: "View") -> bool:
        return ((self.page, self.values, self.state, self.play)
                == (other.page, other.values, other.state, other.play))


@dataclass
class Room:
    code: str
    view: View
    created: float
    touched: float  # the lecturer's last sign of life
    locks: list[str] = field(default_factory=list)  # controls students may not move


@dataclass
class Asked:
    """The question the lecturer asked the room: the ``n``-th of this room."""

    n: int
    question: Question
    revealed: bool = False
    names: bool = False  # the lecturer asked for names; else answers are anonymous

    def encode(self) -> str:
        return json.dumps({"n": self.n, "question": self.question.to_json(),
                           "revealed": self.revealed, "names": self.names})

    @classmethod
    def decode(cls, text: str | None) -> "Asked | None":
        if not text:
            return None
        data = json.loads(text)
        return cls(data["n"], Question.from_json(data["question"]), data["revealed"],
                   data["names"])


@dataclass(frozen=True)
class Answer:
    given: str  # as typed or chosen
    at: float  # when (server time)
    name: str = ""  # only when the lecturer asked for names


def _encode(room: Room) -> str:
    return json.dumps({"code": room.code, "created": room.created, "touched": room.touched,
                       "locks": room.locks, "view": vars(room.view)})


def _decode(text: str | bytes | None) -> Room | None:
    if not text:
        return None
    data = json.loads(text)
    return Room(data["code"], View(**data["view"]), data["created"], data["touched"],
                list(data.get("locks", [])))


class Rooms:
    """Open, find, steer and end rooms; count who follows and who explores."""

    def __init__(self, backend: Backend, degraded: bool = False):
        self.backend = backend
        self.degraded = degraded  # Redis was asked for and could not be reached

    # --- The lecturer ------------------------------------------------------------------------
    def open(self, view: View | None = None) -> Room:
        now = time.time()
        for _ in range(100):
            code = "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))
            room = Room(code, view or View(), now, now)
            if self.backend.add(PREFIX + code, _encode(room), IDLE_SECONDS):
                return room
        raise LabError("room.err.full")  # 32**5 codes: a full store, not bad luck

    def newest(self) -> Room | None:
        """The lecturer's open room after a reload (the newest, if several are open)."""
        rooms = [self.get(k[len(PREFIX):]) for k in self.backend.keys(PREFIX)
                 if k.count(":") == PREFIX.count(":")]
        rooms = [r for r in rooms if r is not None]
        return max(rooms, key=lambda r: r.created) if rooms else None

    def publish(self, code: str, view: View, tell: bool = True) -> Room | None:
        """The lecturer's view now; a new version only when something changed, and then
        followers are told (:meth:`signal`) unless ``tell`` is False (the caller tells them
        once its view is whole)."""
        room = self.get(code)
        if room is None:
            return None
        changed = not view.same(room.view)
        if changed:
            view.version = room.view.version + 1
            room.view = view
        room.touched = time.time()
        self.backend.put(PREFIX + code, _encode(room), IDLE_SECONDS)
        if changed and tell:
            self._notify(code)
        return room

    def signal(self, code: str) -> None:
        """Tell followers to look at the room (a view kept untold)."""
        self._notify(code)

    def _notify(self, code: str, kind: str = "view") -> None:
        """Tell this process's waits (and, with Redis, every other process) that the room
        changed: ``view`` (its view, locks or end) or ``answers`` (its question, an answer)."""
        _wake(kind)
        if isinstance(self.backend, RedisBackend):
            try:
                self.backend.r.publish(PREFIX + normal_code(code) + CHANNEL, kind)
            except Exception:  # noqa: BLE001 - the change is stored; others see it at their beat
                pass

    def wait(self, code: str, version: int, locks: list[str], timeout: float) -> Room | None:
        """The room once its view's version or its locks differ from what a follower shows, or
        as it is after ``timeout`` seconds (None once it has ended). A change published by
        this process wakes the wait at once; one from another process (Redis) is seen within
        :data:`WAIT_STEP_SECONDS`."""
        deadline = time.monotonic() + timeout
        while True:
            room = self.get(code)
            if room is None or room.view.version != version or room.locks != locks:
                return room
            left = deadline - time.monotonic()
            if left <= 0:
                return room
            with _CHANGED:
                _CHANGED.wait(min(left, WAIT_STEP_SECONDS))

    def lock(self, code: str, keys: list[str]) -> Room | None:
        room = self.get(code)
        if room is None:
            return None
        room.locks = sorted(set(keys))
        room.view.version += 1  # followers re-read the locks with the view
        self.backend.put(PREFIX + code, _encode(room), IDLE_SECONDS)
        self._notify(code)
        return room

    def end(self, code: str) -> None:
        asked = self.asked(code)
        self.backend.delete(PREFIX + code, PREFIX + code + ":members", PREFIX + code + ":question",
                            *([self._answers_key(code, asked.n)] if asked else []))
        self._notify(code)
        self._notify(code, "answers")

    # --- A question to the class ---------------------------------------------------------------
    def ask(self, code: str, question: Question, names: bool = False) -> Asked | None:
        """The lecturer asks ``question`` (its answer computed from the lecturer's model); the
        previous question's answers go."""
        if self.get(code) is None:
            return None
        before = self.asked(code)
        asked = Asked(before.n + 1 if before else 1, question, names=names)
        if before:
            self.backend.delete(self._answers_key(code, before.n))
        self.backend.put(PREFIX + code + ":question", asked.encode(), IDLE_SECONDS)
        self._notify(code, "answers")
        return asked

    def asked(self, code: str) -> Asked | None:
        return Asked.decode(self.backend.get(PREFIX + normal_code(code) + ":question"))

    def reveal(self, code: str) -> Asked | None:
        """The lecturer shows the true value: answers are closed."""
        asked = self.asked(code)
        if asked is not None:
            asked.revealed = True
            self.backend.put(PREFIX + code + ":question", asked.encode(), IDLE_SECONDS)
            self._notify(code, "answers")
        return asked

    def close(self, code: str) -> None:
        """The lecturer takes the question down (and its answers)."""
        asked = self.asked(code)
        if asked is not None:
            self.backend.delete(PREFIX + code + ":question", self._answers_key(code, asked.n))
            self._notify(code, "answers")

    def answer(self, code: str, n: int, member: str, given: str, name: str = "") -> bool:
        """A student's answer to question ``n``: kept (replacing the student's earlier one)
        while that question is open and not full; False otherwise."""
        asked = self.asked(code)
        given = str(given).strip()
        if asked is None or asked.n != n or asked.revealed or not given \
                or len(given) > MAX_ANSWER_CHARS:
            return False
        key = self._answers_key(code, n)
        held = self.backend.marks(key)
        if member not in held and len(held) >= MAX_ANSWERS:
            return False
        name = " ".join(str(name).split())[:MAX_NAME_CHARS] if asked.names else ""
        self.backend.mark(key, member, json.dumps({"a": given, "at": round(time.time(), 3),
                                                   "name": name}), IDLE_SECONDS)
        self._notify(code, "answers")
        return True

    def answers(self, code: str, n: int) -> list[Answer]:
        """Question ``n``'s answers, in the order they came (one per student)."""
        out = []
        for text in self.backend.marks(self._answers_key(code, n)).values():
            data = json.loads(text)
            out.append(Answer(data["a"], data["at"], data.get("name", "")))
        return sorted(out, key=lambda a: a.at)

    def wait_answers(self, code: str, seen: tuple, timeout: float) -> tuple:
        """(asked, answers) once they differ from ``seen`` (what the projector shows: the
        question's number, whether it was revealed, and the answers' count), or after
        ``timeout`` seconds. Woken at once by this process, within :data:`WAIT_STEP_SECONDS`
        by another."""
        deadline = time.monotonic() + timeout
        while True:
            asked = self.asked(code)
            answers = self.answers(code, asked.n) if asked else []
            if shown(asked, answers) != tuple(seen) or time.monotonic() >= deadline:
                return asked, answers
            with _ANSWERED:
                _ANSWERED.wait(min(deadline - time.monotonic(), WAIT_STEP_SECONDS))

    def _answers_key(self, code: str, n: int) -> str:
        return f"{PREFIX}{normal_code(code)}:answers:{n}"


    # --- Everyone ----------------------------------------------------------------------------
    def get(self, code: str) -> Room | None:
        code = normal_code(code)
        return _decode(self.backend.get(PREFIX + code)) if code else None

    def join(self, code: str) -> Room:
        """The room a student typed; a message key if there is none."""
        if not normal_code(code):
            raise InvalidInput("room.err.code", length=CODE_LENGTH)
        room = self.get(code)
        if room is None:
            raise InvalidInput("room.err.no_room", code=normal_code(code))
        return room

    def seen(self, code: str, member: str, mode: str) -> None:
        """A student's sign of life: ``follow`` or ``explore``."""
        self.backend.mark(PREFIX + code + ":members", member, f"{mode} {time.time():.3f}",
                          IDLE_SECONDS)

    def counts(self, code: str) -> dict[str, int]:
        """How many students follow and how many explore (heard from recently)."""
        out = {"follow": 0, "explore": 0}
        now = time.time()
        for text in self.backend.marks(PREFIX + code + ":members").values():
            mode, _, when = text.partition(" ")
            if mode in out and now - float(when) <= MEMBER_SECONDS:
                out[mode] += 1
        return out


def shown(asked: Asked | None, answers: list[Answer]) -> tuple:
    """What a projector of the class's answers shows, in brief (its change wakes a wait)."""
    return (asked.n, asked.revealed, len(answers), max((a.at for a in answers), default=0)) \
        if asked else (0, False, 0, 0)


def on_screen(room: Room | None, asked: Asked | None, mode: str) -> tuple:
    """What a student's page shows of the room, in brief; when it differs from the room as it
    is, the page must run again (``ui/push.py``). A follower shows the view's version (a lock
    bumps it too), an explorer only the locks; both the question asked, and the room itself
    (an ended room: ``()``)."""
    if room is None:
        return ()
    return (room.view.version if mode == "follow" else None, tuple(room.locks),
            (asked.n, asked.revealed) if asked else (0, False))


def normal_code(text: str) -> str:
    """A typed code as stored (capitals, no spaces or dashes), or "" if it cannot be one."""
    code = "".join(str(text).split()).replace("-", "").upper()
    return code if len(code) == CODE_LENGTH and all(c in CODE_LETTERS for c in code) else ""


@lru_cache(maxsize=1)
def lecturer_key() -> str:
    """The secret that gives lecturer rights on this server: ``LAB_LECTURER_KEY``, or one made
    now and printed once in the server's log (the lecturer reads it from the terminal)."""
    key = os.environ.get("LAB_LECTURER_KEY", "").strip()
    if not key:
        key = secrets.token_urlsafe(9)
        print(t("room.key_printed", key=key), file=sys.stderr, flush=True)
    return key


def is_lecturer(text: str) -> bool:
    return bool(text) and hmac.compare_digest(str(text).strip().encode(),
                                              lecturer_key().encode())


def _wake(kind: str = "view") -> None:
    """A room changed (here, or heard from another process): wake whatever waits on it."""
    global _count
    condition = _ANSWERED if kind == "answers" else _CHANGED
    with condition:
        condition.notify_all()
    with _ANY:
        _count += 1
        _ANY.notify_all()


def changes(after: int, timeout: float) -> int:
    """How many room changes this process knows of, once more than ``after`` (or as it is after
    ``timeout`` seconds): a watcher passes back what it got, and wakes at the next change."""
    with _ANY:
        _ANY.wait_for(lambda: _count > after, timeout)
        return _count


_listening = threading.Lock()
_listener: threading.Thread | None = None


def listen() -> None:
    """Hear other processes' room changes from Redis (a daemon thread, started once; nothing
    without ``LAB_REDIS_URL``): each wakes this process's waits as a change made here does."""
    global _listener
    if not os.environ.get("LAB_REDIS_URL", "").strip():
        return
    with _listening:
        if _listener is None or not _listener.is_alive():
            _listener = threading.Thread(target=_hear, name="lab-room-listener", daemon=True)
            _listener.start()


def _hear() -> None:
    while True:
        redis = cluster.shared()
        if redis is None:  # not reachable now: cluster.shared tries again in its own time
            time.sleep(LISTEN_RETRY_SECONDS)
            continue
        try:
            with redis.r.pubsub(ignore_subscribe_messages=True) as channel:
                channel.psubscribe(PREFIX + "*" + CHANNEL)
                _wake()  # (re)connected: what changed meanwhile is looked at now
                while True:
                    message = channel.get_message(timeout=1.0)
                    if message is not None:
                        _wake("answers" if message.get("data") == "answers" else "view")
        except Exception:  # noqa: BLE001 - Redis gone: each process on its own, and retry
            time.sleep(LISTEN_RETRY_SECONDS)


_memory = MemoryBackend()  # this process's rooms, when no Redis is shared


def rooms() -> Rooms:
    """This process's rooms: in the server's Redis when there is one (``lab.core.cluster``), else
    in memory (``degraded`` when a Redis is set but cannot be reached)."""
    redis = cluster.shared()
    return Rooms(redis or _memory, degraded=redis is None and cluster.degraded())


def reset() -> None:
    """Forget this process's rooms and connections (tests)."""
    global _memory
    _memory = MemoryBackend()
    cluster.reset()
    lecturer_key.cache_clear()
