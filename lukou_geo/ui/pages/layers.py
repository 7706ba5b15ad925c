"""The 图层管理 page: the store's layers with their provenance, import, remove, and local basemaps.

Import, remove and basemap registration are admin actions (:mod:`lukou_geo.ui.admin`). The import
calls ``lukou_geo.store.importer.import_layer(store, path, *, layer_id, title, kind, sublayer, crs,
encoding, user, progress)`` and shows its progress and its report (read, repaired, dropped, outside).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from lukou_geo.map import basemaps
from lukou_geo.settings import get_settings
from lukou_geo.store import formats
from lukou_geo.store.base import KINDS, ImportReport, LayerInfo
from lukou_geo.text import t
from lukou_geo.ui import admin, messages
from lukou_geo.ui.i18n import lang
from lukou_geo.ui.store import layers, store


def provenance_table(infos: list[LayerInfo], lg: str) -> pd.DataFrame:
    """One row per store layer: what it is and where it came from (file, sha256, CRS, who, when)."""
    return pd.DataFrame([{
        t("layers.col_id", lg): i.id,
        t("layers.col_title", lg): i.title,
        t("layers.col_kind", lg): KINDS.get(i.kind, KINDS["other"])[0 if lg == "zh" else 1],
        t("layers.col_features", lg): i.features,
        t("layers.col_precision", lg): "official",
        t("layers.col_file", lg): i.source_file + (f" ({i.sublayer})" if i.sublayer else ""),
        "sha256": i.sha256,
        t("layers.col_crs", lg): i.source_crs,
        t("layers.col_encoding", lg): i.encoding,
        t("layers.col_by", lg): i.imported_by,
        t("layers.col_at", lg): i.imported_at,
        t("layers.col_version", lg): i.version,
        t("layers.col_checks", lg): t("layers.checks", lg, r=i.repaired, d=i.dropped, o=i.outside),
    } for i in infos])


def basemap_table(infos: list[basemaps.BasemapInfo], lg: str) -> pd.DataFrame:
    """One row per registered basemap: what it is and where it came from (file, sha256, CRS, attribution, who, when)."""
    return pd.DataFrame([{
        t("layers.col_id", lg): b.id, t("layers.col_title", lg): b.title, t("layers.bm_format", lg): f"{b.container} / {b.format}",
        t("layers.bm_zooms", lg): f"{b.minzoom}–{b.maxzoom}", t("layers.col_file", lg): b.source_file, "sha256": b.sha256,
        t("layers.col_crs", lg): b.source_crs, t("layers.col_attr", lg): b.attribution, t("layers.col_by", lg): b.registered_by,
        t("layers.col_at", lg): b.registered_at,
    } for b in infos])


def _save_upload(upload: Any) -> Path:
    folder = get_settings().data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder))
    path = tmp / Path(upload.name).name
    path.write_bytes(upload.getbuffer())
    return path


def _report(rep: ImportReport, lg: str) -> None:
    messages.success(t("layers.imported", lg, title=rep.layer.title, id=rep.layer.id, n=f"{rep.layer.features:,}",
                       s=f"{rep.seconds:.1f}"))
    st.dataframe(pd.DataFrame([{t("layers.rep_read", lg): rep.read, t("layers.rep_repaired", lg): rep.repaired,
                                t("layers.rep_dropped", lg): rep.dropped, t("layers.rep_outside", lg): rep.outside}]),
                 hide_index=True, key="import_report")
    for note in rep.notes:
        messages.info(note)


def _import_form(lg: str) -> None:
    s = store()
    try:
        from lukou_geo.store.importer import import_layer  # written with the store; see the module docstring
    except ImportError:
        messages.warning(t("layers.no_importer", lg))
        return
    with st.form("import_form", clear_on_submit=False):
        upload = st.file_uploader(t("layers.file", lg), type=formats.upload_types(), key="import_file",
                                  help=t("formats.supported", lg, formats=formats.describe(lg)))
        server_path = st.text_input(t("layers.server_path", lg), key="import_path")
        c1, c2, c3 = st.columns(3)
        layer_id = c1.text_input(t("layers.layer_id", lg), key="import_id")
        title = c2.text_input(t("layers.title", lg), key="import_title")
        kind = c3.selectbox(t("layers.kind", lg), ["", *KINDS], key="import_kind",
                            format_func=lambda k: KINDS[k][0 if lg == "zh" else 1] if k else t("layers.kind_auto", lg))
        c4, c5, c6 = st.columns(3)
        sublayer = c4.text_input(t("layers.sublayer", lg), key="import_sublayer")
        crs = c5.text_input(t("layers.crs", lg), placeholder="EPSG:4526", key="import_crs")
        encoding = c6.text_input(t("layers.encoding", lg), placeholder="GBK", key="import_encoding")
        go = st.form_submit_button(t("layers.import", lg))
    if not go:
        return
    if upload is None and not server_path.strip():
        messages.warning(t("layers.need_file", lg))
        return
    admin.require("layers.import", target=f"layer:{layer_id.strip()}")  # server-side, whatever the form says
    path = _save_upload(upload) if upload is not None else Path(server_path.strip())
    bar = st.progress(0.0, text=t("layers.progress", lg))

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=messages.escape(message))

    rep = import_layer(s, path, layer_id=layer_id.strip() or None, title=title.strip() or None, kind=kind or None,
                       sublayer=sublayer.strip() or None, crs=crs.strip() or None, encoding=encoding.strip() or None,
                       user=admin.user(), progress=progress)
    bar.progress(1.0, text=t("layers.done", lg))
    admin.record("layer.import", f"layer:{rep.layer.id}", {"version": rep.layer.version, "sha256": rep.layer.sha256})
    st.cache_data.clear()
    _report(rep, lg)


def _remove_form(infos: list[LayerInfo], lg: str) -> None:
    ids = [i.id for i in infos]
    with st.form("remove_form"):
        victim = st.selectbox(t("layers.remove_pick", lg), ids, key="remove_id")
        sure = st.checkbox(t("layers.remove_sure", lg), key="remove_sure")
        go = st.form_submit_button(t("layers.remove", lg))
    if go and sure:
        admin.require("layers.remove", target=f"layer:{victim}")
        store().remove_layer(victim, admin.user())  # type: ignore[union-attr]
        admin.record("layer.remove", f"layer:{victim}")
        st.cache_data.clear()
        messages.success(t("layers.removed", lg, id=victim))
    elif go:
        messages.warning(t("layers.remove_confirm", lg))


def _basemaps(lg: str) -> None:
    st.markdown(f"##### {t('layers.basemaps', lg)}")
    st.caption(t("layers.basemaps_intro", lg, dir=str(basemaps.basemaps_dir())))
    registered = basemaps.list_basemaps()
    if registered:
        st.dataframe(basemap_table(registered, lg), hide_index=True, use_container_width=True, key="basemap_table")
    if not admin.allowed("basemaps.register"):
        return
    with st.form("basemap_form"):
        upload = st.file_uploader(t("layers.bm_file", lg), type=[s.lstrip(".") for s in basemaps.SUFFIXES], key="bm_file")
        server_path = st.text_input(t("layers.bm_server_path", lg), key="bm_path")
        c1, c2, c3 = st.columns(3)
        bid = c1.text_input(t("layers.layer_id", lg), key="bm_id")
        title = c2.text_input(t("layers.title", lg), key="bm_title")
        attribution = c3.text_input(t("layers.bm_attr", lg), key="bm_attr")
        go = st.form_submit_button(t("layers.bm_register", lg))
    if not go:
        return
    if upload is None and not server_path.strip():
        messages.warning(t("layers.bm_need_file", lg))
        return
    admin.require("basemaps.register", target=f"basemap:{bid.strip()}")
    path = _save_upload(upload) if upload is not None else Path(server_path.strip())
    bar = st.progress(0.0, text=t("layers.bm_progress", lg))

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=messages.escape(message))

    try:
        info = basemaps.register_basemap(path, user=admin.user(), basemap_id=bid.strip() or None, title=title.strip() or None,
                                         attribution=attribution.strip() or None,
                                         source_name=upload.name if upload is not None else None, progress=progress)
    finally:
        if upload is not None:  # the saved upload, whether or not it registered
            path.unlink(missing_ok=True)
            path.parent.rmdir()
    bar.progress(1.0, text=t("layers.done", lg))
    admin.record("basemap.register", f"basemap:{info.id}", {"source_file": info.source_file, "sha256": info.sha256,
                                                            "source_crs": info.source_crs})
    messages.success(t("layers.bm_registered", lg, id=info.id, title=info.title))


def render() -> None:
    """Draw the page."""
    lg = lang()
    st.markdown(f"#### {t('page.layers', lg)}")
    st.caption(t("layers.intro", lg))
    if store() is None:
        messages.warning(t("layers.no_store", lg))
    else:
        infos = layers()
        if infos:
            st.dataframe(provenance_table(infos, lg), hide_index=True, use_container_width=True, key="layers_table")
        else:
            messages.info(t("layers.empty", lg))
        if admin.allowed("layers.import"):
            with st.expander(t("layers.import_head", lg), expanded=not infos):
                _import_form(lg)
        if infos and admin.allowed("layers.remove"):
            with st.expander(t("layers.remove_head", lg)):
                _remove_form(infos, lg)
    _basemaps(lg)
