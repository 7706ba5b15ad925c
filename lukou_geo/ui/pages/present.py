"""The 演示 page: the deck full-screen, stepped with ←/→ and PageUp/PageDown, and its exports.

The whole deck is one map (lukou_geo.meeting.present): stepping a slide runs no Streamlit script, so a
clicker works with no delay; the app's chrome is hidden with CSS in presentation mode.
"""

from __future__ import annotations

import re

import streamlit as st
from streamlit_folium import st_folium

from lukou_geo.errors import LukouError
from lukou_geo.map import assets
from lukou_geo.map.elements.screen import add_screen_fit
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
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"], footer,
.st-key-present_more { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
/* the map fills the window; the deck's own controls float over it, bottom right */
iframe[title="streamlit_folium.st_folium"] { position: fixed !important; left: 0; top: 0; width: 100vw !important;
  height: 100vh !important; z-index: 999980; border: 0; }
.st-key-present_bar { position: fixed !important; right: 8px; bottom: 22px; z-index: 999990; width: auto !important;
  max-width: 46vw; background: rgba(255,255,255,.92); border-radius: 6px; padding: 4px 8px 0;
  box-shadow: 0 1px 6px rgba(0,0,0,.3); }
.st-key-present_bar [data-testid="stHorizontalBlock"] { flex-wrap: nowrap; gap: 0.6rem; align-items: center; }
.st-key-present_bar [data-testid="stColumn"] { width: auto !important; flex: 0 1 auto !important; min-width: 0 !important; }
.st-key-present_bar .stSelectbox { min-width: 11rem; }
</style>
"""
MAP_HEIGHT = 720


def _deck_label(deck_id: str, lg: str) -> str:
    """A deck's title in the UI language (its id names its file, not the deck)."""
    if deck_id == "views":
        return t("meeting.deck_views", lg)
    try:
        return load_deck(deck_id).title(lg) or deck_id
    except LukouError:
        return deck_id


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
    bar = st.container(key="present_bar")
    top = bar.columns([3, 2, 1])
    deck_id = top[0].selectbox(t("meeting.deck", lg), choices, key="present_deck", label_visibility="collapsed",
                               format_func=lambda d: _deck_label(d, lg))
    deck = load_deck(deck_id)  # a bad deck is the frame's error box, below the deck choice
    start = _slide_param(len(deck.slides), lg)  # the deck keeps its slide in the address (?slide=N)
    hide = top[1].toggle(t("meeting.hide_chrome", lg), value=True, key="present_hide")
    top[2].markdown(f'<a href="./" target="_self">↩ {t("meeting.exit", lg)}</a>', unsafe_allow_html=True)
    if hide:
        st.markdown(HIDE_CHROME, unsafe_allow_html=True)
    else:
        st.caption(t("meeting.present_help", lg))
    m = build_deck_map(catalog, data, deck, lang=lg, start=int(start), height=MAP_HEIGHT)
    add_screen_fit(m, lg, fill=True, bottom=0 if hide else 6)
    assets.localize(m, assets.LOCAL_BASE_APP)
    st_folium(m, key=f"deck-{deck_id}-{lg}-{start}", height=MAP_HEIGHT, use_container_width=True,
              returned_objects=[])
    with st.container(key="present_more"), st.expander(f"{t('meeting.dl_html', lg)} · {t('meeting.print', lg)}"):
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
