"""Every text the atlas shows, in Chinese and English: one table, one translator.

``TEXT`` maps a namespaced key to its two texts; :func:`t` looks one up in a language and fills
its ``{placeholders}``. Namespaces: ``app`` (the frame), ``page`` (page titles), ``atlas``, ``data``,
``reader``, ``indicators``, ``check``, ``meeting`` (present, views, compare, print), ``verdict``
(indicator verdicts), ``map`` (the rendered map: popups, legend, controls), ``deck`` (the slide
controller), ``precision`` (the precision flags), ``tiles`` (the store's layers on the map), ``layers``
(the 图层管理 page), ``table`` (the attribute table page), ``formats`` (the store's layer formats), ``signin``
(the sign-in page), ``registry`` (the 项目库 page) and ``admin`` (the accounts and audit pages; those three
namespaces' newer texts are in :mod:`lukou_geo.text_records`). Chinese first.

This module imports nothing (no Streamlit, folium or pandas), so every part of the package, the
UI and the exports can read it. The UI's current language is :func:`lukou_geo.ui.i18n.lang`.
``print`` holds the print layout's texts; ``check`` also the site check's tables, values, reasons and rules
(``check.sum.*``/``check.zone.*`` the column headings, ``check.reason.*`` and ``check.rule.*`` sentences), and
``report`` its report documents.
"""

from __future__ import annotations

LANGS: tuple[str, ...] = ("zh", "en")

