"""The sidebar every page shares: language, presenter mode, and the link to the view."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lab import i18n
from lab.i18n import t
from ui import links, presenter

SIDEBAR_PARAMS = [
    links.choice("lang", "lang", list(i18n.languages()), i18n.DEFAULT),
    links.flag("presenter", "presenter", False),
]


def _session_language() -> str:
    """The language the session's sidebar switch picked (English outside a Streamlit run)."""
    if get_script_run_ctx() is None:
        return i18n.DEFAULT
    return st.session_state.get("lang", i18n.DEFAULT)


i18n.set_language_source(_session_language)


def restore_sidebar_settings() -> None:
    """A link's language and presenter mode, taken before anything is drawn."""
    links.restore(links.SIDEBAR, SIDEBAR_PARAMS)


def shared_sidebar():
    """Draw the sidebar; returns the slot where the app puts the link once the page has run."""
    with st.sidebar:
        names = i18n.languages()
        st.segmented_control(t("sidebar.language"), list(names), format_func=names.__getitem__,
                             default=i18n.DEFAULT, key="lang", selection_mode="single",
                             required=True)
        st.toggle(t("sidebar.presenter"), key="presenter", help=t("sidebar.presenter_help"))
        slot = st.container()
        st.caption(t("sidebar.about"))
    presenter.apply(st.session_state.get("presenter", False))
    return slot
