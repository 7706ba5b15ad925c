"""Synthetic authoritative layers (合成示例) over 渌口区, for a newcomer's first try, the tests and the benchmarks.

Nothing here is real survey data. Every layer carries ``SJLY`` = :data:`SJLY` and every name that could
be shown says 合成. The layers imitate real deliveries (field names of 三调 DLTB, 永久基本农田, 生态保护红线,
城镇开发边界, 用地用海; codes from the national tables), laid over the district's real outline
(``geodata/district.geojson``), the 湘江 and the town seats of ``geodata/``:

- :func:`dltb`: a parcel tessellation that tiles the district: Voronoi cells of random points (denser near
  the town seats and in the valleys) clipped to the district, each shared edge then densified and bent
  the same way for both parcels it separates, so parcels have the asked number of vertices and still
  tile. 地类 follow a smooth synthetic terrain: 耕地 in the valleys, 林地 on the hills, 水域 in the 湘江,
  建设用地 around the town seats.
- :func:`czkfbj`: 城镇开发边界 around the town seats (城镇集中建设区, 城镇弹性发展区, 特别用途区).
- :func:`yjjbnt`: 永久基本农田 = a subset of the 耕地 parcels outside the 城镇开发边界 (one polygon per parcel).
- :func:`stbhhx`: 生态保护红线: patches of 林地 in the hills and the 湘江 outside the towns.
- :func:`ghydyh`: planned 用地用海 inside the 城镇集中建设区.
- :func:`redlines`: two project red lines for the site check (one across 永久基本农田 and 生态保护红线, one
  inside the 城镇开发边界).
- :func:`sample_layers`: all of them at once, as :func:`lukou_geo.build.synthetic_write.write_sample` writes them.

All functions return GeoDataFrames in EPSG:4547 (CGCS2000 / 3° GK CM 114E, where areas are measured) and
are deterministic for a seed. :mod:`lukou_geo.build.synthetic_write` writes them in the formats planners
receive.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import NDArray

from lukou_geo.settings import DISTRICT_ADCODE, MEASURE_CRS, get_settings

#: The default seed of every generator.
SEED = 20241201
#: The note every synthetic feature carries (field ``SJLY``, 数据来源).
SJLY = "合成示例（非真实数据）"
SJLY_EN = "synthetic sample, not real data"

#: The 三调 classes the generator uses: code → name, as in ``sandiao_codes.csv`` (1203 田坎 is not a
#: parcel class: it enters through KCXS).
DLMC: dict[str, str] = {
    "0101": "水田", "0102": "水浇地", "0103": "旱地",
    "0201": "果园", "0202": "茶园", "0204": "其他园地",
    "0301": "乔木林地", "0302": "竹林地", "0305": "灌木林地", "0307": "其他林地",
    "0404": "其他草地",
    "05H1": "商业服务业设施用地", "0508": "物流仓储用地", "0601": "工业用地", "0602": "采矿用地",
    "0701": "城镇住宅用地", "0702": "农村宅基地", "08H1": "机关团体新闻出版用地", "08H2": "科教文卫用地",
    "0810": "公园与绿地", "09": "特殊用地",
    "1003": "公路用地", "1004": "城镇村道路用地", "1006": "农村道路",
    "1101": "河流水面", "1103": "水库水面", "1104": "坑塘水面", "1106": "内陆滩涂", "1107": "沟渠",
    "1202": "设施农用地",
}  # fmt: skip

#: The 用地用海 (2023) classes of :func:`ghydyh`: code → name, as in ``ydyh_2023.csv``.
YDYHFLMC: dict[str, str] = {
    "0701": "城镇住宅用地", "0801": "机关团体用地", "0804": "教育用地", "0806": "医疗卫生用地",
    "0901": "商业用地", "1001": "工业用地", "1101": "物流仓储用地", "1207": "城镇村道路用地",
    "1208": "交通场站用地", "1303": "供电用地", "1401": "公园绿地", "1402": "防护绿地", "1403": "广场用地",
    "15": "特殊用地", "16": "留白用地", "1701": "河流水面", "1704": "坑塘水面",
}  # fmt: skip

#: 城镇开发边界 zones (GHFQDM → GHFQMC). The names are the standard ones; the codes follow the
#: hierarchical style of the 用地用海 codes (04 城镇发展区) and are an assumption of this generator:
#: no code table of the 规划分区 is in the reference data.
GHFQMC: dict[str, str] = {"0401": "城镇集中建设区", "0402": "城镇弹性发展区", "0403": "特别用途区"}

#: Town part of the 坐落单位代码 (ZLDWDM = 430212 + town + village). 100–109 are the towns' 2016 codes
#: (Vonng/adcode 2016 snapshot, CC BY 4.0, via the reference places table; 430221 → 430212); 南洲镇 and
#: 龙船镇 are missing there and get 110 and 111 here. The village part (201…) is synthetic.
TOWN_CODES: dict[str, str] = {
    "渌口镇": "100", "朱亭镇": "101", "古岳峰镇": "106", "淦田镇": "107",
    "龙门镇": "108", "龙潭镇": "109", "南洲镇": "110", "龙船镇": "111",
}  # fmt: skip

#: Size of each town's 城镇集中建设区 (mean radius, m); other towns get 800 m.
_TOWN_RADIUS = {"渌口镇": 2600.0, "南洲镇": 1400.0, "淦田镇": 1300.0, "朱亭镇": 1200.0, "古岳峰镇": 900.0}

_URBAN = {"0701": 0.38, "05H1": 0.10, "0601": 0.20, "0508": 0.05, "08H1": 0.04, "08H2": 0.06, "0810": 0.05, "1004": 0.10, "09": 0.02}
#: Scattered classes: code, share of the district's area, weight of a parcel as a function of terrain h.
_SCATTERED = [
    ("0702", 0.045, lambda h: 1.0 - h), ("1006", 0.012, lambda h: 1.0 - h), ("1003", 0.008, lambda h: 0.5 + 0 * h),
    ("1104", 0.025, lambda h: (1.0 - h) ** 2), ("1103", 0.007, lambda h: h * (1.0 - h)), ("1107", 0.005, lambda h: 1.0 - h),
    ("1202", 0.006, lambda h: 1.0 - h), ("0602", 0.003, lambda h: h), ("0404", 0.015, lambda h: 0.5 + 0 * h),
]  # fmt: skip
_ORCHARD = {"0201": 0.35, "0202": 0.40, "0204": 0.25}
_FOREST = {"0301": 0.60, "0302": 0.15, "0305": 0.15, "0307": 0.10}
#: 田坎系数 by slope grade (synthetic values within 0.02–0.15).
_KCXS_GRADES = np.array([0.02, 0.047, 0.076, 0.104, 0.15])


# ------------------------------------------------------------------------------ the district's frame


@dataclass(frozen=True)
class _Frame:
    district: shapely.Polygon  # EPSG:4547
    river: shapely.Geometry  # the 湘江 inside the district, EPSG:4547
    seat_names: tuple[str, ...]
    seats: NDArray[np.float64]  # (n, 2) EPSG:4547
    town_names: tuple[str, ...]
    towns: tuple[shapely.Geometry, ...]  # EPSG:4547
    river_grid: tuple[NDArray[np.float64], float, float, float]  # distance to the river (m) on a grid, x0, y0, step


def _read(name: str) -> gpd.GeoDataFrame:
    path = get_settings().geodata_dir / f"{name}.geojson"
    return gpd.read_file(path).to_crs(MEASURE_CRS)


@lru_cache(maxsize=2)
def _frame_for(geodata_dir: str) -> _Frame:
    district = shapely.union_all(_read("district").geometry.values)
    if district.geom_type == "MultiPolygon" and len(district.geoms) == 1:
        district = district.geoms[0]
    river = shapely.intersection(shapely.union_all(_read("xiang_river").geometry.values), district)
    seats = _read("town_seats")
    seats = seats[seats["kind"] == "town_seat"]
    towns = _read("townships")
    minx, miny, maxx, maxy = district.bounds
    step = 250.0
    gx, gy = np.meshgrid(np.arange(minx - step, maxx + 2 * step, step), np.arange(miny - step, maxy + 2 * step, step))
    dist = shapely.distance(shapely.points(gx.ravel(), gy.ravel()), river).reshape(gx.shape)
    return _Frame(
        district=district,
        river=river,
        seat_names=tuple(seats["name"]),
        seats=shapely.get_coordinates(seats.geometry.values),
        town_names=tuple(towns["name"]),
        towns=tuple(towns.geometry.values),
        river_grid=(dist, minx - step, miny - step, step),
    )


def _frame() -> _Frame:
    return _frame_for(str(get_settings().geodata_dir))


def _bilinear(grid: NDArray[np.float64], x0: float, y0: float, step: float, x: NDArray, y: NDArray) -> NDArray[np.float64]:
    fx, fy = (x - x0) / step, (y - y0) / step
    i = np.clip(np.floor(fx).astype(np.int64), 0, grid.shape[1] - 2)
    j = np.clip(np.floor(fy).astype(np.int64), 0, grid.shape[0] - 2)
    tx, ty = np.clip(fx - i, 0, 1), np.clip(fy - j, 0, 1)
    top = grid[j, i] * (1 - tx) + grid[j, i + 1] * tx
    bottom = grid[j + 1, i] * (1 - tx) + grid[j + 1, i + 1] * tx
    return top * (1 - ty) + bottom * ty


def _noise(seed: int, stage: int, x: NDArray, y: NDArray, wavelengths: tuple[float, float] = (2000.0, 9000.0), k: int = 24) -> NDArray:
    """A smooth random field in about [-1, 1]: a sum of random plane waves (deterministic for the seed)."""
    rng = np.random.default_rng([seed, stage])
    lam = rng.uniform(*wavelengths, k)
    ang = rng.uniform(0, np.pi, k)
    phase = rng.uniform(0, 2 * np.pi, k)
    amp = lam / lam.sum()
    wx, wy = 2 * np.pi / lam * np.cos(ang), 2 * np.pi / lam * np.sin(ang)
    out = np.zeros(np.shape(x))
    for a, u, v, p in zip(amp, wx, wy, phase, strict=True):
        out += a * np.cos(u * x + v * y + p)
    return out * 1.6


def _urban(frame: _Frame, x: NDArray, y: NDArray) -> NDArray:
    """Closeness to the nearest town seat (1 at a seat, e^-1 at the town's radius)."""
    out = np.zeros(np.shape(x))
    for name, (sx, sy) in zip(frame.seat_names, frame.seats, strict=True):
        r = _TOWN_RADIUS.get(name, 800.0) * 1.3
        out = np.maximum(out, np.exp(-np.hypot(x - sx, y - sy) / r))
    return out


def terrain(seed: int, x: NDArray, y: NDArray) -> NDArray[np.float64]:
    """Synthetic hilliness in [0, 1] at EPSG:4547 points: low along the 湘江 and at the town seats, high in the hills."""
    frame = _frame()
    d = _bilinear(*frame.river_grid, np.asarray(x, float), np.asarray(y, float))
    s = np.clip(d / 8000.0, 0, 1)
    h = 0.2 + 0.4 * s * s * (3 - 2 * s) + 0.3 * _noise(seed, 11, x, y) + 0.25 * _noise(seed, 14, x, y, (1200.0, 3500.0))
    h = h * (1 - 0.6 * _urban(frame, x, y))
    return np.clip(h, 0, 1)


# ------------------------------------------------------------------------------ tessellation


def _sample_points(frame: _Frame, n: int, seed: int) -> NDArray[np.float64]:
    """n random points in the district; denser (smaller parcels) near the town seats and in the valleys."""
    rng = np.random.default_rng([seed, 1])
    minx, miny, maxx, maxy = frame.district.bounds
    shapely.prepare(frame.district)
    parts, got = [], 0
    while got < n:
        m = max(4 * (n - got), 1000)
        x, y = rng.uniform(minx, maxx, m), rng.uniform(miny, maxy, m)
        inside = shapely.contains_xy(frame.district, x, y)
        x, y = x[inside], y[inside]
        density = 0.3 + 0.7 * (1 - terrain(seed, x, y)) + 2.0 * _urban(frame, x, y)
        keep = rng.uniform(0, 3.0, len(x)) < density
        parts.append(np.column_stack([x[keep], y[keep]]))
        got += int(keep.sum())
    return np.vstack(parts)[:n]


def _tessellate(district: shapely.Polygon, pts: NDArray[np.float64]) -> NDArray:
    """Voronoi cells of the points (in their order) clipped to the district."""
    minx, miny, maxx, maxy = district.bounds
    env = shapely.box(minx - 1e4, miny - 1e4, maxx + 1e4, maxy + 1e4)
    cells = np.asarray(shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=env, ordered=True)))
    shapely.prepare(district)
    inside = shapely.contains_properly(district, cells)
    cells[~inside] = shapely.intersection(cells[~inside], district)
    # a cell cut in two by a notch of the boundary keeps the part holding its point; the others join the neighbour
    # they share the longest edge with (one cell of 150,000 at the default seed)
    tree = shapely.STRtree(cells)
    for i in np.flatnonzero(shapely.get_type_id(cells) != 3):
        parts = shapely.get_parts(cells[i])
        hold = shapely.contains_xy(parts, pts[i, 0], pts[i, 1])
        own = int(np.argmax(hold)) if hold.any() else int(np.argmax(shapely.area(parts)))
        cells[i] = parts[own]
        for p in np.delete(parts, own):
            near = np.setdiff1d(tree.query(p, predicate="intersects"), [i])
            shared = shapely.length(shapely.intersection(shapely.boundary(cells[near]), p.boundary))
            j = near[int(np.argmax(shared))]
            merged = shapely.union(cells[j], p)
            if merged.geom_type == "Polygon":  # else (touching at a point only) the sliver stays out: a gap of its size
                cells[j] = merged
    return cells


