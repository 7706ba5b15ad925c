"""Exports for meetings: the deck as one offline HTML file, and print layouts as PNG and PDF.

* :func:`export_deck_html` — the presentation map (:mod:`lukou_geo.meeting.present`) with every script,
  stylesheet and the layer data inlined (:func:`lukou_geo.map.assets.render_standalone`): it opens
  from ``file://`` or a USB stick with no network and steps through the deck with the keyboard.
* :func:`export_print` — a print layout (A4/A3, landscape/portrait) with title, the map of the
  visible layers drawn with the catalog's colours and the precision dash styles, legend with
  precision, scale bar, north arrow, data sources, date and the 审图 note. PNG is drawn by
  matplotlib; PDF is laid out by fpdf2 with the map as an image and every text (title, legend,
  notes) as real text in the embedded Noto Sans SC font, so it renders anywhere and can be
  searched and copied.

The page furniture (legend, scale bar, north arrow, notes) is drawn once, in page millimetres,
through a two-method-family canvas with a matplotlib and an fpdf2 implementation. It is written
here because neither library has a print-layout engine, and matplotlib's own legend/scale
helpers would not carry over to the PDF's vector text.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")  # no display: always the raster backend (before pyplot is imported)
import matplotlib.pyplot as plt
from fpdf import FPDF
from matplotlib import patheffects
from matplotlib.colors import to_rgba
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, Polygon, Rectangle
from pyproj import Transformer

from lukou_geo.catalog import PRECISION_LABELS, Catalog, Layer
from lukou_geo.errors import ExportError
from lukou_geo.map import assets
from lukou_geo.map.render import PRECISION_DASH, feature_style
from lukou_geo.meeting.deck import Deck, bounds_of
from lukou_geo.meeting.present import build_deck_map
from lukou_geo.output.fonts import cjk_font_path
from lukou_geo.settings import MEASURE_CRS

#: Paper sizes in millimetres (portrait width, height), ISO 216.
PAPER_MM: dict[str, tuple[int, int]] = {"A4": (210, 297), "A3": (297, 420)}
ORIENTATIONS = ("landscape", "portrait")
PX_TO_PT = 0.75  # a CSS pixel is 0.75 pt: map styles are in pixels, print lines in points
PT_TO_MM = 25.4 / 72
MAP_BACKGROUND = "#f6f5f0"
HIGHLIGHT = "#ffb300"

PRINT_TEXT = {
    "zh": {
        "atlas": "渌口规划一张图 · 《株洲市渌口区“十四五”规划和二〇三五年远景目标纲要》",
        "legend": "图例", "precision_key": "线型表示精度",
        "sources": "数据来源", "date": "制图日期", "crs": "坐标系:CGCS2000(WGS-84),量算:CGCS2000 3度带 CM114E",
        "review": "审图提示:本图为规划示意图,不是标准地图,不作权属和界线依据;公开出版、展示或登载的地图须依法送审,取得审图号。",
        "honesty": "示意要素据规划文字绘制,形状和位置仅为示意(虚线);近似要素为推算(点线)。",
        "north": "北",
    },
    "en": {
        "atlas": "Lukou Planning Atlas · Lukou District 14th Five-Year Plan and 2035 vision",
        "legend": "Legend", "precision_key": "Line style shows precision",
        "sources": "Sources", "date": "Date", "crs": "CRS: CGCS2000 (= WGS-84); measured in CGCS2000 3° GK CM114E",
        "review": "审图 note: a schematic planning map, not a standard map and no basis for boundaries or titles; "
                  "maps for publication need official map review (审图) and a review number.",
        "honesty": "Schematic features are drawn from the plan's words (dashed); approximate ones are derived (dotted).",
        "north": "N",
    },
}


# ------------------------------------------------------------------------------- deck HTML


def export_deck_html(catalog: Catalog, data: dict[str, dict[str, Any]], deck: Deck, lang: str = "zh") -> str:
    """The deck as one self-contained HTML page (vector basemap; no request leaves the file).

    Raises
    ------
    lukou_geo.map.assets.AssetError
        when a script or stylesheet has no vendored copy, or the page would load anything
        from outside.
    """
    m = build_deck_map(catalog, data, deck, lang=lang, basemap="vector", measure=True)
    html = assets.render_standalone(m)
    title = f"<title>{_esc(deck.title(lang))}</title>"
    html = html.replace("<head>", "<head>\n" + title, 1)
    external = assets.find_external_urls(html)
    if external:
        raise assets.AssetError(f"the exported deck would load {external}; it must be self-contained")
    return html


def _esc(s: str) -> str:
    import html as _html

    return _html.escape(s, quote=True)


# ---------------------------------------------------------------------------- print layout


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
        raise ExportError(f"paper {paper!r} must be one of {', '.join(PAPER_MM)}")
    if orientation not in ORIENTATIONS:
        raise ExportError(f"orientation {orientation!r} must be landscape or portrait")
    w, h = PAPER_MM[paper]
    return (float(h), float(w)) if orientation == "landscape" else (float(w), float(h))


def png_size_px(paper: str, orientation: str, dpi: int) -> tuple[int, int]:
    """Pixel size of the PNG of a page at ``dpi``."""
    w, h = page_size_mm(paper, orientation)
    return round(w / 25.4 * dpi), round(h / 25.4 * dpi)


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    w: float
    h: float


def _layout(w: float, h: float, orientation: str, paper: str) -> dict[str, _Box]:
    m = 10.0
    k = min(w, h) / 210  # text and furniture grow with the paper
    title_h = 17 * k
    footer_h = 20 * k
    y0, y1 = m + title_h + 2, h - m - footer_h - 2
    if orientation == "landscape":
        lw = 72 * k
        mp = _Box(m, y0, w - 2 * m - lw - 5, y1 - y0)
        lg = _Box(mp.x + mp.w + 5, y0, lw, y1 - y0)
    else:
        lh = (y1 - y0) * 0.27
        mp = _Box(m, y0, w - 2 * m, y1 - y0 - lh - 4)
        lg = _Box(m, mp.y + mp.h + 4, w - 2 * m, lh)
    return {"title": _Box(m, m, w - 2 * m, title_h), "map": mp, "legend": lg,
            "footer": _Box(m, h - m - footer_h, w - 2 * m, footer_h), "k": _Box(k, 0, 0, 0)}


class _Measure:
    """Text widths from the font itself (fpdf2's metrics), shared by both canvases."""

    def __init__(self) -> None:
        self.pdf = FPDF(unit="mm")
        self.pdf.add_font("noto", fname=str(cjk_font_path()))
        self.pdf.set_font("noto", size=10)

    def width(self, text: str, size: float) -> float:
        self.pdf.set_font_size(size)
        return float(self.pdf.get_string_width(text))


def _wrap(measure: _Measure, text: str, width: float, size: float) -> list[str]:
    """Greedy wrap at characters (CJK has no spaces), preferring a break after a space."""
    lines: list[str] = []
    cur = ""
    for ch in text:
        if measure.width(cur + ch, size) > width and cur:
            cut = cur.rfind(" ")
            if cut > len(cur) * 0.6:
                lines.append(cur[:cut])
                cur = cur[cut + 1:]
            else:
                lines.append(cur)
                cur = ""
        cur += ch
    if cur:
        lines.append(cur)
    return lines


class _MplCanvas:
    """Page canvas on a matplotlib figure (millimetres from the top-left corner)."""

    def __init__(self, fig: Any, w: float, h: float, font: FontProperties):
        self.fig, self.W, self.H, self.font = fig, w, h, font

    def _xy(self, x: float, y: float) -> tuple[float, float]:
        return x / self.W, 1 - y / self.H

    def text(self, x: float, y: float, s: str, size: float, color: str = "#212121", align: str = "left") -> None:
        X, Y = self._xy(x, y)
        self.fig.text(X, Y, s, fontproperties=self.font, fontsize=size, color=color, ha=align, va="top")

    def line(self, x1: float, y1: float, x2: float, y2: float, color: str, width: float,
             dash: tuple[float, float] | None = None, alpha: float = 1.0) -> None:
        (X1, Y1), (X2, Y2) = self._xy(x1, y1), self._xy(x2, y2)
        ls = (0, dash) if dash else "solid"
        self.fig.add_artist(Line2D([X1, X2], [Y1, Y2], transform=self.fig.transFigure, color=color,
                                   linewidth=width, linestyle=ls, alpha=alpha, solid_capstyle="butt"))

    def rect(self, x: float, y: float, w: float, h: float, fill: tuple | None = None, stroke: str | None = None,
             width: float = 0.5, dash: tuple[float, float] | None = None) -> None:
        X, Y = self._xy(x, y + h)
        self.fig.add_artist(Rectangle((X, Y), w / self.W, h / self.H, transform=self.fig.transFigure,
                                      facecolor=fill if fill else "none", edgecolor=stroke or "none",
                                      linewidth=width if stroke else 0, linestyle=(0, dash) if dash else "solid"))

    def circle(self, cx: float, cy: float, r: float, fill: tuple | None, stroke: str | None, width: float,
               dash: tuple[float, float] | None = None) -> None:
        X, Y = self._xy(cx, cy)
        self.fig.add_artist(Ellipse((X, Y), 2 * r / self.W, 2 * r / self.H, transform=self.fig.transFigure,
                                    facecolor=fill if fill else "none", edgecolor=stroke or "none", linewidth=width,
                                    linestyle=(0, dash) if dash else "solid"))

    def polygon(self, pts: list[tuple[float, float]], fill: str) -> None:
        self.fig.add_artist(Polygon([self._xy(x, y) for x, y in pts], closed=True, transform=self.fig.transFigure,
                                    facecolor=fill, edgecolor=fill))


class _PdfCanvas:
    """Page canvas on an fpdf2 page (millimetres from the top-left corner; text stays text)."""

    def __init__(self, pdf: FPDF):
        self.pdf = pdf

    def _color(self, c: str) -> tuple[int, int, int]:
        r, g, b, _ = to_rgba(c)
        return round(r * 255), round(g * 255), round(b * 255)

    def _dash(self, dash: tuple[float, float] | None) -> None:
        if dash:
            self.pdf.set_dash_pattern(dash=dash[0] * PT_TO_MM, gap=dash[1] * PT_TO_MM)
        else:
            self.pdf.set_dash_pattern()

    def text(self, x: float, y: float, s: str, size: float, color: str = "#212121", align: str = "left") -> None:
        self.pdf.set_font("noto", size=size)
        self.pdf.set_text_color(*self._color(color))
        if align != "left":
            w = self.pdf.get_string_width(s)
            x = x - w if align == "right" else x - w / 2
        self.pdf.text(x, y + size * PT_TO_MM * 0.88, s)  # y is the top of the line; text() takes the baseline

    def line(self, x1: float, y1: float, x2: float, y2: float, color: str, width: float,
             dash: tuple[float, float] | None = None, alpha: float = 1.0) -> None:
        self.pdf.set_draw_color(*self._color(color))
        self.pdf.set_line_width(width * PT_TO_MM)
        self._dash(dash)
        with self.pdf.local_context(stroke_opacity=alpha):
            self.pdf.line(x1, y1, x2, y2)
        self._dash(None)

    def _style(self, fill: tuple | None, stroke: str | None, width: float, dash: tuple[float, float] | None) -> str:
        if fill:
            self.pdf.set_fill_color(*self._color(fill[:3] if len(fill) == 4 else fill))  # type: ignore[arg-type]
        if stroke:
            self.pdf.set_draw_color(*self._color(stroke))
            self.pdf.set_line_width(width * PT_TO_MM)
        self._dash(dash)
        return ("F" if fill else "") + ("D" if stroke else "")

    def rect(self, x: float, y: float, w: float, h: float, fill: tuple | None = None, stroke: str | None = None,
             width: float = 0.5, dash: tuple[float, float] | None = None) -> None:
        style = self._style(fill, stroke, width, dash)
        alpha = fill[3] if fill and len(fill) == 4 else 1.0
        with self.pdf.local_context(fill_opacity=alpha):
            self.pdf.rect(x, y, w, h, style=style or "D")
        self._dash(None)

    def circle(self, cx: float, cy: float, r: float, fill: tuple | None, stroke: str | None, width: float,
               dash: tuple[float, float] | None = None) -> None:
        style = self._style(fill, stroke, width, dash)
        alpha = fill[3] if fill and len(fill) == 4 else 1.0
        with self.pdf.local_context(fill_opacity=alpha):
            self.pdf.ellipse(cx - r, cy - r, 2 * r, 2 * r, style=style or "D")
        self._dash(None)

    def polygon(self, pts: list[tuple[float, float]], fill: str) -> None:
        self.pdf.set_fill_color(*self._color(fill))
        self.pdf.set_draw_color(*self._color(fill))
        self.pdf.polygon(pts, style="DF")


def _dash_pt(style: dict[str, Any]) -> tuple[float, float] | None:
    d = style.get("dashArray")
    if not d:
        return None
    a, b = (float(x) * PX_TO_PT for x in d.split())
    return a, b


def _rgba(color: str, alpha: float) -> tuple[float, float, float, float]:
    r, g, b, _ = to_rgba(color)
    return r, g, b, alpha


# ---------------------------------------------------------------------------------- the map


@dataclass
class _MapFrame:
    """The map's extent in the measuring CRS, fitted to the map box's aspect ratio."""

    minx: float
    miny: float
    maxx: float
    maxy: float

    @property
    def m_per_mm_x(self) -> float:
        return self.maxx - self.minx


def _frame(bounds: list[list[float]], box: _Box) -> _MapFrame:
    (s, w), (n, e) = bounds
    tr = Transformer.from_crs("EPSG:4326", MEASURE_CRS, always_xy=True)
    xs, ys = [], []
    for i in range(11):  # densify the edges: the GK projection bends them
        t = i / 10
        for lon, lat in ((w + (e - w) * t, s), (w + (e - w) * t, n), (w, s + (n - s) * t), (e, s + (n - s) * t)):
            x, y = tr.transform(lon, lat)
            xs.append(x)
            ys.append(y)
    minx, maxx, miny, maxy = min(xs), max(xs), min(ys), max(ys)
    pad = 0.04 * max(maxx - minx, maxy - miny)
    minx, maxx, miny, maxy = minx - pad, maxx + pad, miny - pad, maxy + pad
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    want = box.w / box.h
    ew, eh = maxx - minx, maxy - miny
    if ew / eh < want:
        ew = eh * want
    else:
        eh = ew / want
    return _MapFrame(cx - ew / 2, cy - eh / 2, cx + ew / 2, cy + eh / 2)


def _visible_layers(catalog: Catalog, spec: PrintSpec, data: dict[str, dict[str, Any]]) -> list[Layer]:
    known = {lyr.id for lyr in catalog.layers}
    unknown = [lid for lid in spec.layers if lid not in known]
    if unknown:
        raise ExportError(f"unknown layer(s) {', '.join(unknown)}: use catalog layer ids (layers/*.toml)")
    return [lyr for lyr in catalog.layers if lyr.id in spec.layers and lyr.id in data]


def _draw_map(ax: Any, catalog: Catalog, data: dict[str, dict[str, Any]], spec: PrintSpec, frame: _MapFrame,
              font: FontProperties, k: float) -> None:
    ax.set_xlim(frame.minx, frame.maxx)
    ax.set_ylim(frame.miny, frame.maxy)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.add_patch(Rectangle((frame.minx, frame.miny), frame.maxx - frame.minx, frame.maxy - frame.miny,
                           facecolor=MAP_BACKGROUND, edgecolor="none", zorder=0))
    labels: list[tuple[float, float, str, bool]] = []
    z = 1
    for layer in _visible_layers(catalog, spec, data):
        feats = data[layer.id]["features"]
        if not feats:
            continue
        gdf = gpd.GeoDataFrame.from_features(feats, crs="EPSG:4326").to_crs(MEASURE_CRS)
        for prec in PRECISION_DASH:
            part = gdf[gdf["precision"] == prec]
            if part.empty:
                continue
            st = feature_style(layer, prec)
            dash = _dash_pt(st)
            ls = (0, dash) if dash else "solid"
            lw = float(st["weight"]) * PX_TO_PT
            edge = _rgba(st["color"], float(st.get("opacity", 1.0)))
            if layer.geometry == "polygon":
                part.plot(ax=ax, facecolor=_rgba(st["fillColor"], float(st["fillOpacity"])), edgecolor=edge,
                          linewidth=lw, linestyle=ls, zorder=z)
            elif layer.geometry == "line":
                part.plot(ax=ax, color=edge, linewidth=lw, linestyle=ls, zorder=z)
            else:
                pts = part.geometry.explode(index_parts=False)
                ax.scatter(pts.x, pts.y, s=(float(st.get("radius", 6)) * 2 * PX_TO_PT * k) ** 2,
                           facecolors=[_rgba(st["fillColor"], float(st["fillOpacity"]))], edgecolors=[edge],
                           linewidths=lw, linestyles=[ls], zorder=z + 0.5)
            z += 1
        hl = gdf[gdf["id"].isin(spec.highlight)]
        if not hl.empty:
            hl.plot(ax=ax, facecolor="none", edgecolor=HIGHLIGHT, linewidth=3 * k, zorder=50)
        if layer.label:
            name_key = "name_en" if spec.lang == "en" else "name"
            for _, row in gdf.iterrows():
                p = row.geometry if row.geometry.geom_type == "Point" else row.geometry.representative_point()
                labels.append((p.x, p.y, str(row[name_key]), layer.role == "context"))
    for x, y, text, ctx in labels:
        if frame.minx < x < frame.maxx and frame.miny < y < frame.maxy:
            ax.annotate(text, (x, y), xytext=(4, 3), textcoords="offset points", fontproperties=font,
                        fontsize=(7.5 if ctx else 7) * k, color="#9e9e9e" if ctx else "#37474f", zorder=60,
                        path_effects=[patheffects.withStroke(linewidth=2, foreground="white")])


def _render_map_png(catalog: Catalog, data: dict[str, dict[str, Any]], spec: PrintSpec, box: _Box,
                    frame: _MapFrame, font: FontProperties, k: float) -> bytes:
    fig = plt.figure(figsize=(box.w / 25.4, box.h / 25.4), dpi=spec.dpi)
    try:
        with matplotlib.rc_context({"lines.scale_dashes": False}):
            ax = fig.add_axes((0, 0, 1, 1))
            _draw_map(ax, catalog, data, spec, frame, font, k)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=spec.dpi)
    finally:
        plt.close(fig)
    return buf.getvalue()


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


