"""Lecture errata and glossary (lectures 000-004): every slip in the five notes with its true
value and the page that shows it; the lectures' terms in Korean, English, Keras and symbols."""

import streamlit as st

from lab.lessons import errata
from lab.core.i18n import headers, t
from ui.entry import ensure_app_navigation
from ui.safe import md
from ui.settings import ERRATA as C

ensure_app_navigation()

st.title(t("lesson.errata.title"))
st.markdown(t("errata.intro"))
asked_term = "gl_find" in st.query_params  # a page's link to a term: errata?gl_find=...
tab_errata, tab_glossary = st.tabs([t("errata.tab_errata"), t("errata.tab_glossary")],
                                   default=t("errata.tab_glossary") if asked_term else None)

with tab_errata:
    table = errata.errata_table(C.draw("er_lecture"))
    st.caption(t("errata.count", shown=len(table), total=len(errata.errata())))
    shown = headers(table.assign(link=table["link"].where(table["link"] != "")), "errata.col")
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        t("errata.col.link"): st.column_config.LinkColumn(display_text=t("errata.open"))})
    st.download_button(t("errata.download"),
                       shown.drop(columns=t("errata.col.link")).to_csv(index=False)
                       .encode("utf-8-sig"), "errata.csv", "text/csv", key="er_download")

with tab_glossary:
    st.markdown(t("errata.glossary_intro"))
    query = C.draw("gl_find")
    terms = headers(errata.glossary_table(query), "errata.col")
    if terms.empty:
        st.info(t("errata.no_term", query=md(query)))
    st.dataframe(terms, hide_index=True, width="stretch")
    st.download_button(t("errata.download_glossary"), terms.to_csv(index=False).encode("utf-8-sig"),
                       "glossary.csv", "text/csv", key="gl_download")
