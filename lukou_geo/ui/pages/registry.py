"""The 项目库 page: the register filtered and paged (the store answers one page at a time), the filtered
projects on a map as points coloured by status (:mod:`lukou_geo.map.elements.register`; a click opens
one), and a project's page with its map, tables, history, reports and the status change (checked on the
server by :func:`lukou_geo.registry.records.set_status`, whatever the form sent). ``?project=ID`` opens a
project."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from lukou_geo.registry import records
from lukou_geo.text import t
from lukou_geo.ui import messages, session
from lukou_geo.ui.i18n import lang

PAGE_ROWS = 50
#: most projects the register's map draws (points; the filter narrows what is drawn)
MAP_POINTS = 20_000
#: the plan layers under the register's points: the district's frame only
MAP_LAYERS = frozenset({"neighbours", "district", "xiang_river", "townships", "town_seats"})
MAP_HEIGHT = 480


def _register_map(s, flt: records.ProjectFilter, lg: str) -> None:
    """The filtered projects on the map; a click on one opens its page."""
    from streamlit_folium import st_folium

    from lukou_geo.map.elements.register import add_register, clicked_project
    from lukou_geo.ui.state import load_map

    points, total = records.project_points(s, flt, limit=MAP_POINTS)
    st.markdown(f"##### {t('registry.map_head', lg)}")
    st.caption(t("registry.map_capped", lg, n=total, k=MAP_POINTS) if total > MAP_POINTS else t("registry.map_count", lg, n=total))
    m = load_map(lg, "vector", visible=MAP_LAYERS)
    add_register(m, points, lg, fit=bool(flt != records.ProjectFilter()))
    out = st_folium(m, key=f"registry-map-{lg}", height=MAP_HEIGHT, use_container_width=True,
                    returned_objects=["last_object_clicked_tooltip", "last_object_clicked"])
    seen = repr(((out or {}).get("last_object_clicked_tooltip"), (out or {}).get("last_object_clicked")))
    pid = clicked_project(out)
    if pid is not None and st.session_state.get("rg_map_seen") != seen:
        st.session_state["rg_map_seen"] = seen
        st.query_params["project"] = str(pid)
        st.rerun()
    st.session_state["rg_map_seen"] = seen


def _project_map(p: dict, lg: str) -> None:
    """The project's own geometry on the map, in its status colour."""
    from streamlit_folium import st_folium

    from lukou_geo.map.elements.register import StatusLegend
    from lukou_geo.map.render import project_group
    from lukou_geo.ui.check_map import FitToProjects
    from lukou_geo.ui.state import load_map

    geom = p.get("geometry")
    st.markdown(f"##### {t('registry.map_project', lg)}")
    if not geom:
        st.caption(t("registry.map_no_geometry", lg))
        return
    m = load_map(lg, "vector", visible=MAP_LAYERS)
    fg = project_group([{"geometry": geom, "tip": f"#{p['id']} {p['name']}", "kind": "point" if geom.get("type") == "Point" else "shape",
                         "color": records.STATUS_COLOURS.get(p["status"], "#1e88e5")}], name="project")
    FitToProjects().add_to(fg)
    fg.add_to(m)
    StatusLegend(lg).add_to(m)
    st_folium(m, key=f"registry-project-map-{p['id']}", height=MAP_HEIGHT, use_container_width=True, returned_objects=[])


def _pick(label: str, values: list[str], key: str, lg: str) -> str | None:
    choice = st.selectbox(label, ["", *values], key=key, format_func=lambda v: v or t("registry.any", lg))
    return choice or None


def _list(s, lg: str) -> None:
    f = records.facets(s)
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        status = _pick(t("registry.status", lg), list(records.STATUSES), "rg_status", lg)
    with c2:
        verdict = _pick(t("registry.verdict", lg), f["verdict"], "rg_verdict", lg)
    with c3:
        town = _pick(t("registry.town", lg), f["town"], "rg_town", lg)
    with c4:
        ptype = _pick(t("registry.type", lg), f["type"], "rg_type", lg)
    c5, c6, c7 = st.columns([2, 1, 1])
    text = c5.text_input(t("registry.text", lg), key="rg_text").strip() or None
    d_from = c6.date_input(t("registry.from", lg), value=None, key="rg_from")
    d_to = c7.date_input(t("registry.to", lg), value=None, key="rg_to")
    flt = records.ProjectFilter(status=status, verdict=verdict, town=town, ptype=ptype, text=text,
                                created_from=d_from.isoformat() if d_from else None,
                                created_to=(pd.Timestamp(d_to) + pd.Timedelta(days=1)).date().isoformat() if d_to else None)
    _, total = records.list_projects(s, flt, limit=1)
    if not total:
        messages.info(t("registry.empty", lg))
        return
    _register_map(s, flt, lg)
    pages = max(1, math.ceil(total / PAGE_ROWS))
    page = int(st.number_input(t("registry.page", lg, pages=pages), min_value=1, max_value=pages, value=1, key="rg_page"))
    rows, total = records.list_projects(s, flt, offset=(page - 1) * PAGE_ROWS, limit=PAGE_ROWS)
    st.caption(t("registry.rows", lg, a=(page - 1) * PAGE_ROWS + 1, b=(page - 1) * PAGE_ROWS + len(rows), n=total))
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")  # st.dataframe shows text as text
    ids = [r["id"] for r in rows]
    pick = st.selectbox(t("registry.open", lg), ids, key="rg_open", index=None)
    if pick is not None:
        st.query_params["project"] = str(pick)
        st.rerun()


