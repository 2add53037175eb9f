"""The lecture notes' errata and the lectures' glossary, as tables for the errata page.

The entries are data (``lab/lectures/errata.toml``: lecture, the note's section heading, the page
that shows the true value), their text is in ``lab/locales/<language>/errata.toml``
(``errata.entry.<id>.says`` / ``.true``). The glossary's terms are data in
``lab/lectures/glossary.toml``: Korean as the lectures write them, English, Keras, symbol.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from lab.core import i18n

DATA = Path(__file__).parents[1] / "lectures"
LECTURES = ("000", "001", "002", "003", "004")
ALL = "all"


@dataclass(frozen=True)
class Erratum:
    id: str  # errata.entry.<id> in lab/locales
    lecture: str
    section: str  # the note's own heading
    page: str  # url path of the lab page that shows the true value; "" when none does yet


@dataclass(frozen=True)
class Term:
    ko: str
    en: str
    keras: str
    symbol: str
    lectures: str


@lru_cache(maxsize=None)
def errata() -> tuple[Erratum, ...]:
    with open(DATA / "errata.toml", "rb") as f:
        return tuple(Erratum(**e) for e in tomllib.load(f)["entry"])


@lru_cache(maxsize=None)
def glossary() -> tuple[Term, ...]:
    with open(DATA / "glossary.toml", "rb") as f:
        return tuple(Term(**t) for t in tomllib.load(f)["term"])


def errata_table(lecture: str = ALL, lang: str | None = None) -> pd.DataFrame:
    """One row per slip of ``lecture`` (or every lecture): lecture, section, what the note
    says, the true value, the page's title (or 'not shown yet') and its address (or "")."""
    rows = [{"lecture": e.lecture, "section": e.section,
             "says": i18n.t(f"errata.entry.{e.id}.says", lang),
             "true": i18n.t(f"errata.entry.{e.id}.true", lang),
             "page": (i18n.t(f"lesson.{e.page}.title", lang) if e.page
                      else i18n.t("errata.not_shown", lang)),
             "link": e.page}
            for e in errata() if lecture in (ALL, e.lecture)]
    return pd.DataFrame(rows, columns=["lecture", "section", "says", "true", "page", "link"])


def glossary_table(query: str = "") -> pd.DataFrame:
    """Every term, or those whose Korean, English, Keras or symbol contains ``query``."""
    q = query.strip().lower()
    rows = [(t.ko, t.en, t.keras, t.symbol, t.lectures) for t in glossary()
            if not q or any(q in v.lower() for v in vars(t).values())]
    return pd.DataFrame(rows, columns=["korean", "english", "keras", "symbol", "lectures"])
