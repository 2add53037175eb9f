"""One question on the live model: what it asks, the answer computed from the page's settings
and state, how close an answer must be, and the explanation shown after it.

A question is plain data (JSON, :meth:`Question.to_json`), so a room can keep the one the
lecturer asked (``lab.classroom.room``) and every student's laptop shows the same question,
with the answer computed once, from the lecturer's model. The words are in
``lab/locales/<language>/questions.toml``: ``questions.<id>.prompt`` and
``questions.<id>.explain`` (or another :attr:`explain`), filled with :attr:`fields` (and ``answer``, the true value as
shown); a choice's options are ``questions.option.<option>`` when :attr:`worded`.

A point question is answered by clicking one of the points of its figure (a sample, a time
step, a cell): :attr:`options` are the points' ids (integers: a time step's is its number, so
a tolerance counts steps), :attr:`plot` what ``lab.figures.questions.point_figure`` draws
(the points' places and names, carried with the question so that every laptop draws the
lecturer's figure).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("numeric", "choice", "point")
MAX_ANSWER_CHARS = 40  # what a student's answer may be, as text (a number, an option, a point)


@dataclass(frozen=True)
class Question:
    id: str  # "<page>.<name>": its locale keys
    kind: str  # numeric | choice | point
    answer: Any  # a number, or one of ``options``
    fields: dict[str, Any] = field(default_factory=dict)  # for the prompt and explanation
    tolerance: float = 0.0  # numeric, point: |given - answer| <= tolerance is right
    digits: int | None = 0  # numeric: decimals shown; None: four significant digits
    options: tuple = ()  # choice: the options, in the order shown; point: the points' ids
    worded: bool = False  # choice: options shown as t("questions.option.<option>")
    lecture: float | None = None  # what the lecture prints, where it differs from the truth
    explain: str = "explain"  # the explanation's key: questions.<id>.<explain>
    plot: dict = field(default_factory=dict)  # point: the figure (x, y, labels, one per option)
    also: tuple = ()  # point: other points counted right (the figure cannot tell them apart);
    # choice: other options as right as the answer (a tie)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(self.kind)
        if self.kind != "numeric" and self.answer not in self.options:
            raise ValueError(self.id, self.answer, self.options)  # its answer must be offered
        if self.kind == "point" and len(self.plot.get("labels", ())) != len(self.options):
            raise ValueError(self.id, len(self.plot.get("labels", ())), len(self.options))  # a label per point

    @property
    def page(self) -> str:
        return self.id.split(".", 1)[0]

    def shown(self, value=None) -> str:
        """The answer (or ``value``) as the page writes it."""
        value = self.answer if value is None else value
        if self.kind == "choice":
            return str(value)
        if self.kind == "point":
            p = self.point(value)
            return str(value) if p is None else str(self.plot["labels"][self.options.index(p)])
        if self.digits is None:
            return f"{float(value):.4g}"
        return f"{float(value):,.{self.digits}f}"

    def printed(self) -> str:
        """The lecture's value as the lecture prints it (0.36, 199,680)."""
        v = float(self.lecture)
        return f"{v:,.0f}" if v.is_integer() else f"{v:g}"

    def correct(self, given) -> bool:
        """Whether ``given`` (a number, an option, a point) is right within the tolerance."""
        if self.kind == "choice":
            return str(given) in (str(self.answer), *map(str, self.also))
        value = self.point(given) if self.kind == "point" else number(given)
        if value is not None and value in self.also:
            return True
        return value is not None and abs(value - float(self.answer)) <= self.tolerance + 1e-12

    def point(self, given) -> int | None:
        """A point question's answer as one of its points' ids, or None if it names none."""
        value = number(given)
        if value is None or not value.is_integer() or int(value) not in self.options:
            return None
        return int(value)

    def counts(self, given: list) -> dict[int, int]:
        """A point question's answers: how many clicked each point (every point, in order)."""
        out = dict.fromkeys(self.options, 0)
        for g in given:
            p = self.point(g)
            if p is not None:
                out[p] += 1
        return out

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "Question":
        data = json.loads(text)
        data["options"] = tuple(data.get("options", ()))
        data["also"] = tuple(data.get("also", ()))
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
