"""The 属性表 page: one store layer's attributes, filtered and paged, with per-class statistics.

The store answers every question (``Store.table`` one page of 100 rows, ``Store.class_stats`` the
statistics): the page never holds the whole layer. A row's feature opens on the atlas map
(``atlas?lk_layer=<id>&lk_fid=<n>``).
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from lukou_geo import classes
from lukou_geo.map.elements.vector_tiles import stats_table
from lukou_geo.store.base import KINDS, TableFilter
from lukou_geo.text import t
from lukou_geo.ui import messages
from lukou_geo.ui.i18n import lang
from lukou_geo.ui.store import class_stats, layers, store

PAGE_ROWS = 100


def _stats_frame(stats: pd.DataFrame, kind: str, lg: str) -> pd.DataFrame:
    df = stats_table(stats)
    out = pd.DataFrame({
        t("table.col_code", lg): df["lk_code"],
        t("table.col_name", lg): df["lk_name"],
    })
    if classes.KIND_TABLE.get(kind) == "sandiao":
        out[t("table.col_category", lg)] = [classes.sandiao_category(c) for c in df["lk_code"]]
    out[t("table.col_count", lg)] = df["count"]
    out[t("table.col_ha", lg)] = df["area_ha"].round(4)
    out[t("table.col_mu", lg)] = df["area_mu"].round(2)
    return out


def render() -> None:
    """Draw the page."""
    lg = lang()
    st.markdown(f"#### {t('page.table', lg)}")
    st.caption(t("table.intro", lg))
    infos = layers()
    if not infos:
        messages.info(t("table.no_layers", lg))
        return
    by_id = {i.id: i for i in infos}
    layer_id = st.selectbox(t("table.layer", lg), list(by_id), format_func=lambda i: f"{by_id[i].title} ({i})", key="table_layer")
    info = by_id[layer_id]
    st.caption(t("table.layer_info", lg, kind=KINDS.get(info.kind, KINDS["other"])[0 if lg == "zh" else 1],
                 n=f"{info.features:,}", file=info.source_file))
    c1, c2 = st.columns(2)
    prefix = c1.text_input(t("table.code_prefix", lg), key="table_prefix", placeholder="01").strip()
    text = c2.text_input(t("table.text", lg), key="table_text").strip()
    flt = TableFilter(code_prefix=prefix or None, text=text or None)

    stats = class_stats(layer_id, info.version, prefix, text)
    frame = _stats_frame(stats, info.kind, lg)
    total_n, total_ha = int(stats_table(stats)["count"].sum()), float(stats_table(stats)["area_ha"].sum())
    st.markdown(f"**{t('table.stats', lg)}**")
    st.caption(t("table.stats_total", lg, n=f"{total_n:,}", ha=f"{total_ha:,.2f}", mu=f"{total_ha * 15:,.1f}"))
    st.dataframe(frame, hide_index=True, use_container_width=True, key="table_stats")

    s = store()
    assert s is not None
    _, total = s.table(layer_id, flt, offset=0, limit=1)
    pages = max(1, math.ceil(total / PAGE_ROWS))
    if st.session_state.get("table_page", 1) > pages:
        st.session_state["table_page"] = 1
    page = int(st.number_input(t("table.page", lg, pages=pages), min_value=1, max_value=pages, step=1, key="table_page"))
    rows, total = s.table(layer_id, flt, offset=(page - 1) * PAGE_ROWS, limit=PAGE_ROWS)
    first = (page - 1) * PAGE_ROWS + 1 if total else 0
    st.caption(t("table.rows", lg, a=f"{first:,}", b=f"{first + len(rows) - 1 if total else 0:,}", n=f"{total:,}"))
    st.dataframe(rows, hide_index=True, use_container_width=True, key="table_rows")
    if len(rows) and "lk_fid" in rows:
        fids = [int(v) for v in rows["lk_fid"]]
        fid = st.selectbox(t("table.zoom_pick", lg), fids, key="table_fid")
        st.link_button(t("table.zoom", lg), f"atlas?lk_layer={layer_id}&lk_fid={fid}&lang={lg}")
