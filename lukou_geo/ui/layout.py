"""Page layout on the screens planners use (1920×1080 down to a 1024×768 projector).

The map pages fill the window (:class:`lukou_geo.map.elements.screen.ScreenFit`); this module trims what
Streamlit puts above them so the map starts high on the page.
"""

from __future__ import annotations

import streamlit as st

#: Less padding above the page's content (Streamlit's wide layout leaves 6rem) on the map pages.
_COMPACT = """
<style>
.block-container, [data-testid="stMainBlockContainer"] { padding-top: 2.6rem !important; padding-bottom: 0.5rem !important; }
.block-container h4, [data-testid="stMainBlockContainer"] h4 { padding: 0 0 0.2rem !important; }
</style>
"""


def compact_page() -> None:
    """Trim the space above the page's content."""
    st.markdown(_COMPACT, unsafe_allow_html=True)
