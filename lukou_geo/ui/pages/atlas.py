"""The 规划地图 page: the atlas map, basemap choice and search."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st
from streamlit_folium import st_folium

from lukou_geo.map.elements.screen import add_map_state
from lukou_geo.map.render import highlight_group
from lukou_geo.map.search import Entry, search, view_for
from lukou_geo.text import t
from lukou_geo.ui import messages
from lukou_geo.ui.i18n import lang
from lukou_geo.ui.layout import compact_page
from lukou_geo.ui.state import load_catalog, load_data, load_index, load_map

#: The map's height as drawn first; in the browser it then follows the window (MapOptions.fill).
MAP_HEIGHT = 620
#: The deepest zoom the atlas offers (lukou_geo.map.render caps the map there).
MAX_ZOOM = 18


def _basemaps(lg: str) -> dict[str, str]:
    """Basemap choice → label: the vector basemap, the online tiles, and the registered local basemaps."""
    from lukou_geo.map.basemaps import list_basemaps
    from lukou_geo.settings import get_settings

    options = ["vector", "osm", "amap"]
    if get_settings().tianditu_key:
        options.insert(2, "tianditu")
    labels = {b: t(f"atlas.bm_{b}", lg) for b in options}
    for b in list_basemaps():
        labels[f"local:{b.id}"] = t("atlas.bm_local", lg, t=b.title)
    return labels


def _store_controls(lg: str, basemap: str) -> tuple[tuple[Any, ...], tuple[str, str] | None]:
    """The store's layers for the map and the swipe pair chosen in the sidebar (none on the Amap basemap)."""
    from lukou_geo.ui.store import layers, tile_specs

    infos = layers()
    if not infos:
        return (), None
    if basemap == "amap":
        st.caption(t("atlas.store_amap", lg))
        return (), None
    specs = tile_specs(lg)
    swipe = None
    with st.sidebar:
        if len(infos) >= 2 and st.checkbox(t("atlas.swipe", lg), key="swipe_on"):
            ids = [i.id for i in infos]
            titles = {i.id: i.title for i in infos}
            left = st.selectbox(t("atlas.swipe_left", lg), ids, index=0, format_func=titles.get, key="swipe_left")
            right = st.selectbox(t("atlas.swipe_right", lg), ids, index=1, format_func=titles.get, key="swipe_right")
            if left != right:
                swipe = (left, right)
    return specs, swipe


def _store_target(lg: str) -> tuple[Any, Any] | None:
    """``?lk_layer=<id>&lk_fid=<n>`` (from the attribute table): (center, zoom) and an outline of that feature."""
    from lukou_geo.map.render import highlight_group
    from lukou_geo.ui.store import store

    lid, fid = st.query_params.get("lk_layer"), st.query_params.get("lk_fid")
    s = store()
    if not lid or not fid or s is None:
        return None
    if not re.fullmatch(r"[0-9]{1,18}", fid):  # str.isdigit() takes "²"; an id fits SQLite's integers
        messages.warning(t("atlas.feature_missing", lg, fid=f"{lid}/{fid[:40]}"))
        return None
    feats = s.read_features(lid, fids=[int(fid)])
    if len(feats) == 0:
        messages.warning(t("atlas.feature_missing", lg, fid=f"{lid}/{fid}"))
        return None
    from shapely.geometry import mapping

    from lukou_geo.map.render import initial_view

    minx, miny, maxx, maxy = feats.total_bounds
    pad = max(maxx - minx, maxy - miny, 0.002) * 0.6
    center, zoom = initial_view([[miny - pad, minx - pad], [maxy + pad, maxx + pad]], 720)
    fg = highlight_group({"geometry": mapping(feats.geometry.iloc[0])})
    return (center, min(zoom, 18)), fg


