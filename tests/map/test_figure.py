"""Tests of lukou_geo.map.figure, the one map renderer of print layouts and report maps: geometry lands
on the right pixels, the scale bar is true, precision dashes as on the screen, no pyplot."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest
import shapely
from PIL import Image

from lukou_geo.catalog import Layer
from lukou_geo.map.figure import (
    MAP_BACKGROUND,
    Box,
    Frame,
    MplCanvas,
    Paint,
    Shapes,
    draw_map,
    draw_north_arrow,
    draw_scale_bar,
    fit_frame,
    frame_of_lonlat,
    layer_paint,
    layer_shapes,
    new_figure,
    nice_length,
    png_bytes,
    rgba,
    scale_bar,
    to_metric,
)
from lukou_geo.settings import REPO_ROOT


def _pixels(fig) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png_bytes(fig))).convert("RGB")).astype(int)


def _line_layer(**style) -> Layer:
    return Layer(id="t", title_zh="测试", title_en="test", group="g", file="", geometry="line",
                 style={"color": "#000000", "weight": 4, **style}, source="", licence="")


def test_a_known_square_at_a_known_scale_lands_on_the_expected_pixels() -> None:
    # 1000 m × 1000 m on 500 × 500 px: 2 m per pixel; the square 200–400 m east, 600–800 m north
    fig = new_figure(5, 5, 100)
    square = np.array([shapely.box(200, 600, 400, 800)], dtype=object)
    draw_map(fig, (0, 0, 1, 1), Frame(0, 0, 1000, 1000), [Shapes(square, Paint(face=(1, 0, 0, 1)), 1)])
    px = _pixels(fig)
    assert px.shape == (500, 500, 3)
    red = (px[..., 0] > 200) & (px[..., 1] < 60) & (px[..., 2] < 60)
    ys, xs = np.nonzero(red)
    assert (xs.min(), xs.max(), ys.min(), ys.max()) == (100, 199, 100, 199)  # rows from the top: north is up
    assert red.sum() == 100 * 100
    bg = np.array([int(MAP_BACKGROUND[i:i + 2], 16) for i in (1, 3, 5)])
    assert (np.abs(px[50, 50] - bg) <= 1).all() and (np.abs(px[300, 300] - bg) <= 1).all()


def test_polygon_holes_stay_open_whatever_the_ring_orientation() -> None:
    shell = [(100, 100), (900, 100), (900, 900), (100, 900)]
    hole = [(400, 400), (600, 400), (600, 600), (400, 600)]  # wound like the shell
    fig = new_figure(5, 5, 100)
    geoms = np.array([shapely.Polygon(shell, [hole])], dtype=object)
    draw_map(fig, (0, 0, 1, 1), Frame(0, 0, 1000, 1000), [Shapes(geoms, Paint(face=(0, 0, 1, 1)), 1)])
    px = _pixels(fig)
    blue = (px[..., 2] > 200) & (px[..., 0] < 60)
    assert blue[100, 100] and blue[400, 400]  # in the shell
    assert not blue[250, 250] and not blue[210:290, 210:290].any()  # the hole (200–300 px) is open
    assert blue.sum() == 400 * 400 - 100 * 100


def test_scale_bar_length_in_pixels_matches_its_label() -> None:
    # 200 × 100 mm at 254 dpi (10 px per mm) showing 20 km: 100 m per mm, 10 m per pixel
    w_mm, h_mm, dpi = 200.0, 100.0, 254
    fig = new_figure(w_mm / 25.4, h_mm / 25.4, dpi)
    frame = Frame(0, 0, 20_000, 10_000)
    draw_map(fig, (0, 0, 1, 1), frame, [])
    box = Box(0, 0, w_mm, h_mm)
    bar = draw_scale_bar(MplCanvas(fig, w_mm, h_mm), box, frame, 1.0)
    assert bar.length_m == 2000 and bar.labels == ((0, "0"), (0.5, "1"), (1, "2 km"))
    px = _pixels(fig)
    y = round((box.y + box.h - 12 + 0.8) * 10)  # the middle of the bar's row of boxes
    dark = np.flatnonzero((px[y] < 80).all(axis=1))
    measured = dark.max() - dark.min() + 1
    m_per_px = frame.width / px.shape[1]
    assert measured == pytest.approx(bar.length_m / m_per_px, abs=3)  # 200 px = 2 km at 10 m per pixel


def test_scale_bar_picks_round_lengths() -> None:
    assert [nice_length(v) for v in (4400, 999, 1000, 2600, 74)] == [2000, 500, 1000, 2000, 50]
    bar = scale_bar(Frame(0, 0, 5000, 4000), Box(0, 0, 100, 80))  # 50 m per mm: at most 1.1 km
    assert bar.length_m == 1000 and bar.bar_mm == pytest.approx(20)
    assert [t for _f, t in bar.labels] == ["0", "0.5", "1 km"]


def _row_runs(precision: str) -> list[int]:
    """Lengths of the dark runs along a horizontal line of the test layer drawn with ``precision``."""
    fig = new_figure(8, 1, 100)
    line = np.array([shapely.LineString([(0, 50), (800, 50)])], dtype=object)
    shapes = layer_shapes(_line_layer(), line, [precision], 1)
    draw_map(fig, (0, 0, 1, 1), Frame(0, 0, 800, 100), shapes)
    row = (_pixels(fig)[50] < 100).all(axis=1)
    edges = np.flatnonzero(np.diff(np.r_[0, row.astype(int), 0]))
    return list(edges[1::2] - edges[::2])


def test_a_schematic_layer_is_drawn_dashed_and_an_official_one_solid() -> None:
    solid = _row_runs("official")
    dashed = _row_runs("schematic")
    dotted = _row_runs("approximate")
    assert solid == [800]
    # "9 6" screen pixels = 6.75 pt on, 4.5 pt off = 9.4 px and 6.25 px at 100 dpi: ~51 dashes on 800 px
    assert len(dashed) > 40 and all(7 <= r <= 12 for r in dashed[1:-1])
    # "2 5": 1.5 pt dots every 5.25 pt (7.3 px)
    assert len(dotted) > 90 and max(dotted[1:-1]) <= 4


def test_layer_paint_follows_the_screen_style() -> None:
    line = layer_paint(_line_layer(opacity=0.5), "schematic")
    assert line.face is None and line.edge == (0, 0, 0, 0.5) and line.width == 3 and line.dash == (6.75, 4.5)
    zones = Layer(id="z", title_zh="", title_en="", group="g", file="", geometry="polygon", source="", licence="",
                  style={"color": "#ef6c00", "fill_color": "#ffcc80", "fill_opacity": 0.25, "stroke": False})
    fills_only = layer_paint(zones, "schematic")
    assert fills_only.edge is None and fills_only.face == rgba("#ffcc80", 0.25)
    points = Layer(id="p", title_zh="", title_en="", group="g", file="", geometry="point", source="", licence="",
                   style={"color": "#212121", "fill_color": "#ffffff", "fill_opacity": 1.0, "radius": 6})
    assert layer_paint(points, "geocoded", k=2).size == pytest.approx(6 * 2 * 0.75 * 2)
    assert layer_paint(points, "schematic").face == rgba("#ffffff", 0.45)


def test_points_are_drawn_at_their_size() -> None:
    fig = new_figure(2, 2, 100)
    pt = np.array([shapely.Point(100, 100)], dtype=object)
    draw_map(fig, (0, 0, 1, 1), Frame(0, 0, 200, 200), [Shapes(pt, Paint(face=(0, 0, 0, 1), size=36), 1)])
    dark = (_pixels(fig) < 80).all(axis=2)
    ys, xs = np.nonzero(dark)
    assert xs.max() - xs.min() + 1 == pytest.approx(50, abs=2)  # 36 pt = 50 px at 100 dpi
    assert (xs.mean(), ys.mean()) == (pytest.approx(99.5, abs=1), pytest.approx(99.5, abs=1))


def test_frames_fit_the_box_and_hold_the_extent() -> None:
    f = fit_frame(0, 0, 100, 50, aspect=1.0)
    assert (f.width, f.height) == (100, 100) and (f.miny, f.maxy) == (-25, 75)
    f = fit_frame(0, 0, 100, 50, aspect=4.0, pad_m=10)
    assert f.height == 70 and f.width == 280
    bounds = [[27.4, 113.0], [27.8, 113.3]]
    f = frame_of_lonlat(bounds, aspect=1.5)
    assert f.width / f.height == pytest.approx(1.5)
    corners = to_metric([shapely.Point(113.0, 27.4), shapely.Point(113.3, 27.8)])
    for c in corners:
        assert f.minx < c.x < f.maxx and f.miny < c.y < f.maxy


def test_north_arrow_and_labels_draw_cjk_text() -> None:
    w, h = 60.0, 60.0
    fig = new_figure(w / 25.4, h / 25.4, 100)
    draw_map(fig, (0, 0, 1, 1), Frame(0, 0, 1000, 1000), [])
    draw_north_arrow(MplCanvas(fig, w, h), Box(0, 0, w, h), 1.0, "北 N")
    px = _pixels(fig)
    top_right = px[: px.shape[0] // 2, px.shape[1] // 2:]
    assert ((top_right < 60).all(axis=2)).sum() > 30  # the arrow's dark half and the label


def test_maps_need_neither_pyplot_nor_geopandas_plotting_nor_folium() -> None:
    code = (
        "import sys\n"
        "import geopandas as gpd\n"
        "def no(*a, **k): raise AssertionError('GeoSeries.plot was called')\n"
        "gpd.GeoSeries.plot = gpd.GeoDataFrame.plot = no\n"
        "from lukou_geo.catalog import read_catalog, validate_data\n"
        "from lukou_geo.meeting.deck import read_deck\n"
        "from lukou_geo.meeting.printing import export_print, spec_for_slide\n"
        "from lukou_geo.sitecheck.check import check_projects\nfrom lukou_geo.sitecheck.context import default_context\n"
        "from lukou_geo.sitecheck.report.document import report_maps\n"
        "import shapely\n"
        "cat = read_catalog(); data = validate_data(cat)\n"
        "export_print(cat, data, spec_for_slide(read_deck(), 0, data, dpi=30), 'png')\n"
        "ctx = default_context()\n"
        "res = check_projects(gpd.GeoDataFrame({'name': ['a']}, geometry=[shapely.Point(113.13, 27.7)], crs='EPSG:4326'), ctx)\n"
        "assert report_maps(res, ctx).overview\n"
        "bad = [m for m in ('matplotlib.pyplot', 'folium') if m in sys.modules]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"
