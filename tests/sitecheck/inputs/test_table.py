"""CSV (UTF-8, BOM, GBK; separators; column names; WKT) and XLSX."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from lukou_geo import crs as ccrs
from lukou_geo.sitecheck.inputs import read_bytes
from tests.sitecheck.inputs.helpers import CSV_TEXT, LAT, LON, TO_4547, close_to


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings(encoding: str) -> None:
    ing = read_bytes(CSV_TEXT.encode(encoding), "p.csv")
    assert list(ing.projects["name"]) == ["南洲厂房", "第二个"]
    assert list(ing.projects["ptype"]) == ["新材料", "住宅"]
    close_to(ing.projects.geometry[0])


@pytest.mark.parametrize("header", ["lng,lat", "lon,lat", "longitude,latitude", "X,Y", "经度(°),纬度(°)"])
def test_csv_column_names(header: str) -> None:
    ing = read_bytes(f"name,{header}\nA,{LON},{LAT}\n".encode(), "p.csv")
    assert len(ing.projects) == 1 and not ing.errors
    close_to(ing.projects.geometry[0])


def test_csv_projected_xy_survey_order_and_semicolon() -> None:
    x, y = TO_4547.transform(LON, LAT)
    ing = read_bytes(f"名称;X;Y\nA;{y:.2f};{x + 38e6:.2f}\n".encode(), "p.csv")
    close_to(ing.projects.geometry[0], tol_m=0.01)


def test_csv_gcj02_column_crs() -> None:
    lon, lat = ccrs.wgs84_to_gcj02(LON, LAT)
    ing = read_bytes(f"名称,lng,lat\nA,{float(lon):.8f},{float(lat):.8f}\n".encode(), "p.csv", crs="gcj02")
    close_to(ing.projects.geometry[0], tol_m=0.5)


def test_csv_wkt_polygon() -> None:
    ing = read_bytes(b'name,WKT\nA,"POLYGON((113.14 27.60, 113.15 27.60, 113.15 27.61, 113.14 27.60))"\n', "p.csv")
    assert ing.projects.geom_type[0] == "Polygon"


def test_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["名称", "经度", "纬度", "项目类型"])
    wb.active.append(["A", LON, LAT, "物流"])
    wb.active.append(["B", "113°08'51\"", "27°36'18\"", "住宅"])
    buf = io.BytesIO()
    wb.save(buf)
    ing = read_bytes(buf.getvalue(), "p.xlsx")
    assert list(ing.projects["ptype"]) == ["物流", "住宅"] and not ing.errors
    close_to(ing.projects.geometry[1], tol_m=30)
