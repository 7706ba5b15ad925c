"""The one map renderer for files: print layouts (:mod:`lukou_geo.meeting.printing`) and the maps of
check reports (:mod:`lukou_geo.sitecheck.report.document`) are drawn here, with one scale bar and
one north arrow.

Maps are drawn in the measuring CRS (EPSG:4547, metres), so the scale bar is true; geometries come
in EPSG:4547 or WGS-84 lon/lat (:func:`to_metric`). Catalog layers take their look from
:func:`lukou_geo.map.style.feature_style`, the same function as the screen: the dash of each
precision (a schematic line is dashed, an approximate one dotted, never solid like a surveyed one),
colours, widths (screen pixels drawn as 0.75 pt) and fills. Extra geometries (a report's projects)
come with their own :class:`Paint`.

Drawing uses matplotlib's object API (:class:`~matplotlib.figure.Figure` on an Agg canvas, one
collection per layer and precision); ``matplotlib.pyplot`` is never imported. Page furniture
(scale bar, north arrow, legend, notes) is drawn in millimetres through a *page canvas*:
:class:`MplCanvas` here, :class:`lukou_geo.output.pdf.PdfWriter` for PDF pages, whose text stays
text.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
import shapely
from matplotlib import patheffects, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.patches import Ellipse, Rectangle
from matplotlib.patches import Polygon as MplPolygon
from matplotlib.path import Path as MplPath
from matplotlib.transforms import IdentityTransform

from lukou_geo.catalog import Catalog, Layer
from lukou_geo.map.style import PRECISION_DASH, feature_style
from lukou_geo.output.fonts import cjk_font_path
from lukou_geo.output.sinks import figure_text
from lukou_geo.settings import MEASURE_CRS, STORAGE_CRS

PX_TO_PT = 0.75  # a CSS pixel is 0.75 pt: map styles are in pixels, print lines in points
PT_TO_MM = 25.4 / 72
MAP_BACKGROUND = "#f6f5f0"
HIGHLIGHT = "#ffb300"

RGBA = tuple[float, float, float, float]


# ------------------------------------------------------------------------------ geometry


@dataclass(frozen=True)
class Box:
    """A rectangle in page millimetres from the top-left corner."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Frame:
    """The extent of a map in EPSG:4547 metres."""

    minx: float
    miny: float
    maxx: float
    maxy: float

    @property
    def width(self) -> float:
        return self.maxx - self.minx

    @property
    def height(self) -> float:
        return self.maxy - self.miny


def fit_frame(minx: float, miny: float, maxx: float, maxy: float, aspect: float, pad: float = 0.0,
              pad_m: float = 0.0) -> Frame:
    """The extent grown by ``pad`` × its longer side plus ``pad_m`` metres on every side, then widened
    or heightened about its centre to ``aspect`` (width / height of the map box)."""
    grow = pad * max(maxx - minx, maxy - miny) + pad_m
    minx, maxx, miny, maxy = minx - grow, maxx + grow, miny - grow, maxy + grow
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    ew, eh = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    if ew / eh < aspect:
        ew = eh * aspect
    else:
        eh = ew / aspect
    return Frame(cx - ew / 2, cy - eh / 2, cx + ew / 2, cy + eh / 2)


def to_metric(geoms: Any, crs: str = STORAGE_CRS) -> np.ndarray:
    """Shapely geometries in ``crs`` (WGS-84 lon/lat by default) → EPSG:4547, exactly as the site check
    projects them (:func:`lukou_geo.crs.to_metric` for WGS-84)."""
    arr = np.asarray(geoms, dtype=object)
    if crs == MEASURE_CRS or not len(arr):
        return arr
    if crs == STORAGE_CRS:
        from lukou_geo.crs import to_metric as _metric

        return np.asarray(_metric(arr), dtype=object)
    import geopandas as gpd

    return gpd.GeoSeries(arr, crs=crs).to_crs(MEASURE_CRS).values.to_numpy()


