"""lukou_geo.sitecheck.clip: batched (polygon ∩ convex polygon) areas agree with GEOS."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from shapely import affinity
from shapely.geometry import MultiPoint, MultiPolygon, Polygon, box

from lukou_geo.sitecheck import clip
from lukou_geo.sitecheck.clip import Rings, clip_areas

OFFSET = (4.0e5, 3.0e6)  # EPSG:4547 metres around Lukou


def _geos(subjects, clippers) -> np.ndarray:
    return shapely.area(shapely.intersection(np.asarray(subjects, dtype=object), np.asarray(clippers, dtype=object)))


def _ours(subjects, clippers, max_vertices: int = 64) -> np.ndarray:
    """clip_areas on pairs given as two equal-length lists (each geometry its own ring)."""
    s = Rings.from_polygons(np.asarray(subjects, dtype=object), max_vertices)
    c = Rings.from_polygons(np.asarray(clippers, dtype=object), max_vertices)
    k = np.arange(len(subjects))
    return clip_areas(s, k, c, k)


def _tolerance(subjects, clippers) -> np.ndarray:
    """1e-9 of the larger area, plus GEOS's own rounding: it rounds each intersection point to the
    float64 grid of the absolute coordinates (~5e-10 m at y ≈ 3e6), which moves the area by up to
    about that times the perimeter — more than 1e-9 of the area for centimetre polygons there
    (see test_small_polygons_far_from_the_origin_are_exact)."""
    a, b = np.asarray(subjects, dtype=object), np.asarray(clippers, dtype=object)
    coord = np.maximum(np.abs(shapely.bounds(a)).max(axis=1), np.abs(shapely.bounds(b)).max(axis=1))
    rounding = 4 * np.finfo(float).eps * coord * (shapely.length(a) + shapely.length(b))
    return 1e-9 * np.maximum(shapely.area(a), shapely.area(b)) + rounding + 1e-15


def _assert_geos(subjects, clippers) -> np.ndarray:
    got = _ours(subjects, clippers)
    want = _geos(subjects, clippers)
    assert got.dtype == np.float64 and got.shape == want.shape
    assert not np.isnan(got).any(), got
    tol = _tolerance(subjects, clippers)
    bad = np.flatnonzero(~(np.abs(got - want) <= tol))
    assert not len(bad), [(shapely.to_wkt(subjects[k], rounding_precision=-1), shapely.to_wkt(clippers[k], rounding_precision=-1),
                           got[k], want[k], tol[k]) for k in bad]
    return got


def _star(center, angles, radii) -> Polygon:
    cx, cy = center
    return Polygon([(cx + r * math.cos(a), cy + r * math.sin(a)) for a, r in zip(angles, radii, strict=True)])


def _shift(g, dx: float, dy: float):
    return shapely.transform(g, lambda xy: xy + np.array([dx, dy]))


def _ccw_area(ring_xy: np.ndarray) -> float:
    x, y = (ring_xy - ring_xy[0]).T
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


# A comb: concave; a box across its teeth cuts it into several pieces
COMB = Polygon([(0, 0), (10, 0), (10, 10), (9, 10), (9, 2), (7, 2), (7, 10), (6, 10), (6, 2), (4, 2), (4, 10),
                (3, 10), (3, 2), (1, 2), (1, 10), (0, 10)])
L_SHAPE = Polygon([(0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2)])


# ---------------------------------------------------------------- property tests against GEOS


@st.composite
def convex_clipper(draw, half: float, offset=(0.0, 0.0)):
    # A coarse grid (exactly collinear and repeated points) or any float not absurdly close to 0
    # (at 1e-300 products underflow: GEOS's hull itself is then not convex)
    coord = st.one_of(st.integers(-8, 8).map(lambda i: i * half / 8), st.floats(-half, half).filter(lambda v: abs(v) > 1e-6 * half))
    pts = np.array(draw(st.lists(st.tuples(coord, coord), min_size=3, max_size=14))) + offset
    hull = MultiPoint(pts).convex_hull  # of the final coordinates: a hull shifted afterwards can lose convexity by rounding
    assume(hull.geom_type == "Polygon" and hull.area > 1e-4 * half * half and hull.is_valid)
    return hull


@st.composite
def star_subject(draw, half: float, offset=(0.0, 0.0)):
    k = draw(st.integers(3, 24))
    gaps = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=k, max_size=k)))
    start = draw(st.floats(0, 2 * math.pi))
    angles = start + np.cumsum(gaps) / gaps.sum() * 2 * math.pi
    r_max = draw(st.floats(0.05 * half, 1.5 * half))
    radii = draw(st.lists(st.floats(0.1, 1.0), min_size=k, max_size=k))
    center = (offset[0] + draw(st.floats(-half / 2, half / 2)), offset[1] + draw(st.floats(-half / 2, half / 2)))
    poly = _star(center, angles, np.array(radii) * r_max)
    assume(poly.is_valid and poly.area > 0)
    return poly


@pytest.mark.parametrize("offset", [(0.0, 0.0), OFFSET], ids=["origin", "epsg4547"])
@pytest.mark.parametrize("half", [0.05, 100.0])
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(data=st.data())
def test_random_concave_subjects_and_convex_clippers_match_geos(data, offset, half) -> None:
    pairs = data.draw(st.lists(st.tuples(star_subject(half, offset), convex_clipper(half, offset)), min_size=1, max_size=8))
    subjects, clippers = [s for s, _ in pairs], [c for _, c in pairs]
    convex = Rings.from_polygons(np.array(clippers, dtype=object)).convex
    assert convex.all(), [shapely.to_wkt(c, rounding_precision=-1) for c, ok in zip(clippers, convex, strict=True) if not ok]
    _assert_geos(subjects, clippers)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(subjects=st.lists(star_subject(50.0, OFFSET), min_size=1, max_size=6), clippers=st.lists(convex_clipper(50.0, OFFSET), min_size=1, max_size=6))
def test_every_subject_against_every_clipper(subjects, clippers) -> None:
    """Rings shared by many pairs (indices repeat), as the site check uses them."""
    si, ci = (a.ravel() for a in np.meshgrid(np.arange(len(subjects)), np.arange(len(clippers)), indexing="ij"))
    got = clip_areas(Rings.from_polygons(np.array(subjects, dtype=object)), si, Rings.from_polygons(np.array(clippers, dtype=object)), ci)
    a, b = np.array(subjects, dtype=object)[si], np.array(clippers, dtype=object)[ci]
    assert (np.abs(got - _geos(a, b)) <= _tolerance(a, b)).all()


def _exact_area(subject: np.ndarray, clipper: np.ndarray) -> Fraction:
    """Area of a ring ∩ a convex CCW ring in rational arithmetic (half-plane by half-plane, exact)."""
    ring = [(Fraction(x), Fraction(y)) for x, y in subject]
    for (ax, ay), (bx, by) in zip(clipper, np.roll(clipper, -1, axis=0), strict=True):
        a, e = (Fraction(ax), Fraction(ay)), (Fraction(bx) - Fraction(ax), Fraction(by) - Fraction(ay))
        side = [e[0] * (p[1] - a[1]) - e[1] * (p[0] - a[0]) for p in ring]
        out = []
        for i, p in enumerate(ring):
            q, dq, dp = ring[i - 1], side[i - 1], side[i]
            if (dp >= 0) != (dq >= 0):
                t = dq / (dq - dp)
                out.append((q[0] + t * (p[0] - q[0]), q[1] + t * (p[1] - q[1])))
            if dp >= 0:
                out.append(p)
        ring = out
    return abs(sum((p[0] * q[1] - q[0] * p[1] for p, q in zip(ring, ring[1:] + ring[:1], strict=True)), Fraction(0))) / 2


def test_small_polygons_far_from_the_origin_are_exact() -> None:
    """Centimetre polygons at EPSG:4547 coordinates: the local origin keeps the result exact to
    rounding of the result itself, while GEOS is off by its rounding of intersection points."""
    rng = np.random.default_rng(3)
    subjects, clippers = [], []
    while len(subjects) < 40:
        angles = np.sort(rng.uniform(0, 2 * math.pi, rng.integers(4, 12)))
        star = _star(OFFSET, angles, rng.uniform(0.005, 0.05, len(angles)))
        if star.is_valid:
            subjects.append(star)
            clippers.append(MultiPoint(np.array(OFFSET) + rng.uniform(-0.05, 0.05, (8, 2))).convex_hull)
    s, c = Rings.from_polygons(np.array(subjects, dtype=object)), Rings.from_polygons(np.array(clippers, dtype=object))
    assert c.convex.all()
    got = clip_areas(s, np.arange(40), c, np.arange(40))
    exact = [_exact_area(s.xy[k, : s.count[k]], c.xy[k, : c.count[k]]) for k in range(40)]
    assert max(abs(Fraction(g) - e) / max(e, Fraction(1, 10**12)) for g, e in zip(got, exact, strict=True)) < 1e-12
    geos_error = max(abs(Fraction(g) - e) for g, e in zip(_geos(subjects, clippers), exact, strict=True))
    assert float(geos_error) > 1e-9 * float(max(exact))  # why _tolerance has a rounding term
    assert (np.abs(got - _geos(subjects, clippers)) <= _tolerance(subjects, clippers)).all()


# ---------------------------------------------------------------- hand-made cases


def test_concave_subject_much_larger_than_the_clipper() -> None:
    big = affinity.scale(COMB, 100, 100, origin=(0, 0))  # 1000 m comb
    clippers = [box(120, 150, 180, 900),     # straddles a gap between two teeth
                box(20, 20, 30, 30),          # inside the comb's spine
                box(150, 300, 250, 400),      # in a gap: disjoint
                Polygon([(50, 50), (950, 150), (500, 990)])]  # across all teeth
    got = _assert_geos([_shift(big, *OFFSET)] * 4, [_shift(c, *OFFSET) for c in clippers])
    assert got[1] == pytest.approx(100.0) and got[2] == 0.0


def test_clipper_much_larger_than_the_concave_subject() -> None:
    small = affinity.scale(COMB, 0.01, 0.01, origin=(0, 0))  # 10 cm comb
    clippers = [box(-100, -100, 100, 100),   # contains it
                box(0.03, -100, 100, 100),   # cuts through it
                Polygon([(-500, 0.05), (500, -0.05), (500, 500), (-500, 500)])]  # a slanted cut
    got = _assert_geos([_shift(small, *OFFSET)] * 3, [_shift(c, *OFFSET) for c in clippers])
    assert got[0] == pytest.approx(small.area, rel=1e-9)


def test_clipping_can_add_vertices() -> None:
    """A strip across a saw's teeth leaves more vertices than the saw has (the width must grow, not truncate)."""
    teeth = 6
    top = [(x, 10.0 if x % 2 else 1.0) for x in range(2 * teeth, -1, -1)]
    saw = Polygon([(0, 0), (2 * teeth, 0), *top])
    strip = box(-1, 4, 2 * teeth + 1, 6)
    assert shapely.get_num_coordinates(shapely.intersection(saw, strip)) > 1.5 * shapely.get_num_coordinates(saw)
    got = _assert_geos([saw, _shift(saw, *OFFSET), COMB], [strip, _shift(strip, *OFFSET), box(-1, 5, 11, 6)])
    assert got == pytest.approx([teeth * 20 / 9, teeth * 20 / 9, 4.0])


