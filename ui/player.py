"""Play / Pause / Step / Reset buttons for the live lessons (``ui.frames_player`` plays them),
with their keys (``ui.keys``: Space plays or pauses, the right arrow steps, R resets) and a
popover listing them.

Whether a lesson is playing lives in ``st.session_state``; Play and Pause switch it in the
button's callback, before the page's run, so the whole run (the buttons and everything below
them) is drawn in the new mode.
"""

from __future__ import annotations

import streamlit as st

from lab.core.i18n import t
from ui import keys

KEYS = (" ", "ArrowRight", "r")  # Play / Pause, Step, Reset


def _playing_key(key: str) -> str:
    return f"{key}__playing"


def is_playing(key: str) -> bool:
    return bool(st.session_state.get(_playing_key(key), False))


def pause(key: str) -> None:
    """Stop playing (the caller should then ``st.rerun()`` so the page redraws paused)."""
    st.session_state[_playing_key(key)] = False


def _set(key: str, playing: bool) -> None:
    """Play or Pause pressed: a callback, so the run it starts is already in the new mode (one
    page run from the click to the first frame handed, not two). It sets what the button said
    (Pause pauses), never flips: a click Streamlit hands to two runs (the player's fragment
    reruns while it plays) would otherwise flip it back."""
    st.session_state[_playing_key(key)] = playing


FOLLOWING = "_room_following"  # session key: a follower's player is the lecturer's (ui.room)


def controls(key: str, *, can_play: bool = True) -> str | None:
    """Draw the Play / Pause, Step and Reset buttons, bound to their keys, and the popover
    listing the keys; return ``"step"`` or ``"reset"`` when pressed, else None. A student
    following the lecturer sees them disabled: the lecturer plays for the room."""
    playing = is_playing(key)
    if st.session_state.get(FOLLOWING):
        can_play = False
    c_play, c_step, c_reset, c_keys = st.columns([1, 1, 1, 0.42],
                                                 vertical_alignment="center")
    c_play.button(t("player.pause") if playing else t("player.play"), key=f"{key}__play", type="primary",
                  icon=":material/pause:" if playing else ":material/play_arrow:",
                  width="stretch", on_click=_set, args=(key, not playing),
                  disabled=not (can_play or playing) or st.session_state.get(FOLLOWING, False))
    stepped = c_step.button(t("player.step"), key=f"{key}__step", icon=":material/skip_next:",
                            width="stretch", disabled=playing or not can_play)
    reset = c_reset.button(t("player.reset"), key=f"{key}__reset", icon=":material/restart_alt:",
                           width="stretch", disabled=st.session_state.get(FOLLOWING, False))
    with c_keys:
        keys.help([(t("keys.space"), t("keys.play_pause")), (t("keys.right"), t("keys.step")),
                   (t("keys.r"), t("keys.reset"))])
        keys.bind(dict(zip(KEYS, (f"{key}__play", f"{key}__step", f"{key}__reset"))))
    if reset:
        pause(key)
        return "reset"
    return "step" if stepped else None


def stop_and_rerun(key: str) -> None:
    """Pause and rerun the whole page (used when an animation reaches its end)."""
    pause(key)
    st.rerun()
