"""`make bench`: throughput of the site check against every zone layer.

100,000 random points and 10,000 random polygons 50–400 m across (a third each axis-aligned
rectangles, rotated rectangles and irregular concave red lines) over the district's bounding
box are checked against all ``check = "zone"`` layers. Every figure is printed next to
baselines measured in the same run, on the same data (EPSG:4547):
- raw:   one ``shapely.STRtree`` query with ``predicate="intersects"`` (both orientations are
         timed, tree build included; the faster one is the baseline): the practical limit;
- naive: a per-feature Shapely loop (``zone.intersects(project)`` and, for polygons,
         ``zone.intersection(project).area``) on a sample, extrapolated.
"ours" is :func:`lukou_geo.sitecheck.check.overlaps` (pairs plus overlap area/length) with the context's
zone grid and pieces (built once per context, like the index of a database); "full" is the whole
:func:`lukou_geo.sitecheck.check.check_projects` from WGS-84 input (reprojection, district, townships,
zones, verdicts, axes; ``details=False``, i.e. without the text columns), shown next to a naive
per-project loop doing the same work. Targets (for the zone check): ours within 2× raw, ≥ 50×
naive, peak memory < 1 GB. Absolute times depend on the machine.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from any folder

from _timing import best

from lukou_geo.sitecheck.check import check_projects, default_context, overlaps

N_POINTS, N_POLYS, NAIVE_SAMPLE, REPEAT = 100_000, 10_000, 2_000, 3


def data(ctx):
    rng = np.random.default_rng(4547)
    minx, miny, maxx, maxy = shapely.bounds(ctx.district)
    pts = shapely.points(rng.uniform(minx, maxx, N_POINTS), rng.uniform(miny, maxy, N_POINTS))
    return pts, red_lines(rng, N_POLYS, (minx, miny, maxx, maxy))


def red_lines(rng, n: int, bounds) -> np.ndarray:
    """Project polygons 50–400 m across, in three equal shares: drawn rectangles (axis-aligned),
    rotated rectangles (aspect 1–3) and irregular red lines (8–16 vertices, concave)."""
    minx, miny, maxx, maxy = bounds
    cx, cy = rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
    h = rng.uniform(25, 200, n)
    kind = np.arange(n) % 3
    out = np.empty(n, dtype=object)
    a = kind == 0
    out[a] = shapely.box(cx[a] - h[a], cy[a] - h[a], cx[a] + h[a], cy[a] + h[a])
    b = np.flatnonzero(kind == 1)
    t = rng.uniform(0, np.pi, len(b))
    w, ln = h[b] / rng.uniform(1, 3, len(b)), h[b]
    corners = np.array([(-1, -1), (1, -1), (1, 1), (-1, 1)], dtype=float)
    lx, ly = corners[None, :, 0] * ln[:, None], corners[None, :, 1] * w[:, None]
    xs = cx[b, None] + lx * np.cos(t)[:, None] - ly * np.sin(t)[:, None]
    ys = cy[b, None] + lx * np.sin(t)[:, None] + ly * np.cos(t)[:, None]
    out[b] = shapely.polygons(np.stack([xs, ys], axis=2))
    for i in np.flatnonzero(kind == 2):
        k = int(rng.integers(8, 17))
        ang = (np.arange(k) + rng.uniform(0, 0.8, k)) * (2 * np.pi / k)  # star-shaped, so simple
        r = h[i] * rng.uniform(0.45, 1.0, k)
        out[i] = shapely.Polygon(np.stack([cx[i] + r * np.cos(ang), cy[i] + r * np.sin(ang)], axis=1))
    return out


def naive_rate(projects, zones, area: bool) -> float:
    sample = projects[:NAIVE_SAMPLE]
    plain = [shapely.from_wkb(shapely.to_wkb(z)) for z in zones]  # unprepared copies

    def loop():
        out = []
        for p in sample:
            for zi, z in enumerate(plain):
                if z.intersects(p):
                    out.append((zi, z.intersection(p).area if area else 0.0))
        return out

    return NAIVE_SAMPLE / best(loop, REPEAT)


def naive_full_rate(projects, ctx, area: bool) -> float:
    """The whole check written as a per-project loop over plain geometries: district (and the
    distance when outside), township, every zone (overlap), the nearest axis."""
    sample = projects[: NAIVE_SAMPLE // 4]

    def plain(a):
        return [shapely.from_wkb(shapely.to_wkb(g)) for g in a]

    district = shapely.from_wkb(shapely.to_wkb(ctx.district))
    towns, zones, axes = plain(ctx.town_geoms), plain(ctx.zone_geoms), plain(ctx.axis_geoms)

    def loop():
        out = []
        for p in sample:
            inside = district.intersects(p)
            d = 0.0 if inside else district.distance(p)
            town = max(((t.intersection(p).area if area else 1.0, i) for i, t in enumerate(towns) if t.intersects(p)), default=None)
            zs = [(zi, z.intersection(p).area if area else 0.0) for zi, z in enumerate(zones) if z.intersects(p)]
            ax = min(a.distance(p) for a in axes)
            out.append((inside, d, town, zs, ax))
        return out

    return len(sample) / best(loop, 1)


def bench(label: str, projects, ctx, area: bool) -> dict[str, float]:
    zones = ctx.zone_geoms
    n = len(projects)
    raw_a = best(lambda: shapely.STRtree(zones).query(projects, predicate="intersects"), REPEAT)
    raw_b = best(lambda: shapely.STRtree(projects).query(zones, predicate="intersects"), REPEAT)
    raw = min(raw_a, raw_b)
    pieces, grid = ctx.zone_pieces, ctx.zone_grid  # built once per context, like an index
    ours = best(lambda: overlaps(projects, zones, pieces, grid), REPEAT)
    pairs = len(overlaps(projects, zones, pieces, grid)[0])
    ll = gpd.GeoSeries(projects, crs="EPSG:4547").to_crs("EPSG:4326")
    gdf = gpd.GeoDataFrame({"name": np.arange(n).astype(str), "ptype": "新材料", "source": ""}, geometry=ll.values, crs="EPSG:4326")
    full = best(lambda: check_projects(gdf, ctx, details=False, chunk=n), 1)
    naive = naive_rate(projects, zones, area)
    naive_full = naive_full_rate(projects, ctx, area)
    print(f"\n{label}: {n:,} projects × {len(zones)} zones in {len(pieces.geoms):,} pieces, {grid.cell:.0f} m grid ({pairs:,} overlapping pairs)")
    print(f"  raw STRtree query   {n / raw:>12,.0f} /s   (tree on zones {raw_a:.3f} s, tree on projects {raw_b:.3f} s)")
    print(f"  ours (overlaps)     {n / ours:>12,.0f} /s   {ours:.3f} s   = {ours / raw:.2f}× raw time   (target ≤ 2×)")
    print(f"  naive Shapely loop  {naive:>12,.0f} /s   (sample of {NAIVE_SAMPLE:,})    ours = {n / ours / naive:,.0f}× naive (target ≥ 50×)")
    print(f"  full check_projects {n / full:>12,.0f} /s   {full:.3f} s   = {n / full / naive_full:,.0f}× a naive loop doing the same "
          f"(district, township, zones, axis: {naive_full:,.0f} /s)")
    return {"ratio_raw": ours / raw, "ratio_naive": n / ours / naive}


def main() -> int:
    ctx = default_context()
    pts, polys = data(ctx)
    r1 = bench("points", pts, ctx, area=False)
    r2 = bench("polygons", polys, ctx, area=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory {peak_mb:,.0f} MB (target < 1024 MB)")
    ok = all(r["ratio_raw"] <= 2 and r["ratio_naive"] >= 50 for r in (r1, r2)) and peak_mb < 1024
    print("targets met" if ok else "TARGETS NOT MET")
    return 0


if __name__ == "__main__":
    sys.exit(main())
