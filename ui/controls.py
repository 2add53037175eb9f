"""Every control declared once: key, kind, range or options, default and label key.

In the spirit of TensorFlow Playground's ``state.ts``, each page's settings are one table
(``ui.settings``). The widget, its address in the URL and the page's presets all come from that
table:

- :func:`Controls.draw` makes the widget, bound to the URL by Streamlit itself
  (``bind="query-params"``; the key is the parameter's name). Streamlit seeds the widget from a
  link, drops invalid values, and keeps the address clean at defaults.
- :func:`Controls.query` writes the parameters of a link for given values: the sidebar's "link
  to this view" and the tests use it.
- :func:`Controls.apply` copies a preset into the widgets, refusing keys the table lacks.

A selection whose options are shown in words (``names``) is written in the URL with the words of
the link's language, as Streamlit does; the language control is drawn first, so a link's own
language decides how its words are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lab.core.i18n import current, options as worded, t
from ui.safe import md

REGISTRY: dict[str, "Controls"] = {}  # page url path -> its table
LOCKED = "_room_locked"  # session key: the controls this session may not move (ui.room)
DRAWN_DEFAULTS = "_controls_drawn_defaults"  # session key: the defaults as last drawn


@dataclass(frozen=True)
class Control:
    key: str  # the widget's key and the URL parameter's name
    kind: str  # slider, select_slider, number, radio, select, multiselect, toggle, text, text_area
    label: str  # locale key of the label
    default: Any
    lo: Any = None  # slider and number: the range
    hi: Any = None
    step: Any = None
    options: tuple = ()  # select_slider, radio, select, multiselect
    names: Any = None  # locale prefix: option ``o`` is shown as t(f"{names}.{o}"); or a function
    help: str | None = None  # locale key
    max_chars: int | None = None  # text
    format: str | None = None  # number: printf-style display format
    height: int | None = None  # text_area
    dynamic: bool = False  # the options depend on other settings (the words typed): any value

    def initial(self):
        """The default (a function when it depends on the machine: the IMDB data prepared)."""
        return self.default() if callable(self.default) else self.default

    def shown(self, option, lang: str | None = None) -> str:
        """How an option is written on screen, and therefore in the URL."""
        if callable(self.names):
            return self.names(option, lang)
        return worded(self.names, lang)(option) if self.names else str(option)

    def url(self, value, lang: str | None = None) -> list[str]:
        """The URL text(s) Streamlit writes for ``value`` (a list: multiselect repeats)."""
        if self.kind == "multiselect":
            return [self.shown(v, lang) for v in value]
        if self.kind in ("select_slider", "radio", "select", "segmented"):
            return [self.shown(value, lang)]
        if self.kind == "toggle":
            return ["true" if value else "false"]
        if isinstance(value, float) and value == int(value) and isinstance(self.initial(), int):
            value = int(value)
        return [str(value)]

    def matches(self, raws: list[str], value) -> bool:
        """Whether the URL text(s) ``raws`` of a link gave this widget ``value`` (Streamlit drops
        what it cannot use, and a range narrowed by other settings moves a value)."""
        texts = self.url(value)
        if texts == raws:
            return True
        try:
            return [float(x) for x in texts] == [float(x) for x in raws]
        except ValueError:
            return False

    def valid(self, value) -> bool:
        if self.dynamic:
            return True
        if self.options and self.kind != "multiselect":
            return value in self.options
        if self.kind == "multiselect":
            return all(v in self.options for v in value)
        if self.lo is not None and not self.lo <= value <= self.hi:
            return False
        if self.max_chars is not None and len(value) > self.max_chars:
            return False
        return True


def forget_link_value(key: str) -> None:
    """Take ``key`` out of the link, so that its widget starts from the session's value: a
    widget bound to the URL is seeded from Streamlit's own copy of the link, which has no public
    setter, hence the private attribute."""
    link = get_script_run_ctx().session_state._state.query_params
    link._initial_query_params.pop(key, None)
    if key in st.query_params and not link.is_bound(key):  # a bound one follows its widget
        del st.query_params[key]


def _link_within(key: str, lo, hi) -> bool:
    """Whether the link's value of ``key`` (if any) lies in ``lo``..``hi``."""
    raw = get_script_run_ctx().session_state._state.query_params.get_initial_value(key)
    try:
        return raw is None or lo <= float(raw) <= hi
    except (TypeError, ValueError):
        return True  # Streamlit drops what it cannot read


