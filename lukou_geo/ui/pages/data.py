"""The 数据与来源 page: every layer's source, licence, CRS, precision and feature count."""

from __future__ import annotations

import json
from collections import Counter

import pandas as pd
import streamlit as st

from lukou_geo.catalog import PRECISION_LABELS
from lukou_geo.errors import CatalogError
from lukou_geo.ui.i18n import lang, t
from lukou_geo.ui.state import load_catalog, load_data


def layer_table(lg: str) -> pd.DataFrame:
    catalog, data = load_catalog(), load_data()
    rows = []
    for g in catalog.groups:
        for lyr in catalog.layers_in(g.id):
            feats = data[lyr.id]["features"]
            counts = Counter(f["properties"]["precision"] for f in feats)
            rows.append({
                t("col_group"): g.title(lg),
                t("col_layer"): lyr.title(lg),
                t("col_count"): len(feats),
                t("col_precision"): ", ".join(f"{PRECISION_LABELS[p][lg].split('(')[0]} {n}" for p, n in counts.items()),
                t("col_source"): lyr.source,
                t("col_licence"): lyr.licence,
                t("col_crs"): lyr.crs,
            })
    return pd.DataFrame(rows)


def render() -> None:
    """Draw the page."""
    lg = lang()
    st.markdown(f"#### {t('page_data')}")
    st.write(t("data_intro"))
    try:
        catalog, data = load_catalog(), load_data()
    except (CatalogError, FileNotFoundError) as exc:
        st.error(t("data_error", err=str(exc)))
        return
    st.dataframe(layer_table(lg), hide_index=True, use_container_width=True)
    with st.expander(t("precision_help")):
        for key, labels in PRECISION_LABELS.items():
            st.markdown(f"- `{key}`: {labels[lg]}")
    layer_id = st.selectbox(
        t("features_of"), [lyr.id for lyr in catalog.layers],
        format_func=lambda i: catalog.layer(i).title(lg), key="data_layer",
    )
    feats = data[layer_id]["features"]
    st.dataframe(pd.DataFrame([{
        "id": f["properties"]["id"],
        t("col_name"): f["properties"]["name"] if lg == "zh" else f["properties"]["name_en"],
        t("col_precision"): f["properties"]["precision"],
        t("col_plan_ref"): f["properties"]["plan_ref"],
        t("col_placement"): f["properties"].get("placement_en" if lg == "en" else "placement", ""),
    } for f in feats]), hide_index=True, use_container_width=True)
    st.download_button(
        t("download"), json.dumps(data[layer_id], ensure_ascii=False).encode("utf-8"),
        file_name=f"{layer_id}.geojson", mime="application/geo+json", key="dl_layer",
    )
