"""Baseline for bench/browser_fps.py: the lab's Play button over a fragment that reruns on a
timer while playing and draws one number (the way the lab's pages played before the browser
player).

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


TICK_SECONDS = 0.1  # the timer; a frame also waits for the server and the browser


@st.fragment(run_every=TICK_SECONDS if player.is_playing("empty") else None)
def frame() -> None:
    if player.is_playing("empty"):
        st.session_state.steps += 1
    st.metric("Training steps", f"{st.session_state.steps:,}")


frame()
