"""Text from a visitor (typed, in a link, a file's name or cells) inside Markdown, shown as
itself: never a link, an image, HTML, emphasis, code, a heading, a formula or a colour.

Every Streamlit text element (``st.markdown``, ``caption``, ``info``, ``warning``, ``error``,
``success``, ``toast``) renders Markdown, so a typed ``[prize](http://evil)`` would otherwise be
drawn as a link inside the lab's own message. Locale texts keep their Markdown; only the fields
that come from a visitor go through :func:`md`, and errors through :func:`text`, which escapes
their fields (a file's cell, a symbol, a column name) and not their wording.
"""

from __future__ import annotations

import re

from lab.core.errors import LabError, Message
from lab.core.i18n import t

# CommonMark lets a backslash escape any ASCII punctuation; these are the ones that mean
# something inside a line in Markdown, HTML, Streamlit's formulas ($), colours and icons
# (:red[...], :material/x:) and tables. A line break could start a block, so there is none;
# a list's or a heading's marker counts only at the start (see ``_LEADING``).
_MARKDOWN = re.compile(r"[\\`*{}\[\]()<>#!|~$:&@]"  # ":", "@": no bare http:// or e-mail link
                       r"|(?<![^\W_])_|_(?![^\W_])")  # "_" inside a word is inert: w_units
_WWW = re.compile(r"(?i)(?<=www)\.")  # nor a bare www.example.org one
_LEADING = re.compile(r"^(\s*\d*)([-+.])")  # "- a", "+ a", "1. a": a list item
_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def md(value) -> str:
    """``value`` as literal text inside Markdown: line breaks and control characters become a
    space, and every Markdown or HTML metacharacter is escaped with a backslash."""
    escaped = _MARKDOWN.sub(lambda m: "\\" + m.group(0), _BREAKS.sub(" ", str(value)))
    escaped = _WWW.sub(r"\\.", escaped)
    return _LEADING.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", escaped)


def fields(**values) -> dict:
    """Locale fields with every string escaped (numbers keep their format specs)."""
    return {k: md(v) if isinstance(v, str) else v for k, v in values.items()}


def text(message: Message | LabError | Exception, lang: str | None = None) -> str:
    """A lab message or error in the reader's language, its fields escaped; any other
    exception's text escaped whole."""
    if isinstance(message, LabError):
        message = message.message
    if isinstance(message, Message):
        return t(message.key, lang, **fields(**message.fields))
    return md(message)
