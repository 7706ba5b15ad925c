"""Measure the vector-tile map against an inline GeoJSON page of the same big layer, in Chromium.

Usage::

    python tools/measure_tiles.py [--parcels 150000] [--maxzoom 14] [--skip-inline]

A synthetic (合成) 三调-like layer of N square parcels over the district is tiled by tippecanoe
(z8–maxzoom) into the in-memory test store; a local uvicorn server serves the atlas map page
(catalog layers plus the store layer as vector tiles), the vendored files and the real ``/lk/`` routes.
Chromium (network blocked) opens it at the district view. Printed:

- bytes the browser received for the tile page (HTML, scripts, tiles) until every tile is drawn;
- bytes of an inline page of the same layer (folium.GeoJson with its attributes), and, unless
  ``--skip-inline``, how long Chromium takes to draw it;
- time from navigation to the first drawn vector tile, against the same page with no store layer
  (a blank map: the time to Leaflet's ``load``).

Not a test and not a benchmark of ``benchmarks/``: a measurement for the report of the change.
"""

from __future__ import annotations

import argparse
import math
import socket
import sys
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))


def _serve(app) -> tuple[object, str]:
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def _open(browser, url: str, ready: str, timeout_ms: int = 600_000) -> tuple[float, int, int]:
    """(seconds to ``ready``, bytes received, requests) for one page load with outside requests blocked."""
    from playwright.sync_api import Error as PlaywrightError

    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith("http://127.0.0.1") else r.abort())
    page = ctx.new_page()
    sizes: list[int] = []

    def done(req) -> None:
        try:
            s = req.sizes()
            sizes.append(int(s["responseBodySize"]) + int(s["responseHeadersSize"]))
        except PlaywrightError:  # a request that failed has no sizes: it is not counted
            return

    page.on("requestfinished", done)
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=timeout_ms)
    page.wait_for_function(ready, timeout=timeout_ms, polling=50)
    seconds = time.perf_counter() - t0
    page.wait_for_timeout(1500)
    ctx.close()
    return seconds, sum(sizes), len(sizes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parcels", type=int, default=150_000)
    parser.add_argument("--maxzoom", type=int, default=14)
    parser.add_argument("--skip-inline", action="store_true", help="do not open the inline page in Chromium")
    args = parser.parse_args(argv)

    import folium
    from playwright.sync_api import sync_playwright
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    from lukou_geo.catalog import read_catalog, validate_data
    from lukou_geo.map import assets
    from lukou_geo.map.elements.vector_tiles import layer_spec
    from lukou_geo.map.render import MapOptions, build_map
    from lukou_geo.map.server import routes
    from tests.fakes.store import FakeStore, parcels

    side = math.ceil(math.sqrt(args.parcels))
    step = 0.34 / side
    t = time.perf_counter()
    gdf = parcels(side, side, origin=(112.97, 27.30), step=step).iloc[: args.parcels]
    print(f"synthetic layer: {len(gdf):,} parcels, {step * 1e5:.0f} m squares ({time.perf_counter() - t:.1f} s)")
    store = FakeStore()
    t = time.perf_counter()
    info = store.add("dltb_big", "合成三调 (synthetic)", "dltb", gdf, minzoom=8, maxzoom=args.maxzoom)
    tiles = store._layers["dltb_big"][2]
    print(f"tippecanoe z8–{args.maxzoom}: {len(tiles):,} tiles, {sum(map(len, tiles.values())) / 1e6:.1f} MB "
          f"({time.perf_counter() - t:.1f} s)")

    catalog = read_catalog()
    data = validate_data(catalog)
    spec = layer_spec(info, store.class_stats("dltb_big"), "zh")
    pages = {}
    for name, specs in (("tiles", (spec,)), ("blank", ())):
        m = build_map(catalog, data, MapOptions(tile_layers=specs, coords=True))
        assets.localize(m, "/vendor/")
        pages[name] = m.get_root().render()
    t = time.perf_counter()
    inline = folium.Map(location=[27.55, 113.14], zoom_start=10, tiles=None)
    folium.GeoJson(gdf.to_json(drop_id=True), name="inline").add_to(inline)
    assets.localize(inline, "/vendor/")
    pages["inline"] = inline.get_root().render()
    print(f"inline GeoJSON page built in {time.perf_counter() - t:.1f} s: {len(pages['inline'].encode()) / 1e6:.1f} MB of HTML")

    app = Starlette(routes=[*routes(lambda: store),
                            Route("/map/{name}", lambda r: HTMLResponse(pages[r.path_params["name"]])),
                            Mount("/vendor", StaticFiles(directory=str(assets.vendor_dir())))])
    server, base = _serve(app)
    tiles_ready = ("() => window.lkTiles && window.lkTiles.layers.dltb_big && window.lkTiles.tilesLoaded.dltb_big > 0 "
                   "&& !window.lkTiles.layers.dltb_big.isLoading()")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        blank_s, blank_b, _ = _open(browser, f"{base}/map/blank", "() => window.lkTiles && window.lkTiles.map._loaded")
        first_s, _, _ = _open(browser, f"{base}/map/tiles", "() => window.lkTiles && window.lkTiles.firstTileAt !== null")
        all_s, tile_b, tile_n = _open(browser, f"{base}/map/tiles", tiles_ready)
        print(f"blank map (no store layer): ready in {blank_s:.2f} s, {blank_b / 1e6:.2f} MB received")
        print(f"vector tiles at the district view: first tile drawn {first_s:.2f} s, all drawn {all_s:.2f} s; "
              f"{tile_b / 1e6:.2f} MB received in {tile_n} requests")
        if not args.skip_inline:
            inl_s, inl_b, _ = _open(browser, f"{base}/map/inline",
                                    "() => document.querySelectorAll('path.leaflet-interactive').length > 1000")
            print(f"inline GeoJSON page: drawn in {inl_s:.1f} s, {inl_b / 1e6:.1f} MB received")
        browser.close()
    server.should_exit = True  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