def frame_of_lonlat(bounds: list[list[float]], aspect: float, pad: float = 0.04) -> Frame:
    """The frame of [[s, w], [n, e]] (WGS-84) in EPSG:4547, fitted to ``aspect`` (edges densified:
    the Gauss-Krüger projection bends them)."""
    (s, w), (n, e) = bounds
    t = np.linspace(0, 1, 11)
    lon = np.concatenate([w + (e - w) * t, w + (e - w) * t, np.full(11, w), np.full(11, e)])
    lat = np.concatenate([np.full(11, s), np.full(11, n), s + (n - s) * t, s + (n - s) * t])
    xy = shapely.get_coordinates(to_metric(shapely.points(lon, lat)))
    return fit_frame(float(xy[:, 0].min()), float(xy[:, 1].min()), float(xy[:, 0].max()), float(xy[:, 1].max()), aspect, pad=pad)


# -------------------------------------------------------------------------------- styles


@dataclass(frozen=True)
class Paint:
    """How to draw shapes: fill and outline colours (RGBA 0–1, None = none), outline width and dash
    in points, and for points the marker ("o", "*") and its diameter in points."""

    face: RGBA | None = None
    edge: RGBA | None = None
    width: float = 1.0
    dash: tuple[float, float] | None = None
    marker: str = "o"
    size: float = 6.0


def rgba(color: str, alpha: float = 1.0) -> RGBA:
    r, g, b, _ = to_rgba(color)
    return r, g, b, alpha


def dash_pt(style: dict[str, Any]) -> tuple[float, float] | None:
    """The Leaflet ``dashArray`` of a style (pixels) as an (on, off) pattern in points."""
    d = style.get("dashArray")
    if not d:
        return None
    a, b = (float(x) * PX_TO_PT for x in d.split())
    return a, b


def layer_paint(layer: Layer, precision: str, k: float = 1.0) -> Paint:
    """The look of ``layer``'s features of ``precision``, as on the screen (``k`` scales point markers)."""
    st = feature_style(layer, precision)
    edge = rgba(st["color"], float(st.get("opacity", 1.0)))
    lw = float(st["weight"]) * PX_TO_PT
    dash = dash_pt(st)
    if layer.geometry == "line":
        return Paint(edge=edge, width=lw, dash=dash)
    face = rgba(st["fillColor"], float(st["fillOpacity"]))
    if layer.geometry == "point":
        return Paint(face=face, edge=edge, width=lw, dash=dash, size=float(st.get("radius", 6)) * 2 * PX_TO_PT * k)
    if st.get("stroke") is False:
        return Paint(face=face, edge=None, width=0.0)
    return Paint(face=face, edge=edge, width=lw, dash=dash)


@dataclass(frozen=True)
class Shapes:
    """Geometries (EPSG:4547) drawn with one paint at one depth."""

    geoms: np.ndarray
    paint: Paint
    z: float


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    size: float
    color: str


def layer_shapes(layer: Layer, geoms: np.ndarray, precisions: Sequence[str], z: float, k: float = 1.0) -> list[Shapes]:
    """One :class:`Shapes` per precision of the layer's features (EPSG:4547), in the order of
    :data:`PRECISION_DASH`, at depths ``z``, ``z + 1``, …"""
    prec = np.asarray(precisions, dtype=object)
    out = []
    for p in PRECISION_DASH:
        sel = prec == p
        if sel.any():
            out.append(Shapes(geoms[sel], layer_paint(layer, p, k), z + (0.5 if layer.geometry == "point" else 0)))
            z += 1
    return out


def catalog_shapes(catalog: Catalog, data: dict[str, dict[str, Any]], layer_ids: Sequence[str], frame: Frame,
                   k: float = 1.0, highlight: Sequence[str] = (), lang: str = "zh") -> tuple[list[Shapes], list[Label]]:
    """The shapes and labels of the catalog layers ``layer_ids`` (drawn in catalog order) from their
    GeoJSON (WGS-84); features whose id is in ``highlight`` get a highlight outline."""
    shapes: list[Shapes] = []
    labels: list[Label] = []
    z = 1.0
    name_key = "name_en" if lang == "en" else "name"
    for layer in catalog.layers:
        if layer.id not in layer_ids or layer.id not in data or not data[layer.id]["features"]:
            continue
        feats = data[layer.id]["features"]
        geoms = to_metric([shapely.geometry.shape(f["geometry"]) for f in feats])
        props = [f["properties"] for f in feats]
        drawn = layer_shapes(layer, geoms, [p["precision"] for p in props], z, k)
        shapes += drawn
        z += len(drawn)
        hl = np.array([p.get("id") in highlight for p in props], dtype=bool)
        if hl.any():
            shapes.append(Shapes(geoms[hl], Paint(edge=rgba(HIGHLIGHT), width=3 * k), 50))
        if layer.label:
            ctx = layer.role == "context"
            for g, p in zip(geoms, props, strict=True):
                pt = g if g.geom_type == "Point" else g.representative_point()
                if frame.minx < pt.x < frame.maxx and frame.miny < pt.y < frame.maxy:
                    labels.append(Label(pt.x, pt.y, str(p[name_key]), (7.5 if ctx else 7) * k, "#9e9e9e" if ctx else "#37474f"))
    return shapes, labels