def _swatch(cv: Any, layer: Layer, prec: str, x: float, y: float, w: float, h: float, k: float) -> None:
    st = feature_style(layer, prec)
    dash = _dash_pt(st)
    lw = min(float(st["weight"]), 4) * PX_TO_PT
    if layer.geometry == "line":
        cv.line(x, y + h / 2, x + w, y + h / 2, st["color"], lw, dash)
    elif layer.geometry == "point":
        cv.circle(x + w / 2, y + h / 2, h * 0.32, _rgba(st["fillColor"], float(st["fillOpacity"])), st["color"], lw, dash)
    else:
        cv.rect(x, y + h * 0.12, w, h * 0.76, _rgba(st["fillColor"], max(float(st["fillOpacity"]), 0.15)),
                st["color"], lw, dash)


def _draw_legend(cv: Any, measure: _Measure, catalog: Catalog, data: dict[str, dict[str, Any]], spec: PrintSpec,
                 box: _Box, k: float) -> None:
    t = PRINT_TEXT[spec.lang]
    size = 8.5 * k
    row_h = size * PT_TO_MM * 1.55
    cv.rect(box.x, box.y, box.w, box.h, fill=(1, 1, 1, 1), stroke="#b0bec5", width=0.5)
    cv.text(box.x + 3, box.y + 2.5, t["legend"], 12 * k)
    rows: list[tuple[str, Layer | None, str, str]] = legend_entries(catalog, data, spec.layers, spec.lang)
    key = Layer(id="k", title_zh="", title_en="", group="", file="", geometry="line",
                style={"color": "#555555", "weight": 2}, source="", licence="")
    rows.append(("group", None, "", t["precision_key"]))
    for prec in ("official", "approximate", "schematic"):
        label = PRECISION_LABELS[prec][spec.lang]
        if prec == "official":
            label = "官方边界 / 定位点" if spec.lang == "zh" else "official boundary / located point"
        rows.append(("item", key, prec, label))
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
            _swatch(cv, layer, prec, x, y, sw, row_h * 0.8, k)
            lines = _wrap(measure, text, col_w - sw - 4, size)
            cv.text(x + sw + 2, y + 0.3, lines[0] + ("…" if len(lines) > 1 else ""), size)


