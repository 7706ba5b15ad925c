"""The atlas app (``streamlit run app.py``) with a GeoPackage layer store, in Chromium, network blocked.

The Streamlit server runs app.py as ``make run`` does, with ``LUKOU_STORE`` naming a GeoPackage store of the
synthetic demo layers (:mod:`tests.demo_store`, imported by the importer): the map in the st_folium iframe
fetches the real ``/lk/`` routes of that server.
"""

from __future__ import annotations

import sqlite3
from io import BytesIO

from PIL import Image

from lukou_geo import classes
from tests.browser.conftest import FRAME, choose, fold_panels, unfold_panels
from tests.browser.test_app_browser import shot
from tests.demo_store import DEMO_CODES, DEMO_ORIGIN, DEMO_STEP

X0, Y0 = DEMO_ORIGIN


def parcel_centre(i: int, j: int) -> tuple[float, float]:
    return Y0 + (j + 0.48) * DEMO_STEP, X0 + (i + 0.48) * DEMO_STEP


def open_store_map(page, url: str):
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(FRAME, state="attached", timeout=60000)
    page.frame_locator(FRAME).locator(".leaflet-container").wait_for(timeout=60000)
    f = page.locator(FRAME).element_handle().content_frame()
    f.wait_for_function("() => window.map && window.map._loaded && window.lkTiles && window.lkTiles.layers.dltb_demo",
                        timeout=60000)
    page.wait_for_timeout(700)
    f = page.locator(FRAME).element_handle().content_frame()  # st_folium may have mounted it again
    page.wait_for_timeout(800)
    unfold_panels(f)
    return f


def goto_demo(page, f) -> None:
    """Put the map on the demo parcels at zoom 14 (again, if st_folium re-mounts it) and wait for the tiles."""
    centre = [Y0 + 6 * DEMO_STEP, X0 + 6 * DEMO_STEP]
    for _ in range(3):
        f.evaluate(f"() => window.map.setView({centre}, 14, {{animate: false}})")
        f.wait_for_function("() => !window.lkTiles.layers.dltb_demo.isLoading() && window.lkTiles.tilesLoaded.dltb_demo > 0",
                            timeout=20000)
        page.wait_for_timeout(800)
        if f.evaluate("() => window.map.getZoom()") == 14:
            return
    raise AssertionError("the map did not keep the demo view")


def test_atlas_draws_the_imported_layer_and_identifies_through_the_app(page, store_app_url):
    tile_responses = []
    page.on("response", lambda r: tile_responses.append((r.status, r.url)) if "/lk/tiles/" in r.url else None)
    f = open_store_map(page, store_app_url)
    control = f.locator(".leaflet-control-layers").inner_text()
    assert "已导入图层" in control and "合成三调地类图斑" in control and "合成生态保护红线" in control
    legend = f.locator(".lk-legend").inner_text()
    assert "已导入图层" in legend and "DLTB_合成.gdb" in legend and "线型表示精度" in legend
    fold_panels(f)  # on a small window they would cover the point clicked below
    goto_demo(page, f)
    assert tile_responses and all(status in (200, 204) for status, _ in tile_responses)
    assert all(url.startswith(store_app_url + "/lk/tiles/") for _, url in tile_responses)
    table = classes.load_table("sandiao")
    lat, lon = parcel_centre(5, 5)
    code = DEMO_CODES[10 % len(DEMO_CODES)][0]
    rgba = f.evaluate("""([lat, lon]) => {
        const m = window.map, p = m.latLngToContainerPoint([lat, lon]);
        let px = null;
        window.lkTiles.layers.dltb_demo.getContainer().querySelectorAll('canvas').forEach(c => {
            const r = c.getBoundingClientRect(), r0 = m.getContainer().getBoundingClientRect();
            const x = r0.left + p.x, y = r0.top + p.y;
            if (x >= r.left && x < r.right && y >= r.top && y < r.bottom) {
                const d = c.getContext('2d').getImageData(Math.floor((x - r.left) * c.width / r.width),
                                                          Math.floor((y - r.top) * c.height / r.height), 1, 1).data;
                px = Array.from(d);
            }
        });
        return px; }""", [lat, lon])
    want = [int(classes.colour(code, table)[i:i + 2], 16) for i in (1, 3, 5)]
    assert rgba is not None and all(abs(a - b) <= 3 for a, b in zip(rgba[:3], want, strict=True)), (rgba, want)
    assert abs(rgba[3] - 0.8 * 255) <= 3  # the layer's fill opacity
    shot(page, "atlas_store_layer")
    # identify: a click on the parcel asks the app's /lk/identify
    point = f.evaluate("""([lat, lon]) => { const m = window.map, p = m.latLngToContainerPoint([lat, lon]);
        const r = m.getContainer().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }""", [lat, lon])
    box = page.locator(FRAME).bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    popup = page.frame_locator(FRAME).locator(".lk-identify")
    popup.wait_for(timeout=15000)
    text = popup.inner_text()
    assert "TB00066" in text and "公顷" in text and "亩" in text and "合成三调地类图斑" in text
    page.wait_for_timeout(600)  # the popup pans the map into view
    shot(page, "atlas_store_identify")


