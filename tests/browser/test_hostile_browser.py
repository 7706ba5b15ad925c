"""Browser: the injection corpus on every page that shows user text, and every page opened with hostile
URL parameters. Fails on any dialog, any request leaving the machine (the ``page`` fixture blocks and
records them), any page error, and any traceback or exception box shown."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest

from lukou_geo.meeting.views import View, ViewStore
from tests.browser.conftest import FRAME, choose_lonlat

#: Names and titles that once ran as script, broke the map's script, or rendered as Markdown.
INJECTIONS = [
    "${alert(1)}",
    "`);alert(2);(`",
    "<img src=x onerror=alert(3)>",
    "单价$\\x$元",
    "![x](http://evil.example/b.png)",
    "[会话已过期 请重新登录](http://evil.example/login)",
    "</script><script>alert(4)</script>",
]
PAGES = ["atlas", "data", "reader", "indicators", "check", "layers", "table", "present", "views", "compare"]
#: Every URL parameter a page reads, with a hostile value.
HOSTILE_PARAMS = {
    "b": "nan,1e308,-1e308,inf", "c": "1e999,nan", "z": "nan", "slide": "²", "p": "٣", "lk_layer": "<img src=x>",
    "lk_fid": "²", "feature": "${alert(5)}", "layers": "district,<img src=x onerror=alert(6)>",
    "title": "![t](http://evil.example/t.png)", "lang": "<script>alert(7)</script>", "basemap": "javascript:alert(8)",
    "view": "../../etc/passwd",
}


@pytest.fixture
def dialogs(page) -> list[str]:
    seen: list[str] = []
    page.on("dialog", lambda d: (seen.append(d.message), d.dismiss()))
    return seen


def _settle(page, heading: bool = True) -> None:
    page.locator('[data-testid="stMain"]').first.wait_for(timeout=90_000)
    if heading:
        page.locator("h4").first.wait_for(timeout=90_000)
    page.wait_for_timeout(2500)


def _no_traceback(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and 'File "/' not in body


def _no_injected_markup(page) -> None:
    assert page.locator("img[src='x'], img[src*='evil.example'], a[href*='evil.example']").count() == 0
    for fr in page.frames:
        assert fr.locator("img[src='x'], img[src*='evil.example'], a[href*='evil.example']").count() == 0


@pytest.mark.parametrize("name", PAGES)
def test_every_page_takes_hostile_url_parameters(page, app_url: str, dialogs: list[str], name: str) -> None:
    page.goto(f"{app_url}/{name}?{urlencode(HOSTILE_PARAMS)}", wait_until="domcontentloaded")
    _settle(page, heading=name not in ("present",))
    assert dialogs == []
    _no_traceback(page)
    _no_injected_markup(page)


def test_check_page_takes_the_injection_corpus_from_csv_and_geojson(page, app_url: str, dialogs: list[str],
                                                                     tmp_path: Path) -> None:
    rows = [f'"{n.replace(chr(34), chr(34) * 2)}",{113.10 + i * 0.008:.4f},27.60,住宅' for i, n in enumerate(INJECTIONS)]
    csv = tmp_path / "hostile.csv"
    csv.write_text("项目名称,经度,纬度,类型\n" + "\n".join(rows) + "\n", encoding="utf-8")
    gj = tmp_path / "hostile.geojson"
    gj.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": n, "ptype": "住宅"},
         "geometry": {"type": "Polygon", "coordinates": [[[113.10 + i * 0.008, 27.62], [113.105 + i * 0.008, 27.62],
                                                          [113.105 + i * 0.008, 27.625], [113.10 + i * 0.008, 27.62]]]}}
        for i, n in enumerate(INJECTIONS)]}, ensure_ascii=False), encoding="utf-8")
    for upload in (csv, gj):
        page.goto(app_url + "/check", wait_until="domcontentloaded")
        page.get_by_text("选址核查").first.wait_for(timeout=90_000)
        choose_lonlat(page)  # the CSV's degrees are checked once their source is chosen
        page.locator('input[type="file"]').first.set_input_files(str(upload))
        page.get_by_text("核查结果").wait_for(timeout=120_000)
        frame = page.wait_for_selector(FRAME, state="attached", timeout=90_000).content_frame()
        frame.wait_for_selector(".leaflet-container", timeout=90_000)
        frame.wait_for_function("""() => { if (!(window.lkAtlas && window.lkAtlas.map)) return false; let k = 0;
            window.lkAtlas.map.eachLayer(l => { if (l.lkProject) k++; }); return k > 0; }""", timeout=90_000)  # this check's map
        for path in frame.locator("path.leaflet-interactive").all()[-len(INJECTIONS):]:
            path.hover(force=True)
        page.wait_for_timeout(1500)
        body = page.locator("body").inner_text()
        assert "会话已过期 请重新登录" in body  # the names are shown, as text
        assert dialogs == []
        _no_traceback(page)
        _no_injected_markup(page)


def test_view_titles_and_share_links_take_the_injection_corpus(page, app_url: str, dialogs: list[str]) -> None:
    store = ViewStore()  # the app's default store (the server runs with the same environment)
    saved = [store.save(View(title=n, layers=("district",), center=(27.6, 113.1), zoom=11), local=True) for n in INJECTIONS]
    try:
        for name in ("views", "present", "compare"):
            page.goto(f"{app_url}/{name}", wait_until="domcontentloaded")
            _settle(page, heading=name != "present")
            assert dialogs == []
            _no_traceback(page)
            _no_injected_markup(page)
        for title in INJECTIONS:
            for url in (f"{app_url}/views?{urlencode({'layers': 'district', 'title': title})}",
                        f"{app_url}/?{urlencode({'feature': title})}"):
                page.goto(url, wait_until="domcontentloaded")
                _settle(page)
                assert dialogs == []
                _no_traceback(page)
                _no_injected_markup(page)
    finally:
        for v in saved:
            store.delete(int(v.id or 0), local=True)
