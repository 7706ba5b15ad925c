"""The store's layers as vector tiles in Chromium (every outside request blocked), outside Streamlit.

A uvicorn server on 127.0.0.1 serves the atlas map page, the vendored files and the real ``/lk/``
routes over a GeoPackage store of the synthetic demo layers (imported, tiles built by tippecanoe). The tests read back what the
browser drew: canvas pixels, screenshot pixels, the legend, the identify popup, the cursor read-out.
"""

from __future__ import annotations

import io
import re
import socket
import threading
import time

import numpy as np
import pytest
import uvicorn
from PIL import Image
from pyproj import Transformer
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from lukou_geo import classes
from lukou_geo.catalog import read_catalog, validate_data
from lukou_geo.map import assets
from lukou_geo.map.elements.vector_tiles import layer_spec
from lukou_geo.map.render import MapOptions, build_map
from lukou_geo.map.server import routes
from tests.browser.conftest import fold_panels, unfold_panels
from tests.demo_store import DEMO_CODES, DEMO_ORIGIN, DEMO_STEP, RecordingStore, demo_store_path

HOSTILE = '<img src=x onerror="window.__pwned=1">'
X0, Y0 = DEMO_ORIGIN


def parcel_centre(i: int, j: int) -> tuple[float, float]:
    """(lat, lon) of the centre of demo parcel (i, j)."""
    return Y0 + (j + 0.48) * DEMO_STEP, X0 + (i + 0.48) * DEMO_STEP


def parcel_code(i: int, j: int) -> str:
    return DEMO_CODES[(i + j) % len(DEMO_CODES)][0]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> RecordingStore:
    """The demo layers imported into a GeoPackage store; parcel (5, 5) (mid-map, clear of the controls) and the
    DLTB's title carry hostile HTML."""
    return RecordingStore(demo_store_path(tmp_path_factory.mktemp("store"), hostile_bz=HOSTILE))


def _page(store: RecordingStore, **opts) -> str:
    catalog = read_catalog()
    data = validate_data(catalog)
    specs = tuple(layer_spec(info, store.class_stats(info.id), "zh", fill_opacity=1.0) for info in store.layers())
    m = build_map(catalog, data, MapOptions(visible=frozenset(), measure=False, tile_layers=specs, coords=True, **opts))
    assets.localize(m, "/vendor/")
    return m.get_root().render()


@pytest.fixture(scope="module")
def site(store, vendored):
    pages = {"plain": _page(store), "swipe": _page(store, swipe=("dltb_demo", "hx_demo"))}
    app = Starlette(routes=[
        *routes(lambda: store),
        Route("/map/{name}", lambda request: HTMLResponse(pages[request.path_params["name"]])),
        Mount("/vendor", StaticFiles(directory=str(vendored))),
    ])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def open_page(page, site: str, name: str = "plain", view: tuple[float, float, int] | None = None, unfold: bool = False):
    page.goto(f"{site}/map/{name}")
    page.wait_for_function("() => window.lkTiles && window.lkTiles.map && window.lkTiles.map._loaded")
    # the first view's tiles first: a tile Leaflet prunes before it loads leaves its layer "loading" for good, and a
    # layer with no tile in the next view (the red line at z17) would then never count one
    wait_tiles(page)
    lat, lon, z = view or (Y0 + 6 * DEMO_STEP, X0 + 6 * DEMO_STEP, 14)
    page.evaluate(f"() => window.lkTiles.map.setView([{lat}, {lon}], {z}, {{animate: false}})")
    wait_tiles(page)
    page.wait_for_timeout(700)
    (unfold_panels if unfold else fold_panels)(page)


def wait_tiles(page) -> None:
    page.wait_for_function("""() => Object.keys(window.lkTiles.layers).every(id => {
        const l = window.lkTiles.layers[id];
        return !window.lkTiles.map.hasLayer(l) || (!l.isLoading() && window.lkTiles.tilesLoaded[id] > 0); })""",
                           timeout=60000)  # a loaded CI machine draws zoom 17 slowly
    page.wait_for_timeout(400)


def screen_point(page, lat: float, lon: float) -> tuple[float, float]:
    return tuple(page.evaluate("""([lat, lon]) => { const m = window.lkTiles.map;
        const p = m.latLngToContainerPoint([lat, lon]), r = m.getContainer().getBoundingClientRect();
        return [r.left + p.x, r.top + p.y]; }""", [lat, lon]))


