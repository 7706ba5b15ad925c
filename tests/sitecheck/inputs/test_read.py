"""The entry points: size limit of an upload, dispatch of a shared suffix by content, a missing file."""

from __future__ import annotations

import pytest

from lukou_geo.errors import InputError
from lukou_geo.sitecheck.inputs import read_bytes, read_path
from tests.sitecheck.inputs.helpers import CSV_TEXT


def test_upload_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUKOU_MAX_UPLOAD_MB", "0.001")
    with pytest.raises(InputError, match="文件超过大小上限"):
        read_bytes(CSV_TEXT.encode() * 100, "big.csv")


def test_txt_goes_to_the_format_its_text_is_in() -> None:
    coords = read_bytes(b"113.1475,27.605\n", "pts.txt")
    assert list(coords.projects["name"]) == ["pts"]  # coordinate text: projects named after the file
    with pytest.raises(InputError, match=r"\[地块坐标\] 中没有地块"):
        read_bytes("[属性描述]\n带号=38\n".encode("gbk"), "b.txt")  # a 部标 file, by its section


def test_read_path_of_a_missing_file(tmp_path) -> None:
    with pytest.raises(InputError, match="文件不存在"):
        read_path(tmp_path / "none.csv")


def test_a_drawn_project_far_from_the_district_is_refused() -> None:
    from lukou_geo.sitecheck.inputs import project_from_geojson

    assert len(project_from_geojson({"type": "Point", "coordinates": [113.1475, 27.605]}, "甲").projects) == 1
    with pytest.raises(InputError, match="超过 50 km"):
        project_from_geojson({"type": "Point", "coordinates": [116.39, 39.9]}, "北京")


def test_a_coordinate_txt_is_points_unless_a_polygon_is_asked_for(tmp_path) -> None:
    """Issue 14.13: a .txt of coordinate lines reads as the pasted lines do: points, or the shape asked for."""
    data = b"113.14,27.60\n113.15,27.60\n113.15,27.61\n"
    assert list(read_bytes(data, "pts.txt").projects.geom_type) == ["Point"] * 3
    assert list(read_bytes(data, "pts.txt", coords_as="polygon").projects.geom_type) == ["Polygon"]
    (tmp_path / "pts.txt").write_bytes(data)
    assert list(read_path(tmp_path / "pts.txt", coords_as="line").projects.geom_type) == ["LineString"]
    assert list(read_bytes(b"name,lon,lat\na,113.14,27.60\n", "t.csv", coords_as="polygon").projects.geom_type) == ["Point"]
