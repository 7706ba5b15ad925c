"""The 选址核查 (site check) page: projects from a click, a drawing, pasted coordinates or a file.

Every run is kept in ``st.session_state["check_runs"]``; an input error is shown without touching
the earlier runs. The map is built anew on each script run (st_folium renames a map's elements).
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

import folium
import streamlit as st
from folium.plugins import Draw
from streamlit_folium import st_folium

from lukou_geo.errors import CatalogError, InputError
from lukou_geo.map import assets
from lukou_geo.map.render import MapOptions, build_map, project_group
from lukou_geo.sitecheck.check import SUMMARY_COLUMNS, ZONE_COLUMNS, CheckResult, build_context, check_projects, read_project_types
from lukou_geo.sitecheck.inputs.ingest import CRS_CHOICES, Ingested, project_from_geojson, read_bytes, read_coordinates_text
from lukou_geo.sitecheck.report.document import export_html, export_pdf, report_maps
from lukou_geo.sitecheck.report.tables import HONESTY_EN, HONESTY_ZH, export_csv, export_geojson, export_xlsx
from lukou_geo.ui.i18n import lang
from lukou_geo.ui.state import load_catalog, load_data

_T: dict[str, dict[str, str]] = {
    "title": {"zh": "选址核查", "en": "Site check"},
    "intro": {
        "zh": "上传项目文件、粘贴坐标,或在地图上点选/绘制,查看项目落在哪些规划分区、是否符合规划用途(附规划原文依据)。",
        "en": "Upload a project file, paste coordinates or click/draw on the map to see which plan zones a project "
        "touches and whether its type fits (with the plan's words).",
    },
    "crs": {"zh": "坐标系", "en": "Coordinate system"},
    "encoding": {"zh": "文字编码", "en": "Text encoding"},
    "enc_auto": {"zh": "自动识别", "en": "detect"},
    "ptype": {"zh": "项目类型(文件中没有类型列时使用)", "en": "Project type (for rows without one)"},
    "ptype_none": {"zh": "(未指定)", "en": "(not given)"},
    "tab_file": {"zh": "上传文件", "en": "Upload a file"},
    "tab_paste": {"zh": "粘贴坐标", "en": "Paste coordinates"},
    "tab_map": {"zh": "地图点选/绘制", "en": "Click or draw on the map"},
    "upload": {
        "zh": "CSV、XLSX、GeoJSON、GPKG、Shapefile(zip)、KML/KMZ、DXF、部标界址点TXT",
        "en": "CSV, XLSX, GeoJSON, GPKG, zipped Shapefile, KML/KMZ, DXF, 部标 TXT",
    },
    "paste": {
        "zh": "每行一个点(经度,纬度 或 X,Y);空行分隔项目;3个以上点成面",
        "en": "One point per line; a blank line starts a new project; 3+ points make a polygon",
    },
    "paste_ph": {"zh": "113.1475, 27.605\n或 113°08'14\"E 27°42'31\"N", "en": "113.1475, 27.605\nor 113°08'14\"E 27°42'31\"N"},
    "name": {"zh": "项目名称", "en": "Project name"},
    "run_paste": {"zh": "核查坐标", "en": "Check coordinates"},
    "run_map": {"zh": "核查地图上最后点选/绘制的位置", "en": "Check the last click or drawing"},
    "map_hint": {
        "zh": "单击地图取点,或用左侧工具画点、线、面(地图坐标为 WGS-84)",
        "en": "Click the map, or draw a point, line or polygon with the tools (WGS-84)",
    },
    "nothing_on_map": {"zh": "请先在地图上点选或绘制", "en": "Click or draw on the map first"},
    "results": {"zh": "核查结果", "en": "Results"},
    "run_pick": {"zh": "核查批次", "en": "Run"},
    "zones_of": {"zh": "涉及的规划分区", "en": "Zones touched"},
    "problems": {"zh": "有 {n} 处输入问题(其余有效行已核查)", "en": "{n} input problems (the valid rows were checked)"},
    "downloads": {"zh": "下载", "en": "Download"},
    "make_report": {"zh": "生成报告(HTML 与 PDF,含地图)", "en": "Make the report (HTML and PDF, with maps)"},
    "error": {"zh": "无法核查:{err}", "en": "Cannot check: {err}"},
    "none_valid": {"zh": "没有可核查的项目", "en": "Nothing to check"},
    "progress": {"zh": "核查中…", "en": "Checking…"},
    "clear": {"zh": "清除全部结果", "en": "Clear all results"},
}
_UPLOAD_TYPES = ["csv", "xlsx", "geojson", "json", "gpkg", "zip", "kml", "kmz", "dxf", "txt"]


def _t(key: str, **fmt: Any) -> str:
    text = _T[key][lang()]
    return text.format(**fmt) if fmt else text


@st.cache_resource(show_spinner=False)
def _context() -> Any:
    return build_context(load_catalog(), load_data())


def _runs() -> list[dict[str, Any]]:
    return st.session_state.setdefault("check_runs", [])


def _run(ing: Ingested, label: str, ptype: str) -> None:
    """Check the projects of ``ing`` and append a run (never removes earlier runs)."""
    errors = [e.message(lang()) for e in ing.errors]
    if not len(ing.projects):
        st.error(_t("none_valid") + (":" + ";".join(errors[:5]) if errors else ""))
        return
    bar = st.progress(0.0, text=_t("progress"))
    result = check_projects(ing.projects, _context(), ptype, progress=lambda f: bar.progress(f, text=_t("progress")), chunk=5000)
    bar.empty()
    run = {"label": label, "result": result, "errors": errors, "notes": list(ing.notes), "files": {}}
    with tempfile.TemporaryDirectory() as d:
        run["files"]["xlsx"] = export_xlsx(result, Path(d) / "r.xlsx").read_bytes()
        run["files"]["csv"] = export_csv(result, Path(d) / "r.csv").read_bytes()
        run["files"]["geojson"] = export_geojson(result, Path(d) / "r.geojson").read_bytes()
    _runs().append(run)
    st.session_state["check_pick"] = len(_runs()) - 1


def _inputs(crs: str, enc: str | None, ptype: str) -> None:
    tab_file, tab_paste = st.tabs([_t("tab_file"), _t("tab_paste")])
    with tab_file:
        up = st.file_uploader(_t("upload"), type=_UPLOAD_TYPES, key="check_upload")
        if up is not None:
            data = up.getvalue()
            digest = hashlib.sha256(data).hexdigest() + crs + str(enc) + ptype
            if st.session_state.get("check_upload_done") != digest:
                st.session_state["check_upload_done"] = digest
                st.session_state["check_upload_error"] = ""
                try:
                    _run(read_bytes(data, up.name, crs, enc, ptype), up.name, ptype)
                except InputError as exc:
                    st.session_state["check_upload_error"] = exc.message(lang())
            if st.session_state.get("check_upload_error"):
                st.error(_t("error", err=st.session_state["check_upload_error"]))
    with tab_paste:
        name = st.text_input(_t("name"), key="check_paste_name")
        text = st.text_area(_t("paste"), placeholder=_t("paste_ph"), key="check_paste", height=120)
        if st.button(_t("run_paste"), key="check_paste_go"):
            try:
                _run(read_coordinates_text(text, crs, name, ptype), name or _t("tab_paste"), ptype)
            except InputError as exc:
                st.error(_t("error", err=exc.message(lang())))


VERDICT_COLOURS = {"符合": "#2e7d32", "冲突": "#c62828"}


def _highlight(result: CheckResult) -> folium.FeatureGroup:
    """The checked projects on the map, coloured by verdict; names stay text (see project_group)."""
    feats = []
    for geom, (_, r) in zip(result.projects.geometry.values, result.summary.iterrows(), strict=True):
        feats.append({
            "geometry": geom.__geo_interface__,
            "tip": f"{int(r['project_no'])}. {r['name']} — {r['verdict']}",
            "color": VERDICT_COLOURS.get(r["verdict"], "#f9a825"),
            "kind": "point" if geom.geom_type == "Point" else "shape",
        })
    return project_group(feats)


def _map(lg: str, result: CheckResult | None) -> dict[str, Any] | None:
    m = build_map(load_catalog(), load_data(), MapOptions(lang=lg, basemap="vector", height=560))
    Draw(
        export=False,
        show_geometry_on_click=False,
        position="topleft",
        draw_options={"circle": False, "circlemarker": False, "polyline": True, "polygon": True, "rectangle": True, "marker": True},
    ).add_to(m)
    assets.localize(m, assets.LOCAL_BASE_APP)
    fg = _highlight(result) if result is not None and len(result.summary) <= 2000 else None
    return st_folium(
        m,
        key=f"check-map-{lg}",
        height=560,
        use_container_width=True,
        returned_objects=["last_clicked", "last_active_drawing"],
        feature_group_to_add=fg,
    )


def _show(run: dict[str, Any]) -> None:
    lg = lang()
    result: CheckResult = run["result"]
    if run["errors"]:
        with st.expander(_t("problems", n=len(run["errors"])), expanded=True):
            for e in run["errors"][:200]:
                st.warning(e)
    for n in run["notes"]:
        st.info(n)
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
    table = result.summary[[c for c in cols if c in result.summary]]
    table.columns = [SUMMARY_COLUMNS[c][0 if lg == "zh" else 1] for c in table.columns]
    st.dataframe(table.head(5000), hide_index=True, width="stretch", key=f"check_summary_{id(result)}")
    for _, r in result.summary.head(20).iterrows():
        with st.expander(f"{int(r['project_no'])}. {r['name']} — {r['verdict']}", expanded=len(result.summary) == 1):
            st.markdown(f"**{r['verdict']}**")
            st.text(r["reason"])
            z = result.project_zones(int(r["project_no"]))
            zt = z[[c for c in ZONE_COLUMNS if c in z and c not in ("project_no", "project")]]
            zt.columns = [ZONE_COLUMNS[c][0 if lg == "zh" else 1] for c in zt.columns]
            st.caption(_t("zones_of"))
            st.dataframe(zt, hide_index=True, width="stretch")
    st.caption(HONESTY_ZH if lg == "zh" else HONESTY_EN)
    st.markdown(f"**{_t('downloads')}**")
    c = st.columns(5)
    mimes = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv": "text/csv",
        "geojson": "application/geo+json",
        "html": "text/html",
        "pdf": "application/pdf",
    }
    for i, fmt in enumerate(("xlsx", "csv", "geojson")):
        c[i].download_button(fmt.upper(), run["files"][fmt], file_name=f"选址核查.{fmt}", mime=mimes[fmt], key=f"dl_{fmt}_{id(run)}")
    if "pdf" not in run["files"]:
        if c[3].button(_t("make_report"), key=f"mk_{id(run)}"):
            ctx = _context()
            maps = report_maps(result, ctx)  # drawn once for both documents
            run["files"]["html"] = export_html(result, ctx, maps=maps).encode("utf-8")
            run["files"]["pdf"] = export_pdf(result, ctx, maps=maps)
            st.rerun()
    else:
        c[3].download_button("HTML", run["files"]["html"], file_name="选址核查.html", mime=mimes["html"], key=f"dl_html_{id(run)}")
        c[4].download_button("PDF", run["files"]["pdf"], file_name="选址核查.pdf", mime=mimes["pdf"], key=f"dl_pdf_{id(run)}")


def render() -> None:
    """Draw the page."""
    lg = lang()
    st.markdown(f"#### {_t('title')}")
    st.caption(_t("intro"))
    try:
        _context()
        vocab = read_project_types()
    except (CatalogError, FileNotFoundError) as exc:
        st.error(_t("error", err=str(exc)))
        return
    c1, c2, c3 = st.columns(3)
    crs = c1.selectbox(_t("crs"), list(CRS_CHOICES), format_func=lambda k: CRS_CHOICES[k][lg], key="check_crs")
    enc_choice = c2.selectbox(_t("encoding"), ["", "GBK", "UTF-8"], format_func=lambda e: e or _t("enc_auto"), key="check_enc")
    types = ["", *vocab.types]
    ptype = c3.selectbox(
        _t("ptype"), types, format_func=lambda v: (v if lg == "zh" else vocab.label(v, "en")) if v else _t("ptype_none"), key="check_ptype"
    )
    _inputs(crs, enc_choice or None, ptype)

    runs = _runs()
    current = None
    if runs:
        pick = st.session_state.get("check_pick", len(runs) - 1)
        pick = min(pick, len(runs) - 1)
        current = runs[pick]
    st.caption(_t("map_hint"))
    out = _map(lg, current["result"] if current else None) or {}
    if st.button(_t("run_map"), key="check_map_go"):
        drawing = out.get("last_active_drawing")
        click = out.get("last_clicked")
        try:
            if drawing and drawing.get("geometry"):
                _run(project_from_geojson(drawing["geometry"], _t("tab_map"), ptype), _t("tab_map"), ptype)
            elif click:
                _run(project_from_geojson({"type": "Point", "coordinates": [click["lng"], click["lat"]]}, _t("tab_map"), ptype), _t("tab_map"), ptype)
            else:
                st.info(_t("nothing_on_map"))
        except InputError as exc:
            st.error(_t("error", err=exc.message(lg)))
        runs = _runs()
        current = runs[-1] if runs else None
    if current is not None:
        st.markdown(f"#### {_t('results')}")
        if len(runs) > 1:
            idx = st.selectbox(
                _t("run_pick"),
                list(range(len(runs))),
                index=len(runs) - 1 if current is runs[-1] else runs.index(current),
                format_func=lambda i: f"{i + 1}. {runs[i]['label']}",
            )
            st.session_state["check_pick"] = idx
            current = runs[idx]
        _show(current)
        if st.button(_t("clear"), key="check_clear"):
            st.session_state["check_runs"] = []
            st.rerun()


__all__ = ["render"]
