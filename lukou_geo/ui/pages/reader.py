"""The 规划原文 page: the plan's text by chapter and 专栏, each passage linked to the features it places.

``?p=<line>`` opens the chapter holding that paragraph, marks it and scrolls to it (the map's
popups link here). Every text is escaped before it becomes HTML (:mod:`lukou_geo.plan.reader`).
"""

from __future__ import annotations

import json

import streamlit as st
import streamlit.components.v1 as components

from lukou_geo.plan.reader import READER_CSS, chapter_lines, feature_links, locate, navigation, paragraph_html
from lukou_geo.plan.text import read_plan
from lukou_geo.text import t
from lukou_geo.ui.i18n import lang
from lukou_geo.ui.state import load_catalog, load_data


def _target_line() -> int | None:
    raw = st.query_params.get("p")
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def render() -> None:
    """Draw the page."""
    lg = lang()
    st.markdown(f"#### {t('page.reader', lg)}")
    st.caption(t("reader.intro", lg))
    plan = read_plan()
    catalog, data = load_catalog(), load_data()
    links = feature_links(catalog, data)
    nav = navigation(plan, lg)
    target = _target_line()
    chapters = [n for n in nav if n.box is None]
    want = locate(plan, target) if target else None
    default = next((i for i, n in enumerate(chapters) if n.chapter == want), 1 if len(chapters) > 1 else 0)
    with st.sidebar:
        idx = st.selectbox(t("reader.section", lg), range(len(chapters)), index=default,
                           format_func=lambda i: chapters[i].title, key="reader_chapter")
    chapter = chapters[idx].chapter
    if want is not None and chapter != want:
        target = None  # the user chose another chapter
    lines = chapter_lines(plan, chapter)
    boxes = [n for n in nav if n.box and n.chapter == chapter]
    placed = [ln for ln in lines if ln in links]
    st.markdown(f"##### {chapters[idx].title}")
    st.caption(t("reader.linked", lg, n=len(placed), f=sum(len(links[ln]) for ln in placed)))
    if boxes:
        st.markdown(t("reader.boxes", lg) + ": " + " · ".join(f"[{b.title}](#p{b.first_line})" for b in boxes))
    body = "".join(paragraph_html(plan, ln, links.get(ln, []), lg, catalog, highlight=ln == target) for ln in lines)
    st.markdown(READER_CSS + f'<div class="lk-reader-text">{body}</div>', unsafe_allow_html=True)
    if target:
        # scroll the page (the parent of this component's iframe) to the linked passage
        components.html(
            "<script>(function(){var id=" + json.dumps(f"p{target}") + ";var n=0;"
            "var t=setInterval(function(){var e=window.parent.document.getElementById(id);"
            "if(e){e.scrollIntoView({block:'center'});clearInterval(t);}if(++n>50)clearInterval(t);},100);})();</script>",
            height=0,
        )
