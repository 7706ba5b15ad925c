"""The atlas in Debian Chromium: a real Streamlit server, every non-localhost request blocked."""

from __future__ import annotations

from lukou_geo.settings import REPO_ROOT

from .conftest import DEFAULT_VIEWPORT, unfold_panels

ARTIFACTS = REPO_ROOT / "artifacts"
FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def open_map(page, url: str):
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(FRAME, state="attached", timeout=60000)
    frame = page.frame_locator(FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=60000)
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=60000)
    handle = page.locator(FRAME).element_handle()
    f = handle.content_frame()
    # st_folium may mount the map a second time once its height is known: let it settle
    f.wait_for_function("() => window.map && window.map._loaded")
    page.wait_for_timeout(1000)
    unfold_panels(f)
    return frame, f


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size or {}
    suffix = "" if (size.get("width"), size.get("height")) == DEFAULT_VIEWPORT else f"_{size.get('width')}x{size.get('height')}"
    page.screenshot(path=str(ARTIFACTS / f"{name}{suffix}.png"), full_page=False)


def test_map_draws_offline_with_legend_and_layer_groups(page, app_url):
    _frame, f = open_map(page, app_url)
    n_paths = f.locator("path.leaflet-interactive").count()
    assert n_paths > 30
    control = f.locator(".leaflet-control-layers").inner_text()
    for group in ("行政区划", "空间格局", "产业园区", "现代农业", "交通"):
        assert group in control
    legend = f.locator(".lk-legend")
    assert "线型表示精度" in legend.inner_text() and "示意" in legend.inner_text()
    # schematic features are drawn dashed
    assert f.locator('path.leaflet-interactive[stroke-dasharray="9 6"]').count() > 5
    assert f.evaluate("() => window.map.getZoom()") >= 9
    # the whole district is in view at start-up (bounds of 渌口区, WGS-84)
    assert f.evaluate("() => window.map.getBounds().pad(0.02).contains([[27.2076, 112.9640], [27.7834, 113.3121]])")
    shot(page, "atlas_zh")
    legend.locator(".lk-legend-head").click()
    assert not legend.locator(".lk-legend-body").is_visible()


def test_layer_toggle_adds_and_removes_features_without_rerun(page, app_url):
    _frame, f = open_map(page, app_url)
    before = f.locator("path.leaflet-interactive").count()
    label = f.locator(".leaflet-control-layers label", has_text="八基地")
    legend_row = f.locator('.lk-legend [data-layer="agri_bases"]').first
    assert not legend_row.is_visible()
    label.locator("input").click()  # the control rebuilds its inputs on change: click, then watch the map
    page.wait_for_function(
        "([sel, n]) => document.querySelector(sel).contentDocument.querySelectorAll('path.leaflet-interactive').length > n",
        arg=[FRAME, before], timeout=10000)
    assert legend_row.is_visible()
    f.locator(".leaflet-control-layers label", has_text="八基地").locator("input").click()
    page.wait_for_function(
        "([sel, n]) => document.querySelector(sel).contentDocument.querySelectorAll('path.leaflet-interactive').length == n",
        arg=[FRAME, before], timeout=10000)
    assert not legend_row.is_visible()


def test_popup_shows_plan_citation_and_precision(page, app_url):
    _frame, f = open_map(page, app_url)
    park = f.locator('path.leaflet-interactive[stroke="#1565c0"]').first
    park.dispatch_event("click")
    popup = f.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10000)
    text = popup.inner_text()
    assert "规划依据" in text and "¶" in text and "示意" in text and "定位说明" in text
    shot(page, "popup_zh")


def test_search_zooms_to_feature(page, app_url):
    _frame, f = open_map(page, app_url)
    zoom0 = f.evaluate("() => window.map.getZoom()")
    box = page.get_by_label("搜索要素(中文或英文名)")
    box.fill("湾塘工业园")
    box.press("Enter")
    page.wait_for_function(
        "([sel, z]) => { const w = document.querySelector(sel).contentWindow; return w.map && w.map.getZoom() > z + 2; }",
        arg=[FRAME, zoom0], timeout=30000)
    frame2 = page.locator(FRAME).element_handle().content_frame()
    lat, lng = frame2.evaluate("() => [window.map.getCenter().lat, window.map.getCenter().lng]")
    assert abs(lat - 27.744) < 0.03 and abs(lng - 113.155) < 0.03
    shot(page, "search_wantang")


def test_fit_to_district_button(page, app_url):
    _frame, f = open_map(page, app_url)
    f.evaluate("() => window.map.setView([27.70, 113.14], 15)")
    f.locator("#lk-fit-district").click()
    page.wait_for_timeout(800)
    assert f.evaluate("() => window.map.getZoom()") < 12


def test_english_switch(page, app_url):
    page.goto(app_url, wait_until="domcontentloaded")
    page.get_by_text("English", exact=True).click()
    page.wait_for_selector("text=Lukou Planning Atlas", timeout=30000)
    # the Chinese map's iframe lingers until the rerun has drawn the English one: wait for one map
    page.wait_for_function(
        """(sel) => { const fr = document.querySelectorAll(sel);
                     if (fr.length !== 1 || !fr[0].contentDocument) return false;
                     const lg = fr[0].contentDocument.querySelector('.lk-legend');
                     return !!lg && lg.textContent.includes('Legend'); }""",
        arg=FRAME, timeout=60000)
    f = page.frame_locator(FRAME)
    f.locator(".leaflet-control-layers").wait_for(timeout=60000)
    page.wait_for_timeout(1000)
    unfold_panels(page.locator(FRAME).element_handle().content_frame())
    control = f.locator(".leaflet-control-layers").inner_text()
    assert "Spatial structure" in control and "Transport" in control
    assert "Legend" in f.locator(".lk-legend").inner_text()
    shot(page, "atlas_en")


def test_data_page_lists_sources(page, app_url):
    page.goto(app_url + "/data", wait_until="domcontentloaded")
    page.wait_for_selector("text=数据与来源", timeout=30000)
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=30000)
    shot(page, "data_page")
