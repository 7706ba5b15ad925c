"""The 数据与来源 page: every layer's source, licence, CRS, precision and feature count."""

from __future__ import annotations

import json
from collections import Counter

import pandas as pd
import streamlit as st

from lukou_geo.catalog import PRECISIONS
from lukou_geo.text import t
from lukou_geo.ui.i18n import lang
from lukou_geo.ui.state import load_catalog, load_data


def layer_table(lg: str) -> pd.DataFrame:
    catalog, data = load_catalog(), load_data()
    rows = []
    for g in catalog.groups:
        for lyr in catalog.layers_in(g.id):
            feats = data[lyr.id]["features"]
            counts = Counter(f["properties"]["precision"] for f in feats)
            rows.append({
                t("data.col_group", lg): g.title(lg),
                t("data.col_layer", lg): lyr.title(lg),
                t("data.col_count", lg): len(feats),
                t("data.col_precision", lg): ", ".join(f"{t(f'precision.{p}', lg).split('(')[0]} {n}" for p, n in counts.items()),
                t("data.col_source", lg): lyr.source_text(lg),
                t("data.col_licence", lg): lyr.licence_text(lg),
                t("data.col_crs", lg): lyr.crs,
            })
    return pd.DataFrame(rows)


def render() -> None:
    """Draw the page."""
    lg = lang()
    st.markdown(f"#### {t('page.data', lg)}")
    st.write(t("data.intro", lg))
    catalog, data = load_catalog(), load_data()
    st.dataframe(layer_table(lg), hide_index=True, use_container_width=True)
    from lukou_geo.ui.store import layers as store_layers

    imported = store_layers()
    if imported:  # the planner's own layers: official, with their provenance
        from lukou_geo.ui.pages.layers import provenance_table

        st.markdown(f"##### {t('data.store_head', lg)}")
        st.dataframe(provenance_table(imported, lg), hide_index=True, use_container_width=True, key="data_store")
    with st.expander(t("data.precision_help", lg)):
        for key in PRECISIONS:
            st.markdown(f"- `{key}`: {t(f'precision.{key}', lg)}")
    layer_id = st.selectbox(
        t("data.features_of", lg), [lyr.id for lyr in catalog.layers],
        format_func=lambda i: catalog.layer(i).title(lg), key="data_layer",
    )
    feats = data[layer_id]["features"]
    st.dataframe(pd.DataFrame([{
        "id": f["properties"]["id"],
        t("data.col_name", lg): f["properties"]["name"] if lg == "zh" else f["properties"]["name_en"],
        t("data.col_precision", lg): t(f"precision.{f['properties']['precision']}_short", lg),
        t("data.col_plan_ref", lg): f["properties"]["plan_ref"],
        t("data.col_placement", lg): f["properties"].get("placement_en" if lg == "en" else "placement", ""),
    } for f in feats]), hide_index=True, use_container_width=True)
    st.download_button(
        t("data.download", lg), json.dumps(data[layer_id], ensure_ascii=False).encode("utf-8"),
        file_name=f"{layer_id}.geojson", mime="application/geo+json", key="dl_layer",
    )
