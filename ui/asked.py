"""A training that starts only when its button is pressed: the settings it was pressed for stay
asked in the session, so the result stays on the page until other settings are chosen, and a
student in a room may press it only within the budget (``ui.training.within_budget``)."""

from __future__ import annotations

from typing import Callable

import streamlit as st

from ui.training import within_budget


def asked(button: str, remembered: str, label: str, settings, cost: Callable[[], float],
          **options) -> bool:
    """Whether ``settings`` were asked for: button ``button`` (Streamlit's ``options``) pressed
    for them, within the budget (``cost()``, worked out only on a press), is remembered under
    ``remembered`` in the session."""
    if st.button(label, key=button, **options) and within_budget(cost()):
        st.session_state[remembered] = settings
    return st.session_state.get(remembered) == settings
