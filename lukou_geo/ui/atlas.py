"""The 规划地图 page: the atlas map, basemap choice and search."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from ..catalog import CatalogError
from ..render import highlight_group
from ..search import search, view_for
from .i18n import lang, t
from .state import load_catalog, load_data, load_index, load_map


def _basemaps() -> list[str]:
    from ..settings import get_settings

    options = ["vector", "osm", "amap"]
    if get_settings().tianditu_key:
        options.insert(2, "tianditu")
    return options


def render() -> None:
    """Draw the page."""
    lg = lang()
    st.markdown(f"#### {t('title')}")
    st.caption(t("subtitle"))
    try:
        catalog = load_catalog()
        data = load_data()
    except (CatalogError, FileNotFoundError) as exc:
        st.error(t("data_error", err=str(exc)))
        return

    with st.sidebar:
        basemap = st.selectbox(t("basemap"), _basemaps(), format_func=lambda b: t(f"bm_{b}"), key="basemap")
        query = st.text_input(t("search"), placeholder=t("search_ph"), key="search_q")
        hits = search(load_index(), query) if query else []
        choice = None
        if query and not hits:
            st.info(t("no_results", q=query))
        elif hits:
            choice = st.radio(
                t("results"), range(len(hits)), format_func=lambda i: hits[i].label(catalog, lg), key="search_pick",
            )

    st.caption(t("honesty"))
    m = load_map(lg, basemap)
    center = zoom = fg = None
    if hits and choice is not None:
        hit = hits[choice]
        center, zoom = view_for(hit)
        feat = next(f for f in data[hit.layer_id]["features"] if f["properties"]["id"] == hit.feature_id)
        fg = highlight_group(feat, basemap)
        if basemap == "amap":
            from ..crs import wgs84_to_gcj02

            lon, lat = wgs84_to_gcj02(center[1], center[0])
            center = (float(lat), float(lon))
    st_folium(
        m,
        key=f"atlas-{lg}-{basemap}",
        height=720,
        use_container_width=True,
        returned_objects=[],
        center=center,
        zoom=zoom,
        feature_group_to_add=fg,
    )
