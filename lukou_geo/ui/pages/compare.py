"""The 对比 page: two layer sets side by side on two synced maps (a slide, a saved view, or custom)."""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components

from lukou_geo.map import assets
from lukou_geo.meeting.compare import build_compare, compare_html
from lukou_geo.text import t
from lukou_geo.ui.i18n import lang
from lukou_geo.ui.meeting import load_deck, saved_views
from lukou_geo.ui.state import load_catalog, load_data

#: The maps' height as drawn first; in the browser the frame then follows the window (build_compare's fill).
HEIGHT = 560


def _choices(lg: str) -> dict[str, tuple[str, frozenset[str] | None]]:
    """Option key → (label, layer set); ``custom`` has no set (chosen below)."""
    out: dict[str, tuple[str, frozenset[str] | None]] = {}
    deck = load_deck("default")
    for i, s in enumerate(deck.slides):
        out[f"slide:{i}"] = (f"{t('meeting.deck', lg)} {i + 1}. {s.title(lg)}", deck.visible(s))
    for v in saved_views():
        out[f"view:{v.id}"] = (f"{t('page.views', lg)}: {v.title}", frozenset(v.layers))
    out["custom"] = (t("meeting.custom", lg), None)
    return out


def render() -> None:
    """Draw the page."""
    lg = lang()
    st.markdown(f"#### {t('page.compare', lg)}")
    st.caption(t("meeting.compare_intro", lg))  # (no measure hint: the compared maps carry no measure tool)
    catalog, data = load_catalog(), load_data()
    choices = _choices(lg)
    keys = list(choices)
    known = [lyr.id for lyr in catalog.layers]
    sides = []
    for col, side, default in zip(st.columns(2), ("left", "right"), ("slide:0", "slide:4"), strict=True):
        with col:
            pick = st.selectbox(t(f"meeting.{side}", lg), keys, index=keys.index(default) if default in keys else 0,
                                format_func=lambda k: choices[k][0], key=f"compare_{side}")
            label, layers = choices[pick]
            if layers is None:
                chosen = st.multiselect(t("meeting.layers", lg), known, default=["district"], key=f"compare_{side}_layers",
                                        format_func=lambda i: catalog.layer(i).title(lg))
                layers = frozenset(chosen)
            sides.append((label, frozenset(lid for lid in layers if lid in data)))
    (ltitle, left), (rtitle, right) = sides
    dual = build_compare(catalog, data, left, right, ltitle, rtitle, lang=lg, fill=True)
    assets.localize(dual, assets.LOCAL_BASE_APP)
    components.html(compare_html(dual), height=HEIGHT)
