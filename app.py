"""Neural-network lab: the entry point. Run with ``streamlit run app.py``.

Builds the navigation from ``ui.catalog.LESSONS`` (lecture order) plus a home page
(``ui.navigation``), and draws the sidebar shared by every page (language, presenter mode, the
link to the view). Each page is one file under ``pages/``; every word on screen comes from
``lab/locales/`` (``lab.core.i18n``).
"""

from pathlib import Path

import streamlit as st

from lab.core import i18n
from lab.training import store
from lab.core.i18n import t
from ui import navigation, presenter, questions, room, training, walkthrough
from ui.gc_policy import freeze_after_heavy_imports
from ui import notebook
from ui.sidebar import (link_box, name_dropped_values, remember_link, session_language,
                        shared_sidebar)

ICON = str(Path(__file__).with_name("ui") / "icon.png")

store.warm_up()  # the training processes' fork server, once per server, in the background: first
i18n.set_language_source(session_language)  # every t() below reads the sidebar's language
training.set_room_role(room.role)  # a room's lecturer and students: the training queue's rules
remember_link()
room_slot, link_slot = shared_sidebar()  # first: a link's language (bound to the URL) names the pages
# The icon ships with the lab: a Material icon would be fetched from Google on every page load.
st.set_page_config(page_title=t("app.title"), page_icon=ICON, layout="wide")

page = st.navigation(navigation.pages())  # made once per language, copied for this run
room.before(page.url_path)  # a follower takes the lecturer's page and settings
presenter.apply(st.session_state.get("presenter", False), fold_controls=room.folded())
with room_slot:
    room.sidebar(page.url_path)
walkthrough.render(page.url_path)  # the lecture's walk-through, above the page
questions.panel(page.url_path, before=True)  # the page's questions (at its end), and a room's
with notebook.offered(page.url_path):  # its take-home notebook, in the sidebar (ui/notebook.py)
    with room.publishing(page.url_path):  # a page that stops early: the lecturer publishes
        page.run()
questions.panel(page.url_path)  # those that read the page's player: after it stepped
room.after(page.url_path)  # the lecturer publishes what was drawn
link_box(link_slot, page.url_path)
name_dropped_values(page.url_path)
freeze_after_heavy_imports()
