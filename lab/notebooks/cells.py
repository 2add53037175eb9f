"""The cells every take-home notebook is made of: its title and settings, the numbers the page
showed, the code, and the last cell that gives this run's numbers beside them.

Markdown cells are the lab's words in the notebook's language (``lab/locales/*/notebooks.toml``);
code cells are Python. A notebook is checked against the nbformat schema before it is handed out.
"""

from __future__ import annotations

import inspect
import textwrap
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import nbformat
from nbformat import v4

from lab.core.i18n import catalog, t

KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}
# The last code cell ends with this dict: the run's numbers, under the names of ``numbers``.
RESULTS = "results"


class Book:
    """A notebook being written, in one language."""

    def __init__(self, page: str, language: str):
        self.page, self.lang, self.cells = page, language, []
        self.text("intro", page=t(f"lesson.{page}.title", language))

    def words(self, key: str, **fields) -> str:
        return t(f"notebooks.{key}", self.lang, **fields)

    def text(self, key: str, **fields) -> None:
        """A Markdown cell of the locale key ``notebooks.<key>``."""
        self.cells.append(v4.new_markdown_cell(self.words(key, **fields)))

    def code(self, *sources: str) -> None:
        """A code cell of these blocks, one blank line between them."""
        self.cells.append(v4.new_code_cell("\n\n".join(s.strip("\n") for s in sources)))

    def settings(self, values: Mapping[str, Any]) -> None:
        """The page's settings as the constants the code below reads (change and rerun)."""
        self.text("settings")
        self.code("\n".join(f"{name} = {value!r}" for name, value in values.items()))

    def within(self, tolerance: float) -> str:
        """The usual note under the page's numbers: measured ones within ``tolerance``."""
        return self.words("tolerance", tolerance=f"{tolerance:g}")

    def numbers(self, rows: Mapping[str, Any] | None, note: str) -> None:
        """What the page showed (``rows``: name -> value, named ``notebooks.number.<name>``),
        and how close this run should come (``note``, in words); or that the lab has not
        trained these settings yet (None)."""
        if rows is None:
            self.text("not_trained")
            return
        table = "\n".join(f"| {self.words(f'number.{k}')} | `{shown(v)}` |" for k, v in rows.items())
        self.cells.append(v4.new_markdown_cell(
            f"{self.words('numbers')}\n\n| | |\n| --- | --- |\n{table}\n\n{note}"))

    def grid(self, rows: Mapping[str, Mapping[str, Any]] | None, note: str) -> None:
        """What the page showed as a table (row name -> column name -> value; a column named
        ``notebooks.number.<name>`` is shown in words, a layer's kind as it is), or that the
        lab has not trained these settings yet (None)."""
        if rows is None:
            self.text("not_trained")
            return
        columns = list(dict.fromkeys(c for row in rows.values() for c in row))
        head = " | ".join(self.label(c) for c in columns)
        body = "\n".join(f"| {name} | " + " | ".join(f"`{shown(row[c])}`" if c in row else ""
                                                   for c in columns) + " |"
                         for name, row in rows.items())
        self.cells.append(v4.new_markdown_cell(
            f"{self.words('numbers')}\n\n| | {head} |\n|{' --- |' * (len(columns) + 1)}\n"
            f"{body}\n\n{note}"))

    def label(self, name: str) -> str:
        key = f"notebooks.number.{name}"
        return self.words(f"number.{name}") if key in catalog("en") else name

    def results(self, values: Mapping[str, str]) -> None:
        """The last cell: this run's numbers (name -> expression), under the names the page's
        numbers have, for the reader to compare (and the tests to read)."""
        self.text("results")
        body = ",\n".join(f"    {name!r}: {expr}" for name, expr in values.items())
        self.code(f"{RESULTS} = {{\n{body},\n}}\n{RESULTS}")

    def notebook(self) -> nbformat.NotebookNode:
        nb = v4.new_notebook(cells=self.cells, metadata={
            "kernelspec": KERNEL, "language_info": {"name": "python"}, "lab": {
                "page": self.page, "language": self.lang}})
        nbformat.validate(nb)
        return nb


def shown(value: Any) -> str:
    """A number as the notebook's table shows it."""
    if isinstance(value, float):
        return f"{value:,.4f}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def source(*functions) -> str:
    """The lab's own code of these functions (plain NumPy / pandas / scikit-learn), so the
    notebook computes exactly what the lab computes."""
    return "\n\n\n".join(textwrap.dedent(inspect.getsource(f)).strip() for f in functions)


def to_bytes(nb: nbformat.NotebookNode) -> bytes:
    """The notebook as the .ipynb file a student downloads."""
    return nbformat.writes(nb).encode()


SNIPPETS = Path(__file__).with_name("snippets")


@lru_cache(maxsize=None)
def _snippets(page: str) -> dict[str, str]:
    blocks, name = {}, None
    for line in (SNIPPETS / f"{page}.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("# %% "):
            name = line[5:].strip()
            blocks[name] = []
        elif name is not None:
            blocks[name].append(line)
    return {k: "\n".join(v).strip("\n") for k, v in blocks.items()}


def snippet(page: str, name: str) -> str:
    """The code block ``# %% name`` of ``snippets/<page>.py``: the notebooks' own code, kept
    as Python in the percent format rather than as strings."""
    return _snippets(page)[name]
