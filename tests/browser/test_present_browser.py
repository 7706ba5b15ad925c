"""Meeting mode in Debian Chromium: the deck steps with the keyboard in the app and from the
exported single HTML file opened from file:// with the network blocked; shared links restore views."""

from __future__ import annotations

from lukou_geo.catalog import read_catalog, validate_data
from lukou_geo.meeting.deck import read_deck
from lukou_geo.meeting.offline import export_deck_html
from lukou_geo.meeting.views import View, ViewStore

from .conftest import ARTIFACTS, FRAME


def _frame(page, url: str):
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(FRAME, state="attached", timeout=60000)
    page.frame_locator(FRAME).locator("path.leaflet-interactive").first.wait_for(timeout=60000)
    f = page.locator(FRAME).element_handle().content_frame()
    f.wait_for_function("() => window.lkAtlas && window.lkAtlas.map && window.lkAtlas.map._loaded")
    page.wait_for_timeout(700)  # st_folium may mount the map twice while it learns its height
    return page.locator(FRAME).element_handle().content_frame()


def _check_slide(f, deck, i: int) -> None:
    f.wait_for_function("(i) => window.lkDeck && window.lkDeck.index === i", arg=i, timeout=10000)
    spec = f.evaluate("(i) => window.lkDeck.slides[i]", i)
    assert f.evaluate("() => window.lkDeck.shown()") == spec["layers"]
    assert set(deck.visible(deck.slides[i])) >= set(spec["layers"])
    assert f.locator("#lk-deck h2").inner_text() == deck.slides[i].title_zh
    # every layer of the slide has drawn features on the map, and nothing else is on it
    drawn = f.evaluate("""() => Object.keys(lkAtlas.layers).filter(lid =>
        Object.values(lkAtlas.layers[lid]).some(l => lkAtlas.map.hasLayer(l))).sort()""")
    assert drawn == spec["layers"]
    assert f.locator("path.leaflet-interactive").count() > 5


def test_deck_steps_with_the_keyboard_in_the_app(page, app_url):
    deck = read_deck()
    f = _frame(page, f"{app_url}/present")
    assert not page.locator('[data-testid="stSidebar"]').is_visible()  # presentation mode hides the chrome
    for i in range(len(deck.slides)):
        _check_slide(f, deck, i)
        if i == 0:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "present_slide1.png"))
        page.keyboard.press("PageDown" if i % 2 == 0 else "ArrowRight")  # clicker and arrows
    _check_slide(f, deck, len(deck.slides) - 1)  # stays on the last slide
    page.keyboard.press("PageUp")
    _check_slide(f, deck, len(deck.slides) - 2)
    page.keyboard.press("Home")
    _check_slide(f, deck, 0)


def test_exported_deck_opens_offline_from_file_and_steps(page, tmp_path):
    catalog = read_catalog()
    data = validate_data(catalog)
    deck = read_deck()
    path = tmp_path / "渌口规划演示.html"
    path.write_text(export_deck_html(catalog, data, deck, "zh"), encoding="utf-8")
    page.context.set_offline(True)  # and the fixture aborts any request that is not local
    page.goto(path.as_uri())
    page.wait_for_selector("#lk-deck h2", timeout=30000)
    for i in range(len(deck.slides)):
        _check_slide(page, deck, i)
        page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    _check_slide(page, deck, len(deck.slides) - 2)
    page.locator(".lk-deck-prev").click()
    _check_slide(page, deck, len(deck.slides) - 3)
    assert page.locator(".leaflet-control-measure").count() == 1
    page.screenshot(path=str(ARTIFACTS / "exported_deck.png"))


def test_shared_links_restore_their_view(page, app_url):
    store = ViewStore()  # the app's default store (the server runs with the same environment)
    view = store.save(View(title="测试共享视图", layers=("district", "rail"), center=(27.55, 113.15), zoom=11), local=True)
    try:
        f = _frame(page, f"{app_url}/views?view={view.token}")
        f.wait_for_function("() => Math.abs(lkAtlas.map.getZoom() - 11) < 0.01", timeout=10000)
        c = f.evaluate("() => lkAtlas.map.getCenter()")
        assert abs(c["lat"] - 27.55) < 0.01 and abs(c["lng"] - 113.15) < 0.01
        on = f.evaluate("""() => Object.keys(lkAtlas.layers).filter(lid =>
            Object.values(lkAtlas.layers[lid]).some(l => lkAtlas.map.hasLayer(l))).sort()""")
        assert on == ["district", "rail"]
        assert page.get_by_text("测试共享视图").first.is_visible()
    finally:
        store.delete(int(view.id), local=True)
    f = _frame(page, f"{app_url}/views?layers=district,roads&c=27.40000,113.10000&z=12")
    f.wait_for_function("() => Math.abs(lkAtlas.map.getZoom() - 12) < 0.01", timeout=10000)
    on = f.evaluate("""() => Object.keys(lkAtlas.layers).filter(lid =>
        Object.values(lkAtlas.layers[lid]).some(l => lkAtlas.map.hasLayer(l))).sort()""")
    assert on == ["district", "roads"]
