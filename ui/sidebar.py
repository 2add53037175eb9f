"""The sidebar every page shares."""

from __future__ import annotations

import streamlit as st


def shared_sidebar() -> None:
    with st.sidebar:
        st.caption(
            "Neural-network lab: each page follows one of the course's lecture notes. "
            "Numbers are computed live; where a slide rounds or errs, the page shows the true "
            "value beside the slide's.")