TEXT: dict[str, dict[str, str]] = {
    # app
    "app.lang": {"zh": "语言 / Language", "en": "Language / 语言"},
    # page
    "page.atlas": {"zh": "规划地图", "en": "Plan map"},
    "page.data": {"zh": "数据与来源", "en": "Data & sources"},
    "page.present": {"zh": "演示", "en": "Present"},
    "page.views": {"zh": "视图", "en": "Views"},
    "page.compare": {"zh": "对比", "en": "Compare"},
    "page.check": {"zh": "选址核查", "en": "Site check"},
    "page.indicators": {"zh": "规划指标", "en": "Indicators"},
    "page.reader": {"zh": "规划原文", "en": "Plan text"},
    "page.layers": {"zh": "图层管理", "en": "Layers"},
    "page.table": {"zh": "属性表", "en": "Attribute table"},
    # atlas
    "atlas.title": {"zh": "渌口规划一张图", "en": "Lukou Planning Atlas"},
    "atlas.subtitle": {
        "zh": "《株洲市渌口区“十四五”规划和二〇三五年远景目标纲要》空间内容",
        "en": "The spatial content of Lukou District's 14th Five-Year Plan and 2035 vision",
    },
    "atlas.basemap": {"zh": "底图", "en": "Basemap"},
    "atlas.bm_vector": {"zh": "矢量底图(离线)", "en": "Vector basemap (offline)"},
    "atlas.bm_osm": {"zh": "OpenStreetMap 瓦片(需联网)", "en": "OpenStreetMap tiles (online)"},
    "atlas.bm_tianditu": {"zh": "天地图(需联网)", "en": "Tianditu (online)"},
    "atlas.bm_amap": {"zh": "高德地图(需联网,叠加层转 GCJ-02)", "en": "Amap (online; overlays shifted to GCJ-02)"},
    "atlas.bm_local": {"zh": "本地底图:{t}(离线)", "en": "Local basemap: {t} (offline)"},
    "atlas.swipe": {"zh": "卷帘对比两个已导入图层", "en": "Swipe between two imported layers"},
    "atlas.swipe_left": {"zh": "卷帘左侧", "en": "Swipe: left"},
    "atlas.swipe_right": {"zh": "卷帘右侧", "en": "Swipe: right"},
    "atlas.store_amap": {
        "zh": "已导入图层为 CGCS2000/WGS-84 坐标,高德底图(GCJ-02)下会偏移约 600 米,因此不显示;请换用其他底图。",
        "en": "Imported layers are in CGCS2000/WGS-84 and would be ~600 m off on the Amap (GCJ-02) basemap, so they "
              "are hidden there; choose another basemap.",
    },
    "atlas.search": {"zh": "搜索要素(中文或英文名)", "en": "Search features (Chinese or English name)"},
    "atlas.search_ph": {"zh": "例如:南洲新区产业园", "en": "e.g. Nanzhou"},
    "atlas.results": {"zh": "搜索结果", "en": "Results"},
    "atlas.no_results": {"zh": "没有名称包含「{q}」的要素", "en": "No feature name contains “{q}”"},
    "atlas.honesty": {
        "zh": "图上要素按规划文字示意绘制,线型表示精度:实线=行政区划边界(高德数据)/定位点,点线=近似推算,虚线=示意(非测绘)。"
              "点击要素查看规划依据。",
        "en": "Features are drawn from the plan's words; line style shows precision: solid = administrative boundary (Amap data) / located, "
              "dotted = approximate, dashed = schematic (not surveyed). Click a feature for its plan citation.",
    },
    "atlas.feature_missing": {"zh": "找不到要素「{fid}」(链接可能已过期)", "en": "No feature “{fid}” (the link may be out of date)"},
    "atlas.back_to_plan": {"zh": "在规划原文中查看", "en": "read it in the plan"},
    # data
    "data.intro": {
        "zh": "每个图层的来源、许可、坐标系、精度与要素数。示意要素是根据规划文字和已知地名绘制的,形状和位置仅为示意。",
        "en": "Source, licence, CRS, precision and feature count of every layer. Schematic features are drawn from "
              "the plan's words and known places; their shape and position are diagrammatic.",
    },
    "data.col_group": {"zh": "分组", "en": "Group"},
    "data.col_layer": {"zh": "图层", "en": "Layer"},
    "data.col_count": {"zh": "要素数", "en": "Features"},
    "data.col_precision": {"zh": "精度", "en": "Precision"},
    "data.col_source": {"zh": "来源", "en": "Source"},
    "data.col_licence": {"zh": "许可", "en": "Licence"},
    "data.col_crs": {"zh": "坐标系", "en": "CRS"},
    "data.col_name": {"zh": "名称", "en": "Name"},
    "data.col_plan_ref": {"zh": "规划依据", "en": "Plan reference"},
    "data.col_placement": {"zh": "定位说明", "en": "Placement"},
    "data.features_of": {"zh": "图层要素", "en": "Features of a layer"},
    "data.download": {"zh": "下载 GeoJSON", "en": "Download GeoJSON"},
    "data.precision_help": {"zh": "精度说明", "en": "What the precision flags mean"},
    "data.precision_whose": {"zh": "{prec}({whose})", "en": "{prec} ({whose})"},
    "data.unplaced_head": {"zh": "规划中无法上图的要素", "en": "Plan elements that cannot be placed on the map"},
    "data.unplaced_intro": {"zh": "规划提到、但规划原文和参考数据都没有给出位置或范围的要素:未画在地图上,原因如下。",
                            "en": "Named in the plan, but neither the plan nor the reference data give a position or "
                                  "extent: not on the map, and why."},
    "data.col_quote": {"zh": "规划原文", "en": "The plan's words"},
    "data.col_why": {"zh": "未上图的原因", "en": "Why it is not on the map"},
    # reader
    "reader.intro": {
        "zh": "《纲要》原文按章节与专栏排列。黄色标出的文字是地图要素所引用的原文;"
              "点击 ◆ 在地图上定位该要素,地图弹窗中的“在规划原文中查看”链接回到这里。",
        "en": "The plan's text by chapter and box. Highlighted words are quoted by map features; click ◆ to open "
              "the map zoomed to the feature; the map's popups link back here.",
    },
    "reader.section": {"zh": "章节 / 专栏", "en": "Chapter / box"},
    "reader.linked": {"zh": "本章 {n} 段文字定位了 {f} 个地图要素", "en": "{n} passages of this chapter place {f} map features"},
    "reader.boxes": {"zh": "本章专栏", "en": "Boxes in this chapter"},
    # indicators
    "indicators.intro": {
        "zh": "两张指标表逐格转录自《纲要》(“[ ]”为五年累计数,“—”为无)。有空间含义的指标链接到相关地图图层。",
        "en": "Both tables are transcribed cell by cell from the plan (“[ ]” = five-year cumulative, “—” = none). "
              "Indicators with a spatial reading link to the map layers they concern.",
    },
    "indicators.t11": {"zh": "“十三五”目标完成情况(专栏1-1)", "en": "13th FYP: targets vs results (Box 1-1)"},
    "indicators.t21": {"zh": "“十四五”目标(专栏2-1)", "en": "14th FYP targets (Box 2-1)"},
    "indicators.ratio": {"zh": "完成度(结果 ÷ 目标,100% = 达标)", "en": "Achievement (result ÷ target; 100% = met)"},
    "indicators.basis": {"zh": "比较口径", "en": "Basis"},
    "indicators.verdict": {"zh": "判断", "en": "Verdict"},
    "indicators.index": {"zh": "2020 → 2025 路径(2020年 = 100)", "en": "2020 → 2025 path (2020 = 100)"},
    "indicators.growth": {"zh": "年均增速:表列值与两端数值所需的复合增速(%)", "en": "Annual growth: printed vs required by the two values (%)"},
    "indicators.printed": {"zh": "表列年均增速", "en": "printed growth"},
    "indicators.required": {"zh": "所需复合增速", "en": "required (compound)"},
    "indicators.map": {"zh": "空间指标与地图", "en": "Indicators on the map"},
    "indicators.rule": {
        "zh": "判断规则:2020年水平对照目标水平,增速对照目标增速(累计对累计;年均目标对照表中2020年当年增速),"
              "均以“高于或等于目标”为完成;两项都有时全完成为“完成”、一项完成为“部分完成”;结构比例、定性目标与累计对单年数无法比较。",
        "en": "Rule: the 2020 level against the target level, growth against target growth (cumulative against "
              "cumulative; an annual-average target against the printed 2020 rate), each met when ≥ target; with "
              "two comparisons, both met = met, one = partly; structure ratios, qualitative targets and "
              "cumulative-vs-single-year are not comparable.",
    },
    "indicators.open_map": {"zh": "在地图上查看", "en": "open on the map"},
    "indicators.source": {"zh": "原文", "en": "plan text"},
    "indicators.basis_level": {"zh": "水平", "en": "level"},
    "indicators.basis_annual": {"zh": "增速", "en": "growth"},
    "indicators.basis_cumulative": {"zh": "五年累计", "en": "5-year cumulative"},
    # verdict
    "verdict.met": {"zh": "完成", "en": "met"},
    "verdict.partly": {"zh": "部分完成", "en": "partly met"},
    "verdict.not_met": {"zh": "未完成", "en": "not met"},
    "verdict.not_comparable": {"zh": "无法比较", "en": "not comparable"},
    # check
    "check.intro": {
        "zh": "上传项目文件、粘贴坐标,或在地图上点选/绘制,查看项目落在哪些规划分区、是否符合规划用途(附规划原文依据)。",
        "en": "Upload a project file, paste coordinates or click/draw on the map to see which plan zones a project "
              "touches and whether its type fits (with the plan's words).",
    },
    "check.crs": {"zh": "坐标系", "en": "Coordinate system"},
    "check.encoding": {"zh": "文字编码", "en": "Text encoding"},
    "check.enc_auto": {"zh": "自动识别", "en": "detect"},
    "check.ptype": {"zh": "项目类型(文件中没有类型列时使用)", "en": "Project type (for rows without one)"},
    "check.ptype_none": {"zh": "(未指定)", "en": "(not given)"},
    "check.tab_file": {"zh": "上传文件", "en": "Upload a file"},
    "check.tab_paste": {"zh": "粘贴坐标", "en": "Paste coordinates"},
    "check.tab_map": {"zh": "地图点选/绘制", "en": "Click or draw on the map"},
    "check.paste": {"zh": "每行一个点(经度,纬度 或 X,Y);按线或按面核查时,空行分隔项目",
                    "en": "One point per line (lon, lat or X, Y); checked as lines or polygons, a blank line starts a new project"},
    "check.paste_as": {"zh": "按…核查(点:每行一个项目;线、面:空行分隔的各段)",
                       "en": "Check as (point: one project per line; line, polygon: each block between blank lines)"},
    "check.paste_ph": {"zh": "113.1475, 27.605\n或 113°08'14\"E 27°42'31\"N", "en": "113.1475, 27.605\nor 113°08'14\"E 27°42'31\"N"},
    "check.name": {"zh": "项目名称", "en": "Project name"},
    "check.run_paste": {"zh": "核查坐标", "en": "Check coordinates"},
    "check.run_map": {"zh": "核查地图上最后点选/绘制的位置", "en": "Check the last click or drawing"},
    "check.map_hint": {
        "zh": "单击地图取点,或用左侧工具画点、线、面(地图坐标为 WGS-84)",
        "en": "Click the map, or draw a point, line or polygon with the tools (WGS-84)",
    },
    "check.nothing_on_map": {"zh": "请先在地图上点选或绘制", "en": "Click or draw on the map first"},
    "check.results": {"zh": "核查结果", "en": "Results"},
    "check.run_pick": {"zh": "核查批次", "en": "Run"},
    "check.zones_of": {"zh": "涉及的规划分区", "en": "Zones touched"},
    "check.problems": {"zh": "有 {n} 处输入问题(其余有效行已核查)", "en": "{n} input problems (the valid rows were checked)"},
    "check.downloads": {"zh": "下载", "en": "Download"},
    "check.make_report": {"zh": "生成报告(HTML 与 PDF,含地图)", "en": "Make the report (HTML and PDF, with maps)"},
    "check.error": {"zh": "无法核查:{err}", "en": "Cannot check: {err}"},
    "check.none_valid": {"zh": "没有可核查的项目", "en": "Nothing to check"},
    "check.progress": {"zh": "核查中…", "en": "Checking…"},
    "check.clear": {"zh": "清除全部结果", "en": "Clear all results"},
    "check.run_gone": {"zh": "此链接的核查结果已不在服务器上(服务已重启,或已被更新的核查替换):请重新核查",
                       "en": "The result of this link is no longer kept on the server (restarted, or replaced by newer checks): check again"},
    # check: the map's pick (lukou_geo.ui.check_map)
    "check.map_point": {"zh": "地图点选 {xy}", "en": "Map click {xy}"},
    "check.map_drawn": {"zh": "地图上绘制的{kind}", "en": "{kind} drawn on the map"},
    "check.map_pending": {"zh": "待核查:{what}", "en": "To check: {what}"},
    "check.legend": {"zh": "核查结论", "en": "Verdict"},
    "check.report_maps": {"zh": "正在绘制报告地图 {done}/{total}…", "en": "Drawing the report's maps {done}/{total}…"},
    "check.report_html": {"zh": "正在写 HTML 报告…", "en": "Writing the HTML report…"},
    "check.report_pdf": {"zh": "正在写 PDF 报告…", "en": "Writing the PDF report…"},
    "check.upload_button": {"zh": "选择文件", "en": "Choose a file"},
    "check.upload_limit": {"zh": "可拖放文件到上框;单个文件不超过 {mb} MB", "en": "Drop a file on the box above; at most {mb} MB per file"},
    "check.context_zones": {"zh": "背景:位于{names}范围(规划只写明所在镇或城区,不参与判定)",
                            "en": "Context: lies within {names} (the plan names only the town or the urban area; not a judgement)"},
    # check: where the coordinates come from (lukou_geo.ui.check_crs) and the provenance in every report
    "check.lonlat": {"zh": "经纬度坐标来自(必选)", "en": "Lon/lat coordinates come from (required)"},
    "check.lonlat_ph": {"zh": "请选择:高德、GPS/天地图或百度", "en": "Choose: Amap, GPS/Tianditu or Baidu"},
    "check.lonlat.gcj02": {"zh": "高德地图 / 腾讯地图(GCJ-02)", "en": "Amap / Tencent (GCJ-02)"},
    "check.lonlat.wgs84": {"zh": "GPS、天地图、CGCS2000(WGS-84)", "en": "GPS, Tianditu, CGCS2000 (WGS-84)"},
    "check.lonlat.bd09": {"zh": "百度地图(BD-09)", "en": "Baidu (BD-09)"},
    "check.lonlat_needed": {
        "zh": "{file} 的坐标是经纬度,但高德(GCJ-02)与 GPS(WGS-84)坐标从数字上无法区分(相差约 600 米):"
              "请在上方「经纬度坐标来自」中选择来源,选择后自动核查。",
        "en": "{file} holds lon/lat coordinates, and Amap (GCJ-02) and GPS (WGS-84) ones cannot be told apart by the numbers "
              "(~600 m apart): choose their source above under “Lon/lat coordinates come from”; the check then runs.",
    },
    "check.crs_assumed": {
        "zh": "坐标系:{crs}。如不对,请在上方「坐标系」或「经纬度坐标来自」中改选,然后重新上传或重新核查。",
        "en": "CRS assumed: {crs}. If this is wrong, change “Coordinate system” or “Lon/lat coordinates come from” above and "
              "upload or check again.",
    },
    "check.prov.title": {"zh": "数据来源", "en": "Source of the data"},
    "check.prov.source": {"zh": "源文件", "en": "Source file"},
    "check.prov.sha256": {"zh": "SHA-256", "en": "SHA-256"},
    "check.prov.size": {"zh": "大小", "en": "Size"},
    "check.prov.encoding": {"zh": "文字编码", "en": "Text encoding"},
    "check.prov.crs": {"zh": "假定坐标系", "en": "CRS assumed"},
    "check.prov.crs_used": {"zh": "读取说明", "en": "As read"},
    "check.prov.given": {"zh": "输入坐标", "en": "Input coordinates"},
    "check.prov.given_where": {"zh": "原样见各项目“输入坐标(原样)”", "en": "as given: each project's “Input coordinates (as given)”"},
    "check.prov.auto_with": {"zh": "自动识别:经纬度按 {src},米制按 CGCS2000 高斯-克吕格3度带",
                       "en": "auto: degrees as {src}, metres as CGCS2000 Gauss-Kruger 3°"},
    "check.prov.auto_guess": {"zh": "自动识别:经纬度按 WGS-84(未指明来源),米制按 CGCS2000 高斯-克吕格3度带",
                        "en": "auto: degrees as WGS-84 (no source chosen), metres as CGCS2000 Gauss-Kruger 3°"},
    "check.prov.enc_binary": {"zh": "由文件格式自带(二进制格式)", "en": "as the file format declares (binary format)"},
    "check.prov.enc_chosen": {"zh": "{enc}(所选)", "en": "{enc} (chosen)"},
    "check.prov.enc_detected": {"zh": "{enc}(自动识别)", "en": "{enc} (detected)"},
    "check.prov.enc_pasted": {"zh": "粘贴的文字(UTF-8)", "en": "pasted text (UTF-8)"},
    "check.prov.map_crs": {"zh": "WGS-84(在地图上点选或绘制)", "en": "WGS-84 (clicked or drawn on the map)"},
    # check: the site check's tables (column headings), values, reasons and rules (lukou_geo.sitecheck)
    "check.sum.project_no": {"zh": "序号", "en": "No."},
    "check.sum.name": {"zh": "项目名称", "en": "Project"},
    "check.sum.ptype_input": {"zh": "填报类型", "en": "Type given"},
    "check.sum.ptype": {"zh": "项目类型", "en": "Project type"},
    "check.sum.geom_kind": {"zh": "几何", "en": "Geometry"},
    "check.sum.area_ha": {"zh": "面积(公顷)", "en": "Area (ha)"},
    "check.sum.area_mu": {"zh": "面积(亩)", "en": "Area (mu)"},
    "check.sum.length_km": {"zh": "长度(km)", "en": "Length (km)"},
    "check.sum.lon": {"zh": "经度", "en": "Lon"},
    "check.sum.lat": {"zh": "纬度", "en": "Lat"},
    "check.sum.in_district": {"zh": "是否在区内", "en": "In district"},
    "check.sum.district_share": {"zh": "区内占比", "en": "Share in district"},
    "check.sum.district_dist_km": {"zh": "距区界(km)", "en": "Distance to district (km)"},
    "check.sum.township": {"zh": "所在镇(近似)", "en": "Township (approx.)"},
    "check.sum.zone_count": {"zh": "涉及规划分区数", "en": "Zones touched"},
    "check.sum.verdict": {"zh": "核查结论", "en": "Verdict"},
    "check.sum.deciding_zone": {"zh": "判定依据分区", "en": "Deciding zone"},
    "check.sum.reason": {"zh": "理由", "en": "Reason"},
    "check.sum.axis": {"zh": "最近发展轴", "en": "Nearest axis"},
    "check.sum.axis_km": {"zh": "距发展轴(km)", "en": "Axis distance (km)"},
    "check.sum.transport": {"zh": "附近交通项目", "en": "Nearby transport"},
    "check.sum.source": {"zh": "来源", "en": "Source"},
    "check.sum.given": {"zh": "输入坐标(原样)", "en": "Input coordinates (as given)"},
    "check.zone.project_no": {"zh": "序号", "en": "No."},
    "check.zone.project": {"zh": "项目名称", "en": "Project"},
    "check.zone.layer": {"zh": "图层", "en": "Layer"},
    "check.zone.zone": {"zh": "规划分区", "en": "Zone"},
    "check.zone.precision": {"zh": "精度", "en": "Precision"},
    "check.zone.overlap_ha": {"zh": "重叠面积(公顷)", "en": "Overlap (ha)"},
    "check.zone.overlap_mu": {"zh": "重叠面积(亩)", "en": "Overlap (mu)"},
    "check.zone.overlap_km": {"zh": "重叠长度(km)", "en": "Overlap (km)"},
    "check.zone.share": {"zh": "占项目比例", "en": "Share of project"},
    "check.zone.verdict": {"zh": "结论", "en": "Verdict"},
    "check.zone.rule": {"zh": "规则", "en": "Rule"},
    "check.zone.plan_words": {"zh": "规划依据", "en": "Plan words"},
    "check.verdict.fits": {"zh": "符合", "en": "fits"},
    "check.verdict.attention": {"zh": "需关注", "en": "needs attention"},
    "check.verdict.conflict": {"zh": "冲突", "en": "conflict"},
    "check.inside.yes": {"zh": "是", "en": "yes"},
    "check.inside.partly": {"zh": "部分", "en": "partly"},
    "check.inside.no": {"zh": "否", "en": "no"},
    "check.geom.polygon": {"zh": "面", "en": "polygon"},
    "check.geom.line": {"zh": "线", "en": "line"},
    "check.geom.point": {"zh": "点", "en": "point"},
    "check.honesty": {
        "zh": "说明:规划分区多为据规划文字绘制的示意范围,镇域为由村点推算的近似范围,"
              "均非法定边界;核查结论仅供初步研判,须以法定国土空间规划和“三区三线”为准。",
        "en": "Note: most zones are schematic (drawn from the plan's words) and township zones approximate; none is a legal "
              "boundary. Verdicts are a first screening; the statutory spatial plan prevails.",
    },
    # the extent of a zone, as a reason names it
    "check.extent.official": {"zh": "官方边界", "en": "official boundary"},
    "check.extent.geocoded": {"zh": "定位点", "en": "located point"},
    "check.extent.approximate": {"zh": "近似范围", "en": "approximate extent"},
    "check.extent.schematic": {"zh": "示意范围", "en": "schematic extent"},
    "check.cite": {"zh": "{chapter} ¶{para}", "en": "{chapter}, ¶{para}"},
    "check.pct": {"zh": "{v} %", "en": "{v} %"},
    "check.part": {"zh": "有 {pct} ", "en": " ({pct} of it)"},
    "check.quote": {"zh": "「{q}」", "en": "“{q}”"},
    "check.list_sep": {"zh": "、", "en": ", "},
    "check.names_more": {"zh": "{names}等 {n} 处", "en": "{names} and others ({n} in all)"},
    "check.category": {"zh": "{name}类项目", "en": "{name} (every type)"},
    # reasons: one sentence (or two) per project, in the language of the table
    "check.reason.outside": {
        "zh": "项目不在渌口区内(距区界 {km} km),规划分区不适用。",
        "en": "The project lies outside Lukou District ({km} km from its boundary); the plan's zones do not apply.",
    },
    "check.reason.partly_inside": {"zh": "项目仅 {pct} 在区内。", "en": "Only {pct} of the project lies inside the district."},
    "check.reason.no_type": {
        "zh": "未提供项目类型,无法判定是否符合规划用途。",
        "en": "No project type was given, so its fit with the plan cannot be judged.",
    },
    "check.reason.unknown_type": {
        "zh": "项目类型「{given}」不在类型表中,无法判定是否符合规划用途。",
        "en": "The project type “{given}” is not in the type list, so its fit with the plan cannot be judged.",
    },
    "check.reason.no_zone": {
        "zh": "项目未落入任何规划分区,需人工核查。",
        "en": "The project lies in none of the plan's zones; check it by hand.",
    },
    "check.reason.no_rule_zone": {
        "zh": "项目涉及的分区规划未规定用途,需人工核查。",
        "en": "The plan sets no uses for the zones the project touches; check it by hand.",
    },
    "check.reason.located": {
        "zh": "项目{part}位于{zone}({extent}),规划该处{words}({cite})。",
        "en": "The project{part} lies in {zone} ({extent}), where the plan says {words} ({cite}).",
    },
    "check.reason.fits": {
        "zh": "「{type}」项目{part}位于{zone}({extent}),规划该处{words},符合规划用途({cite})。",
        "en": "The “{type}” project{part} lies in {zone} ({extent}), where the plan says {words}: it fits the plan ({cite}).",
    },
    "check.reason.not_named": {
        "zh": "「{type}」项目{part}位于{zone}({extent}),规划该处{words},未列出此类项目,需关注({cite})。",
        "en": "The “{type}” project{part} lies in {zone} ({extent}), where the plan says {words}; it does not name this "
              "type, so the project needs attention ({cite}).",
    },
    "check.reason.conflict": {
        "zh": "「{type}」项目{part}位于{zone}({extent}),规划该处{words},此类项目与规划用途冲突({cite})。",
        "en": "The “{type}” project{part} lies in {zone} ({extent}), where the plan says {words}: this type conflicts "
              "with the plan ({cite}).",
    },
    "check.reason.caution": {
        "zh": "「{type}」项目{part}位于{zone}({extent}),规划该处{words},属保护类分区,需关注({cite})。",
        "en": "The “{type}” project{part} lies in {zone} ({extent}), where the plan says {words}: a protected zone, so "
              "the project needs attention ({cite}).",
    },
    "check.reason.capped": {
        "zh": "{zone}虽将此类项目列为规划用途({cite}),但保护类分区覆盖项目 {cap} 以上,结论至多为需关注。",
        "en": "{zone} names this type ({cite}), but a protected zone covers {cap} or more of the project, so the "
              "verdict is at most “needs attention”.",
    },
    "check.reason.conflict_minor": {
        "zh": "冲突部分不足项目的 {cap},结论取需关注。",
        "en": "The conflicting part is less than {cap} of the project, so the verdict is “needs attention”.",
    },
    "check.reason.touch": {
        "zh": "另有 {pct} 位于{zone}({extent},{cite}),请注意。",
        "en": "Another {pct} lies in {zone} ({extent}, {cite}); mind it.",
    },
    "check.reason.context": {
        "zh": "另位于{names}的范围(规划只写明所在镇或城区,作背景列出,不参与判定)。",
        "en": "It also lies in the areas of {names} (the plan names only their town or the urban area: listed as "
              "context, they do not judge).",
    },
    # rules: what a zone's fit table says, one sentence per zone
    "check.rule.uses": {"zh": "该分区规划用途为{types}", "en": "Planned uses: {types}"},
    "check.rule.conflicts": {"zh": "{types}与规划冲突", "en": "{types} conflict with the plan"},
    "check.rule.other": {"zh": "其他类型的项目需关注", "en": "other types need attention"},
    "check.rule.caps": {
        "zh": "保护类分区:其他类型的项目需关注,覆盖项目 {cap} 以上时结论至多为需关注",
        "en": "a protected zone: other types need attention, and covering {cap} or more of a project it caps the "
              "verdict at “needs attention”",
    },
    "check.rule.caps_all": {
        "zh": "保护类分区:各类项目均需关注,覆盖项目 {cap} 以上时结论至多为需关注",
        "en": "A protected zone: every type needs attention, and covering {cap} or more of a project it caps the "
              "verdict at “needs attention”",
    },
    "check.rule.sep": {"zh": ";", "en": "; "},
    "check.rule.end": {"zh": "。", "en": "."},
    "check.rule.context": {
        "zh": "背景范围:规划只写明所在镇或城区,不参与判定。",
        "en": "Context: the plan names only the town or the urban area; it does not judge.",
    },
    "check.rule.none": {"zh": "该分区规划未规定用途。", "en": "The plan sets no uses for this zone."},
    # meeting
    "meeting.deck": {"zh": "演示文稿", "en": "Deck"},
    "meeting.deck_views": {"zh": "我的视图(按保存顺序)", "en": "My saved views (in order)"},
    "meeting.start": {"zh": "从第几页开始", "en": "Start at slide"},
    "meeting.hide_chrome": {"zh": "全屏演示(隐藏应用界面)", "en": "Presentation mode (hide the app's chrome)"},
    "meeting.present_help": {
        "zh": "用 ←/→ 或 PageUp/PageDown(翻页笔)翻页;Home/End 到首页/末页。浏览器 F11 全屏。",
        "en": "Step with ←/→ or PageUp/PageDown (a clicker); Home/End for first/last. F11 for full screen.",
    },
    "meeting.exit": {"zh": "退出演示", "en": "Exit presentation"},
    "meeting.dl_html": {"zh": "下载离线演示 HTML", "en": "Download offline deck (HTML)"},
    "meeting.make_html": {"zh": "生成离线演示 HTML", "en": "Build offline deck (HTML)"},
    "meeting.print": {"zh": "打印图(PNG/PDF)", "en": "Print map (PNG/PDF)"},
    "meeting.paper": {"zh": "纸张", "en": "Paper"},
    "meeting.orientation": {"zh": "方向", "en": "Orientation"},
    "meeting.landscape": {"zh": "横向", "en": "Landscape"},
    "meeting.portrait": {"zh": "纵向", "en": "Portrait"},
    "meeting.make_print": {"zh": "生成打印图", "en": "Build print layout"},
    "meeting.dl_pdf": {"zh": "下载 PDF", "en": "Download PDF"},
    "meeting.dl_png": {"zh": "下载 PNG", "en": "Download PNG"},
    "meeting.slide": {"zh": "页", "en": "Slide"},
    "meeting.views_intro": {
        "zh": "在侧栏选择图层、平移缩放地图,然后把当前地图保存为视图(共享或私有);视图与图层同存于存储,重启后仍在,"
              "所有者和管理员可重命名、排序、删除,人人可分享链接,也可作为演示文稿播放。",
        "en": "Choose layers in the sidebar, pan and zoom, then save the current map as a view (shared or private). Views are "
              "kept in the store with the layers (across restarts); their owner and the admins rename, reorder and delete "
              "them; anyone may share a link or present them.",
    },
    "meeting.layers": {"zh": "显示的图层", "en": "Layers shown"},
    "meeting.save_title": {"zh": "视图标题", "en": "View title"},
    "meeting.save_note": {"zh": "备注(可选)", "en": "Note (optional)"},
    "meeting.save": {"zh": "保存当前地图为视图", "en": "Save the current map as a view"},
    "meeting.saved": {"zh": "已保存视图「{t}」", "en": "Saved view “{t}”"},
    "meeting.no_views": {"zh": "还没有保存的视图。", "en": "No saved views yet."},
    "meeting.saved_views": {"zh": "已保存的视图", "en": "Saved views"},
    "meeting.open": {"zh": "打开", "en": "Open"},
    "meeting.up": {"zh": "上移", "en": "Up"},
    "meeting.down": {"zh": "下移", "en": "Down"},
    "meeting.delete": {"zh": "删除", "en": "Delete"},
    "meeting.rename": {"zh": "重命名", "en": "Rename"},
    "meeting.share": {"zh": "分享链接", "en": "Share link"},
    "meeting.current_link": {"zh": "当前地图的链接(图层与范围,按地图上的图层开关)",
                             "en": "Link to the map as shown (layers and extent, as switched on the map)"},
    "meeting.restored": {"zh": "已从链接恢复视图「{t}」", "en": "Restored the view “{t}” from the link"},
    "meeting.slide_param": {"zh": "链接参数 slide={value!r} 应为 1–{n} 的整数:从第 1 张开始",
                            "en": "link parameter slide={value!r} must be a whole number 1–{n}: starting at slide 1"},
    "meeting.link_error": {"zh": "链接中的视图无法恢复:{err}", "en": "The link's view cannot be restored: {err}"},
    "meeting.compare_intro": {
        "zh": "左右两幅地图同步平移缩放,各自显示一组图层:可选演示页、已保存视图或自定图层。",
        "en": "Two maps that pan and zoom together, each with its own layer set: a deck slide, a saved view or "
              "your own.",
    },
    "meeting.left": {"zh": "左图", "en": "Left"},
    "meeting.right": {"zh": "右图", "en": "Right"},
    "meeting.custom": {"zh": "自定图层", "en": "Custom layers"},
    "meeting.measure_hint": {
        "zh": "地图左上角的测量工具可量距离(公里、米)和面积(公顷、亩;1 公顷 = 15 亩)。",
        "en": "The measure tool (top left of the map) gives distances (km, m) and areas (公顷 ha, 亩 mu; "
              "1 ha = 15 mu).",
    },
    # map
    "map.precision": {"zh": "精度", "en": "Precision"},
    "map.plan_ref": {"zh": "规划依据", "en": "Plan reference"},
    "map.placement": {"zh": "定位说明", "en": "Placement"},
    "map.legend": {"zh": "图例", "en": "Legend"},
    "map.read_plan": {"zh": "在规划原文中查看 →", "en": "Read in the plan →"},
    "map.precision_key": {"zh": "线型表示精度", "en": "Line style shows precision"},
    "map.fit": {"zh": "全区", "en": "Whole district"},
    "map.toggle": {"zh": "点击收起/展开图例", "en": "Click to fold/unfold the legend"},
    "map.fullscreen": {"zh": "全屏", "en": "Full screen"},
    "map.fullscreen_exit": {"zh": "退出全屏", "en": "Exit full screen"},
    "map.key_official": {"zh": "行政区划边界(来源见图层)/ 定位点", "en": "administrative boundary (source per layer) / located point"},
    "map.tag_schematic": {"zh": "示意", "en": "schematic"},
    "map.tag_approximate": {"zh": "近似", "en": "approx."},
    "map.layers_head": {"zh": "图层", "en": "Layers"},
    "map.official_amap": {"zh": "高德地图行政区划数据,非自然资源部门审定", "en": "Amap's boundary data, not a survey authority's"},
    "map.official_amap_short": {"zh": "高德数据", "en": "Amap data"},
    "map.layers_toggle": {"zh": "点击收起/展开图层列表", "en": "Click to fold/unfold the layer list"},
    "map.permalink": {"zh": "本图链接(复制)", "en": "Link to this map (copy)"},
    "map.permalink_copied": {"zh": "已复制链接", "en": "Link copied"},
    # tiles (the store's layers on the map: lukou_geo.map.elements.vector_tiles)
    "tiles.identify_none": {"zh": "此处没有已导入图层的要素", "en": "No feature of the imported layers here"},
    "tiles.identify_area": {"zh": "面积:", "en": "Area: "},
    "tiles.identify_code": {"zh": "类别:", "en": "Class: "},
    "tiles.identify_more": {"zh": "……另有 {n} 个要素", "en": "… {n} more features"},
    "tiles.identify_error": {"zh": "查询失败:", "en": "Identify failed: "},
    "tiles.opacity": {"zh": "不透明度", "en": "Opacity"},
    "tiles.legend_more": {"zh": "……另有 {n} 类", "en": "… {n} more classes"},
    "tiles.official": {"zh": "官方数据", "en": "official"},
    "tiles.source": {"zh": "来源:", "en": "source: "},
    "tiles.coords_wgs": {"zh": "WGS-84 ", "en": "WGS-84 "},
    "tiles.coords_gk": {"zh": "CGCS2000 高斯 CM114° ", "en": "CGCS2000 GK CM 114° "},
    "tiles.coords_zone": {"zh": "CGCS2000 高斯 38带(带号) ", "en": "CGCS2000 GK zone 38 (prefixed) "},
    "tiles.features": {"zh": "个图斑", "en": "features"},
    "tiles.imported": {"zh": "已导入图层", "en": "Imported layers"},
    "tiles.hectare": {"zh": "公顷", "en": "ha"},
    "tiles.mu": {"zh": "亩", "en": "mu"},
    # formats (the store's layer formats: lukou_geo/store/formats.py)
    "formats.in_filegdb": {"zh": "FileGDB(.gdb 文件夹或其 zip)", "en": "FileGDB (a .gdb folder, or zipped)"},
    "formats.in_zip": {"zh": "zip 压缩包(FileGDB、Shapefile)", "en": "zip archive (FileGDB, shapefile)"},
    "formats.in_shapefile": {"zh": "Shapefile(上传时把 .shp/.shx/.dbf/.prj/.cpg 打包为 zip)",
                             "en": "shapefile (zip .shp/.shx/.dbf/.prj/.cpg together to upload)"},
    "formats.in_gpkg": {"zh": "GeoPackage", "en": "GeoPackage"},
    "formats.in_geojson": {"zh": "GeoJSON", "en": "GeoJSON"},
    "formats.in_flatgeobuf": {"zh": "FlatGeobuf", "en": "FlatGeobuf"},
    "formats.in_kml": {"zh": "KML", "en": "KML"},
    "formats.in_kmz": {"zh": "KMZ", "en": "KMZ"},
    "formats.out_shp": {"zh": "Shapefile(zip,GBK,含 .cpg)", "en": "shapefile (zipped, GBK, with .cpg)"},
    "formats.out_gpkg": {"zh": "GeoPackage", "en": "GeoPackage"},
    "formats.out_kml": {"zh": "KML", "en": "KML"},
    "formats.out_dxf": {"zh": "DXF(CGCS2000 3度带第38带)", "en": "DXF (CGCS2000 GK zone 38)"},
    "formats.out_bubiao": {"zh": "部标界址点坐标 TXT(GBK)", "en": "部标 boundary-point TXT (GBK)"},
    "formats.unsupported": {"zh": "不支持的文件类型「{suffix}」", "en": "unsupported file type {suffix}"},
    "formats.no_suffix": {"zh": "无扩展名", "en": "(none)"},
    "formats.supported": {"zh": "支持 {formats}", "en": "use {formats}"},
    "formats.check_complete": {"zh": "检查文件是否完整、格式是否受支持({formats})",
                               "en": "check the file is complete and of a supported format ({formats})"},
    "formats.archive_empty": {"zh": "压缩包中没有可导入的数据({suffixes})", "en": "no importable data in the archive ({suffixes})"},
    "formats.archive_fix": {"zh": "打包 FileGDB 文件夹或 Shapefile 的全部文件", "en": "zip the FileGDB folder or all the shapefile's files"},
    "formats.export_unsupported": {"zh": "不支持的导出格式「{fmt}」,可选:{choices}",
                                   "en": "unsupported export format {fmt!r}; choose one of {choices}"},
    "formats.export_folder": {"zh": "{out} 是文件夹:请给出文件名(例如 {example})", "en": "{out} is a folder: give a file name (e.g. {example})"},
    "formats.export_polygons": {"zh": "{label} 只能导出面要素,所选要素中没有面", "en": "{label} holds polygons only; the selection has none"},
    "formats.export_help": {"zh": "导出格式:{choices}", "en": "export format: {choices}"},
    # layers (the 图层管理 page)
    "layers.intro": {
        "zh": "导入的权威图层(三调地类图斑、永久基本农田、生态保护红线、城镇开发边界、用地用海、控规)保存在图层库中,"
              "以矢量瓦片按国家配色显示在规划地图上;每个图层记录来源文件、sha256、原坐标系、导入人和时间。",
        "en": "Imported authoritative layers (三调 DLTB, permanent farmland, ecological red line, urban development "
              "boundary, 用地用海, 控规) live in the layer store and show on the plan map as vector tiles in the national "
              "colours; each keeps its source file, sha256, source CRS, who imported it and when.",
    },
    "layers.no_store": {"zh": "本机没有配置图层库(LUKOU_STORE)。", "en": "No layer store is configured here (LUKOU_STORE)."},
    "layers.empty": {"zh": "图层库中还没有图层。", "en": "The store holds no layer yet."},
    "layers.col_id": {"zh": "编号", "en": "Id"},
    "layers.col_title": {"zh": "名称", "en": "Title"},
    "layers.col_kind": {"zh": "类型", "en": "Kind"},
    "layers.col_features": {"zh": "要素数", "en": "Features"},
    "layers.col_precision": {"zh": "精度", "en": "Precision"},
    "layers.col_file": {"zh": "来源文件", "en": "Source file"},
    "layers.col_crs": {"zh": "原坐标系", "en": "Source CRS"},
    "layers.col_attr": {"zh": "版权说明", "en": "Attribution"},
    "layers.col_encoding": {"zh": "编码", "en": "Encoding"},
    "layers.col_by": {"zh": "导入人", "en": "By"},
    "layers.col_at": {"zh": "时间(UTC)", "en": "When (UTC)"},
    "layers.col_version": {"zh": "版本", "en": "Version"},
    "layers.col_checks": {"zh": "修复/丢弃/区外", "en": "Repaired/dropped/outside"},
    "layers.checks": {"zh": "修复 {r} · 丢弃 {d} · 区外 {o}", "en": "repaired {r} · dropped {d} · outside {o}"},
    "layers.import_head": {"zh": "导入图层(管理员)", "en": "Import a layer (admin)"},
    "layers.no_importer": {"zh": "本安装缺少导入模块(lukou_geo.store.importer)。",
                           "en": "This installation has no importer (lukou_geo.store.importer)."},
    "layers.file": {"zh": "上传文件:FileGDB(zip)、Shapefile(zip)、GeoPackage、GeoJSON",
                    "en": "Upload: FileGDB (zip), Shapefile (zip), GeoPackage, GeoJSON"},
    "layers.server_path": {"zh": "或服务器上的文件路径(大文件)", "en": "or a file path on the server (large files)"},
    "layers.layer_id": {"zh": "编号(可选,ASCII)", "en": "Id (optional, ASCII)"},
    "layers.title": {"zh": "名称(可选)", "en": "Title (optional)"},
    "layers.kind": {"zh": "类型", "en": "Kind"},
    "layers.kind_auto": {"zh": "按字段自动判断", "en": "detect from the fields"},
    "layers.sublayer": {"zh": "子图层(如 DLTB)", "en": "Sublayer (e.g. DLTB)"},
    "layers.crs": {"zh": "坐标系(无 .prj 时)", "en": "CRS (when there is no .prj)"},
    "layers.encoding": {"zh": "编码(无 .cpg 时)", "en": "Encoding (when there is no .cpg)"},
    "layers.import": {"zh": "导入", "en": "Import"},
    "layers.need_file": {"zh": "请上传文件或填写服务器路径。", "en": "Upload a file or give a server path."},
    "layers.progress": {"zh": "导入中…", "en": "Importing…"},
    "layers.done": {"zh": "完成", "en": "Done"},
    "layers.imported": {"zh": "已导入「{title}」({id}):{n} 个要素,用时 {s} 秒", "en": "Imported “{title}” ({id}): {n} features in {s} s"},
    "layers.rep_read": {"zh": "读取", "en": "Read"},
    "layers.rep_repaired": {"zh": "修复", "en": "Repaired"},
    "layers.rep_dropped": {"zh": "丢弃", "en": "Dropped"},
    "layers.rep_outside": {"zh": "区外", "en": "Outside"},
    "layers.remove_head": {"zh": "删除图层(管理员)", "en": "Remove a layer (admin)"},
    "layers.remove_pick": {"zh": "要删除的图层", "en": "Layer to remove"},
    "layers.remove_sure": {"zh": "确认删除该图层及其瓦片", "en": "Yes, remove the layer and its tiles"},
    "layers.remove": {"zh": "删除", "en": "Remove"},
    "layers.remove_confirm": {"zh": "请先勾选确认。", "en": "Tick the confirmation first."},
    "layers.removed": {"zh": "已删除图层 {id}", "en": "Removed layer {id}"},
    "layers.basemaps": {"zh": "本地底图", "en": "Local basemaps"},
    "layers.basemaps_intro": {
        "zh": "登记本单位的 MBTiles、PMTiles 瓦片或 GeoTIFF 影像(如天地图缓存、正射影像),保存在 {dir},离线提供给规划地图。"
              "GeoTIFF(RGB、RGBA、调色板或单波段 8 位,须声明坐标系,如 CGCS2000 高斯 EPSG:4526/4547、EPSG:4490)在登记时"
              "转换为 MBTiles(Web 墨卡托 PNG 瓦片,含各级金字塔),大文件需要几分钟;较大的文件请填写服务器路径,不必上传。",
        "en": "Register your own MBTiles or PMTiles tiles or a GeoTIFF image (a 天地图 cache, orthoimagery); kept in {dir} and "
              "offered offline on the plan map. A GeoTIFF (8-bit RGB, RGBA, paletted or single-band, with its CRS declared, "
              "e.g. CGCS2000 GK EPSG:4526/4547 or EPSG:4490) is converted at registration into an MBTiles (Web Mercator PNG "
              "tiles with every overview level), which takes minutes for a large file; give a large file's path on the server "
              "instead of uploading it.",
    },
    "layers.bm_format": {"zh": "格式", "en": "Format"},
    "layers.bm_zooms": {"zh": "级别", "en": "Zooms"},
    "layers.bm_file": {"zh": "底图文件(.mbtiles / .pmtiles / .tif)", "en": "Basemap file (.mbtiles / .pmtiles / .tif)"},
    "layers.bm_server_path": {"zh": "或服务器上的文件路径", "en": "or the file's path on the server"},
    "layers.bm_need_file": {"zh": "请上传底图文件或填写服务器路径。", "en": "Upload a basemap file or give its path on the server."},
    "layers.bm_progress": {"zh": "正在登记底图…", "en": "Registering the basemap…"},
    "layers.bm_attr": {"zh": "版权说明(可选)", "en": "Attribution (optional)"},
    "layers.bm_register": {"zh": "登记底图", "en": "Register basemap"},
    "layers.bm_registered": {"zh": "已登记底图 {id}:{title}", "en": "Registered basemap {id}: {title}"},
    # table (the 属性表 page)
    "table.intro": {
        "zh": "按类别代码前缀或文字筛选图层要素;统计按类别汇总图斑数和面积(公顷、亩,1 公顷 = 15 亩,面积为导入时在 "
              "CGCS2000 CM114° 中量算)。每页 100 行。",
        "en": "Filter a layer's features by class-code prefix or text; the statistics sum count and area per class "
              "(公顷 ha and 亩 mu, 1 ha = 15 mu, measured in CGCS2000 CM 114° at import). 100 rows a page.",
    },
    "table.no_layers": {"zh": "图层库中还没有图层:请在“图层管理”页导入。", "en": "No layer in the store yet: import one on the Layers page."},
    "table.layer": {"zh": "图层", "en": "Layer"},
    "table.layer_info": {"zh": "{kind} · {n} 个要素 · 来源 {file}", "en": "{kind} · {n} features · from {file}"},
    "table.code_prefix": {"zh": "类别代码前缀(如 01 耕地、0101 水田)", "en": "Class-code prefix (e.g. 01 耕地, 0101 水田)"},
    "table.text": {"zh": "文字(代码、名称、图斑编号)", "en": "Text (code, name, feature number)"},
    "table.stats": {"zh": "分类统计", "en": "Statistics by class"},
    "table.stats_total": {"zh": "合计 {n} 个图斑,{ha} 公顷({mu} 亩)", "en": "Total {n} features, {ha} ha ({mu} mu)"},
    "table.col_code": {"zh": "类别代码", "en": "Code"},
    "table.col_name": {"zh": "类别名称", "en": "Class"},
    "table.col_category": {"zh": "三大类", "en": "三大类"},
    "table.col_count": {"zh": "图斑数", "en": "Features"},
    "table.col_ha": {"zh": "面积(公顷)", "en": "Area (ha)"},
    "table.col_mu": {"zh": "面积(亩)", "en": "Area (mu)"},
    "table.page": {"zh": "页码(共 {pages} 页)", "en": "Page (of {pages})"},
    "table.rows": {"zh": "第 {a}–{b} 行,共 {n} 行", "en": "Rows {a}–{b} of {n}"},
    "table.zoom_pick": {"zh": "要素号(lk_fid)", "en": "Feature (lk_fid)"},
    "table.zoom": {"zh": "在规划地图上定位", "en": "Show on the plan map"},
    "table.export_head": {"zh": "导出所选要素", "en": "Export the selected features"},
    "table.export_format": {"zh": "格式", "en": "Format"},
    "table.export_go": {"zh": "生成导出文件({n} 个要素)", "en": "Make the export file ({n} features)"},
    "table.export_download": {"zh": "下载 {file}", "en": "Download {file}"},
    # data page: the store's layers
    "data.store_head": {"zh": "已导入的权威图层", "en": "Imported authoritative layers"},
    "data.basemaps_head": {"zh": "登记的本地底图", "en": "Registered local basemaps"},
    # signin: the sign-in page (lukou_geo/ui/pages/signin.py)
    "page.signin": {"zh": "登录", "en": "Sign in"},
    "signin.name": {"zh": "账户名", "en": "Account"},
    "signin.password": {"zh": "密码", "en": "Password"},
    "signin.go": {"zh": "登录", "en": "Sign in"},
    "signin.oidc": {"zh": "使用单位身份登录", "en": "Sign in with the identity provider"},
    "signin.as": {"zh": "已登录:{name}({role})", "en": "Signed in as {name} ({role})"},
    "signin.out": {"zh": "退出登录", "en": "Sign out"},
    "signin.single": {
        "zh": "本机单用户模式:存储中还没有账户,写入记在本机用户名下。建立第一个管理员:python -m lukou_geo users add 姓名 --role admin",
        "en": "Single-user mode on this machine: the store has no accounts yet; writes are recorded under the local user name. "
              "Create the first admin with: python -m lukou_geo users add NAME --role admin",
    },
    "signin.none": {"zh": "未登录:只能浏览", "en": "Not signed in: browsing only"},
    # registry: the 项目库 page (lukou_geo/ui/pages/registry.py)
    "page.registry": {"zh": "项目库", "en": "Project register"},
    "registry.intro": {"zh": "已登记的核查项目:结论、状态与全过程记录。", "en": "The registered projects: verdicts, statuses and their history."},
    "registry.any": {"zh": "(全部)", "en": "(any)"},
    "registry.status": {"zh": "状态", "en": "Status"},
    "registry.verdict": {"zh": "核查结论", "en": "Verdict"},
    "registry.town": {"zh": "所在镇", "en": "Town"},
    "registry.type": {"zh": "项目类型", "en": "Type"},
    "registry.text": {"zh": "名称或申请单位包含", "en": "Name or applicant contains"},
    "registry.from": {"zh": "登记日期起", "en": "Registered from"},
    "registry.to": {"zh": "登记日期止", "en": "Registered until"},
    "registry.page": {"zh": "页码(共 {pages} 页)", "en": "Page (of {pages})"},
    "registry.rows": {"zh": "第 {a}–{b} 个,共 {n} 个项目", "en": "Projects {a}–{b} of {n}"},
    "registry.empty": {"zh": "没有符合条件的项目", "en": "No project matches"},
    "registry.open": {"zh": "查看项目(编号)", "en": "Open project (id)"},
    "registry.history": {"zh": "历史记录", "en": "History"},
    "registry.reports": {"zh": "报告文件", "en": "Report files"},
    "registry.export": {"zh": "导出 {name}", "en": "Export {name}"},
    "registry.download": {"zh": "下载 {name}", "en": "Download {name}"},
    "registry.change": {"zh": "更改状态", "en": "Change the status"},
    "registry.to_status": {"zh": "新状态", "en": "New status"},
    "registry.comment": {"zh": "理由(必填)", "en": "Why (required)"},
    "registry.apply": {"zh": "提交", "en": "Apply"},
    "registry.changed": {"zh": "项目 {id}:{a} → {b}", "en": "Project {id}: {a} → {b}"},
    "registry.closed": {"zh": "此项目已结束(已批复或不予通过)", "en": "This project is closed (approved or rejected)"},
    "registry.zones": {"zh": "涉及规划分区", "en": "Zones touched"},
    "registry.col_at": {"zh": "时间", "en": "When"},
    "registry.col_user": {"zh": "操作人", "en": "Who"},
    "registry.col_from": {"zh": "原状态", "en": "From"},
    "registry.col_to": {"zh": "新状态", "en": "To"},
    "registry.col_comment": {"zh": "理由", "en": "Why"},
    "registry.no_store": {
        "zh": "此安装没有项目库存储(需要 GeoPackage 或 PostGIS 存储)",
        "en": "This installation keeps no register (it needs a GeoPackage or PostGIS store)",
    },
    # deck
    "deck.prev": {"zh": "◀ 上一页", "en": "◀ Prev"},
    "deck.next": {"zh": "下一页 ▶", "en": "Next ▶"},
    "deck.keys": {"zh": "←/→ 或 PageUp/PageDown 翻页", "en": "←/→ or PageUp/PageDown to step"},
    "deck.fold": {"zh": "收起/展开说明", "en": "Fold/unfold the slide's text"},
    "deck.goto": {"zh": "当前页(输入页码跳转)", "en": "This slide (type a number to go there)"},
    # precision
    "precision.official": {"zh": "官方边界", "en": "official boundary"},
    "precision.geocoded": {"zh": "地理编码定位(约数百米)", "en": "geocoded point (~hundreds of m)"},
    "precision.approximate": {"zh": "近似推算", "en": "approximate (derived)"},
    "precision.schematic": {"zh": "示意(据规划文字绘制,非测绘)", "en": "schematic (drawn from the plan's words, not surveyed)"},
    # the short forms, for table cells
    "precision.official_short": {"zh": "官方", "en": "official"},
    "precision.geocoded_short": {"zh": "定位", "en": "geocoded"},
    "precision.approximate_short": {"zh": "近似", "en": "approximate"},
    "precision.schematic_short": {"zh": "示意", "en": "schematic"},
    # print: the print layout (meeting/printing.py)
    "print.atlas": {
        "zh": "渌口规划一张图 · 《株洲市渌口区“十四五”规划和二〇三五年远景目标纲要》",
        "en": "Lukou Planning Atlas · Lukou District 14th Five-Year Plan and 2035 vision",
    },
    "print.sources": {"zh": '数据来源', "en": 'Sources'},
    "print.date": {"zh": '制图日期', "en": 'Date'},
    "print.crs": {"zh": '坐标系:CGCS2000(WGS-84),量算:CGCS2000 3度带 CM114E', "en": 'CRS: CGCS2000 (= WGS-84); measured in CGCS2000 3° GK CM114E'},
    "print.review": {
        "zh": '审图提示:本图为规划示意图,不是标准地图,不作权属和界线依据;公开出版、展示或登载的地图须依法送审,取得审图号。',
        "en": (
            '审图 note: a schematic planning map, not a standard map and no'
            ' basis for boundaries or titles; maps for publication need o'
            'fficial map review (审图) and a review number.'
        ),
    },
    "print.honesty": {
        "zh": '示意要素据规划文字绘制,形状和位置仅为示意(虚线);近似要素为推算(点线)。',
        "en": "Schematic features are drawn from the plan's words (dashed); approximate ones are derived (dotted).",
    },
    "print.north": {"zh": '北', "en": 'N'},
    # the data folder's SQLite file (saved views) when it cannot be used
    "data.full": {
        "zh": "{file} 所在的磁盘已满,视图未能保存:请腾出磁盘空间后重试",
        "en": "the disk holding {file} is full, nothing was saved: free some disk space and try again",
    },
    "data.readonly": {
        "zh": "{file} 不可写(文件或数据文件夹只读):请给运行应用的用户写权限,或把 LUKOU_DATA_DIR 设为可写的文件夹",
        "en": "{file} cannot be written (the file or the data folder is read-only): give the app's user write "
              "access, or set LUKOU_DATA_DIR to a writable folder",
    },
    "data.corrupt": {
        "zh": "{file} 已损坏或不是 SQLite 数据库:请把它移走(保存的视图随之移走)后重新打开页面,应用会新建一个",
        "en": "{file} is damaged or not an SQLite database: move it away (the saved views go with it) and reopen "
              "the page; the app makes a new one",
    },
    "data.unopenable": {
        "zh": "无法打开 {file}:{err}。请检查数据文件夹(LUKOU_DATA_DIR)是否存在且可写",
        "en": "cannot open {file}: {err}. Check that the data folder (LUKOU_DATA_DIR) exists and is writable",
    },
    "data.error": {
        "zh": "{file} 读写出错:{err}。请检查磁盘和数据文件夹(LUKOU_DATA_DIR)后重试",
        "en": "reading or writing {file} failed: {err}. Check the disk and the data folder (LUKOU_DATA_DIR), then try again",
    },
    "data.views_unavailable": {
        "zh": "保存的视图暂不可用:{err}",
        "en": "The saved views are unavailable: {err}",
    },
}


