"""`make bench`: the 压占 check against big imported layers (issue 12's targets, as ratios in one run).

Layers (synthetic, 合成: :func:`lukou_geo.build.synthetic.dltb`, tiling the district): a
150,000-parcel DLTB, a 30,000-polygon 永久基本农田 and a 500-polygon 生态保护红线, as the check
holds them after :func:`lukou_geo.sitecheck.occupancy.load_layer` (EPSG:4547 with their trees).
The red lines are ``bench_check.red_lines`` (rectangles, rotated rectangles, concave polygons,
50–400 m across). Every output is on: the pieces, the class tables (level-2, level-1, 三大类), the
features, the summary columns and the rule findings.

Targets:
- a 部标 TXT of one red line through ``python -m lukou_geo check`` (every report, the 审查意见 included) against a
  GeoPackage store of these layers: ≤ 2 × the same command without the store (the plan's zones only); the
  same file uploaded on the check page (Chromium, network blocked) of the app with that store: the 压占 table
  ≤ 3 × the result on the page of the app without a store (the 审查意见's time after its button printed);
- 1 red line, warm (layers loaded): ≤ 1 s;
- 1,000 red lines: ≤ 1.5 × the bare ``STRtree.query`` + ``shapely.intersection`` + ``area`` of the
  same pairs, and ≤ 1 × ``geopandas.overlay`` of the same; areas equal to ``overlay`` within 1e-6
  relative (per project × feature);
- peak memory ≤ 2 GB at 300,000 parcels (a fresh process: generate, index, check 1,000 red lines).

``--quick`` uses 20,000 parcels (a smoke run of the code path, not the targets' scale).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _targets import Targets
from _timing import best
from bench_check import red_lines

from lukou_geo.build.synthetic import dltb
from lukou_geo.sitecheck.context import get_context
from lukou_geo.sitecheck.occupancy import layer_from_frame, occupancy

STD = {  # the delivery's fields → the store's standard fields (as the importer maps them)
    "DLBM": "lk_code", "DLMC": "lk_name", "BSM": "lk_bsm", "TBBH": "lk_ref_id", "TBMJ": "lk_tbmj", "KCXS": "lk_kcxs",
       "KCMJ": "lk_kcmj", "TBDLMJ": "lk_tbdlmj"}


def frame(n: int, seed: int) -> gpd.GeoDataFrame:
    gdf = dltb(n, seed=seed).to_crs("EPSG:4547").rename(columns=STD)
    gdf["lk_fid"] = np.arange(1, len(gdf) + 1)
    return gdf


def bare(reds: np.ndarray, layers) -> tuple[float, dict]:
    """The bare GEOS form: query, intersection, area (no classes, no texts)."""
    out = {}
    for lyr in layers:
        pi, fi = lyr.tree.query(reds)
        a = shapely.area(shapely.intersection(reds[pi], lyr.geoms[fi]))
        out[lyr.id] = (pi, fi, a)
    return 0.0, out


def overlay(reds: np.ndarray, frames: dict) -> dict:
    red_gdf = gpd.GeoDataFrame({"p": np.arange(len(reds))}, geometry=reds, crs="EPSG:4547")
    out = {}
    for lid, gdf in frames.items():
        ov = gpd.overlay(red_gdf, gdf[["lk_fid", "geometry"]], keep_geom_type=True)
        out[lid] = ov.assign(a=ov.area).groupby(["p", "lk_fid"])["a"].sum()
    return out


def big_memory(t: Targets, n: int) -> None:
    code = (
        "import json, resource, sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / 'benchmarks')!r})\n"
        "import numpy as np, shapely\n"
        "from bench_check import red_lines\n"
        "from bench_occupancy import frame\n"
        "from lukou_geo.sitecheck.occupancy import layer_from_frame, occupancy\n"
        f"gdf = frame({n}, 7)\n"
        "bounds = tuple(gdf.total_bounds)\n"
        "lyr = layer_from_frame(gdf, 'dltb', 'DLTB', 'dltb')\n"
        "del gdf\n"
        "reds = red_lines(np.random.default_rng(5), 1000, bounds)\n"
        "t0 = time.perf_counter(); occ = occupancy(reds, [lyr], ptypes=['新材料'] * 1000); s = time.perf_counter() - t0\n"
        "print(json.dumps({'s': s, 'rows': len(occ.classes), 'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"  {n:,} parcels: 1,000 red lines in {res['s']:.2f} s, {res['rows']:,} class rows")
    t.check(f"peak memory at {n:,} parcels (MB)", res["peak_mb"], "<=", 2048)


def store_frame(gdf: gpd.GeoDataFrame, layer_id: str, kind: str):
    """(LayerInfo, frame) as the importer hands them to ``Store.write_layer`` (WGS-84, the standard fields)."""
    from lukou_geo.store import STANDARD_FIELDS, LayerInfo

    ll = gdf.to_crs("EPSG:4326")
    ll["lk_area_m2"] = shapely.area(gdf.geometry.values)
    ll["lk_code1"] = ll["lk_code"].str[:2]
    ll["lk_year"], ll["lk_repaired"] = 2022, 0
    for c in STANDARD_FIELDS:
        if c not in ll:
            ll[c] = None
    info = LayerInfo(id=layer_id, title=f"{layer_id} 合成", kind=kind, geometry="polygon", features=len(ll),
                     bounds=tuple(float(v) for v in ll.total_bounds), source_file="synthetic", sha256="0" * 64,
                     source_crs="EPSG:4547", encoding="", sublayer="", imported_at="", imported_by="bench", version=0)
    return info, ll


def bubiao(red: shapely.Polygon, path: Path) -> Path:
    """A surveyor's 部标 界址点 TXT of one red line (CGCS2000, 3° zone 38 with its prefix, GBK), as planners receive it."""
    ring = list(red.exterior.coords)
    lines = ["[属性描述]", "格式版本号=1.01", "坐标系=2000国家大地坐标系", "几度分带=3", "投影类型=高斯克吕格", "计量单位=米", "带号=38",
             "[地块坐标]", f"{len(ring)},{red.area / 10_000:.4f},1,合成红线,面,,工业用地,,@"]
    lines += [f"J{i},1,{y:.3f},{x + 38e6:.3f}" for i, (x, y) in enumerate(ring, 1)]
    path.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    return path