# ------------------------------------------------------------------------------- drawing


@lru_cache(maxsize=1)
def cjk_font() -> FontProperties:
    """The CJK font for text in map images."""
    return FontProperties(fname=str(cjk_font_path()))


def new_figure(w_in: float, h_in: float, dpi: float) -> Figure:
    """A white figure of ``w_in`` × ``h_in`` inches on an Agg canvas."""
    fig = Figure(figsize=(w_in, h_in), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def png_bytes(fig: Figure, compress_level: int = 4) -> bytes:
    """The figure as an RGB PNG (no alpha channel: smaller, and embedded in PDFs as it is)."""
    from PIL import Image

    canvas = fig.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    canvas.draw()
    w, h = canvas.get_width_height(physical=True)
    img = Image.frombuffer("RGBA", (w, h), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=compress_level)
    return buf.getvalue()


def _polygon_paths(parts: np.ndarray) -> list[MplPath]:
    parts = shapely.orient_polygons(parts)  # shells counter-clockwise, holes clockwise: holes stay open
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    coords, coord_of = shapely.get_coordinates(rings, return_index=True)
    n = np.bincount(coord_of, minlength=len(rings))
    starts = np.concatenate([[0], np.cumsum(n)[:-1]])
    codes = np.full(len(coords), MplPath.LINETO, dtype=MplPath.code_type)
    codes[starts] = MplPath.MOVETO
    codes[starts + n - 1] = MplPath.CLOSEPOLY
    per_part = np.bincount(ring_of, weights=n, minlength=len(parts)).astype(int)
    bounds = np.concatenate([[0], np.cumsum(per_part)])
    return [MplPath(coords[a:b], codes[a:b]) for a, b in itertools.pairwise(bounds) if b > a]


def _line_segments(parts: np.ndarray) -> list[np.ndarray]:
    coords, of = shapely.get_coordinates(parts, return_index=True)
    cuts = np.flatnonzero(np.diff(of)) + 1
    return [c for c in np.split(coords, cuts) if len(c) > 1]


def _linestyle(paint: Paint) -> Any:
    return (0, paint.dash) if paint.dash else "solid"


def _draw_shapes(ax: Any, shapes: Shapes) -> None:
    parts = shapely.get_parts(shapes.geoms)
    parts = parts[~shapely.is_empty(parts)]
    if not len(parts):
        return
    dims = shapely.get_dimensions(parts)
    p = shapes.paint
    edge = p.edge if p.edge is not None else "none"
    lw = p.width if p.edge is not None else 0.0
    if (dims == 2).any():
        ax.add_collection(PathCollection(
            _polygon_paths(parts[dims == 2]), facecolors=[p.face] if p.face else "none", edgecolors=[edge],
            linewidths=[lw], linestyles=[_linestyle(p)], transform=ax.transData, zorder=shapes.z), autolim=False)
    if (dims == 1).any() and p.edge is not None:
        ax.add_collection(LineCollection(_line_segments(parts[dims == 1]), colors=[p.edge], linewidths=[p.width],
                                         linestyles=[_linestyle(p)], zorder=shapes.z, capstyle="butt"), autolim=False)
    if (dims == 0).any():
        xy = shapely.get_coordinates(parts[dims == 0])
        marker = MarkerStyle(p.marker)
        path = marker.get_path().transformed(marker.get_transform())
        col = PathCollection((path,), sizes=[p.size ** 2], offsets=xy, offset_transform=ax.transData,
                             facecolors=[p.face] if p.face else "none", edgecolors=[edge], linewidths=[lw],
                             linestyles=[_linestyle(p)], zorder=shapes.z)
        col.set_transform(IdentityTransform())
        ax.add_collection(col, autolim=False)


def draw_map(fig: Figure, rect: tuple[float, float, float, float], frame: Frame, shapes: Sequence[Shapes],
             labels: Sequence[Label] = (), background: str = MAP_BACKGROUND) -> Any:
    """Draw ``shapes`` (and ``labels``) into the part ``rect`` (left, bottom, width, height as
    fractions of the figure) showing ``frame``; the frame must have the rect's aspect ratio.
    No axis, tick or label is drawn. Returns the matplotlib axes."""
    ax = fig.add_axes(rect)
    ax.set_axis_off()
    ax.set_xlim(frame.minx, frame.maxx)
    ax.set_ylim(frame.miny, frame.maxy)
    ax.add_patch(Rectangle((frame.minx, frame.miny), frame.width, frame.height, facecolor=background,
                           edgecolor="none", zorder=0))
    with rc_context({"lines.scale_dashes": False}):  # dash lengths in points, whatever the width
        for s in shapes:
            _draw_shapes(ax, s)
    halo = [patheffects.withStroke(linewidth=2, foreground="white")]
    for lb in labels:
        ax.annotate(figure_text(lb.text), (lb.x, lb.y), xytext=(4, 3), textcoords="offset points", fontproperties=cjk_font(),
                    fontsize=lb.size, color=lb.color, zorder=60, path_effects=halo)
    return ax


# ------------------------------------------------------------------------- page furniture


class Canvas(Protocol):
    """A page in millimetres from the top-left corner (:class:`MplCanvas`, ``PdfWriter``)."""

    def text(self, x: float, y: float, s: str, size: float, color: str = ..., align: str = ...) -> None: ...

    def line(self, x1: float, y1: float, x2: float, y2: float, color: str, width: float,
             dash: tuple[float, float] | None = ..., alpha: float = ...) -> None: ...

    def rect(self, x: float, y: float, w: float, h: float, fill: tuple[float, ...] | None = ..., stroke: str | None = ...,
             width: float = ..., dash: tuple[float, float] | None = ...) -> None: ...

    def circle(self, cx: float, cy: float, r: float, fill: tuple[float, ...] | None, stroke: str | None, width: float,
               dash: tuple[float, float] | None = ...) -> None: ...

    def polygon(self, pts: list[tuple[float, float]], fill: str) -> None: ...


def _unscaled(dash: tuple[float, float] | None) -> Any:
    """Dash lengths in points whatever the width, for a dashed stroke (``rc_context`` copies every setting:
    ≈ 3 ms each, so a solid stroke goes without it)."""
    return rc_context({"lines.scale_dashes": False}) if dash else contextlib.nullcontext()


class MplCanvas:
    """Page canvas on a matplotlib figure of ``w`` × ``h`` mm."""

    def __init__(self, fig: Figure, w: float, h: float):
        self.fig, self.W, self.H = fig, w, h

    def _xy(self, x: float, y: float) -> tuple[float, float]:
        return x / self.W, 1 - y / self.H

    def text(self, x: float, y: float, s: str, size: float, color: str = "#212121", align: str = "left") -> None:
        X, Y = self._xy(x, y)
        self.fig.text(X, Y, figure_text(s), fontproperties=cjk_font(), fontsize=size, color=color, ha=align, va="top")

    def line(self, x1: float, y1: float, x2: float, y2: float, color: str, width: float,
             dash: tuple[float, float] | None = None, alpha: float = 1.0) -> None:
        (X1, Y1), (X2, Y2) = self._xy(x1, y1), self._xy(x2, y2)
        ls = (0, dash) if dash else "solid"
        with _unscaled(dash):
            self.fig.add_artist(Line2D([X1, X2], [Y1, Y2], transform=self.fig.transFigure, color=color,
                                       linewidth=width, linestyle=ls, alpha=alpha, solid_capstyle="butt"))

    def rect(self, x: float, y: float, w: float, h: float, fill: tuple[float, ...] | None = None, stroke: str | None = None,
             width: float = 0.5, dash: tuple[float, float] | None = None) -> None:
        X, Y = self._xy(x, y + h)
        with _unscaled(dash):
            self.fig.add_artist(Rectangle((X, Y), w / self.W, h / self.H, transform=self.fig.transFigure,
                                          facecolor=fill if fill else "none", edgecolor=stroke or "none",
                                          linewidth=width if stroke else 0, linestyle=(0, dash) if dash else "solid"))

    def circle(self, cx: float, cy: float, r: float, fill: tuple[float, ...] | None, stroke: str | None, width: float,
               dash: tuple[float, float] | None = None) -> None:
        X, Y = self._xy(cx, cy)
        with _unscaled(dash):
            self.fig.add_artist(Ellipse((X, Y), 2 * r / self.W, 2 * r / self.H, transform=self.fig.transFigure,
                                        facecolor=fill if fill else "none", edgecolor=stroke or "none", linewidth=width,
                                        linestyle=(0, dash) if dash else "solid"))

    def polygon(self, pts: list[tuple[float, float]], fill: str) -> None:
        self.fig.add_artist(MplPolygon([self._xy(x, y) for x, y in pts], closed=True, transform=self.fig.transFigure,
                                       facecolor=fill, edgecolor=fill))


def nice_length(max_m: float) -> float:
    """The longest 1, 2 or 5 × 10ⁿ metres not above ``max_m``."""
    exp = 10 ** math.floor(math.log10(max_m))
    for f in (5, 2, 1):
        if f * exp <= max_m:
            return f * exp
    return exp


@dataclass(frozen=True)
class ScaleBar:
    """A scale bar: ``length_m`` drawn ``bar_mm`` long, labelled at 0, ½ and 1 (the last with "km")."""

    length_m: float
    bar_mm: float
    labels: tuple[tuple[float, str], ...]


def scale_bar(frame: Frame, box: Box) -> ScaleBar:
    """The scale bar of ``frame`` shown in ``box``: a round length of at most 22 % of the box width."""
    m_per_mm = frame.width / box.w
    length_m = nice_length(box.w * 0.22 * m_per_mm)
    km = length_m / 1000
    labels = tuple((frac, f"{km * frac:g}" + (" km" if frac == 1 else "")) for frac in (0, 0.5, 1))
    return ScaleBar(length_m, length_m / m_per_mm, labels)


def draw_scale_bar(cv: Canvas, box: Box, frame: Frame, k: float) -> ScaleBar:
    """Draw the scale bar in the bottom-left corner of the map ``box`` (page mm); return it."""
    bar = scale_bar(frame, box)
    x0, y0 = box.x + 6, box.y + box.h - 12 * k
    size = 7.5 * k
    cv.rect(x0 - 3, y0 - size * PT_TO_MM * 1.5 - 2, bar.bar_mm + 16 * k, 9 * k + size * PT_TO_MM * 1.5,
            fill=(1, 1, 1, 0.85))
    h = 1.6 * k
    for i in range(4):
        cv.rect(x0 + i * bar.bar_mm / 4, y0, bar.bar_mm / 4, h, fill=(0.13, 0.13, 0.13, 1) if i % 2 == 0 else (1, 1, 1, 1),
                stroke="#212121", width=0.4)
    for frac, label in bar.labels:
        cv.text(x0 + bar.bar_mm * frac, y0 - size * PT_TO_MM * 1.35, label, size, align="center")
    return bar


def draw_north_arrow(cv: Canvas, box: Box, k: float, label: str) -> None:
    """Draw the north arrow in the top-right corner of the map ``box``: grid north of the
    Gauss-Krüger projection, which at 113.1°E is 0.4° from true north."""
    nx, ny = box.x + box.w - 12 * k, box.y + 8 * k
    s = 5 * k
    cv.rect(nx - 6 * k, ny - 2 * k, 12 * k, 15.5 * k, fill=(1, 1, 1, 0.85))  # like the scale bar's backing
    cv.polygon([(nx, ny), (nx - s * 0.55, ny + s * 1.6), (nx, ny + s * 1.15)], "#212121")
    cv.polygon([(nx, ny), (nx + s * 0.55, ny + s * 1.6), (nx, ny + s * 1.15)], "#9e9e9e")
    cv.text(nx, ny + s * 1.8, label, 9 * k, align="center")
