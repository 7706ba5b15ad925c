"""Browser: upload a CSV on the 选址核查 page and see the report; the drawing tools load offline."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point

from lukou_geo.settings import REPO_ROOT
from tests.browser.conftest import ARTIFACTS, FRAME, choose_lonlat, wait_idle, wait_map


def test_upload_csv_shows_report(page, app_url: str, tmp_path: Path) -> None:
    csv = tmp_path / "projects.csv"
    csv.write_text("项目名称,经度,纬度,类型\n南洲厂房,113.1475,27.605,新材料\n坏行,1131.37,27.7,住宅\n", encoding="gbk")
    page.goto(app_url + "/check", wait_until="domcontentloaded")
    page.get_by_text("选址核查").first.wait_for(timeout=60_000)
    page.locator('input[type="file"]').first.set_input_files(str(csv))
    # degrees: not checked until their source is chosen (GCJ-02 and WGS-84 look alike)
    page.get_by_text("坐标是经纬度").first.wait_for(timeout=60_000)
    assert page.get_by_text("核查结果").count() == 0
    choose_lonlat(page, "GPS")
    page.get_by_text("核查结果").wait_for(timeout=90_000)
    said = page.get_by_text("坐标系:自动识别:经纬度按 GPS").first
    said.wait_for(timeout=30_000)
    assert said.bounding_box()["y"] < page.get_by_text("南洲厂房 — 符合").first.bounding_box()["y"]  # said before the result
    page.get_by_text("第3行 经度").first.wait_for(timeout=30_000)  # the bad row is named, the good one checked
    page.get_by_text("南洲厂房 — 符合").first.wait_for(timeout=30_000)
    frame = page.wait_for_selector(FRAME, state="attached", timeout=60_000).content_frame()
    frame.wait_for_selector(".leaflet-container", timeout=60_000)
    frame.wait_for_selector(".leaflet-draw-toolbar", timeout=60_000)  # leaflet-draw served locally
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "check_page.png"), full_page=True)
    # the report files are written when their button is pressed (not on every check)
    import openpyxl

    wait_idle(page)
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="XLSX").click()
    assert dl.value.suggested_filename.endswith(".xlsx")
    with open(dl.value.path(), "rb") as fh:
        wb = openpyxl.load_workbook(fh)
    names = [c.value for c in wb.worksheets[0]["B"]]
    assert "南洲厂房" in names, names
    source = {r[0].value: r[1].value for r in wb["数据来源"].iter_rows()}
    assert source["源文件"] == "projects.csv" and len(source["SHA-256"]) == 64 and "WGS-84" in source["假定坐标系"], source


#: Project names that ran as script on the check page (issue: script execution on the check page).
HOSTILE_NAMES = ["${alert(1)}", "`);alert(2);(`", '<img src=x onerror="alert(3)">', "单价$\\x$元", "</script><script>alert(4)</script>"]


def test_hostile_project_names_stay_text(page, app_url: str, tmp_path: Path) -> None:
    """Names from an uploaded file reach the map's tooltips as text: no dialog, no page error, the
    map script still runs (a backslash once killed it), and hovering shows the name literally."""
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    csv = tmp_path / "hostile.csv"
    rows = [f'"{n.replace(chr(34), chr(34) * 2)}",{113.10 + i * 0.01:.4f},27.60,住宅' for i, n in enumerate(HOSTILE_NAMES)]
    csv.write_text("项目名称,经度,纬度,类型\n" + "\n".join(rows) + "\n", encoding="utf-8")
    page.goto(app_url + "/check", wait_until="domcontentloaded")
    page.get_by_text("选址核查").first.wait_for(timeout=60_000)
    choose_lonlat(page)
    page.locator('input[type="file"]').first.set_input_files(str(csv))
    page.get_by_text("核查结果").wait_for(timeout=90_000)
    # the result is written before the map: the map of this check arrives after it (the run's end)
    wait_idle(page)
    frame = page.wait_for_selector(FRAME, state="attached", timeout=60_000).content_frame()
    frame.wait_for_selector(".leaflet-container", timeout=60_000)
    frame.wait_for_function("""(n) => { if (!(window.lkAtlas && window.lkAtlas.map)) return false; let k = 0;
        window.lkAtlas.map.eachLayer(l => { if (l.lkProject && l.getTooltip()) k++; }); return k >= n; }""",
                            arg=len(HOSTILE_NAMES), timeout=60_000)
    # every project is drawn (the whole map script ran) and its tooltip holds the name as text
    tips = frame.evaluate(
        """() => {
            const out = [];
            window.lkAtlas.map.eachLayer(l => {
                if (l.lkProject && l.getTooltip()) {
                    const c = l.getTooltip().getContent();
                    out.push(c instanceof HTMLElement ? c.textContent : "NOT-AN-ELEMENT:" + String(c));
                }
            });
            return out;
        }"""
    )
    assert sorted(t.split(" — ")[0].split(". ", 1)[1] for t in tips) == sorted(HOSTILE_NAMES), tips
    frame.locator("path.leaflet-interactive").last.hover()
    page.wait_for_timeout(500)
    assert dialogs == []
    assert frame.locator("img[src='x']").count() == 0


def _container_xy(frame, lat: float, lng: float) -> dict[str, float]:
    """The position of a lat/lng in the check map's container (for ``locator.click(position=...)``)."""
    p = frame.evaluate("([lat, lng]) => window.lkAtlas.map.latLngToContainerPoint([lat, lng])", [lat, lng])
    return {"x": p["x"], "y": p["y"]}


