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