def _cells(frame: _Frame, n: int, seed: int, hi: int) -> tuple[NDArray[np.float64], NDArray]:
    """The points and their clipped cells, none with more than ``hi`` vertices: a cell holding too much of the
    district's boundary gets a second point, taken from the smallest cell."""
    pts = _sample_points(frame, n, seed)
    edge = frame.district.exterior
    shapely.prepare(edge)
    placed = np.zeros(n, bool)
    for _ in range(20):
        cells = _tessellate(frame.district, pts)
        k = shapely.get_num_coordinates(cells) - 1
        over = np.flatnonzero(k > hi)
        if not len(over):
            return pts, cells
        new = []
        for i in over:  # the point halfway (or a third of the way) to a vertex, inside the cell, farthest from its point
            cand = np.vstack([pts[i] + t * (shapely.get_coordinates(cells[i]) - pts[i]) for t in (0.5, 0.33)])
            cand = cand[shapely.contains_xy(cells[i], cand[:, 0], cand[:, 1])]
            if len(cand):
                new.append(cand[np.argmax(np.hypot(*(cand - pts[i]).T))])
        new = np.array(new).reshape(-1, 2)
        inner = np.flatnonzero(~shapely.intersects(cells, edge) & ~placed)  # donors: the smallest cells off the boundary
        donors = inner[np.argsort(shapely.area(cells[inner]), kind="stable")][: len(new)]
        pts[donors] = new[: len(donors)]
        placed[donors] = True
    raise ValueError(f"n={n}, at most {hi} vertices: the district's boundary needs more parcels or more vertices per parcel")


