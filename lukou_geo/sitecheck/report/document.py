"""The documents of a site-check result: a printable Chinese HTML report and a PDF, with map images.

Every string that came from data or a user is HTML-escaped in the HTML report. The maps are drawn
by :mod:`lukou_geo.map.figure` (the renderer of the print layouts too) from the check context's
layers in EPSG:4547, in their catalog styles: district, townships (dotted: approximate), the zones a
project touches (dashed where schematic), the development axes (dashed), the project in red, with
the scale bar and north arrow of the print layouts. :func:`report_maps` draws each map once; the
HTML and the PDF embed the same PNG bytes. The PDF is written by
:class:`lukou_geo.output.pdf.PdfWriter`.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from lukou_geo.output.sinks import cut_text
from lukou_geo.sitecheck import labels
from lukou_geo.sitecheck.check import SUMMARY_COLUMNS, ZONE_COLUMNS, CheckResult
from lukou_geo.sitecheck.context import CheckContext
from lukou_geo.sitecheck.report.tables import HONESTY_ZH, MAX_DETAIL_PROJECTS, project_zones, provenance_rows

#: Size of a project's map (pixels at :data:`MAP_DPI`); the overview's longer side.
MAP_PX = (900, 700)
MAP_DPI = 100
#: Furniture scale of the report maps (text 7.5 pt × K and so on, as on an A4 print at K = 1).
K = 1.2
#: Width of a project's map in the PDF (mm).
PDF_MAP_W = 115
_TITLE_MM = 9.0  # the band above the map holding the title
_FOOTNOTE = "EPSG:4547 · 分区为示意范围 schematic zones"
_NORTH = "北 N"
_PROJECT_FILL = "#e53935"
_PROJECT_EDGE = "#b71c1c"
_PROJECT_POINT = "#d50000"


# ------------------------------------------------------------------------------ map images


def _catalog_layer(ctx: CheckContext, layer_id: str) -> Any:
    for lyr in ctx.catalog.layers:
        if lyr.id == layer_id:
            return lyr
    return None


def _base_shapes(ctx: CheckContext, zone_idx: np.ndarray) -> list[Any]:
    """District, townships, the zones ``zone_idx`` (catalog order) and the axes, in their catalog looks."""
    from lukou_geo.map.figure import Paint, Shapes, layer_paint, layer_shapes, rgba

    shapes: list[Any] = []
    district = _catalog_layer(ctx, "district")
    if district is not None:
        shapes += layer_shapes(district, np.array([ctx.district], dtype=object), ["official"], 1)
    else:
        shapes.append(Shapes(np.array([ctx.district], dtype=object), Paint(edge=rgba("#37474f"), width=1.5), 1))
    towns = _catalog_layer(ctx, "townships")
    if towns is not None and len(ctx.town_geoms):
        shapes += layer_shapes(towns, np.asarray(ctx.town_geoms), ["approximate"] * len(ctx.town_geoms), 3)
    if len(zone_idx):
        zones = ctx.zones.iloc[zone_idx]
        order = {lyr.id: i for i, lyr in enumerate(ctx.catalog.layers)}
        z = 10.0
        for layer_id in sorted(set(zones["layer_id"]), key=lambda lid: order.get(lid, len(order))):
            lyr = _catalog_layer(ctx, layer_id)
            sel = (zones["layer_id"] == layer_id).to_numpy()
            if lyr is None:
                continue
            drawn = layer_shapes(lyr, np.asarray(ctx.zone_geoms)[zone_idx[sel]], zones["precision"].to_numpy()[sel], z)
            shapes += drawn
            z += len(drawn)
    axis = next((lyr for lyr in ctx.catalog.layers if lyr.check == "axis"), None)
    if len(ctx.axis_geoms):
        # the development axes are drawn from the plan's words: schematic, so dashed
        paint = layer_paint(axis, "schematic") if axis is not None else Paint(edge=rgba("#6a1b9a", 0.6), width=2, dash=(6, 4))
        shapes.append(Shapes(np.asarray(ctx.axis_geoms), paint, 30))
    return shapes


def _project_shapes(geoms: np.ndarray, big: bool) -> list[Any]:
    from lukou_geo.map.figure import Paint, Shapes, rgba

    dims = shapely.get_dimensions(geoms)
    out = [
        Shapes(geoms[dims == 2], Paint(face=rgba(_PROJECT_FILL, 0.45), edge=rgba(_PROJECT_EDGE), width=2), 40),
        Shapes(geoms[dims == 1], Paint(edge=rgba(_PROJECT_EDGE), width=2.5), 41),
        Shapes(geoms[dims == 0], Paint(face=rgba(_PROJECT_POINT), edge=rgba("#ffffff"), width=0.6,
                                       marker="*" if big else "o", size=18 if big else 6), 42),
    ]
    return [s for s in out if len(s.geoms)]


def _extent(result: CheckResult, ctx: CheckContext, project_no: int | None) -> tuple[np.ndarray, str, np.ndarray, tuple[float, ...]]:
    """The projects drawn (EPSG:4547), the title, the touched zones and the extent to show."""
    from lukou_geo.map.figure import to_metric

    all_geoms = result.projects.geometry.values.to_numpy()
    if project_no is None:
        geoms = to_metric(all_geoms)
        minx, miny, maxx, maxy = shapely.bounds(ctx.district)
        if len(geoms):
            gx0, gy0, gx1, gy1 = shapely.total_bounds(geoms)
            minx, miny, maxx, maxy = min(minx, gx0), min(miny, gy0), max(maxx, gx1), max(maxy, gy1)
        return geoms, "项目总览", np.array([], dtype=int), (minx, miny, maxx, maxy)
    i = int(np.flatnonzero(result.summary["project_no"].to_numpy() == project_no)[0])
    geoms = to_metric(all_geoms[i : i + 1])
    ids = set(project_zones(result, project_no)["zone_id"])
    zone_idx = np.flatnonzero(ctx.zones["id"].isin(ids).to_numpy())
    return geoms, f"{project_no}. {cut_text(str(result.summary.iloc[i]['name']), 60, '…')}", zone_idx, tuple(shapely.total_bounds(geoms))


def map_png(result: CheckResult, ctx: CheckContext, project_no: int | None = None,
            size_px: tuple[int, int] | None = None) -> bytes:
    """A PNG map: the district, townships, axes, the zones the project touches and the project (red),
    with the title above, a scale bar, a north arrow and the CRS note; no axes or ticks.

    ``project_no=None`` draws an overview of every project over the whole district, its longer side
    :data:`MAP_PX`\\ [0] pixels, its shape that of the extent; a project's map is ``size_px``
    (default :data:`MAP_PX`).
    """
    from lukou_geo.map.figure import Box, MplCanvas, draw_map, draw_north_arrow, draw_scale_bar, fit_frame, new_figure, png_bytes

    geoms, title, zone_idx, (minx, miny, maxx, maxy) = _extent(result, ctx, project_no)
    title_px = _TITLE_MM / 25.4 * MAP_DPI
    if project_no is None:
        pad = 0.03 * max(maxx - minx, maxy - miny)
        aspect = min(max((maxx - minx + 2 * pad) / (maxy - miny + 2 * pad), 0.5), 2.0)
        long_px = MAP_PX[0]
        w_px, map_h = (long_px, long_px / aspect) if aspect >= 1 else (long_px * aspect, float(long_px))
        h_px = map_h + title_px
        frame = fit_frame(minx, miny, maxx, maxy, w_px / map_h, pad=0.03)
    else:
        w_px, h_px = size_px or MAP_PX
        map_h = h_px - title_px
        pad_m = max(2000.0, 0.3 * max(maxx - minx, maxy - miny))
        frame = fit_frame(minx, miny, maxx, maxy, w_px / map_h, pad_m=pad_m)
    fig = new_figure(w_px / MAP_DPI, h_px / MAP_DPI, MAP_DPI)
    extra, names = _overview_extras(result, ctx, geoms) if project_no is None else ([], [])
    draw_map(fig, (0, 0, 1, map_h / h_px), frame, [*_base_shapes(ctx, zone_idx), *extra, *_project_shapes(geoms, project_no is not None)],
             names)
    w_mm, h_mm = w_px / MAP_DPI * 25.4, h_px / MAP_DPI * 25.4
    cv = MplCanvas(fig, w_mm, h_mm)
    box = Box(0, _TITLE_MM, w_mm, h_mm - _TITLE_MM)
    if project_no is None:
        _overview_legend(cv, box)
    cv.text(3, 1.6, title, 12)
    cv.rect(box.x, box.y, box.w, box.h, stroke="#37474f", width=0.8)
    draw_scale_bar(cv, box, frame, K)
    draw_north_arrow(cv, box, K, _NORTH)
    cv.text(box.w - 2, 2.6, _FOOTNOTE, 7, color="#555555", align="right")
    return png_bytes(fig)


#: The overview numbers at most this many projects (beyond, the numbers would hide the map).
MAX_NUMBERED = 200


def _overview_extras(result: CheckResult, ctx: CheckContext, geoms: np.ndarray) -> tuple[list[Any], list[Any]]:
    """The overview's 湘江 (above the township fills) and its labels: the towns, and each project's number."""
    from lukou_geo.map.figure import Label, layer_shapes

    shapes: list[Any] = []
    river = _catalog_layer(ctx, "xiang_river")
    if river is not None and ctx.river is not None and len(ctx.river):
        shapes += layer_shapes(river, np.asarray(ctx.river), ["approximate"] * len(ctx.river), 8, K)
    names = [Label(pt.x, pt.y, str(n), 7.5 * K, "#37474f")
             for n, pt in zip(ctx.town_names, shapely.point_on_surface(np.asarray(ctx.town_geoms)), strict=True)]
    numbers = result.summary["project_no"].to_numpy()[:MAX_NUMBERED]
    names += [Label(pt.x, pt.y, str(int(no)), 8 * K, _PROJECT_EDGE)
              for no, pt in zip(numbers, shapely.point_on_surface(geoms[:MAX_NUMBERED]), strict=True)]
    return shapes, names


#: The overview's legend: (label, colour, dash or None, kind).
_OVERVIEW_LEGEND = (
    ("渌口区界", "#37474f", None, "line"), ("镇域(近似)", "#8d6e63", (1.5, 1.5), "line"), ("湘江", "#5b9bd5", None, "band"),
    ("发展轴(示意)", "#6a1b9a", (3.0, 2.0), "line"), ("核查项目(数字为序号)", _PROJECT_POINT, None, "point"),
)


def _overview_legend(cv: Any, box: Any) -> None:
    """The overview's legend (top left of the map): the district, towns, 湘江, axes and the numbered projects."""
    x0, y0, row = box.x + 3, box.y + 3, 4.6 * K
    cv.rect(x0, y0, 46 * K, row * len(_OVERVIEW_LEGEND) + 5 * K, fill=(1, 1, 1, 0.88), stroke="#90a4ae", width=0.4)
    cv.text(x0 + 2, y0 + 1.2, "图例", 8 * K)
    for i, (label, colour, dash, kind) in enumerate(_OVERVIEW_LEGEND):
        y = y0 + 5 * K + i * row + row / 2
        if kind == "point":
            cv.circle(x0 + 6, y, 1.2 * K, (0.84, 0.0, 0.0, 1.0), "#ffffff", 0.5)
        else:
            cv.line(x0 + 2, y, x0 + 10, y, colour, 3.0 if kind == "band" else 1.2, dash=dash)
        cv.text(x0 + 12, y - 1.6 * K, label, 7 * K)


