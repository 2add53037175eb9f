"""Trying what a page's input names: the value, or a warning saying why there is none (the
``lab`` error's message, its fields escaped by ``ui.safe.text``) and the rest of the page
drawn as before."""

from __future__ import annotations

from typing import Callable, TypeVar

import streamlit as st

from lab.core.errors import LabError, sentence
from ui.safe import text as safe_text

V = TypeVar("V")


def attempt(compute: Callable[..., V], *args, errors: type[Exception] = LabError) -> V | None:
    """``compute(*args)``, or None with a warning if it raises one of ``errors``."""
    try:
        return compute(*args)
    except errors as err:
        st.warning(sentence(safe_text(err)))
        return None
