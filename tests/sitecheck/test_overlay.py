"""lukou_geo.sitecheck.overlay: the indexed overlay equals brute force for every geometry type."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from lukou_geo.sitecheck.overlay import index_zones, measure, overlaps


def _random_zones(rng: np.random.Generator, n: int) -> np.ndarray:
    """Polygons (some with holes), multipolygons, lines and points over a 10 km square."""
    x, y = rng.uniform(0, 10_000, n), rng.uniform(0, 10_000, n)
    h = rng.uniform(50, 2_000, n)
    out = np.empty(n, dtype=object)
    for i in range(n):
        kind = i % 5
        if kind == 0:
            out[i] = shapely.box(x[i] - h[i], y[i] - h[i] / 2, x[i] + h[i], y[i] + h[i] / 2)
        elif kind == 1:  # with a hole
            outer = shapely.Point(x[i], y[i]).buffer(h[i], quad_segs=6)
            out[i] = outer.difference(shapely.Point(x[i], y[i]).buffer(h[i] / 3, quad_segs=4))
        elif kind == 2:
            out[i] = shapely.MultiPolygon([shapely.box(x[i], y[i], x[i] + h[i], y[i] + h[i]),
                                           shapely.box(x[i] + 2 * h[i], y[i], x[i] + 3 * h[i], y[i] + h[i])])
        elif kind == 3:
            out[i] = shapely.LineString([(x[i], y[i]), (x[i] + h[i], y[i] + h[i] / 3)])
        else:
            out[i] = shapely.Point(x[i], y[i])
    return out


def _random_projects(rng: np.random.Generator, n: int) -> np.ndarray:
    x, y = rng.uniform(0, 10_000, n), rng.uniform(0, 10_000, n)
    h = rng.uniform(10, 1_500, n)
    out = np.empty(n, dtype=object)
    for i in range(n):
        kind = i % 6
        if kind == 0:
            out[i] = shapely.Point(x[i], y[i])
        elif kind == 1:
            out[i] = shapely.LineString([(x[i] - h[i], y[i]), (x[i] + h[i], y[i] + h[i] / 2), (x[i] + h[i], y[i] - h[i])])
        elif kind == 2:
            out[i] = shapely.box(x[i] - h[i], y[i] - h[i], x[i] + h[i], y[i] + h[i])
        elif kind == 3:  # concave
            ang = np.sort(rng.uniform(0, 2 * np.pi, 12))
            r = h[i] * rng.uniform(0.3, 1.0, 12)
            out[i] = shapely.Polygon(np.c_[x[i] + r * np.cos(ang), y[i] + r * np.sin(ang)]).buffer(0)
        elif kind == 4:
            out[i] = shapely.MultiPoint([(x[i], y[i]), (x[i] + h[i], y[i])])
        else:  # a collection of a polygon and a line
            out[i] = shapely.GeometryCollection([shapely.box(x[i], y[i], x[i] + h[i], y[i] + h[i]),
                                                 shapely.LineString([(x[i], y[i]), (x[i] - h[i], y[i] - h[i])])])
    return out


def _brute(projects: np.ndarray, zones: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every project against every zone, unprepared, no index."""
    p, z = np.nonzero(shapely.intersects(projects[:, None], zones[None, :]))
    inter = shapely.intersection(projects[p], zones[z])
    dims = shapely.get_dimensions(projects[p])
    m = np.where(dims == 2, shapely.area(inter), np.where(dims == 1, shapely.length(inter), 0.0))
    return p, z, m


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_equals_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    zones, projects = _random_zones(rng, 120), _random_projects(rng, 300)
    pi, zi, m = overlaps(projects, index_zones(zones))
    bp, bz, bm = _brute(projects, zones)
    assert len(pi) > 100
    assert np.array_equal(pi, bp) and np.array_equal(zi, bz)  # same pairs, same order (project, then zone)
    assert np.allclose(m, bm, rtol=1e-10, atol=1e-6)


def test_whole_inside_counts_the_whole_measure_and_touching_counts_zero() -> None:
    zone = shapely.box(0, 0, 100, 100)
    inside = shapely.box(10, 10, 30, 40)  # 600 m²
    edge = shapely.box(100, 0, 120, 10)  # shares the zone's east edge only
    line = shapely.LineString([(50, 50), (150, 50)])  # 50 m inside
    pi, zi, m = overlaps(np.array([inside, edge, line, shapely.Point(100, 50)], dtype=object), index_zones(np.array([zone])))
    assert list(pi) == [0, 1, 2, 3] and list(zi) == [0, 0, 0, 0]
    assert m == pytest.approx([600.0, 0.0, 50.0, 0.0])


def test_empty_inputs_and_empty_geometries() -> None:
    idx = index_zones(np.array([shapely.box(0, 0, 1, 1)]))
    for projects in (np.array([], dtype=object), np.array([shapely.Point()], dtype=object)):
        pi, zi, m = overlaps(projects, idx)
        assert len(pi) == len(zi) == len(m) == 0
    pi, _, _ = overlaps(np.array([shapely.Point(0.5, 0.5)]), index_zones(np.array([], dtype=object)))
    assert len(pi) == 0


def test_measure_by_dimension() -> None:
    g = np.array([shapely.box(0, 0, 2, 3), shapely.LineString([(0, 0), (3, 4)]), shapely.Point(1, 1)], dtype=object)
    assert list(measure(g)) == [6.0, 5.0, 0.0]


def test_a_large_zone_layer_is_indexed_not_prepared_whole() -> None:
    """100,000 parcels: only the zones near a project get prepared (memory stays with the index)."""
    rng = np.random.default_rng(5)
    x, y = rng.uniform(0, 100_000, 100_000), rng.uniform(0, 100_000, 100_000)
    zones = shapely.box(x, y, x + 80, y + 80)
    idx = index_zones(zones)
    project = np.array([shapely.box(50_000, 50_000, 51_000, 51_000)], dtype=object)
    _pi, zi, m = overlaps(project, idx)
    want = np.flatnonzero(shapely.intersects(zones, project[0]))
    assert np.array_equal(np.sort(zi), want)
    assert np.allclose(m, shapely.area(shapely.intersection(zones[zi], project[0])))
    assert shapely.is_prepared(zones).sum() < 1_000
