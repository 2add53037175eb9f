"""Keyboard keys that press a page's buttons (issue 26: Space plays or pauses, the right arrow
steps, R resets; a walk-through's Next and Back).

The API, for any page or helper (``ui.player`` uses it; ``ui.walkthrough`` can bind its Next
and Back the same way)::

    from ui import keys
    keys.bind({" ": "xor__play", "ArrowRight": "xor__step", "r": "xor__reset"})
    keys.bind({"PageDown": "walk__next", "PageUp": "walk__back", "n": "walk__next"})
    keys.help([(t("keys.space"), t("keys.play_pause")), ...])  # the popover listing them

:func:`bind` maps a key (a ``KeyboardEvent.key`` value: ``" "`` for Space, ``"ArrowRight"``,
``"PageDown"``; a letter in lower case, which Shift does not change) to a button's widget
``key``. Pressing it clicks that button if it is on screen and enabled: a button in a hidden
tab, a folded expander or a closed popover is not pressed, nor a disabled one (a follower's, or
Step while playing). Keys are ignored while typing in a text box (input, text area, select,
anything editable), with Ctrl, Alt or Meta held, and when held down (no repeats); the arrows,
Page Up / Down, Home and End also while a slider, a tab or a list has the focus (they move
it). A key that
presses a button goes no further (Streamlit's own R, rerun, is not run as well). Call it on
every run, anywhere on the page: one listener is installed for the browser tab, and each call
adds its bindings (several buttons may share a key: the one on screen is pressed).

Why not Streamlit's ``st.button(shortcut=...)`` (1.67): tried in Chromium, a key bound to two
buttons in two tabs pressed both (the RNN page has a player in each of two tabs), and it
refuses R and C (Streamlit's own keys). It suits a key that only one button on the page has.
"""

from __future__ import annotations

import json

import streamlit as st

from lab.core.i18n import t

# The element holding the listener takes no room on the page (its style hides it).
_LISTENER = """<style>.stElementContainer:has(.lab-keys) { display: none; }</style>
<span class="lab-keys"></span><script>(() => {
  const map = window.__labKeys = window.__labKeys || {};
  for (const [key, buttons] of Object.entries(%s)) {
    map[key] = Array.from(new Set([...(map[key] || []), ...buttons]));
  }
  if (window.__labKeysOn) return;
  window.__labKeysOn = true;
  const typing = (el) => !!el && (el.isContentEditable ||
    ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
  const moving = /^(Arrow|Page)|^(Home|End)$/;  // keys a focused slider, tab or list moves by
  const steered = ["slider", "spinbutton", "combobox", "listbox", "option", "radio",
    "radiogroup", "tab", "tablist", "menu", "menuitem", "grid"].map((r) => `[role="${r}"]`);
  window.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.altKey || e.metaKey || e.repeat) return;
    const el = document.activeElement;
    if (typing(e.target) || typing(el)) return;
    if (moving.test(e.key) && el && el.closest && el.closest(steered.join(","))) return;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    for (const name of window.__labKeys[key] || []) {
      for (const b of document.querySelectorAll(".st-key-" + CSS.escape(name) + " button")) {
        if (b.disabled || !b.getClientRects().length) continue;
        e.preventDefault(); e.stopImmediatePropagation();
        b.click();
        return;
      }
    }
  }, true);
})();</script>"""


def bind(keys: dict[str, str]) -> None:
    """Pressing each key clicks the button with that widget key (see the module's text)."""
    grouped: dict[str, list[str]] = {}
    for key, button in keys.items():
        grouped.setdefault(key if len(key) > 1 else key.lower(), []).append(button)
    bindings = json.dumps(grouped).replace("<", "\\u003c")  # no "</script>" in it, ever
    st.html(_LISTENER % bindings, unsafe_allow_javascript=True)


def help(rows: list[tuple[str, str]]) -> None:
    """A popover listing the keys: (key as shown, what it does) rows."""
    with st.popover(t("keys.title"), icon=":material/keyboard:"):
        st.markdown(t("keys.intro"))
        st.markdown("\n".join(f"- **{key}**: {what}" for key, what in rows))
