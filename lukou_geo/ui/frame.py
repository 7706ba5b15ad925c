"""The shared frame: page config, language switch, navigation."""

from __future__ import annotations

import streamlit as st

from . import atlas, data_page
from .i18n import TEXT, lang


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
    ]
    st.navigation(pages).run()