@pytest.mark.parametrize(("subject", "clipper", "expected"), [
    (box(1, 1, 2, 2), box(0, 0, 4, 4), 1.0),                          # subject inside
    (L_SHAPE, box(0.2, 0.2, 0.8, 1.8), 0.6 * 1.6),                     # clipper inside a concave subject
    (box(0, 0, 1, 1), box(2, 0, 3, 1), 0.0),                          # disjoint
    (L_SHAPE, box(5, 5, 6, 6), 0.0),                                   # disjoint, concave
    (box(0, 0, 1, 1), box(1, 0, 2, 1), 0.0),                          # sharing an edge
    (L_SHAPE, box(1, 1, 2, 2), 0.0),                                   # sharing the reflex corner's edges
    (box(0, 0, 1, 1), box(1, 1, 2, 2), 0.0),                          # touching at a vertex
    (Polygon([(0, 0), (1, 0), (0, 1)]), Polygon([(1, 0), (2, 0), (2, 1)]), 0.0),  # touching at a vertex
    (box(0, 0, 3, 2), box(0, 0, 3, 2), 6.0),                          # identical
    (Polygon([(0, 0), (1, 0), (0.5, 1)]), Polygon([(0, 0), (1, 0), (0.5, 1)]), 0.5),  # identical triangles
    (box(0, 0, 2, 2), Polygon([(1, -0.5), (2.5, 1), (1, 2.5), (-0.5, 1)]), 4.0 - 4 * 0.5 * 0.5 * 0.5),  # square ∩ diamond: corners cut
])
@pytest.mark.parametrize("offset", [(0.0, 0.0), OFFSET], ids=["origin", "epsg4547"])
def test_special_positions(subject, clipper, expected, offset) -> None:
    got = _assert_geos([_shift(subject, *offset)], [_shift(clipper, *offset)])
    assert got[0] == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_clockwise_rings_are_made_counter_clockwise() -> None:
    cw_subject = L_SHAPE.reverse()
    cw_clipper = box(0.5, 0.5, 3, 3, ccw=False)
    assert not cw_subject.exterior.is_ccw and not cw_clipper.exterior.is_ccw
    rings = Rings.from_polygons(np.array([cw_subject, cw_clipper, L_SHAPE], dtype=object))
    for i in range(3):
        assert _ccw_area(rings.xy[i, : rings.count[i]]) > 0
    # CCW input is stored as given; the reversed L-shape is stored as the L-shape's cycle again
    ccw = np.asarray(L_SHAPE.exterior.coords)[:-1]
    assert rings.count.tolist() == [6, 4, 6] and (rings.xy[2, :6] == ccw).all()
    assert any((np.roll(rings.xy[0, :6], r, axis=0) == ccw).all() for r in range(6))
    assert rings.area == pytest.approx([3.0, 6.25, 3.0])
    assert rings.convex.tolist() == [False, True, False]
    got = _assert_geos([cw_subject, L_SHAPE, cw_subject], [cw_clipper, cw_clipper, box(0.5, 0.5, 3, 3)])
    assert got == pytest.approx([1.25, 1.25, 1.25])