def cli_with_store(t: Targets, frames: dict, kinds: dict, red: shapely.Polygon) -> None:
    """A 部标 TXT through ``python -m lukou_geo check`` (every report, the 审查意见 DOCX/PDF included) against a
    GeoPackage store holding the layers, next to the same command without a store (the plan's zones only)."""
    import os
    import statistics
    import tempfile

    from lukou_geo.store import open_store

    with tempfile.TemporaryDirectory(prefix="lukou-bench-occ-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        st = open_store(str(folder / "store" / "store.gpkg"))
        for lid, gdf in frames.items():
            st.write_layer(*store_frame(gdf, lid, kinds[lid]))
        st.close()
        print(f"  GeoPackage store of the layers written in {time.perf_counter() - t0:.1f} s")
        txt = bubiao(red, folder / "红线_部标.txt")

        def run(store: str) -> float:
            env = {**os.environ, "LUKOU_STORE": store, "LUKOU_DATA_DIR": str(folder / "var")}
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "lukou_geo", "check", str(txt), "--out", str(folder / "out" / "r.xlsx")],
                           cwd=ROOT, env=env, check=True, capture_output=True)
            return time.perf_counter() - t0

        with_store, without = [], []
        run(str(folder / "store" / "store.gpkg"))  # the OS file cache warm, as for the baseline
        for _ in range(3):
            with_store.append(run(str(folder / "store" / "store.gpkg")))
            without.append(run(str(folder / "none" / "store.gpkg")))
        written = sorted(p.name for p in (folder / "out").iterdir())
        assert "r_opinion.docx" in written and "r_classes.csv" in written, written
        a, b = statistics.median(with_store), statistics.median(without)
        print(f"  部标 TXT, one red line, CLI with every report ({len(written)} files): {a:.2f} s against "
              f"{', '.join(f'{len(f):,}' for f in frames.values())} features; {b:.2f} s with the plan's zones only")
        t.check("CLI check of a 部标 TXT against the layers / without them", a / b, "<=", 2.0)
        page(t, txt, folder)