def test_attribute_table_pages_filters_and_zooms_to_a_feature(page, store_app_url):
    page.goto(store_app_url + "/table", wait_until="domcontentloaded")
    page.wait_for_selector("text=第 1–100 行,共 144 行", timeout=60000)
    page.wait_for_selector("text=合计 144 个图斑", timeout=30000)
    page.get_by_label("页码(共 2 页)").fill("2")
    page.get_by_label("页码(共 2 页)").press("Enter")
    page.wait_for_selector("text=第 101–144 行,共 144 行", timeout=30000)
    box = page.get_by_label("类别代码前缀(如 01 耕地、0101 水田)")
    box.fill("01")
    box.press("Enter")
    page.wait_for_selector("text=共 35 行", timeout=30000)  # 17 水田 + 18 旱地
    page.wait_for_selector("text=合计 35 个图斑", timeout=30000)
    shot(page, "table_page")
    link = page.get_by_role("link", name="在规划地图上定位")
    href = link.get_attribute("href")
    assert "lk_layer=dltb_demo" in href and "lk_fid=" in href
    fid = int(href.split("lk_fid=")[1].split("&")[0])
    page.goto(f"{store_app_url}/atlas?lk_layer=dltb_demo&lk_fid={fid}", wait_until="domcontentloaded")
    page.wait_for_selector(FRAME, state="attached", timeout=60000)
    f = page.locator(FRAME).element_handle().content_frame()
    f.wait_for_function("() => window.map && window.map._loaded && window.map.getZoom() >= 14", timeout=60000)
    i, j = (fid - 1) % 12, (fid - 1) // 12
    lat, lon = parcel_centre(i, j)
    c = f.evaluate("() => window.map.getCenter()")
    assert abs(c["lat"] - lat) < 0.003 and abs(c["lng"] - lon) < 0.003


def _mbtiles(path, zoom: int = 10) -> None:
    """A synthetic (合成) raster basemap: solid tiles over the district at one zoom level."""
    import math

    def tile(lon: float, lat: float) -> tuple[int, int]:
        n = 1 << zoom
        return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)

    buf = BytesIO()
    Image.new("RGB", (256, 256), (74, 144, 217)).save(buf, format="PNG")
    (x0, y1), (x1, y0) = tile(112.9, 27.15), tile(113.4, 27.85)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE metadata (name text, value text)")
    con.execute("CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)")
    con.executemany("INSERT INTO metadata VALUES (?, ?)", [("name", "合成影像"), ("format", "png"), ("minzoom", str(zoom)),
                                                           ("maxzoom", str(zoom)), ("attribution", "合成 synthetic")])
    con.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)", [(zoom, x, (1 << zoom) - 1 - y, buf.getvalue())
                                                             for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)])
    con.commit()
    con.close()


