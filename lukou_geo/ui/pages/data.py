"""The 数据与来源 page: every layer's source, licence, CRS, precision and feature count, and the plan's
elements that cannot be placed on the map (``geodata_src/unplaced.toml``), with why."""

from __future__ import annotations

import json
from collections import Counter

import pandas as pd
import streamlit as st

from lukou_geo.catalog import PRECISIONS, Layer
from lukou_geo.map.render import official_whose
from lukou_geo.plan.coverage import read_unplaced
from lukou_geo.plan.text import read_plan
from lukou_geo.text import t
from lukou_geo.ui.i18n import lang
from lukou_geo.ui.state import load_catalog, load_data


def precision_label(layer: Layer, precision: str, lg: str, short: bool = False) -> str:
    """The precision of a layer's features as the page says it: an ``official`` boundary from 高德 says whose (as the map's popup)."""
    label = t(f"precision.{precision}_short", lg) if short else t(f"precision.{precision}", lg).split("(")[0]
    whose = official_whose(layer, lg) if precision == "official" else ""
    if whose:
        return t("data.precision_whose", lg, prec=label, whose=t("map.official_amap_short", lg) if short else whose)
    return label


@st.cache_data(show_spinner=False)
def unplaced_table(lg: str) -> pd.DataFrame:
    """The plan's elements declared unplaceable: where the plan names them, its words and why they are not on the map."""
    plan = read_plan()
    rows = []
    for u in read_unplaced(plan):
        p = plan.para(u.para)
        where = [plan.chapter_title(p.chapter, lg), *([p.box if lg == "zh" else p.box.replace("专栏", "Box ")] if p.box else []), f"¶{u.para}"]
        zh, _, en = u.reason.partition(" / ")
        rows.append({t("data.col_plan_ref", lg): " · ".join(where), t("data.col_quote", lg): u.quote,
                     t("data.col_why", lg): (en or zh) if lg == "en" else zh})
    return pd.DataFrame(rows)


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
                t("data.col_precision", lg): ", ".join(f"{precision_label(lyr, p, lg)} {n}" for p, n in counts.items()),
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
    from lukou_geo.map.basemaps import list_basemaps

    registered = list_basemaps()
    if registered:  # the basemaps registered here (imagery, a 天地图 cache): their sources too
        from lukou_geo.ui.pages.layers import basemap_table

        st.markdown(f"##### {t('data.basemaps_head', lg)}")
        st.dataframe(basemap_table(registered, lg), hide_index=True, use_container_width=True, key="data_basemaps")
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
        t("data.col_precision", lg): precision_label(catalog.layer(layer_id), f["properties"]["precision"], lg, short=True),
        t("data.col_plan_ref", lg): f["properties"]["plan_ref"],
        t("data.col_placement", lg): f["properties"].get("placement_en" if lg == "en" else "placement", ""),
    } for f in feats]), hide_index=True, use_container_width=True)
    st.download_button(
        t("data.download", lg), json.dumps(data[layer_id], ensure_ascii=False).encode("utf-8"),
        file_name=f"{layer_id}.geojson", mime="application/geo+json", key="dl_layer",
    )
    st.markdown(f"##### {t('data.unplaced_head', lg)}")
    st.caption(t("data.unplaced_intro", lg))
    st.dataframe(unplaced_table(lg), hide_index=True, use_container_width=True, key="data_unplaced")