@dataclass
class _Edges:
    """The edges of a polygon tessellation: every segment of every ring and the edge (shared or not) it lies on."""

    verts: NDArray[np.float64]  # ring vertices without the closing one
    ring: NDArray[np.int64]  # ring (cell) of each vertex = of the segment starting there
    edge: NDArray[np.int64]  # edge of each segment
    flip: NDArray[np.bool_]  # the segment runs against its edge's canonical direction
    p0: NDArray[np.float64]  # edge start (canonical)
    p1: NDArray[np.float64]  # edge end
    cells: NDArray[np.int64]  # (n_edges, 2) the cells on each side, -1 for none
    k: NDArray[np.int64]  # vertices per cell


def _edges(cells: NDArray) -> _Edges:
    coords, ring = shapely.get_coordinates(shapely.get_exterior_ring(cells), return_index=True)
    cnt = np.bincount(ring, minlength=len(cells))
    keep = np.ones(len(coords), bool)
    keep[np.cumsum(cnt) - 1] = False
    verts, ring = coords[keep], ring[keep]
    k = cnt - 1
    first = np.concatenate([[0], np.cumsum(k)[:-1]])
    nxt = np.arange(len(verts)) + 1
    nxt[first + k - 1] = first
    # vertex ids at 1 mm, then edge ids from the pair of vertex ids (both cells see the same ids)
    q = np.round((verts - verts.min(axis=0)) * 1000).astype(np.int64)
    _, vid = np.unique(q[:, 0] * (q[:, 1].max() + 1) + q[:, 1], return_inverse=True)
    a, b = vid, vid[nxt]
    flip = a > b
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    _, first_seg, edge = np.unique(lo * (vid.max() + 1) + hi, return_index=True, return_inverse=True)
    start = np.where(flip[:, None], verts[nxt], verts)
    end = np.where(flip[:, None], verts, verts[nxt])
    order = np.argsort(edge, kind="stable")
    count = np.bincount(edge)
    offs = np.concatenate([[0], np.cumsum(count)[:-1]])
    side = np.full((len(count), 2), -1, np.int64)
    side[:, 0] = ring[order[offs]]
    two = count > 1
    side[two, 1] = ring[order[offs[two] + 1]]
    return _Edges(verts, ring, edge, flip, start[first_seg], end[first_seg], side, k)