@dataclass
class ReportMaps:
    """The map images of a report: the overview and one per detailed project (PNG bytes)."""

    overview: bytes | None = None
    projects: dict[int, bytes] = field(default_factory=dict)


def report_maps(result: CheckResult, ctx: CheckContext, progress: Callable[[int, int], None] | None = None) -> ReportMaps:
    """Draw every map of the report once: the overview and the first :data:`MAX_DETAIL_PROJECTS` projects.

    ``progress(done, total)`` is called after each map (the page shows it while a long report is written)."""
    if not len(result.summary):
        return ReportMaps()
    numbers = [int(no) for no in result.summary["project_no"].head(MAX_DETAIL_PROJECTS)]
    maps = ReportMaps(overview=map_png(result, ctx))
    if progress:
        progress(1, len(numbers) + 1)
    for i, no in enumerate(numbers, start=2):
        maps.projects[no] = map_png(result, ctx, no)
        if progress:
            progress(i, len(numbers) + 1)
    return maps


# ------------------------------------------------------------------------------ HTML


def _cell_text(v: Any) -> str:
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)


_VERDICT_CLASS = {"符合": "ok", "需关注": "warn", "冲突": "bad"}


def _td(text: str) -> str:
    cls = _VERDICT_CLASS.get(text, "")
    return f'<td class="{cls}">{html.escape(text)}</td>' if cls else f"<td>{html.escape(text)}</td>"