def _click_map(frame, lat: float, lng: float) -> None:
    box = frame.evaluate("(() => { const c = window.lkAtlas.map.getContainer(); c.setAttribute('data-lk-map', '1'); return null; })()")
    assert box is None
    frame.locator("[data-lk-map]").click(position=_container_xy(frame, lat, lng))


def _checked_kinds(frame) -> list[str]:
    return frame.evaluate(
        """() => { const out = [];
                   window.lkAtlas.map.eachLayer(l => { if (l.lkProject) l.eachLayer(s =>
                       out.push(s instanceof L.CircleMarker ? "point" : (s instanceof L.Polygon ? "polygon" : "line"))); });
                   return out; }"""
    )


def test_click_on_a_plan_feature_checks_the_point_and_a_drawing_the_drawing(page, app_url: str) -> None:
    """Issue 14.1: a click inside the 淦田工业园 disc checks a point there (not the 449.5 公顷 disc); a polygon
    drawn with the draw tools is checked as drawn."""
    page.goto(app_url + "/check", wait_until="domcontentloaded")
    frame = page.wait_for_selector(FRAME, state="attached", timeout=60_000).content_frame()
    frame.wait_for_selector(".leaflet-draw-toolbar", timeout=60_000)
    frame.wait_for_function("window.lkAtlas && window.lkAtlas.map", timeout=60_000)
    frame.evaluate("window.lkAtlas.map.setView([27.4835, 113.135], 13, {animate: false})")
    page.wait_for_timeout(3000)  # the pan's own rerun (st_folium reports the extent) settles
    lat, lng = 27.478, 113.128  # inside the 淦田工业园 disc, clear of its point markers
    frame.evaluate("""() => document.addEventListener('click', e => {
        const m = window.lkAtlas.map, p = m.mouseEventToLatLng(e), t = e.target;
        window.lkClick = {lat: p.lat, lng: p.lng, hit: t.tagName + ' ' + (t.getAttribute('class') || '')};
    }, {capture: true, once: true})""")
    _click_map(frame, lat, lng)
    clicked = frame.wait_for_function("window.lkClick", timeout=10_000).json_value()
    assert "leaflet-interactive" in clicked["hit"], clicked  # the click landed on a plan feature
    disc = gpd.read_file(REPO_ROOT / "geodata" / "parks.geojson").set_index("name").geometry["淦田工业园"]
    assert disc.contains(Point(clicked["lng"], clicked["lat"])), clicked
    pending = page.get_by_text(re.compile(r"待核查:地图点选 ")).first
    pending.wait_for(timeout=30_000)
    assert pending.inner_text().endswith(f"{clicked['lng']:.5f}, {clicked['lat']:.5f}"), pending.inner_text()
    page.get_by_role("button", name="核查地图上最后点选/绘制的位置").click()
    page.get_by_text("核查结果").wait_for(timeout=90_000)
    page.get_by_text(f"地图点选 {clicked['lng']:.5f}, {clicked['lat']:.5f} —").first.wait_for(timeout=30_000)
    frame = page.wait_for_selector(FRAME, state="attached", timeout=60_000).content_frame()
    frame.wait_for_function("(() => { let n = 0; window.lkAtlas.map.eachLayer(l => { if (l.lkProject) n++; }); return n > 0; })()", timeout=60_000)
    assert _checked_kinds(frame) == ["point"]
    # a polygon drawn with the tools
    frame.evaluate("window.lkAtlas.map.setView([27.4835, 113.135], 13, {animate: false})")
    page.wait_for_timeout(3000)
    frame.locator(".leaflet-draw-draw-polygon").click()
    corners = [(27.475, 113.120), (27.475, 113.140), (27.490, 113.140)]
    for la, ln in corners:
        _click_map(frame, la, ln)
        page.wait_for_timeout(300)
    frame.locator(".leaflet-editing-icon").first.click()  # the first vertex closes the polygon
    page.get_by_text("待核查:地图上绘制的面").first.wait_for(timeout=30_000)
    page.get_by_role("button", name="核查地图上最后点选/绘制的位置").click()
    page.get_by_text("地图上绘制的面 —").first.wait_for(timeout=90_000)
    frame = page.wait_for_selector(FRAME, state="attached", timeout=60_000).content_frame()
    frame.wait_for_function(
        "(() => { let n = 0; window.lkAtlas.map.eachLayer(l => { if (l.lkProject) l.eachLayer(s => { if (s instanceof L.Polygon) n++; }); });"
        " return n > 0; })()", timeout=60_000)
    assert _checked_kinds(frame) == ["polygon"]
    page.screenshot(path=str(ARTIFACTS / "check_map_pick.png"), full_page=True)


