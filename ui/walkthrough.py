"""A page's walk-through of its lecture on screen: step i of n, its explanation, Back and Next.

``app.py`` calls :func:`render` before the page runs. The step reached is a control of the
page's table (``ui.settings``, ``<page>_walk``; 0 is the page as it opened), so a link opens at
it, a room's followers step with the lecturer (``ui.room`` follows every control of the page),
and the lecturer may lock it for the room. Back, Next and the step box are callbacks: they write
the step's settings (``lab.lessons.walkthrough.settings_at``, the page's other controls at their
defaults) into the widgets before the page draws them, as a preset does. Page Down and Page Up
press Next and Back (Streamlit's button shortcuts: a presentation clicker sends those keys).
A step may name a question (``lab.questions``): it is shown before the explanation and chosen in
the page's question panel (``ui.questions``), where it is answered or asked to the class.
"""

from __future__ import annotations

import streamlit as st

from lab.core.i18n import t
from lab.lessons import walkthrough as lab_walk
from lab.questions import by_id
from ui import controls, questions
from ui.safe import fields as escaped
from ui.settings import WALK_KEY, stock_preset
from ui.sidebar import forget_link_value
from lab.models.stock_model import PRESETS as STOCK_PRESETS

# A control that stands for others (a preset): applied as the values it stands for, then the
# step's own settings on top.
EXPANDS = {"sk_preset": lambda name: stock_preset(STOCK_PRESETS[name])}
NEXT_KEY, BACK_KEY = "PageDown", "PageUp"
PICK = questions.PICK  # the choice of the page's question in its panel


def key(page: str) -> str:
    return WALK_KEY.format(page=page)


def values_at(page: str, index: int) -> dict:
    """Every control of ``page`` as step ``index`` (from 1) sets it; 0 changes nothing."""
    if index <= 0:
        return {}
    table = controls.REGISTRY[page]
    out = {c.key: c.initial() for c in table if c.key != key(page)}
    for step in lab_walk.steps(page)[:index]:  # as lab_walk.settings_at, a preset in its place
        for name, value in step.settings.items():
            out.update(EXPANDS[name](value) if name in EXPANDS else {})
            out[name] = value
    return out


def _apply(page: str) -> None:
    index = int(st.session_state.get(key(page), 0))
    values = values_at(page, index)
    for name in values:
        forget_link_value(name)  # the step's value, not a link's, seeds the widget
    controls.REGISTRY[page].apply(values)
    question = lab_walk.steps(page)[index - 1].question if index else None
    if question:  # chosen in the page's question panel, opened, ready to answer or to ask
        st.session_state[PICK.format(page=page)] = question
        st.session_state[questions.OPEN] = True


def _go(page: str, delta: int) -> None:
    n = len(lab_walk.steps(page))
    st.session_state[key(page)] = min(max(int(st.session_state.get(key(page), 0)) + delta, 0), n)
    _apply(page)


def _question(url_path: str, index: int, question_id: str) -> None:
    """The step's question, computed from the page now (``lab.questions``), asked before the
    explanation; it is answered in the page's question panel (``ui.questions``)."""
    now = questions.settings(url_path)  # a widget not drawn yet (a link's first run): the step's
    now.update({k: v for k, v in values_at(url_path, index).items() if k not in st.session_state})
    q = by_id(question_id, now, questions.player_state())
    if q is not None:  # None: these settings leave it out (words that cannot be read)
        st.markdown(t("walkthrough.question", prompt=questions.prompt(q)))
        st.caption(t("walkthrough.question_where"))


def render(url_path: str) -> None:
    """The walk-through of the page at ``url_path``, if it has one (every lesson but errata)."""
    steps = lab_walk.steps(url_path)
    table = controls.REGISTRY.get(url_path)
    if not steps or table is None:
        return
    n, k = len(steps), key(url_path)
    locked = k in st.session_state.get(controls.LOCKED, ())
    with st.container(border=True, key="walkthrough"):
        head = st.empty()
        back, ahead, box, _ = st.columns([1.5, 1.5, 1, 3], vertical_alignment="center")
        index = int(table.draw(k, box, on_change=_apply, args=(url_path,),
                               label_visibility="collapsed"))
        keys = t("walkthrough.keys")  # the buttons show their key; the tooltip says why
        back.button(t("walkthrough.back"), key="_walk_back", icon=":material/arrow_back:",
                    on_click=_go, args=(url_path, -1), disabled=locked or index == 0,
                    shortcut=BACK_KEY, width="stretch", help=keys)
        ahead.button(t("walkthrough.next"), key="_walk_next", icon=":material/arrow_forward:",
                     on_click=_go, args=(url_path, 1), disabled=locked or index == n,
                     shortcut=NEXT_KEY, type="primary", width="stretch", help=keys)
        if index == 0:
            head.markdown(f"**{t('walkthrough.title', n=n)}**")
            st.markdown(t("walkthrough.intro"))
            return
        step = steps[index - 1]
        values = escaped(**lab_walk.fields(url_path, index - 1))
        title = t(f"{step.key}.title", **values)
        head.markdown(f"**{t('walkthrough.title_at', i=index, n=n, title=title)}** · "
                      f"{t('walkthrough.lecture', lecture=step.lecture)}")
        if step.question:
            _question(url_path, index, step.question)
        st.markdown(t(f"{step.key}.text", **values))
        if index == n:
            st.caption(t("walkthrough.done"))
