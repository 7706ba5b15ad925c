"""Exports of a site-check result: XLSX, CSV, GeoJSON, a printable Chinese HTML report and PDF.

Every string that came from data or a user is HTML-escaped in the HTML report, and cells that a
spreadsheet would run as a formula (``= + - @`` first) are written as text. The map images are
drawn with matplotlib (Agg, no network) from the check context's layers in EPSG:4547; the PDF
uses fpdf2 and the CJK font of :func:`lukou_geo.output.fonts.cjk_font_path`.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from lukou_geo.sitecheck.check import SUMMARY_COLUMNS, ZONE_COLUMNS, CheckResult
from lukou_geo.sitecheck.context import CheckContext
from lukou_geo.sitecheck.context import to_metric as _to_metric

#: Reports show per-project detail (sheets, sections, map images) for at most this many projects.
MAX_DETAIL_PROJECTS = 50
HONESTY_ZH = (
    "说明:规划分区多为据规划文字绘制的示意范围(schematic),镇域为由村点推算的近似范围(approximate),"
    "均非法定边界;核查结论仅供初步研判,须以法定国土空间规划和“三区三线”为准。"
)
HONESTY_EN = (
    "Note: most zones are schematic (drawn from the plan's words) and township zones approximate; none is a legal "
    "boundary. Verdicts are a first screening; the statutory spatial plan prevails."
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(v: Any) -> Any:
    """A value safe to write into a spreadsheet cell (no formula injection)."""
    if isinstance(v, str) and v.startswith(_FORMULA_START):
        return "'" + v
    if isinstance(v, float) and np.isnan(v):
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return None if np.isnan(v) else float(v)
    return v


def _labelled(df: pd.DataFrame, columns: dict[str, tuple[str, str]], lang: str = "zh") -> pd.DataFrame:
    keep = [c for c in columns if c in df.columns]
    out = df[keep].copy()
    out.columns = [columns[c][0 if lang == "zh" else 1] for c in keep]
    return out


def _safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    return df.map(_safe_cell) if len(df) else df


def export_csv(result: CheckResult, path: str | Path, which: str = "summary") -> Path:
    """The summary (``which="summary"``) or the per-zone rows (``"zones"``) as UTF-8-with-BOM CSV (opens in Excel)."""
    df = _labelled(result.summary, SUMMARY_COLUMNS) if which == "summary" else _labelled(result.zones, ZONE_COLUMNS)
    p = Path(path)
    _safe_frame(df).to_csv(p, index=False, encoding="utf-8-sig")
    return p


def export_geojson(result: CheckResult, path: str | Path) -> Path:
    """The projects with their summary as properties (WGS-84 GeoJSON)."""
    props = result.summary.replace({np.nan: None}).to_dict("records")
    feats = []
    for geom, pr in zip(result.projects.geometry.values, props, strict=True):
        clean = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in pr.items()}
        feats.append({"type": "Feature", "geometry": shapely.geometry.mapping(geom), "properties": clean})
    p = Path(path)
    p.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False), encoding="utf-8")
    return p


def _sheet_name(no: int, name: str, used: set[str]) -> str:
    bad = "[]:*?/\\"
    base = f"{no} " + "".join("_" if ch in bad else ch for ch in str(name))
    base = base[:31].strip("'") or str(no)
    out, k = base, 1
    while out in used:
        k += 1
        out = f"{base[:27]}~{k}"
    used.add(out)
    return out


def export_xlsx(result: CheckResult, path: str | Path, title: str = "选址核查报告") -> Path:
    """Workbook: 汇总 (summary), 分区明细 (every zone row), then one sheet per project (first 50)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"生成时间 {dt.datetime.now():%Y-%m-%d %H:%M};项目 {len(result.summary)} 个"])
    ws.append([HONESTY_ZH])
    ws.append([])
    _append_table(ws, _labelled(result.summary, SUMMARY_COLUMNS))
    _append_table(wb.create_sheet("分区明细"), _labelled(result.zones, ZONE_COLUMNS))
    used = {"汇总", "分区明细"}
    for _, r in result.summary.head(MAX_DETAIL_PROJECTS).iterrows():
        sh = wb.create_sheet(_sheet_name(int(r["project_no"]), r["name"], used))
        for key, (zh, _en) in SUMMARY_COLUMNS.items():
            if key in r:
                sh.append([zh, _safe_cell(r[key])])
        sh.append([])
        sh.append(["涉及的规划分区"])
        sh.cell(sh.max_row, 1).font = Font(bold=True)
        pz = _labelled(result.project_zones(int(r["project_no"])), ZONE_COLUMNS).drop(columns=["序号", "项目名称"])
        _append_table(sh, pz, bold_header=False)
        sh.column_dimensions["A"].width = 22
        sh.column_dimensions["B"].width = 60
        for row in sh.iter_rows():
            for c in row:
                c.alignment = Alignment(wrap_text=True, vertical="top")
    if len(result.summary) > MAX_DETAIL_PROJECTS:
        ws.append([])
        ws.append([f"逐项工作表只列前 {MAX_DETAIL_PROJECTS} 个项目;全部分区明细见“分区明细”表"])
    p = Path(path)
    wb.save(p)
    return p


