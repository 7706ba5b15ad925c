"""The atlas on the screens planners use (issue 14, items 3, 5, 6, 7, 9): layout measured in Chromium.

Element boxes are measured against the window at 1920×1080, 1440×900, 1366×768 and 1024×768; every
non-localhost request is blocked (the ``page`` fixture). Screenshots go to ``artifacts/``.
"""

from __future__ import annotations

import re

import pytest

from .conftest import ARTIFACTS, FRAME, unfold_panels

SIZES = [(1920, 1080), (1440, 900), (1366, 768), (1024, 768)]


@pytest.fixture
def viewport():
    """These tests choose their own window sizes: run each once, whatever LUKOU_VIEWPORTS says."""
    return (1280, 1000)
SMALL = [(1366, 768), (1024, 768)]


def _ids(sizes):
    return [f"{w}x{h}" for w, h in sizes]


def _open(page, url: str, size=None):
    if size:
        page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(url, wait_until="domcontentloaded")
    return _wait_map(page)


def _wait_map(page):
    page.wait_for_selector(FRAME, state="attached", timeout=60000)
    page.frame_locator(FRAME).locator("path.leaflet-interactive").first.wait_for(state="attached", timeout=60000)
    f = page.locator(FRAME).element_handle().content_frame()
    f.wait_for_function("() => window.lkAtlas && window.lkAtlas.map && window.lkAtlas.map._loaded", timeout=60000)
    page.wait_for_timeout(1200)  # st_folium may mount the map twice; the fit runs at 150/600 ms
    return page.locator(FRAME).element_handle().content_frame()


def _box(frame, sel: str):
    return frame.evaluate("""(s) => { const e = document.querySelector(s); if (!e) return null;
        const b = e.getBoundingClientRect(); return {x: b.x, y: b.y, w: b.width, h: b.height}; }""", sel)


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _main_scroll(page) -> int:
    return page.evaluate("""() => Math.max(document.scrollingElement.scrollTop,
        ...[...document.querySelectorAll('section, main, div')].map(e => e.scrollTop))""")


@pytest.mark.parametrize("size", SIZES, ids=_ids(SIZES))
def test_atlas_map_follows_the_window(page, app_url, size):
    w, h = size
    f = _open(page, app_url, size)
    fr = page.locator(FRAME).bounding_box()
    # the map reaches the bottom of the window, not beyond it, and the page does not scroll
    assert fr["y"] + fr["height"] <= h + 1, fr
    assert fr["y"] + fr["height"] >= h - 16, fr
    assert fr["y"] < 170, fr  # little header above the map
    assert page.evaluate("() => document.scrollingElement.scrollHeight") <= h + 2
    mapbox = _box(f, ".leaflet-container")
    assert abs(mapbox["h"] - fr["height"]) < 2  # the map fills its frame: no white band
    area = mapbox["w"] * mapbox["h"]
    legend, ctl = _box(f, ".lk-legend"), _box(f, ".leaflet-control-layers")
    covered = (legend["w"] * legend["h"] + ctl["w"] * ctl["h"]) / area
    if mapbox["w"] < 1100 or mapbox["h"] < 700:  # a laptop or a projector: panels start folded
        assert covered < 0.05, covered
    else:
        assert covered < 0.30, covered
    # the whole district is in view
    assert f.evaluate("() => lkAtlas.map.getBounds().pad(0.03).contains([[27.2076, 112.9640], [27.7834, 113.3121]])")
    _shot(page, f"screens_atlas_{w}x{h}")
    # both panels unfold and fold by their headings
    lst, body = f.locator(".leaflet-control-layers .leaflet-control-layers-list"), f.locator(".lk-legend .lk-legend-body")
    for _ in range(2):
        was = lst.is_visible(), body.is_visible()
        f.locator(".leaflet-control-layers .lk-ctl-head").click()
        f.locator(".lk-legend .lk-legend-head").click()
        assert (lst.is_visible(), body.is_visible()) == (not was[0], not was[1])
    if not lst.is_visible():
        f.locator(".leaflet-control-layers .lk-ctl-head").click()
    ctl2 = _box(f, ".leaflet-control-layers")
    assert ctl2["y"] + ctl2["h"] <= mapbox["h"] + 1  # the unfolded list stays inside the map (it scrolls)