def test_collinear_and_duplicate_vertices() -> None:
    # Box with edge midpoints and repeated corners; triangle with a repeated vertex and a point on an edge
    dup_box = Polygon([(0, 0), (0, 0), (1, 0), (2, 0), (2, 0), (2, 1), (2, 2), (1, 2), (1, 2), (0, 2), (0, 1)])
    dup_tri = Polygon([(1, -1), (3, -1), (3, -1), (3, 1), (2, 0), (2, 0)])
    concave_dup = Polygon([(0, 0), (2, 0), (2, 2), (1, 2), (1, 1), (1, 1), (0.5, 1), (0, 1), (0, 1)])
    rings = Rings.from_polygons(np.array([dup_box, dup_tri, concave_dup], dtype=object))
    assert rings.simple.all() and rings.convex.tolist() == [True, True, False]
    assert rings.count.tolist() == [11, 6, 9]
    _assert_geos([dup_box, dup_tri, concave_dup, concave_dup, _shift(concave_dup, *OFFSET)],
                 [dup_tri, dup_box, dup_box, dup_tri, _shift(dup_tri, *OFFSET)])


def test_collinear_vertices_rounded_at_large_coordinates_still_count_as_convex() -> None:
    x0, y0 = OFFSET
    corners = [(x0 + 0.1, y0 + 0.3), (x0 + 137.7, y0 + 12.9), (x0 + 90.3, y0 + 201.1)]
    pts = []
    for (ax, ay), (bx, by) in zip(corners, corners[1:] + corners[:1], strict=True):
        pts += [(ax + (bx - ax) * t, ay + (by - ay) * t) for t in (0.0, 0.3, 0.7)]  # rounded points on each edge
    tri = Polygon(pts)
    assert Rings.from_polygons(np.array([tri], dtype=object)).convex.all()
    _assert_geos([_shift(COMB, x0, y0), _shift(affinity.scale(COMB, 20, 20, origin=(0, 0)), x0, y0)], [tri, tri])