def _append_table(sheet: Any, df: pd.DataFrame, bold_header: bool = True) -> None:
    """Append ``df`` to an openpyxl sheet: a header row of its columns, then its rows (cells made safe)."""
    from openpyxl.styles import Font

    sheet.append(list(df.columns))
    if bold_header:
        for c in sheet[sheet.max_row]:
            c.font = Font(bold=True)
    for row in df.itertuples(index=False):
        sheet.append([_safe_cell(v) for v in row])


# ------------------------------------------------------------------------------ map images


def map_png(result: CheckResult, ctx: CheckContext, project_no: int | None = None, size_px: tuple[int, int] = (900, 700)) -> bytes:
    """A PNG map: the district, townships, the zones the project touches and the project (red).

    ``project_no=None`` draws an overview of every project over the whole district.
    """
    import matplotlib

    matplotlib.use("Agg")
    import geopandas as gpd
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    from lukou_geo.output.fonts import cjk_font_path

    font = font_manager.FontProperties(fname=str(cjk_font_path()))
    fig, ax = plt.subplots(figsize=(size_px[0] / 100, size_px[1] / 100), dpi=100)
    try:
        if project_no is None:
            geoms = _to_metric(result.projects.geometry.values.to_numpy())
            title = "项目总览 / overview"
            zone_idx = np.array([], dtype=int)
            minx, miny, maxx, maxy = shapely.bounds(ctx.district)
            if len(geoms):
                gx0, gy0, gx1, gy1 = shapely.total_bounds(geoms)
                minx, miny, maxx, maxy = min(minx, gx0), min(miny, gy0), max(maxx, gx1), max(maxy, gy1)
        else:
            i = int(np.flatnonzero(result.summary["project_no"].to_numpy() == project_no)[0])
            geoms = _to_metric(result.projects.geometry.values.to_numpy()[i : i + 1])
            title = f"{project_no}. {result.summary.iloc[i]['name']}"
            ids = set(result.project_zones(project_no)["zone_id"])
            zone_idx = np.flatnonzero(ctx.zones["id"].isin(ids).to_numpy())
            minx, miny, maxx, maxy = shapely.total_bounds(geoms)
            pad = max(2000.0, 0.3 * max(maxx - minx, maxy - miny))
            minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
        gpd.GeoSeries(ctx.town_geoms).boundary.plot(ax=ax, color="#bcaaa4", linewidth=0.6, linestyle=":")
        gpd.GeoSeries([ctx.district]).boundary.plot(ax=ax, color="#37474f", linewidth=1.5)
        styles = {lyr.id: lyr.style for lyr in ctx.catalog.layers}
        for zi in zone_idx:
            st = styles.get(ctx.zones.iloc[zi]["layer_id"], {})
            gpd.GeoSeries([ctx.zone_geoms[zi]]).plot(
                ax=ax,
                color=st.get("fill_color", st.get("color", "#90caf9")),
                alpha=0.25,
                edgecolor=st.get("color", "#1565c0"),
                linewidth=1,
                linestyle="--",
            )
        if len(ctx.axis_geoms):
            gpd.GeoSeries(ctx.axis_geoms).plot(ax=ax, color="#6a1b9a", linewidth=2, alpha=0.6, linestyle="--")
        gs = gpd.GeoSeries(geoms)
        dims = shapely.get_dimensions(geoms)
        if (dims == 2).any():
            gs[dims == 2].plot(ax=ax, facecolor="#e53935", alpha=0.45, edgecolor="#b71c1c", linewidth=2)
        if (dims == 1).any():
            gs[dims == 1].plot(ax=ax, color="#b71c1c", linewidth=2.5)
        if (dims == 0).any():
            gs[dims == 0].plot(ax=ax, color="#d50000", markersize=60 if project_no else 12, marker="*" if project_no else "o")
        ax.set_xlim(minx, maxx)
        ax.set_ylim(miny, maxy)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontproperties=font, fontsize=12)
        _scale_bar(ax, minx, miny, maxx, maxy, font)
        ax.annotate("N ↑", xy=(0.96, 0.94), xycoords="axes fraction", ha="center", fontproperties=font, fontsize=11)
        ax.text(0.01, 0.01, "EPSG:4547 · 分区为示意范围 schematic zones", transform=ax.transAxes, fontproperties=font, fontsize=7, color="#555")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
        return buf.getvalue()
    finally:
        plt.close(fig)


