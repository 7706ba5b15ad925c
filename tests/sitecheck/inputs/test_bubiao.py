"""The 部标 界址点坐标 TXT: rings, holes, zone from 带号 or the easting prefix."""

from __future__ import annotations

import geopandas as gpd
import pytest

from lukou_geo.sitecheck.inputs import read_bytes
from tests.sitecheck.inputs.helpers import close_to, square_4547


def _bubiao(prefix: bool, with_zone: bool = True) -> str:
    sq = square_4547()
    hole = square_4547(200)
    lines = ["[属性描述]", "格式版本号=1.01", "坐标系=2000国家大地坐标系", "几度分带=3", "投影类型=高斯克吕格", "计量单位=米"]
    if with_zone:
        lines.append("带号=38")
    lines.append("[地块坐标]")
    off = 38e6 if prefix else 0
    for k, (name, use) in enumerate([("一号地块", "工业用地"), ("二号地块", "住宅用地")], start=1):
        shift = 0 if k == 1 else 3000
        outer = [(y, x + off + shift) for x, y in sq.exterior.coords]
        inner = [(y, x + off + shift) for x, y in hole.exterior.coords]
        lines.append(f"{len(outer) + len(inner)},100.0,{k},{name},面,,{use},,@")
        lines += [f"J{i},1,{n:.3f},{e:.3f}" for i, (n, e) in enumerate(outer, 1)]
        lines += [f"J{i},2,{n:.3f},{e:.3f}" for i, (n, e) in enumerate(inner, 1)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("prefix,with_zone", [(True, True), (False, True), (True, False)])
def test_bubiao_txt(prefix: bool, with_zone: bool) -> None:
    ing = read_bytes(_bubiao(prefix, with_zone).encode("gbk"), "界址点.txt")
    assert list(ing.projects["name"]) == ["一号地块", "二号地块"] and not ing.errors
    assert list(ing.projects["ptype"]) == ["工业用地", "住宅用地"]
    g = ing.projects.geometry[0]
    assert len(g.interiors) == 1  # ring 2 is a hole
    area = gpd.GeoSeries([g], crs="EPSG:4326").to_crs("EPSG:4547").area[0]
    assert area == pytest.approx(1e6 - 4e4, rel=1e-4)


def test_bubiao_without_zone_or_prefix_assumes_zone_38_with_a_note() -> None:
    ing = read_bytes(_bubiao(False, False).encode("utf-8"), "b.txt")
    assert ing.notes and "38" in ing.notes[0]
    close_to(ing.projects.geometry[0], tol_m=1)


def _ring(side: float, ring: int) -> list[str]:
    sq = square_4547(side)
    return [f"J{i},{ring},{n:.3f},{e + 38e6:.3f}" for i, (e, n) in enumerate(sq.exterior.coords, 1)]


def _file(points: list[str], cs: str = "2000国家大地坐标系", head: str = "10,1.0,1,甲,面,,工业用地,,@") -> bytes:
    return "\n".join(["[属性描述]", f"坐标系={cs}", "几度分带=3", "带号=38", "[地块坐标]", head, *points]).encode("gbk")


def _area(g) -> float:
    return gpd.GeoSeries([g], crs="EPSG:4326").to_crs("EPSG:4547").area[0]


def test_the_ring_number_decides_the_outer_ring_not_the_order() -> None:
    ing = read_bytes(_file(_ring(200, 2) + _ring(1000, 1)), "b.txt")  # 圈号 2 listed first was made the outer ring
    g = ing.projects.geometry[0]
    assert not ing.errors and len(g.interiors) == 1 and _area(g) == pytest.approx(1e6 - 4e4, rel=1e-4)


def test_a_ring_of_two_points_is_an_error_not_a_lost_hole() -> None:
    ing = read_bytes(_file([*_ring(1000, 1), "J1,2,3066000,38512000", "J2,2,3066000,38512100"]), "b.txt")
    assert not len(ing.projects) and "圈号 2" in ing.errors[0].problem_zh and ing.errors[0].row == 6


@pytest.mark.parametrize("bad", ["nan", "inf", "-inf"])
def test_non_finite_coordinates_are_row_errors(bad: str) -> None:
    pts = _ring(1000, 1)
    pts[1] = pts[1].split(",")[0] + f",1,{bad},38512000"
    ing = read_bytes(_file(pts), "b.txt")
    assert not len(ing.projects) and ing.errors[0].row == 8 and "有限数值" in ing.errors[0].problem_zh


@pytest.mark.parametrize("cs,epsg", [("80西安坐标系", 2383), ("54北京坐标系", 2435)])
def test_the_declared_datum_is_converted_from(cs: str, epsg: int) -> None:
    from pyproj import Transformer

    ing = read_bytes(_file(_ring(1000, 1), cs=cs), "b.txt", crs="gk-cm:114")
    c = ing.projects.geometry[0].centroid
    x, y = square_4547(1000).centroid.coords[0]
    lon, lat = Transformer.from_crs(f"EPSG:{epsg}", "EPSG:4326", always_xy=True).transform(x, y)
    close_to(c, lon, lat, tol_m=0.5)
    assert any(f"EPSG:{epsg}" in n for n in ing.notes) and any("未采用所选" in n for n in ing.notes)


def test_an_unknown_coordinate_system_is_refused_with_the_fix() -> None:
    from lukou_geo.errors import InputError

    with pytest.raises(InputError, match="无法识别") as err:
        read_bytes(_file(_ring(1000, 1), cs="地方独立坐标系"), "b.txt")
    assert "CGCS2000" in err.value.fix_zh


@pytest.mark.parametrize("coords_as", ["point", "line", "polygon"])
def test_the_bubiao_txt_keeps_its_rings_whatever_coordinate_lines_are_read_as(coords_as: str) -> None:
    """Issue 14.13: the choice of how pasted / coordinate TXT lines are read leaves the 部标 TXT's parcels alone."""
    ing = read_bytes(_bubiao(True).encode("gbk"), "界址点.txt", coords_as=coords_as)
    assert list(ing.projects.geom_type) == ["Polygon", "Polygon"] and not ing.errors
