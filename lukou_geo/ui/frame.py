"""The shared frame: page config, language switch, navigation; every page runs inside :func:`guard`."""

from __future__ import annotations

import functools
from collections.abc import Callable

import streamlit as st

from lukou_geo.errors import LukouError
from lukou_geo.text import t
from lukou_geo.ui import messages
from lukou_geo.ui.i18n import lang
from lukou_geo.ui.pages import atlas
from lukou_geo.ui.pages import check as check_page
from lukou_geo.ui.pages import compare as compare_page
from lukou_geo.ui.pages import data as data_page
from lukou_geo.ui.pages import indicators as indicators_page
from lukou_geo.ui.pages import layers as layers_page
from lukou_geo.ui.pages import present as present_page
from lukou_geo.ui.pages import reader as reader_page
from lukou_geo.ui.pages import registry as registry_page
from lukou_geo.ui.pages import signin as signin_page
from lukou_geo.ui.pages import table as table_page
from lukou_geo.ui.pages import views as views_page


def guard(page: Callable[[], None]) -> Callable[[], None]:
    """``page`` such that a :class:`LukouError` raised anywhere in it is shown as its message.

    The message (in the current language, Markdown-escaped: it names files and values) goes in an
    error box below what the page drew before the error; the user never sees a traceback for an
    error the atlas knows. Other exceptions are bugs and still show Streamlit's exception box.
    """

    @functools.wraps(page)
    def run() -> None:
        try:
            page()
        except LukouError as exc:
            messages.error(exc.message(lang()))

    return run


def run() -> None:
    """Set up the page, the sidebar language switch and the navigation; run the chosen page."""
    st.set_page_config(page_title="渌口规划一张图 Lukou Planning Atlas", page_icon="🗺️", layout="wide")
    current = lang()
    with st.sidebar:
        choice = st.radio(
            t("app.lang", current), ["zh", "en"], index=0 if current == "zh" else 1,
            format_func=lambda v: "中文" if v == "zh" else "English", horizontal=True, key="lang_switch",
        )
        if choice != current:
            st.session_state["lang"] = choice
            st.query_params["lang"] = choice
            st.rerun()
        signed = st.session_state.get("account")
        st.caption(messages.escape(t("signin.as", current, name=signed["display"], role=signed["role"]) if signed else t("signin.none", current)))
    pages = [
        st.Page(guard(atlas.render), title=t("page.atlas", current), url_path="atlas", default=True),
        st.Page(guard(data_page.render), title=t("page.data", current), url_path="data"),
        st.Page(guard(reader_page.render), title=t("page.reader", current), url_path="reader"),
        st.Page(guard(indicators_page.render), title=t("page.indicators", current), url_path="indicators"),
        st.Page(guard(check_page.render), title=t("page.check", current), url_path="check"),
        st.Page(guard(layers_page.render), title=t("page.layers", current), url_path="layers"),
        st.Page(guard(table_page.render), title=t("page.table", current), url_path="table"),
        st.Page(guard(present_page.render), title=t("page.present", current), url_path="present"),
        st.Page(guard(views_page.render), title=t("page.views", current), url_path="views"),
        st.Page(guard(compare_page.render), title=t("page.compare", current), url_path="compare"),
        st.Page(guard(registry_page.render), title=t("page.registry", current), url_path="registry"),
        st.Page(guard(signin_page.render), title=t("page.signin", current), url_path="signin"),
    ]
    from lukou_geo.ui import links

    links.register_pages({p.url_path: p for p in pages})
    st.navigation(pages).run()