def test_a_zero_area_ring_overlaps_nothing() -> None:
    flat = Polygon([(0, 0), (1, 0), (2, 0), (1, 0)])  # collinear: no area
    sliver = Polygon([(0, 0), (1, 1), (1, 1), (0, 0)])  # two distinct vertices
    rings = Rings.from_polygons(np.array([flat, sliver, box(0, -1, 3, 1)], dtype=object))
    assert rings.simple.all() and rings.area.tolist() == [0.0, 0.0, 6.0]
    k = np.array([0, 1, 2, 2, 0])
    got = clip_areas(rings, k, rings, np.array([2, 2, 0, 1, 1]))
    assert got.tolist() == [0.0, 0.0, 0.0, 0.0, 0.0]
    assert _geos(np.array([flat, sliver, box(0, -1, 3, 1)], dtype=object)[k], [box(0, -1, 3, 1)] * 2 + [flat, sliver, sliver]).tolist() == [0.0] * 5


# ---------------------------------------------------------------- where the fast path does not apply


def test_nan_where_the_fast_path_does_not_apply() -> None:
    holed = Polygon(box(0, 0, 4, 4).exterior.coords, [box(1, 1, 2, 2).exterior.coords])
    multi = MultiPolygon([box(0, 0, 1, 1), box(2, 2, 3, 3)])
    many = Polygon([(math.cos(a), math.sin(a)) for a in np.linspace(0, 2 * math.pi, 70, endpoint=False)])
    subjects = np.array([holed, multi, many, L_SHAPE, box(0, 0, 1, 1), None, Polygon(), shapely.Point(0, 0)], dtype=object)
    clippers = np.array([box(0, 0, 3, 3), L_SHAPE, holed, many, Polygon(), None], dtype=object)
    s = Rings.from_polygons(subjects)
    c = Rings.from_polygons(clippers)
    assert s.simple.tolist() == [False, False, False, True, True, False, False, False]
    assert (s.count[~s.simple] == 0).all()
    assert c.convex.tolist() == [True, False, False, False, False, False]
    si = np.array([0, 1, 2, 3, 4, 3, 3, 5, 6, 7, 4, 4])
    ci = np.array([0, 0, 0, 1, 1, 2, 3, 0, 0, 0, 4, 5])
    got = clip_areas(s, si, c, ci)
    assert np.isnan(got).all(), got
    # The same polygons pass with a larger vertex limit / as clipper of a valid pair
    assert Rings.from_polygons(np.array([many], dtype=object), max_vertices=70).convex.all()
    assert clip_areas(s, np.array([3, 4]), c, np.array([0, 0])).tolist() == pytest.approx([3.0, 1.0])


