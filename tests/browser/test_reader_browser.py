"""Plan reader ↔ map in Chromium (real Streamlit server, no request leaves the machine):
a passage's link opens the map zoomed to its feature, highlighted; a popup links back to the passage."""

from __future__ import annotations

from tests.browser.conftest import ARTIFACTS, FRAME


def _map_frame(page):
    page.wait_for_selector(FRAME, state="attached", timeout=60000)
    frame = page.frame_locator(FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=60000)
    frame.locator("path.leaflet-interactive").first.wait_for(state="attached", timeout=60000)
    f = page.locator(FRAME).element_handle().content_frame()
    f.wait_for_function("() => window.lkAtlas && window.lkAtlas.map && window.lkAtlas.map._loaded", timeout=60000)
    return f


def test_reader_link_opens_the_map_zoomed_to_the_highlighted_feature(page, app_url):
    page.goto(app_url + "/reader?p=337", wait_until="domcontentloaded")
    target = page.locator("#p337.lk-target")
    target.wait_for(timeout=60000)
    assert "梅子湖" in target.inner_text()
    link = target.locator('a.lk-feature[data-feature="wetland_meizihu"]')
    link.click()
    page.wait_for_url("**/?feature=wetland_meizihu*", timeout=30000)
    f = _map_frame(page)
    # zoomed in on the wetland (杨梅村, 113.1565E 27.7053N), with the yellow highlight drawn
    f.wait_for_function("() => window.lkAtlas.map.getZoom() >= 13", timeout=30000)
    assert f.evaluate("() => window.lkAtlas.map.getBounds().contains([27.7053, 113.1565])")
    f.wait_for_selector('path[stroke="#ffd600"]', timeout=30000)
    # the feature's own layer was switched on
    assert f.evaluate("() => window.lkAtlas.map.hasLayer(window.lkAtlas.layers.wetlands.wetland_meizihu)")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reader_to_map.png"))


def test_popup_links_back_to_the_cited_passage(page, app_url):
    page.goto(app_url + "/?feature=svc_core_old_town", wait_until="domcontentloaded")
    f = _map_frame(page)
    page.wait_for_timeout(700)  # st_folium may remount once when its height is known
    f = _map_frame(page)
    f.evaluate("() => { const l = window.lkAtlas.layers.service_core.svc_core_old_town;"
               " window.lkAtlas.map.addLayer(l); l.openPopup(); }")
    link = f.locator(".leaflet-popup-content a.lk-reader")
    link.wait_for(timeout=10000)
    assert f.locator('.leaflet-popup-content .lk-ref[data-anchor="p213"]').count() == 1
    assert "reader?p=213" in link.get_attribute("href")
    link.click()
    page.wait_for_url("**/reader?p=213*", timeout=30000)
    target = page.locator("#p213.lk-target")
    target.wait_for(timeout=60000)
    assert "老城区" in target.inner_text()
    page.wait_for_function("() => { const r = document.getElementById('p213').getBoundingClientRect();"
                           " return r.top >= 0 && r.top < window.innerHeight; }", timeout=10000)


def test_indicators_page_draws_charts_offline(page, app_url):
    page.goto(app_url + "/indicators", wait_until="domcontentloaded")
    page.locator(".vega-embed").first.wait_for(timeout=60000)
    page.wait_for_selector(".vega-embed svg, .vega-embed canvas", timeout=30000)
    assert page.get_by_text("完成", exact=False).count() > 0
