"""The room on screen: the lecturer opens it, students join and follow (``lab.classroom.room`` keeps it).

``app.py`` calls :func:`before` and :func:`sidebar` ahead of the page (a page may end its run
early with ``st.stop``) and :func:`after` once it has run:

- a follower's run first takes the lecturer's view: the page (switched to) and every control the
  page declares in ``ui/settings.py`` (written into the widgets before they are drawn);
- a student who moves a control is exploring on their own from then on, until "back to the
  lecturer"; a control the lecturer locked keeps the lecturer's value and is drawn disabled;
- the lecturer's run ends by publishing the view it drew, once (a page that ends its run early
  with ``st.stop`` publishes from :func:`publishing`, around the page).

A student's page runs again when the room changes, pushed by the server (``ui/push.py``): no
timer of its own runs while the lecturer does nothing. Where push cannot reach a session
(another Streamlit version), its sidebar polls the room twice a second instead (a fragment: no
page run unless the view changed). The lecturer's sidebar shows the room code, the join link
and its QR code, and how many students follow and explore.
"""

from __future__ import annotations

import io
import time
import uuid
from contextlib import contextmanager
from functools import lru_cache

import streamlit as st
from streamlit.runtime.scriptrunner import StopException, get_script_run_ctx

from lab.classroom import room as lab_room
from lab.core.errors import LabError, text_of
from lab.core.i18n import t
from ui import controls, frames_player, grid, player, push
from ui.catalog import LESSONS
from ui.navigation import HOME_SCRIPT
from ui.sidebar import base_url, forget_link_value

POLL_SECONDS = 0.5
WAIT_SECONDS = 0.4  # of each poll, a follower waits on the room for a change
ECHOES = 4  # values the room set lately that the browser may still send back
BEAT_SECONDS = 5.0  # a follower's sign of life (lab.classroom.room.MEMBER_SECONDS is 15)
KEY = "_room"  # session state: {"code", "role": "lecturer" | "student", "mode", ...}
PROJECTED_QR_PX = 560  # the join QR code on the projector: the code and link stay on screen


def _me() -> dict | None:
    return st.session_state.get(KEY)


def role() -> str | None:
    """``lecturer``, ``student`` (in a room), or None: alone, as on a laptop."""
    if get_script_run_ctx() is None:
        return None
    me = _me()
    return me["role"] if me else None


def _member() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else uuid.uuid4().hex


def _rooms() -> lab_room.Rooms | None:
    try:
        return lab_room.rooms()
    except Exception:  # noqa: BLE001 - whatever the store raised, the page goes on alone
        return None


DOWN = "_room_store_down"  # session key: the room's store failed on the last call
LINK_TRIED = "_room_link_tried"  # session key: the code of the join link last tried


def _safely(call, *args):
    """A call to the room's store; None (and a note in the sidebar) if the store failed."""
    try:
        result = call(*args)
    except LabError:
        raise
    except Exception:  # noqa: BLE001 - Redis gone mid-class: keep the page, say so
        st.session_state[DOWN] = True
        return None
    st.session_state[DOWN] = False
    return result


# --- Before and after the page ----------------------------------------------------------------
def _values(table, defaults: bool = False) -> dict:
    """The page's control values in this session (and the defaults of those not drawn yet),
    from one read of the session's state."""
    state = st.session_state.to_dict()
    return {c.key: _jsonable(state[c.key] if c.key in state else c.initial())
            for c in table if defaults or c.key in state}


def _jsonable(value):
    return list(value) if isinstance(value, tuple) else value


