"""Browser: upload a CSV on the 选址核查 page and see the report; the drawing tools load offline."""

from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import ARTIFACTS, FRAME


def test_upload_csv_shows_report(page, app_url: str, tmp_path: Path) -> None:
    csv = tmp_path / "projects.csv"
    csv.write_text("项目名称,经度,纬度,类型\n南洲厂房,113.1475,27.605,新材料\n坏行,1131.37,27.7,住宅\n", encoding="gbk")
    page.goto(app_url + "/check", wait_until="domcontentloaded")
    page.get_by_text("选址核查").first.wait_for(timeout=60_000)
    page.locator('input[type="file"]').first.set_input_files(str(csv))
    page.get_by_text("核查结果").wait_for(timeout=90_000)
    page.get_by_text("第3行 经度").first.wait_for(timeout=30_000)  # the bad row is named, the good one checked
    page.get_by_text("南洲厂房 — 符合").first.wait_for(timeout=30_000)
    frame = page.wait_for_selector(FRAME, state="attached", timeout=60_000).content_frame()
    frame.wait_for_selector(".leaflet-container", timeout=60_000)
    frame.wait_for_selector(".leaflet-draw-toolbar", timeout=60_000)  # leaflet-draw served locally
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "check_page.png"), full_page=True)
    # the report files are written when their button is pressed (not on every check)
    import openpyxl

    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="XLSX").click()
    assert dl.value.suggested_filename.endswith(".xlsx")
    with open(dl.value.path(), "rb") as fh:
        wb = openpyxl.load_workbook(fh)
    names = [c.value for c in wb.worksheets[0]["B"]]
    assert "南洲厂房" in names, names


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
    page.locator('input[type="file"]').first.set_input_files(str(csv))
    page.get_by_text("核查结果").wait_for(timeout=90_000)
    frame = page.wait_for_selector(FRAME, state="attached", timeout=60_000).content_frame()
    frame.wait_for_selector(".leaflet-container", timeout=60_000)
    frame.wait_for_function("window.lkAtlas && window.lkAtlas.map", timeout=60_000)
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