def test_register_a_local_basemap_and_draw_it_offline(page, store_app_url, tmp_path):
    src = tmp_path / "lukou_imagery.mbtiles"
    _mbtiles(src)
    page.goto(store_app_url + "/layers", wait_until="domcontentloaded")
    page.wait_for_selector("text=本地底图", timeout=60000)
    page.locator('[data-testid="stFileUploader"]').filter(has_text="底图文件").locator('input[type="file"]').set_input_files(str(src))
    page.wait_for_selector("text=/\\d+(\\.\\d+)?KB/", timeout=30000)  # the uploaded file's size: the upload is done
    page.get_by_role("button", name="登记底图").click()
    page.wait_for_selector("text=已登记底图 lukou", timeout=30000)
    shot(page, "layers_page_basemap")
    served = []
    page.on("response", lambda r: served.append((r.status, r.headers.get("content-type"))) if "/lk/basemap/" in r.url else None)
    page.goto(store_app_url, wait_until="domcontentloaded")
    page.wait_for_selector(FRAME, state="attached", timeout=60000)
    choose(page, page.locator('[data-testid="stSelectbox"]').filter(has_text="底图").first, "本地底图:合成影像(离线)")
    # the rerun mounts a new map: wait for a single one that shows the local tiles
    page.wait_for_function("""(sel) => { const fr = document.querySelectorAll(sel);
        if (fr.length !== 1 || !fr[0].contentDocument) return false;
        return Array.from(fr[0].contentDocument.querySelectorAll('img.leaflet-tile-loaded'))
            .some(i => i.src.includes('/lk/basemap/lukou_imagery/') && i.naturalWidth === 256); }""", arg=FRAME, timeout=60000)
    assert (200, "image/png") in served
    shot(page, "atlas_local_basemap")


def test_register_a_geotiff_basemap_and_draw_it_offline(page, store_app_url, tmp_path):
    """A GeoTIFF in CGCS2000 GK (EPSG:4547) uploaded on 图层管理, converted to MBTiles by the app, drawn from /lk/basemap/."""
    from tests.geotiffs import EAST, WEST, write_geotiff

    src = write_geotiff(tmp_path / "lukou_dom_4547.tif", "EPSG:4547", "rgb")
    page.goto(store_app_url + "/layers", wait_until="domcontentloaded")
    page.wait_for_selector("text=本地底图", timeout=60000)
    page.locator('[data-testid="stFileUploader"]').filter(has_text="底图文件").locator('input[type="file"]').set_input_files(str(src))
    page.wait_for_selector("text=/\\d+(\\.\\d+)?KB/", timeout=30000)
    page.get_by_role("button", name="登记底图").click()
    page.wait_for_selector("text=已登记底图 lukou_dom_4547", timeout=60000)
    served = []
    page.on("response", lambda r: served.append((r.status, r.headers.get("content-type")))
            if "/lk/basemap/lukou_dom_4547/" in r.url else None)
    page.goto(store_app_url, wait_until="domcontentloaded")
    page.wait_for_selector(FRAME, state="attached", timeout=60000)
    page.locator('[data-testid="stSelectbox"]').filter(has_text="底图").first.click()
    page.get_by_role("option", name="本地底图:lukou_dom_4547(离线)").click()
    # one map showing the converted tiles; a tile's pixel read back through a canvas has the image's colour
    colour = page.wait_for_function("""(sel) => { const fr = document.querySelectorAll(sel);
        if (fr.length !== 1 || !fr[0].contentDocument) return false;
        const imgs = Array.from(fr[0].contentDocument.querySelectorAll('img.leaflet-tile-loaded'))
            .filter(i => i.src.includes('/lk/basemap/lukou_dom_4547/') && i.naturalWidth === 256);
        for (const img of imgs) {
            const c = document.createElement('canvas'); c.width = c.height = 256;
            const g = c.getContext('2d'); g.drawImage(img, 0, 0);
            const d = g.getImageData(0, 0, 256, 256).data;
            for (let k = 0; k < d.length; k += 4) if (d[k + 3] === 255) return [d[k], d[k + 1], d[k + 2]];
        }
        return false; }""", arg=FRAME, timeout=60000).json_value()
    assert (200, "image/png") in served
    assert tuple(colour) in (WEST, EAST)  # the image's colours (red west, blue east), not a blank or grey tile