def _nice_length(max_m: float) -> float:
    exp = 10 ** math.floor(math.log10(max_m))
    for f in (5, 2, 1):
        if f * exp <= max_m:
            return f * exp
    return exp


def _draw_scale_and_north(cv: Any, box: _Box, frame: _MapFrame, lang: str, k: float) -> None:
    m_per_mm = (frame.maxx - frame.minx) / box.w
    length_m = _nice_length(box.w * 0.22 * m_per_mm)
    bar_mm = length_m / m_per_mm
    x0, y0 = box.x + 6, box.y + box.h - 12 * k
    size = 7.5 * k
    cv.rect(x0 - 3, y0 - size * PT_TO_MM * 1.5 - 2, bar_mm + 16 * k, 9 * k + size * PT_TO_MM * 1.5,
            fill=(1, 1, 1, 0.85))
    h = 1.6 * k
    for i in range(4):
        cv.rect(x0 + i * bar_mm / 4, y0, bar_mm / 4, h, fill=(0.13, 0.13, 0.13, 1) if i % 2 == 0 else (1, 1, 1, 1),
                stroke="#212121", width=0.4)
    km = length_m / 1000
    for frac in (0, 0.5, 1):
        v = km * frac
        label = f"{v:g}" + (" km" if frac == 1 else "")
        cv.text(x0 + bar_mm * frac, y0 - size * PT_TO_MM * 1.35, label, size, align="center")
    # north arrow: grid north of the GK projection; at 113.1°E it is 0.4° from true north
    nx, ny = box.x + box.w - 12 * k, box.y + 8 * k
    s = 5 * k
    cv.polygon([(nx, ny), (nx - s * 0.55, ny + s * 1.6), (nx, ny + s * 1.15)], "#212121")
    cv.polygon([(nx, ny), (nx + s * 0.55, ny + s * 1.6), (nx, ny + s * 1.15)], "#9e9e9e")
    cv.text(nx, ny + s * 1.8, PRINT_TEXT[lang]["north"] + (" N" if lang == "zh" else ""), 9 * k, align="center")


