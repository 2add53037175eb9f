"""The "Question" panel at the end of every lesson page (``app.py`` draws it after the page).

Alone, a student picks one of the page's questions (``lab.questions``: the answer computed from
this session's settings and player), answers, presses Check and reads the explanation. A point
question is answered by clicking a point of its figure (:func:`clicked` reads the chart's
selection); on the projector its figure counts each point's clicks and Reveal rings the true one.

In a room (``ui.room``), the lecturer picks a question and asks the class: the question, with
its answer computed from the lecturer's model, goes into the room (``lab.classroom.room``).
Students see it on their laptops and send an answer (they may change it until the reveal). The
lecturer's panel, on the projector, shows the class's answers as they come (a histogram for a
number, counts for a choice), and Reveal shows the true value, the lecture's printed value
where it differs, and the explanation. Answers are anonymous unless the lecturer asks for
names; the lecturer downloads them as CSV. Without a room, no class answers are shown.
"""

from __future__ import annotations

import json
import uuid
import zlib

import pandas as pd
import streamlit as st

from lab.classroom import room as lab_room
from lab.core.byte_cache import ByteLRU
from lab.core.i18n import t
from lab.figures.questions import point_figure
from lab.questions import PAGES, Question, for_page
from lab.questions.question import MAX_ANSWER_CHARS, number
from ui import controls, presenter, room
from ui.charts import chart
from ui.safe import md

PLAYERS = ("perceptron", "xor")  # pages whose questions read the player's state
SETTINGS_ONLY = ("gates", "rnn", "structures", "text")  # pages whose questions read their
# settings only (no player, no trained model from a store): worked out once a view for the room
LECTURER_POLL = 0.3  # the projector's answers: a fragment this often, waiting most of it
LECTURER_WAIT = 0.25  # (an answer in the gap waits for the next: p95 in bench/RESULTS.md)
STUDENT_POLL = 1.0  # a student's look at the room for a new question or the reveal
FULL_RUN = "_q_full_run"  # session: the projector is drawn by the page's run, not its timer
OPEN = "q_open"  # session: the question panel is open (its lazy expander)
PICK = "q_pick_{page}"  # the choice of the page's question (its radio's key)


def player_state() -> dict:
    """The players' states in this session, read only (``ui.frames_player`` keeps each under
    ``<key>_state``): the perceptron's update reached, the XOR network's run."""
    return {key: st.session_state.get(f"{key}_state") for key in PLAYERS}


def settings(url_path: str) -> dict:
    """The page's control values in this session (``ui.settings``; defaults where not drawn).

    The session's state is read once, as a dict (each ``st.session_state`` lookup goes through
    the run's context and its lock)."""
    table, state = controls.REGISTRY[url_path], st.session_state.to_dict()
    return {c.key: state[c.key] if c.key in state else c.initial() for c in table}


def prompt(q: Question) -> str:
    """The question in words, its fields escaped (typed words reach it)."""
    return t(f"questions.{q.id}.prompt", **_escaped(q))


def explanation(q: Question) -> str:
    return t(f"questions.{q.id}.{q.explain}", **_escaped(q), answer=md(_truth(q)))


def _escaped(q: Question) -> dict:
    return {k: md(v) for k, v in q.fields.items()}


def _truth(q: Question) -> str:
    return option(q, q.answer) if q.kind == "choice" else q.shown()


def option(q: Question, value) -> str:
    return t(f"questions.option.{value}") if q.worded else str(value)


def _tolerance(q: Question) -> str:
    if q.kind == "point":
        return (t("questions.ui.point_tolerance", tolerance=f"{q.tolerance:g}") if q.tolerance
                else t("questions.ui.point_also") if q.also else t("questions.ui.point_exact"))
    if q.kind != "numeric":
        return ""
    if q.tolerance:
        return t("questions.ui.tolerance", tolerance=f"{q.tolerance:.3g}")
    return t("questions.ui.exact")


def _reveal(q: Question) -> None:
    """The true value, the lecture's printed value where it differs, and the explanation."""
    st.success(t("questions.ui.revealed", answer=md(_truth(q))), icon=":material/task_alt:")
    _lecture_and_why(q)


def _lecture_and_why(q: Question) -> None:
    """The lecture's printed value where it differs from the true one, then the explanation."""
    if q.lecture is not None:
        st.warning(t("questions.ui.lecture", lecture=md(q.printed()),
                     answer=md(_truth(q))), icon=":material/menu_book:")
    st.markdown(explanation(q))


