"""UI strings, Chinese first."""

from __future__ import annotations

import streamlit as st

TEXT: dict[str, dict[str, str]] = {
    "title": {"zh": "渌口规划一张图", "en": "Lukou Planning Atlas"},
    "subtitle": {
        "zh": "《株洲市渌口区“十四五”规划和二〇三五年远景目标纲要》空间内容",
        "en": "The spatial content of Lukou District's 14th Five-Year Plan and 2035 vision",
    },
    "lang": {"zh": "语言 / Language", "en": "Language / 语言"},
    "page_atlas": {"zh": "规划地图", "en": "Plan map"},
    "page_data": {"zh": "数据与来源", "en": "Data & sources"},
    "basemap": {"zh": "底图", "en": "Basemap"},
    "bm_vector": {"zh": "矢量底图(离线)", "en": "Vector basemap (offline)"},
    "bm_osm": {"zh": "OpenStreetMap 瓦片(需联网)", "en": "OpenStreetMap tiles (online)"},
    "bm_tianditu": {"zh": "天地图(需联网)", "en": "Tianditu (online)"},
    "bm_amap": {"zh": "高德地图(需联网,叠加层转 GCJ-02)", "en": "Amap (online; overlays shifted to GCJ-02)"},
    "search": {"zh": "搜索要素(中文或英文名)", "en": "Search features (Chinese or English name)"},
    "search_ph": {"zh": "例如:南洲新区产业园", "en": "e.g. Nanzhou"},
    "results": {"zh": "搜索结果", "en": "Results"},
    "no_results": {"zh": "没有名称包含「{q}」的要素", "en": "No feature name contains “{q}”"},
    "clear": {"zh": "清除搜索", "en": "Clear search"},
    "honesty": {
        "zh": "图上要素按规划文字示意绘制,线型表示精度:实线=官方边界/定位点,点线=近似推算,虚线=示意(非测绘)。点击要素查看规划依据。",
        "en": "Features are drawn from the plan's words; line style shows precision: solid = official/located, "
              "dotted = approximate, dashed = schematic (not surveyed). Click a feature for its plan citation.",
    },
    "data_intro": {
        "zh": "每个图层的来源、许可、坐标系、精度与要素数。示意要素是根据规划文字和已知地名绘制的,形状和位置仅为示意。",
        "en": "Source, licence, CRS, precision and feature count of every layer. Schematic features are drawn "
              "from the plan's words and known places; their shape and position are diagrammatic.",
    },
    "col_group": {"zh": "分组", "en": "Group"},
    "col_layer": {"zh": "图层", "en": "Layer"},
    "col_count": {"zh": "要素数", "en": "Features"},
    "col_precision": {"zh": "精度", "en": "Precision"},
    "col_source": {"zh": "来源", "en": "Source"},
    "col_licence": {"zh": "许可", "en": "Licence"},
    "col_crs": {"zh": "坐标系", "en": "CRS"},
    "col_name": {"zh": "名称", "en": "Name"},
    "col_plan_ref": {"zh": "规划依据", "en": "Plan reference"},
    "col_placement": {"zh": "定位说明", "en": "Placement"},
    "features_of": {"zh": "图层要素", "en": "Features of a layer"},
    "download": {"zh": "下载 GeoJSON", "en": "Download GeoJSON"},
    "precision_help": {"zh": "精度说明", "en": "What the precision flags mean"},
    "data_error": {
        "zh": "图层数据有误,地图无法绘制:{err}",
        "en": "The layer data has an error, the map cannot be drawn: {err}",
    },
    "feature_missing": {"zh": "找不到要素「{fid}」(链接可能已过期)", "en": "No feature “{fid}” (the link may be out of date)"},
    "back_to_plan": {"zh": "在规划原文中查看", "en": "read it in the plan"},
    "tianditu_missing": {
        "zh": "未设置环境变量 TIANDITU_KEY,天地图不可用",
        "en": "TIANDITU_KEY is not set; Tianditu is unavailable",
    },
}


def lang() -> str:
    """The current UI language ("zh" default, "en")."""
    value = st.session_state.get("lang")
    if value not in ("zh", "en"):
        value = st.query_params.get("lang", "zh")
        if value not in ("zh", "en"):
            value = "zh"
        st.session_state["lang"] = value
    return value


def t(key: str, **fmt: str) -> str:
    """The UI string ``key`` in the current language."""
    text = TEXT[key][lang()]
    return text.format(**fmt) if fmt else text
