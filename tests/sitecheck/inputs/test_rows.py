"""The checks every row passes on its way to a project (Collector), and the numbers in messages."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon

from lukou_geo.errors import InputError
from lukou_geo.sitecheck.inputs.rows import Collector, GeometryProblem, Where, clean_geometry, num
from tests.sitecheck.inputs.helpers import LAT, LON

SQ = Polygon([(LON, LAT), (LON + 0.01, LAT), (LON + 0.01, LAT + 0.01), (LON, LAT + 0.01)])


def _finish(rows: Collector):
    return rows.finish(lambda _t, arr: arr, lambda w: f"row {w.row}")


def test_num_never_writes_scientific_notation() -> None:
    assert num(38512000.0) == "38512000" and num(3.8512e7) == "38512000" and num(113.14750000) == "113.1475" and num(0.0) == "0"
    assert "e" not in num(1e20) and num(float("nan")) == "nan"


@pytest.mark.parametrize(
    "geom,words",
    [
        (None, "没有几何"),
        (Point(), "没有几何"),
        (Point(np.nan, 27.6), "NaN"),
        (Polygon([(LON, LAT), (LON + 0.01, LAT), (LON + 0.02, LAT)]), "面积为零"),
        (Polygon([(LON, LAT), (LON + 0.01, LAT), (LON, LAT)]), "面积为零"),
        (LineString([(LON, LAT), (LON, LAT)]), "长度为零"),
    ],
)
def test_geometries_that_cannot_be_projects(geom, words: str) -> None:
    with pytest.raises(GeometryProblem) as err:
        clean_geometry(geom)
    assert words in err.value.texts[0]


def test_an_invalid_polygon_stays_a_polygon_with_a_note() -> None:
    bow = Polygon([(LON, LAT), (LON + 0.01, LAT + 0.01), (LON + 0.01, LAT), (LON, LAT + 0.01)])
    g, note = clean_geometry(bow)
    assert g.geom_type == "MultiPolygon" and g.is_valid and note and "Self-intersection" in note[0]
    spike = Polygon([(LON, LAT), (LON + 0.01, LAT), (LON + 0.02, LAT), (LON + 0.01, LAT), (LON + 0.01, LAT + 0.01), (LON, LAT + 0.01)])
    g, note = clean_geometry(spike)
    assert g.geom_type == "Polygon" and g.area == pytest.approx(1e-4) and note


def test_name_and_type_length_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUKOU_MAX_NAME_CHARS", "5")
    rows = Collector("f.csv")
    assert rows.add(Point(LON, LAT), Where(row=2), "名" * 5)
    assert not rows.add(Point(LON, LAT), Where(row=3), "名" * 6)
    assert not rows.add(Point(LON, LAT), Where(row=4), "甲", "类" * 6)
    ing = _finish(rows)
    assert list(ing.projects["name"]) == ["名" * 5]
    assert [(e.row, e.problem_zh[:3]) for e in ing.errors] == [(3, "名称长"), (4, "类型长")]


def test_vertex_limits_hold_before_anything_else(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUKOU_MAX_VERTICES", "4")
    rows = Collector("f.geojson")
    rows.add(SQ, Where(feature=1))  # 5 vertices
    rows.add(Point(LON, LAT), Where(feature=2))

    def convert(_t, arr):
        assert len(arr) == 1  # the refused geometry is never converted
        return arr

    ing = rows.finish(convert, lambda w: "x")
    assert len(ing.projects) == 1 and "5 个顶点" in ing.errors[0].problem_zh and "LUKOU_MAX_VERTICES" in ing.errors[0].fix_zh
    monkeypatch.setenv("LUKOU_MAX_VERTICES", "100")
    monkeypatch.setenv("LUKOU_MAX_TOTAL_VERTICES", "5")
    rows = Collector("f.geojson")
    rows.add(SQ, Where(feature=1))
    rows.add(Point(LON, LAT), Where(feature=2))
    with pytest.raises(InputError, match="共 6 个顶点"):
        _finish(rows)


def test_out_of_range_after_conversion_and_far_from_the_district() -> None:
    rows = Collector("f.txt")
    rows.add(Point(LON, LAT), Where(row=1))
    rows.add(Point(LON, 95), Where(row=2))
    rows.add(Point(116.39, 39.9), Where(row=3))
    rows.add(shapely.box(-180, -90, 180, 90), Where(row=4))
    ing = _finish(rows)
    assert len(ing.projects) == 1 and list(ing.projects["source"]) == ["f.txt 第1行"]
    assert [e.row for e in ing.errors] == [2, 3, 4]  # in file order
    assert "超出范围" in ing.errors[0].problem_zh and "距渌口区约" in ing.errors[1].problem_zh and "伸出渌口区" in ing.errors[2].problem_zh


def test_rows_converted_by_tag_and_kept_in_order() -> None:
    rows = Collector("f.csv")
    for i in range(4):
        rows.add(Point(LON + i * 1e-3, LAT), Where(row=i + 2), f"p{i}", tag=i % 2)
    seen = []

    def convert(tag, arr):
        seen.append((tag, len(arr)))
        return arr

    ing = rows.finish(convert, lambda w: "x")
    assert seen == [(0, 2), (1, 2)] and list(ing.projects["name"]) == ["p0", "p1", "p2", "p3"]