@pytest.mark.parametrize("size", [(1440, 900), (1366, 768)], ids=_ids([(1440, 900), (1366, 768)]))
def test_first_click_on_a_feature_opens_its_popup(page, app_url, size):
    f = _open(page, app_url, size)
    fr = page.locator(FRAME).bounding_box()
    # a town seat low on the map (where the page used to scroll when the map took the focus)
    pt = f.evaluate("""() => { const reg = lkAtlas.layers.town_seats, m = lkAtlas.map, s = m.getSize();
        let best = null;
        Object.values(reg).forEach(l => { if (!l.getLatLng) return; const p = m.latLngToContainerPoint(l.getLatLng());
            if (p.x > 250 && p.x < s.x - 250 && p.y < s.y - 60 && (!best || p.y > best[1])) best = [p.x, p.y]; });
        return best; }""")
    assert pt is not None
    before = _main_scroll(page)
    page.mouse.click(fr["x"] + pt[0], fr["y"] + pt[1])
    f.locator(".leaflet-popup-content").wait_for(timeout=3000)
    assert _main_scroll(page) == before  # the page did not jump
    assert page.locator(FRAME).bounding_box()["y"] == fr["y"]


def test_popup_scrolls_inside_and_keeps_the_plan_link_visible(page, app_url):
    f = _open(page, app_url, (1366, 768))
    # open the popup with the most text, centred on its feature
    f.evaluate("""() => { let best = null, n = -1;
        Object.values(lkAtlas.layers).forEach(reg => Object.values(reg).forEach(l => {
            if (!lkAtlas.map.hasLayer(l) || !l.getPopup || !l.getPopup()) return;
            const c = l.getPopup()._content; const d = typeof c === 'function' ? c(l) : c;
            const len = d.textContent.length; if (len > n) { n = len; best = l; } }));
        const ll = best.getLatLng ? best.getLatLng() : best.getBounds().getCenter();
        best.openPopup(ll); }""")
    f.locator(".leaflet-popup-content").wait_for(timeout=5000)
    page.wait_for_timeout(600)  # auto-pan
    mapbox, pop = _box(f, ".leaflet-container"), _box(f, ".leaflet-popup-content-wrapper")
    assert pop["h"] <= mapbox["h"] * 0.8, (pop, mapbox)
    link = _box(f, ".leaflet-popup-content .lk-reader")
    assert link is not None and link["h"] > 0
    assert 0 <= link["y"] and link["y"] + link["h"] <= mapbox["h"], (link, mapbox)  # the link is on the map
    body = f.evaluate("""() => { const b = document.querySelector('.lk-popup-body');
        return [b.scrollHeight, b.clientHeight, getComputedStyle(b).overflowY]; }""")
    assert body[2] == "auto" and body[1] <= 340
    _shot(page, "screens_popup_1366x768")


def _shown(f):
    return f.evaluate("() => window.lkState.shown()")


def test_atlas_keeps_layers_extent_and_language_in_the_url(page, app_url):
    f = _open(page, app_url, (1366, 768))
    on = _shown(f)
    assert "district" in on and "rail" not in on
    ctl = f.locator(".leaflet-control-layers")
    ctl.locator(".lk-ctl-head").click()
    ctl.locator("label", has_text="铁路与城际轨道").locator("input").click()
    f.wait_for_function("() => window.lkState.shown().includes('rail')", timeout=5000)
    f.evaluate("() => lkAtlas.map.setView([27.60, 113.15], 12)")
    page.wait_for_function("() => location.search.includes('z=12') && location.search.includes('rail')", timeout=5000)
    url = page.url
    assert "show=" in url and "c=27.6" in url and "lang=zh" in url
    assert f.locator("#lk-permalink a").get_attribute("href") == url
    want = sorted([*on, "rail"])
    assert _shown(f) == want

    def same_map(fr):
        fr.wait_for_function("() => Math.abs(lkAtlas.map.getZoom() - 12) < 0.01", timeout=15000)
        c = fr.evaluate("() => lkAtlas.map.getCenter()")
        assert abs(c["lat"] - 27.60) < 0.005 and abs(c["lng"] - 113.15) < 0.005
        assert _shown(fr) == want

    page.reload(wait_until="domcontentloaded")
    same_map(_wait_map(page))
    # to another page and back: the same map again
    page.get_by_role("link", name="数据与来源").first.click()
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=30000)
    page.go_back(wait_until="domcontentloaded")
    same_map(_wait_map(page))
    # the language is kept too
    page.goto(url.replace("lang=zh", "lang=en"), wait_until="domcontentloaded")
    page.wait_for_selector("text=Lukou Planning Atlas", timeout=30000)