def _page_check(url: str, txt: Path, with_layers: bool) -> tuple[float, float]:
    """On the check page (Chromium, network blocked): upload ``txt`` after a planner's few seconds on the page;
    (s to the result — the 压占 table when ``with_layers`` —, s from 生成审查意见 to its DOCX button; 0 without layers)."""
    from _app import CHROMIUM, CHROMIUM_ARGS, FRAME, local_only
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ctx = browser.new_context(viewport={"width": 1440, "height": 900})
        ctx.route("**/*", local_only)
        pg = ctx.new_page()
        pg.goto(url + "/check", wait_until="domcontentloaded")
        frame = pg.wait_for_selector(FRAME, state="attached", timeout=120_000).content_frame()
        frame.wait_for_selector("path.leaflet-interactive", state="attached", timeout=120_000)
        pg.wait_for_timeout(6_000)  # choosing the file: the page reads the chosen layers meanwhile
        t0 = time.perf_counter()
        pg.locator('input[type="file"]').first.set_input_files(str(txt))
        (pg.get_by_text("三线协调:涉及的图斑").first if with_layers else pg.get_by_text("1. 合成红线 — ", exact=False).first
         ).wait_for(timeout=120_000)
        t_result, t_opinion = time.perf_counter() - t0, 0.0
        if with_layers:
            t0 = time.perf_counter()
            pg.get_by_role("button", name="生成审查意见(DOCX/PDF)").click()
            pg.get_by_role("button", name="审查意见 DOCX").wait_for(timeout=120_000)
            t_opinion = time.perf_counter() - t0
        browser.close()
    return t_result, t_opinion


def page(t: Targets, txt: Path, folder: Path) -> None:
    """The same 部标 TXT uploaded on the check page of the app with the store, and of the app without one."""
    from _app import start_app

    figures = {}
    for label, store in (("with", str(folder / "store" / "store.gpkg")), ("without", str(folder / "none" / "store.gpkg"))):
        proc, url = start_app({"LUKOU_STORE": store, "LUKOU_DATA_DIR": str(folder / f"var-{label}"), "LUKOU_USER": "bench"})
        try:
            figures[label] = _page_check(url, txt, label == "with")
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    (a, opinion), (b, _) = figures["with"], figures["without"]
    print(f"  check page, the 部标 TXT uploaded: the 压占 table in {a:.2f} s (the plan's zones only: the result in {b:.2f} s); "
          f"审查意见 DOCX/PDF ready {opinion:.2f} s after its button")
    t.check("check page: 压占 table of a 部标 TXT / the result without layers", a / b, "<=", 3.0)


def postgis(reds: np.ndarray, gdf: gpd.GeoDataFrame, t_occ: float) -> None:
    """The same 1,000 red lines in PostGIS (``ST_Intersection`` with its GiST index, areas in EPSG:4547), on a
    throw-away cluster; reported beside the in-process check, not a target (skipped without PostgreSQL + PostGIS)."""
    try:
        from tests.store.pgcluster import start_cluster

        cluster = start_cluster()
    except (ImportError, RuntimeError, OSError) as exc:  # optional measurement: say why it was skipped
        print(f"  PostGIS: skipped ({exc})")
        return
    try:
        from lukou_geo.crs import to_lonlat
        from lukou_geo.sitecheck.occupancy_store import load_layer
        from lukou_geo.store import open_store

        st = open_store(cluster.url)
        info, ll = store_frame(gdf, "dltb", "dltb")
        t0 = time.perf_counter()
        st.write_layer(info, ll)
        t_write = time.perf_counter() - t0
        t0 = time.perf_counter()
        load_layer(st, "dltb")
        t_load = time.perf_counter() - t0
        with st._con.cursor() as cur:  # the layer's table, from the catalogue
            cur.execute("SELECT data_table FROM lk_layers WHERE id = 'dltb'")
            table = cur.fetchone()[0]
        wkb = shapely.to_wkb(to_lonlat(reds), hex=True)
        sql = (f'WITH r AS (SELECT i, ST_SetSRID(ST_GeomFromWKB(decode(w, \'hex\')), 4326) g FROM unnest(%s::int[], %s::text[]) AS u(i, w)) '
               f'SELECT r.i, f.lk_fid, ST_Area(ST_Transform(ST_Intersection(f.geom, r.g), 4547)) FROM r JOIN "{table}" f '
               'ON ST_Intersects(f.geom, r.g)')

        def run() -> list:
            with st._con.cursor() as cur:
                cur.execute(sql, (list(range(len(reds))), list(wkb)))
                return cur.fetchall()

        run()
        t_db = best(run, 3)
        print(f"  PostGIS ({len(ll):,} parcels): write {t_write:.1f} s, load into the check {t_load:.1f} s; "
              f"1,000 red lines in the database {t_db:.2f} s vs in the check {t_occ:.2f} s (DLTB only, warm)")
        st.close()
    finally:
        cluster.stop()


