"""Exports of a site-check result: XLSX, CSV, GeoJSON, HTML, PDF; escaping and formula safety."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from lukou_geo.sitecheck.check import check_projects
from lukou_geo.sitecheck.context import default_context
from lukou_geo.sitecheck.report.writers import export_all, export_html, map_png


@pytest.fixture(scope="module")
def checked():
    ctx = default_context()
    gdf = gpd.GeoDataFrame(
        {"name": ["<script>alert(1)</script>", "=HYPERLINK(\"http://x\")", "南洲厂房"], "ptype": ["住宅", "物流", "新材料"],
         "source": ["a", "b", "c"]},
        geometry=[Point(113.13, 27.70), Point(113.60, 27.70), box(113.145, 27.603, 113.150, 27.607)], crs="EPSG:4326")
    return ctx, check_projects(gdf, ctx)


def test_all_formats_written(checked, tmp_path: Path) -> None:
    ctx, res = checked
    paths = export_all(res, ctx, tmp_path / "report.xlsx")
    assert {p.suffix for p in paths} == {".xlsx", ".csv", ".geojson", ".html", ".pdf"}
    fc = json.loads((tmp_path / "report.geojson").read_text(encoding="utf-8"))
    assert len(fc["features"]) == 3 and fc["features"][2]["properties"]["verdict"] == "符合"
    csv_text = (tmp_path / "report.csv").read_text(encoding="utf-8-sig")
    assert "核查结论" in csv_text and "'=HYPERLINK" in csv_text  # formula neutralised


def test_xlsx_summary_and_project_sheets(checked, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    ctx, res = checked
    export_all(res, ctx, tmp_path / "r.xlsx", ("xlsx",))
    wb = load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames[:2] == ["汇总", "分区明细"] and len(wb.sheetnames) == 5
    values = [c.value for row in wb["汇总"].iter_rows() for c in row]
    assert "南洲厂房" in values and "'=HYPERLINK(\"http://x\")" in values
    assert all(c.data_type != "f" for row in wb["汇总"].iter_rows() for c in row)  # no formula cells
    sheet3 = wb[wb.sheetnames[4]]
    text = " ".join(str(c.value) for row in sheet3.iter_rows() for c in row if c.value)
    assert "南洲新区产业园" in text and "¶156" in text and "重叠面积(公顷)" in text


def test_html_escapes_and_cites(checked) -> None:
    ctx, res = checked
    html = export_html(res, ctx, images=False)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "¶156" in html and "符合" in html and "公顷" in html and "亩" in html
    assert "schematic" in html


def test_pdf_has_chinese_text_and_images(checked, tmp_path: Path) -> None:
    from pypdf import PdfReader

    ctx, res = checked
    export_all(res, ctx, tmp_path / "r.pdf", ("pdf",))
    reader = PdfReader(tmp_path / "r.pdf")
    text = "".join(p.extract_text() for p in reader.pages).replace("\x00", "")
    assert "选址核查报告" in text and "南洲新区产业园" in text
    assert len(reader.pages) >= 4
    assert any(p.images for p in reader.pages)


def test_map_png(checked) -> None:
    ctx, res = checked
    png = map_png(res, ctx, 3)
    assert png.startswith(b"\x89PNG") and len(png) > 5000
