"""Links between the app's pages that keep the session (the signed-in account lives in it).

A plain Markdown link loads the app anew: a new session, signed out. :func:`page_link` uses Streamlit's
``st.page_link`` with the :class:`st.Page` the frame registered for that address (:func:`register_pages`),
which switches pages inside the session; where no frame runs (a page rendered alone, as in the AppTest
tests) it falls back to a relative Markdown link. The label is the user's text (a project's name) and is
Markdown-escaped either way.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import streamlit as st

from lukou_geo.ui import messages

_PAGES_KEY = "_lk_pages"


def register_pages(pages: dict[str, Any]) -> None:
    """The frame's pages of this run, by their ``url_path``."""
    st.session_state[_PAGES_KEY] = pages


def page_link(url_path: str, label: str, query: dict[str, str] | None = None) -> None:
    """A link to the page at ``url_path`` with ``query``, labelled ``label`` (shown as written)."""
    page = (st.session_state.get(_PAGES_KEY) or {}).get(url_path)
    text = messages.escape(label)
    if page is not None:
        st.page_link(page, label=text, query_params=query or None)
    else:
        href = url_path + ("?" + urlencode(query) if query else "")
        st.markdown(f"[{text}]({href})")