def canvas_pixel(page, layer: str, lat: float, lon: float) -> tuple[int, int, int, int]:
    """The RGBA the layer's own tile canvas holds at a point (the plugin's drawing, before CSS opacity)."""
    return tuple(page.evaluate("""([id, lat, lon]) => {
        const m = window.lkTiles.map, p = m.latLngToContainerPoint([lat, lon]), r0 = m.getContainer().getBoundingClientRect();
        const x = r0.left + p.x, y = r0.top + p.y;
        let px = null;
        window.lkTiles.layers[id].getContainer().querySelectorAll('canvas').forEach(c => {
            const r = c.getBoundingClientRect();
            if (x >= r.left && x < r.right && y >= r.top && y < r.bottom) {
                const d = c.getContext('2d').getImageData(Math.floor((x - r.left) * c.width / r.width),
                                                          Math.floor((y - r.top) * c.height / r.height), 1, 1).data;
                px = [d[0], d[1], d[2], d[3]];
            }
        });
        return px; }""", [layer, lat, lon]))


def screen_pixel(page, x: float, y: float) -> tuple[int, int, int]:
    png = page.screenshot(clip={"x": x, "y": y, "width": 1, "height": 1})
    return Image.open(io.BytesIO(png)).convert("RGB").getpixel((0, 0))


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def close(a, b, tol: int = 3) -> bool:
    return all(abs(int(u) - int(v)) <= tol for u, v in zip(a, b, strict=False))


