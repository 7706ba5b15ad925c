"""Pasted and .txt coordinates: decimal, 度分秒, GCJ-02/BD-09, Gauss-Kruger X/Y."""

from __future__ import annotations

import pytest

from lukou_geo import crs as ccrs
from lukou_geo.errors import InputError
from lukou_geo.sitecheck.inputs import parse_coordinate_line, read_coordinates_text
from tests.sitecheck.inputs.helpers import LAT, LON, TO_4547, close_to


@pytest.mark.parametrize(
    "line",
    ["113.1475, 27.605", "113.1475 27.605", "113°08'51\"E 27°36'18\"N", "27°36'18\"N 113°08'51\"E",
     "东经113度8分51秒,北纬27度36分18秒", "E113.1475 N27.605", "113.1475,27.605"],
)
def test_pasted_point_forms(line: str) -> None:
    ing = read_coordinates_text(line, "wgs84")
    assert not ing.errors and len(ing.projects) == 1
    close_to(ing.projects.geometry[0], tol_m=30)


def test_dms_parse() -> None:
    (lon, h1, d1), (lat, h2, d2) = parse_coordinate_line("113°08'14\"E 27°42'31\"N")
    assert (h1, h2, d1, d2) == ("E", "N", True, True)
    assert lon == pytest.approx(113 + 8 / 60 + 14 / 3600) and lat == pytest.approx(27 + 42 / 60 + 31 / 3600)


def test_pasted_lines_are_points_unless_a_line_or_polygon_is_asked_for() -> None:
    """Issue 14.13: several pasted lines are several points; a line or a polygon only when asked for."""
    text = "113.14,27.60\n113.15,27.60\n113.15,27.61\n"
    ing = read_coordinates_text(text, "wgs84", name="P")
    assert list(ing.projects.geom_type) == ["Point", "Point", "Point"] and not ing.errors
    assert list(ing.projects["name"]) == ["P 1", "P 2", "P 3"]
    assert any("按 3 个点核查" in n and "--coords-as" in n for n in ing.notes)  # says how to ask for a polygon
    assert list(read_coordinates_text(text, "wgs84", shape="polygon").projects.geom_type) == ["Polygon"]
    assert list(read_coordinates_text(text, "wgs84", shape="line").projects.geom_type) == ["LineString"]
    assert not any("个点核查" in n for n in read_coordinates_text("113.14,27.60\n", "wgs84").notes)  # one point: no note


def test_blocks_as_lines_and_polygons() -> None:
    text = "113.14,27.60\n\n113.14,27.60\n113.15,27.60\n\n113.14,27.60\n113.15,27.60\n113.15,27.61\n"
    assert list(read_coordinates_text(text, "wgs84").projects.geom_type) == ["Point"] * 6
    lines = read_coordinates_text(text, "wgs84", name="P", shape="line")
    assert list(lines.projects.geom_type) == ["LineString", "LineString"] and list(lines.projects["name"]) == ["P 2", "P 3"]
    assert [e.row for e in lines.errors] == [1] and "至少需要 2 个点" in lines.errors[0].problem_zh
    polys = read_coordinates_text(text, "wgs84", shape="polygon")
    assert list(polys.projects.geom_type) == ["Polygon"] and [e.row for e in polys.errors] == [1, 3]
    with pytest.raises(InputError, match="未知的读法"):
        read_coordinates_text(text, "wgs84", shape="circle")


@pytest.mark.parametrize("crs_name", ["gcj02", "bd09"])
def test_pasted_gcj02_bd09(crs_name: str) -> None:
    lon, lat = ccrs.FROM_WGS84[crs_name](LON, LAT)
    ing = read_coordinates_text(f"{float(lon):.8f},{float(lat):.8f}", crs_name)
    close_to(ing.projects.geometry[0], tol_m=0.5)


@pytest.mark.parametrize("prefix", [True, False])
def test_pasted_gauss_kruger_northing_first(prefix: bool) -> None:
    x, y = TO_4547.transform(LON, LAT)
    e = x + (38e6 if prefix else 0)
    ing = read_coordinates_text(f"J1,{y:.3f},{e:.3f}", "gk" if prefix else "gk-cm:114")
    close_to(ing.projects.geometry[0], tol_m=0.01)
    auto = read_coordinates_text(f"{y:.3f} {e:.3f}", "auto")
    close_to(auto.projects.geometry[0], tol_m=0.01)
    assert not prefix or not any("38带" in n for n in auto.notes)  # the prefix names the zone: no guess needed


@pytest.mark.parametrize(
    "line,altitude",
    [
        ("113.1475,27.605,50", True),  # lon, lat, altitude (GPS, KML): was read as (27.605°E, 50°N)
        ("113.1475 27.605 50.5", True),
        ("J1,113.1475,27.605", False),  # a point number first
        ("1,113.1475,27.605", False),
        ("J1,113.1475,27.605,50", True),
        ("113,27.605,12", True),
    ],
)
def test_point_numbers_and_altitudes(line: str, altitude: bool) -> None:
    ing = read_coordinates_text(line, "auto")
    assert not ing.errors and len(ing.projects) == 1, ing.errors
    if line.startswith("113,"):
        close_to(ing.projects.geometry[0], 113, LAT, tol_m=1)
    else:
        close_to(ing.projects.geometry[0], tol_m=0.01)
    assert any("高程" in n for n in ing.notes) == altitude


def test_a_point_and_ring_number_before_gauss_kruger_xy() -> None:
    x, y = TO_4547.transform(LON, LAT)
    close_to(read_coordinates_text(f"J1,1,{y:.3f},{x + 38e6:.3f}", "auto").projects.geometry[0], tol_m=0.01)


def test_too_many_numbers_and_scientific_notation() -> None:
    ing = read_coordinates_text(f"1,2,{LON},{LAT},50,60", "auto")
    assert "无法确定" in ing.errors[0].problem_zh
    x, y = TO_4547.transform(LON, LAT)
    close_to(read_coordinates_text(f"{y:.6e},{x + 38e6:.7e}", "auto").projects.geometry[0], tol_m=5)


def test_row_numbers_are_file_lines() -> None:
    ing = read_coordinates_text(f"\r\n{LON},{LAT}\r\n\r\n\r\nabc\r\n\x1c{LON},{LAT}\x85\n1131.4,27.6\n", "auto")
    assert [e.row for e in ing.errors] == [5, 7]


def test_degrees_and_metres_blocks_are_told_apart() -> None:
    x, y = TO_4547.transform(LON, LAT)
    ing = read_coordinates_text(f"{LON},{LAT}\n\n{y:.3f},{x:.3f}\n", "auto")
    assert len(ing.projects) == 2 and not ing.errors
    for g in ing.projects.geometry:
        close_to(g, tol_m=0.5)


def test_a_table_pasted_from_excel_is_read_as_a_table() -> None:
    ing = read_coordinates_text(f"名称\t经度\t纬度\t行业\n甲\t{LON}\t{LAT}\t新材料\n乙\t{LON}\t{LAT}\t物流\n", "auto")
    assert list(ing.projects["name"]) == ["甲", "乙"] and list(ing.projects["ptype"]) == ["新材料", "物流"]


def test_no_scientific_notation_in_messages() -> None:
    ing = read_coordinates_text("3851200000000,27.6", "auto")
    assert ing.errors and "e+" not in str(ing.errors[0])
