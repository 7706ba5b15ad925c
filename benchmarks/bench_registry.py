"""`make bench` (the project register): a register of 10,000 projects in a GeoPackage store (or the
store ``LUKOU_BENCH_STORE`` names, e.g. a PostGIS URL).

Targets (exit 1 when one is missed): the filtered list page (one page of 50, with its count, for each
filter the 项目库 page offers) ≤ 200 ms server time; registering one checked project (snapshot, layer
versions, two report files, history, audit) ≤ 300 ms beyond the check itself; the register's map layer
(all 10,000 projects as the page draws them: lukou_geo.map.elements.register, its points read by
records.project_points) drawn in Chromium ≤ 1.5× a blank map (median ms from navigation until the
points are drawn, against until the blank map's panes exist; the same locally served Leaflet). Baselines
measured in the same run: the unfiltered first page (list), the check of that project (registration), the
blank folium map (map layer). The 项目库 page's own base map (the district's frame) with and without the
layer is reported beside it.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from any folder

from _targets import Targets
from _timing import timed

N = 10_000
LIST_TARGET_S = 0.200
REGISTER_TARGET_S = 0.300
MAP_TARGET_RATIO = 1.5
MAP_REPEAT = 7

_DRAWN_JS = """
() => new Promise(resolve => {
  const found = () => document.querySelector(window.__lkSel);
  if (found()) return resolve(performance.now());
  new MutationObserver((_, obs) => { if (found()) { obs.disconnect(); resolve(performance.now()); } })
    .observe(document.documentElement, {subtree: true, childList: true, attributes: true});
})
"""


def _map_times(pages: dict[str, tuple[str, str]]) -> dict[str, float]:
    """Median ms from navigation start until each page's selector appears (loopback only), pages interleaved."""
    import json
    import statistics

    from bench_atlas import CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    out: dict[str, list[float]] = {k: [] for k in pages}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(MAP_REPEAT):
            for name, (url, selector) in pages.items():
                ctx = browser.new_context(viewport={"width": 1280, "height": 800})
                ctx.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
                page = ctx.new_page()
                page.add_init_script(f"window.__lkSel = {json.dumps(selector)};")
                page.goto(url, wait_until="commit")
                out[name].append(page.evaluate(_DRAWN_JS))
                ctx.close()
        browser.close()
    return {k: statistics.median(v) for k, v in out.items()}


def map_layer(store, targets: Targets) -> None:
    """The register's map layer of every project against a blank map, in Chromium."""
    import folium
    from bench_atlas import html_of, serve

    from lukou_geo.catalog import read_catalog, validate_data
    from lukou_geo.map import assets
    from lukou_geo.map.elements.register import add_register
    from lukou_geo.map.render import MapOptions, build_map
    from lukou_geo.registry import records
    from lukou_geo.ui.pages.registry import MAP_LAYERS, MAP_POINTS

    t0 = time.perf_counter()
    points, total = records.project_points(store, limit=MAP_POINTS)
    read_s = time.perf_counter() - t0
    assert len(points) == total == N, (len(points), total)

    def blank() -> folium.Map:
        return folium.Map(tiles=None, location=[27.5, 113.1], zoom_start=10)

    with_layer = blank()
    add_register(with_layer, points, "zh")
    catalog = read_catalog()
    data = validate_data(catalog)
    page_base = build_map(catalog, data, MapOptions(visible=MAP_LAYERS, height=480))
    page_full = build_map(catalog, data, MapOptions(visible=MAP_LAYERS, height=480))
    add_register(page_full, points, "zh")
    htmls = {"blank": html_of(blank(), "vendor/"), "register": html_of(with_layer, "vendor/"),
             "page_base": html_of(page_base, "vendor/"), "page_register": html_of(page_full, "vendor/")}
    layer_bytes = len(htmls["register"].encode()) - len(htmls["blank"].encode())
    print(f"register map layer: {N:,} points read in {read_s * 1000:.0f} ms, {layer_bytes / 1e6:.2f} MB in the page")
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "vendor").symlink_to(assets.vendor_dir().resolve())
        for name, text in htmls.items():
            (d / f"{name}.html").write_text(text, encoding="utf-8")
        url = serve(d)
        times = _map_times({"blank": (url + "blank.html", ".leaflet-map-pane"),
                            "register": (url + "register.html", "[data-lk-register]"),
                            "page_base": (url + "page_base.html", ".leaflet-map-pane"),
                            "page_register": (url + "page_register.html", "[data-lk-register]")})
    print(f"baseline: blank map ready {times['blank']:.0f} ms; the 项目库 page's base map ready {times['page_base']:.0f} ms, "
          f"with the layer drawn {times['page_register']:.0f} ms (ratio {times['page_register'] / times['page_base']:.2f}, reported)")
    targets.check(f"register map layer of {N:,} projects drawn / blank map", times["register"] / times["blank"], "<=", MAP_TARGET_RATIO,
                  f"{times['register']:.0f} ms against {times['blank']:.0f} ms")


