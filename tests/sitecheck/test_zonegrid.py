"""The zone grid settles (project, zone) pairs exactly like a brute-force Shapely test."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
import shapely.affinity
from hypothesis import given, settings
from hypothesis import strategies as st

from lukou_geo.sitecheck.check import index_pieces, overlaps, subdivide
from lukou_geo.sitecheck.zonegrid import bits_to_pairs, build_grid

X0, Y0 = 400_000.0, 3_000_000.0  # EPSG:4547-sized coordinates, where rounding is coarsest


def brute(projects: np.ndarray, zones: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    hit = shapely.intersects(zones[None, :], projects[:, None])
    p, z = np.nonzero(hit)
    inter = shapely.intersection(projects[p], zones[z])
    dims = shapely.get_dimensions(projects[p])
    m = np.where(dims == 2, shapely.area(inter), np.where(dims == 1, shapely.length(inter), 0.0))
    return p, z, m


def assert_same(projects, zones, grid) -> None:
    pieces = index_pieces(subdivide(zones, 8))
    pi, zi, m = overlaps(projects, zones, pieces, grid)
    wp, wz, wm = brute(projects, zones)
    assert np.array_equal(pi, wp), "pairs differ"
    assert np.array_equal(zi, wz), "pairs differ"
    assert np.allclose(m, wm, rtol=1e-9, atol=1e-6)


def star(cx: float, cy: float, radii: list[float], phase: float = 0.0) -> shapely.Polygon:
    a = phase + np.linspace(0, 2 * np.pi, len(radii), endpoint=False)
    r = np.asarray(radii)
    return shapely.Polygon(np.stack([cx + r * np.cos(a), cy + r * np.sin(a)], 1))


def test_boundaries_on_cell_lines_and_projects_on_boundaries() -> None:
    """Zones whose edges run exactly along the grid's cell lines, and points and boxes placed
    exactly on zone edges, vertices and cell corners: the cases where rounding could misplace a
    point into a cell it does not touch."""
    cell = 50.0
    zones = np.array([
        shapely.box(X0, Y0, X0 + 500, Y0 + 500),
        shapely.box(X0 + 250, Y0 + 250, X0 + 1000, Y0 + 750),  # overlaps the first
        shapely.box(X0 + 500, Y0, X0 + 1000, Y0 + 250),  # shares an edge with the first
        shapely.Polygon([(X0, Y0 + 600), (X0 + 400, Y0 + 1000), (X0, Y0 + 1000)]),  # diagonal edge
    ])
    grid = build_grid(zones, cell=cell)
    # the grid's own lines are offset from the zones' bounds by one cell: align them on purpose
    assert (grid.x0 - X0) % cell == 0 and (grid.y0 - Y0) % cell == 0
    xs = X0 + np.array([0, 0.0004, 25, 50, 250, 499.9999, 500, 500.0001, 750, 1000, 1000.0004])
    ys = Y0 + np.array([0, 50, 250, 500, 600, 750, 800, 1000, -0.0001])
    px, py = np.meshgrid(xs, ys)
    pts = shapely.points(px.ravel(), py.ravel())
    on_diag = shapely.points(X0 + np.array([100.0, 200, 300]), Y0 + 600 + np.array([100.0, 200, 300]))
    boxes = shapely.box(px.ravel() - 10, py.ravel() - 10, px.ravel() + 10, py.ravel() + 10)
    ex0, ey0 = X0 + np.array([0, 500, 250]), Y0 + np.array([0, 0, 250])
    edge_boxes = shapely.box(ex0, ey0, ex0 + np.array([500, 500, 250]), ey0 + np.array([500, 250, 250]))
    lines = shapely.linestrings([[(X0 - 100, Y0 + 500), (X0 + 1100, Y0 + 500)], [(X0 + 500, Y0 - 10), (X0 + 500, Y0 + 1010)]])
    for projects in (np.concatenate([pts, on_diag]), np.concatenate([boxes, edge_boxes]), lines):
        assert_same(projects, zones, grid)


def test_projects_off_the_grid_empty_and_multipart() -> None:
    zones = np.array([star(X0, Y0, [900, 400, 1000, 300, 800, 500, 950]), shapely.box(X0 - 200, Y0 - 200, X0 + 200, Y0 + 200)])
    grid = build_grid(zones, cell=50)
    projects = np.array([
        shapely.Point(X0 + 50_000, Y0),  # far outside
        shapely.Point(),  # empty
        shapely.Polygon(),
        shapely.box(X0 - 5000, Y0 - 5000, X0 + 5000, Y0 + 5000),  # bigger than the grid
        shapely.MultiPoint([(X0, Y0), (X0 + 5000, Y0)]),
        shapely.MultiPolygon([shapely.box(X0 - 10, Y0 - 10, X0 + 10, Y0 + 10), shapely.box(X0 + 3000, Y0, X0 + 3010, Y0 + 10)]),
        shapely.Point(X0, Y0),
    ], dtype=object)
    assert_same(projects, zones, grid)


def test_more_than_64_zones_use_several_words() -> None:
    rng = np.random.default_rng(5)
    cx, cy = X0 + rng.uniform(0, 5000, 150), Y0 + rng.uniform(0, 5000, 150)
    zones = np.array([star(x, y, list(rng.uniform(100, 900, 9))) for x, y in zip(cx, cy, strict=True)])
    grid = build_grid(zones, cell=50)
    assert grid.words == 3
    x, y = X0 + rng.uniform(-200, 5200, 3000), Y0 + rng.uniform(-200, 5200, 3000)
    assert_same(shapely.points(x, y), zones, grid)
    h = rng.uniform(5, 600, 600)
    assert_same(shapely.box(x[:600] - h, y[:600] - h, x[:600] + h, y[:600] + h), zones, grid)


def test_levels_are_consistent() -> None:
    """No cell is both inside a zone and on its edge; a coarse cell's edge set is the union of
    its children's and its inside set the intersection; every cell's class lists its zones."""
    rng = np.random.default_rng(8)
    zones = np.array([star(X0 + 2000 * i, Y0, list(rng.uniform(500, 1500, 11))) for i in range(5)])
    grid = build_grid(zones, cell=40)
    assert len(grid.levels) > 3
    for fine, coarse in zip(grid.levels, grid.levels[1:], strict=False):
        assert not (fine.inside & fine.edge).any()
        f_in = np.pad(fine.inside.reshape(fine.ny, fine.nx, -1), ((0, fine.ny % 2), (0, fine.nx % 2), (0, 0)))
        f_ed = np.pad(fine.edge.reshape(fine.ny, fine.nx, -1), ((0, fine.ny % 2), (0, fine.nx % 2), (0, 0)))
        c_in = coarse.inside.reshape(coarse.ny, coarse.nx, -1)
        c_ed = coarse.edge.reshape(coarse.ny, coarse.nx, -1)
        for dy in (0, 1):
            for dx in (0, 1):
                child_in, child_ed = f_in[dy::2, dx::2], f_ed[dy::2, dx::2]
                assert ((child_ed & ~c_ed) == 0).all()
                assert ((c_in & ~child_in) == 0).all()
    lv = grid.levels[0]
    cells = np.flatnonzero((lv.inside | lv.edge).any(axis=1))
    for c in cells[:: max(1, len(cells) // 500)]:
        a, b = grid.cls_ptr[grid.cls[c]], grid.cls_ptr[grid.cls[c] + 1]
        _r, want = bits_to_pairs((lv.inside[c] | lv.edge[c])[None, :], len(zones))
        assert np.array_equal(grid.cls_zone[a:b], want)
        _r, want_edge = bits_to_pairs(lv.edge[c][None, :], len(zones))
        assert np.array_equal(grid.cls_zone[a:b][grid.cls_edge[a:b]], want_edge)


def test_cell_centres_agree_with_the_zones() -> None:
    """Cells marked inside really lie inside (their corners too); cells neither inside nor edge lie outside."""
    rng = np.random.default_rng(3)
    zone = star(X0, Y0, list(rng.uniform(300, 2000, 17)))
    grid = build_grid(np.array([zone]), cell=60)
    lv = grid.levels[0]
    iy, ix = np.divmod(np.arange(lv.nx * lv.ny), lv.nx)
    x, y = grid.x0 + ix * lv.cell, grid.y0 + iy * lv.cell
    boxes = shapely.box(x, y, x + lv.cell, y + lv.cell)
    ins = lv.inside[:, 0].astype(bool)
    out = ~ins & ~lv.edge[:, 0].astype(bool)
    assert ins.sum() > 100 and out.sum() > 100
    assert shapely.contains_properly(zone, boxes[ins]).all()
    assert not shapely.intersects(zone, boxes[out]).any()


def test_grid_of_no_zones() -> None:
    grid = build_grid(np.array([], dtype=object))
    pi, zi, m = overlaps(shapely.points([X0], [Y0]), np.array([], dtype=object), None, grid)
    assert len(pi) == len(zi) == len(m) == 0


def test_a_grid_for_other_zones_is_refused() -> None:
    zones = np.array([shapely.box(X0, Y0, X0 + 100, Y0 + 100)])
    with pytest.raises(ValueError, match="zones"):
        overlaps(shapely.points([X0], [Y0]), np.concatenate([zones, zones]), None, build_grid(zones))


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    n_zones=st.integers(1, 12),
    cell=st.sampled_from([7.0, 50.0, 333.0]),
)
def test_random_zones_points_boxes_and_lines(seed: int, n_zones: int, cell: float) -> None:
    rng = np.random.default_rng(seed)
    zones = np.array([
        star(X0 + rng.uniform(0, 3000), Y0 + rng.uniform(0, 3000), list(rng.uniform(50, 1500, rng.integers(3, 15))), rng.uniform(0, 6))
        for _ in range(n_zones)
    ])
    grid = build_grid(zones, cell=cell)
    x, y = X0 + rng.uniform(-2000, 5000, 400), Y0 + rng.uniform(-2000, 5000, 400)
    # some points snapped onto zone vertices, where boundary rounding matters most
    verts = shapely.get_coordinates(zones)
    pick = verts[rng.integers(0, len(verts), 40)]
    x[:40], y[:40] = pick[:, 0], pick[:, 1]
    assert_same(shapely.points(x, y), zones, grid)
    h = rng.uniform(1, 900, 150)
    assert_same(shapely.box(x[:150] - h, y[:150] - h, x[:150] + h, y[:150] + h), zones, grid)
    lines = shapely.linestrings(np.stack([np.stack([x[:80], y[:80]], 1), np.stack([x[80:160], y[80:160]], 1)], 1))
    assert_same(lines, zones, grid)
    # concave red lines (clipped by the zones' triangles), rotated rectangles, a hole, a multipolygon
    red = [star(x[i], y[i], list(rng.uniform(20, 700, rng.integers(5, 20))), rng.uniform(0, 6)) for i in range(60)]
    red += [shapely.affinity.rotate(shapely.box(x[i] - 300, y[i] - 80, x[i] + 300, y[i] + 80), rng.uniform(0, 180)) for i in range(60, 90)]
    red.append(shapely.box(x[0] - 900, y[0] - 900, x[0] + 900, y[0] + 900).difference(shapely.Point(x[0], y[0]).buffer(400)))
    red.append(shapely.MultiPolygon([star(x[1], y[1], [300, 100, 300, 100, 300]), shapely.box(x[1] + 400, y[1], x[1] + 900, y[1] + 50)]))
    assert_same(np.array(red, dtype=object), zones, grid)
