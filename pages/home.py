"""Home: what the lab is and what each page teaches."""

import streamlit as st

from lab.core.i18n import t
from ui.catalog import LESSONS
from ui.entry import ensure_app_navigation

ensure_app_navigation()

st.title(t("home.title"))
st.markdown(t("home.intro"))

for i, lesson in enumerate(LESSONS, start=1):
    with st.container(border=True):
        st.page_link(lesson.script, label=f"{i}. {lesson.title()}", icon=lesson.icon)
        st.markdown(lesson.teaches())
        st.caption(lesson.lecture())
