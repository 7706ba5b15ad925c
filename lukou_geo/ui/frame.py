"""The shared frame: page config, language switch, navigation; every page runs inside :func:`guard`."""

from __future__ import annotations

import functools
from collections.abc import Callable

import streamlit as st

from lukou_geo.errors import LukouError
from lukou_geo.text import t
from lukou_geo.ui import messages, session
from lukou_geo.ui.i18n import lang
from lukou_geo.ui.pages import atlas
from lukou_geo.ui.pages import audit_log as audit_page
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
from lukou_geo.ui.pages import users as users_page
from lukou_geo.ui.pages import views as views_page

#: What a visitor who has not signed in sees under LUKOU_ANONYMOUS_BROWSE=1 (a viewer's browsing and presenting;
#: the check, the register, the layers' management and the admin pages need a sign-in).
ANONYMOUS_PAGES = frozenset({"atlas", "data", "reader", "indicators", "table", "present", "views", "compare", "signin"})


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
        try:
            state = session.browse_state()
        except LukouError as exc:  # e.g. a damaged store: said, and a network visitor is not let in
            messages.error(exc.message(current))
            state = "sign_in"
        if signed:
            st.caption(messages.escape(t("signin.as", current, name=signed["display"], role=signed["role"])))
        else:
            st.caption(t("signin.anonymous" if state == "anonymous" else "signin.none", current))
    pages = {url: st.Page(guard(render), title=t(title, current), url_path=url, default=url == "atlas")
             for url, render, title in PAGES}
    pages = visible_pages(pages, state, current)
    from lukou_geo.ui import links

    links.register_pages(pages)
    st.navigation(list(pages.values()), expanded=True).run()  # every page listed: no folded menu behind Streamlit's English "View N more"


#: Every page: (url path, render, title key); the first is the default.
PAGES: tuple[tuple[str, Callable[[], None], str], ...] = (
    ("atlas", atlas.render, "page.atlas"),
    ("data", data_page.render, "page.data"),
    ("reader", reader_page.render, "page.reader"),
    ("indicators", indicators_page.render, "page.indicators"),
    ("check", check_page.render, "page.check"),
    ("layers", layers_page.render, "page.layers"),
    ("table", table_page.render, "page.table"),
    ("present", present_page.render, "page.present"),
    ("views", views_page.render, "page.views"),
    ("compare", compare_page.render, "page.compare"),
    ("registry", registry_page.render, "page.registry"),
    ("signin", signin_page.render, "page.signin"),
)
#: The admin pages, in the navigation of admins only (the pages check it again, and every write on the server).
ADMIN_PAGES: tuple[tuple[str, Callable[[], None], str], ...] = (
    ("users", users_page.render, "page.users"),
    ("audit", audit_page.render, "page.audit"),
)


def visible_pages(pages: dict[str, st.Page], state: str, current: str) -> dict[str, st.Page]:
    """The pages (by url path) a session in ``state`` (:func:`lukou_geo.ui.session.browse_state`) gets."""
    if state in ("sign_in", "no_accounts"):  # a network server, not signed in: the sign-in page only
        return {"signin": st.Page(guard(signin_page.render), title=t("page.signin", current), url_path="signin", default=True)}
    if state == "anonymous":  # a public display: the plan pages and presenting, nothing that records
        return {u: p for u, p in pages.items() if u in ANONYMOUS_PAGES}
    try:
        if session.allowed("users.admin"):
            pages = {**pages, **{u: st.Page(guard(r), title=t(k, current), url_path=u) for u, r, k in ADMIN_PAGES}}
    except LukouError as exc:  # the store cannot be read: the pages say so themselves
        messages.error(exc.message(current))
    return pages
