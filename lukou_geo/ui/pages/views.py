"""The 视图 page: save the current map as a view; rename, reorder, delete, share, print views.

A shared link (``?view=<token>`` or ``?layers=…&c=lat,lon&z=…``) opens this page with the view
restored. Views are kept in the store beside the layers (lukou_geo.meeting.views: table lk_views), each with its
owner and a shared/private choice. The page offers saving to checkers and admins (and in single-user mode),
and renaming, sharing, moving and deleting a view to its owner and the admins; every one of those writes is
checked again by the store, in its own transaction, whatever the browser sent (lukou_geo.accounts).
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit_folium import st_folium

from lukou_geo.errors import LukouError
from lukou_geo.map import assets
from lukou_geo.map.elements.screen import add_map_state, shown_layers
from lukou_geo.map.render import MapOptions, build_map, initial_view
from lukou_geo.meeting.printing import PrintSpec
from lukou_geo.meeting.views import View, from_query, share_url
from lukou_geo.text import t
from lukou_geo.ui import messages, session
from lukou_geo.ui.i18n import lang
from lukou_geo.ui.meeting import print_controls, reader, view_store, warn_problem
from lukou_geo.ui.state import load_catalog, load_data

#: The map's height as drawn first; in the browser it then follows the window (MapOptions.fill).
MAP_HEIGHT = 600


def _page_url() -> str:
    try:
        url = str(st.context.url)  # type: ignore[attr-defined]
    except AttributeError:
        url = ""
    return url.split("?")[0] if url else "views"


def _restore(known: set[str], lg: str) -> None:
    """Apply a link's view once per distinct query string; a bad link is a warning, the page still draws."""
    params = st.query_params.to_dict()
    qkey = repr(sorted(params.items()))
    if st.session_state.get("views_q") == qkey:
        # the link's warning stays while the link does (the map's first events rerun the page within seconds)
        if st.session_state.get("views_link_error"):
            messages.warning(st.session_state["views_link_error"])
        return
    st.session_state["views_q"] = qkey
    st.session_state["views_link_error"] = None
    try:
        view = from_query(params, known, view_store() if params.get("view") else None, **reader())
    except LukouError as exc:  # a bad link, a deleted view, someone else's private view (refused and logged)
        st.session_state["views_link_error"] = t("meeting.link_error", lg, err=exc.message(lg))
        messages.warning(st.session_state["views_link_error"])
        return
    if view is None:
        return
    st.session_state["views_layers"] = [lid for lid in view.layers if lid in known]
    st.session_state["views_mounted"] = list(st.session_state["views_layers"])
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
    catalog, data = load_catalog(), load_data()
    known = {lyr.id for lyr in catalog.layers}
    _restore(known, lg)
    ss = st.session_state
    if "views_layers" not in ss:
        ss["views_layers"] = [lyr.id for lyr in catalog.layers if lyr.visible]
    if "views_mounted" not in ss:  # the layers the map was drawn with; its own layer control changes what it shows
        ss["views_mounted"] = list(ss["views_layers"])
    pending = ss.pop("views_pending", None)
    if pending is not None:  # the sidebar follows the map's layer control
        ss["views_layers"] = pending

    def _picked() -> None:  # a change in the sidebar redraws the map with those layers
        ss["views_mounted"] = list(ss["views_layers"])

    with st.sidebar:
        st.multiselect(t("meeting.layers", lg), [lyr.id for lyr in catalog.layers], key="views_layers",
                       format_func=lambda i: catalog.layer(i).title(lg), on_change=_picked)
    st.markdown(f"#### {t('page.views', lg)}")
    st.caption(t("meeting.views_intro", lg))
    if st.session_state.get("views_restored"):
        messages.success(t("meeting.restored", lg, t=st.session_state["views_restored"]))
    center, zoom = st.session_state.get("views_center"), st.session_state.get("views_zoom")
    if center is None and st.session_state.get("views_bounds"):
        center, zoom = initial_view(st.session_state["views_bounds"], MAP_HEIGHT)
    m = build_map(catalog, data, MapOptions(lang=lg, visible=frozenset(ss["views_mounted"]), height=MAP_HEIGHT, fill=True))
    add_map_state(m, lg)
    assets.localize(m, assets.LOCAL_BASE_APP)
    out = st_folium(m, key=f"views-map-{lg}", height=MAP_HEIGHT, use_container_width=True,
                    returned_objects=["center", "zoom", "bounds", "selected_layers"], center=center, zoom=zoom)
    cur_center, cur_zoom, cur_bounds = _current(out)
    # what the map shows, as its own layer control left it: that is what a view, a link and a print keep
    shown = shown_layers(out)
    order = [lyr.id for lyr in catalog.layers]
    layers = [lid for lid in order if lid in set(shown if shown is not None else ss["views_mounted"])]
    if sorted(layers) != sorted(ss["views_layers"]):
        ss["views_pending"] = layers
        st.rerun()
    link = share_url(_page_url(), View(title=ss.get("views_title") or t("page.views", lg), layers=tuple(layers),
                                       center=tuple(cur_center) if cur_center else None, zoom=cur_zoom,  # type: ignore[arg-type]
                                       lang=lg), explicit=True)
    st.caption(t("meeting.current_link", lg))
    st.code(link, language=None)
    st.caption(t("meeting.measure_hint", lg))

    store = view_store()
    warn_problem(store)
    who = reader()
    if session.allowed("views.write"):
        with st.form("views_save", clear_on_submit=False):
            c1, c2, c3 = st.columns([2, 3, 2])
            title = c1.text_input(t("meeting.save_title", lg), key="views_title")
            note = c2.text_input(t("meeting.save_note", lg), key="views_note")
            shared = c3.radio(t("meeting.visibility", lg), [True, False], key="views_shared", horizontal=True,
                              format_func=lambda v: t("meeting.shared" if v else "meeting.private", lg))
            if st.form_submit_button(t("meeting.save", lg)):
                _save(store, who, known, lg, View(
                    title=title, layers=tuple(layers), note=note, shared=bool(shared),
                    center=tuple(cur_center) if cur_center else None, zoom=cur_zoom,  # type: ignore[arg-type]
                    bounds=tuple(tuple(x) for x in cur_bounds) if cur_bounds else None,  # type: ignore[arg-type]
                    lang=lg))
    else:
        messages.info(t("meeting.save_needs", lg))

    _saved_views(store, who, catalog, known, lg)

    with st.expander(t("meeting.print", lg)):
        def spec(paper: str, orient: str) -> PrintSpec:
            return PrintSpec(title=st.session_state.get("views_title") or t("page.views", lg), layers=tuple(layers),
                             bounds=cur_bounds, lang=lg, paper=paper, orientation=orient)

        print_controls(spec, key="view")