def test_a_saved_view_keeps_the_layers_switched_in_the_map(page, app_url):
    from lukou_geo.meeting.views import ViewStore

    f = _open(page, f"{app_url}/views", (1366, 768))
    unfold_panels(f)
    ctl = f.locator(".leaflet-control-layers")
    ctl.locator("label", has_text="铁路与城际轨道").locator("input").click()
    ctl.locator("label", has_text="三园:工业园").locator("input").click()
    f.wait_for_function("() => lkState.shown().includes('rail') && !lkState.shown().includes('parks')", timeout=5000)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("铁路与城际轨道").wait_for(timeout=20000)  # the sidebar follows the map's control
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSidebar\"]').innerText.includes('三园:工业园')",
                           timeout=20000)
    page.wait_for_timeout(800)
    # the map was not redrawn: it still shows what the control switched
    f = page.locator(FRAME).element_handle().content_frame()
    assert "rail" in f.evaluate("() => lkState.shown()")
    link = page.locator('[data-testid="stCode"]').first.inner_text()
    assert "rail" in link and "parks" not in link
    page.get_by_label("视图标题").fill("屏幕测试视图")
    page.get_by_role("button", name="保存当前地图为视图").click()
    page.get_by_text("已保存视图「屏幕测试视图」").wait_for(timeout=20000)
    store = ViewStore()
    saved = [v for v in store.list(local=True) if v.title == "屏幕测试视图"]
    try:
        assert saved and "rail" in saved[-1].layers and "parks" not in saved[-1].layers
        assert "district" in saved[-1].layers and saved[-1].zoom is not None
    finally:
        for v in saved:
            store.delete(int(v.id), local=True)


@pytest.mark.parametrize("size", SIZES, ids=_ids(SIZES))
def test_present_fills_the_window_with_a_compact_card(page, app_url, size):
    w, h = size
    f = _open(page, f"{app_url}/present", size)
    f.wait_for_function("() => window.lkDeck && window.lkDeck.index === 0", timeout=10000)
    fr = page.locator(FRAME).bounding_box()
    assert (fr["x"], fr["y"]) == (0, 0) and abs(fr["width"] - w) <= 1 and abs(fr["height"] - h) <= 1, fr
    mapbox = _box(f, ".leaflet-container")
    assert abs(mapbox["w"] - w) <= 1 and abs(mapbox["h"] - h) <= 1, mapbox  # no band, nothing cut off
    for sel in ('[data-testid="stHeader"]', '[data-testid="stSidebar"]', '[data-testid="stToolbar"]',
                '[data-testid="stExpander"]'):
        assert not page.locator(sel).first.is_visible(), sel  # none of the app's chrome
    card = _box(f, "#lk-deck")
    assert card["x"] + card["w"] <= w and card["y"] + card["h"] <= h * 0.75, card
    assert card["w"] * card["h"] / (w * h) < 0.20, card
    # the whole district stays in view beside the card
    assert f.evaluate("() => lkAtlas.map.getBounds().pad(0.05).contains([[27.2076, 112.9640], [27.7834, 113.3121]])")
    _shot(page, f"screens_present_{w}x{h}")
    # the card folds to its title and its controls
    f.locator(".lk-deck-fold").click()
    folded = _box(f, "#lk-deck")
    assert folded["w"] * folded["h"] / (w * h) < 0.06, folded
    # the slide-number box follows the deck, and the address keeps the slide
    page.keyboard.press("PageDown")
    page.keyboard.press("ArrowRight")
    f.wait_for_function("() => window.lkDeck.index === 2", timeout=5000)
    assert f.locator(".lk-deck-num").input_value() == "3"
    page.wait_for_function("() => location.search.includes('slide=3')", timeout=5000)
    num = f.locator(".lk-deck-num")
    num.fill("5")
    num.press("Enter")
    f.wait_for_function("() => window.lkDeck.index === 4", timeout=5000)
    assert f.locator(".lk-deck-num").input_value() == "5"
    if size == (1366, 768):
        page.reload(wait_until="domcontentloaded")
        f2 = _wait_map(page)
        f2.wait_for_function("() => window.lkDeck && window.lkDeck.index === 4", timeout=10000)


#: The 对比 page's two maps are drawn by components.html, in an iframe of their own (not st_folium's).
COMPARE_FRAME = 'iframe[title="st.iframe"]'


def _compare_maps(frame) -> list[dict]:
    """Each Leaflet map of the comparison: its box and whether the whole district is in view."""
    return frame.evaluate("""() => Object.values(window).filter(v => v instanceof L.Map).map(m => {
        const b = m.getContainer().getBoundingClientRect();
        return {x: b.x, w: b.width, h: b.height,
                district: m.getBounds().pad(0.05).contains([[27.2076, 112.9640], [27.7834, 113.3121]])}; })""")