def test_convexity() -> None:
    pentagram = Polygon([(math.cos(a), math.sin(a)) for a in np.arange(5) * 4 * math.pi / 5 + 0.3])  # left turns, twice round
    hidden_reflex = Polygon([(0, 0), (2, 0), (2, 1), (1, 1), (1, 1), (1, 2), (0, 2)])  # L-shape, reflex vertex duplicated
    barely_reflex = Polygon([(0, 0), (1, 1e-6), (2, 0), (2, 1), (0, 1)])
    # A triangle whose ring runs back and forth along one side: two U-turns of opposite zero sign
    spikes = Polygon([(0, -1), (0, 1), (0, 0), (0, 1), (1, 0)])
    spike = Polygon([(0, 0), (2, 0), (3, 0), (2, 0), (2, 2), (0, 2)])
    hull = MultiPoint(np.random.default_rng(1).normal(size=(50, 2))).convex_hull
    geoms = [box(0, 0, 1, 1), Polygon([(0, 0), (1, 0), (0, 1)]), hull, _shift(hull, *OFFSET), box(0, 0, 1, 1, ccw=False),
             L_SHAPE, COMB, pentagram, hidden_reflex, barely_reflex, _shift(L_SHAPE, *OFFSET), spikes, spikes.reverse(),
             _shift(spikes, *OFFSET), spike]
    convex = Rings.from_polygons(np.array(geoms, dtype=object)).convex
    assert convex.tolist() == [True] * 5 + [False] * 10