def _fill(store, n: int) -> None:
    """n projects, 500 per registration (statuses, verdicts, towns, types spread over them)."""
    from lukou_geo.registry import records
    from tests.registry.helpers import result

    towns = ["渌口镇", "南洲镇", "龙船镇", "龙门镇", "淦田镇", "古岳峰镇", "朱亭镇", "龙潭镇"]
    verdicts = ["符合", "需关注", "不符合"]
    types = ["住宅", "物流", "新材料", "商业", "农业"]
    done = 0
    while done < n:
        k = min(500, n - done)
        i = done // 500
        records.register_check(store, "bench", result(k, name=f"批{i}项目", verdict=verdicts[i % 3], town=towns[i % 8], ptype=types[i % 5]),
                               source_file=__file__, source_crs="EPSG:4490", applicant=f"申请单位{i % 17}", local=True)
        done += k
    with store.transaction(write=True) as tx:  # spread statuses (a direct write: the fixture, not a user's)
        p = store.dialect.param
        for j, status in enumerate(("核查中", "已出具意见", "已批复", "不予通过")):
            tx.execute(f"UPDATE lk_projects SET status = {p} WHERE mod(id, 5) = {p}", (status, j + 1))
        # spread the projects' centres over the district (a 100 × 100 grid of ≈ 300 m), as the map draws them
        tx.execute("UPDATE lk_projects SET lon = 112.98 + mod(id, 100) * 0.003, lat = 27.40 + mod(id / 100, 100) * 0.003")


def main() -> int:
    from lukou_geo.registry import records

    targets = Targets("bench_registry")
    url = os.environ.get("LUKOU_BENCH_STORE", "")
    tmp = tempfile.mkdtemp(prefix="lk_bench_registry_")
    from lukou_geo.store import open_store

    store = open_store(url or str(Path(tmp) / "store.gpkg"))
    t0 = time.perf_counter()
    _fill(store, N)
    print(f"register of {N:,} projects ({store.backend}) filled in {time.perf_counter() - t0:.1f} s")

    F = records.ProjectFilter
    base, _ = timed(lambda: records.list_projects(store, F(), limit=50), 7)
    print(f"baseline: unfiltered first page of 50 with its count: {base * 1000:.1f} ms")
    cases = {
        "status": F(status="核查中"), "verdict": F(verdict="不符合"), "town": F(town="龙门镇"), "type": F(ptype="物流"),
        "date": F(created_from="2000-01-01", created_to="2999-01-01"), "text": F(text="批7项目"),
        "status+town+type": F(status="拟选址", town="渌口镇", ptype="住宅"), "deep page": F(verdict="符合"),
    }
    for name, flt in cases.items():
        offset = 3000 if name == "deep page" else 0
        med, (_rows, total) = timed(lambda flt=flt, offset=offset: records.list_projects(store, flt, offset=offset, limit=50), 7)
        targets.check(f"list page, filter {name} ({total:,} match)", med, "<=", LIST_TARGET_S, f"ratio to baseline {med / base:.2f}")

    # registration: a real check of one red line, its reports, then the registration alone
    import geopandas as gpd
    import shapely

    from lukou_geo.registry.records import layer_versions, register_check
    from lukou_geo.sitecheck.check import check_projects
    from lukou_geo.sitecheck.context import get_context
    from lukou_geo.sitecheck.report import export_all

    ctx = get_context()
    gdf = gpd.GeoDataFrame({"name": ["基准红线"], "ptype": ["新材料"], "source": ["bench"]},
                           geometry=[shapely.box(113.10, 27.60, 113.105, 27.604)], crs="EPSG:4326")
    check_projects(gdf, ctx, "")  # warm
    check_s, res = timed(lambda: check_projects(gdf, ctx, ""), 5)
    written = export_all(res, ctx, str(Path(tmp) / "r.xlsx"), ("xlsx", "csv"), "基准")
    src = Path(tmp) / "red.geojson"
    src.write_text(gdf.to_json(), encoding="utf-8")

    def register():
        return register_check(store, "bench", res, source_file=str(src), source_crs="auto", versions=layer_versions(ctx, store),
                              reports=written, local=True)

    map_layer(store, targets)  # before the registrations below add projects (the layer is of N)

    reg_s, _ = timed(register, 7)
    print(f"baseline: the check of one red line {check_s * 1000:.1f} ms")
    targets.check("registration of one project beyond the check", reg_s, "<=", REGISTER_TARGET_S,
                  f"ratio to the check {reg_s / check_s:.2f}")
    store.close()
    return targets.exit_code()


if __name__ == "__main__":
    sys.exit(main())
