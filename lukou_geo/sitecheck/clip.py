"""Batched overlap areas of (polygon, convex polygon) pairs, compiled with Numba.

The site check measures how much of a project polygon lies in each zone piece it crosses. With
Shapely that is one ``shapely.intersection(a, b).area`` per pair, and for the small polygons
involved GEOS's fixed cost per pair (~9 µs: building the overlay graph, allocating the result
geometry, wrapping it back into Python) dominates the actual arithmetic. Shapely/GEOS has no
batched clip that would amortise it, and no well-kept library does batched clipping of arbitrary
polygon pairs, so this module does it by hand: the rings are read into padded numpy arrays once
(:class:`Rings`) and one Numba-compiled loop clips every pair (numba_celltree clips only convex
faces of a single mesh it indexes itself).

The method is Sutherland–Hodgman: the subject ring is clipped by each half-plane of a *convex*
clipper in turn. Against a convex clipper its result is exact in area even for a concave subject:
where the subject falls apart into several pieces the output ring joins them by zero-width
"bridges" along the clipper's edges, which add nothing to the shoelace area.

Where the fast path does not apply (a subject that is not a single polygon without holes, or a
clipper that is not convex) the result is NaN and the caller falls back to GEOS. Like GEOS's
overlay, the method assumes valid (non-self-intersecting) rings; the caller is responsible for
that.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import shapely

#: Relative tolerance of the convexity test: a turn counts as convex when
#: ``cross(e1, e2) >= -(CONVEX_TOL * |e1| * |e2| + ROUNDING_ULPS * ε * c * (|e1| + |e2|))``, with ε the
#: float64 machine epsilon and c the ring's largest absolute coordinate. The first term is the sine of
#: a slightly reflex angle, the second a vertex off the line by a few units in the last place of its
#: coordinates (collinear vertices stored rounded, e.g. at x ≈ 4e5 on a centimetre edge). The area
#: such a turn can hide is of the order of GEOS's own rounding of intersection points. Anything
#: sharper is "not convex" (GEOS fallback).
CONVEX_TOL = 1e-10
ROUNDING_ULPS = 4.0

_POLYGON = 3  # shapely.GeometryType.POLYGON


@dataclass(frozen=True)
class Rings:
    """Exterior rings of an array of polygons, padded.

    ``xy`` (n, M, 2) float64: the ring's vertices without the closing repeat, counter-clockwise,
    zero-padded after ``count[i]`` vertices; ``count`` (n,) int (0 where not ``simple``);
    ``simple`` (n,) bool: a Polygon (not Multi) without holes, not empty, ``count <= max_vertices``;
    ``convex`` (n,) bool: ``simple`` and convex (collinear and duplicate vertices allowed; a ring of
    zero area counts as convex: its overlaps are 0); ``area`` (n,) float64: the ring's area
    (shoelace; 0 where not ``simple``).
    """

    xy: np.ndarray
    count: np.ndarray
    simple: np.ndarray
    convex: np.ndarray
    area: np.ndarray

    def __len__(self) -> int:
        return len(self.count)

    @classmethod
    def from_polygons(cls, geoms: np.ndarray, max_vertices: int = 64) -> Rings:
        """Rings of ``geoms`` (an array of Shapely geometries; ``None`` and non-polygons are not simple)."""
        geoms = np.asarray(geoms, dtype=object).reshape(-1)
        n = len(geoms)
        simple = (shapely.get_type_id(geoms) == _POLYGON) & ~shapely.is_empty(geoms) & (shapely.get_num_interior_rings(geoms) == 0)
        candidates = np.flatnonzero(simple)
        rings = shapely.get_exterior_ring(geoms[candidates])
        vertices = shapely.get_num_coordinates(rings) - 1  # without the closing repeat
        fits = (vertices >= 3) & (vertices <= max_vertices)
        sel, rings, vertices = candidates[fits], rings[fits], vertices[fits]
        simple = np.zeros(n, dtype=bool)
        simple[sel] = True
        count = np.zeros(n, dtype=np.intp)
        count[sel] = vertices
        width = int(vertices.max()) if len(sel) else 0

        x, y = np.zeros((n, width)), np.zeros((n, width))
        if len(sel):
            coords, owner = shapely.get_coordinates(rings, return_index=True)
            pos = np.arange(len(coords)) - (np.cumsum(vertices + 1) - (vertices + 1))[owner]
            keep = pos < vertices[owner]  # drop the closing repeat
            flat = sel[owner[keep]] * width + pos[keep]
            x.ravel()[flat] = coords[keep, 0]
            y.ravel()[flat] = coords[keep, 1]

        # Orientation: reverse the valid vertices of clockwise rings
        signed = _shoelace(x - x[:, :1], y - y[:, :1], count)
        cw = signed < 0
        if cw.any():
            i = np.arange(width)
            c = count[cw, None]
            rev = np.where(i < c, c - 1 - i, i)
            x[cw] = np.take_along_axis(x[cw], rev, axis=1)
            y[cw] = np.take_along_axis(y[cw], rev, axis=1)
        area = np.abs(signed)
        scale = np.maximum(np.abs(x).max(axis=1), np.abs(y).max(axis=1)) if width else np.zeros(n)
        convex = simple & ((area == 0) | _convex_ccw(x - x[:, :1], y - y[:, :1], count, scale))
        return cls(xy=np.stack([x, y], axis=2), count=count, simple=simple, convex=convex, area=area)


def _successor(a: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Each slot's successor along its padded ring (row r wraps after ``count[r]`` entries)."""
    out = np.concatenate([a[:, 1:], a[:, :1]], axis=1)
    short = np.flatnonzero((count > 0) & (count < a.shape[1]))
    out[short, count[short] - 1] = a[short, 0]
    return out