def _box(frame, selector: str) -> dict[str, float] | None:
    return frame.evaluate("(s) => { const e = document.querySelector(s); return e && e.getBoundingClientRect().toJSON(); }", selector)


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def test_check_map_zooms_to_the_upload_with_a_verdict_legend_clear_of_the_draw_tools(page, app_url: str, tmp_path: Path) -> None:
    """Issue 14.8: after an upload the map shows every uploaded project (zoomed in from the district view, none
    under a control) and a legend of the verdict colours that covers none of the draw tools."""
    pts = [("甲", 113.120, 27.470), ("乙", 113.150, 27.495), ("丙", 113.135, 27.460)]
    csv = tmp_path / "near_gantian.csv"
    csv.write_text("项目名称,经度,纬度,类型\n" + "".join(f"{n},{x},{y},住宅\n" for n, x, y in pts), encoding="utf-8")
    page.goto(app_url + "/check", wait_until="domcontentloaded")
    frame = page.wait_for_selector(FRAME, state="attached", timeout=60_000).content_frame()
    frame.wait_for_function("window.lkAtlas && window.lkAtlas.map", timeout=60_000)
    zoom0 = frame.evaluate("window.lkAtlas.map.getZoom()")
    choose_lonlat(page)
    page.locator('input[type="file"]').first.set_input_files(str(csv))
    page.get_by_text("核查结果").wait_for(timeout=90_000)
    frame = page.wait_for_selector(FRAME, state="attached", timeout=60_000).content_frame()
    frame.wait_for_function("(() => { let n = 0; window.lkAtlas.map.eachLayer(l => { if (l.lkProject) n++; }); return n === 3; })()",
                            timeout=60_000)
    page.wait_for_timeout(500)
    assert frame.evaluate("window.lkAtlas.map.getZoom()") > zoom0 + 1
    # every project is on the map and not under a control
    marks = frame.evaluate(
        """() => { const out = [], box = window.lkAtlas.map.getContainer().getBoundingClientRect();
                   window.lkAtlas.map.eachLayer(l => { if (l.lkProject) l.eachLayer(s => {
                       const p = window.lkAtlas.map.latLngToContainerPoint(s.getLatLng());
                       const e = document.elementFromPoint(box.left + p.x, box.top + p.y);
                       out.push([p.x, p.y, e === s._path]); }); });
                   return out; }""")
    size = frame.evaluate("window.lkAtlas.map.getSize()")
    assert all(0 < x < size["x"] and 0 < y < size["y"] and on_top for x, y, on_top in marks), marks
    legend = _box(frame, ".lk-verdict-legend")
    assert legend is not None
    assert [r.strip() for r in frame.locator(".lk-verdict-row").all_inner_texts()] == ["符合", "需关注", "冲突"]
    for tool in frame.locator(".leaflet-draw-toolbar a").all():
        tb = tool.evaluate("e => e.getBoundingClientRect().toJSON()")
        assert not _overlap(tb, legend)
        hit = frame.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('.leaflet-draw-toolbar') !== null",
                             [tb["left"] + tb["width"] / 2, tb["top"] + tb["height"] / 2])
        assert hit, tb  # nothing (the plan legend) covers a draw tool
    page.screenshot(path=str(ARTIFACTS / "check_map_zoom.png"), full_page=True)


