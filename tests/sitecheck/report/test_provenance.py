"""Issue 14.2: every report (XLSX, CSV, GeoJSON, HTML, PDF) records the CRS assumed, the encoding, the source
file and its SHA-256, and the input coordinates as given."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import openpyxl
import pytest

from lukou_geo.sitecheck import provenance
from lukou_geo.sitecheck.check import check_projects
from lukou_geo.sitecheck.context import default_context
from lukou_geo.sitecheck.inputs import read_bytes
from lukou_geo.sitecheck.report.document import export_html, export_pdf
from lukou_geo.sitecheck.report.tables import export_csv, export_geojson, export_xlsx

DATA = "项目名称,经度,纬度,类型\n高德取点厂房,113.1475,27.605,新材料\n".encode("gbk")
SHA = hashlib.sha256(DATA).hexdigest()


@pytest.fixture(scope="module")
def result():
    ing = read_bytes(DATA, "高德点.csv", "auto:gcj02", None, "")
    res = check_projects(ing.projects, default_context())
    res.provenance = provenance.of_bytes(DATA, "高德点.csv", "auto:gcj02", None, ing.notes)
    return res


def _expect(text: str) -> None:
    for part in ("高德点.csv", SHA, "GB18030/GBK", "GCJ-02", "POINT (113.1475 27.605)"):
        assert part in text, part


def test_tables_record_the_source_and_the_coordinates_as_given(result, tmp_path: Path) -> None:
    text = export_csv(result, tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    _expect(text)
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["输入坐标(原样)"] == "POINT (113.1475 27.605)" and row["SHA-256"] == SHA
    doc = json.loads(export_geojson(result, tmp_path / "r.geojson").read_text(encoding="utf-8"))
    assert doc["lukou_provenance"]["sha256"] == SHA and "GCJ-02" in doc["lukou_provenance"]["crs_zh"]
    assert doc["features"][0]["properties"]["given"] == "POINT (113.1475 27.605)"
    wb = openpyxl.load_workbook(export_xlsx(result, tmp_path / "r.xlsx"))
    _expect("\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None))
    assert "数据来源" in wb.sheetnames


def test_documents_record_the_source(result, tmp_path: Path) -> None:
    from pypdf import PdfReader

    ctx = default_context()
    _expect(export_html(result, ctx, images=False))
    pdf = export_pdf(result, ctx, images=False)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for part in ("高德点.csv", SHA, "GCJ-02"):
        assert part in text.replace("\n", "").replace("\x00", ""), part
