"""The 指标 page: 专栏1-1 (十三五 targets vs results) and 专栏2-1 (十四五 targets), with charts.

Charts are Vega-Lite specs drawn by Streamlit's bundled Vega (no request leaves the machine).
Indicators with a spatial reading link to the map with their layers switched on.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lukou_geo.plan.indicators import (
    VERDICTS,
    atlas_layers_href,
    attribute,
    map_links,
    path,
    read_meta,
    read_table,
    verdict,
)
from lukou_geo.plan.reader import reader_href
from lukou_geo.text import t
from lukou_geo.ui.i18n import lang


def table_11(lg: str) -> pd.DataFrame:
    rows = []
    for r in read_table("1-1"):
        v = verdict(r)
        first = v.comparisons[0] if v.comparisons else None
        rows.append({
            "序号": r.no, "indicator": r.name, "unit": r.unit, **r.cells,
            "verdict": v.label(lg), "status": v.status,
            "basis": " + ".join(t(f"indicators.basis_{c.basis}", lg) for c in v.comparisons),
            "ratio": round(100 * first.ratio, 1) if first and first.ratio is not None and first.ratio > 0 else None,
        })
    return pd.DataFrame(rows)


def table_21(lg: str) -> pd.DataFrame:
    rows = []
    for r in read_table("2-1"):
        p = path(r)
        rows.append({
            "序号": r.no, "indicator": r.name, "unit": r.unit, **r.cells, "attribute": attribute(r),
            "v2020": p.v2020, "v2025": p.v2025, "printed_growth": p.printed_growth.value,
            "required_growth": p.required_growth,
        })
    return pd.DataFrame(rows)


def _chart_11(df: pd.DataFrame, lg: str) -> dict:
    data = df.dropna(subset=["ratio"])[["indicator", "ratio", "verdict", "status"]].to_dict("records")
    colors = {"met": "#2e7d32", "partly": "#f9a825", "not_met": "#c62828"}
    return {
        "data": {"values": data},
        "layer": [
            {"mark": {"type": "bar"}, "encoding": {
                "y": {"field": "indicator", "type": "nominal", "sort": None, "title": None},
                "x": {"field": "ratio", "type": "quantitative", "title": t("indicators.ratio", lg)},
                "color": {"field": "verdict", "type": "nominal", "title": t("indicators.verdict", lg),
                          "scale": {"domain": [t(f"verdict.{k}", lg) for k in colors], "range": list(colors.values())}},
                "tooltip": [{"field": "indicator"}, {"field": "ratio", "title": "%"}, {"field": "verdict"}],
            }},
            {"mark": {"type": "rule", "color": "#333", "strokeDash": [4, 3]}, "encoding": {"x": {"datum": 100}}},
        ],
        "height": {"step": 16},
    }


def _chart_21_path(df: pd.DataFrame, lg: str) -> dict:
    vals = []
    for r in df.dropna(subset=["v2020", "v2025"]).itertuples():
        if not r.v2020:
            continue
        vals += [{"indicator": r.indicator, "year": "2020", "index": 100.0},
                 {"indicator": r.indicator, "year": "2025", "index": round(100 * r.v2025 / r.v2020, 1)}]
    return {
        "data": {"values": vals},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": None},
            "y": {"field": "index", "type": "quantitative", "title": t("indicators.index", lg), "scale": {"zero": False}},
            "color": {"field": "indicator", "type": "nominal", "title": None, "legend": {"columns": 2, "labelLimit": 220}},
            "tooltip": [{"field": "indicator"}, {"field": "year"}, {"field": "index"}],
        },
        "height": 320,
    }


def _chart_21_growth(df: pd.DataFrame, lg: str) -> dict:
    vals = []
    for r in df.itertuples():
        if r.printed_growth is not None and not pd.isna(r.printed_growth) and r.v2025 is not None and not pd.isna(r.v2025):
            vals.append({"indicator": r.indicator, "kind": t("indicators.printed", lg), "growth": r.printed_growth})
        if r.required_growth is not None and not pd.isna(r.required_growth):
            vals.append({"indicator": r.indicator, "kind": t("indicators.required", lg), "growth": r.required_growth})
    return {
        "data": {"values": vals},
        "mark": "bar",
        "encoding": {
            "y": {"field": "indicator", "type": "nominal", "sort": None, "title": None},
            "yOffset": {"field": "kind"},
            "x": {"field": "growth", "type": "quantitative", "title": t("indicators.growth", lg)},
            "color": {"field": "kind", "type": "nominal", "title": None},
            "tooltip": [{"field": "indicator"}, {"field": "kind"}, {"field": "growth"}],
        },
    }


def _map_section(lg: str) -> None:
    st.markdown(f"##### {t('indicators.map', lg)}")
    names = {("1-1", r.no): r for r in read_table("1-1")} | {("2-1", r.no): r for r in read_table("2-1")}
    for (table, no), rec in sorted(map_links().items()):
        row = names.get((table, no))
        if row is None:
            continue
        note = rec.get("note_en" if lg == "en" else "note_zh", "")
        st.markdown(
            f"- **{table} · {no} {row.name}**:{note} — [{t('indicators.open_map', lg)}]({atlas_layers_href(list(rec['layers']), lg)})"
            f" · [{t('indicators.source', lg)} ¶{row.plan_line}]({reader_href(row.plan_line, lg)})"
        )


def render() -> None:
    """Draw the page."""
    lg = lang()
    st.markdown(f"#### {t('page.indicators', lg)}")
    st.caption(t("indicators.intro", lg))
    meta = read_meta()
    df11, df21 = table_11(lg), table_21(lg)
    tab11, tab21, tabmap = st.tabs([t("indicators.t11", lg), t("indicators.t21", lg), t("indicators.map", lg)])
    with tab11:
        counts = df11["status"].value_counts()
        st.markdown(" · ".join(f"{t(f'verdict.{k}', lg)} **{int(counts.get(k, 0))}**" for k in VERDICTS))
        st.vega_lite_chart(_chart_11(df11, lg), use_container_width=True)
        st.caption(t("indicators.rule", lg))
        st.dataframe(df11.drop(columns=["status"]), hide_index=True, use_container_width=True)
        st.caption(meta["table"]["1-1"]["note"])
    with tab21:
        st.vega_lite_chart(_chart_21_path(df21, lg), use_container_width=True)
        st.vega_lite_chart(_chart_21_growth(df21, lg), use_container_width=True)
        st.dataframe(df21, hide_index=True, use_container_width=True)
    with tabmap:
        _map_section(lg)