def before(url_path: str) -> None:
    """Join from a link (``?room=CODE``), then bring a follower to the lecturer's view."""
    code = st.query_params.get("room")
    if code and not _me() and st.session_state.get(LINK_TRIED) != code:
        st.session_state[LINK_TRIED] = code  # a wrong or ended room is said once, not each run
        _join(code)
        if error := st.session_state.get("_room_error"):
            st.toast(error, icon=":material/error:")  # a phone's sidebar, where it is too, is shut
    me = _me()
    if me and me["role"] == "lecturer":
        # kept now, told at the run's end (``after``, ``publishing``): a page may end its run
        # early (st.stop), and a player's state is known only after the page: one change a run
        _publish(url_path, tell=False)
    if not me or me["role"] != "student":
        return
    rooms = _rooms()
    room = _safely(rooms.get, me["code"]) if rooms else None
    if room is None:
        if not st.session_state.get(DOWN):
            _leave()
            st.toast(t("room.ended"), icon=":material/meeting_room:")
        return
    me["locks"] = list(room.locks)
    st.session_state[controls.LOCKED] = frozenset(room.locks)  # drawn disabled
    table = controls.REGISTRY.get(url_path)
    if table is not None and me["mode"] == "follow" and me.get("seen") is not None:
        # a value the room set a moment ago may come back from the browser after the next
        # one (its echo of the widget's change): that is no move of the student's
        recent = me.setdefault("recent", {})
        moved = {k for k, v in _values(table).items()
                 if me["seen"].get(k, v) != v and v not in recent.get(k, ())}
        if moved - set(room.locks):
            me["mode"] = "explore"  # the student moved a control: on their own from now
    st.session_state[player.FOLLOWING] = me["mode"] == "follow"
    st.session_state[frames_player.ROOM_FOLLOW] = room.view.play if me["mode"] == "follow" \
        else {}
    if me["mode"] == "follow":
        _take(room.view, url_path)
        if table is not None:
            _summary(table, room.view.values)
    elif table is not None:  # exploring: locked controls still keep the lecturer's value
        _apply({k: v for k, v in room.view.values.items() if k in room.locks}, table)
    me["version"] = room.view.version
    asked = _safely(rooms.asked, me["code"])
    ctx = get_script_run_ctx()
    me["push"] = push.show(_member(), me["code"], me["mode"],
                           lab_room.on_screen(room, asked, me["mode"]), url_path,
                           ctx.page_script_hash if ctx else "")


def pushed() -> bool:
    """Whether the server reruns this student's page when the room changes (``ui/push.py``):
    then no fragment of the page polls the room."""
    return bool((_me() or {}).get("push"))


def folded() -> bool:
    """Whether this session's page controls fold away on a phone: a follower who has not asked
    to see them (``ui.presenter.FOLLOWER_PHONE``)."""
    me = _me()
    return bool(me and me["role"] == "student" and me["mode"] == "follow"
                and not st.session_state.get("_room_show_controls", False))


def _summary(table, values: dict) -> None:
    """A follower's line of the lecturer's settings (those not at their defaults) above the
    page, with the switch that unfolds the controls on a phone."""
    shown = [f"{t(table[k].label)} {_worded(table[k], v)}"
             for k, v in table.changed(values).items()
             if table[k].kind not in ("text", "text_area")]  # typed text: not in Markdown
    with st.container(key="room_summary"):
        st.caption(t("room.summary", values=" · ".join(shown) or t("room.defaults")))
        st.toggle(t("room.show_controls"), key="_room_show_controls")


def _worded(control, value) -> str:
    values = value if control.kind == "multiselect" else [value]
    return ", ".join(control.shown(v) for v in values)


def _take(view: lab_room.View, url_path: str) -> None:
    if view.page != url_path and view.version:
        # an empty query: Streamlit refuses to clear one whose parameters are bound to widgets
        # (a link's language); the widgets write their own back
        st.switch_page(_script(view.page), query_params={})
    table = controls.REGISTRY.get(url_path)
    if table is None:
        return
    _apply(view.values, table)
    for name in table.state:
        if name in view.state and st.query_params.get(name) != view.state[name]:
            st.query_params[name] = view.state[name]
        elif name not in view.state and name in st.query_params:
            del st.query_params[name]


def _apply(values: dict, table) -> None:
    known = {k: v for k, v in values.items() if k in table.by_key and table[k].valid(
        tuple(v) if isinstance(v, list) else v)}
    now = _values(table)
    change = {k: v for k, v in known.items() if now.get(k) != v}
    recent = _me().setdefault("recent", {})  # the last few values the room gave each control
    for key, value in change.items():
        recent[key] = (recent.get(key, []) + [value])[-ECHOES:]
        forget_link_value(key)  # the room's value, not a link's, seeds the widget
    table.apply(change)


def _script(url_path: str) -> str:
    return next((l.script for l in LESSONS if l.url_path == url_path), HOME_SCRIPT)


