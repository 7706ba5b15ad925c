"""Cached loaders: pure functions of their arguments, wrapped for Streamlit."""

from __future__ import annotations

from typing import Any

import streamlit as st

from lukou_geo.catalog import Catalog, read_catalog, validate_data
from lukou_geo.map import assets
from lukou_geo.map.render import MapOptions, build_map
from lukou_geo.map.search import Entry, build_index
from lukou_geo.settings import get_settings


@st.cache_resource(show_spinner=False)
def load_catalog() -> Catalog:
    return read_catalog()


@st.cache_resource(show_spinner=False)
def load_data() -> dict[str, dict[str, Any]]:
    return validate_data(load_catalog())


@st.cache_resource(show_spinner=False)
def load_index() -> list[Entry]:
    return build_index(load_catalog(), load_data())


def load_map(lang: str, basemap: str, visible: frozenset[str] | None = None, tile_layers: tuple[Any, ...] = (),
             swipe: tuple[str, str] | None = None, coords: bool = False) -> Any:
    """A new atlas map for a language and basemap, with every asset served by this app.

    Not cached: st_folium renames the elements of the map it renders, so a map object must not
    be rendered twice (a cached one lost its layer references on the next run). Building takes
    ~0.05 s from the cached catalog and data. ``visible``: the layers to show (None: the
    catalog's defaults); ``tile_layers``, ``swipe``, ``coords``: the store's layers (see MapOptions).
    """
    opts = MapOptions(lang=lang, basemap=basemap, tianditu_key=get_settings().tianditu_key, visible=visible,
                      tile_layers=tile_layers, swipe=swipe, coords=coords)
    m = build_map(load_catalog(), load_data(), opts)
    assets.localize(m, assets.LOCAL_BASE_APP)
    return m