def main() -> int:
    quick = "--quick" in sys.argv
    n = 20_000 if quick else 150_000
    t = Targets("bench_occupancy")
    t0 = time.perf_counter()
    frames = {"dltb": frame(n, 0), "yjjbnt": frame(n // 5, 1), "stbhhx": frame(500, 2)}
    frames["yjjbnt"]["lk_code"] = "0101"  # a 永久基本农田 layer of 30,000 polygons (the size)
    kinds = {"dltb": "dltb", "yjjbnt": "yjjbnt", "stbhhx": "stbhhx"}
    layers = [layer_from_frame(f, lid, lid, kinds[lid]) for lid, f in frames.items()]
    print(f"layers: {', '.join(f'{lyr.id} {len(lyr):,}' for lyr in layers)} (合成) in {time.perf_counter() - t0:.1f} s")
    bounds = shapely.bounds(get_context().district)
    rng = np.random.default_rng(11)

    one = red_lines(rng, 1, bounds)
    occupancy(one, layers, ptypes=["新材料"])  # warm: rules, vocabulary, class tables read
    t_one = best(lambda: occupancy(one, layers, ptypes=["新材料"]), 5)
    t.check("1 red line, warm (s)", t_one, "<=", 1.0)

    reds = red_lines(rng, 1000, bounds)
    types = ["新材料"] * len(reds)
    t_occ = best(lambda: occupancy(reds, layers, ptypes=types), 3)
    t_bare = best(lambda: bare(reds, layers), 3)
    t_ov0 = time.perf_counter()
    ov = overlay(reds, frames)
    t_ov = time.perf_counter() - t_ov0
    print(f"  1,000 red lines: occupancy {t_occ:.2f} s, bare query+intersection+area {t_bare:.2f} s, geopandas.overlay {t_ov:.2f} s")
    t.check("1,000 red lines: occupancy / bare GEOS", t_occ / t_bare, "<=", 1.5)
    t.check("1,000 red lines: occupancy / geopandas.overlay", t_occ / t_ov, "<=", 1.0)
    occ = occupancy(reds, layers, ptypes=types)
    worst = 0.0
    for lid, ref in ov.items():
        mine = occ.pieces[occ.pieces["layer_id"] == lid].set_index(["pi", "fid"])["gross_m2"]
        mine = mine.groupby(level=[0, 1]).sum()
        ref = ref[ref > 0]
        ref.index.names = ["pi", "fid"]
        joined = ref.to_frame("ref").join(mine.rename("mine"), how="outer")
        worst = max(worst, float((abs(joined["mine"].fillna(0) - joined["ref"].fillna(0)) / joined["ref"].fillna(joined["mine"])).max()))
    t.check("areas vs geopandas.overlay (max relative difference)", worst, "<=", 1e-6)
    t_dltb = best(lambda: occupancy(reds, layers[:1], ptypes=types), 3)
    postgis(reds, frames["dltb"], t_dltb)
    cli_with_store(t, frames, kinds, one[0])
    big_memory(t, 30_000 if quick else 300_000)
    return t.exit_code()


if __name__ == "__main__":
    raise SystemExit(main())
