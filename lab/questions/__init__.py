"""Questions on the live state of every lesson page, computed from the page's settings and the
player's state (``lab.questions.question.Question``: the answer, its tolerance, the
explanation's fields). A module per page; :func:`for_page` asks each of its builders.

Plain Python, no Streamlit: ``ui/questions.py`` reads the settings and state from the session
and draws the panel; ``lab.classroom.room`` keeps the question a lecturer asked, and the class's
answers.
"""

from __future__ import annotations

from typing import Any, Mapping

from lab.core.errors import LabError
from lab.questions import (experiments, gates, imdb, perceptron, rnn, stock, structures, text,
                           xor)
from lab.questions.question import Question

PAGES = {"perceptron": perceptron.QUESTIONS, "xor": xor.QUESTIONS, "rnn": rnn.QUESTIONS,
         "structures": structures.QUESTIONS, "gates": gates.QUESTIONS,
         "stock": stock.QUESTIONS, "text": text.QUESTIONS, "imdb": imdb.QUESTIONS,
         "experiments": experiments.QUESTIONS}

__all__ = ["PAGES", "Question", "by_id", "for_page"]


def for_page(page: str, settings: Mapping[str, Any], state: Mapping[str, Any] | None = None
             ) -> list[Question]:
    """The page's questions at these settings and state (those the settings allow: a question
    on the typed words is left out while the words cannot be read)."""
    found = []
    for build in PAGES.get(page, ()):
        try:
            found.append(build(dict(settings), dict(state or {})))
        except LabError:  # settings the page itself refuses, with its message
            continue
    return [q for q in found if q is not None]


def by_id(question_id: str, settings: Mapping[str, Any], state: Mapping[str, Any] | None = None
          ) -> Question | None:
    """One question (``<page>.<name>``, as a walk-through's step names it) at these settings,
    or None when the settings leave it out."""
    page = question_id.split(".", 1)[0]
    return next((q for q in for_page(page, settings, state) if q.id == question_id), None)
