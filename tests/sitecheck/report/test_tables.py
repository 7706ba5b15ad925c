"""Tables of a site-check result (lukou_geo.sitecheck.report.tables, written through export_all): XLSX, CSV,
GeoJSON; formula safety."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lukou_geo.sitecheck.report import export_all


def test_all_formats_written(checked, tmp_path: Path) -> None:
    ctx, res = checked
    paths = export_all(res, ctx, tmp_path / "report.xlsx")
    assert {p.suffix for p in paths} == {".xlsx", ".csv", ".geojson", ".html", ".pdf"}
    fc = json.loads((tmp_path / "report.geojson").read_text(encoding="utf-8"))
    assert len(fc["features"]) == 3 and fc["features"][2]["properties"]["verdict"] == "符合"
    csv_text = (tmp_path / "report.csv").read_text(encoding="utf-8-sig")
    assert "核查结论" in csv_text and "\u2060=HYPERLINK" in csv_text  # formula neutralised, text as written


def test_xlsx_summary_and_project_sheets(checked, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    ctx, res = checked
    export_all(res, ctx, tmp_path / "r.xlsx", ("xlsx",))
    wb = load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames[:2] == ["汇总", "分区明细"] and len(wb.sheetnames) == 5
    values = [c.value for row in wb["汇总"].iter_rows() for c in row]
    assert "南洲厂房" in values and "=HYPERLINK(\"http://x\")" in values  # shown as written, a text cell
    assert all(c.data_type != "f" for row in wb["汇总"].iter_rows() for c in row)  # no formula cells
    sheet3 = wb[wb.sheetnames[4]]
    text = " ".join(str(c.value) for row in sheet3.iter_rows() for c in row if c.value)
    assert "南洲新区产业园" in text and "¶156" in text and "重叠面积(公顷)" in text


def test_unknown_format_is_refused_before_anything_is_written(checked, tmp_path: Path) -> None:
    ctx, res = checked
    with pytest.raises(ValueError, match="unknown format 'docx'"):
        export_all(res, ctx, tmp_path / "r.xlsx", ("xlsx", "docx"))
    assert not list(tmp_path.iterdir())


def test_zone_sheet_stops_at_the_sheet_limit_with_a_note(checked, tmp_path: Path, monkeypatch) -> None:
    """More zone rows than an Excel sheet holds: the sheet stops at its limit and says where the rest is."""
    import openpyxl

    from lukou_geo.sitecheck.report import tables

    _, res = checked
    assert len(res.zones) > 3
    monkeypatch.setattr(tables, "MAX_ZONE_SHEET_ROWS", 2)
    wb = openpyxl.load_workbook(tables.export_xlsx(res, tmp_path / "r.xlsx"))
    rows = list(wb["分区明细"].iter_rows(values_only=True))
    assert len(rows) == 1 + 2 + 1 and "_zones.csv" in rows[-1][0] and f"{len(res.zones):,}" in rows[-1][0]
    assert any(r and isinstance(r[0], str) and "_zones.csv" in r[0] for r in wb["汇总"].iter_rows(values_only=True))