def _shoelace(x: np.ndarray, y: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Signed area (positive counter-clockwise) of padded rings; best in local coordinates."""
    if x.shape[1] == 0:
        return np.zeros(len(x))
    terms = x * _successor(y, count) - _successor(x, count) * y
    terms[np.arange(x.shape[1]) >= count[:, None]] = 0.0
    return 0.5 * terms.sum(axis=1)


def _compact(keep: np.ndarray, *arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """Move each row's kept entries of the (n, w) ``arrays`` to the left, in order; the new width is
    the largest row count. Returns ``(counts, *compacted)``."""
    counts = keep.sum(axis=1)
    width = int(counts.max()) if len(counts) else 0
    flat = (np.cumsum(keep, axis=1) - 1 + (np.arange(len(keep)) * width)[:, None])[keep]
    out = []
    for a in arrays:
        c = np.zeros(len(keep) * width, dtype=a.dtype)
        c[flat] = a[keep]
        out.append(c.reshape(len(keep), width))
    return counts, *out


def _convex_ccw(x: np.ndarray, y: np.ndarray, count: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Whether each counter-clockwise padded ring (local coordinates; ``scale`` its largest absolute
    coordinate before they were made local) is convex.

    Zero-length edges (duplicate vertices) are dropped first, so that a duplicated reflex vertex
    cannot hide its turn. Every remaining turn must be a left turn or straight (within
    :data:`CONVEX_TOL`) but not a U-turn, and the turns must add up to one full turn (a pentagram
    turns left everywhere but twice around).
    """
    if x.shape[1] == 0:
        return np.zeros(len(x), dtype=bool)
    ex, ey = _successor(x, count) - x, _successor(y, count) - y
    k, ex, ey = _compact((np.arange(x.shape[1]) < count[:, None]) & ((ex != 0) | (ey != 0)), ex, ey)
    if ex.shape[1] == 0:
        return np.zeros(len(x), dtype=bool)
    nx, ny = _successor(ex, k), _successor(ey, k)
    cross = ex * ny - ey * nx
    dot = ex * nx + ey * ny
    len1, len2 = np.hypot(ex, ey), np.hypot(nx, ny)
    sine = CONVEX_TOL * len1 * len2
    slack = sine + ROUNDING_ULPS * np.finfo(float).eps * scale[:, None] * (len1 + len2)
    valid = np.arange(ex.shape[1]) < k[:, None]
    # A U-turn (a spike, or a ring that runs back over itself) is not convex, whichever sign of
    # zero its cross product has: with +0 and -0 two U-turns would add up to a full turn.
    u_turn = (dot < 0) & (np.abs(cross) <= sine)
    left = ((cross >= -slack) & ~u_turn) | ~valid
    turning = np.where(valid, np.arctan2(cross, dot), 0.0).sum(axis=1)
    return (k >= 3) & left.all(axis=1) & (np.abs(turning - 2 * np.pi) < 0.5)


def clip_areas(subjects: Rings, si: np.ndarray, clippers: Rings, ci: np.ndarray) -> np.ndarray:
    """Area of ``subjects[si[k]] ∩ clippers[ci[k]]`` for every k.

    NaN where the subject is not ``simple`` or the clipper is not ``convex`` (use GEOS there);
    0 where either ring has zero area.
    """
    si = np.asarray(si, dtype=np.intp).reshape(-1)
    ci = np.asarray(ci, dtype=np.intp).reshape(-1)
    if si.shape != ci.shape:
        raise ValueError(f"si and ci differ in length: {len(si)} vs {len(ci)}")
    out = np.full(len(si), np.nan)
    ok = subjects.simple[si] & clippers.convex[ci]
    degenerate = ok & ((subjects.area[si] == 0) | (clippers.area[ci] == 0))
    out[degenerate] = 0.0
    todo = np.flatnonzero(ok & ~degenerate)
    if len(todo):
        _clip_pairs(subjects.xy, subjects.count, si, clippers.xy, clippers.count, ci, todo, max(_BUFFER, 4), out)
    return out


#: Initial vertex slots of the kernel's working rings (they grow when a concave ring gains vertices).
_BUFFER = 64


@numba.njit(cache=True, nogil=True)
def _clip_pairs(sxy, scount, si, cxy, ccount, ci, todo, cap, out):
    """Sutherland–Hodgman for the pairs ``todo`` (subject simple, clipper convex, both CCW); writes
    ``out[k]``. Compiled by Numba: a loop per pair and per clipper edge, which numpy could only
    express with padded (pairs x vertices) temporaries at ~10x the cost.

    A ring wholly inside an edge's half-plane is kept as it is and one wholly outside becomes empty
    (a polygon lies within the hull of its vertices), so only the rings an edge cuts are rebuilt.
    Coordinates are local (origin: the clipper's first vertex): no cancellation at x ≈ 4e5, y ≈ 3e6.
    """
    x = np.empty(cap)
    y = np.empty(cap)
    nx = np.empty(cap)
    ny = np.empty(cap)
    d = np.empty(cap)
    for t in range(len(todo)):
        k = todo[t]
        s, c = si[k], ci[k]
        n, m = scount[s], ccount[c]
        ox, oy = cxy[c, 0, 0], cxy[c, 0, 1]
        if n > cap:
            cap = 2 * n
            x, y, nx, ny, d = np.empty(cap), np.empty(cap), np.empty(cap), np.empty(cap), np.empty(cap)
        for v in range(n):
            x[v] = sxy[s, v, 0] - ox
            y[v] = sxy[s, v, 1] - oy
        for j in range(m):
            jn = j + 1 if j + 1 < m else 0
            ax, ay = cxy[c, j, 0] - ox, cxy[c, j, 1] - oy
            ex, ey = (cxy[c, jn, 0] - ox) - ax, (cxy[c, jn, 1] - oy) - ay
            n_in = 0
            for v in range(n):
                # d >= 0: left of (or on) the edge a→b, i.e. inside the half-plane
                d[v] = ex * (y[v] - ay) - ey * (x[v] - ax)
                if d[v] >= 0:
                    n_in += 1
            if n_in == 0:
                n = 0
                break
            if n_in == n:
                continue
            if 2 * n > cap:  # a pass emits at most 2n vertices (a concave ring can gain some): grow
                cap = 4 * n
                x2, y2, d2 = np.empty(cap), np.empty(cap), np.empty(cap)
                x2[:n], y2[:n], d2[:n] = x[:n], y[:n], d[:n]
                x, y, d, nx, ny = x2, y2, d2, np.empty(cap), np.empty(cap)
            # Each vertex emits where the edge prev→cur crosses the line (d of opposite signs
            # there: no division by 0), then itself if inside.
            w = 0
            for v in range(n):
                p = v - 1 if v > 0 else n - 1
                inside = d[v] >= 0
                if inside != (d[p] >= 0):
                    f = d[p] / (d[p] - d[v])
                    nx[w] = x[p] + f * (x[v] - x[p])
                    ny[w] = y[p] + f * (y[v] - y[p])
                    w += 1
                if inside:
                    nx[w] = x[v]
                    ny[w] = y[v]
                    w += 1
            x, nx = nx, x
            y, ny = ny, y
            n = w
        a = 0.0
        for v in range(n):
            u = v + 1 if v + 1 < n else 0
            a += x[v] * y[u] - x[u] * y[v]
        out[k] = max(0.5 * a, 0.0)
