"""A raster of zone membership that settles most (project, zone) pairs without a geometry test.

The site check asks, for every project, which zones it touches. Most projects lie well inside or
well outside any given zone; only those near a zone's boundary need an exact test. The
:class:`ZoneGrid` records, for every cell of a regular grid in EPSG:4547:

- ``edge``: the zones whose boundary passes within ``eps`` of the cell (bit k for zone k);
- ``inside``: the zones that contain the whole cell (and more: ``eps`` around it).

A point in a cell then belongs to the cell's ``inside`` zones, is outside every zone that is
neither ``inside`` nor ``edge``, and needs an exact test only for the ``edge`` zones. A line or
polygon is looked up by the cells its bounding box covers: a zone with no edge in any of them
either contains the project whole or misses it, decided by one cell. Coarser levels (cells of
2, 4, 8 … times the size, ``edge`` OR-ed and ``inside`` AND-ed from the finer level) keep the
number of cells per project small for big projects.

This is the idea of a raster "interior/boundary" approximation (as in PostGIS's or S2's coverings)
written out because neither Shapely nor GeoPandas has one: an STRtree answers "which zones may
touch this box", not "which zones certainly contain it", and that answer is what lets most
pairs skip Shapely entirely. It is exact: membership is only inferred where no boundary is
within ``eps`` (1 mm by default) of the cell, far above the rounding of the cell arithmetic.

Bit sets are ``uint64`` words (``W = ceil(zones / 64)`` of them per cell).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numba
import numpy as np
import shapely

#: Cells per axis a line or polygon may span at the level it is looked up at.
SPAN = 4


@dataclass(frozen=True)
class GridLevel:
    cell: float
    nx: int
    ny: int
    inside: np.ndarray  # (ny * nx, W) uint64
    edge: np.ndarray  # (ny * nx, W) uint64


@dataclass(frozen=True)
class ZoneGrid:
    """Zone membership per cell, at the finest level and coarser ones (see the module doc)."""

    x0: float
    y0: float
    levels: tuple[GridLevel, ...]
    n_zones: int
    eps: float
    #: the finest level's cells by class (a distinct pair of inside/edge sets); class 0 is empty.
    #: The zones of class c are ``cls_zone[cls_ptr[c]:cls_ptr[c + 1]]`` (ascending), with
    #: ``cls_edge`` marking those that need an exact test.
    cls: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int32))
    cls_ptr: np.ndarray = field(default_factory=lambda: np.zeros(2, np.int64))
    cls_zone: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    cls_edge: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))

    @property
    def cell(self) -> float:
        return self.levels[0].cell

    @property
    def words(self) -> int:
        return self.levels[0].inside.shape[1]

    def point_pairs(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(point index, zone, needs exact test)`` for every zone the cell of each point is in or
        near, sorted by point then zone; points off the grid have none."""
        lv = self.levels[0]
        ix = np.floor((x - self.x0) / lv.cell)
        iy = np.floor((y - self.y0) / lv.cell)
        ok = (ix >= 0) & (ix < lv.nx) & (iy >= 0) & (iy < lv.ny)  # False for NaN (empty points)
        c = np.zeros(len(x), dtype=np.int64)
        c[ok] = self.cls[(iy[ok] * lv.nx + ix[ok]).astype(np.int64)]
        counts = np.diff(self.cls_ptr)[c]
        rows = np.repeat(np.arange(len(x), dtype=np.int64), counts)
        # position of each output entry in the class lists: class start + rank within the row
        first = np.cumsum(counts) - counts
        at = np.repeat(self.cls_ptr[c] - first, counts) + np.arange(len(rows), dtype=np.int64)
        return rows, self.cls_zone[at], self.cls_edge[at]

    def lookup_boxes(self, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For boxes ``(n, 4)``: ``(inside, edge)`` bit sets where ``edge`` is every zone whose
        boundary comes near any cell the box covers and ``inside`` the zones that contain the
        whole box (only meaningful for zones not in ``edge``; others are cleared)."""
        n = len(bounds)
        w = self.words
        inside = np.zeros((n, w), dtype=np.uint64)
        edge = np.zeros((n, w), dtype=np.uint64)
        if n == 0:
            return inside, edge
        b = np.asarray(bounds, dtype=float)
        valid = np.isfinite(b).all(axis=1)  # empty geometries touch nothing
        b = np.where(valid[:, None], b, 0.0)
        # the finest level at which the box spans at most SPAN cells per axis
        ext = np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1])
        need = np.ceil(np.log2(np.maximum(ext / (self.cell * (SPAN - 1)), 1.0))).astype(np.int64)
        need = np.minimum(need, len(self.levels) - 1)
        for li in np.unique(need[valid]):
            rows = np.flatnonzero((need == li) & valid)
            lv = self.levels[li]
            ix0 = np.floor((b[rows, 0] - self.x0) / lv.cell).astype(np.int64)
            iy0 = np.floor((b[rows, 1] - self.y0) / lv.cell).astype(np.int64)
            ix1 = np.floor((b[rows, 2] - self.x0) / lv.cell).astype(np.int64)
            iy1 = np.floor((b[rows, 3] - self.y0) / lv.cell).astype(np.int64)
            # cells outside the grid hold no zone (the grid has an empty margin): clip the range
            on_grid = (ix1 >= 0) & (iy1 >= 0) & (ix0 < lv.nx) & (iy0 < lv.ny)
            cx0, cy0 = np.clip(ix0, 0, lv.nx - 1), np.clip(iy0, 0, lv.ny - 1)
            cx1, cy1 = np.clip(ix1, 0, lv.nx - 1), np.clip(iy1, 0, lv.ny - 1)
            _or_cells(lv.inside, lv.edge, lv.nx, rows[on_grid], cx0[on_grid], cy0[on_grid], cx1[on_grid], cy1[on_grid], inside, edge)
        return inside, edge


@numba.njit(cache=True, nogil=True)
def _or_cells(lv_inside, lv_edge, nx, rows, cx0, cy0, cx1, cy1, inside, edge):
    """For box t (cells ``cx0[t]..cx1[t]`` × ``cy0[t]..cy1[t]``): ``edge[rows[t]]`` = the OR of the
    cells' edge sets, ``inside[rows[t]]`` = the first cell's inside set without those. Compiled by
    Numba: a gather of a few cells per box, which numpy does with an index array per cell."""
    for t in range(len(rows)):
        r = rows[t]
        first = cy0[t] * nx + cx0[t]
        for k in range(lv_edge.shape[1]):
            e = lv_edge[first, k]
            for yy in range(cy0[t], cy1[t] + 1):
                for xx in range(cx0[t], cx1[t] + 1):
                    e |= lv_edge[yy * nx + xx, k]
            edge[r, k] = e
            inside[r, k] = lv_inside[first, k] & ~e


def _set_bit(masks: np.ndarray, cells: np.ndarray, k: int) -> None:
    masks[cells, k >> 6] |= np.uint64(1) << np.uint64(k & 63)


def build_grid(zones: np.ndarray, cell: float | None = None, max_cells: int = 1_000_000, eps: float = 1e-3) -> ZoneGrid:
    """Build the grid of ``zones`` (polygons in a metric CRS).

    ``cell`` defaults to 50 m, enlarged so the finest level has at most ``max_cells`` cells.
    Per zone: cells near its boundary are found from the boundary cut into segments of at most
    half a cell (each segment's box, grown by ``eps``, spans at most 2 × 2 cells); the other
    cells of the zone's bounding box are classified in row runs (a run of cells with no boundary
    near is wholly in or out), one point-in-polygon test per run.
    """
    zones = np.asarray(zones, dtype=object)
    nz = len(zones)
    w = max(1, math.ceil(nz / 64))
    if nz == 0:
        lv = GridLevel(1.0, 1, 1, np.zeros((1, w), np.uint64), np.zeros((1, w), np.uint64))
        return ZoneGrid(0.0, 0.0, (lv,), 0, eps)
    b = shapely.bounds(zones)
    minx, miny = np.nanmin(b[:, 0]), np.nanmin(b[:, 1])
    maxx, maxy = np.nanmax(b[:, 2]), np.nanmax(b[:, 3])
    cell = float(cell or 50.0)
    while (maxx - minx) / cell * (maxy - miny) / cell > max_cells:
        cell *= 1.25
    levels_n = 1
    while max(maxx - minx, maxy - miny) / (cell * 2 ** (levels_n - 1)) > SPAN and levels_n < 12:
        levels_n += 1
    # one empty cell of margin on every side
    x0, y0 = minx - cell, miny - cell
    nx = math.ceil((maxx - x0) / cell) + 2
    ny = math.ceil((maxy - y0) / cell) + 2
    inside = np.zeros((ny * nx, w), dtype=np.uint64)
    edge = np.zeros((ny * nx, w), dtype=np.uint64)
    shapely.prepare(zones)
    for k, z in enumerate(zones):
        if z is None or z.is_empty:
            continue
        ecells = _edge_cells(z, x0, y0, cell, nx, eps)
        _set_bit(edge, ecells, k)
        zb = b[k]
        jx0 = max(int(np.floor((zb[0] - eps - x0) / cell)), 0)
        jx1 = min(int(np.floor((zb[2] + eps - x0) / cell)), nx - 1)
        jy0 = max(int(np.floor((zb[1] - eps - y0) / cell)), 0)
        jy1 = min(int(np.floor((zb[3] + eps - y0) / cell)), ny - 1)
        wx, wy = jx1 - jx0 + 1, jy1 - jy0 + 1
        is_edge = np.zeros((wy, wx), dtype=bool)
        ey, ex = np.divmod(ecells, nx)
        is_edge[ey - jy0, ex - jx0] = True
        # a run starts at each non-edge cell whose left neighbour is an edge cell or the window's side
        free = ~is_edge
        start = free.copy()
        start[:, 1:] &= is_edge[:, :-1]
        run_id = np.cumsum(start.ravel()).reshape(wy, wx) - 1
        sy, sx = np.nonzero(start)
        if len(sx) == 0:  # every cell of the window is near the boundary
            continue
        cxs = x0 + (jx0 + sx + 0.5) * cell
        cys = y0 + (jy0 + sy + 0.5) * cell
        run_in = shapely.contains_xy(z, cxs, cys)
        cell_in = free & run_in[np.maximum(run_id, 0)]
        iy, ix = np.nonzero(cell_in)
        _set_bit(inside, (iy + jy0) * nx + (ix + jx0), k)
    levels = [GridLevel(cell, nx, ny, inside, edge)]
    for _ in range(levels_n - 1):
        lv = levels[-1]
        # pad to even sizes with empty cells, then combine 2 × 2 blocks
        px, py = lv.nx % 2, lv.ny % 2
        ins = np.pad(lv.inside.reshape(lv.ny, lv.nx, w), ((0, py), (0, px), (0, 0)))
        edg = np.pad(lv.edge.reshape(lv.ny, lv.nx, w), ((0, py), (0, px), (0, 0)))
        ny2, nx2 = (lv.ny + py) // 2, (lv.nx + px) // 2
        ins = ins.reshape(ny2, 2, nx2, 2, w)
        edg = edg.reshape(ny2, 2, nx2, 2, w)
        e2 = edg[:, 0, :, 0] | edg[:, 0, :, 1] | edg[:, 1, :, 0] | edg[:, 1, :, 1]
        i2 = ins[:, 0, :, 0] & ins[:, 0, :, 1] & ins[:, 1, :, 0] & ins[:, 1, :, 1] & ~e2
        levels.append(GridLevel(lv.cell * 2, nx2, ny2, i2.reshape(-1, w), e2.reshape(-1, w)))
    return ZoneGrid(float(x0), float(y0), tuple(levels), nz, eps, *_classes(inside, edge, nz))


def _classes(inside: np.ndarray, edge: np.ndarray, nz: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Number the distinct (inside, edge) pairs of the cells (0 = the empty pair) and list each
    class's zones: a point's zones are then one lookup and a slice."""
    w = inside.shape[1]
    key = np.ascontiguousarray(np.concatenate([inside, edge], axis=1))
    used = np.flatnonzero(key.any(axis=1))
    cls = np.zeros(len(key), dtype=np.int32)
    uniq, inv = np.unique(key[used].view(np.dtype((np.void, 16 * w))).ravel(), return_inverse=True)
    cls[used] = inv + 1
    ukey = np.frombuffer(uniq.tobytes(), dtype=np.uint64).reshape(len(uniq), 2 * w)
    ci, zi = bits_to_pairs(ukey[:, :w] | ukey[:, w:], nz)  # sorted by class then zone
    ce = bits_to_pairs(ukey[:, w:], nz)
    is_edge = np.isin(ci * nz + zi, ce[0] * nz + ce[1])
    ptr = np.zeros(len(uniq) + 2, dtype=np.int64)
    ptr[2:] = np.cumsum(np.bincount(ci, minlength=len(uniq)))
    return cls, ptr, zi, is_edge


def _edge_cells(zone: Any, x0: float, y0: float, cell: float, nx: int, eps: float) -> np.ndarray:
    """Flat indices of the cells whose box, grown by ``eps``, the zone's boundary touches (a superset)."""
    rings = shapely.get_parts(shapely.segmentize(shapely.boundary(zone), cell / 2))
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    same = ring[1:] == ring[:-1]
    a, c = coords[:-1][same], coords[1:][same]
    lo = np.minimum(a, c) - eps
    hi = np.maximum(a, c) + eps
    ix0 = np.floor((lo[:, 0] - x0) / cell).astype(np.int64)
    iy0 = np.floor((lo[:, 1] - y0) / cell).astype(np.int64)
    ix1 = np.floor((hi[:, 0] - x0) / cell).astype(np.int64)
    iy1 = np.floor((hi[:, 1] - y0) / cell).astype(np.int64)
    return np.unique(np.concatenate([iy0 * nx + ix0, iy0 * nx + ix1, iy1 * nx + ix0, iy1 * nx + ix1]))


def bits_to_pairs(masks: np.ndarray, n_zones: int) -> tuple[np.ndarray, np.ndarray]:
    """``(row, zone)`` of every set bit of ``(n, W)`` bit sets, sorted by row then zone."""
    return _bit_pairs(np.ascontiguousarray(masks, dtype=np.uint64), n_zones)


@numba.njit(cache=True, nogil=True)
def _bit_pairs(masks, n_zones):
    """Compiled by Numba: numpy would unpack every bit of every row (64 bytes a word) to find the
    few that are set."""
    one, zero = np.uint64(1), np.uint64(0)
    total = 0
    for i in range(masks.shape[0]):
        for k in range(masks.shape[1]):
            v = masks[i, k]
            while v != zero:
                v &= v - one
                total += 1
    rows = np.empty(total, np.int64)
    zones = np.empty(total, np.int64)
    t = 0
    for i in range(masks.shape[0]):
        for k in range(masks.shape[1]):
            v = masks[i, k]
            b = k * 64
            while v != zero:
                if v & one and b < n_zones:
                    rows[t] = i
                    zones[t] = b
                    t += 1
                v >>= one
                b += 1
    return rows[:t], zones[:t]
