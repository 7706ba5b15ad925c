"""The 演示 page: the deck full-screen, stepped with ←/→ and PageUp/PageDown, and its exports.

The whole deck is one map (lukou_geo.meeting.present): stepping a slide runs no Streamlit script, so a
clicker works with no delay; the app's chrome is hidden with CSS in presentation mode.
"""

from __future__ import annotations

import re

import streamlit as st
from streamlit_folium import st_folium

from lukou_geo.map import assets
from lukou_geo.meeting.offline import export_deck_html
from lukou_geo.meeting.present import build_deck_map
from lukou_geo.meeting.printing import spec_for_slide
from lukou_geo.text import t
from lukou_geo.ui import messages
from lukou_geo.ui.i18n import lang
from lukou_geo.ui.meeting import deck_choices, load_deck, print_controls
from lukou_geo.ui.state import load_catalog, load_data

HIDE_CHROME = """
<style>
header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 0.4rem 0.6rem 0 !important; max-width: 100% !important; }
iframe[title="streamlit_folium.st_folium"] { height: calc(100vh - 3.2rem) !important; }
</style>
"""
MAP_HEIGHT = 860


def _slide_param(n: int, lg: str) -> int:
    """The first slide (0-based) a ``?slide=k`` link asks for (1-based); a value that is not a number
    1–n is a warning and the deck starts at its first slide (``str.isdigit`` would take "²")."""
    raw = st.query_params.get("slide")
    if not raw:
        return 0
    if re.fullmatch(r"[0-9]{1,6}", raw) and 1 <= int(raw) <= n:
        return int(raw) - 1
    messages.warning(t("meeting.slide_param", lg, value=raw[:40], n=n))
    return 0


def render() -> None:
    """Draw the page."""
    lg = lang()
    catalog, data = load_catalog(), load_data()
    choices = deck_choices()
    top = st.columns([2, 1, 2, 1.2])
    deck_id = top[0].selectbox(t("meeting.deck", lg), choices, key="present_deck", label_visibility="collapsed",
                               format_func=lambda d: t("meeting.deck_views", lg) if d == "views" else d)
    deck = load_deck(deck_id)  # a bad deck is the frame's error box, below the deck choice
    default_start = _slide_param(len(deck.slides), lg)
    start = top[1].number_input(t("meeting.start", lg), 1, len(deck.slides), min(max(default_start, 0), len(deck.slides) - 1) + 1,
                                key="present_start", label_visibility="collapsed") - 1
    hide = top[2].toggle(t("meeting.hide_chrome", lg), value=True, key="present_hide")
    top[3].markdown(f'<a href="./" target="_self">↩ {t("meeting.exit", lg)}</a>', unsafe_allow_html=True)
    if hide:
        st.markdown(HIDE_CHROME, unsafe_allow_html=True)
    else:
        st.caption(t("meeting.present_help", lg))
    m = build_deck_map(catalog, data, deck, lang=lg, start=int(start), height=MAP_HEIGHT)
    assets.localize(m, assets.LOCAL_BASE_APP)
    st_folium(m, key=f"deck-{deck_id}-{lg}-{start}", height=MAP_HEIGHT, use_container_width=True,
              returned_objects=[])
    with st.expander(f"{t('meeting.dl_html', lg)} · {t('meeting.print', lg)}"):
        st.caption(t("meeting.present_help", lg))
        if st.button(t("meeting.make_html", lg), key="present_make_html"):
            st.session_state["present_html"] = (deck_id, lg, export_deck_html(catalog, data, deck, lg))
        built = st.session_state.get("present_html")
        if built and built[:2] == (deck_id, lg):
            st.download_button(t("meeting.dl_html", lg), built[2].encode("utf-8"), file_name=f"lukou-deck-{deck_id}-{lg}.html",
                               mime="text/html", key="present_dl_html")
        slide = st.selectbox(t("meeting.slide", lg), range(len(deck.slides)), key="present_print_slide",
                             format_func=lambda i: f"{i + 1}. {deck.slides[i].title(lg)}")
        print_controls(lambda paper, orient: spec_for_slide(deck, slide, data, lg, paper=paper, orientation=orient),
                       key=f"slide{slide + 1}")