# ---------------------------------------------------------------- batching


def _mixed_cases():
    holed = Polygon(box(0, 0, 4, 4).exterior.coords, [box(1, 1, 2, 2).exterior.coords])
    big_comb = _shift(affinity.scale(COMB, 30, 30, origin=(0, 0)), *OFFSET)
    subjects = [COMB, L_SHAPE.reverse(), box(0, 0, 1, 1), holed, MultiPolygon([box(0, 0, 1, 1), box(2, 2, 3, 3)]), big_comb,
                Polygon([(0, 0), (0, 0), (1, 0), (2, 0), (2, 2), (0, 2)]), Polygon([(0, 0), (1, 0), (2, 0), (1, 0)]),
                _shift(L_SHAPE, *OFFSET)]
    clippers = [box(-1, 5, 11, 6), box(0.5, 0.5, 3, 3, ccw=False), box(1, 0, 2, 1), box(0, 0, 3, 3), L_SHAPE,
                _shift(Polygon([(10, 10), (250, 40), (280, 290), (5, 200)]), *OFFSET), Polygon([(1, -1), (3, -1), (3, 1), (2, 0)]),
                _shift(box(0.5, 0.5, 3, 3), *OFFSET), box(1, 1, 2, 2)]
    return np.array(subjects, dtype=object), np.array(clippers, dtype=object)


def test_a_mixed_batch_equals_one_call_per_pair(monkeypatch) -> None:
    subjects, clippers = _mixed_cases()
    s, c = Rings.from_polygons(subjects), Rings.from_polygons(clippers)
    si, ci = (a.ravel() for a in np.meshgrid(np.arange(len(subjects)), np.arange(len(clippers)), indexing="ij"))
    order = np.random.default_rng(7).permutation(len(si))
    si, ci = si[order], ci[order]
    batch = clip_areas(s, si, c, ci)
    single = np.array([clip_areas(s, si[k : k + 1], c, ci[k : k + 1])[0] for k in range(len(si))])
    np.testing.assert_array_equal(batch, single)
    # Working rings that start too small for the subjects and must grow on the way
    monkeypatch.setattr(clip, "_BUFFER", 4)
    np.testing.assert_array_equal(clip_areas(s, si, c, ci), batch)
    # And against GEOS where the fast path applies; NaN exactly where it does not
    nan = ~(s.simple[si] & c.convex[ci])
    assert nan.sum() == 25  # holed and multi subjects (2 x 9 pairs), the L-shaped clipper (9 pairs, 2 counted already)
    assert np.isnan(batch).tolist() == nan.tolist()
    a, b = subjects[si[~nan]], clippers[ci[~nan]]
    want = _geos(a, b)
    assert (np.abs(batch[~nan] - want) <= _tolerance(a, b)).all()
    assert (want > 0).sum() >= 15  # the batch is not trivially all zeros


def test_empty_batch() -> None:
    s = Rings.from_polygons(np.array([box(0, 0, 1, 1)], dtype=object))
    got = clip_areas(s, np.array([], dtype=int), s, np.array([], dtype=int))
    assert got.dtype == np.float64 and got.shape == (0,)
    none = Rings.from_polygons(np.array([], dtype=object))
    assert len(none) == 0 and none.xy.shape == (0, 0, 2)
    assert clip_areas(none, [], none, []).shape == (0,)


def test_mismatched_index_lengths_raise() -> None:
    s = Rings.from_polygons(np.array([box(0, 0, 1, 1)], dtype=object))
    with pytest.raises(ValueError, match="differ"):
        clip_areas(s, np.array([0, 0]), s, np.array([0]))