def panel(url_path: str, before: bool = False) -> None:
    """The page's question panel, shown at the page's end: in a room, the class's question
    first (the lecturer's projector of the answers, or a student's answer box); then the
    page's questions, to ask the class (the lecturer) or to check oneself.

    ``app.py`` calls this before the page (``before``) and after it. A page whose questions
    read the player's state is drawn after the page, which has just stepped it (such a page
    never stops early); every other page's before it, since a page may end its run early
    (``st.stop``: a training not pressed yet) and its questions need only its settings. The
    stylesheet ``ui.presenter.QUESTIONS_LAST`` moves a panel drawn first to the page's end."""
    if url_path not in PAGES or url_path not in controls.REGISTRY:
        return
    if before == (url_path in PLAYERS):
        return
    me = room.role()
    code = (st.session_state.get(room.KEY) or {}).get("code")
    rooms = _rooms() if me and code else None
    with st.container(key="q_panel"):
        st.html(presenter.QUESTIONS_LAST)
        if me == "student" and rooms is not None:
            _class_question(rooms, code)
        elif rooms is not None and rooms.asked(code) is not None:  # (no poll while none is)
            st.session_state[FULL_RUN] = True  # the page's run: the projector draws at once
            _projector(rooms, code)
        # Mostly kept shut (a room's students rerun on every move; a student exploring alone
        # on every new setting, before the page asks for its training): worked out only while
        # open (Streamlit's lazy expander: a click on it reruns). What was picked and typed in
        # it is kept while it is shut.
        box = st.expander(t("questions.ui.title"), icon=":material/quiz:", key=OPEN,
                          on_change="rerun")
        if not box.open:
            return
        with box:
            if me == "lecturer" and rooms is not None:
                _ask(url_path, rooms, code)
            else:
                _alone(url_path)


def _rooms() -> lab_room.Rooms | None:
    try:
        return lab_room.rooms()
    except Exception:  # noqa: BLE001 - the room's store is down: ui.room says so; alone here
        return None


def _member() -> str:
    """This browser session, by a random name of its own: the room keeps one answer per member
    (never shown, and not the session's id)."""
    return st.session_state.setdefault("_q_member", uuid.uuid4().hex)


# --- Alone: self-checks -------------------------------------------------------------------------
def questions_for(url_path: str) -> list[Question]:
    """The page's questions in this session's live state; on a ``SETTINGS_ONLY`` page, the
    ones worked out for these settings by any session (a room's followers share the
    lecturer's; a question is never changed once made)."""
    values = settings(url_path)
    if url_path in SETTINGS_ONLY:  # (a plain cache: a follower's rerun reads it every run)
        return list(FOR_SETTINGS.get((url_path, repr(sorted(values.items()))),
                                     lambda: tuple(for_page(url_path, values))))
    return for_page(url_path, values, player_state())


FOR_SETTINGS = ByteLRU(64, lambda questions: 1)  # (page, its settings' repr) -> questions


def _pick(url_path: str, key: str) -> Question | None:
    questions = questions_for(url_path)
    if not questions:
        return None
    ids = [q.id for q in questions]
    chosen = st.radio(t("questions.ui.pick"), ids, key=key, horizontal=True,
                      format_func=lambda i: str(ids.index(i) + 1), persist_state="page")
    return questions[ids.index(chosen)] if chosen in ids else questions[0]


@st.fragment
def _alone(url_path: str) -> None:
    """A self-check: after Check, right or wrong, the lecture's value where it differs and the
    explanation; a point question's figure then rings the true point beside the one clicked
    (Check's callback says so before the figure is drawn)."""
    q = _pick(url_path, PICK.format(page=url_path))
    if q is None:
        return
    _asked(q)
    flag = f"q_checking_{q.id}"
    checked = st.session_state.pop(flag, False)
    picked = _point_input(q, f"q_point_{q.id}", ringed=checked) if q.kind == "point" else None
    with st.form(f"q_form_{q.id}", border=False):
        given = picked if q.kind == "point" else _input(q, f"q_given_{q.id}")
        st.form_submit_button(t("questions.ui.check"), icon=":material/check:",
                              on_click=st.session_state.__setitem__, args=(flag, True))
    if checked and given is None and q.kind == "point":
        st.warning(t("questions.ui.no_click"))
    if checked and given is not None:
        if q.kind == "numeric" and number(given) is None:
            st.warning(t("questions.ui.not_number"))
            return
        if q.correct(given):
            st.success(t("questions.ui.right", answer=md(_truth(q))), icon=":material/check:")
        else:
            st.error(t("questions.ui.wrong", answer=md(_truth(q))), icon=":material/close:")
        _lecture_and_why(q)


def _asked(q: Question, clicks: bool = False) -> None:
    """The question, and how close an answer must be: for a number, and for a point where no
    one clicks it here (``clicks``: the lecturer's panel; a click's caption says it otherwise)."""
    st.markdown(prompt(q))
    if q.kind == "numeric" or clicks and q.kind == "point":
        st.caption(_tolerance(q))