def _save(store: Any, who: dict[str, Any], known: set[str], lg: str, view: View) -> None:
    try:  # the store checks the role in the write's transaction, whatever the form showed
        v = store.save(view, known, **who)
        messages.success(t("meeting.saved", lg, t=v.title))
    except LukouError as exc:
        messages.error(exc.message(lg))


def _act(lg: str, write: Any, *args: Any, **who: Any) -> None:
    """One write of the list, ``write(*args, **who)`` (checked by the store: a refused write changes
    nothing and says why), then a fresh page."""
    try:
        write(*args, **who)
    except LukouError as exc:
        messages.error(exc.message(lg))
        return
    st.rerun()


def _label(i: int, v: View, lg: str) -> str:
    vis = t("meeting.shared_short" if v.shared else "meeting.private_short", lg)
    return f"{i + 1}. {messages.escape(v.title)} · {messages.escape(v.owner)} · {vis}"


def _saved_views(store: Any, who: dict[str, Any], catalog: Any, known: set[str], lg: str) -> None:
    """The list of the views this session may see: share link, open for all; rename, share/unshare,
    reorder, delete where the session may change the view (the store checks again at the write)."""
    st.markdown(f"##### {t('meeting.saved_views', lg)}")
    saved = store.list(**who)
    if not saved:
        messages.info(t("meeting.no_views", lg))
    for i, v in enumerate(saved):
        with st.expander(_label(i, v, lg)):
            st.code(share_url(_page_url(), v), language=None)
            st.caption(messages.escape(t("meeting.owner", lg, owner=v.owner) + " · " + t("meeting.share", lg) + " · "
                                       + ", ".join(catalog.layer(lid).title(lg) for lid in v.layers if lid in known)))
            may = session.allowed("views.write", owner=v.owner)
            if may:
                r1, r2 = st.columns([3, 1])
                new_title = r1.text_input(t("meeting.rename", lg), value=v.title, key=f"views_rn_{v.id}",
                                          label_visibility="collapsed")
                if r2.button(t("meeting.rename", lg), key=f"views_rnb_{v.id}"):
                    _act(lg, store.rename, int(v.id or 0), new_title, **who)
            else:
                st.caption(t("meeting.read_only", lg))
            b = st.columns(5 if may else 1)
            if b[0].button(t("meeting.open", lg), key=f"views_open_{v.id}"):
                st.query_params.clear()
                st.query_params["view"] = v.token
                st.rerun()
            if not may:
                continue
            if b[1].button(t("meeting.up", lg), key=f"views_up_{v.id}", disabled=i == 0):
                _act(lg, store.move, int(v.id or 0), -1, **who)
            if b[2].button(t("meeting.down", lg), key=f"views_down_{v.id}", disabled=i == len(saved) - 1):
                _act(lg, store.move, int(v.id or 0), 1, **who)
            if b[3].button(t("meeting.make_private" if v.shared else "meeting.make_shared", lg), key=f"views_sh_{v.id}"):
                _act(lg, store.set_shared, int(v.id or 0), not v.shared, **who)
            if b[4].button(t("meeting.delete", lg), key=f"views_del_{v.id}"):
                _act(lg, store.delete, int(v.id or 0), **who)
