"""`make bench`: the site check as users run it.

Every figure runs the code path of the CLI or the app with every text column on, and is printed
next to a baseline measured in the same run; a missed target exits 1.

- **cold one-point CLI check**: ``python -m lukou_geo check one.txt --out …`` (every report
  format, as the CLI writes by default) against ``python -c "import geopandas, shapely, pyproj,
  pyogrio"`` (the floor of any check in Python): target ≤ 2.5×;
- **1,000 red lines** (a third each drawn rectangles, rotated rectangles and concave red lines,
  50–400 m across) through :func:`check_projects` with ``details`` on: target ≤ 2 s on this
  machine class (2 cores), reported next to ``geopandas.overlay`` of the same polygons with the
  plan's zones (which only intersects: no district, townships, verdicts or texts);
- **zone layers of 10⁵ and 10⁶ features** (80 m parcels over the district): index build and the
  overlay of the 1,000 red lines, in a fresh process each so its peak memory is its own: target
  peak < 3 GB at 10⁶; reported next to the bare ``STRtree.query`` + ``intersection`` + ``area``
  of the same pairs.
The first check on the check page is timed by ``bench_check_page.py``.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from any folder

from _targets import Targets
from _timing import best, runs

from lukou_geo.sitecheck.check import check_projects
from lukou_geo.sitecheck.context import get_context

N_RED_LINES = 1_000


def red_lines(rng: np.random.Generator, n: int, bounds) -> np.ndarray:
    """Project polygons 50–400 m across (EPSG:4547), in three equal shares: drawn rectangles
    (axis-aligned), rotated rectangles (aspect 1–3) and irregular red lines (8–16 vertices, concave)."""
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


def cold_cli(t: Targets) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.txt"
        one.write_text("113.1475,27.605\n", encoding="utf-8")
        cmd = [sys.executable, "-m", "lukou_geo", "check", str(one), "--out", str(Path(tmp) / "out" / "report.xlsx")]

        def run_cli() -> None:
            subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)

        base = [sys.executable, "-c", "import geopandas, shapely, pyproj, pyogrio"]

        def run_base() -> None:
            subprocess.run(base, check=True, capture_output=True)

        run_cli()  # warm the OS file cache (not Python's): both commands are timed the same way
        run_base()
        # interleaved, so that both see the same machine (a background job slows both, not one)
        pairs = [(runs(run_cli, 1)[0][0], runs(run_base, 1)[0][0]) for _ in range(7)]
        t_cli = statistics.median(c for c, _ in pairs)
        t_imp = statistics.median(b for _, b in pairs)
        written = sorted(p.name for p in (Path(tmp) / "out").iterdir())
    print(f"\ncold one-point CLI check (every format: {', '.join(written)}): {t_cli:.2f} s; "
          f"import geopandas, shapely, pyproj, pyogrio: {t_imp:.2f} s")
    t.check("cold one-point CLI check ÷ imports", t_cli / t_imp, "<=", 2.5)


def thousand_red_lines(t: Targets, ctx) -> np.ndarray:
    rng = np.random.default_rng(4547)
    polys = red_lines(rng, N_RED_LINES, shapely.bounds(ctx.district))
    ll = gpd.GeoSeries(polys, crs="EPSG:4547").to_crs("EPSG:4326")
    gdf = gpd.GeoDataFrame({"name": [f"红线{i}" for i in range(len(polys))], "ptype": "新材料", "source": "bench"},
                           geometry=ll.values, crs="EPSG:4326")
    t_ours = best(lambda: check_projects(gdf, ctx, details=True), 3)
    res = check_projects(gdf, ctx, details=True)
    zones = gpd.GeoDataFrame({"zone": np.arange(len(ctx.zone_geoms))}, geometry=ctx.zone_geoms, crs="EPSG:4547")
    prj = gpd.GeoDataFrame({"p": np.arange(len(polys))}, geometry=polys, crs="EPSG:4547")
    t_overlay = best(lambda: gpd.overlay(prj, zones, how="intersection", keep_geom_type=False), 1)
    print(f"\n{N_RED_LINES:,} red lines × {len(ctx.zone_geoms)} plan zones, details on: {t_ours:.2f} s "
          f"({len(res.zones):,} zone rows, every text column); geopandas.overlay of the same: {t_overlay:.2f} s "
          f"(ratio {t_ours / t_overlay:.2f})")
    assert res.summary["reason"].str.len().min() > 0 and (res.zones["plan_words"] != "").all()
    t.check(f"{N_RED_LINES:,} red lines, every text column (s)", t_ours, "<=", 2.0, f"geopandas.overlay {t_overlay:.2f} s")
    return polys


_BIG = r"""
import json, resource, sys, time
import numpy as np, shapely
sys.path.insert(0, sys.argv[3])
from lukou_geo.sitecheck.overlay import index_zones, overlaps
n = int(sys.argv[1]); polys = shapely.from_wkb(np.load(sys.argv[2], allow_pickle=True))
bounds = shapely.total_bounds(polys)
rng = np.random.default_rng(1)
side = 80.0
x = rng.uniform(bounds[0] - 20000, bounds[2] + 20000, n); y = rng.uniform(bounds[1] - 20000, bounds[3] + 20000, n)
zones = shapely.box(x, y, x + side, y + side)
t0 = time.perf_counter(); idx = index_zones(zones); t_index = time.perf_counter() - t0
t0 = time.perf_counter(); pi, zi, m = overlaps(polys, idx); t_query = time.perf_counter() - t0
t0 = time.perf_counter(); tree = shapely.STRtree(zones); a, b = tree.query(polys, predicate="intersects")
area = shapely.area(shapely.intersection(polys[a], zones[b])); t_bare = time.perf_counter() - t0
print(json.dumps({"index": t_index, "query": t_query, "bare": t_bare, "pairs": int(len(pi)), "bare_pairs": int(len(a)),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "area": float(m.sum()), "bare_area": float(area.sum())}))
"""


def big_layers(t: Targets, polys: np.ndarray) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "polys.npy"
        np.save(f, shapely.to_wkb(polys), allow_pickle=True)
        for n in (100_000, 1_000_000):
            out = subprocess.run([sys.executable, "-c", _BIG, str(n), str(f), str(ROOT)], check=True, capture_output=True, text=True)
            r = json.loads(out.stdout)
            print(f"\n{n:,} zones: index {r['index']:.2f} s, {len(polys):,} red lines {r['query']:.2f} s ({r['pairs']:,} pairs); "
                  f"bare STRtree+intersection+area {r['bare']:.2f} s ({r['bare_pairs']:,} pairs); peak {r['peak_mb']:,.0f} MB")
            t.check(f"{n:,} zones: same pairs and area as the bare GEOS form", abs(r["area"] - r["bare_area"]) / max(r["bare_area"], 1), "<=", 1e-9)
            if n == 1_000_000:
                t.check("10⁶ zones: peak memory (MB)", r["peak_mb"], "<", 3072)


def main() -> int:
    t = Targets("bench_check")
    cold_cli(t)
    ctx = get_context()
    polys = thousand_red_lines(t, ctx)
    big_layers(t, polys)
    return t.exit_code()


if __name__ == "__main__":
    sys.exit(main())