def _input(q: Question, key: str):
    """A number box (typed: ``1,234`` or ``1.2e-5`` are read) or the choice's options."""
    if q.kind == "numeric":
        return st.text_input(t("questions.ui.answer"), key=key, max_chars=MAX_ANSWER_CHARS,
                             persist_state="page")  # (kept while a student's panel is shut)
    return st.radio(t("questions.ui.choose"), list(q.options), index=None, key=key,
                    format_func=lambda o: md(option(q, o)), persist_state="page")


def _point_input(q: Question, key: str, ringed: bool = False) -> str | None:
    """A point question's figure, to click a point on (outside the form: a click reruns the
    panel and says which point it is), the point clicked crossed and, ``ringed``, the true one
    ringed; the point clicked, as sent, or None.

    The click is kept in the session (``<key>_mine``, with the figure it was made on): a figure
    drawn otherwise (crossed, ringed) is a new chart to Streamlit, without the selection, and a
    new question's figure starts with no click."""
    figure = f"{zlib.crc32(json.dumps(q.plot, sort_keys=True).encode()):x}"
    chart_key, kept = f"{key}_{figure}", f"{key}_mine"
    now = clicked(q, st.session_state.get(chart_key))  # the click that made this run
    if now is not None:
        st.session_state[kept] = (figure, now)
    on, given = st.session_state.get(kept, (None, None))
    given = given if on == figure else None
    mine = None if given is None else q.options.index(q.point(given))
    truth = q.options.index(q.answer) if ringed and given is not None else None
    st.plotly_chart(point_figure(q.plot, truth=truth, mine=mine), key=chart_key,
                    on_select="rerun", selection_mode="points")
    said = t("questions.ui.clicked", answer=md(q.shown(given))) if given is not None \
        else t("questions.ui.click")
    st.caption(f"{said} {_tolerance(q)}")  # how close a click must be, before and after it
    return given


def clicked(q: Question, event) -> str | None:
    """The point a chart's selection event names, as a student's answer (the point's id): the
    last one selected on the question's points (trace 0; a ring or line drawn over them is
    another trace); None when no point of the question is selected."""
    points = ((event or {}).get("selection") or {}).get("points") or []
    for p in reversed(points):
        i = p.get("point_index", p.get("point_number"))
        if p.get("curve_number", 0) == 0 and isinstance(i, int) and 0 <= i < len(q.options):
            return str(q.options[i])
    return None


# --- In a room: the lecturer asks, the projector shows the answers ------------------------------
def _ask(url_path: str, rooms: lab_room.Rooms, code: str) -> None:
    """The lecturer picks one of the page's questions (computed from the lecturer's model)."""
    q = _pick(url_path, PICK.format(page=url_path))
    if q is None:
        return
    _asked(q, clicks=True)
    if q.kind == "point":  # what the class will click on
        chart(point_figure(q.plot), key="q_ask_figure")
    c1, c2 = st.columns(2)
    c2.toggle(t("questions.ui.names"), key="q_names", help=t("questions.ui.names_help"))
    c1.button(t("questions.ui.ask"), icon=":material/campaign:", key="q_ask", type="primary",
              on_click=lambda: rooms.ask(code, q, names=st.session_state.get("q_names", False)))


@st.fragment(run_every=LECTURER_POLL)
def _projector(rooms: lab_room.Rooms, code: str) -> None:
    """The class's answers, live: the fragment waits up to ``LECTURER_WAIT`` for a change."""
    seen = st.session_state.get("_q_seen", lab_room.shown(None, []))
    waits = seen[0] and not st.session_state.pop(FULL_RUN, False)  # only its own timer's runs
    asked, answers = rooms.wait_answers(code, seen, LECTURER_WAIT if waits else 0.0)
    st.session_state["_q_seen"] = lab_room.shown(asked, answers)
    if asked is None:
        return
    q = asked.question
    st.markdown(f"**{t('questions.ui.asked', n=asked.n)}**")
    _asked(q, clicks=True)
    if q.kind == "point":  # the question's figure, each point's clicks on it
        truth = q.options.index(q.answer) if asked.revealed else None
        chart(point_figure(q.plot, q.counts([a.given for a in answers]), truth,
                           height=presenter.ANSWERS_HEIGHT), key="q_answers")
    elif answers:  # the count under the chart: once it is on screen, so is the chart
        chart(presenter.answers_figure(q, [a.given for a in answers], asked.revealed,
                                       option), key="q_answers")
    st.caption(t("questions.ui.answers", n=len(answers)) if answers
               else t("questions.ui.no_answers"))
    c1, c2, c3 = st.columns(3)
    if not asked.revealed:  # pressed, it reveals before the panel draws again
        c1.button(t("questions.ui.reveal"), icon=":material/visibility:", key="q_reveal",
                  type="primary", on_click=rooms.reveal, args=(code,))
    c2.button(t("questions.ui.stop"), icon=":material/close:", key="q_close",
              on_click=rooms.close, args=(code,))
    c3.download_button(t("questions.ui.download"), answers_csv(asked, answers),
                       f"answers_{code}_{asked.n}.csv", "text/csv", key="q_download")
    if asked.revealed:
        right = sum(q.correct(a.given) for a in answers)
        st.caption(t("questions.ui.right_count", right=right, n=len(answers)))
        _reveal(q)