def test_uploader_speaks_the_page_language(page, app_url: str) -> None:
    """Issue 14.15: no "200MB per file"/"Upload" (Streamlit's English) in the Chinese check page; the limit is the app's."""
    page.goto(app_url + "/check", wait_until="domcontentloaded")
    zone = page.locator('[data-testid="stFileUploaderDropzone"]')
    zone.wait_for(timeout=60_000)
    # the page's style hides Streamlit's English; the last rerun of the first visit may redraw the zone
    # a moment before its style, so the zone is read once the page is idle
    wait_idle(page)
    assert "per file" not in zone.inner_text() and "MB" not in zone.inner_text()
    button = zone.locator("button")
    assert button.evaluate("b => getComputedStyle(b, '::after').content") == '"选择文件"'
    shown = button.evaluate("""b => { const out = [], w = document.createTreeWalker(b, NodeFilter.SHOW_TEXT);
        while (w.nextNode()) { const n = w.currentNode; if (n.textContent.trim() && getComputedStyle(n.parentElement).fontSize !== "0px")
            out.push(n.textContent); } return out; }""")
    assert shown == [], shown  # "Upload" not shown
    page.get_by_text("单个文件不超过 50 MB").wait_for(timeout=30_000)
    page.get_by_text("坐标系", exact=True).first.wait_for()
    # the CRS selectors sit above the uploader (the messages say 上方)
    assert page.get_by_text("经纬度坐标来自(必选)").bounding_box()["y"] < zone.bounding_box()["y"]
    page.screenshot(path=str(ARTIFACTS / "check_uploader_zh.png"), full_page=True)


def test_the_last_result_comes_back_after_a_reload_and_a_page_switch(page, app_url: str) -> None:
    """Issue 14.9: after a check, a reload (a new session, same address) and a visit to another page and
    back show the result again, with no new upload; the address holds a token, not the data."""
    page.goto(app_url + "/check", wait_until="domcontentloaded")
    page.get_by_text("选址核查").first.wait_for(timeout=60_000)
    choose_lonlat(page)
    page.get_by_role("tab", name="粘贴坐标").click()
    page.get_by_label("项目名称").fill("重载厂房")
    page.locator('[data-testid="stTabPanel"] textarea').last.fill("113.1475, 27.605")
    page.get_by_role("button", name="核查坐标").click()
    page.get_by_text("重载厂房 — ").first.wait_for(timeout=90_000)
    page.wait_for_function("() => new URL(location.href).searchParams.get('run')", timeout=30_000)
    address = page.url
    assert "113.1475" not in address and "重载" not in address

    def shown() -> None:
        page.get_by_text("核查结果").first.wait_for(timeout=90_000)
        page.get_by_text("重载厂房 — ").first.wait_for(timeout=30_000)
        # and drawn on the map
        wait_map(page, "w => { let n = 0; w.lkAtlas && w.lkAtlas.map.eachLayer(l => { if (l.lkProject) n++; }); return n > 0; }")

    page.reload(wait_until="domcontentloaded")
    shown()
    assert page.url == address
    page.get_by_role("link", name="数据与来源").first.click()
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=30_000)
    page.get_by_role("link", name="选址核查").first.click()
    shown()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "check_after_reload.png"), full_page=True)


