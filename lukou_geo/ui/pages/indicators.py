"""The 指标 page: 专栏1-1 (十三五 targets vs results) and 专栏2-1 (十四五 targets), with charts.

Charts are Vega-Lite specs drawn by Streamlit's bundled Vega (no request leaves the machine).
Indicators with a spatial reading link to the map with their layers switched on.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lukou_geo.plan.indicators import (
    VERDICT_LABELS,
    IndicatorError,
    atlas_layers_href,
    attribute,
    map_links,
    path,
    read_meta,
    read_table,
    verdict,
)
from lukou_geo.plan.reader import reader_href
from lukou_geo.ui.i18n import lang

TEXT = {
    "page": {"zh": "规划指标", "en": "Indicators"},
    "intro": {
        "zh": "两张指标表逐格转录自《纲要》(“[ ]”为五年累计数,“—”为无)。有空间含义的指标链接到相关地图图层。",
        "en": "Both tables are transcribed cell by cell from the plan (“[ ]” = five-year cumulative, “—” = none). "
              "Indicators with a spatial reading link to the map layers they concern.",
    },
    "t11": {"zh": "“十三五”目标完成情况(专栏1-1)", "en": "13th FYP: targets vs results (Box 1-1)"},
    "t21": {"zh": "“十四五”目标(专栏2-1)", "en": "14th FYP targets (Box 2-1)"},
    "ratio": {"zh": "完成度(结果 ÷ 目标,100% = 达标)", "en": "Achievement (result ÷ target; 100% = met)"},
    "basis": {"zh": "比较口径", "en": "Basis"},
    "verdict": {"zh": "判断", "en": "Verdict"},
    "index": {"zh": "2020 → 2025 路径(2020年 = 100)", "en": "2020 → 2025 path (2020 = 100)"},
    "growth": {"zh": "年均增速:表列值与两端数值所需的复合增速(%)", "en": "Annual growth: printed vs required by the two values (%)"},
    "printed": {"zh": "表列年均增速", "en": "printed growth"},
    "required": {"zh": "所需复合增速", "en": "required (compound)"},
    "map": {"zh": "空间指标与地图", "en": "Indicators on the map"},
    "rule": {
        "zh": "判断规则:2020年水平对照目标水平,增速对照目标增速(累计对累计;年均目标对照表中2020年当年增速),"
              "均以“高于或等于目标”为完成;两项都有时全完成为“完成”、一项完成为“部分完成”;"
              "结构比例、定性目标与累计对单年数无法比较。",
        "en": "Rule: the 2020 level against the target level, growth against target growth (cumulative against cumulative; "
              "an annual-average target against the printed 2020 rate), each met when ≥ target; with two comparisons, "
              "both met = met, one = partly; structure ratios, qualitative targets and cumulative-vs-single-year are not comparable.",
    },
    "error": {"zh": "指标数据无法读取:{err}", "en": "The indicator data cannot be read: {err}"},
    "open_map": {"zh": "在地图上查看", "en": "open on the map"},
    "source": {"zh": "原文", "en": "plan text"},
}
BASIS = {"level": {"zh": "水平", "en": "level"}, "annual": {"zh": "增速", "en": "growth"},
         "cumulative": {"zh": "五年累计", "en": "5-year cumulative"}}


def _t(key: str, **fmt: object) -> str:
    text = TEXT[key][lang()]
    return text.format(**fmt) if fmt else text


def table_11(lg: str) -> pd.DataFrame:
    rows = []
    for r in read_table("1-1"):
        v = verdict(r)
        first = v.comparisons[0] if v.comparisons else None
        rows.append({
            "序号": r.no, "indicator": r.name, "unit": r.unit, **r.cells,
            "verdict": v.label(lg), "status": v.status,
            "basis": " + ".join(BASIS[c.basis][lg] for c in v.comparisons),
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
                "x": {"field": "ratio", "type": "quantitative", "title": _t("ratio")},
                "color": {"field": "verdict", "type": "nominal", "title": _t("verdict"),
                          "scale": {"domain": [VERDICT_LABELS[k][lg] for k in colors], "range": list(colors.values())}},
                "tooltip": [{"field": "indicator"}, {"field": "ratio", "title": "%"}, {"field": "verdict"}],
            }},
            {"mark": {"type": "rule", "color": "#333", "strokeDash": [4, 3]}, "encoding": {"x": {"datum": 100}}},
        ],
        "height": {"step": 16},
    }


def _chart_21_path(df: pd.DataFrame) -> dict:
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
            "y": {"field": "index", "type": "quantitative", "title": _t("index"), "scale": {"zero": False}},
            "color": {"field": "indicator", "type": "nominal", "title": None, "legend": {"columns": 2, "labelLimit": 220}},
            "tooltip": [{"field": "indicator"}, {"field": "year"}, {"field": "index"}],
        },
        "height": 320,
    }


def _chart_21_growth(df: pd.DataFrame, lg: str) -> dict:
    vals = []
    for r in df.itertuples():
        if r.printed_growth is not None and not pd.isna(r.printed_growth) and r.v2025 is not None and not pd.isna(r.v2025):
            vals.append({"indicator": r.indicator, "kind": _t("printed"), "growth": r.printed_growth})
        if r.required_growth is not None and not pd.isna(r.required_growth):
            vals.append({"indicator": r.indicator, "kind": _t("required"), "growth": r.required_growth})
    return {
        "data": {"values": vals},
        "mark": "bar",
        "encoding": {
            "y": {"field": "indicator", "type": "nominal", "sort": None, "title": None},
            "yOffset": {"field": "kind"},
            "x": {"field": "growth", "type": "quantitative", "title": _t("growth")},
            "color": {"field": "kind", "type": "nominal", "title": None},
            "tooltip": [{"field": "indicator"}, {"field": "kind"}, {"field": "growth"}],
        },
    }


def _map_section(lg: str) -> None:
    st.markdown(f"##### {_t('map')}")
    names = {("1-1", r.no): r for r in read_table("1-1")} | {("2-1", r.no): r for r in read_table("2-1")}
    for (table, no), rec in sorted(map_links().items()):
        row = names.get((table, no))
        if row is None:
            continue
        note = rec.get("note_en" if lg == "en" else "note_zh", "")
        st.markdown(
            f"- **{table} · {no} {row.name}**:{note} — [{_t('open_map')}]({atlas_layers_href(list(rec['layers']), lg)})"
            f" · [{_t('source')} ¶{row.plan_line}]({reader_href(row.plan_line, lg)})"
        )


def render() -> None:
    """Draw the page."""
    lg = lang()
    st.markdown(f"#### {_t('page')}")
    st.caption(_t("intro"))
    try:
        meta = read_meta()
        df11, df21 = table_11(lg), table_21(lg)
    except (IndicatorError, FileNotFoundError) as exc:
        st.error(_t("error", err=str(exc)))
        return
    tab11, tab21, tabmap = st.tabs([_t("t11"), _t("t21"), _t("map")])
    with tab11:
        counts = df11["status"].value_counts()
        st.markdown(" · ".join(f"{VERDICT_LABELS[k][lg]} **{int(counts.get(k, 0))}**" for k in VERDICT_LABELS))
        st.vega_lite_chart(_chart_11(df11, lg), use_container_width=True)
        st.caption(_t("rule"))
        st.dataframe(df11.drop(columns=["status"]), hide_index=True, use_container_width=True)
        st.caption(meta["table"]["1-1"]["note"])
    with tab21:
        st.vega_lite_chart(_chart_21_path(df21), use_container_width=True)
        st.vega_lite_chart(_chart_21_growth(df21, lg), use_container_width=True)
        st.dataframe(df21, hide_index=True, use_container_width=True)
    with tabmap:
        _map_section(lg)
