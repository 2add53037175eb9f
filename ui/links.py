"""Shareable views: a page's main settings live in the URL, so a link reproduces the view.

Each page lists its main settings as :class:`Param` s (the name in the URL, the widget's key,
the default and how to read a value). :func:`restore` runs before the page draws its widgets:
on the page's first run in a session (a link just opened) it copies every valid value from the
URL into the widgets' state and names the ones it could not use, which keep their defaults.
:func:`publish` runs after the widgets and writes the current values back to the URL; the
sidebar shows the whole link with a copy button (:func:`link_box`).

Like TensorFlow Playground's ``state.ts``, every value is written, so a link keeps meaning the
same view even if a default changes later.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence
from urllib.parse import urlencode

import streamlit as st

from lab.i18n import t

_RESTORED = "_links_restored"  # session-state set of the pages whose link was read
VIEW = "view"  # the URL parameter naming the page the other parameters belong to
SIDEBAR = "_sidebar"  # the pseudo-page of the sidebar's own settings (language, presenter)


@dataclass(frozen=True)
class Param:
    name: str  # in the URL
    key: str  # the widget's key in st.session_state
    default: Any
    parse: Callable[[str], Any]  # URL text -> value; ValueError when bad or out of range
    show: Callable[[Any], str] = str  # value -> URL text
    read: str | None = None  # the session-state key holding the current value, if not ``key``


def _same(a: Any, text: str) -> bool:
    if isinstance(a, bool):
        return False
    if isinstance(a, (int, float)):
        try:
            return math.isclose(float(text), float(a), rel_tol=1e-9, abs_tol=1e-12)
        except ValueError:
            return False
    return str(a) == text


def choice(name: str, key: str, options: Sequence, default: Any) -> Param:
    """One of ``options`` (a radio, select box or select slider)."""
    def parse(text: str):
        for option in options:
            if _same(option, text):
                return option
        raise ValueError(text)
    return Param(name, key, default, parse, lambda v: f"{v:g}" if isinstance(v, float) else str(v))


def subset(name: str, key: str, options: Sequence, default: Sequence) -> Param:
    """Several of ``options`` (a multiselect), written comma-separated."""
    one = choice(name, key, options, None).parse

    def parse(text: str):
        return [one(part) for part in text.split(",")] if text else []
    return Param(name, key, list(default), parse, lambda v: ",".join(str(x) for x in v))


def number(name: str, key: str, lo: float, hi: float, default: float, *,
           integer: bool = False, read: str | None = None) -> Param:
    """A number in [lo, hi] (a slider or number box)."""
    def parse(text: str):
        value = float(text)
        if not lo <= value <= hi or (integer and value != int(value)):
            raise ValueError(text)
        return int(value) if integer else value
    return Param(name, key, default, parse, lambda v: f"{v:g}", read)


def flag(name: str, key: str, default: bool) -> Param:
    """On or off (a toggle): ``1`` / ``0``."""
    def parse(text: str):
        if text.lower() in ("1", "true", "on"):
            return True
        if text.lower() in ("0", "false", "off"):
            return False
        raise ValueError(text)
    return Param(name, key, default, parse, lambda v: "1" if v else "0")


def text(name: str, key: str, default: str, max_chars: int) -> Param:
    """Free text (a text box), at most ``max_chars`` characters."""
    def parse(value: str):
        if len(value) > max_chars:
            raise ValueError(value[:20])
        return value
    return Param(name, key, default, parse)


def restore(page: str, params: Sequence[Param]) -> None:
    """Before the widgets: on this page's first run in the session, take the link's values.

    Values that cannot be read or are out of range are named in a notice and left at their
    defaults; parameters the page does not know are ignored.
    """
    done = st.session_state.setdefault(_RESTORED, set())
    if page in done:
        return
    done.add(page)
    if page != SIDEBAR and st.query_params.get(VIEW, page) != page:
        return  # another page's settings, left in the address while navigating
    bad = []
    for p in params:
        raw = st.query_params.get(p.name)
        if raw is None:
            continue
        try:
            st.session_state[p.key] = p.parse(raw)
        except (ValueError, TypeError, OverflowError):
            bad.append(f"{p.name}={raw[:30]}")
    if bad:
        st.warning(t("links.bad", values=", ".join(bad)), icon=":material/link_off:")


def values(params: Sequence[Param]) -> dict[str, str]:
    """The URL text of every parameter, from the widgets' current state."""
    return {p.name: p.show(st.session_state.get(p.read or p.key, p.default)) for p in params}


def publish(page: str, params: Sequence[Param]) -> None:
    """After the widgets: write this page's settings (and the sidebar's) to the URL."""
    from ui.sidebar import SIDEBAR_PARAMS

    wanted = values(SIDEBAR_PARAMS) | {VIEW: page} | values(params)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def link(url_path: str) -> str:
    """The full link to the view on screen (relative when the browser's address is unknown)."""
    base = (st.context.url or "").rstrip("/")
    query = urlencode(st.query_params.to_dict())
    return f"{base}/{url_path}?{query}" if query else f"{base}/{url_path}"


def link_box(container, url_path: str) -> None:
    """The sidebar's "link to this view" (``st.code`` has a copy button)."""
    with container:
        with st.expander(t("links.copy"), icon=":material/link:"):
            st.code(link(url_path), language=None, wrap_lines=True)
            st.caption(t("links.help"))


def clamp(key: str, lo: float, hi: float) -> None:
    """Keep a widget's stored value inside bounds that depend on other settings (a link's
    ``upto=80`` with a 4-step word): Streamlit refuses a slider whose value is out of range."""
    value = st.session_state.get(key)
    if isinstance(value, (int, float)) and not lo <= value <= hi:
        st.session_state[key] = type(value)(min(max(value, lo), hi))
