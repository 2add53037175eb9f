"""Play / pause / step / reset for the live lessons.

The state being animated lives in ``st.session_state``; only the drawing part of a page runs in
a ``st.fragment`` that reruns every ``TICK_SECONDS`` while playing, so a tick does not rerun
the whole page. The buttons themselves sit outside the fragment: pressing Play or Pause reruns
the page, which re-declares the fragment with or without its timer.
"""

from __future__ import annotations

from typing import Callable

import streamlit as st

from lab.i18n import t

TICK_SECONDS = 0.1  # the timer; a frame also waits for the server and the browser


def _playing_key(key: str) -> str:
    return f"{key}__playing"


def is_playing(key: str) -> bool:
    return bool(st.session_state.get(_playing_key(key), False))


def pause(key: str) -> None:
    """Stop the timer (the caller should then ``st.rerun()`` so the fragment loses it)."""
    st.session_state[_playing_key(key)] = False


def controls(key: str, *, can_play: bool = True) -> str | None:
    """Draw the four buttons; return ``"step"`` or ``"reset"`` when pressed, else None."""
    playing = is_playing(key)
    c_play, c_step, c_reset = st.columns(3)
    if c_play.button(t("player.pause") if playing else t("player.play"), key=f"{key}__play", type="primary",
                     icon=":material/pause:" if playing else ":material/play_arrow:",
                     width="stretch", disabled=not (can_play or playing)):
        st.session_state[_playing_key(key)] = not playing
        st.rerun()
    stepped = c_step.button(t("player.step"), key=f"{key}__step", icon=":material/skip_next:",
                            width="stretch", disabled=playing)
    reset = c_reset.button(t("player.reset"), key=f"{key}__reset", icon=":material/restart_alt:",
                           width="stretch")
    if reset:
        pause(key)
        return "reset"
    return "step" if stepped else None


def live(key: str, body: Callable[[bool], None], ticks: bool = True) -> None:
    """Run ``body(playing)`` in a fragment that reruns every tick while playing (``ticks``),
    or only when a widget inside it changes (a page that plays in the browser: the fragment
    reruns when the player asks for its next chunk)."""
    playing = is_playing(key)

    @st.fragment(run_every=TICK_SECONDS if playing and ticks else None)
    def _frame():
        body(is_playing(key))

    _frame()


def stop_and_rerun(key: str) -> None:
    """Pause and rerun the whole page (used when an animation reaches its end)."""
    pause(key)
    st.rerun()
