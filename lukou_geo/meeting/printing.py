"""Print layouts for meetings, as PNG and PDF.

:func:`export_print` — a print layout (A4/A3, landscape/portrait) with title, the map of the
visible layers drawn with the catalog's colours and the precision dash styles, legend with
precision, scale bar, north arrow, data sources, date and the 审图 note. The map is drawn by
:mod:`lukou_geo.map.figure` (the renderer of every map image); the PNG is the whole page on one
figure, the PDF is written by :class:`lukou_geo.output.pdf.PdfWriter` with the map as an image and
every text (title, legend, scale, notes) as real text in the embedded Noto Sans SC font, so it
renders anywhere and can be searched and copied.

The page furniture (legend, scale bar, north arrow, notes) is drawn once, in page millimetres,
on a page canvas: :class:`lukou_geo.map.figure.MplCanvas` for the PNG, the PDF writer itself for
the PDF. Text widths come from the PDF font for both, so both wrap alike.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from lukou_geo.catalog import PRECISION_LABELS, Catalog, Layer
from lukou_geo.errors import ExportError
from lukou_geo.map.figure import (
    PT_TO_MM,
    PX_TO_PT,
    Box,
    Canvas,
    Frame,
    MplCanvas,
    catalog_shapes,
    dash_pt,
    draw_map,
    draw_north_arrow,
    draw_scale_bar,
    frame_of_lonlat,
    new_figure,
    png_bytes,
    rgba,
)
from lukou_geo.map.style import PRECISION_DASH, feature_style
from lukou_geo.meeting.deck import Deck, bounds_of
from lukou_geo.output.pdf import PdfWriter
from lukou_geo.text import t

__all__ = ["ORIENTATIONS", "PAPER_MM", "ExportError", "PrintSpec", "export_print", "legend_entries",
           "page_size_mm", "png_size_px", "spec_for_slide"]

#: Paper sizes in millimetres (portrait width, height), ISO 216.
PAPER_MM: dict[str, tuple[int, int]] = {"A4": (210, 297), "A3": (297, 420)}
ORIENTATIONS = ("landscape", "portrait")
CREATOR = "渌口规划一张图 Lukou Planning Atlas"



@dataclass(frozen=True)
class PrintSpec:
    """What to print.

    Attributes
    ----------
    title : the map's title (e.g. the slide or view title)
    layers : catalog ids of the visible layers (drawn in catalog order)
    bounds : [[s, w], [n, e]] to show; None = the whole district
    highlight : feature ids drawn with a highlight outline
    paper : "A4" or "A3"; orientation : "landscape" or "portrait"
    dpi : resolution of the PNG and of the map image inside the PDF
    date : the date printed on the map (default: today)
    """

    title: str
    layers: tuple[str, ...]
    bounds: list[list[float]] | None = None
    highlight: tuple[str, ...] = ()
    lang: str = "zh"
    paper: str = "A3"
    orientation: str = "landscape"
    dpi: int = 150
    subtitle: str = ""
    date: _dt.date | None = None
    notes: tuple[str, ...] = field(default=())


def page_size_mm(paper: str, orientation: str) -> tuple[float, float]:
    """(width, height) of the page in millimetres."""
    if paper not in PAPER_MM:
        raise ExportError(f"纸张 {paper!r} 应为 {'、'.join(PAPER_MM)} 之一", f"paper {paper!r} must be one of {', '.join(PAPER_MM)}")
    if orientation not in ORIENTATIONS:
        raise ExportError(f"方向 {orientation!r} 应为 landscape(横向)或 portrait(纵向)",
                          f"orientation {orientation!r} must be landscape or portrait")
    w, h = PAPER_MM[paper]
    return (float(h), float(w)) if orientation == "landscape" else (float(w), float(h))


def png_size_px(paper: str, orientation: str, dpi: int) -> tuple[int, int]:
    """Pixel size of the PNG of a page at ``dpi``."""
    w, h = page_size_mm(paper, orientation)
    return round(w / 25.4 * dpi), round(h / 25.4 * dpi)


def _layout(w: float, h: float, orientation: str, paper: str) -> dict[str, Box]:
    m = 10.0
    k = min(w, h) / 210  # text and furniture grow with the paper
    title_h = 17 * k
    footer_h = 20 * k
    y0, y1 = m + title_h + 2, h - m - footer_h - 2
    if orientation == "landscape":
        lw = 72 * k
        mp = Box(m, y0, w - 2 * m - lw - 5, y1 - y0)
        lg = Box(mp.x + mp.w + 5, y0, lw, y1 - y0)
    else:
        lh = (y1 - y0) * 0.27
        mp = Box(m, y0, w - 2 * m, y1 - y0 - lh - 4)
        lg = Box(m, mp.y + mp.h + 4, w - 2 * m, lh)
    return {"title": Box(m, m, w - 2 * m, title_h), "map": mp, "legend": lg,
            "footer": Box(m, h - m - footer_h, w - 2 * m, footer_h), "k": Box(k, 0, 0, 0)}


def _visible_layers(catalog: Catalog, spec: PrintSpec, data: dict[str, dict[str, Any]]) -> list[Layer]:
    known = {lyr.id for lyr in catalog.layers}
    unknown = [lid for lid in spec.layers if lid not in known]
    if unknown:
        raise ExportError(f"未知图层 {'、'.join(unknown)}:请使用图层目录(layers/*.toml)中的图层编号",
                          f"unknown layer(s) {', '.join(unknown)}: use catalog layer ids (layers/*.toml)")
    return [lyr for lyr in catalog.layers if lyr.id in spec.layers and lyr.id in data]


def _draw_map(fig: Any, rect: tuple[float, float, float, float], catalog: Catalog, data: dict[str, dict[str, Any]],
              spec: PrintSpec, frame: Frame, k: float) -> None:
    shapes, labels = catalog_shapes(catalog, data, spec.layers, frame, k, spec.highlight, spec.lang)
    draw_map(fig, rect, frame, shapes, labels)


# --------------------------------------------------------------------------- page furniture


def legend_entries(catalog: Catalog, data: dict[str, dict[str, Any]], layer_ids: tuple[str, ...] | list[str],
                   lang: str) -> list[tuple[str, Layer | None, str, str]]:
    """The legend as (kind, layer, precision, text) rows: kind "group" (a heading) or "item"."""
    rows: list[tuple[str, Layer | None, str, str]] = []
    for g in catalog.groups:
        layers = [lyr for lyr in catalog.layers_in(g.id) if lyr.id in layer_ids and lyr.id in data]
        if not layers:
            continue
        rows.append(("group", None, "", g.title(lang)))
        for lyr in layers:
            present = {f["properties"]["precision"] for f in data[lyr.id]["features"]}
            for prec in (p for p in PRECISION_DASH if p in present):
                tag = "" if prec in ("official", "geocoded") else f"({PRECISION_LABELS[prec][lang].split('(')[0]})"
                if lang == "en" and tag:
                    tag = " " + tag
                rows.append(("item", lyr, prec, lyr.legend(lang) + tag))
    return rows


def _swatch(cv: Canvas, layer: Layer, prec: str, x: float, y: float, w: float, h: float) -> None:
    """The legend swatch of a layer's features of one precision, as drawn on the map (and the screen)."""
    st = feature_style(layer, prec)
    dash = dash_pt(st)
    lw = min(float(st["weight"]), 4) * PX_TO_PT
    stroke = None if st.get("stroke") is False else st["color"]
    if layer.geometry == "line":
        cv.line(x, y + h / 2, x + w, y + h / 2, st["color"], lw, dash)
    elif layer.geometry == "point":
        cv.circle(x + w / 2, y + h / 2, h * 0.32, rgba(st["fillColor"], float(st["fillOpacity"])), st["color"], lw, dash)
    else:
        cv.rect(x, y + h * 0.12, w, h * 0.76, rgba(st["fillColor"], max(float(st["fillOpacity"]), 0.15)),
                stroke, lw, dash)


