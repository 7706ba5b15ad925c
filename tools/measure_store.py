"""Measure the store on synthetic (合成) 三调 layers: import time against a plain GDAL copy, and query times.

``python tools/measure_store.py [--import-n 150000] [--query-n 300000] [--backends gpkg,postgis]``

1. A synthetic DLTB of ``--import-n`` parcels (:mod:`lukou_geo.store.synthetic`: Voronoi cells
   tiling the district, 20–40 vertices each, real DLTB fields) is written as a FileGDB in EPSG:4490.
   Baseline: ``pyogrio.read_dataframe`` of it + ``to_file(GPKG)``. Then ``import_layer`` of the
   same file into a new GeoPackage store, with and without vector tiles (phase times from the
   progress callback).
2. A layer of ``--query-n`` parcels in each backend (PostGIS: a throw-away cluster): ``identify``
   at 200 random points of the district and 50 attribute pages of 100 rows at random offsets
   (plus the last page, a 01-prefix filter and a descending sort).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyogrio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lukou_geo.store import open_store
from lukou_geo.store.base import TableFilter
from lukou_geo.store.importer import import_layer
from lukou_geo.store.synthetic import synthetic_dltb, write_synthetic


class Phases:
    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.marks: list[tuple[float, str]] = []

    def __call__(self, fraction: float, message: str) -> None:
        step = message.split(" / ")[0].split(" ")[0].rstrip("0123456789%/")
        if not self.marks or self.marks[-1][1] != step:
            self.marks.append((time.perf_counter() - self.t0, step))

    def report(self) -> str:
        ends = [t for t, _ in self.marks[1:]] + [time.perf_counter() - self.t0]
        return ", ".join(f"{s} {e - t:.1f}s" for (t, s), e in zip(self.marks, ends, strict=True) if e - t >= 0.1)


def ms(xs: list[float]) -> str:
    a = np.array(xs) * 1000
    return f"median {statistics.median(a):.1f} ms, p95 {np.percentile(a, 95):.1f} ms, max {a.max():.1f} ms (n={len(a)})"


def measure_import(n: int, tmp: Path) -> None:
    gdb = write_synthetic(synthetic_dltb(n, seed=1), tmp / "DLTB.gdb", crs="EPSG:4490")
    t = time.perf_counter()
    gdf = pyogrio.read_dataframe(gdb)
    gdf.to_file(tmp / "plain.gpkg", driver="GPKG")
    base = time.perf_counter() - t
    print(f"baseline read_dataframe + to_file(GPKG) of {n} parcels: {base:.1f} s")
    for tiles in (False, True):
        phases = Phases()
        with open_store(str(tmp / f"store_{tiles}.gpkg")) as st:
            rep = import_layer(st, gdb, user="measure", tiles=tiles, progress=phases)
        print(f"import_layer tiles={tiles}: {rep.seconds:.1f} s = {rep.seconds / base:.1f}× baseline; "
              f"{rep.layer.tiles.get('count', 0)} tiles, largest {rep.layer.tiles.get('largest', 0) / 1024:.0f} KB; {phases.report()}")


def measure_queries(url: str, n: int, tmp: Path, rng: np.random.Generator) -> None:
    gdb = tmp / f"q{n}.gdb"
    if not gdb.exists():
        write_synthetic(synthetic_dltb(n, seed=2), gdb, crs="EPSG:4490")
    with open_store(url) as st:
        rep = import_layer(st, gdb, layer_id="dltb", user="measure", tiles=False)
        print(f"[{st.backend}] {rep.layer.features} parcels imported in {rep.seconds:.1f} s (no tiles)")
        minx, miny, maxx, maxy = rep.layer.bounds
        pts = rng.uniform((minx, miny), (maxx, maxy), size=(400, 2))
        times, found = [], 0
        st.identify(float(pts[0, 0]), float(pts[0, 1]))  # warm
        for x, y in pts[:200]:
            t = time.perf_counter()
            hits = st.identify(float(x), float(y))
            times.append(time.perf_counter() - t)
            found += len(hits)
        print(f"[{st.backend}] identify at {n}: {ms(times)}; {found} hits at 200 points")
        total = st.table("dltb")[1]
        pages = []
        for off in rng.integers(0, total - 100, size=50):
            t = time.perf_counter()
            st.table("dltb", offset=int(off), limit=100)
            pages.append(time.perf_counter() - t)
        print(f"[{st.backend}] table page of 100 at {n}: {ms(pages)}")
        for label, kw in [("last page", {"offset": total - 100}), ("code 01 filter", {"flt": TableFilter(code_prefix="01")}),
                          ("sorted by -lk_area_m2", {"order": "-lk_area_m2", "offset": 1000}),
                          ("text filter 水田", {"flt": TableFilter(text="水田")})]:
            t = time.perf_counter()
            st.table("dltb", limit=100, **kw)
            print(f"[{st.backend}]   {label}: {(time.perf_counter() - t) * 1000:.1f} ms")
        t = time.perf_counter()
        st.class_stats("dltb")
        print(f"[{st.backend}]   class_stats: {(time.perf_counter() - t) * 1000:.1f} ms")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--import-n", type=int, default=150_000)
    ap.add_argument("--query-n", type=int, default=300_000)
    ap.add_argument("--backends", default="gpkg,postgis")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory(prefix="lukou-measure-") as d:
        tmp = Path(d)
        if args.import_n:
            measure_import(args.import_n, tmp)
        for backend in args.backends.split(","):
            if backend == "gpkg":
                measure_queries(str(tmp / "query.gpkg"), args.query_n, tmp, rng)
            elif backend == "postgis":
                from tests.store.pgcluster import start_cluster

                cluster = start_cluster()
                try:
                    measure_queries(cluster.url, args.query_n, tmp, rng)
                finally:
                    cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