@pytest.mark.parametrize("size", SIZES, ids=_ids(SIZES))
def test_compare_maps_follow_the_window(page, app_url, size):
    """Issue 14.6 on the 对比 page: its two maps were 680 px high whatever the window (cut off at 1024×768, a
    white band at 1080p); they now reach the bottom of the window, side by side, each showing the district."""
    w, h = size
    page.set_viewport_size({"width": w, "height": h})
    page.goto(f"{app_url}/compare", wait_until="domcontentloaded")
    page.wait_for_selector(COMPARE_FRAME, state="attached", timeout=60000)
    f = page.locator(COMPARE_FRAME).element_handle().content_frame()
    f.wait_for_function("() => Object.values(window).filter(v => v instanceof L.Map && v._loaded).length === 2", timeout=60000)
    page.wait_for_timeout(1500)  # the fit runs at 150/600 ms

    def fits(w, h):
        fr = page.locator(COMPARE_FRAME).bounding_box()
        assert h - 16 <= fr["y"] + fr["height"] <= h + 1, (size, fr)  # to the bottom of the window, not beyond
        assert page.evaluate("() => document.scrollingElement.scrollHeight") <= h + 2  # the page does not scroll
        maps = _compare_maps(f)
        assert len(maps) == 2 and maps[0]["x"] < maps[1]["x"], maps
        for m in maps:
            assert abs(m["h"] - fr["height"]) < 2 and abs(m["w"] - fr["width"] / 2) < 2, (m, fr)  # no band
        return maps

    maps = fits(w, h)
    assert all(m["district"] for m in maps), maps
    # each side's title on a wide map; on a narrow one (the selectors above name the sides) it covers nothing
    titles = f.evaluate("() => [...document.querySelectorAll('.lk-side-title')].map(e => e.offsetParent !== null)")
    assert titles == [maps[0]["w"] >= 550] * 2, (titles, maps)
    _shot(page, f"screens_compare_{w}x{h}")
    page.set_viewport_size({"width": w, "height": h - 100})  # the window shrinks: the maps follow
    page.wait_for_timeout(800)
    fits(w, h - 100)


@pytest.mark.parametrize("size", SMALL, ids=_ids(SMALL))
def test_views_and_check_maps_follow_the_window(page, app_url, size):
    """Issue 14.6: the 视图 map was 600 px and the 选址核查 map 560 px whatever the window. The 视图 map reaches
    the bottom of the window (and keeps its height when the page is scrolled); the 选址核查 map, below the
    inputs, is as high as the window less the header, so scrolled to, all of it is in view."""
    from lukou_geo.map.elements.screen import WINDOW_MARGIN

    w, h = size
    f = _open(page, f"{app_url}/views", size)
    fr = page.locator(FRAME).bounding_box()
    assert h - 16 <= fr["y"] + fr["height"] <= h + 1, (size, fr)
    assert abs(_box(f, ".leaflet-container")["h"] - fr["height"]) < 2  # the map fills its frame
    _shot(page, f"screens_views_{w}x{h}")
    page.mouse.move(w / 2, 30)
    page.mouse.wheel(0, 300)  # the page scrolls (the save form is below): the map keeps its height
    page.wait_for_timeout(1500)
    assert abs(page.locator(FRAME).bounding_box()["height"] - fr["height"]) < 2
    f = _open(page, f"{app_url}/check", size)
    page.wait_for_timeout(800)
    fr = page.locator(FRAME).bounding_box()
    assert abs(fr["height"] - (h - WINDOW_MARGIN)) < 3, (size, fr)
    assert abs(_box(f, ".leaflet-container")["h"] - fr["height"]) < 2
    page.locator(FRAME).scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    fr = page.locator(FRAME).bounding_box()
    assert fr["y"] >= 0 and fr["y"] + fr["height"] <= h + 1, (size, fr)  # scrolled to, the whole map is in the window
    _shot(page, f"screens_check_map_{w}x{h}")


