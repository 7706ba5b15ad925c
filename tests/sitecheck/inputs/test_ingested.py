"""What readers return: Ingested, merge, and the column matching shared by tables and attributes."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import Point

from lukou_geo.errors import InputError
from lukou_geo.sitecheck.inputs.ingested import NAME_COLUMNS, Ingested, merge, norm_col, pick


def _one(name: str) -> Ingested:
    gdf = gpd.GeoDataFrame({"name": [name], "ptype": [""], "source": ["f"]}, geometry=[Point(113.1, 27.6)], crs="EPSG:4326")
    return Ingested(gdf, [InputError("f", f"{name} 问题", "problem")], [f"{name} note"])


def test_merge_keeps_order_errors_and_notes() -> None:
    m = merge([_one("a"), Ingested.empty(), _one("b")])
    assert list(m.projects["name"]) == ["a", "b"] and m.projects.crs == "EPSG:4326"
    assert [e.problem_zh for e in m.errors] == ["a 问题", "b 问题"] and m.notes == ["a note", "b note"]
    assert len(merge([]).projects) == 0


def test_norm_col_and_pick() -> None:
    assert norm_col(" 经度(°) ") == "经度" and norm_col("Project_Name") == "projectname"
    assert pick({"Name": " 红线 ", "other": 1}, NAME_COLUMNS) == "红线"
    assert pick({"名称": None, "name": "nan"}, NAME_COLUMNS) == ""


def test_empty_is_an_ingested() -> None:
    e = Ingested.empty([InputError("f", "问题", "problem")], ["note"])
    assert isinstance(e, Ingested) and len(e.projects) == 0 and list(e.projects.columns) == ["name", "ptype", "source", "geometry"]
    assert e.projects.crs == "EPSG:4326" and e.notes == ["note"] and len(e.errors) == 1
    assert len(Ingested.empty_frame()) == 0