def render() -> None:
    """Draw the page."""
    lg = lang()
    compact_page()
    st.markdown(f"#### {t('atlas.title', lg)}", help=t("atlas.subtitle", lg))
    catalog = load_catalog()
    data = load_data()

    with st.sidebar:
        bm_labels = _basemaps(lg)
        basemap = st.selectbox(t("atlas.basemap", lg), list(bm_labels), format_func=bm_labels.get, key="basemap")
        query = st.text_input(t("atlas.search", lg), placeholder=t("atlas.search_ph", lg), key="search_q")
        hits = search(load_index(), query) if query else []
        choice = None
        if query and not hits:
            messages.info(t("atlas.no_results", lg, q=query))
        elif hits:
            choice = st.radio(
                t("atlas.results", lg), range(len(hits)), format_func=lambda i: messages.escape(hits[i].label(catalog, lg)), key="search_pick",
            )

    st.caption(t("atlas.honesty", lg))
    target, visible = _linked_view(catalog, data, lg)  # ?feature=<id> / ?layers=a,b (from the reader, indicators)
    specs, swipe = _store_controls(lg, basemap)
    kept = _kept_view(catalog, data, target)  # ?show=a,b&c=lat,lon&z=: the state the map keeps in the address
    if kept[0] is not None:
        visible = kept[0]
    m = load_map(lg, basemap, visible, tile_layers=specs, swipe=swipe, coords=basemap != "amap", fill=True)
    add_map_state(m, lg, url=True, permalink=True, drop=("feature", "layers"), keep=("lk_layer", "lk_fid"))
    center, zoom = kept[1], kept[2]
    fg = None
    store_target = _store_target(lg)
    if store_target is not None:
        (center, zoom), fg = store_target
    if (hits and choice is not None) or target is not None:
        hit = hits[choice] if hits and choice is not None else target
        center, zoom = view_for(hit)
        feat = next(f for f in data[hit.layer_id]["features"] if f["properties"]["id"] == hit.feature_id)
        fg = highlight_group(feat, basemap)
        if target is not None and hit is target:
            _linked_caption(catalog, target, feat, lg)
        if basemap == "amap":
            from lukou_geo.crs import wgs84_to_gcj02

            lon, lat = wgs84_to_gcj02(center[1], center[0])
            center = (float(lat), float(lon))
    store_key = ",".join(f"{sp.id}.{sp.url.rsplit('=', 1)[-1]}" for sp in specs) + (f"|{swipe[0]}|{swipe[1]}" if swipe else "")
    st_folium(
        m,
        key=f"atlas-{lg}-{basemap}" + (f"-{','.join(sorted(visible))}" if visible else "") + (f"-{store_key}" if store_key else ""),
        height=MAP_HEIGHT,
        use_container_width=True,
        returned_objects=[],
        center=center,
        zoom=zoom,
        feature_group_to_add=fg,
    )


def _kept_view(catalog: Any, data: dict[str, Any], target: Entry | None
               ) -> tuple[frozenset[str] | None, list[float] | None, float | None]:
    """The layers, centre and zoom the map wrote into the address (``?show=a,b&c=lat,lon&z=``), where valid.

    ``show`` is the exact set of layers shown (unknown ids are dropped; the layer of a ``?feature=``
    link is added); a malformed ``c`` or ``z`` is ignored, and the map opens on the whole district.
    """
    visible = None
    if "show" in st.query_params:
        ids = {x for x in (st.query_params.get("show") or "").split(",") if x in data}
        if target is not None:
            ids.add(target.layer_id)
        visible = frozenset(ids)
    center = zoom = None
    try:
        lat, lon = (float(x) for x in (st.query_params.get("c") or "").split(","))
        z = float(st.query_params.get("z") or "")
        if 26.5 < lat < 28.5 and 112.3 < lon < 114.0 and 6 <= z <= MAX_ZOOM:
            center, zoom = [lat, lon], z
    except ValueError:
        pass
    return visible, center, zoom


def _linked_view(catalog: Any, data: dict[str, Any], lg: str) -> tuple[Entry | None, frozenset[str] | None]:
    """The feature named by ``?feature=`` (as a search entry) and the layers to show.

    ``?feature=<id>`` zooms to and highlights that feature and switches its layer on; ``?layers=a,b``
    switches those layers on (unknown ids are ignored). Both come from links in the plan reader and
    the indicators page.
    """
    fid = st.query_params.get("feature")
    names = [x for x in (st.query_params.get("layers") or "").split(",") if x in data]
    target = None
    if fid:
        index = {(e.feature_id): e for e in load_index()}
        target = index.get(fid)
        if target is None:
            messages.warning(t("atlas.feature_missing", lg, fid=fid))
        else:
            names.append(target.layer_id)
    if not names:
        return target, None
    defaults = {lyr.id for lyr in catalog.layers if lyr.visible}
    return target, frozenset(defaults | set(names))


def _linked_caption(catalog: Any, target: Entry, feat: dict[str, Any], lg: str) -> None:
    """A line above the map naming the linked feature, with a link back to its passage."""
    from lukou_geo.plan.reader import reader_href

    p = feat["properties"]
    name = p["name_en"] if lg == "en" and p.get("name_en") else p["name"]
    line = p.get("plan_para")
    back = messages.Markdown(f" · [{t('atlas.back_to_plan', lg)}]({reader_href(int(line), lg)})" if line else "")
    messages.info("◆ ", name, " · ", catalog.layer(target.layer_id).title(lg), back)