class Controls:
    """One page's controls (its URL path names it), in the order the page draws them."""

    def __init__(self, page: str, *controls: Control, state: Sequence[str] = ()):
        self.page = page
        self.state = tuple(state)  # URL parameters the page keeps itself (not widgets)
        self.by_key = {c.key: c for c in controls}
        if len(self.by_key) != len(controls):
            raise ValueError(page, [c.key for c in controls])  # a key declared twice
        REGISTRY[page] = self

    def __getitem__(self, key: str) -> Control:
        return self.by_key[key]

    def __iter__(self):
        return iter(self.by_key.values())

    # --- Drawing ----------------------------------------------------------------------------
    def draw(self, key: str, where=None, *, lo=None, hi=None, options: Sequence | None = None,
             label: str | None = None, help: str | None = None, **extra):
        """Draw control ``key`` in ``where`` (the page by default) and return its value.

        ``lo``/``hi`` narrow a range that depends on other settings (a time step inside the
        sequence on screen): a value outside it, from a link or an earlier setting, is moved to
        the nearest end first, because Streamlit refuses a slider whose value is out of range.
        ``options`` narrows the options in the same way (the columns a file has).
        ``label`` and ``help`` (texts, already in words) replace the declared ones when they
        need fields; ``extra`` goes
        to the widget (``disabled``, ``on_change``)."""
        c = self.by_key[key]
        where = where or st
        lo = c.lo if lo is None else lo
        hi = c.hi if hi is None else hi
        value = st.session_state.get(key)
        narrowed = (lo, hi) != (c.lo, c.hi)
        if isinstance(value, (int, float)) and (narrowed or lo is not None
                                                 and not lo <= value <= hi):
            # a changed range is a new widget to Streamlit, which would start it from its
            # default (or from the link the page was opened with, even out of range): the
            # session's value, moved into the range, is written again to keep it
            st.session_state[key] = type(value)(min(max(value, lo), hi))
        if narrowed and not _link_within(key, lo, hi):
            forget_link_value(key)
        default = c.initial()
        if lo is not None and not lo <= default <= hi:
            default = lo if default < lo else hi
        st.session_state.setdefault(DRAWN_DEFAULTS, {})[key] = default  # for the link box
        choices = tuple(c.options if options is None else options)
        if c.kind == "multiselect":
            default = [v for v in default if v in choices]
        elif choices and default not in choices:  # options narrowed by other settings
            default = choices[0]
        if help is None and c.help:
            help = t(c.help)
        if key in st.session_state.get(LOCKED, ()):  # the lecturer locked it for the room
            extra["disabled"] = True
        common = dict(key=key, bind="query-params", help=help, **extra)
        text = label if label is not None else t(c.label)
        lang = current()  # fixed now: the labels stay those of this run
        fmt = {"format_func": lambda option: c.shown(option, lang)} if c.names else {}
        match c.kind:
            case "slider":
                return where.slider(text, lo, hi, default, c.step, **common)
            case "number":
                return where.number_input(text, lo, hi, default, c.step, format=c.format,
                                          **common)
            case "select_slider":
                return where.select_slider(text, choices, default, **fmt, **common)
            case "radio":
                return where.radio(text, choices, choices.index(default), horizontal=True,
                                   **fmt, **common)
            case "select":
                return where.selectbox(text, choices, choices.index(default), **fmt,
                                       **common)
            case "multiselect":
                return where.multiselect(text, choices, default, **fmt, **common)
            case "segmented":
                return where.segmented_control(text, choices, default=default,
                                               selection_mode="single", required=True, **fmt,
                                               **common)
            case "toggle":
                return where.toggle(text, default, **common)
            case "text":
                return where.text_input(text, default, c.max_chars, **common)
            case "text_area":
                return where.text_area(text, default, c.height, c.max_chars, **common)
        raise ValueError(key, c.kind)  # a kind this function does not draw

    # --- Presets and links -----------------------------------------------------------------
    def apply(self, values: Mapping[str, Any]) -> None:
        """Copy a preset into the widgets' state (before they are drawn, e.g. in a callback)."""
        for key, value in values.items():
            if key not in self.by_key:
                raise KeyError(self.page, key)  # a preset naming a control the page lacks
            st.session_state[key] = list(value) if self[key].kind == "multiselect" else value

    def changed(self, state: Mapping[str, Any]) -> dict[str, Any]:
        """The controls whose value in ``state`` differs from the default (as last drawn, when
        a range narrowed it: a time step "at the end" is the default for any length)."""
        drawn = state.get(DRAWN_DEFAULTS, {})
        out = {}
        for c in self:
            if c.key in state:
                value, default = state[c.key], drawn.get(c.key, c.initial())
                same = (list(value) == list(default) if c.kind == "multiselect"
                        else value == default)
                if not same:
                    out[c.key] = value
        return out

    def query(self, values: Mapping[str, Any], lang: str | None = None) -> list[tuple[str, str]]:
        """The URL parameters of a link that opens these values (defaults left out).

        A value drawn in a narrowed range (``lo``/``hi`` of :meth:`draw`) opens as it was only
        when the link gives the settings that narrowed it too."""
        pairs = []
        for key, value in self.changed(values).items():
            if not self[key].valid(value):
                raise ValueError(self.page, key, value)  # out of range or not an option
            pairs += [(key, text) for text in self[key].url(value, lang)]
        return pairs


def query_of(tables: Iterable[Controls], state: Mapping[str, Any], lang: str | None = None,
             extra: Sequence[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """A link's parameters for several tables (the sidebar's and the page's) plus state that
    is not a widget (the XOR steps replayed, the perceptron update reached)."""
    pairs = []
    for table in tables:
        pairs += table.query(state, lang)
    return pairs + list(extra)


def keep_in_url(name: str, value, default) -> None:
    """Keep a page's own state that is not a widget (a ``Controls.state`` name) in the URL,
    left out at its default as Streamlit does for bound widgets."""
    text = str(value)
    if value == default:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != text:
        st.query_params[name] = text


def from_url(name: str, parse, default):
    """A link's value for a page's own state, or ``default`` (with a notice) when unreadable."""
    raw = st.query_params.get(name)
    if raw is None:
        return default
    try:
        return parse(raw)
    except (ValueError, TypeError, OverflowError):
        st.warning(t("links.bad", values=md(f"{name}={raw[:30]}")), icon=":material/link_off:")
        return default
