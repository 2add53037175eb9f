"""The sidebar every page shares: language, presenter mode, and the link to the view."""

from __future__ import annotations

import math
from urllib.parse import urlsplit

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lab.core import i18n
from lab.core.i18n import t
from ui.controls import REGISTRY, forget_link_value, query_of
from ui.safe import md
from ui.settings import SIDEBAR  # (declares every page's controls)

URL_SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~,")


def session_language() -> str:
    """The language the session's sidebar switch picked (English outside a Streamlit run).

    ``app.py`` installs this as ``lab.core.i18n``'s language source: every ``t()`` of a run
    asks it, so it reads the run's session state itself, not through ``st.session_state``
    (the same value, with one lookup of the run's context instead of several)."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return i18n.DEFAULT
    try:
        return ctx.session_state["lang"]
    except KeyError:
        return i18n.DEFAULT


def _reword_link() -> None:
    """After a language switch, write again every worded choice on screen: the URL holds an
    option as it is shown, so its words must be the new language's (as the link's ``lang``)."""
    for table in REGISTRY.values():
        for c in table:
            if c.names and c.key != "lang" and c.key in st.session_state:
                st.session_state[c.key] = st.session_state[c.key]


def _language_by_code() -> None:
    """A link typed by hand may name its language by its code (``?lang=ko``); the switch, bound
    to the URL, reads a language by its shown name (``?lang=한국어``), as every worded choice in
    a link: the code is read as that name. Streamlit's copy of the link has no public setter."""
    ctx = get_script_run_ctx()
    if ctx is None:  # app.py imported outside a run (a training child's fork server)
        return
    link = ctx.session_state._state.query_params
    raw, names = link.get_initial_value("lang"), i18n.languages()
    if isinstance(raw, str) and raw in names:
        link._initial_query_params["lang"] = [names[raw]]
        opened = st.session_state.get("_link_opened") or {}
        if "lang" in opened:  # read as its name: no "could not be used" notice for it
            opened["lang"] = [names[raw]]


def shared_sidebar():
    """Draw the sidebar's settings; returns the slots for the room and the link, filled once
    the page has run.

    Drawn before the navigation: a link's language (bound to the URL) names the pages."""
    _language_by_code()
    with st.sidebar:
        SIDEBAR.draw("lang", on_change=_reword_link)
        SIDEBAR.draw("presenter")
        room = st.container()  # filled once the page has run (ui.room.sidebar)
        slot = st.container()
        st.caption(t("sidebar.about"))
    return room, slot


def _finite(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def remember_link() -> None:
    """On a session's first run: the address it was opened with, to name what a link got wrong.

    A number Streamlit cannot hold (``1e400`` in an integer box) is taken out of the link
    before any widget reads it: Streamlit 1.67 raises OverflowError on it instead of dropping
    it (checked by tests/test_classroom.py's ``1e400`` case)."""
    if "_link_opened" in st.session_state:
        return
    st.session_state._link_opened = {k: st.query_params.get_all(k) for k in st.query_params}
    for table in REGISTRY.values():
        for c in table:
            if c.kind in ("slider", "number") and c.key in st.query_params and not all(
                    _finite(v) for v in st.query_params.get_all(c.key)):
                forget_link_value(c.key)


def name_dropped_values(url_path: str) -> None:
    """After the page's first run: a notice naming the link's values that could not be used
    (Streamlit drops them silently and the widget keeps its default)."""
    opened = st.session_state.get("_link_opened")
    if not opened:
        return
    st.session_state._link_opened = {}
    bad = [f"{c.key}={opened[c.key][-1][:30]}"
           for table in (SIDEBAR, REGISTRY.get(url_path)) if table for c in table
           if c.key in opened and c.key in st.session_state
           and not c.matches(opened[c.key], st.session_state[c.key])]
    if bad:
        st.toast(t("links.bad", values=md(", ".join(bad))), icon=":material/link_off:")


def _escape(text: str) -> str:
    """Percent-encode what a query needs encoded; letters of any script stay readable."""
    return "".join(c if c in URL_SAFE or ord(c) > 127 else
                   "".join(f"%{b:02X}" for b in c.encode()) for c in text)


def query_text(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{_escape(k)}={_escape(v)}" for k, v in pairs)


def link(url_path: str) -> str:
    """The whole link to the view on screen: the settings that differ from their defaults (the
    sidebar's and the page's), and the page's own state (``Controls.state``)."""
    table = REGISTRY.get(url_path)
    extra = [(k, st.query_params[k]) for k in (table.state if table else ())
             if k in st.query_params]
    pairs = query_of([SIDEBAR] + ([table] if table else []), st.session_state.to_dict(),
                     extra=extra)
    base = f"{base_url(url_path)}/{url_path}"
    return f"{base}?{query_text(pairs)}" if pairs else base


def base_url(url_path: str) -> str:
    """The lab's address as the browser used it, without the page on screen (``url_path``) or
    a query."""
    base = urlsplit(st.context.url or "")._replace(query="", fragment="").geturl().rstrip("/")
    if url_path and base.endswith("/" + url_path):  # the address of the page on screen
        base = base[: -len(url_path) - 1]
    return base


LINK_OPEN = "_link_open"  # session: the link box is open (its lazy expander)


def link_box(container, url_path: str) -> None:
    """The sidebar's "link to this view" (``st.code`` has a copy button). The link is worked
    out only while the box is open (Streamlit's lazy expander: a click on it reruns), not on
    every run of every session: a room's followers run the page at every move."""
    with container:
        box = st.expander(t("links.copy"), icon=":material/link:", key=LINK_OPEN,
                          on_change="rerun")
        if box.open:
            with box:
                st.code(link(url_path), language=None, wrap_lines=True)
                st.caption(t("links.help"))
