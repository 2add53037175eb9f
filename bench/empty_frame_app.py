"""Baseline for bench/browser_fps.py: the lab's player with a frame that draws one number.

Its frame rate is the ceiling of Streamlit's fragment loop on this machine and browser: what
a live page would reach if drawing cost nothing.
"""

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ui import player  # noqa: E402

st.title("Empty frame")
st.session_state.setdefault("steps", 0)
player.controls("empty")


def frame(ticking: bool) -> None:
    if ticking:
        st.session_state.steps += 1
    st.metric("Training steps", f"{st.session_state.steps:,}")


player.live("empty", frame)
