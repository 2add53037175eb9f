"""The lecture notes' errata and the lectures' glossary, as tables for the errata page.

The entries are data (``lab/lectures/errata.toml``: lecture, the note's section heading, the page
that shows the true value), their text is in ``lab/locales/<language>/errata.toml``
(``errata.entry.<id>.says`` / ``.true``). The glossary's terms are data in
``lab/lectures/glossary.toml``: Korean as the lectures write them, English, Keras, symbol.

:func:`printed_table` is every page's table of what a lecture prints beside this run's value and
the true one (the rows come from ``lab.models``: ``(what, lecture, this run, true)``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
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
    reproducible: bool = True  # False: this lab cannot compute it offline (the page says so)


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
                      else i18n.t("errata.not_shown" if e.reproducible
                                  else "errata.not_reproducible", lang)),
             "link": e.page}
            for e in errata() if lecture in (ALL, e.lecture)]
    return pd.DataFrame(rows, columns=["lecture", "section", "says", "true", "page", "link"])


def glossary_table(query: str = "") -> pd.DataFrame:
    """Every term, or those whose Korean, English, Keras or symbol contains ``query``."""
    q = query.strip().lower()
    rows = [(t.ko, t.en, t.keras, t.symbol, t.lectures) for t in glossary()
            if not q or any(q in v.lower() for v in vars(t).values())]
    return pd.DataFrame(rows, columns=["korean", "english", "keras", "symbol", "lectures"])


def shown(value, grouped: bool = True) -> str:
    """A printed value as one cell: None -> "–", 16769 -> "16,769", a float to 4 decimals,
    shapes side by side ("(980, 20, 1) (980, 1)"), arrays as lists (their integers ungrouped)."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if isinstance(value, tuple) and any(isinstance(v, (tuple, float)) for v in value):
        return " ".join(shown(v) for v in value)  # printouts side by side: shapes, a count
    if isinstance(value, tuple):
        return str(tuple(int(d) for d in value))  # one shape
    a = np.asarray(value)
    if a.ndim:
        return "[" + ", ".join(shown(v, grouped=False) for v in a.tolist()) + "]"
    if np.issubdtype(a.dtype, np.integer):
        return f"{int(a):,}" if grouped else str(int(a))
    return f"{float(a):.4f}"


def printed_table(rows, lang: str | None = None) -> pd.DataFrame:
    """``(what, lecture, this run, true)`` rows as the pages show them: ``what`` worded
    (``printed.<what>`` in lab/locales), the values as :func:`shown` writes them."""
    return pd.DataFrame([(i18n.t(f"printed.{what}", lang), shown(lecture), shown(run), shown(true))
                         for what, lecture, run, true in rows],
                        columns=["printed", "lecture", "this_run", "true"])