def test_the_uploader_keeps_earlier_files_when_one_is_added(page, app_url: str, tmp_path: Path) -> None:
    """Issue 14.13: a file added to the uploader keeps the earlier ones; all are checked together, a bad one named."""
    first, second, bad = tmp_path / "甲.csv", tmp_path / "乙.txt", tmp_path / "坏.csv"
    first.write_text("名称,经度,纬度\n甲厂,113.1475,27.605\n", encoding="utf-8")
    second.write_text("113.14,27.60\n113.15,27.60\n", encoding="utf-8")
    bad.write_bytes(b"%PDF-1.7\n1 0 obj\n")
    page.goto(app_url + "/check", wait_until="domcontentloaded")
    page.get_by_text("选址核查").first.wait_for(timeout=60_000)
    choose_lonlat(page)
    files = page.locator('input[type="file"]').first
    files.set_input_files(str(first))
    page.get_by_text("甲厂 — ").first.wait_for(timeout=90_000)
    wait_idle(page)
    files.set_input_files([str(second), str(bad)])  # added in the browser's file dialog: 甲.csv stays
    page.get_by_text(re.compile("坏.csv:文件内容是PDF")).first.wait_for(timeout=90_000)
    wait_idle(page)
    names = page.locator('[data-testid="stFileChipName"]').all_inner_texts()
    assert sorted(names) == sorted(["甲.csv", "乙.txt", "坏.csv"]), names
    # the second run holds the projects of both good files (the TXT's two lines are two points)
    # the files' delete buttons keep their icon: only the browse button reads 选择文件
    chips = page.locator('[data-testid="stFileChip"] button').all()
    assert len(chips) == 3 and all(b.evaluate("b => getComputedStyle(b, '::after').content") in ("none", "normal") for b in chips)
    zone = page.locator('[data-testid="stFileUploaderDropzone"]')
    browse = [b.evaluate("b => getComputedStyle(b, '::after').content") for b in zone.locator("button").all()]
    assert browse.count('"选择文件"') == 1, browse
    # the last run holds the projects of both good files (the TXT's two lines are two points); the files
    # given at once may reach the script one by one, so the run before it may hold 甲.csv and 乙.txt too
    run = page.locator('[data-testid="stSelectbox"]').filter(has_text="核查批次")
    shown = run.evaluate("e => e.textContent + ' ' + [...e.querySelectorAll('input')].map(i => i.value).join(' ')")
    assert re.search(r"\d+\. 甲\.csv、乙\.txt", shown), shown
    for name in ("甲厂 — ", "乙 1 — ", "乙 2 — "):
        page.get_by_text(name).first.wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "check_upload_several.png"), full_page=True)


def test_the_first_result_needs_no_code_from_the_server(page, app_url: str) -> None:
    """The result's tables, buttons and progress bar have their browser code before the first check
    (lukou_geo.ui.preload): the first check fetched ≈ 35 modules of Streamlit and waited for them."""
    page.goto(app_url + "/check", wait_until="domcontentloaded")
    page.get_by_role("tab", name="粘贴坐标").wait_for(timeout=60_000)
    page.wait_for_function(  # the page loads them once it is up
        """() => ['DataFrame.', 'DownloadButton.', 'Progress.'].every(n => performance.getEntriesByType('resource')
              .some(e => e.name.includes('/static/js/' + n)))""", timeout=60_000)
    choose_lonlat(page)
    wait_idle(page)
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    page.get_by_role("tab", name="粘贴坐标").click()
    page.get_by_label("项目名称").fill("甲项目")
    page.get_by_label("每行一个点", exact=False).fill("113.1475,27.605")
    page.get_by_role("button", name="核查坐标").click()
    page.get_by_text("1. 甲项目 — ", exact=False).first.wait_for(timeout=60_000)
    code = [u for u in fetched if "/static/js/" in u or "/static/css/" in u]
    assert not code, code