def test_parcels_draw_in_their_class_colours(page, site):
    open_page(page, site)
    table = classes.load_table("sandiao")
    seen = set()
    for i, j in [(0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (6, 0), (7, 0), (3, 5)]:
        code = parcel_code(i, j)
        want = hex_rgb(classes.colour(code, table))
        got = canvas_pixel(page, "dltb_demo", *parcel_centre(i, j))
        assert got is not None and got[3] == 255 and close(got[:3], want), (i, j, code, got, want)
        seen.add(code)
    assert len(seen) == len(DEMO_CODES)  # every class of the layer, each in its own national colour
    assert len({classes.colour(c, table) for c in seen}) >= 7
    # between the parcels (4 % gaps) nothing is painted
    gap = canvas_pixel(page, "dltb_demo", Y0 + 0.98 * DEMO_STEP, X0 + 0.5 * DEMO_STEP)
    assert gap is None or gap[3] < 255


def test_legend_lists_the_classes_present_in_their_colours(page, site, store):
    open_page(page, site, unfold=True)
    rows = page.evaluate("""() => Array.from(document.querySelectorAll('.lk-store-class[data-store-layer="dltb_demo"]'))
        .map(r => [r.dataset.code, r.dataset.colour, r.textContent, r.querySelector('rect').getAttribute('fill')])""")
    stats = store.class_stats("dltb_demo")
    table = classes.load_table("sandiao")
    assert [r[0] for r in rows] == list(stats["lk_code"])  # the classes present, largest first
    for code, colour, text, fill in rows:
        assert colour == fill == classes.colour(code, table)
        assert code in text and "公顷" in text
    legend = page.locator(".lk-legend").inner_text()
    assert "已导入图层" in legend and "官方数据" in legend and "DLTB_合成.gdb" in legend
    assert HOSTILE in legend and page.locator(".lk-legend img").count() == 0
    # switching the layer off in the layer control hides its legend rows and stops drawing it
    page.locator(".leaflet-control-layers label", has_text="合成三调").locator("input").click()
    page.wait_for_function("() => !window.lkTiles.map.hasLayer(window.lkTiles.layers.dltb_demo)")
    page.wait_for_timeout(100)
    assert not page.locator('.lk-store-class[data-store-layer="dltb_demo"]').first.is_visible()
    assert page.locator('.lk-store-class[data-store-layer="hx_demo"]').first.is_visible()


def test_click_identifies_every_layer_under_the_point(page, site, store):
    open_page(page, site)
    lat, lon = parcel_centre(5, 5)
    page.mouse.click(*screen_point(page, lat, lon))
    popup = page.locator(".lk-identify")
    popup.wait_for(timeout=10000)
    text = popup.inner_text()
    (_info, attrs), = store.identify(lon, lat, ["dltb_demo"])
    code, name = next(c for c in DEMO_CODES if c[0] == parcel_code(5, 5))
    assert "TB00066" in text and f"{code} {name}" in text and "DLTB_合成.gdb" in text
    ha = attrs["lk_area_m2"] / 1e4
    assert f"{ha:,.4f} 公顷" in text and f"{ha * 15:,.2f} 亩" in text
    assert HOSTILE in text and page.locator(".lk-identify img").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    # inside the red-line block both layers answer
    page.evaluate("() => window.lkTiles.map.closePopup()")
    lat, lon = parcel_centre(8, 8)
    page.mouse.click(*screen_point(page, lat, lon))
    page.wait_for_function("() => window.lkTiles.lastIdentify && window.lkTiles.lastIdentify.lat > 27.69")
    titles = page.locator(".lk-identify .lk-title").all_inner_texts()
    assert titles == ["合成三调 " + HOSTILE, "合成生态保护红线"]
    assert any(n == "identify" and v[2] == ("dltb_demo", "hx_demo") for n, v in store.calls)  # the shown layers only


def test_a_popup_the_legend_would_cover_folds_the_legend(page, site):
    open_page(page, site, unfold=True)  # the legend open, as a planner unfolds it
    lat, lon = parcel_centre(1, 1)  # put parcel (1, 1) behind the legend, in the bottom-left corner
    legend = page.locator(".lk-legend")
    box = legend.bounding_box()
    page.evaluate(f"""() => {{ const m = window.lkTiles.map, r = m.getContainer().getBoundingClientRect();
        const p = m.latLngToContainerPoint([{lat}, {lon}]);
        m.panBy([p.x - ({box["x"]} - r.left + {box["width"]} / 2), p.y - ({box["y"]} - r.top + {box["height"]} / 2)], {{animate: false}}); }}""")
    wait_tiles(page)
    page.evaluate(f"""() => window.lkTiles.map.fire("preclick", {{latlng: L.latLng({lat}, {lon})}})""")
    page.locator(".lk-identify").wait_for(timeout=10000)
    page.wait_for_timeout(800)  # the popup pans the map
    assert "lk-collapsed" in legend.get_attribute("class")
    pop = page.locator(".lk-identify-popup .leaflet-popup-content-wrapper").bounding_box()
    folded = legend.bounding_box()
    assert folded["height"] < box["height"] / 2
    assert not (pop["x"] < folded["x"] + folded["width"] and folded["x"] < pop["x"] + pop["width"]
                and pop["y"] < folded["y"] + folded["height"] and folded["y"] < pop["y"] + pop["height"]), (pop, folded)
    page.evaluate("() => window.lkTiles.map.closePopup()")
    assert "lk-collapsed" not in legend.get_attribute("class")  # unfolded again once the popup is closed


def test_opacity_slider_fades_a_layer(page, site):
    open_page(page, site)
    lat, lon = parcel_centre(4, 6)
    x, y = screen_point(page, lat, lon)
    want = hex_rgb(classes.colour(parcel_code(4, 6), classes.load_table("sandiao")))
    assert close(screen_pixel(page, x, y), want, 4)
    page.evaluate("""() => { const s = document.querySelector('input[data-lk-opacity="dltb_demo"]');
        s.value = '0.3'; s.dispatchEvent(new Event('input')); }""")
    assert page.evaluate("() => window.lkTiles.layers.dltb_demo.getContainer().style.opacity") == "0.3"
    faded = screen_pixel(page, x, y)
    page.evaluate("() => window.lkTiles.layers.dltb_demo.setOpacity(0)")
    background = screen_pixel(page, x, y)
    blend = tuple(round(0.3 * w + 0.7 * b) for w, b in zip(want, background, strict=True))
    assert close(faded, blend, 4) and not close(faded, want, 10), (faded, blend)


def test_swipe_shows_one_layer_on_each_side(page, site):
    # centre of the red-line block: left of the divider the DLTB layer, right of it the red line
    open_page(page, site, "swipe", view=(Y0 + 9 * DEMO_STEP, X0 + 9 * DEMO_STEP, 15))
    box = page.evaluate("() => { const r = window.lkTiles.map.getContainer().getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; }")
    left, top, width, height = box
    y = top + height * 0.72  # inside the block, clear of the layer control and the slider's thumb
    red = hex_rgb(classes.KIND_COLOURS["stbhhx"])
    assert page.locator(".leaflet-sbs-range").count() == 1
    right_px = screen_pixel(page, left + width / 2 + 60, y)
    left_px = screen_pixel(page, left + width / 2 - 60, y)
    assert close(right_px, red, 6), right_px
    assert not close(left_px, red, 30), left_px
    latlng = page.evaluate(f"() => window.lkTiles.map.containerPointToLatLng([{width / 2 - 60}, {height * 0.72}])")
    code = parcel_code(int((latlng["lng"] - X0) / DEMO_STEP), int((latlng["lat"] - Y0) / DEMO_STEP))
    assert close(left_px, hex_rgb(classes.colour(code, classes.load_table("sandiao"))), 6)
    # drag the divider to the right: right of the middle is now the left layer; to the left: all red line
    move = """(v) => { const r = document.querySelector('.leaflet-sbs-range'); r.value = v; r.dispatchEvent(new Event('input')); }"""
    page.evaluate(move, "0.9")
    assert not close(screen_pixel(page, left + width / 2 + 60, y), red, 30)
    page.evaluate(move, "0.1")
    assert close(screen_pixel(page, left + width / 2 - 60, y), red, 6)
    assert close(screen_pixel(page, left + width / 2 + 60, y), red, 6)


def test_cursor_coordinates_in_wgs84_and_cgcs2000_gk(page, site):
    open_page(page, site)
    lat, lon = parcel_centre(5, 5)
    page.mouse.move(*screen_point(page, lat, lon))
    page.wait_for_function("() => window.lkTiles.cursor")
    cur = page.evaluate("() => window.lkTiles.cursor")
    assert abs(cur["lon"] - lon) < 2e-5 and abs(cur["lat"] - lat) < 2e-5
    e, n = Transformer.from_crs("EPSG:4326", "EPSG:4547", always_xy=True).transform(cur["lon"], cur["lat"])
    ez, _nz = Transformer.from_crs("EPSG:4326", "EPSG:4526", always_xy=True).transform(cur["lon"], cur["lat"])
    assert abs(cur["gk"][0] - e) < 0.01 and abs(cur["gk"][1] - n) < 0.01
    assert abs(cur["zone"][0] - ez) < 0.01 and str(int(cur["zone"][0])).startswith("38")
    wgs = page.locator("#lk-coord-wgs").inner_text()
    gk = page.locator("#lk-coord-gk").inner_text()
    zone = page.locator("#lk-coord-zone").inner_text()
    assert "WGS-84" in wgs and f"{cur['lon']:.6f}" in wgs and f"{cur['lat']:.6f}" in wgs
    assert "CM114" in gk and f"X {n:.2f}" in gk and f"Y {e:.2f}" in gk
    assert "38带" in zone and f"Y {ez:.2f}" in zone


def test_class_code_labels_at_high_zoom(page, site):
    open_page(page, site, view=(*parcel_centre(3, 3), 17))
    page.wait_for_function("() => document.querySelectorAll('.lk-code-label').length > 3", timeout=10000)
    texts = set(page.locator(".lk-code-label").all_inner_texts())
    assert texts <= {c for c, _ in DEMO_CODES} | {"HX01"} and parcel_code(3, 3) in texts
    page.evaluate("() => window.lkTiles.map.setZoom(13, {animate: false})")
    page.wait_for_function("() => document.querySelectorAll('.lk-code-label').length === 0")


def _tile_transforms(page) -> list[dict]:
    return page.evaluate("""() => Object.values(window.lkTiles.layers).flatMap(l => Object.values(l._levels).map(lv => ({
        zoom: lv.zoom, level: lv.el.style.transform,
        tiles: Array.from(lv.el.querySelectorAll('.leaflet-tile')).map(t => t.style.transform)})))""")


def _scale(transform: str) -> float | None:
    found = re.search(r"scale\(([0-9.]+)\)", transform)
    return float(found.group(1)) if found else None


def _map_png(page) -> Image.Image:
    box = page.evaluate("() => { const r = window.lkTiles.map.getContainer().getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; }")
    png = page.screenshot(clip={"x": box[0] + 60, "y": box[1] + 80, "width": box[2] - 120, "height": box[3] - 200})
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_fractional_zoom_scales_each_tile_not_the_level(page, site):
    # a scaled tile level with composited canvases costs an offscreen render surface per frame (bench_layers' drag):
    # the scale sits on each tile, the level only moves, and the map looks as with Leaflet's own transform
    open_page(page, site, view=(*parcel_centre(6, 6), 14.5))
    tile_zoom = page.evaluate("() => window.lkTiles.layers.dltb_demo._tileZoom")  # Leaflet rounds 14.5 to 15
    levels = [lv for lv in _tile_transforms(page) if lv["tiles"]]
    assert levels and all("scale" not in lv["level"] for lv in levels), levels
    assert all(abs(_scale(t) - 2 ** (14.5 - tile_zoom)) < 1e-4 for lv in levels for t in lv["tiles"]), levels
    for i, j in ((4, 6), (6, 4), (3, 5)):
        want = hex_rgb(classes.colour(parcel_code(i, j), classes.load_table("sandiao")))
        assert close(screen_pixel(page, *screen_point(page, *parcel_centre(i, j))), want, 4), (i, j)
    flat = _map_png(page)
    page.evaluate("""() => Object.values(window.lkTiles.layers).forEach(l => Object.values(l._levels).forEach(lv => {
        L.GridLayer.prototype._setZoomTransform.call(l, lv, l._map.getCenter(), l._map.getZoom()); l._placeTiles(lv, 1); }))""")
    page.wait_for_timeout(300)
    assert abs(_scale(_tile_transforms(page)[0]["level"]) - 2 ** (14.5 - tile_zoom)) < 1e-4  # Leaflet's own: the level scaled
    leaflet = _map_png(page)
    diff = int((np.abs(np.asarray(flat, dtype=int) - np.asarray(leaflet, dtype=int)).max(axis=2) > 24).sum())
    assert diff <= 0.002 * flat.width * flat.height, diff
    # an animated zoom (Leaflet's CSS transition of the level) ends with the scale back on the tiles
    page.evaluate("() => window.lkTiles.map.setZoom(15.25)")
    page.wait_for_function("() => window.lkTiles.map.getZoom() === 15.25 && !window.lkTiles.map._animatingZoom")
    wait_tiles(page)
    tile_zoom = page.evaluate("() => window.lkTiles.layers.dltb_demo._tileZoom")
    levels = [lv for lv in _tile_transforms(page) if lv["tiles"] and lv["zoom"] == tile_zoom]
    assert levels and all("scale" not in lv["level"] for lv in levels), levels
    assert all(abs(_scale(t) - 2 ** (15.25 - tile_zoom)) < 1e-4 for lv in levels for t in lv["tiles"]), levels
    for i, j in ((5, 6), (6, 5)):
        want = hex_rgb(classes.colour(parcel_code(i, j), classes.load_table("sandiao")))
        assert close(screen_pixel(page, *screen_point(page, *parcel_centre(i, j))), want, 4), (i, j)


def test_beyond_the_tiles_zoom_the_vectors_draw_sharp_from_the_stored_tiles(page, site, store):
    # the demo DLTB's tiles stop at z13: at z17 each canvas is drawn at z17 from the z13 tile holding it (no request
    # beyond z13), so a parcel's fill reaches 3 px from its edge and the 15 m gap to its neighbour shows; a z13 canvas
    # stretched 16× (Leaflet's maxNativeZoom) would smear the edge over the gap
    top = store.layer("dltb_demo").tiles["maxzoom"]
    open_page(page, site, view=(*parcel_centre(3, 3), 17))
    assert page.evaluate("() => window.lkTiles.layers.dltb_demo._tileZoom") == 17
    zooms = page.evaluate("""() => performance.getEntriesByType('resource').map(e => e.name)
        .filter(u => u.includes('/tiles/dltb_demo/')).map(u => Number(u.split('/tiles/dltb_demo/')[1].split('/')[0]))""")
    assert zooms and max(zooms) == top, zooms
    fill = hex_rgb(classes.colour(parcel_code(3, 3), classes.load_table("sandiao")))
    lat = Y0 + 3.3 * DEMO_STEP  # below the class-code label at the parcel's centre
    edge_x, y = screen_point(page, lat, X0 + 3.96 * DEMO_STEP)
    gap_x, _ = screen_point(page, lat, X0 + 3.98 * DEMO_STEP)
    assert close(screen_pixel(page, edge_x - 3, y), fill, 4)
    assert close(screen_pixel(page, *screen_point(page, lat, X0 + 3.6 * DEMO_STEP)), fill, 4)
    assert not close(screen_pixel(page, gap_x, y), fill, 40)