@contextmanager
def publishing(url_path: str):
    """Around the page: a lecturer's page that ends its run early (``st.stop``: a training not
    pressed yet) tells the followers of the view ``before`` kept, and a student's gives its turn
    to the next pushed page (``after`` does both for the others). Nothing of Streamlit can be
    read once a run stops, so the room and the session are taken now."""
    me, rooms, member = _me(), _rooms(), _member()
    try:
        yield
    except StopException:
        push.ran(member)
        if me and me["role"] == "lecturer" and rooms is not None:
            try:
                rooms.signal(me["code"])
            except Exception:  # noqa: BLE001 - the store is down: the next run says so
                pass
        raise


def after(url_path: str) -> None:
    """The lecturer publishes the view just drawn; a follower notes what it shows."""
    me = _me()
    rooms = _rooms()
    if not me or rooms is None:
        return
    if me["role"] == "lecturer":
        _publish(url_path)
    else:
        table = controls.REGISTRY.get(url_path)
        me["seen"] = _values(table) if table else {}
        _safely(rooms.seen, me["code"], _member(), me["mode"])
        push.ran(_member())  # the next pushed page may run


def _publish(url_path: str, tell: bool = True) -> None:
    """The lecturer's view into the room; ``tell``: and followers told of a change (of this
    call's, or of one kept untold earlier in the run)."""
    me, rooms = _me(), _rooms()
    if rooms is None:
        return
    table = controls.REGISTRY.get(url_path)
    view = lab_room.View(url_path, _values(table, defaults=True) if table else {},
                         {n: st.query_params[n] for n in (table.state if table else ())
                          if n in st.query_params},
                         dict(st.session_state.get(frames_player.ROOM_PLAY, {})))
    room = _safely(rooms.publish, me["code"], view, False)
    if room is None:
        if not st.session_state.get(DOWN):
            _leave()  # ended elsewhere (another tab, the timeout)
        return
    if tell and me.get("told") != room.view.version:
        _safely(rooms.signal, me["code"])
        me["told"] = room.view.version


# --- The sidebar ----------------------------------------------------------------------------------
def sidebar(url_path: str) -> None:
    """The room's part of the sidebar: join or open one, or the room one is in."""
    with st.expander(t("room.title"), icon=":material/groups:", expanded=bool(_me())):
        rooms = _rooms()
        if rooms is None or rooms.degraded or st.session_state.get(DOWN):
            st.warning(t("room.store_down"), icon=":material/cloud_off:")
        if rooms is None:
            return
        me = _me()
        if me is None:
            _join_or_open(rooms)
        elif me["role"] == "lecturer":
            _lecturer_panel(rooms, me, url_path)
        else:
            _student_panel(me)


def _leave() -> None:
    push.forget(_member())
    for key in (KEY, controls.LOCKED, player.FOLLOWING, frames_player.ROOM_FOLLOW):
        st.session_state.pop(key, None)


def _join(code: str) -> None:
    rooms = _rooms()
    if rooms is None:
        return
    try:
        room = rooms.join(code)
    except LabError as err:
        st.session_state["_room_error"] = text_of(err)
        return
    st.session_state[KEY] = {"code": room.code, "role": "student", "mode": "follow",
                             "version": -1, "seen": None, "locks": list(room.locks)}


def _join_or_open(rooms: lab_room.Rooms) -> None:
    with st.form("room_join", border=False):
        code = st.text_input(t("room.code"), max_chars=12, placeholder="ABC23", key="_room_code")
        if st.form_submit_button(t("room.join"), icon=":material/login:", key="_room_join"):
            _join(code)
            if _me():
                st.rerun()
    error = st.session_state.pop("_room_error", None)
    if error:
        st.error(error, icon=":material/error:")
    with st.form("room_open", border=False):
        key = st.text_input(t("room.key"), type="password", help=t("room.key_help"),
                            key="_room_key")
        if st.form_submit_button(t("room.open"), icon=":material/co_present:",
                                 key="_room_open"):
            if not lab_room.is_lecturer(key):
                st.error(t("room.err.key"), icon=":material/key_off:")
            else:
                room = _safely(rooms.newest) or _safely(rooms.open)
                if room is not None:
                    st.session_state[KEY] = {"code": room.code, "role": "lecturer"}
                    st.rerun()


def join_link(code: str, url_path: str) -> str:
    return f"{base_url(url_path)}/?room={code}"