def _draw_page(cv: Any, measure: _Measure, catalog: Catalog, data: dict[str, dict[str, Any]], spec: PrintSpec,
               lay: dict[str, _Box], frame: _MapFrame) -> None:
    k = lay["k"].x
    t = PRINT_TEXT[spec.lang]
    tb, fb, mb = lay["title"], lay["footer"], lay["map"]
    cv.text(tb.x, tb.y, spec.title, 20 * k)
    cv.text(tb.x, tb.y + 20 * k * PT_TO_MM * 1.3, spec.subtitle or t["atlas"], 9 * k, color="#546e7a")
    date = (spec.date or _dt.date.today()).isoformat()
    cv.text(tb.x + tb.w, tb.y + 2, f"{t['date']}: {date}", 9 * k, color="#546e7a", align="right")
    cv.rect(mb.x, mb.y, mb.w, mb.h, stroke="#37474f", width=0.8)
    _draw_scale_and_north(cv, mb, frame, spec.lang, k)
    _draw_legend(cv, measure, catalog, data, spec, lay["legend"], k)
    size = 6.8 * k
    lh = size * PT_TO_MM * 1.35
    sources: list[str] = []
    for lyr in _visible_layers(catalog, spec, data):
        if lyr.source not in sources:
            sources.append(lyr.source)
    lines = _wrap(measure, f"{t['sources']}: " + "; ".join(sources), fb.w, size)[:3]
    lines += [t["crs"] + " · " + t["honesty"]]
    lines += _wrap(measure, t["review"], fb.w, size)[:2]
    for i, line in enumerate(lines[: int(fb.h // lh)]):
        cv.text(fb.x, fb.y + i * lh, line, size, color="#263238" if "审图" in line else "#546e7a")


def _prepare(catalog: Catalog, data: dict[str, dict[str, Any]], spec: PrintSpec) -> tuple[Any, ...]:
    w, h = page_size_mm(spec.paper, spec.orientation)
    if not spec.layers:
        raise ExportError("no visible layers to print: choose at least one layer")
    _visible_layers(catalog, spec, data)
    lay = _layout(w, h, spec.orientation, spec.paper)
    bounds = spec.bounds or bounds_of([data["district"]])
    frame = _frame(bounds, lay["map"])
    font = FontProperties(fname=str(cjk_font_path()))
    return w, h, lay, frame, font


def export_print(catalog: Catalog, data: dict[str, dict[str, Any]], spec: PrintSpec, fmt: str = "pdf") -> bytes:
    """The print layout as PDF or PNG bytes (page size exact: ISO A4/A3, chosen orientation).

    Parameters
    ----------
    fmt : "pdf" (vector text in the embedded CJK font, the map as a ``spec.dpi`` image) or
          "png" (the whole page at ``spec.dpi``).
    """
    if fmt not in ("pdf", "png"):
        raise ExportError(f"format {fmt!r} must be pdf or png")
    w, h, lay, frame, font = _prepare(catalog, data, spec)
    measure = _Measure()
    k = lay["k"].x
    if fmt == "png":
        pw, ph = png_size_px(spec.paper, spec.orientation, spec.dpi)
        # +0.3 px: matplotlib truncates width × dpi, so aim just above the exact pixel count
        fig = plt.figure(figsize=((pw + 0.3) / spec.dpi, (ph + 0.3) / spec.dpi), dpi=spec.dpi, facecolor="white")
        try:
            with matplotlib.rc_context({"lines.scale_dashes": False}):
                mb = lay["map"]
                ax = fig.add_axes((mb.x / w, 1 - (mb.y + mb.h) / h, mb.w / w, mb.h / h))
                _draw_map(ax, catalog, data, spec, frame, font, k)
                _draw_page(_MplCanvas(fig, w, h, font), measure, catalog, data, spec, lay, frame)
                buf = io.BytesIO()
                fig.savefig(buf, format="png", dpi=spec.dpi, facecolor="white")
        finally:
            plt.close(fig)
        return buf.getvalue()
    pdf = FPDF(orientation="L" if spec.orientation == "landscape" else "P", unit="mm", format=spec.paper)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font("noto", fname=str(cjk_font_path()))
    pdf.set_title(spec.title)
    pdf.set_creator("渌口规划一张图 Lukou Planning Atlas")
    pdf.add_page()
    mb = lay["map"]
    png = _render_map_png(catalog, data, spec, mb, frame, font, k)
    pdf.image(io.BytesIO(png), x=mb.x, y=mb.y, w=mb.w, h=mb.h)
    _draw_page(_PdfCanvas(pdf), measure, catalog, data, spec, lay, frame)
    return bytes(pdf.output())


def spec_for_slide(deck: Deck, index: int, data: dict[str, dict[str, Any]], lang: str = "zh", **kw: Any) -> PrintSpec:
    """A print spec for one slide of a deck (its title, layers, extent and highlights)."""
    from lukou_geo.meeting.deck import slide_bounds

    s = deck.slides[index]
    layers = tuple(lid for lid in [*deck.base_layers, *s.layers] if lid in data)
    return PrintSpec(title=s.title(lang), layers=layers, bounds=slide_bounds(s, data), highlight=s.highlight,
                     lang=lang, subtitle=deck.title(lang), **kw)
