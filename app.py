"""Neural-network lab: the entry point. Run with ``streamlit run app.py``.

Builds the navigation from ``ui.catalog.LESSONS`` (lecture order) plus a home page, and draws
the sidebar shared by every page. Each page is one file under ``pages/``.
"""

import streamlit as st

from ui.catalog import LESSONS
from ui.gc_policy import freeze_after_heavy_imports
from ui.sidebar import shared_sidebar

st.set_page_config(page_title="Neural-network lab", page_icon=":material/neurology:",
                   layout="wide")

home = st.Page("pages/home.py", title="Home", icon=":material/home:", default=True)
lessons = [st.Page(l.script, title=l.title, icon=l.icon, url_path=l.url_path) for l in LESSONS]
page = st.navigation({"": [home], "Lessons": lessons})
shared_sidebar()
page.run()
freeze_after_heavy_imports()