# check.occ_*: the check page's 压占 part (lukou_geo/ui/occupancy_panel.py)
TEXT.update({
    "check.occ_no_layers": {"zh": "尚未导入三区三线或三调图层:压占分析需先在“图层管理”中导入。",
                      "en": "No 三区三线 or 三调 layer imported yet: import them on the Layers page for the occupancy analysis."},
    "check.occ_layers": {"zh": "压占分析图层(已导入)", "en": "Imported layers to check (occupancy)"},
    "check.occ_exceptions": {"zh": "已记录的例外情形", "en": "Recorded exceptions"},
    "check.occ_title": {"zh": "压占分析", "en": "Occupancy of the imported layers"},
    "check.occ_project": {"zh": "项目", "en": "Project"},
    "check.occ_layer_rows": {"zh": "{n} 行(毛面积与扣除田坎后的净面积;公顷、亩为净面积)",
                       "en": "{n} rows (gross and net of 田坎; ha and mu are net)"},
    "check.occ_features": {"zh": "三线协调:涉及的图斑", "en": "Red-line features touched"},
    "check.occ_findings": {"zh": "压占规则与依据", "en": "Rules and their basis"},
    "check.occ_slivers": {"zh": "{n} 处细小重叠低于容差,单列不计(见 XLSX“细小图斑”)",
                    "en": "{n} slivers below the tolerance, listed apart (XLSX sheet 细小图斑)"},
    "check.occ_make_opinion": {"zh": "生成审查意见(DOCX/PDF)", "en": "Make the review opinion (DOCX/PDF)"},
    "check.occ_making": {"zh": "正在生成审查意见…", "en": "Writing the review opinion…"},
})