def _column_tds(values: pd.Series) -> list[str]:
    """The ``<td>`` of each cell of a column (text escaped, verdicts coloured); each distinct text once."""
    arr = values.to_numpy(dtype=object)
    if len(arr) and pd.api.types.infer_dtype(arr, skipna=False) == "string":
        codes, uniques = pd.factorize(arr)
        return np.array([_td(u) for u in uniques], dtype=object)[codes].tolist()
    return [_td(_cell_text(v)) for v in arr.tolist()]


def _table_html(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    if len(df.columns) and len(df):
        cols = [_column_tds(df.iloc[:, j]) for j in range(len(df.columns))]
        cols[0] = ["<tr>" + c for c in cols[0]]
        cols[-1] = [c + "</tr>" for c in cols[-1]]
        body = "".join(itertools.chain.from_iterable(zip(*cols, strict=True)))
    else:
        body = "<tr></tr>" * len(df)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _img(alt: str, png: bytes) -> str:
    return f"<img alt='{alt}' src='data:image/png;base64,{base64.b64encode(png).decode()}'>"


_CSS = """
body{font-family:"Noto Sans SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
h1{font-size:1.6em}h2{font-size:1.2em;border-bottom:1px solid #999;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}td,th{border:1px solid #bbb;padding:3px 6px;vertical-align:top}
th{background:#eceff1}.ok{background:#c8e6c9}.warn{background:#fff3c4}.bad{background:#ffcdd2}
.note{color:#555;font-size:.85em}img{max-width:100%;border:1px solid #ccc}
@media print{h2{page-break-before:always}}
"""


def export_html(result: CheckResult, ctx: CheckContext, path: str | Path | None = None, title: str = "选址核查报告",
                images: bool = True, maps: ReportMaps | None = None) -> str:
    """A printable Chinese report: summary, then per project its map, zones, verdict and the plan's words.

    ``maps`` are the images from :func:`report_maps` (drawn here when not given).
    """
    e = html.escape
    parts = [
        f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p class='note'>生成时间 {dt.datetime.now():%Y-%m-%d %H:%M} · 渌口规划一张图 · 项目 {len(result.summary)} 个</p>",
        f"<p class='note'>{e(HONESTY_ZH)}</p>",  # a Chinese report in Chinese only
    ]
    prov_rows = provenance_rows(result)
    if prov_rows:  # the source, its SHA-256, the encoding and the CRS assumed
        parts.append("<table class='prov'>" + "".join(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in prov_rows) + "</table>")
    counts = result.summary["verdict"].value_counts().to_dict() if len(result.summary) else {}
    parts.append("<p>" + " · ".join(f"{e(k)}:{v}" for k, v in counts.items()) + "</p>")
    if images and maps is None:
        maps = report_maps(result, ctx)
    if maps is not None and images and maps.overview is not None:
        parts.append(_img("总览", maps.overview))
    parts.append("<h2>汇总</h2>")
    cols = ["project_no", "name", "ptype", "geom_kind", "area_ha", "area_mu", "in_district", "township", "verdict", "deciding_zone"]
    parts.append(_table_html(labels.table(result.summary, {c: SUMMARY_COLUMNS[c] for c in cols}, "zh", text=True)))
    for _, r in result.summary.head(MAX_DETAIL_PROJECTS).iterrows():
        no = int(r["project_no"])
        parts.append(f"<h2>{no}. {e(str(r['name']))}</h2>")
        if maps is not None and images:
            parts.append(_img(f"项目{no}位置图", maps.projects[no]))
        one = labels.table(result.summary[result.summary["project_no"] == no], SUMMARY_COLUMNS, "zh", text=True).iloc[0]
        info = pd.DataFrame([(k, v) for k, v in one.items() if k != SUMMARY_COLUMNS["project_no"][0]], columns=["项目", "内容"])
        parts.append(_table_html(info))
        pz = labels.table(project_zones(result, no), {k: ZONE_COLUMNS[k] for k in ZONE_COLUMNS if k not in ("project_no", "project")},
                          "zh", text=True)
        parts.append("<h3>涉及的规划分区(重叠面积在 EPSG:4547 中量算)</h3>" + (_table_html(pz) if len(pz) else "<p>无</p>"))
        parts.append("<p class='note'>镇域为由村点推算的近似范围。</p>")
    if len(result.summary) > MAX_DETAIL_PROJECTS:
        parts.append(f"<p class='note'>逐项详情只列前 {MAX_DETAIL_PROJECTS} 个项目,其余见 XLSX/CSV。</p>")
    parts.append("</body></html>")
    text = "\n".join(parts)
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


# ------------------------------------------------------------------------------ PDF


def _rows(df: pd.DataFrame) -> list[list[str]]:
    """A table's heading and rows as texts."""
    return [[str(c) for c in df.columns], *([_cell_text(v) for v in row] for row in df.itertuples(index=False))]


def _aspect(png: bytes) -> float:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        return im.width / im.height


def _overview_page(pdf: Any, png: bytes) -> None:
    """The overview map on the first page, below the title, as large as the rest of the page allows; the
    summary starts on the next page (the overview once had a page of its own after a nearly blank first page)."""
    aspect = _aspect(png)
    w_avail, h_avail = 297 - 2 * pdf.left, 210 - pdf.y - 14
    h = h_avail
    w = h * aspect
    if w > w_avail:
        w, h = w_avail, w_avail / aspect
    pdf.image(png, x=pdf.left, y=pdf.y, w=w, h=h)
    pdf.add_page()


def export_pdf(result: CheckResult, ctx: CheckContext, path: str | Path | None = None, title: str = "选址核查报告",
               images: bool = True, maps: ReportMaps | Callable[[], ReportMaps | None] | None = None) -> bytes:
    """The report as PDF (A4 landscape, Noto Sans SC): summary table, then per project map, zones and
    citations. ``maps`` are the images from :func:`report_maps` (drawn here when not given), or a
    function that returns them, called when the first map is placed (the CLI's worker is drawing them
    while this loads the font and writes the first page)."""
    from lukou_geo.output.pdf import PdfWriter

    pdf = PdfWriter("landscape", "A4", page_break=12)
    pdf.add_page()
    pdf.line_of_text(10, title, 16)
    pdf.paragraph(4.5, f"生成时间 {dt.datetime.now():%Y-%m-%d %H:%M} · 项目 {len(result.summary)} 个\n{HONESTY_ZH}", 8)
    prov_rows = provenance_rows(result)
    if prov_rows:
        pdf.paragraph(4.2, "\n".join(f"{k}:{v}" for k, v in prov_rows), 8)
    if callable(maps):
        maps = maps()
    if images and maps is None:
        maps = report_maps(result, ctx)
    if maps is not None and images and maps.overview is not None:
        _overview_page(pdf, maps.overview)
    cols = ["project_no", "name", "ptype", "area_ha", "area_mu", "in_district", "township", "verdict", "deciding_zone"]
    pdf.font(8)
    pdf.table(_rows(labels.table(result.summary.head(500), {c: SUMMARY_COLUMNS[c] for c in cols}, "zh", text=True)))
    for _, r in result.summary.head(MAX_DETAIL_PROJECTS).iterrows():
        no = int(r["project_no"])
        pdf.add_page()
        pdf.line_of_text(8, f"{no}. {r['name']} — {r['verdict']}", 13)
        pdf.font(8)
        map_bottom = pdf.y
        info = labels.table(result.summary[result.summary["project_no"] == no], SUMMARY_COLUMNS, "zh", text=True).iloc[0]
        text = "\n".join(f"{k}:{v}" for k, v in info.items() if k != SUMMARY_COLUMNS["project_no"][0])
        if maps is not None and images:
            y = pdf.y
            png = maps.projects[no]
            pdf.image(png, x=pdf.left, y=y, w=PDF_MAP_W)
            map_bottom = y + PDF_MAP_W / _aspect(png)
            left = pdf.pdf.l_margin
            pdf.pdf.set_left_margin(left + PDF_MAP_W + 5)  # the project's facts beside the map, never over it
            pdf.set_xy(left + PDF_MAP_W + 5, y)
            pdf.paragraph(4.2, text)
            pdf.pdf.set_left_margin(left)
        else:
            pdf.paragraph(4.2, text)
        pdf.skip(2)
        pz = labels.table(project_zones(result, no), {k: ZONE_COLUMNS[k] for k in ZONE_COLUMNS if k not in ("project_no", "project", "precision")},
                          "zh", text=True)
        if len(pz):
            pdf.set_y(max(pdf.y, map_bottom + 4))  # the table below the map
            pdf.table(_rows(pz), (22, 30, 14, 14, 12, 12, 12, 60, 80))
    data = pdf.output()
    if path is not None:
        Path(path).write_bytes(data)
    return data