def _accept(e: _Edges, ok: NDArray[np.bool_], room: NDArray[np.int64], prio: NDArray) -> NDArray[np.bool_]:
    """Candidate edges that get one more point: in each cell, the ``room`` candidates of highest priority."""
    seg = np.flatnonzero(ok[e.edge])
    r, ed = e.ring[seg], e.edge[seg]
    order = np.lexsort((-prio[ed], r))
    r, ed = r[order], ed[order]
    start = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
    rank = np.arange(len(r)) - np.repeat(start, np.diff(np.r_[start, len(r)]))
    bad = np.zeros(len(ok), bool)
    bad[ed[rank >= room[r]]] = True
    return ok & ~bad


def _allocate(e: _Edges, lo: int, hi: int, rng: np.random.Generator, min_spacing: float = 2.0) -> NDArray[np.int64]:
    """Points to insert on each edge, so that every cell gets about its random target in [lo, hi] vertices."""
    n_cells, n_edges = len(e.k), len(e.p0)
    length = np.hypot(*(e.p1 - e.p0).T)
    max_m = np.maximum((length / min_spacing).astype(np.int64) - 1, 0)
    target = rng.integers(lo, hi + 1, n_cells)
    total = e.k.copy()
    m = np.zeros(n_edges, np.int64)
    c0, c1 = e.cells[:, 0], e.cells[:, 1]
    c1x = np.maximum(c1, 0)
    for topping_up in (False, True):  # first every cell up to its target; then the cells still short of lo, up to hi
        while True:
            if topping_up:
                short = total < lo
                room = np.where(short, lo - total, hi - total)
                wanted = short[c0] | ((c1 >= 0) & short[c1x])
            else:
                room = target - total
                wanted = np.ones(n_edges, bool)
            ok = wanted & (m < max_m) & (room[c0] > 0) & ((c1 < 0) | (room[c1x] > 0))
            if not ok.any():
                break
            acc = _accept(e, ok, room, rng.random(n_edges) * length / (m + 1))
            m[acc] += 1
            total += np.bincount(c0[acc], minlength=n_cells) + np.bincount(c1[acc & (c1 >= 0)], minlength=n_cells)
    return m


def _bend(e: _Edges, m: NDArray[np.int64], frozen: NDArray[np.bool_], rng: np.random.Generator, amp: float) -> NDArray:
    """The points inserted on every edge (edge by edge, in canonical order): bent off shared edges, straight on the others."""
    eid = np.repeat(np.arange(len(m)), m)
    j = np.arange(len(eid)) - np.repeat(np.cumsum(m) - m, m)
    t = (j + 1 + rng.uniform(-0.3, 0.3, len(eid))) / (m[eid] + 1)
    d = e.p1[eid] - e.p0[eid]
    normal = np.column_stack([-d[:, 1], d[:, 0]])
    bent = (e.cells[eid, 1] >= 0) & ~frozen[eid]
    off = np.where(bent, amp * rng.uniform(-1, 1, len(eid)) * 2 * np.minimum(t, 1 - t), 0.0)
    return e.p0[eid] + t[:, None] * d + off[:, None] * normal


def _assemble(e: _Edges, m: NDArray[np.int64], pts: NDArray) -> NDArray:
    ms = m[e.edge]
    seg_start = np.cumsum(ms + 1) - (ms + 1)
    out = np.empty((len(e.verts) + int(ms.sum()), 2))
    out[seg_start] = e.verts
    seg = np.repeat(np.arange(len(ms)), ms)
    j = np.arange(len(seg)) - np.repeat(np.cumsum(ms) - ms, ms)
    src = (np.cumsum(m) - m)[e.edge[seg]] + np.where(e.flip[seg], ms[seg] - 1 - j, j)
    out[seg_start[seg] + 1 + j] = pts[src]
    return shapely.polygons(shapely.linearrings(out, indices=np.repeat(e.ring, ms + 1)))


def _densify(cells: NDArray, vertices: tuple[int, int], seed: int, amp: float = 0.12) -> NDArray:
    """Densify and bend the cells' edges (each shared edge the same way for both cells), keeping every cell valid."""
    e = _edges(cells)
    rng = np.random.default_rng([seed, 2])
    m = _allocate(e, vertices[0], vertices[1], rng)
    frozen = np.zeros(len(m), bool)
    state = rng.bit_generator.state
    for _ in range(8):
        rng.bit_generator.state = state  # the same draws every round: only the frozen edges change
        polys = _assemble(e, m, _bend(e, m, frozen, rng, amp))
        bad = ~shapely.is_valid(polys)
        if not bad.any():
            return polys
        frozen[e.edge[bad[e.ring]]] = True  # straighten every edge of an invalid cell, for both its cells
    raise RuntimeError("bent parcels stay invalid")  # unreachable: straight edges give the (valid) cells back


# ------------------------------------------------------------------------------ classes


def _pick(avail: NDArray[np.bool_], key: NDArray, area: NDArray, quota: float) -> NDArray[np.int64]:
    """Available parcels in descending key order until their area reaches the quota (m²)."""
    idx = np.flatnonzero(avail)
    idx = idx[np.argsort(-key[idx], kind="stable")]
    take = np.searchsorted(np.cumsum(area[idx]), quota) + 1
    return idx[: min(take, len(idx))]


def _choose(rng: np.random.Generator, shares: dict[str, float], size: int) -> NDArray:
    codes = list(shares)
    p = np.array([shares[c] for c in codes])
    return np.asarray(codes)[rng.choice(len(codes), size, p=p / p.sum())]