def answers_csv(asked: lab_room.Asked, answers: list[lab_room.Answer]) -> bytes:
    """One row per student, in the order they answered, as a lecturer reads it in a spreadsheet:
    the answer as the page writes it (a point's label, a choice's words in the lecturer's
    language), beside it the id it was sent as (a point's or a worded choice's), whether it is
    right, the seconds since the first answer; no session, no address; a name only when the
    lecturer asked for names; the headers in the lecturer's language (lab/locales answers.*), the
    id column named "id". UTF-8 with a byte order mark: a spreadsheet then reads Korean."""
    q = asked.question
    ids = ["id"] if q.kind == "point" or q.worded else []
    start = min((a.at for a in answers), default=0.0)
    rows = [{"answer": written(q, a.given), "id": a.given, "right": q.correct(a.given),
             "seconds": round(a.at - start, 3), "name": a.name} for a in answers]
    columns = ["answer", *ids, "right", "seconds"] + (["name"] if asked.names else [])
    frame = pd.DataFrame(rows, columns=columns).rename(
        columns={c: t(f"answers.{c}") for c in columns if c != "id"})
    return frame.to_csv(index=False).encode("utf-8-sig")


def written(q: Question, given: str) -> str:
    """A student's answer as the page writes it: a choice's words, a point's label, a number as
    typed."""
    return option(q, given) if q.kind == "choice" else q.shown(given) if q.kind == "point" \
        else given


# --- In a room: a student answers ---------------------------------------------------------------
def _class_question(rooms: lab_room.Rooms, code: str) -> None:
    """A fragment: its own timer looks for a new question or the reveal, unless the server
    reruns the student's page on them (``ui.room.pushed``); then, while no question is asked,
    there is no fragment at all (the page runs again when one is)."""
    pushed = room.pushed()
    if pushed and rooms.asked(code) is None:
        return
    st.fragment(run_every=None if pushed else STUDENT_POLL)(_class_question_now)(rooms, code)


def _class_question_now(rooms: lab_room.Rooms, code: str) -> None:
    """The lecturer's question (or, while none is asked, nothing from the class): Send keeps
    this student's answer in the room, Reveal shows the truth."""
    asked = rooms.asked(code)
    if asked is None:
        return
    q = asked.question
    mine = st.session_state.setdefault("_q_mine", {})
    if st.session_state.get("_q_told") != asked.n:  # a new question: say so once
        st.session_state["_q_told"] = asked.n
        st.toast(t("questions.ui.waiting"), icon=":material/quiz:")
    st.markdown(f"**{t('questions.ui.asked', n=asked.n)}**")
    _asked(q)
    if asked.revealed:
        if asked.n in mine:
            right = q.correct(mine[asked.n])
            (st.success if right else st.error)(
                t("questions.ui.right" if right else "questions.ui.wrong",
                  answer=md(_truth(q))))
        if q.kind == "point":  # the true point ringed on the figure clicked, the one sent crossed
            sent = q.point(mine.get(asked.n))
            chart(point_figure(q.plot, truth=q.options.index(q.answer),
                               mine=None if sent is None else q.options.index(sent)),
                  key=f"q_truth_{asked.n}")
        _reveal(q)
        return
    st.caption(t("questions.ui.waiting"))
    picked = _point_input(q, f"q_room_point_{asked.n}") if q.kind == "point" else None
    with st.form(f"q_room_{asked.n}", border=False):
        given = picked if q.kind == "point" else _input(q, f"q_room_given_{asked.n}")
        name = st.text_input(t("questions.ui.name"), key="q_name",
                             max_chars=lab_room.MAX_NAME_CHARS) if asked.names else ""
        sent = st.form_submit_button(t("questions.ui.send"), icon=":material/send:",
                                     key=f"q_send_{asked.n}")
    if sent and given is None and q.kind == "point":
        st.warning(t("questions.ui.no_click"))
    if sent and given is not None:
        if q.kind == "numeric" and number(given) is None:
            st.warning(t("questions.ui.not_number"))
        elif rooms.answer(code, asked.n, _member(), str(given), name):
            mine[asked.n] = str(given)
        else:
            st.warning(t("questions.ui.full"))
    if asked.n in mine:
        st.caption(t("questions.ui.sent", answer=md(written(q, mine[asked.n]))))
