"""The 视图 page: save the current map as a view; rename, reorder, delete, share, print views.

A shared link (``?view=<token>`` or ``?layers=…&c=lat,lon&z=…``) opens this page with the view
restored. Views are kept in the app's embedded store (lukou_geo.meeting.views, SQLite in LUKOU_DATA_DIR).
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit_folium import st_folium

from lukou_geo.errors import CatalogError, ViewError
from lukou_geo.map import assets
from lukou_geo.map.render import MapOptions, build_map, initial_view
from lukou_geo.meeting.printing import PrintSpec
from lukou_geo.meeting.views import View, from_query, share_url
from lukou_geo.ui.i18n import lang, t
from lukou_geo.ui.meeting import print_controls, tx, view_store
from lukou_geo.ui.state import load_catalog, load_data

MAP_HEIGHT = 600


def _page_url() -> str:
    try:
        url = str(st.context.url)  # type: ignore[attr-defined]
    except AttributeError:
        url = ""
    return url.split("?")[0] if url else "views"


def _restore(known: set[str]) -> None:
    """Apply a link's view once per distinct query string."""
    params = st.query_params.to_dict()
    qkey = repr(sorted(params.items()))
    if st.session_state.get("views_q") == qkey:
        return
    st.session_state["views_q"] = qkey
    try:
        view = from_query(params, known, view_store())
    except ViewError as exc:
        st.warning(tx("link_error", err=str(exc)))
        return
    if view is None:
        return
    st.session_state["views_layers"] = [lid for lid in view.layers if lid in known]
    st.session_state["views_center"] = list(view.center) if view.center else None
    st.session_state["views_zoom"] = view.zoom
    st.session_state["views_bounds"] = [list(x) for x in view.bounds] if view.bounds else None
    st.session_state["views_restored"] = view.title
    st.session_state["views_title"] = view.title


def _current(out: Any) -> tuple[list[float] | None, float | None, list[list[float]] | None]:
    """Center, zoom, bounds of the map as the browser last reported them, else as restored."""
    center = st.session_state.get("views_center")
    zoom = st.session_state.get("views_zoom")
    bounds = st.session_state.get("views_bounds")
    if isinstance(out, dict) and out.get("center") and out.get("zoom") is not None:
        center = [round(out["center"]["lat"], 5), round(out["center"]["lng"], 5)]
        zoom = float(out["zoom"])
        b = out.get("bounds") or {}
        if b.get("_southWest") and b.get("_northEast") and b["_southWest"].get("lat") is not None:
            bounds = [[b["_southWest"]["lat"], b["_southWest"]["lng"]], [b["_northEast"]["lat"], b["_northEast"]["lng"]]]
    return center, zoom, bounds


def render() -> None:
    """Draw the page."""
    lg = lang()
    try:
        catalog, data = load_catalog(), load_data()
    except (CatalogError, FileNotFoundError) as exc:
        st.error(t("data_error", err=str(exc)))
        return
    known = {lyr.id for lyr in catalog.layers}
    _restore(known)
    if "views_layers" not in st.session_state:
        st.session_state["views_layers"] = [lyr.id for lyr in catalog.layers if lyr.visible]
    with st.sidebar:
        layers = st.multiselect(tx("layers"), [lyr.id for lyr in catalog.layers], key="views_layers",
                                format_func=lambda i: catalog.layer(i).title(lg))
    st.markdown(f"#### {tx('page_views')}")
    st.caption(tx("views_intro"))
    if st.session_state.get("views_restored"):
        st.success(tx("restored", t=st.session_state["views_restored"]))
    center, zoom = st.session_state.get("views_center"), st.session_state.get("views_zoom")
    if center is None and st.session_state.get("views_bounds"):
        center, zoom = initial_view(st.session_state["views_bounds"], MAP_HEIGHT)
    m = build_map(catalog, data, MapOptions(lang=lg, visible=frozenset(layers), height=MAP_HEIGHT))
    assets.localize(m, assets.LOCAL_BASE_APP)
    out = st_folium(m, key=f"views-map-{lg}", height=MAP_HEIGHT, use_container_width=True,
                    returned_objects=["center", "zoom", "bounds"], center=center, zoom=zoom)
    cur_center, cur_zoom, cur_bounds = _current(out)
    st.caption(tx("measure_hint"))

    store = view_store()
    with st.form("views_save", clear_on_submit=False):
        c1, c2 = st.columns([2, 3])
        title = c1.text_input(tx("save_title"), key="views_title")
        note = c2.text_input(tx("save_note"), key="views_note")
        if st.form_submit_button(tx("save")):
            try:
                v = store.save(View(title=title, layers=tuple(layers), note=note,
                                    center=tuple(cur_center) if cur_center else None, zoom=cur_zoom,  # type: ignore[arg-type]
                                    bounds=tuple(tuple(x) for x in cur_bounds) if cur_bounds else None,  # type: ignore[arg-type]
                                    lang=lg), known)
                st.success(tx("saved", t=v.title))
            except ViewError as exc:
                st.error(str(exc))

    st.markdown(f"##### {tx('saved_views')}")
    saved = store.list()
    if not saved:
        st.info(tx("no_views"))
    for i, v in enumerate(saved):
        with st.expander(f"{i + 1}. {v.title}"):
            st.code(share_url(_page_url(), v), language=None)
            st.caption(tx("share") + " · " + ", ".join(catalog.layer(lid).title(lg) for lid in v.layers if lid in known))
            r1, r2 = st.columns([3, 1])
            new_title = r1.text_input(tx("rename"), value=v.title, key=f"views_rn_{v.id}", label_visibility="collapsed")
            if r2.button(tx("rename"), key=f"views_rnb_{v.id}"):
                try:
                    store.rename(int(v.id or 0), new_title)
                    st.rerun()
                except ViewError as exc:
                    st.error(str(exc))
            b = st.columns(4)
            if b[0].button(tx("open"), key=f"views_open_{v.id}"):
                st.query_params.clear()
                st.query_params["view"] = v.token
                st.rerun()
            if b[1].button(tx("up"), key=f"views_up_{v.id}", disabled=i == 0):
                store.move(int(v.id or 0), -1)
                st.rerun()
            if b[2].button(tx("down"), key=f"views_down_{v.id}", disabled=i == len(saved) - 1):
                store.move(int(v.id or 0), 1)
                st.rerun()
            if b[3].button(tx("delete"), key=f"views_del_{v.id}"):
                store.delete(int(v.id or 0))
                st.rerun()

    with st.expander(tx("print")):
        def spec(paper: str, orient: str) -> PrintSpec:
            return PrintSpec(title=st.session_state.get("views_title") or tx("page_views"), layers=tuple(layers),
                             bounds=cur_bounds, lang=lg, paper=paper, orientation=orient)

        print_controls(spec, key="view")