@lru_cache(maxsize=32)
def _qr_png(text: str) -> bytes:
    import qrcode

    image = qrcode.make(text, border=2, box_size=10)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _lecturer_panel(rooms: lab_room.Rooms, me: dict, url_path: str) -> None:
    st.markdown(t("room.code_is", code=me["code"]))
    link = join_link(me["code"], url_path)
    st.image(_qr_png(link), caption=t("room.scan"), width="stretch")
    st.code(link, language=None, wrap_lines=True)
    if st.button(t("room.project"), icon=":material/qr_code_2:", key="_room_project"):
        _projected(me["code"], link)
    _counts(rooms, me["code"])
    table = controls.REGISTRY.get(url_path)
    if table is not None and len(list(table)):
        room = _safely(rooms.get, me["code"])
        held = set(room.locks) if room else set()
        mine = [c.key for c in table]
        chosen = st.multiselect(t("room.locks"), mine, [k for k in mine if k in held],
                                format_func=lambda k: t(table[k].label),
                                help=t("room.locks_help"), key=f"_room_locks_{url_path}")
        if room is not None and set(chosen) != held & set(mine):
            _safely(rooms.lock, me["code"], sorted((held - set(mine)) | set(chosen)))
    grid.panel()  # the exploration grid the lecturer prepares for the room (ui/grid.py)
    if st.button(t("room.end"), icon=":material/logout:"):
        _safely(rooms.end, me["code"])
        _leave()
        st.rerun()


@st.dialog(" ", width="large")
def _projected(code: str, link: str) -> None:
    """The join code and its QR code as large as the screen allows, for the back rows."""
    st.title(t("room.join_title", code=code))
    st.image(_qr_png(link), width=PROJECTED_QR_PX)
    st.code(link, language=None, wrap_lines=True)


@st.fragment(run_every=2.0)
def _counts(rooms: lab_room.Rooms, code: str) -> None:
    n = _safely(rooms.counts, code) or {"follow": 0, "explore": 0}
    st.caption(t("room.counts", follow=n["follow"], explore=n["explore"]))


def _student_panel(me: dict) -> None:
    st.markdown(t("room.in_room", code=me["code"]))
    if me["mode"] == "follow":
        st.caption(t("room.following"))
    else:
        st.caption(t("room.exploring"))
        if st.button(t("room.back"), icon=":material/sync:", type="primary"):
            me["mode"], me["seen"] = "follow", None
            st.rerun()
    if st.button(t("room.leave"), icon=":material/logout:"):
        _leave()
        if "room" in st.query_params:
            del st.query_params["room"]
        st.rerun()
    if not pushed():
        _poll()


def _alone() -> bool:
    """Whether this run reruns one fragment alone (its timer's): not the whole page, nor other
    fragments queued with it (the class question's, whose tick would wait behind the poll)."""
    ctx = get_script_run_ctx()
    return ctx is not None and len(ctx.fragment_ids_this_run or ()) == 1


@st.fragment(run_every=POLL_SECONDS)
def _poll() -> None:
    """A follower's watch on the room: the whole page runs again only when the view changed."""
    me = _me()
    rooms = _rooms()
    if not me or me["role"] != "student" or rooms is None:
        return
    # a follower waits here for the lecturer's next change (most of the poll's period), so
    # the page follows at once instead of at the next tick; an explorer only looks (its own
    # moves must not wait behind this fragment). Within a run of the whole page it only looks
    # too: the page below it waits for the sidebar, and ``before`` has just read the room.
    version = me.get("version") if me["mode"] == "follow" else None
    wait = WAIT_SECONDS if me["mode"] == "follow" and _alone() else 0.0
    room = _safely(rooms.wait, me["code"], version, me.get("locks", []), wait)
    if st.session_state.get(DOWN):
        return  # the sidebar says so; the page stays as it is
    if room is None or (me["mode"] == "follow" and room.view.version != me.get("version")) \
            or list(room.locks) != me.get("locks"):
        st.rerun(scope="app")
    now = time.monotonic()
    if now - me.get("beat", 0.0) >= BEAT_SECONDS:  # still here, for the lecturer's counts
        me["beat"] = now
        _safely(rooms.seen, me["code"], _member(), me["mode"])
