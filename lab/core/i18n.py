"""The lab's words in every language it speaks: one TOML file per language in ``lab/locales/``.

Pages and figures never hold their text; they ask for it by key::

    t("xor.title")                      # "XOR hidden units" / "XOR 은닉 유닛"
    t("xor.converged", steps=1100)      # fields are filled with str.format

Adding a language is adding a file ``lab/locales/<code>.toml`` with the same keys as ``en.toml``
(its ``[meta] name`` is what the sidebar shows). A language may also have a folder
``lab/locales/<code>/`` of further TOML files, one per area (``errata.toml``, ``room.toml``...),
merged into its catalogue; a key defined twice is an error. English is the reference: a key missing from
another language falls back to English and is recorded in :data:`MISSING`, or raises
:class:`MissingText` when :data:`STRICT` is on (the tests walk every page that way).

Which language is current is a question for the app, not for ``lab``: the app installs a
function that answers it (:func:`set_language_source`; the Streamlit side reads the session's
sidebar switch). Without one, and in plain scripts and tests, the language is English.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Callable

LOCALES = Path(__file__).parents[1] / "locales"
DEFAULT = "en"
STRICT = False  # raise on a key missing from the current language instead of falling back
MISSING: set[tuple[str, str]] = set()  # (language, key) looked up but absent


class MissingText(KeyError):
    """A key that the language files do not define."""


_language_source: Callable[[], str] = lambda: DEFAULT  # noqa: E731


def set_language_source(source: Callable[[], str]) -> None:
    """Install the function that says which language is current (called on every lookup)."""
    global _language_source
    _language_source = source


_override: contextvars.ContextVar[str | None] = contextvars.ContextVar("lab_language", default=None)


@contextlib.contextmanager
def using(lang: str):
    """Text in ``lang`` inside the block, whatever the source says (work done off the page's
    own thread, e.g. the next chunk of an animation computed ahead)."""
    token = _override.set(lang)
    try:
        yield
    finally:
        _override.reset(token)


def current() -> str:
    lang = _override.get() or _language_source()
    return lang if lang in languages() else DEFAULT


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """Every key of one language, flattened to dotted names (``xor.title``)."""
    out: dict[str, str] = {}
    for path in [LOCALES / f"{lang}.toml", *sorted((LOCALES / lang).glob("*.toml"))]:
        with open(path, "rb") as f:
            part = _flatten(tomllib.load(f))
        twice = part.keys() & out.keys()
        if twice:
            raise ValueError(path.name, sorted(twice)[:5])  # keys already defined
        out.update(part)
    return out


@lru_cache(maxsize=None)
def languages() -> dict[str, str]:
    """Language code -> its own name, English first."""
    codes = sorted((p.stem for p in LOCALES.glob("*.toml")), key=lambda c: (c != DEFAULT, c))
    return {code: catalog(code).get("meta.name", code) for code in codes}


def t(key: str, /, lang: str | None = None, **fields) -> str:
    """The text for ``key`` in the current language (or ``lang``), fields filled in."""
    lang = lang or current()
    text = catalog(lang).get(key)
    if text is None:
        if lang != DEFAULT:
            MISSING.add((lang, key))
            if STRICT:
                raise MissingText(f"{lang}: {key}")
        text = catalog(DEFAULT).get(key)
        if text is None:
            raise MissingText(f"{DEFAULT}: {key}")
    return text.format(**fields) if fields else text


def options(prefix: str, lang: str | None = None) -> Callable[[str], str]:
    """A ``format_func`` for widgets whose options are ids: ``id -> t(prefix + "." + id)``.

    The language is fixed when the widget is made, so the labels stay those of its run."""
    lang = lang or current()
    return lambda option: t(f"{prefix}.{slug(option)}", lang)


def slug(label: str) -> str:
    """A column or option label as a key part: ``"lecture prints"`` -> ``lecture_prints``."""
    return re.sub(r"\W+", "_", str(label)).strip("_").lower()


def headers(frame, prefix: str, lang: str | None = None):
    """``frame`` with its worded column headers translated (``prefix.<slug>`` in en.toml);
    symbols such as ``w1`` or ``net`` have no key and stay as they are."""
    english = catalog(DEFAULT)
    names = {c: t(f"{prefix}.{slug(c)}", lang) for c in frame.columns
             if f"{prefix}.{slug(c)}" in english}
    return frame.rename(columns=names)
