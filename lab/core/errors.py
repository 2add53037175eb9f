"""What ``lab`` tells a user, as message keys: errors they can fix and notes about their data.

``lab`` never writes an English sentence itself. It raises ``LabError`` subclasses (and keeps
``Message`` notes) that carry a key of ``lab/locales/*.toml`` and the fields to fill in; the
page shows ``.text()`` in the reader's language. ``str()`` gives the English text, for logs and
tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lab.core.i18n import DEFAULT, t


@dataclass(frozen=True)
class Message:
    key: str
    fields: dict = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.fields)

    def __str__(self) -> str:
        return self.text(DEFAULT)


class LabError(Exception):
    """An error whose message is a locale key and its fields."""

    def __init__(self, key: str, **fields):
        super().__init__(key)
        self.message = Message(key, fields)

    @property
    def key(self) -> str:
        return self.message.key

    @property
    def fields(self) -> dict:
        return self.message.fields

    def text(self, lang: str | None = None) -> str:
        return self.message.text(lang)

    def __str__(self) -> str:
        return self.message.text(DEFAULT)


def sentence(text: str) -> str:
    """A message as a sentence on its own: capital first letter, closing full stop."""
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


class InvalidInput(LabError, ValueError):
    """An argument or typed input ``lab`` cannot use (a ValueError, worded by its key)."""


class DataUnavailable(LabError, RuntimeError):
    """Data that cannot be had (no network, a package or file missing, a file that is not what
    it should be); the message says what to do instead. The pages show it as a warning."""


class Cancelled(Exception):
    """The training was asked to stop before it finished."""


def text_of(err: Exception, lang: str | None = None) -> str:
    """An exception's message for the reader: worded by its key when it is a ``LabError``."""
    return err.text(lang) if isinstance(err, LabError) else str(err)
