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