# the register, accounts and audit pages' texts: lukou_geo/text_records.py (imports nothing)
from lukou_geo.text_records import TEXT_RECORDS  # noqa: E402

TEXT.update(TEXT_RECORDS)


def t(key: str, lang: str, **fmt: object) -> str:
    """The text ``key`` in ``lang`` ("zh" or "en"), its ``{placeholders}`` filled from ``fmt``.

    Raises
    ------
    KeyError
        naming the key when there is no such text, or the language when it is neither zh nor en.
    """
    try:
        texts = TEXT[key]
    except KeyError:
        raise KeyError(f"no text {key!r} in lukou_geo.text.TEXT; add it there with zh and en") from None
    if lang not in texts:
        raise KeyError(f"text {key!r}: language {lang!r} must be one of {', '.join(LANGS)}")
    text = texts[lang]
    return text.format(**fmt) if fmt else text


# meeting.*: saved views with an owner and a shared/private flag (lukou_geo/meeting/views.py, ui/pages/views.py)
TEXT.update({
    "meeting.legacy_unreadable": {
        "zh": "旧的视图文件 {file} 无法读取({err}),其中的视图未导入存储;文件保持原样,未作任何更改。请修复该文件或把它移走,"
              "然后重新打开页面(存储中已有的视图照常可用)",
        "en": "the old views file {file} cannot be read ({err}); its views were not moved into the store and the file was "
              "left as it is. Repair it or move it away, then reopen the page (the views already in the store still work)",
    },
    "meeting.visibility": {"zh": "谁能看到", "en": "Who can see it"},
    "meeting.shared": {"zh": "共享(所有人可见)", "en": "Shared (everyone)"},
    "meeting.private": {"zh": "私有(仅自己和管理员)", "en": "Private (me and the admins)"},
    "meeting.shared_short": {"zh": "共享", "en": "shared"},
    "meeting.private_short": {"zh": "私有", "en": "private"},
    "meeting.owner": {"zh": "所有者:{owner}", "en": "Owner: {owner}"},
    "meeting.make_shared": {"zh": "设为共享", "en": "Share"},
    "meeting.make_private": {"zh": "设为私有", "en": "Make private"},
    "meeting.read_only": {"zh": "只有所有者或管理员可以修改此视图", "en": "Only its owner or an admin can change this view"},
    "meeting.save_needs": {
        "zh": "保存视图需要核查员或管理员账户:请先登录。浏览者可以打开共享视图和分享链接",
        "en": "Saving a view needs a checker or admin account: sign in first. A viewer may open shared views and share links",
    },
})
