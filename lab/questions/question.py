"""One question on the live model: what it asks, the answer computed from the page's settings
and state, how close an answer must be, and the explanation shown after it.

A question is plain data (JSON, :meth:`Question.to_json`), so a room can keep the one the
lecturer asked (``lab.classroom.room``) and every student's laptop shows the same question,
with the answer computed once, from the lecturer's model. The words are in
``lab/locales/<language>/questions.toml``: ``questions.<id>.prompt`` and
``questions.<id>.explain`` (or another :attr:`explain`), filled with :attr:`fields` (and ``answer``, the true value as
shown); a choice's options are ``questions.option.<option>`` when :attr:`worded`.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("numeric", "choice")
MAX_ANSWER_CHARS = 40  # what a student's answer may be, as text (a number or an option)


@dataclass(frozen=True)
class Question:
    id: str  # "<page>.<name>": its locale keys
    kind: str  # numeric | choice
    answer: Any  # a number, or one of ``options``
    fields: dict[str, Any] = field(default_factory=dict)  # for the prompt and explanation
    tolerance: float = 0.0  # numeric: |given - answer| <= tolerance is right
    digits: int | None = 0  # numeric: decimals shown; None: four significant digits
    options: tuple = ()  # choice: the options, in the order shown
    worded: bool = False  # choice: options shown as t("questions.option.<option>")
    lecture: float | None = None  # what the lecture prints, where it differs from the truth
    explain: str = "explain"  # the explanation's key: questions.<id>.<explain>

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(self.kind)
        if self.kind == "choice" and self.answer not in self.options:
            raise ValueError(self.id, self.answer, self.options)  # its answer must be offered

    @property
    def page(self) -> str:
        return self.id.split(".", 1)[0]

    def shown(self, value=None) -> str:
        """The answer (or ``value``) as the page writes it."""
        value = self.answer if value is None else value
        if self.kind == "choice":
            return str(value)
        if self.digits is None:
            return f"{float(value):.4g}"
        return f"{float(value):,.{self.digits}f}"

    def printed(self) -> str:
        """The lecture's value as the lecture prints it (0.36, 199,680)."""
        v = float(self.lecture)
        return f"{v:,.0f}" if v.is_integer() else f"{v:g}"

    def correct(self, given) -> bool:
        """Whether ``given`` (a number, or an option) is right within the tolerance."""
        if self.kind == "choice":
            return str(given) == str(self.answer)
        value = number(given)
        return value is not None and abs(value - float(self.answer)) <= self.tolerance + 1e-12

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "Question":
        data = json.loads(text)
        data["options"] = tuple(data.get("options", ()))
        return cls(**data)


def number(text) -> float | None:
    """A student's typed number (``1,234.5``, `` -0.37 ``), or None if it is not one."""
    try:
        value = float(str(text).strip().replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def clamp(value: int, lo: int, hi: int) -> int:
    """A setting drawn in a range that other settings narrow (a step within the sequence)."""
    return int(min(max(int(value), lo), hi))