def test_labels_do_not_collide_and_the_river_shows_through_the_zones(page, app_url):
    import shapely
    from shapely.geometry import shape

    from lukou_geo.catalog import read_catalog, validate_data

    data = validate_data(read_catalog())
    f = _open(page, app_url, (1366, 768))
    page.wait_for_timeout(600)
    rects = f.evaluate("""() => [...document.querySelectorAll('.leaflet-marker-pane .lk-label')]
        .map(l => { const b = l.getBoundingClientRect(); return [l.textContent, b.left, b.top, b.right, b.bottom]; })
        .filter(r => r[3] > r[1])""")
    by = {r[0]: r for r in rects}
    assert "渌口镇" in by and "渌口区人民政府" in by

    def hit(a, b):
        return a[1] < b[3] - 1 and b[1] < a[3] - 1 and a[2] < b[4] - 1 and b[2] < a[4] - 1

    clashes = [(a[0], b[0]) for i, a in enumerate(rects) for b in rects[i + 1:] if hit(a, b)]
    assert not clashes, clashes
    assert f.evaluate("() => lkAtlas.map.getMaxZoom()") == 18
    # inside the 三镇 zones the river is on top of the fills
    river = shapely.union_all([shape(x["geometry"]) for x in data["xiang_river"]["features"]])
    towns = shapely.union_all([shape(x["geometry"]) for x in data["key_towns"]["features"]])
    pt = shapely.intersection(river, towns).representative_point()
    stack = f.evaluate("""([lat, lon]) => { const p = lkAtlas.map.latLngToContainerPoint([lat, lon]);
        return document.elementsFromPoint(p.x, p.y).filter(e => e.tagName === 'path')
            .map(e => e.closest('.leaflet-pane').className.match(/leaflet-(\\w+)-pane/)[1]); }""", [pt.y, pt.x])
    assert "lkWater" in stack and "lkFills" in stack and stack.index("lkWater") < stack.index("lkFills"), stack
    # where the 湘江大道 axis runs inside the river, the river is on top of the axis (issue 14.14)
    avenue = next(shape(x["geometry"]) for x in data["dev_axes"]["features"] if x["properties"]["id"] == "axis_xiangjiang_avenue")
    pt = shapely.line_interpolate_point(shapely.intersection(avenue, river), 0.5, normalized=True)
    pt = pt if pt.geom_type == "Point" else pt.geoms[0]
    stack = f.evaluate("""([lat, lon]) => { const p = lkAtlas.map.latLngToContainerPoint([lat, lon]);
        return document.elementsFromPoint(p.x, p.y).filter(e => e.tagName === 'path')
            .map(e => e.closest('.leaflet-pane').className.match(/leaflet-(\\w+)-pane/)[1]); }""", [pt.y, pt.x])
    assert "lkWater" in stack and "lkAxes" in stack and stack.index("lkWater") < stack.index("lkAxes"), stack
    # a boundary from 高德 says so in its popup
    f.evaluate("() => { const l = Object.values(lkAtlas.layers.district)[0]; l.openPopup(l.getBounds().getCenter()); }")
    text = f.locator(".leaflet-popup-content .lk-prec").inner_text()
    assert "高德" in text, text
    _shot(page, "screens_labels_river_1366x768")


PAGES = ["atlas", "data", "reader", "indicators", "check", "layers", "table", "present", "views", "compare", "registry", "signin"]
SHOT_SIZES = [(1280, 1000), (1366, 768), (1024, 768)]


@pytest.mark.parametrize("size", SHOT_SIZES, ids=_ids(SHOT_SIZES))
def test_every_page_draws_at_each_size_and_is_photographed(page, app_url, size):
    """A screenshot of every page at the default size, a laptop's and a projector's (artifacts/pages_*.png)."""
    w, h = size
    page.set_viewport_size({"width": w, "height": h})
    for name in PAGES:
        page.goto(f"{app_url}/{'' if name == 'atlas' else name}", wait_until="domcontentloaded")
        page.wait_for_selector('[data-testid="stMain"]', timeout=60000)
        if name in ("atlas", "present", "views"):
            page.wait_for_selector(FRAME, state="attached", timeout=60000)
            page.frame_locator(FRAME).first.locator(".leaflet-container").wait_for(state="attached", timeout=60000)
        page.wait_for_function("""() => { const s = document.querySelector('[data-testid="stStatusWidget"]');
            return !s || !s.innerText.trim(); }""", timeout=60000)
        page.wait_for_timeout(1500)
        assert page.locator('[data-testid="stException"]').count() == 0, name
        # every page is listed in the sidebar: no menu folded behind Streamlit's English "View N more"
        nav = page.locator('[data-testid="stSidebarNav"]')
        assert nav.get_by_text("登录", exact=True).count() == 1  # the last page is listed (the sidebar is there)
        assert nav.get_by_text(re.compile(r"View \d+ more")).count() == 0, name
        _shot(page, f"pages_{name}_{w}x{h}")
