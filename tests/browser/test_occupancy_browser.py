"""Browser: a red line pasted on the 选址核查 page is checked against the imported layers (the app's store), the
压占 table shows, and the 审查意见 DOCX downloads with its sections, network blocked."""

from __future__ import annotations

import re

from tests.browser.conftest import ARTIFACTS, choose_lonlat, wait_idle
from tests.demo_store import DEMO_ORIGIN, DEMO_STEP

X0, Y0 = DEMO_ORIGIN


def test_check_against_imported_layers_and_download_the_opinion(page, store_app_url: str) -> None:
    import docx

    page.goto(store_app_url + "/check", wait_until="domcontentloaded")
    page.get_by_text("压占分析图层(已导入)").first.wait_for(timeout=90_000)
    # a red line over parcels of the synthetic DLTB and into the synthetic 生态保护红线 (lon, lat per line)
    corners = [(X0 + 5 * DEMO_STEP, Y0 + 5 * DEMO_STEP), (X0 + 8 * DEMO_STEP, Y0 + 5 * DEMO_STEP),
               (X0 + 8 * DEMO_STEP, Y0 + 8 * DEMO_STEP), (X0 + 5 * DEMO_STEP, Y0 + 8 * DEMO_STEP)]
    choose_lonlat(page)  # degrees are checked once their source is chosen
    page.get_by_role("tab", name="粘贴坐标").click()
    page.get_by_label("项目名称").fill("合成红线")
    page.locator("textarea").first.fill("\n".join(f"{x:.6f}, {y:.6f}" for x, y in corners))
    page.locator('[data-testid="stRadio"]').get_by_text("面", exact=True).click()  # the corners of one red line
    page.get_by_role("button", name="核查坐标").click()
    page.get_by_text("压占分析", exact=True).wait_for(timeout=90_000)
    page.get_by_text("三线协调:涉及的图斑").first.wait_for(timeout=30_000)
    page.get_by_role("button", name="生成审查意见(DOCX/PDF)").click()
    button = page.get_by_role("button", name="审查意见 DOCX")
    button.wait_for(timeout=120_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "check_occupancy.png"), full_page=True)
    wait_idle(page)
    with page.expect_download(timeout=120_000) as dl:
        button.click()
    assert dl.value.suggested_filename.endswith(".docx")
    d = docx.Document(dl.value.path())
    paras = "\n".join(p.text for p in d.paragraphs)
    cells = "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    assert "二、三线协调" in paras and "六、界址点坐标表" in paras and "合成红线" in paras
    assert "HX01" in cells and "J1" in cells  # the red-line feature (imported from the demo's STBHHX), 界址点
    assert re.search(r"\b[0-9a-f]{64}\b", cells)  # the imported layers' sha256 (data versions)
