"""Neural-network lab: the entry point. Run with ``streamlit run app.py``.

Builds the navigation from ``ui.catalog.LESSONS`` (lecture order) plus a home page, and draws
the sidebar shared by every page (language, presenter mode, the link to the view). Each page is
one file under ``pages/``; every word on screen comes from ``lab/locales/`` (``lab.i18n``).
"""

import streamlit as st

from lab import store
from lab.i18n import t
from ui import links
from ui.catalog import LESSONS
from ui.gc_policy import freeze_after_heavy_imports
from ui.sidebar import restore_sidebar_settings, shared_sidebar

restore_sidebar_settings()  # a link's language first: the navigation's titles use it
st.set_page_config(page_title=t("app.title"), page_icon=":material/neurology:", layout="wide")
store.warm_up()  # the training processes' fork server, once per server, in the background

home = st.Page("pages/home.py", title=t("home.nav"), icon=":material/home:", default=True)
lessons = [st.Page(l.script, title=l.title(), icon=l.icon, url_path=l.url_path) for l in LESSONS]
page = st.navigation({"": [home], t("app.lessons"): lessons})
link_slot = shared_sidebar()
page.run()
links.link_box(link_slot, page.url_path)
freeze_after_heavy_imports()
