"""The stock page's prices: the controls that name them (the embedded series, an uploaded CSV
cut to a date range, or a ticker fetched online) and the room-wide cache of what they load."""

from __future__ import annotations

from datetime import date

import streamlit as st

from lab.core.i18n import t
from lab.data import stock
from ui.controls import LOCKED
from ui.settings import STOCK as C

DAYS = ("sk_from", "sk_to")  # the range boxes


@st.cache_resource(show_spinner=False, max_entries=8)
def load(source: str, ticker: str, raw: bytes | None, name: str, start: date, end: date):
    """The data from the chosen source, one object for every session that names it (read
    only: pandas copies on write, so a page's derived frames never change it). Not a copy
    per run: a copy would be unpickled on every run and its rows hashed again for the shared
    windows (``stock.content_of``), before the page asks for its training. An entry is at
    most MAX_ROWS rows of 5 columns and a date, 100,000 x 6 x 8 bytes = 4.8 MB, so 8 entries
    stay under 40 MB (the upload's own bytes are hashed, not kept)."""
    return stock.load(source, ticker, raw, name, start, end)


def lecture_days() -> None:
    """Put lecture 002's days into the range boxes (a callback: runs before they are drawn)."""
    C.apply(dict(zip(DAYS, stock.LECTURE_002_DAYS)))


def source_controls():
    """The controls that name the prices: (source, ticker, upload's bytes and name, dates)."""
    c1, c2 = st.columns([1, 2])
    source = C.draw("sk_source", c1)
    ticker, raw, name, start, end = "GOOG", None, "", date(2015, 1, 1), date.today()
    if source == "embedded":
        ticker = C.draw("sk_ticker", c2)
    elif source == "upload":
        upload = c2.file_uploader(t("stock.upload"), type=["csv", "txt"], key="sk_csv")
        if upload is not None:
            raw, name = upload.getvalue(), upload.name
    else:
        ticker = C.draw("sk_symbol", c2)
        d1, d2 = c2.columns(2)
        start = d1.date_input(t("stock.from"), start, key="sk_start")
        end = d2.date_input(t("stock.to"), end, key="sk_end")
    return source, ticker, raw, name, start, end


def date_range(data: stock.StockData) -> stock.StockData:
    """An upload with dates, cut to the days the range boxes name (empty: the whole file)."""
    idx, (first, last) = data.frame.index, stock.LECTURE_002_DAYS
    c1, c2, c3 = st.columns(3, vertical_alignment="bottom")
    start = C.draw("sk_from", c1, placeholder=f"{idx[0]:%Y-%m-%d}")
    end = C.draw("sk_to", c2, placeholder=f"{idx[-1]:%Y-%m-%d}")
    c3.button(t("stock.range_lecture", first=first, last=last), key="sk_days",
              on_click=lecture_days, help=t("stock.range_lecture_help", first=first, last=last),
              disabled=bool(set(DAYS) & st.session_state.get(LOCKED, frozenset())))  # by a room
    return stock.within(data, start, end)


def prices() -> stock.StockData:
    """The prices the controls name (an upload's cut to its date range); raises what loading
    raises (``stock.DataError``, ``DataUnavailable``)."""
    asked = source_controls()
    with st.spinner(t("stock.loading")):
        data = load(*asked)
    return date_range(data) if asked[0] == "upload" and data.has_dates else data