def _project(s, pid: int, lg: str) -> None:
    p = records.show_project(s, pid)
    st.markdown(f"#### #{p['id']} " + messages.escape(p["name"]))
    en = lg == "en"
    st.markdown(messages.escape(f"{t('registry.status', lg)}: {p['status']}" + (f" ({p['status_en']})" if en else "")
                                + f" · {t('registry.verdict', lg)}: {p['verdict']} · {t('registry.town', lg)}: {p['town']}"
                                + f" · {t('registry.type', lg)}: {p['type']}"))
    st.caption(messages.escape(f"{p['source_file']} · sha256 {p['source_sha256'][:16]} · CRS {p['source_crs']} · {p['created']} · {p['by']}"))
    _project_map(p, lg)
    summary = p["snapshot"].get("summary", {})
    st.dataframe(pd.DataFrame([summary]), hide_index=True, width="stretch")
    if p["snapshot"].get("zones"):
        st.markdown(f"##### {t('registry.zones', lg)}")
        st.dataframe(pd.DataFrame(p["snapshot"]["zones"]), hide_index=True, width="stretch")
    st.markdown(f"##### {t('registry.history', lg)}")
    st.dataframe(pd.DataFrame([{t("registry.col_at", lg): h["at"], t("registry.col_user", lg): h["user"],
                                t("registry.col_from", lg): h["from"] or "", t("registry.col_to", lg): h["to"] or "",
                                t("registry.col_comment", lg): h["comment"]} for h in p["history"]]), hide_index=True, width="stretch")
    if p["reports"]:
        st.markdown(f"##### {t('registry.reports', lg)}")
        for f in p["reports"]:
            key = f"rg_file_{pid}_{f['check']}_{f['name']}"
            if st.button(t("registry.export", lg, name=f["name"]), key=key):
                st.session_state[key + "_data"] = records.report_file(s, session.acting_user(), pid, f["name"], f["check"])
            if st.session_state.get(key + "_data") is not None:
                st.download_button(t("registry.download", lg, name=f["name"]), st.session_state[key + "_data"], file_name=f["name"],
                                   key=key + "_dl")
    if not p["next_statuses"]:
        st.caption(t("registry.closed", lg))
        return
    if not session.shows("project.status", owner=p["by"]):
        why = session.refusal("project.status", owner=p["by"]) if session.account() is not None else None
        if why is not None:  # no form: a signed-in account is told why (the server's own words)
            st.caption(messages.escape(why.message(lg)))
        return
    st.markdown(f"##### {t('registry.change', lg)}")
    with st.form("rg_status_form"):
        to = st.selectbox(t("registry.to_status", lg), p["next_statuses"], key="rg_to_status")
        comment = st.text_area(t("registry.comment", lg), key="rg_comment")
        go = st.form_submit_button(t("registry.apply", lg))
    if go:
        h = records.set_status(s, session.acting_user(), pid, to, comment, local=session.serves_loopback())
        messages.success(t("registry.changed", lg, id=pid, a=h["from"], b=h["to"]))
        st.rerun()


def render() -> None:
    lg = lang()
    st.subheader(t("page.registry", lg))
    s = session.records_store()
    if s is None:
        messages.info(t("registry.no_store", lg))
        return
    raw = st.query_params.get("project")
    if raw:
        try:
            pid = int(raw)
        except ValueError:
            pid = -1
        if st.button("← " + t("page.registry", lg), key="rg_back"):
            del st.query_params["project"]
            st.rerun()
        _project(s, pid, lg)
        return
    st.caption(t("registry.intro", lg))
    _list(s, lg)
