"""CSV (UTF-8, BOM, GBK; separators; column names; WKT) and XLSX."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from lukou_geo import crs as ccrs
from lukou_geo.errors import InputError
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


def _xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_row_numbers_are_file_lines_after_blank_lines() -> None:
    ing = read_bytes(f"名称,经度,纬度\n\n\n甲,{LON},{LAT}\n\n乙,1131.4,27.6\n".encode(), "p.csv")  # was 第3行
    assert [e.row for e in ing.errors] == [6] and list(ing.projects["source"]) == ["p.csv 第4行"]
    ing = read_bytes(_xlsx([["名称", "经度", "纬度"], ["甲", LON, LAT], [], [None], ["乙", 1131.4, 27.6]]), "p.xlsx")
    assert [e.row for e in ing.errors] == [5]


def test_a_title_row_above_the_header() -> None:
    ing = read_bytes(_xlsx([["渌口区重点项目表"], [], ["项目名称", "经度", "纬度", "产业类别"], ["甲", LON, LAT, "新材料"]]), "p.xlsx")
    assert list(ing.projects["name"]) == ["甲"] and list(ing.projects["ptype"]) == ["新材料"] and any("第3行" in n for n in ing.notes)


@pytest.mark.parametrize("col", ["产业类别", "用地性质", "项目类型", "行业"])
def test_type_columns(col: str) -> None:
    assert list(read_bytes(f"XMMC,经度,纬度,{col}\n南洲,{LON},{LAT},物流\n".encode(), "p.csv").projects["ptype"]) == ["物流"]


def test_no_coordinate_header_names_the_accepted_ones() -> None:
    with pytest.raises(InputError) as err:
        read_bytes("项目,地址\n甲,渌口镇\n".encode(), "p.csv")
    for word in ("经度/纬度", "lng/lat", "X/Y", "WKT", "北坐标"):
        assert word in err.value.fix_zh
    assert "lng/lat" in err.value.fix_en


@pytest.mark.parametrize(
    "wkt,words",
    [
        (f"POINT({LAT} {LON})", "颠倒"),  # was accepted with latitude 113
        ("POINT(113.1 95)", "超出范围"),  # latitude 95 was accepted
        ("POINT(200 27.6)", "超出范围"),  # was read as Gauss-Kruger metres near the equator
        ("POINT(nan nan)", "NaN"),  # was a GEOS traceback
        ('"POLYGON((113.14 27.6,113.15 27.6,113.16 27.6,113.14 27.6))"', "面积为零"),  # silently became a line
    ],
)
def test_wkt_gets_the_checks_of_coordinate_columns(wkt: str, words: str) -> None:
    ing = read_bytes(f"名称,WKT\n甲,{wkt}\n乙,POINT({LON} {LAT})\n".encode(), "p.csv")
    assert len(ing.projects) == 1 and ing.errors[0].row == 2 and words in ing.errors[0].problem_zh


def test_a_row_with_more_cells_than_the_header_is_refused() -> None:
    ing = read_bytes(f"名称,经度,纬度\n甲,乙,{LON},{LAT}\n".encode(), "p.csv")
    assert not len(ing.projects) and "单元格" in ing.errors[0].problem_zh


def test_not_a_longitude_message_has_no_scientific_notation() -> None:
    ing = read_bytes("名称,X,Y\n甲,38512000,3066000\n".encode(), "p.csv", crs="wgs84")
    assert "`38512000`" in ing.errors[0].problem_zh and "e+" not in str(ing.errors[0])


def _dimension(data: bytes, ref: str) -> bytes:
    import re
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            part = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = re.sub(rb'<dimension ref="[^"]*"\s*/>', ref.encode(), part)
            dst.writestr(info.filename, part)
    return buf.getvalue()


def test_xlsx_rows_are_refused_before_openpyxl_reads_them(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _xlsx([["名称", "经度", "纬度"], *[["甲", LON, LAT]] * 30])
    with pytest.raises(InputError, match="1,250,000 行"):
        read_bytes(_dimension(data, '<dimension ref="A1:C1250000"/>'), "p.xlsx")
    monkeypatch.setenv("LUKOU_MAX_ROWS", "5")
    for ref in ("", '<dimension ref="A1:C2"/>'):  # no dimension, or one that lies: the rows are counted
        with pytest.raises(InputError, match="超过上限 5 行"):
            read_bytes(_dimension(data, ref), "p.xlsx")
    monkeypatch.setenv("LUKOU_MAX_ROWS", "100")
    assert len(read_bytes(_dimension(data, '<dimension ref="A1:C2"/>'), "p.xlsx").projects) == 30  # a lying dimension cuts nothing


def test_the_xlsx_reader_closes_its_archive(monkeypatch: pytest.MonkeyPatch) -> None:
    from lukou_geo.sitecheck.inputs import table

    opened = []
    real = table.check_zip_safety

    def spy(data: bytes, file: str):
        opened.append(real(data, file))
        return opened[-1]

    monkeypatch.setattr(table, "check_zip_safety", spy)
    read_bytes(_xlsx([["名称", "经度", "纬度"], ["甲", LON, LAT]]), "p.xlsx")
    assert opened and opened[0].fp is None  # closed


def test_long_lines_and_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUKOU_MAX_LINE_CHARS", "60")
    ing = read_bytes(f"名称,经度,纬度\n{'名' * 80},{LON},{LAT}\n甲,{LON},{LAT}\n".encode(), "p.csv")
    assert len(ing.projects) == 1 and ing.errors[0].row == 2 and "LUKOU_MAX_LINE_CHARS" in ing.errors[0].fix_zh
    monkeypatch.setenv("LUKOU_MAX_CELL_CHARS", "10")
    ing = read_bytes(_xlsx([["名称", "经度", "纬度", "备注"], ["甲", LON, LAT, "x" * 20]]), "p.xlsx")
    assert ing.errors[0].field == "备注" and "LUKOU_MAX_CELL_CHARS" in ing.errors[0].fix_zh
