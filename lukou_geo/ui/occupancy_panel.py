"""The check page's 压占 part: choose the imported layers, the table per layer and class, the occupied parts
on the map, one click to the 审查意见 DOCX/PDF.

The page (:mod:`lukou_geo.ui.pages.check`) calls :func:`choose` above the inputs, :func:`apply` after each
check, :func:`highlight` when it draws the map and :func:`show` under the results. Texts are
``check.occ_*`` of :mod:`lukou_geo.text`; names from data are shown by ``st.dataframe`` (text, not markup)
or escaped (:func:`lukou_geo.ui.messages.escape`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st

from lukou_geo.errors import LukouError
from lukou_geo.text import t
from lukou_geo.ui import messages
from lukou_geo.ui.store import layers as store_layers
from lukou_geo.ui.store import store

#: The chosen layers are read into memory this long after the check page is first drawn (its map's tiles
#: come first; measured with a 150,000-parcel DLTB: the page up in 9.6 s when read at once, 7.1 s without);
#: a check before then reads them at once.
WARM_DELAY_S = 4.0

_KIND_COLOURS = {"stbhhx": "#2E7D32", "yjjbnt": "#F9A825", "czkfbj": "#C62828", "dltb": "#8D6E63", "ghydyh": "#6A1B9A",
                 "ghfq": "#6A1B9A", "kg": "#6A1B9A", "other": "#546E7A"}


def choose(lg: str) -> None:
    """Layer and exception choice (kept in the session: ``occ_layers``, ``occ_exceptions``)."""
    from lukou_geo.sitecheck.occupancy import DEFAULT_KINDS, KIND_ORDER
    from lukou_geo.sitecheck.rules_occupancy import read_rules
    from lukou_geo.store.base import KINDS

    infos = [i for i in store_layers() if i.geometry == "polygon"]
    if not infos:
        st.caption(t("check.occ_no_layers", lg))
        st.session_state["occ_layers"] = []
        return
    infos.sort(key=lambda i: KIND_ORDER.get(i.kind, 9))
    ids = [i.id for i in infos]
    label = {i.id: f"{i.title} · {KINDS.get(i.kind, (i.kind, i.kind))[0 if lg == 'zh' else 1]} · {i.features:,}" for i in infos}
    default = [i.id for i in infos if i.kind in DEFAULT_KINDS]
    c1, c2 = st.columns([3, 2])
    c1.multiselect(t("check.occ_layers", lg), ids, default=default, format_func=lambda i: label[i], key="occ_layers")
    rules = read_rules()
    c2.multiselect(t("check.occ_exceptions", lg), list(rules.exceptions), format_func=lambda e: rules.exceptions[e].title_zh
                   if lg == "zh" else rules.exceptions[e].title_en, key="occ_exceptions")


def warm() -> None:
    """Start reading the chosen layers into memory (call when the page is drawn: the first check then need
    not wait for 150,000 parcels, and the page's own first drawing does not compete with the reading)."""
    from lukou_geo.sitecheck.occupancy_store import warm_layers

    s = store()
    chosen = list(st.session_state.get("occ_layers") or [])
    if s is not None and chosen:
        warm_layers(s, chosen, delay=WARM_DELAY_S)


def apply(result: Any, ptype: str = "") -> Any:
    """Add the 压占 of the chosen layers to a fresh check result (nothing when none is chosen)."""
    from lukou_geo.sitecheck.context import to_metric
    from lukou_geo.sitecheck.occupancy import attach, occupancy
    from lukou_geo.sitecheck.occupancy_store import load_layers

    chosen = list(st.session_state.get("occ_layers") or [])
    s = store()
    if not chosen or s is None or not len(result.summary):
        return result
    try:
        layers = load_layers(s, chosen)
    except LukouError as exc:
        messages.error(exc.message())
        return result
    geoms = result.projects.geometry.values.to_numpy()
    occ = occupancy(to_metric(geoms), layers, names=result.summary["name"].tolist(), ptypes=result.summary["ptype"].tolist(),
                    exceptions=list(st.session_state.get("occ_exceptions") or []),
                    project_nos=result.summary["project_no"].tolist(), keep_geoms=len(geoms) <= 200)
    return attach(result, occ)


def highlight(fg: Any, result: Any) -> Any:
    """The occupied parts (by layer kind) into the map's feature group of the checked projects."""
    import folium
    import shapely

    from lukou_geo.crs import to_lonlat

    occ = getattr(result, "occupancy", None) if result is not None else None
    if fg is None or occ is None or occ.piece_geoms is None or not len(occ.pieces):
        return fg
    keep = ~occ.pieces["sliver"].to_numpy(dtype=bool)
    kinds = occ.pieces["layer_kind"].to_numpy()
    for kind in ("dltb", "ghydyh", "ghfq", "kg", "other", "czkfbj", "yjjbnt", "stbhhx"):
        sel = keep & (kinds == kind)
        if not sel.any() or sel.sum() > 5000:
            continue
        geoms = to_lonlat(np.asarray(occ.piece_geoms[sel], dtype=object))
        union = shapely.union_all(geoms) if kind not in ("dltb",) else shapely.geometrycollections(list(geoms))
        colour = _KIND_COLOURS.get(kind, "#546E7A")
        folium.GeoJson(union.__geo_interface__, name=f"occ-{kind}",
                       style_function=lambda _f, c=colour: {"color": c, "weight": 1, "fillColor": c, "fillOpacity": 0.45}).add_to(fg)
    return fg


def show(run: dict[str, Any], lg: str) -> None:
    """The 压占 tables of a run and the 审查意见 downloads."""
    from lukou_geo.sitecheck.occupancy import CLASS_COLUMNS, FEATURE_COLUMNS, FINDING_COLUMNS, SUMMARY_COLUMNS
    from lukou_geo.sitecheck.report.tables import labelled

    result = run["result"]
    occ = getattr(result, "occupancy", None)
    if occ is None:
        return
    st.markdown(f"#### {t('check.occ_title', lg)}")
    i = 0 if lg == "zh" else 1
    cols = [c for c in SUMMARY_COLUMNS if c in result.summary and result.summary[c].notna().any()]
    st.dataframe(labelled(result.summary[["project_no", "name", *cols]], {"project_no": ("序号", "No."), "name": ("项目名称", "Project"),
                                                                          **SUMMARY_COLUMNS}, lg).head(2000),
                 hide_index=True, width="stretch", key=f"occ_summary_{id(run)}")
    nos = result.summary["project_no"].head(50).tolist()
    no = nos[0] if len(nos) == 1 else st.selectbox(t("check.occ_project", lg), nos, key=f"occ_pick_{id(run)}",
                                                     format_func=lambda n: f"{n}. {result.summary.set_index('project_no').loc[n, 'name']}")
    cl = occ.project(no, "classes")
    for meta in occ.layers:
        sub = cl[cl["layer_id"] == meta["id"]] if len(cl) else cl
        st.caption(f"{messages.escape(meta['title'])} · {t('check.occ_layer_rows', lg, n=len(sub))}")
        if len(sub):
            st.dataframe(labelled(sub, CLASS_COLUMNS, lg).drop(columns=[CLASS_COLUMNS["project_no"][i], CLASS_COLUMNS["project"][i]]),
                         hide_index=True, width="stretch", key=f"occ_cls_{id(run)}_{no}_{meta['id']}")
    feats = occ.project(no, "features")
    if len(feats):
        st.caption(t("check.occ_features", lg))
        st.dataframe(labelled(feats, FEATURE_COLUMNS, lg), hide_index=True, width="stretch", key=f"occ_ft_{id(run)}_{no}")
    f = occ.project(no, "findings")
    if len(f):
        st.caption(t("check.occ_findings", lg))
        st.dataframe(labelled(f, FINDING_COLUMNS, lg), hide_index=True, width="stretch", key=f"occ_fd_{id(run)}_{no}")
    sl = occ.slivers
    if len(sl):
        st.caption(t("check.occ_slivers", lg, n=len(sl)))
    files = run.setdefault("files", {})
    c = st.columns(3)
    if "opinion_docx" not in files:
        if c[0].button(t("check.occ_make_opinion", lg), key=f"occ_mk_{id(run)}"):
            with st.spinner(t("check.occ_making", lg)):
                files["opinion_docx"], files["opinion_pdf"] = _opinion_files(result, run)
            st.rerun()
    else:
        c[0].download_button("审查意见 DOCX", files["opinion_docx"], file_name="审查意见.docx", key=f"occ_docx_{id(run)}", on_click="ignore",
                             mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        c[1].download_button("审查意见 PDF", files["opinion_pdf"], file_name="审查意见.pdf", mime="application/pdf",
                             key=f"occ_pdf_{id(run)}", on_click="ignore")


def _opinion_files(result: Any, run: dict[str, Any]) -> tuple[bytes, bytes]:
    from lukou_geo.sitecheck.context import get_context
    from lukou_geo.sitecheck.provenance import crs_labels
    from lukou_geo.sitecheck.report.opinion import export_opinion
    from lukou_geo.ui.state import load_catalog, load_data

    ctx = get_context(load_catalog(), data=load_data())
    crs_note = crs_labels(str(st.session_state.get("check_crs", "auto")))[0]
    notes = [n for n in run.get("notes", []) if "坐标" in n or "CRS" in n]
    with tempfile.TemporaryDirectory() as d:
        docx_path, pdf_path = Path(d) / "o.docx", Path(d) / "o.pdf"
        export_opinion(result, ctx, docx_path, pdf_path, crs_note=";".join([crs_note, *notes]))
        return docx_path.read_bytes(), pdf_path.read_bytes()
