"""The 选址核查 (site check) page: projects from a click, a drawing, pasted coordinates or a file.

Every run is kept in ``st.session_state["check_runs"]``; an input error is shown without touching
the earlier runs. The shown run's token is in the address (``?run=``, :mod:`lukou_geo.ui.check_keep`),
so a reload shows it again without a new upload. The map is built anew on each script run (st_folium
renames a map's elements).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import folium
import shapely
import streamlit as st
from folium.plugins import Draw
from streamlit_folium import st_folium

from lukou_geo.errors import InputError
from lukou_geo.map import assets
from lukou_geo.map.render import MapOptions, build_map, project_group
from lukou_geo.sitecheck import labels, provenance
from lukou_geo.sitecheck.check import SUMMARY_COLUMNS, ZONE_COLUMNS, CheckResult, check_projects
from lukou_geo.sitecheck.context import get_context
from lukou_geo.sitecheck.inputs import CRS_CHOICES, Ingested, project_from_geojson, read_coordinates_text
from lukou_geo.sitecheck.provenance import Provenance, note_in
from lukou_geo.sitecheck.report.document import export_html, export_pdf, report_maps
from lukou_geo.sitecheck.report.tables import HONESTY_EN, HONESTY_ZH, export_csv, export_geojson, export_xlsx
from lukou_geo.sitecheck.vocab import read_project_types
from lukou_geo.text import t
from lukou_geo.ui import check_keep, check_register, check_upload, messages, occupancy_panel, preload
from lukou_geo.ui.check_crs import CRS_ORDER, crs_argument, lonlat_selector, needs_lonlat_choice, uploader_in_language
from lukou_geo.ui.check_map import VERDICT_COLOURS, CheckMapExtras, FitToProjects, describe_pick, map_pick
from lukou_geo.ui.i18n import lang
from lukou_geo.ui.state import load_catalog, load_data


def _context() -> Any:
    """The check context (built on first use, cached by lukou_geo.sitecheck.context per file modification)."""
    return get_context(load_catalog(), data=load_data())


def _runs() -> list[dict[str, Any]]:
    return st.session_state.setdefault("check_runs", [])


def _run(ing: Ingested, label: str, ptype: str, prov: Provenance | None = None, crs: str = "",
         sources: list[tuple[str, str, str]] | None = None) -> None:
    """Check the projects of ``ing`` and append a run (never removes earlier runs); ``prov`` goes into its reports,
    ``crs`` (the CRS argument the check assumed) and ``sources`` (per project its file, sha256 and CRS assumed,
    for several files checked together) into a registration."""
    lg = lang()
    errors = [e.message(lg) for e in ing.errors]
    if not len(ing.projects):
        messages.error(t("check.none_valid", lg) + (":" + ";".join(errors[:5]) if errors else ""))
        return
    bar = st.progress(0.0, text=t("check.progress", lg))
    result = check_projects(ing.projects, _context(), ptype, progress=lambda f: bar.progress(f, text=t("check.progress", lg)), chunk=5000)
    result = occupancy_panel.apply(result, ptype)  # 压占 of the chosen imported layers
    bar.empty()
    result.provenance = prov
    run = {"label": label, "result": result, "errors": errors, "notes": list(ing.notes), "files": {}, "provenance": prov, "crs": crs,
           "sources": sources}
    check_keep.keep(run)  # for a reload: the address will name it
    _runs().append(run)
    st.session_state["check_pick"] = len(_runs()) - 1


def _inputs(crs: str, enc: str | None, ptype: str) -> None:
    lg = lang()
    tab_file, tab_paste = st.tabs([t("check.tab_file", lg), t("check.tab_paste", lg)])
    with tab_file:  # several files, checked together as one run (lukou_geo.ui.check_upload)
        check_upload.upload(lg, crs, enc, ptype, _run)
    # a form: the name and the coordinates go with the button press as one run (not a run per edited field)
    with tab_paste, st.form("check_paste_form", border=False):
        name = st.text_input(t("check.name", lg), key="check_paste_name")
        text = st.text_area(t("check.paste", lg), placeholder=t("check.paste_ph", lg), key="check_paste", height=120)
        shape = check_upload.paste_shape(lg)  # 点 (the default) / 线 / 面
        if st.form_submit_button(t("check.run_paste", lg), key="check_paste_go"):
            try:
                ing = read_coordinates_text(text, crs, name, ptype, shape=shape)
                label = name or t("check.tab_paste", lg)
                if needs_lonlat_choice(ing.notes):
                    messages.warning(t("check.lonlat_needed", lg, file=label))
                else:
                    _run(ing, label, ptype, provenance.of_text(text, label, crs, ing.notes), crs)
            except InputError as exc:
                messages.error(t("check.error", lg, err=exc.message(lg)))


def _highlight(result: CheckResult, lg: str = "zh") -> folium.FeatureGroup:
    """The checked projects on the map, coloured by verdict, the verdict in ``lg``; names stay text (see project_group)."""
    feats = []
    for geom, (_, r) in zip(result.projects.geometry.values, result.summary.iterrows(), strict=True):
        feats.append({
            "geometry": geom.__geo_interface__,
            "tip": f"{int(r['project_no'])}. {r['name']} — {labels.verdict_label(r['verdict'], lg)}",
            "color": VERDICT_COLOURS.get(r["verdict"], "#f9a825"),
            "kind": "point" if geom.geom_type == "Point" else "shape",
        })
    fg = project_group(feats)
    FitToProjects().add_to(fg)  # the map zooms to what was checked, once per result
    return fg


def _map(lg: str, result: CheckResult | None) -> dict[str, Any] | None:
    m = build_map(load_catalog(), load_data(), MapOptions(lang=lg, basemap="vector", height=560, fill="window"))
    Draw(
        export=False,
        show_geometry_on_click=False,
        position="topleft",
        draw_options={"circle": False, "circlemarker": False, "polyline": True, "polygon": True, "rectangle": True, "marker": True},
    ).add_to(m)
    CheckMapExtras(lg).add_to(m)
    assets.localize(m, assets.LOCAL_BASE_APP)
    fg = _highlight(result, lg) if result is not None and len(result.summary) <= 2000 else None
    fg = occupancy_panel.highlight(fg, result)
    return st_folium(
        m,
        key=f"check-map-{lg}",
        height=560,
        use_container_width=True,
        returned_objects=["last_clicked", "last_object_clicked", "last_active_drawing", "all_drawings"],
        feature_group_to_add=fg,
    )


def _show(run: dict[str, Any]) -> None:
    lg = lang()
    result: CheckResult = run["result"]
    if run["errors"]:
        with st.expander(t("check.problems", lg, n=len(run["errors"])), expanded=True):
            for e in run["errors"][:200]:
                messages.warning(e)
    prov: Provenance | None = run.get("provenance")
    if prov is not None:  # said before the result: which CRS was assumed, and how to change it
        messages.info(t("check.crs_assumed", lg, crs=prov.crs_zh if lg == "zh" else prov.crs_en))
    for n in run["notes"]:
        messages.info(note_in(n, lg))
    cols = [
        "project_no",
        "name",
        "ptype",
        "geom_kind",
        "area_ha",
        "area_mu",
        "in_district",
        "township",
        "verdict",
        "deciding_zone",
        "axis",
        "axis_km",
        "transport",
    ]
    # values in the UI's language, shares as percentages, no "None" (lukou_geo.sitecheck.labels)
    table = labels.table(result.summary.head(5000), {c: SUMMARY_COLUMNS[c] for c in cols}, lg, text=True)
    st.dataframe(table, hide_index=True, width="stretch", key=f"check_summary_{id(result)}")
    zone_cols = {c: ZONE_COLUMNS[c] for c in ZONE_COLUMNS if c not in ("project_no", "project")}
    for _, r in result.summary.head(20).iterrows():
        verdict = labels.verdict_label(r["verdict"], lg)
        label = f"{int(r['project_no'])}. {messages.escape(r['name'])} — {verdict}"
        with st.expander(label, expanded=len(result.summary) == 1):
            st.markdown(f"**{messages.escape(verdict)}**")
            st.text(r["reason"] if lg == "zh" or "reason_en" not in r else r["reason_en"])
            z = result.project_zones(int(r["project_no"]))
            ctx_rows = z["context"].fillna(False).astype(bool) if "context" in z else None
            judging = z[~ctx_rows] if ctx_rows is not None else z
            st.caption(t("check.zones_of", lg))
            st.dataframe(labels.table(judging, zone_cols, lg, text=True), hide_index=True, width="stretch")
            if ctx_rows is not None and ctx_rows.any():  # 八基地 and the like: where it lies, not a judgement
                names = z.loc[ctx_rows, "zone" if lg == "zh" else "zone_en"].astype(str)
                st.caption(t("check.context_zones", lg, names=t("check.list_sep", lg).join(dict.fromkeys(names))))
    occupancy_panel.show(run, lg)
    st.caption(HONESTY_ZH if lg == "zh" else HONESTY_EN)
    st.markdown(f"**{t('check.downloads', lg)}**")
    c = st.columns(5)
    mimes = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv": "text/csv",
        "geojson": "application/geo+json",
        "html": "text/html",
        "pdf": "application/pdf",
    }
    for i, fmt in enumerate(("xlsx", "csv", "geojson")):
        c[i].download_button(fmt.upper(), _table_file(result, fmt), file_name=f"选址核查.{fmt}", mime=mimes[fmt], key=f"dl_{fmt}_{id(run)}")
    if "pdf" not in run["files"]:
        if c[3].button(t("check.make_report", lg), key=f"mk_{id(run)}"):
            ctx = _context()
            bar = st.progress(0.0, text=t("check.report_maps", lg, done=0, total="…"))
            maps = report_maps(  # drawn once for both documents; the page shows how far it got
                result, ctx, progress=lambda done, total: bar.progress(0.8 * done / total, text=t("check.report_maps", lg, done=done, total=total)))
            bar.progress(0.85, text=t("check.report_html", lg))
            run["files"]["html"] = export_html(result, ctx, maps=maps).encode("utf-8")
            bar.progress(0.9, text=t("check.report_pdf", lg))
            run["files"]["pdf"] = export_pdf(result, ctx, maps=maps)
            bar.empty()
            st.rerun()
    else:
        c[3].download_button("HTML", run["files"]["html"], file_name="选址核查.html", mime=mimes["html"], key=f"dl_html_{id(run)}")
        c[4].download_button("PDF", run["files"]["pdf"], file_name="选址核查.pdf", mime=mimes["pdf"], key=f"dl_pdf_{id(run)}")
    check_register.panel(run, lg, _table_file, _context)  # 登记到项目库 (checker/admin; checked on the server)


_TABLE_WRITERS = {"xlsx": export_xlsx, "csv": export_csv, "geojson": export_geojson}


def _table_file(result: CheckResult, fmt: str) -> Any:
    """The report file ``fmt`` of a result, written only when its download button is pressed."""

    def write() -> bytes:
        with tempfile.TemporaryDirectory() as d:
            return _TABLE_WRITERS[fmt](result, Path(d) / f"r.{fmt}").read_bytes()

    return write


def _pick_label(pick: dict[str, Any] | None, lg: str) -> str:
    """The name of a project taken from the map: a point's position, or the kind of shape drawn."""
    if not pick:
        return ""
    if pick.get("type") == "Point":
        return t("check.map_point", lg, xy=describe_pick(pick))
    kind = {"LineString": "line", "MultiLineString": "line"}.get(pick.get("type", ""), "polygon")
    return t("check.map_drawn", lg, kind=t(f"check.geom.{kind}", lg))