def _legend_rows(catalog: Catalog, data: dict[str, dict[str, Any]], spec: PrintSpec) -> list[tuple[str, Layer | None, str, str]]:
    rows = legend_entries(catalog, data, spec.layers, spec.lang)
    key = Layer(id="k", title_zh="", title_en="", group="", file="", geometry="line",
                style={"color": "#555555", "weight": 2}, source="", licence="")
    rows.append(("group", None, "", t("map.precision_key", spec.lang)))
    for prec in ("official", "approximate", "schematic"):
        label = t("map.key_official", spec.lang) if prec == "official" else PRECISION_LABELS[prec][spec.lang]
        rows.append(("item", key, prec, label))
    return rows


def _draw_legend(cv: Canvas, measure: PdfWriter, catalog: Catalog, data: dict[str, dict[str, Any]], spec: PrintSpec,
                 box: Box, k: float) -> None:
    size = 8.5 * k
    row_h = size * PT_TO_MM * 1.55
    cv.rect(box.x, box.y, box.w, box.h, fill=(1, 1, 1, 1), stroke="#b0bec5", width=0.5)
    cv.text(box.x + 3, box.y + 2.5, t("map.legend", spec.lang), 12 * k)
    rows = _legend_rows(catalog, data, spec)
    ncols = 1 if spec.orientation == "landscape" else 3
    col_w = (box.w - 6) / ncols
    y_top = box.y + 2.5 + 12 * k * PT_TO_MM * 1.6
    per_col = max(1, int((box.y + box.h - y_top - 2) // row_h))
    sw = 8 * k
    for i, (kind, layer, prec, text) in enumerate(rows):
        col, r = divmod(i, per_col)
        if col >= ncols:
            cv.text(box.x + box.w - 3, box.y + box.h - row_h, "…", size, align="right")
            break
        x, y = box.x + 3 + col * col_w, y_top + r * row_h
        if kind == "group":
            cv.text(x, y + 0.3, text, size, color="#37474f")
        else:
            assert layer is not None
            _swatch(cv, layer, prec, x, y, sw, row_h * 0.8)
            lines = measure.wrap(text, col_w - sw - 4, size)
            cv.text(x + sw + 2, y + 0.3, lines[0] + ("…" if len(lines) > 1 else ""), size)


def _draw_page(cv: Canvas, measure: PdfWriter, catalog: Catalog, data: dict[str, dict[str, Any]], spec: PrintSpec,
               lay: dict[str, Box], frame: Frame) -> None:
    k = lay["k"].x
    lg = spec.lang
    tb, fb, mb = lay["title"], lay["footer"], lay["map"]
    cv.text(tb.x, tb.y, spec.title, 20 * k)
    cv.text(tb.x, tb.y + 20 * k * PT_TO_MM * 1.3, spec.subtitle or t("print.atlas", lg), 9 * k, color="#546e7a")
    date = (spec.date or _dt.date.today()).isoformat()
    cv.text(tb.x + tb.w, tb.y + 2, f"{t('print.date', lg)}: {date}", 9 * k, color="#546e7a", align="right")
    cv.rect(mb.x, mb.y, mb.w, mb.h, stroke="#37474f", width=0.8)
    draw_scale_bar(cv, mb, frame, k)
    draw_north_arrow(cv, mb, k, t("print.north", lg) + (" N" if spec.lang == "zh" else ""))
    _draw_legend(cv, measure, catalog, data, spec, lay["legend"], k)
    size = 6.8 * k
    lh = size * PT_TO_MM * 1.35
    sources: list[str] = []
    for lyr in _visible_layers(catalog, spec, data):
        if lyr.source_text(lg) not in sources:
            sources.append(lyr.source_text(lg))
    lines = measure.wrap(f"{t('print.sources', lg)}: " + "; ".join(sources), fb.w, size)[:3]
    lines += [t("print.crs", lg) + " · " + t("print.honesty", lg)]
    lines += measure.wrap(t("print.review", lg), fb.w, size)[:2]
    for i, line in enumerate(lines[: int(fb.h // lh)]):
        cv.text(fb.x, fb.y + i * lh, line, size, color="#263238" if "审图" in line else "#546e7a")


def _prepare(catalog: Catalog, data: dict[str, dict[str, Any]], spec: PrintSpec) -> tuple[float, float, dict[str, Box], Frame]:
    w, h = page_size_mm(spec.paper, spec.orientation)
    if not spec.layers:
        raise ExportError("没有可打印的图层:请至少选择一个图层", "no visible layers to print: choose at least one layer")
    _visible_layers(catalog, spec, data)
    lay = _layout(w, h, spec.orientation, spec.paper)
    bounds = spec.bounds or bounds_of([data["district"]])
    mb = lay["map"]
    return w, h, lay, frame_of_lonlat(bounds, mb.w / mb.h)


def export_print(catalog: Catalog, data: dict[str, dict[str, Any]], spec: PrintSpec, fmt: str = "pdf") -> bytes:
    """The print layout as PDF or PNG bytes (page size exact: ISO A4/A3, chosen orientation).

    Parameters
    ----------
    fmt : "pdf" (vector text in the embedded CJK font, the map as a ``spec.dpi`` image) or
          "png" (the whole page at ``spec.dpi``).
    """
    if fmt not in ("pdf", "png"):
        raise ExportError(f"格式 {fmt!r} 应为 pdf 或 png", f"format {fmt!r} must be pdf or png")
    w, h, lay, frame = _prepare(catalog, data, spec)
    k = lay["k"].x
    mb = lay["map"]
    if fmt == "png":
        measure = PdfWriter()
        pw, ph = png_size_px(spec.paper, spec.orientation, spec.dpi)
        # +0.3 px: matplotlib truncates width × dpi, so aim just above the exact pixel count
        fig = new_figure((pw + 0.3) / spec.dpi, (ph + 0.3) / spec.dpi, spec.dpi)
        _draw_map(fig, (mb.x / w, 1 - (mb.y + mb.h) / h, mb.w / w, mb.h / h), catalog, data, spec, frame, k)
        _draw_page(MplCanvas(fig, w, h), measure, catalog, data, spec, lay, frame)
        return png_bytes(fig)
    pdf = PdfWriter(spec.orientation, spec.paper, margins=(0, 0, 0), title=spec.title, creator=CREATOR)
    pdf.add_page()
    fig = new_figure(mb.w / 25.4, mb.h / 25.4, spec.dpi)
    _draw_map(fig, (0, 0, 1, 1), catalog, data, spec, frame, k)
    pdf.image(png_bytes(fig), x=mb.x, y=mb.y, w=mb.w, h=mb.h)
    _draw_page(pdf, pdf, catalog, data, spec, lay, frame)
    return pdf.output()


def spec_for_slide(deck: Deck, index: int, data: dict[str, dict[str, Any]], lang: str = "zh", **kw: Any) -> PrintSpec:
    """A print spec for one slide of a deck (its title, layers, extent and highlights)."""
    from lukou_geo.meeting.deck import slide_bounds

    s = deck.slides[index]
    layers = tuple(lid for lid in [*deck.base_layers, *s.layers] if lid in data)
    return PrintSpec(title=s.title(lang), layers=layers, bounds=slide_bounds(s, data), highlight=s.highlight,
                     lang=lang, subtitle=deck.title(lang), **kw)
