"""A newcomer's first try, in Chromium with every non-localhost request blocked, on ``streamlit run app.py``
with a new, empty GeoPackage store: upload a synthetic (合成) DLTB on 图层管理, see it drawn on the map, identify
a parcel, open the layer's 属性表, and find its provenance on 数据与来源 (its sha256 is checked on that page's
table by the AppTest, ``tests/ui/test_store_pages.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lukou_geo.build.synthetic_write import write_delivery
from tests.browser.conftest import FRAME, fold_panels, serve_app, unfold_panels
from tests.browser.test_app_browser import shot
from tests.demo_store import DEMO_ORIGIN, DEMO_STEP, parcels

X0, Y0 = DEMO_ORIGIN


@pytest.fixture  # one per test, so one per viewport of `make test-screens`: each run starts from an empty store
def empty_store_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """app.py with an empty GeoPackage store (the store file does not exist yet) and an empty data dir."""
    store = tmp_path_factory.mktemp("newcomer-store") / "store.gpkg"
    with serve_app({"LUKOU_STORE": str(store), "LUKOU_DATA_DIR": str(tmp_path_factory.mktemp("newcomer-var")),
                    "LUKOU_USER": "新同事"}, "streamlit_newcomer.log") as url:
        yield url


def test_import_map_identify_table_and_provenance(page, empty_store_app, tmp_path):
    url = empty_store_app
    delivery = write_delivery(parcels(12, 12), tmp_path / "DLTB_合成示例.zip", layer="DLTB", crs="EPSG:4490")

    # 图层管理: the store is empty, the import form is open; upload the zipped shapefile and import it
    page.goto(url + "/layers", wait_until="domcontentloaded")
    page.wait_for_selector("text=图层库中还没有图层", timeout=60000)
    page.locator('input[type="file"]').first.set_input_files(str(delivery))
    page.wait_for_selector(f"text={delivery.name}", timeout=30000)  # the uploader shows the file
    page.get_by_role("button", name="导入", exact=True).click()
    page.wait_for_selector("text=已导入", timeout=120000)
    success = page.locator('[data-testid="stAlertContentSuccess"]').inner_text()
    assert "144" in success and "dltb" in success
    shot(page, "newcomer_imported")

    # the map: the imported layer is in the layer control and draws as vector tiles
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(FRAME, state="attached", timeout=60000)
    f = page.locator(FRAME).element_handle().content_frame()
    f.wait_for_function("() => window.map && window.map._loaded && window.lkTiles && window.lkTiles.layers.dltb", timeout=60000)
    page.wait_for_timeout(800)
    f = page.locator(FRAME).element_handle().content_frame()  # st_folium may have mounted it again
    unfold_panels(f)  # the layer list starts folded on a small map
    assert "已导入图层" in f.locator(".leaflet-control-layers").inner_text()
    fold_panels(f)  # unfolded on a 564×611 map (1024×768), the legend covers the parcel the test clicks
    lat, lon = Y0 + 5.48 * DEMO_STEP, X0 + 5.48 * DEMO_STEP  # parcel (5, 5): 图斑 TB00066
    for _ in range(3):
        f.evaluate(f"() => window.map.setView([{Y0 + 6 * DEMO_STEP}, {X0 + 6 * DEMO_STEP}], 14, {{animate: false}})")
        f.wait_for_function("() => !window.lkTiles.layers.dltb.isLoading() && window.lkTiles.tilesLoaded.dltb > 0",
                            timeout=30000)
        page.wait_for_timeout(800)
        if f.evaluate("() => window.map.getZoom()") == 14:
            break
    point = f.evaluate("""([lat, lon]) => { const m = window.map, p = m.latLngToContainerPoint([lat, lon]);
        const r = m.getContainer().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }""", [lat, lon])
    box = page.locator(FRAME).bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    popup = page.frame_locator(FRAME).locator(".lk-identify")
    popup.wait_for(timeout=20000)
    text = popup.inner_text()
    assert "TB00066" in text and "公顷" in text and "亩" in text
    shot(page, "newcomer_identify")

    # 属性表: the layer's statistics and its first page
    page.goto(url + "/table", wait_until="domcontentloaded")
    page.wait_for_selector("text=合计 144 个图斑", timeout=60000)
    page.wait_for_selector("text=第 1–100 行,共 144 行", timeout=30000)
    page.wait_for_selector(f"text={delivery.name}", timeout=30000)  # the caption names the source file

    # 数据与来源: the imported layer's provenance (the grid draws on a canvas: its text is in the grid's
    # accessible table, which is in the DOM but not visible)
    page.goto(url + "/data", wait_until="domcontentloaded")
    page.wait_for_selector("text=已导入的权威图层", timeout=60000)
    page.wait_for_function("""(words) => Array.from(document.querySelectorAll('[data-testid="stDataFrame"]'))
        .some(g => words.every(w => g.textContent.includes(w)))""", arg=["dltb", delivery.name, "official"], timeout=30000)
    shot(page, "newcomer_provenance")