def _classify(seed: int, xy: NDArray, area: NDArray, core: NDArray[np.bool_]) -> NDArray:
    """三调 codes for the parcels (by their generating points): shares by area, placed by terrain and towns."""
    frame = _frame()
    rng = np.random.default_rng([seed, 3])
    x, y = xy[:, 0], xy[:, 1]
    h = terrain(seed, x, y)
    total = float(area.sum())
    code = np.full(len(xy), "", dtype="<U4")
    river = shapely.contains_xy(frame.river, x, y)
    code[river] = np.where(rng.random(int(river.sum())) < 0.12, "1106", "1101")
    free = code == ""
    urban = _pick(free, core * 1.0 + 0.6 * _urban(frame, x, y) + 0.3 * rng.random(len(x)), area, 0.07 * total)
    code[urban] = _choose(rng, _URBAN, len(urban))
    small = np.median(area) / area  # houses, ponds, roads: small parcels
    for c, share, weight in _SCATTERED:
        free = code == ""
        w = np.maximum(weight(h) * small, 1e-3)
        chosen = _pick(free & ~core, rng.random(len(x)) ** (1 / w), area, share * total)  # weighted random order
        code[chosen] = c
    flat = -(h + 0.1 * rng.random(len(x)))
    fields = _pick((code == "") & ~core, flat, area, 0.25 * total)
    order = np.argsort(np.argsort(h[fields])) / max(len(fields), 1)
    code[fields] = np.where(order < 0.72, "0101", "0103")
    code[fields[rng.random(len(fields)) < 0.03]] = "0102"
    orchards = _pick(code == "", flat, area, 0.04 * total)
    code[orchards] = _choose(rng, _ORCHARD, len(orchards))
    rest = np.flatnonzero(code == "")
    code[rest] = _choose(rng, _FOREST, len(rest))
    return code


def _zldwdm(frame: _Frame, seed: int, xy: NDArray) -> NDArray:
    """坐落单位代码 (12 digits): the town whose (approximate) zone holds the point + a synthetic village."""
    rng = np.random.default_rng([seed, 4])
    town = np.full(len(xy), -1)
    for i, g in enumerate(frame.towns):
        town[(town < 0) & shapely.contains_xy(g, xy[:, 0], xy[:, 1])] = i
    lost = np.flatnonzero(town < 0)
    if len(lost):
        d = np.array([shapely.distance(shapely.points(xy[lost]), g) for g in frame.towns])
        town[lost] = np.argmin(d, axis=0)
    out = np.empty(len(xy), dtype="<U12")
    for i, (name, g) in enumerate(zip(frame.town_names, frame.towns, strict=True)):
        sel = np.flatnonzero(town == i)
        n_vil = max(5, round(g.area / 8e6))
        minx, miny, maxx, maxy = g.bounds
        cand = np.column_stack([rng.uniform(minx, maxx, 50 * n_vil), rng.uniform(miny, maxy, 50 * n_vil)])
        cand = cand[shapely.contains_xy(g, cand[:, 0], cand[:, 1])][:n_vil]
        cand = cand[np.lexsort((cand[:, 0], -cand[:, 1]))]  # villages numbered north to south
        near = np.argmin(np.hypot(xy[sel, None, 0] - cand[None, :, 0], xy[sel, None, 1] - cand[None, :, 1]), axis=1)
        out[sel] = [f"{DISTRICT_ADCODE}{TOWN_CODES.get(name, '199')}{201 + v:03d}" for v in near]
    return out


def dltb(n: int = 150_000, seed: int = SEED, vertices: tuple[int, int] = (10, 30)) -> gpd.GeoDataFrame:
    """Synthetic 三调 地类图斑 (DLTB) tiling the district: n parcels, each with ``vertices`` (min, max) vertices.

    Fields: BSM, TBBH (numbered within its village), DLBM, DLMC, QSXZ, ZLDWDM, TBMJ (area in EPSG:4547,
    0.01 m²), KCXS (田坎系数: 0.02–0.15 on 耕地, else 0), KCMJ = TBMJ × KCXS, TBDLMJ = TBMJ − KCMJ, SJLY.
    Area shares: 耕地 25 %, 林地 ≈ 48 %, 园地 4 %, 水域 ≈ 7 % (the 湘江, ponds, reservoirs), 建设用地 (05–10) ≈ 14 %.
    """
    if n < 10:
        raise ValueError(f"n={n}: a tessellation needs at least 10 parcels")
    lo, hi = vertices
    if not 4 <= lo <= hi:
        raise ValueError(f"vertices={vertices}: need 4 <= min <= max")
    frame = _frame()
    pts, cells = _cells(frame, n, seed, hi)
    geoms = _densify(cells, (lo, hi), seed)
    area = shapely.area(geoms)
    core = _core_mask(seed, pts)
    code = _classify(seed, pts, area, core)
    zl = _zldwdm(frame, seed, pts)
    order = np.lexsort((pts[:, 0], -pts[:, 1], zl))  # by village, then north to south: as deliveries come
    geoms, area, code, zl, pts = geoms[order], area[order], code[order], zl[order], pts[order]
    first = np.flatnonzero(np.r_[True, zl[1:] != zl[:-1]])
    tbbh = np.arange(n) - np.repeat(first, np.diff(np.r_[first, n])) + 1
    rng = np.random.default_rng([seed, 5])
    tbmj = np.round(area, 2)
    farmland = np.char.startswith(code, "01")
    grade = np.clip((terrain(seed, pts[:, 0], pts[:, 1]) * 5 + rng.uniform(-0.5, 0.5, n)).astype(int), 0, 4)
    kcxs = np.where(farmland, _KCXS_GRADES[grade], 0.0)
    kcmj = np.round(tbmj * kcxs, 2)
    state = np.isin(code, ["1101", "1106", "1003", "0602"]) | (core & np.isin(code, list(_URBAN)))
    qsxz = np.where(state, "10", np.where(rng.random(n) < 0.7, "21", "22"))
    return gpd.GeoDataFrame(
        {
            "BSM": [f"{DISTRICT_ADCODE}{i:012d}" for i in range(1, n + 1)],
            "TBBH": tbbh.astype(str),
            "DLBM": code,
            "DLMC": [DLMC[c] for c in code],
            "QSXZ": qsxz,
            "ZLDWDM": zl,
            "TBMJ": tbmj,
            "KCXS": kcxs,
            "KCMJ": kcmj,
            "TBDLMJ": np.round(tbmj - kcmj, 2),
            "SJLY": SJLY,
        },
        geometry=geoms,
        crs=MEASURE_CRS,
    )


