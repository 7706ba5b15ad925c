"""The shared frame: page config, language switch, navigation."""

from __future__ import annotations

import streamlit as st

from lukou_geo.ui.i18n import TEXT, lang
from lukou_geo.ui.meeting import TEXT as MEETING_TEXT
from lukou_geo.ui.pages import atlas
from lukou_geo.ui.pages import check as check_page
from lukou_geo.ui.pages import compare as compare_page
from lukou_geo.ui.pages import data as data_page
from lukou_geo.ui.pages import present as present_page
from lukou_geo.ui.pages import views as views_page
from lukou_geo.ui.pages.indicators import TEXT as INDICATORS_TEXT
from lukou_geo.ui.pages.indicators import render as render_indicators
from lukou_geo.ui.pages.reader import TEXT as READER_TEXT
from lukou_geo.ui.pages.reader import render as render_reader


def run() -> None:
    """Set up the page, the sidebar language switch and the navigation; run the chosen page."""
    st.set_page_config(page_title="渌口规划一张图 Lukou Planning Atlas", page_icon="🗺️", layout="wide")
    current = lang()
    with st.sidebar:
        choice = st.radio(
            TEXT["lang"][current], ["zh", "en"], index=0 if current == "zh" else 1,
            format_func=lambda v: "中文" if v == "zh" else "English", horizontal=True, key="lang_switch",
        )
        if choice != current:
            st.session_state["lang"] = choice
            st.query_params["lang"] = choice
            st.rerun()
    pages = [
        st.Page(atlas.render, title=TEXT["page_atlas"][current], url_path="atlas", default=True),
        st.Page(data_page.render, title=TEXT["page_data"][current], url_path="data"),
        st.Page(render_reader, title=READER_TEXT["page"][current], url_path="reader"),
        st.Page(render_indicators, title=INDICATORS_TEXT["page"][current], url_path="indicators"),
        st.Page(check_page.render, title="选址核查" if current == "zh" else "Site check", url_path="check"),
        st.Page(present_page.render, title=MEETING_TEXT["page_present"][current], url_path="present"),
        st.Page(views_page.render, title=MEETING_TEXT["page_views"][current], url_path="views"),
        st.Page(compare_page.render, title=MEETING_TEXT["page_compare"][current], url_path="compare"),
    ]
    st.navigation(pages).run()