def _recall(lg: str) -> None:
    """After a reload (a new session, no runs): the run the address names, if this server still keeps it."""
    token = st.query_params.get(check_keep.PARAM)
    if _runs() or not token:
        return
    run = check_keep.recall(token)
    if run is None:
        messages.info(t("check.run_gone", lg))
        del st.query_params[check_keep.PARAM]
        return
    _runs().append(run)
    st.session_state["check_pick"] = 0


def render() -> None:
    """Draw the page."""
    lg = lang()
    st.markdown(f"#### {t('page.check', lg)}")
    st.caption(t("check.intro", lg))
    uploader_in_language(lg)  # first, so that the style is in the page before the uploader arrives
    _context()
    vocab = read_project_types()
    c1, c2, c3 = st.columns(3)
    crs = c1.selectbox(t("check.crs", lg), CRS_ORDER, format_func=lambda k: CRS_CHOICES[k][lg], key="check_crs")
    crs = crs_argument(crs, lonlat_selector(c1, lg) if crs == "auto" else None)
    enc_choice = c2.selectbox(t("check.encoding", lg), ["", "GBK", "UTF-8"], format_func=lambda e: e or t("check.enc_auto", lg), key="check_enc")
    types = ["", *vocab.types]
    ptype = c3.selectbox(
        t("check.ptype", lg), types, key="check_ptype",
        format_func=lambda v: (v if lg == "zh" else vocab.label(v, "en")) if v else t("check.ptype_none", lg),
    )
    occupancy_panel.choose(lg)
    _recall(lg)
    _inputs(crs, enc_choice or None, ptype)

    runs = _runs()
    current = None
    if runs:
        pick = st.session_state.get("check_pick", len(runs) - 1)
        pick = min(pick, len(runs) - 1)
        current = runs[pick]
    # the map's place on the page comes first, the result below it; the result is written first, so that
    # it shows while the browser draws the map again (the map is the slowest element to arrive)
    map_box, result_box = st.container(), st.container()
    if current is not None:
        with result_box:
            current = _results(runs, current, lg)
    with map_box:
        _map_and_pick(lg, current, ptype)
    check_keep.show_in_address(current)
    occupancy_panel.warm()
    preload.preload()  # the result's tables and buttons: their browser code loads now, not with the first result


