"""Controls side by side: one row of columns, one declared control (``ui.settings``) in each."""

from __future__ import annotations

from typing import Sequence

import streamlit as st

from ui.controls import Controls


def row(controls: Controls, keys: Sequence[str], widths: Sequence[float] | None = None) -> list:
    """The values of ``controls``' ``keys``, drawn left to right in columns of ``widths``
    (equal if not given)."""
    return [controls.draw(key, where) for key, where in zip(keys, st.columns(widths or len(keys)))]