# ------------------------------------------------------------------------------ 三区三线


def _blob(rng: np.random.Generator, cx: float, cy: float, radius: float, n: int = 72) -> shapely.Polygon:
    """A star-shaped blob around (cx, cy) of about the radius."""
    theta = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = np.ones(n)
    for k in range(2, 6):
        r += rng.uniform(0, 0.22 / k * 2) * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    r = radius * np.maximum(r, 0.4)
    return shapely.Polygon(np.column_stack([cx + r * np.cos(theta), cy + r * np.sin(theta)]))


def _clean(g: shapely.Geometry, min_share: float = 0.05) -> shapely.Geometry:
    """Drop the slivers of a difference: parts smaller than min_share of the largest."""
    parts = [p for p in shapely.get_parts(g) if p.geom_type == "Polygon"]
    if not parts:
        return shapely.Polygon()
    big = max(p.area for p in parts)
    keep = [p for p in parts if p.area >= min_share * big]
    return keep[0] if len(keep) == 1 else shapely.MultiPolygon(keep)


def czkfbj(seed: int = SEED) -> gpd.GeoDataFrame:
    """Synthetic 城镇开发边界 around the town seats: one 城镇集中建设区 per town, a 城镇弹性发展区 beside each,
    a 特别用途区 beside the three largest; inside the district, outside the 湘江.

    Fields: BSM, GHFQDM, GHFQMC (see :data:`GHFQMC`), MJ (m², EPSG:4547), CZMC (which town's, 合成), SJLY.
    """
    frame = _frame()
    rng = np.random.default_rng([seed, 6])
    rows, geoms = [], []
    land = shapely.difference(frame.district, frame.river)
    for name, (sx, sy) in zip(frame.seat_names, frame.seats, strict=True):
        radius = _TOWN_RADIUS.get(name, 800.0)
        core = _clean(shapely.intersection(_blob(rng, sx, sy, radius), land))
        taken = core
        parts = [("0401", core)]
        n_extra = 2 if radius >= 1300 else 1
        for code, dist, size in [("0402", 1.0, 0.6), ("0403", 1.25, 0.4)][:n_extra]:
            a = rng.uniform(0, 2 * np.pi)
            blob = _blob(rng, sx + dist * radius * np.cos(a), sy + dist * radius * np.sin(a), size * radius)
            g = _clean(shapely.difference(shapely.intersection(blob, land), taken))
            if not g.is_empty:
                parts.append((code, g))
                taken = shapely.union(taken, g)
        for code, g in parts:
            rows.append({"GHFQDM": code, "GHFQMC": GHFQMC[code], "CZMC": f"{name}城镇开发边界（合成）"})
            geoms.append(g)
    out = gpd.GeoDataFrame(rows, geometry=geoms, crs=MEASURE_CRS)
    out.insert(0, "BSM", [f"{DISTRICT_ADCODE}CZ{i:06d}" for i in range(1, len(out) + 1)])
    out.insert(3, "MJ", np.round(out.area.to_numpy(), 2))
    out["SJLY"] = SJLY
    return out


def _core_mask(seed: int, xy: NDArray) -> NDArray[np.bool_]:
    cz = czkfbj(seed)
    core = shapely.union_all(cz.geometry.values[cz["GHFQDM"].to_numpy() == "0401"])
    shapely.prepare(core)
    return shapely.contains_xy(core, xy[:, 0], xy[:, 1])


def _outside(layer: gpd.GeoDataFrame, geoms: NDArray) -> NDArray[np.bool_]:
    """Which geometries touch no feature of the layer."""
    hit = shapely.STRtree(layer.geometry.values).query(geoms, predicate="intersects")[0]
    out = np.ones(len(geoms), bool)
    out[hit] = False
    return out