def _map_and_pick(lg: str, current: dict[str, Any] | None, ptype: str) -> None:
    """The map with the current result, and the button that checks what was clicked or drawn on it."""
    st.caption(t("check.map_hint", lg))
    out = _map(lg, current["result"] if current else None) or {}
    pick = map_pick(out, st.session_state.setdefault("check_map_seen", {}))
    label = _pick_label(pick, lg)
    if pick:
        st.caption(t("check.map_pending", lg, what=label))
    if st.button(t("check.run_map", lg), key="check_map_go"):
        try:
            if pick:
                n = len(_runs())
                ing = project_from_geojson(pick, label, ptype)
                ing.projects["given"] = shapely.to_wkt(ing.projects.geometry.to_numpy(), rounding_precision=-1)
                _run(ing, label, ptype, provenance.of_map(label), "wgs84")
                if len(_runs()) > n:
                    st.rerun()  # the map above was drawn before this run: draw it again with the result
            else:
                messages.info(t("check.nothing_on_map", lg))
        except InputError as exc:
            messages.error(t("check.error", lg, err=exc.message(lg)))


def _results(runs: list[dict[str, Any]], current: dict[str, Any], lg: str) -> dict[str, Any]:
    """The result of the chosen run (a selector when there are several) and the button that clears them; the run shown."""
    st.markdown(f"#### {t('check.results', lg)}")
    if len(runs) > 1:
        idx = st.selectbox(
            t("check.run_pick", lg),
            list(range(len(runs))),
            index=len(runs) - 1 if current is runs[-1] else runs.index(current),
            format_func=lambda i: f"{i + 1}. {runs[i]['label']}",
        )
        st.session_state["check_pick"] = idx
        current = runs[idx]
    _show(current)
    if st.button(t("check.clear", lg), key="check_clear"):
        st.session_state["check_runs"] = []
        check_keep.show_in_address(None)
        st.rerun()
    return current


__all__ = ["render"]
