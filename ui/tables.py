"""A table on a page: its worded headers in the reader's language (``lab.core.i18n.headers``),
numbers formatted by column, full width; and a lecture's printouts beside this run's values
(``lab.lessons.errata.printed_table``), as several pages show them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lab.core.i18n import headers
from lab.lessons.errata import printed_table


def table(frame: pd.DataFrame, prefix: str, formats: dict[str, str] | str | None = None,
          na_rep: str | None = None, where=None, hide_index: bool | None = True) -> None:
    """``st.dataframe`` of ``frame`` with headers ``<prefix>.<column>``; ``formats``: one for
    every cell, or by the frame's own column names; ``na_rep`` for blanks (in ``where``, a
    column, if given; ``hide_index=None``: as Streamlit decides)."""
    shown = headers(frame, prefix)
    if formats or na_rep is not None:
        names = dict(zip(frame.columns, shown.columns))
        if isinstance(formats, dict):
            formats = {names[c]: f for c, f in formats.items() if c in names}  # shown ones
        shown = shown.style.format(formats, na_rep=na_rep)
    (where or st).dataframe(shown, hide_index=hide_index, width="stretch")


def formats(by_column: dict[str, str]) -> dict:
    """``st.dataframe``'s ``column_config`` for printf-style number formats by column
    (``"%.4f"``, ``"%+.4f"``): the browser formats the numbers, where a pandas Styler would be
    worked out on the server at every draw of every session."""
    return {c: st.column_config.NumberColumn(format=f) for c, f in by_column.items()}


def printed(rows: list[tuple], where=None) -> None:
    """What a lecture printed beside this run's value and the true one (rows from ``lab``)."""
    table(printed_table(rows), "printed.col", where=where)