def _scale_bar(ax: Any, minx: float, miny: float, maxx: float, maxy: float, font: Any) -> None:
    span = maxx - minx
    length = 10 ** np.floor(np.log10(span / 4))
    for m in (5, 2, 1):
        if m * length <= span / 4:
            length *= m
            break
    x0, y0 = minx + 0.04 * span, miny + 0.06 * (maxy - miny)
    ax.plot([x0, x0 + length], [y0, y0], color="black", linewidth=3)
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(x0 + length / 2, y0 + 0.015 * (maxy - miny), label, ha="center", fontproperties=font, fontsize=8)


# ------------------------------------------------------------------------------ HTML


def _table_html(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for row in df.itertuples(index=False):
        cells = []
        for v in row:
            text = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
            cls = {"符合": "ok", "需关注": "warn", "冲突": "bad"}.get(text, "")
            cells.append(f'<td class="{cls}">{html.escape(text)}</td>' if cls else f"<td>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


_CSS = """
body{font-family:"Noto Sans SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
h1{font-size:1.6em}h2{font-size:1.2em;border-bottom:1px solid #999;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}td,th{border:1px solid #bbb;padding:3px 6px;vertical-align:top}
th{background:#eceff1}.ok{background:#c8e6c9}.warn{background:#fff3c4}.bad{background:#ffcdd2}
.note{color:#555;font-size:.85em}img{max-width:100%;border:1px solid #ccc}
@media print{h2{page-break-before:always}}
"""


def export_html(result: CheckResult, ctx: CheckContext, path: str | Path | None = None, title: str = "选址核查报告", images: bool = True) -> str:
    """A printable Chinese report: summary, then per project its map, zones, verdict and the plan's words."""
    e = html.escape
    parts = [
        f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p class='note'>生成时间 {dt.datetime.now():%Y-%m-%d %H:%M} · 渌口规划一张图 · 项目 {len(result.summary)} 个</p>",
        f"<p class='note'>{e(HONESTY_ZH)}<br>{e(HONESTY_EN)}</p>",
    ]
    counts = result.summary["verdict"].value_counts().to_dict() if len(result.summary) else {}
    parts.append("<p>" + " · ".join(f"{e(k)}:{v}" for k, v in counts.items()) + "</p>")
    if images and len(result.summary):
        parts.append(f"<img alt='总览' src='data:image/png;base64,{base64.b64encode(map_png(result, ctx)).decode()}'>")
    parts.append("<h2>汇总 Summary</h2>")
    cols = ["project_no", "name", "ptype", "geom_kind", "area_ha", "area_mu", "in_district", "township", "verdict", "deciding_zone"]
    parts.append(_table_html(_labelled(result.summary[[c for c in cols if c in result.summary]], SUMMARY_COLUMNS)))
    for _, r in result.summary.head(MAX_DETAIL_PROJECTS).iterrows():
        no = int(r["project_no"])
        parts.append(f"<h2>{no}. {e(str(r['name']))}</h2>")
        if images:
            parts.append(f"<img alt='项目{no}位置图' src='data:image/png;base64,{base64.b64encode(map_png(result, ctx, no)).decode()}'>")
        info = pd.DataFrame([(SUMMARY_COLUMNS[k][0], r[k]) for k in SUMMARY_COLUMNS if k in r and k not in ("project_no",)], columns=["项目", "内容"])
        parts.append(_table_html(info))
        pz = _labelled(result.project_zones(no), ZONE_COLUMNS).drop(columns=["序号", "项目名称"])
        parts.append("<h3>涉及的规划分区(重叠面积在 EPSG:4547 中量算)</h3>" + (_table_html(pz) if len(pz) else "<p>无</p>"))
        parts.append("<p class='note'>镇域为近似范围 / township zones are approximate.</p>")
    if len(result.summary) > MAX_DETAIL_PROJECTS:
        parts.append(f"<p class='note'>逐项详情只列前 {MAX_DETAIL_PROJECTS} 个项目,其余见 XLSX/CSV。</p>")
    parts.append("</body></html>")
    text = "\n".join(parts)
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


# ------------------------------------------------------------------------------ PDF


def export_pdf(result: CheckResult, ctx: CheckContext, path: str | Path | None = None, title: str = "选址核查报告", images: bool = True) -> bytes:
    """The report as PDF (fpdf2, Noto Sans SC): summary table, then per project map, zones and citations."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    from lukou_geo.output.fonts import cjk_font_path

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_font("cjk", fname=str(cjk_font_path()))
    pdf.set_font("cjk", size=9)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=8)
    pdf.multi_cell(
        0, 4.5, f"生成时间 {dt.datetime.now():%Y-%m-%d %H:%M} · 项目 {len(result.summary)} 个\n{HONESTY_ZH}", new_x="LMARGIN", new_y="NEXT"
    )
    if images and len(result.summary):
        pdf.image(io.BytesIO(map_png(result, ctx, None, (900, 600))), w=150)
    head = FontFace(emphasis=None, fill_color=(236, 239, 241))

    def table(df: pd.DataFrame, widths: tuple[int, ...] | None = None) -> None:
        with pdf.table(col_widths=widths, headings_style=head, line_height=4.5, text_align="LEFT") as t:
            t.row([str(c) for c in df.columns])
            for row in df.itertuples(index=False):
                t.row(["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in row])

    cols = ["project_no", "name", "ptype", "area_ha", "area_mu", "in_district", "township", "verdict", "deciding_zone"]
    pdf.set_font("cjk", size=8)
    table(_labelled(result.summary[[c for c in cols if c in result.summary]].head(500), SUMMARY_COLUMNS))
    for _, r in result.summary.head(MAX_DETAIL_PROJECTS).iterrows():
        no = int(r["project_no"])
        pdf.add_page()
        pdf.set_font("cjk", size=13)
        pdf.cell(0, 8, f"{no}. {r['name']} — {r['verdict']}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=8)
        if images:
            y = pdf.get_y()
            pdf.image(io.BytesIO(map_png(result, ctx, no, (700, 560))), x=pdf.l_margin, y=y, w=115)
            pdf.set_xy(pdf.l_margin + 120, y)
        rows = [(SUMMARY_COLUMNS[k][0], "" if pd.isna(r[k]) else str(r[k])) for k in SUMMARY_COLUMNS if k in r and k != "project_no"]
        text = "\n".join(f"{k}:{v}" for k, v in rows)
        pdf.multi_cell(0, 4.2, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pz = _labelled(result.project_zones(no), ZONE_COLUMNS).drop(columns=["序号", "项目名称", "精度"])
        if len(pz):
            if pdf.get_y() < 110:
                pdf.set_y(110)
            table(pz, (22, 30, 14, 14, 12, 12, 12, 60, 80))
    data = bytes(pdf.output())
    if path is not None:
        Path(path).write_bytes(data)
    return data


def export_all(
    result: CheckResult,
    ctx: CheckContext,
    out: str | Path,
    formats: tuple[str, ...] = ("xlsx", "csv", "geojson", "html", "pdf"),
    title: str = "选址核查报告",
) -> list[Path]:
    """Write every format next to ``out`` (its stem names the files); return the paths written."""
    out = Path(out)
    stem = out.with_suffix("") if out.suffix else out
    stem.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for f in formats:
        if f == "xlsx":
            written.append(export_xlsx(result, stem.with_suffix(".xlsx"), title))
        elif f == "csv":
            written.append(export_csv(result, stem.with_suffix(".csv")))
            written.append(export_csv(result, stem.parent / (stem.name + "_zones.csv"), "zones"))
        elif f == "geojson":
            written.append(export_geojson(result, stem.with_suffix(".geojson")))
        elif f == "html":
            p = stem.with_suffix(".html")
            export_html(result, ctx, p, title)
            written.append(p)
        elif f == "pdf":
            p = stem.with_suffix(".pdf")
            export_pdf(result, ctx, p, title)
            written.append(p)
        else:
            raise ValueError(f"unknown format {f!r}; choose from xlsx, csv, geojson, html, pdf")
    return written