def yjjbnt(dltb: gpd.GeoDataFrame, n: int = 30_000, seed: int = SEED, czkfbj_layer: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Synthetic 永久基本农田: n of the 耕地 parcels of ``dltb`` (one polygon each, the parcel's own geometry)
    outside the 城镇开发边界 (all of them when fewer), in clusters of a smooth random field.

    Fields: YJJBNTTBBH, DLBM, DLMC, YJJBNTMJ (the parcel's net area TBDLMJ, m²), SJLY.
    """
    cz = czkfbj(seed) if czkfbj_layer is None else czkfbj_layer.to_crs(MEASURE_CRS)
    g = dltb.to_crs(MEASURE_CRS)
    geoms = g.geometry.values
    ok = g["DLBM"].str.startswith("01").to_numpy() & _outside(cz, geoms)
    c = shapely.get_coordinates(shapely.centroid(geoms))
    score = _noise(seed, 12, c[:, 0], c[:, 1], (1500.0, 6000.0)) + 0.3 * np.random.default_rng([seed, 7]).random(len(g))
    idx = np.flatnonzero(ok)
    idx = np.sort(idx[np.argsort(-score[idx], kind="stable")][:n])
    sel = g.iloc[idx]
    return gpd.GeoDataFrame(
        {
            "YJJBNTTBBH": [f"{i:06d}" for i in range(1, len(sel) + 1)],
            "DLBM": sel["DLBM"].to_numpy(),
            "DLMC": sel["DLMC"].to_numpy(),
            "YJJBNTMJ": sel["TBDLMJ"].to_numpy(),
            "SJLY": SJLY,
        },
        geometry=sel.geometry.values,
        crs=MEASURE_CRS,
    )


_HXLX = ["水源涵养", "生物多样性维护", "水土保持"]
_DIRECTIONS = ["东部", "东北部", "北部", "西北部", "西部", "西南部", "南部", "东南部"]


def _town_of(frame: _Frame, g: shapely.Geometry) -> str:
    p = shapely.point_on_surface(g)
    for name, town in zip(frame.town_names, frame.towns, strict=True):
        if town.contains(p):
            return name
    return frame.town_names[int(np.argmin([town.distance(p) for town in frame.towns]))]


def _hill_patches(g: gpd.GeoDataFrame, n: int, seed: int, eligible: NDArray[np.bool_]) -> list[shapely.Geometry]:
    """n patches of eligible parcels around hill-top centres at least 3 km apart, each parcel to its nearest centre."""
    rng = np.random.default_rng([seed, 8])
    c = shapely.get_coordinates(shapely.centroid(g.geometry.values))
    h = terrain(seed, c[:, 0], c[:, 1]) + 0.05 * rng.random(len(c))
    centres: list[NDArray] = []
    for i in np.flatnonzero(eligible)[np.argsort(-h[eligible], kind="stable")]:
        if all(np.hypot(*(c[i] - q)) > 3000.0 for q in centres):
            centres.append(c[i])
            if len(centres) == n:
                break
    if not centres:
        return []
    cen = np.array(centres)
    radius = rng.uniform(1000.0, 2000.0, len(cen))
    d = np.hypot(c[:, None, 0] - cen[None, :, 0], c[:, None, 1] - cen[None, :, 1]) / radius[None, :]
    near = np.argmin(d, axis=1)
    within = eligible & (d[np.arange(len(c)), near] < 1.0)
    geoms = g.geometry.values
    return [shapely.coverage_union_all(geoms[within & (near == j)]) for j in range(len(cen))]


def stbhhx(dltb: gpd.GeoDataFrame, n: int = 30, seed: int = SEED, czkfbj_layer: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Synthetic 生态保护红线: n patches of 林地 parcels around hill tops, plus the 湘江 (河流水面, 内陆滩涂 parcels)
    outside the 城镇开发边界, one feature per reach. Built from whole parcels, so it meets no 永久基本农田.

    Fields: BSM, HXBM, HXMC (e.g. 湘江渌口段水源涵养生态保护红线（合成）), HXLX, MJ (m², EPSG:4547), SJLY.
    """
    frame = _frame()
    cz = czkfbj(seed) if czkfbj_layer is None else czkfbj_layer.to_crs(MEASURE_CRS)
    g = dltb.to_crs(MEASURE_CRS)
    free = _outside(cz, g.geometry.values)
    code = g["DLBM"].to_numpy()
    rng = np.random.default_rng([seed, 9])
    rows, geoms = [], []
    water = free & np.isin(code, ["1101", "1106"])
    town = g["ZLDWDM"].str[6:9].to_numpy()
    for tcode, name in sorted((c, n) for n, c in TOWN_CODES.items()):  # one reach of the 湘江 per town
        parts = [p for p in shapely.get_parts(shapely.coverage_union_all(g.geometry.values[water & (town == tcode)])) if p.area > 5e4]
        if parts:
            rows.append({"HXMC": f"湘江{name.removesuffix('镇')}段水源涵养生态保护红线（合成）", "HXLX": "水源涵养"})
            geoms.append(parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts))
    forest = free & np.char.startswith(code.astype(str), "03")
    seen: dict[str, int] = {}
    for p in _hill_patches(g, n, seed, forest):
        if p.is_empty:
            continue
        c = p.centroid
        town = _town_of(frame, p)
        tx, ty = frame.seats[frame.seat_names.index(town)] if town in frame.seat_names else (c.x, c.y)
        direction = _DIRECTIONS[int(((np.degrees(np.arctan2(c.y - ty, c.x - tx)) + 22.5) % 360) // 45)]
        kind = _HXLX[int(rng.integers(len(_HXLX)))]
        base = f"{town}{direction}山地{kind}生态保护红线"
        seen[base] = seen.get(base, 0) + 1
        rows.append({"HXMC": f"{base}{'' if seen[base] == 1 else seen[base]}（合成）", "HXLX": kind})
        geoms.append(p)
    out = gpd.GeoDataFrame(rows, geometry=geoms, crs=MEASURE_CRS)
    out.insert(0, "BSM", [f"{DISTRICT_ADCODE}HX{i:06d}" for i in range(1, len(out) + 1)])
    out.insert(1, "HXBM", [f"HX{DISTRICT_ADCODE}{i:03d}" for i in range(1, len(out) + 1)])
    out["MJ"] = np.round(out.area.to_numpy(), 2)
    out["SJLY"] = SJLY
    return out[["BSM", "HXBM", "HXMC", "HXLX", "MJ", "SJLY", "geometry"]]


_PLANNED = {  # 三调 class → planned 用地用海 class inside the 城镇集中建设区
    "0701": "0701", "0702": "0701", "05H1": "0901", "0601": "1001", "0508": "1101", "08H1": "0801", "08H2": "0804",
    "0810": "1401", "1004": "1207", "1003": "1207", "1101": "1701", "1106": "1701", "1104": "1704", "09": "15",
}  # fmt: skip
_NEW_USE = {"0701": 0.36, "1001": 0.22, "0901": 0.10, "1401": 0.10, "1207": 0.10, "16": 0.05, "0806": 0.02, "1402": 0.02,
            "1403": 0.01, "1208": 0.02, "1303": 0.01}  # fmt: skip


def ghydyh(dltb: gpd.GeoDataFrame, seed: int = SEED, czkfbj_layer: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Synthetic planned 用地用海 inside the 城镇集中建设区: the DLTB parcels cut by it, today's built classes kept
    (mapped onto the 2023 codes), the rest given planned urban uses.

    Fields: BSM, YDYHFLDM, YDYHFLMC, MJ (m², EPSG:4547), SJLY.
    """
    cz = czkfbj(seed) if czkfbj_layer is None else czkfbj_layer.to_crs(MEASURE_CRS)
    zone = shapely.union_all(cz.geometry.values[cz["GHFQDM"].to_numpy() == "0401"])
    g = dltb.to_crs(MEASURE_CRS)
    idx = np.unique(shapely.STRtree(g.geometry.values).query(zone, predicate="intersects"))
    geoms = g.geometry.values[idx].copy()
    shapely.prepare(zone)
    cut = ~shapely.contains_properly(zone, geoms)
    geoms[cut] = shapely.intersection(geoms[cut], zone)
    keep = (shapely.get_type_id(geoms) == 3) & (shapely.area(geoms) > 1.0)
    idx, geoms = idx[keep], geoms[keep]
    rng = np.random.default_rng([seed, 10])
    new = _choose(rng, _NEW_USE, len(idx))
    code = np.array([_PLANNED.get(c, n) for c, n in zip(g["DLBM"].to_numpy()[idx], new, strict=True)])
    out = gpd.GeoDataFrame(
        {
            "BSM": [f"{DISTRICT_ADCODE}YD{i:06d}" for i in range(1, len(idx) + 1)],
            "YDYHFLDM": code,
            "YDYHFLMC": [YDYHFLMC[c] for c in code],
            "MJ": np.round(shapely.area(geoms), 2),
            "SJLY": SJLY,
        },
        geometry=geoms,
        crs=MEASURE_CRS,
    )
    return out


# ------------------------------------------------------------------------------ red lines and the whole set


def _rectangle(cx: float, cy: float, w: float, h: float, angle: float) -> shapely.Polygon:
    """A rectangle with one corner cut (5 vertices), as a project site often is."""
    x = np.array([-w, w, w, -w + 0.3 * w, -w]) / 2
    y = np.array([-h, -h, h, h, h - 0.3 * w]) / 2
    c, s = np.cos(angle), np.sin(angle)
    return shapely.Polygon(np.column_stack([cx + c * x - s * y, cy + s * x + c * y]))


def redlines(
    yjjbnt_layer: gpd.GeoDataFrame, stbhhx_layer: gpd.GeoDataFrame, czkfbj_layer: gpd.GeoDataFrame, seed: int = SEED
) -> gpd.GeoDataFrame:
    """Two synthetic project red lines (合成) for the site check: one across 永久基本农田 and 生态保护红线 (where
    they come closest), one inside the largest 城镇集中建设区. Fields: name, ptype (地块用途)."""
    frame = _frame()
    rng = np.random.default_rng([seed, 13])
    yj, st, cz = (layer.to_crs(MEASURE_CRS).geometry.values for layer in (yjjbnt_layer, stbhhx_layer, czkfbj_layer))
    tree, reach = shapely.STRtree(yj), 25.0
    si, yi = tree.query(st, predicate="dwithin", distance=reach)  # parcels beside a red line (query_nearest is slow)
    while not len(si):
        reach *= 4
        si, yi = tree.query(st, predicate="dwithin", distance=reach)
    a, b = yj[yi[0]], st[si[0]]
    gap = shapely.shortest_line(a, b)
    centre = shapely.line_interpolate_point(gap, 0.5, normalized=True)
    size = max(150.0, 1.2 * float(np.sqrt(np.median(shapely.area(yj)))), 1.5 * float(shapely.length(gap)))
    angle = rng.uniform(0, np.pi)
    for _ in range(20):
        red1 = shapely.intersection(_rectangle(centre.x, centre.y, size, 0.7 * size, angle), frame.district)
        if red1.intersects(a) and red1.intersects(b):
            break
        size *= 1.3
    core = max(shapely.get_parts(cz[czkfbj_layer["GHFQDM"].to_numpy() == "0401"]), key=lambda p: p.area)
    radius_line = shapely.maximum_inscribed_circle(core)
    (cx, cy), radius = shapely.get_coordinates(radius_line)[0], shapely.length(radius_line)
    side = min(300.0, 1.2 * radius)
    red2 = _rectangle(cx, cy, side, 0.8 * side, rng.uniform(0, np.pi))
    while not core.contains(red2):
        side *= 0.8
        red2 = _rectangle(cx, cy, side, 0.8 * side, rng.uniform(0, np.pi))
    return gpd.GeoDataFrame(
        {"name": ["合成红线一（跨永久基本农田与生态保护红线）", "合成红线二（城镇开发边界内）"], "ptype": ["工业用地", "住宅用地"]},
        geometry=[red1, red2],
        crs=MEASURE_CRS,
    )


def sample_layers(
    n_dltb: int = 3000, seed: int = SEED, n_yjjbnt: int | None = None, n_stbhhx: int = 30, vertices: tuple[int, int] = (10, 30)
) -> dict[str, gpd.GeoDataFrame]:
    """The whole synthetic set, in EPSG:4547: dltb, yjjbnt (default n: a fifth of n_dltb), stbhhx, czkfbj, ghydyh, redlines."""
    d = dltb(n_dltb, seed, vertices)
    cz = czkfbj(seed)
    yj = yjjbnt(d, n_dltb // 5 if n_yjjbnt is None else n_yjjbnt, seed, cz)
    st = stbhhx(d, n_stbhhx, seed, cz)
    return {"dltb": d, "yjjbnt": yj, "stbhhx": st, "czkfbj": cz, "ghydyh": ghydyh(d, seed, cz), "redlines": redlines(yj, st, cz, seed)}
