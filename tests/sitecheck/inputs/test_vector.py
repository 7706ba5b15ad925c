"""Vector files written by GDAL (through pyogrio): GeoPackage, GeoJSON, zipped GBK Shapefile, KML/KMZ, DXF."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Polygon

from lukou_geo.errors import InputError
from lukou_geo.sitecheck.inputs import read_bytes, read_path
from tests.sitecheck.inputs.helpers import LAT, LON, TO_4547, close_to, red_line_frame, square_4547, windows_zip, zip_dir


@pytest.mark.parametrize("crs", ["EPSG:4547", "EPSG:4490", "EPSG:4326"])
def test_gpkg_in_crs(tmp_path: Path, crs: str) -> None:
    path = tmp_path / "p.gpkg"
    red_line_frame(crs).to_file(path, driver="GPKG", engine="pyogrio")
    ing = read_path(path)
    assert list(ing.projects["name"]) == ["红线地块"] and list(ing.projects["ptype"]) == ["新材料"]
    close_to(ing.projects.geometry[0], tol_m=0.5)


def test_geojson(tmp_path: Path) -> None:
    path = tmp_path / "p.geojson"
    red_line_frame().to_file(path, driver="GeoJSON", engine="pyogrio")
    close_to(read_path(path).projects.geometry[0], tol_m=0.5)


@pytest.mark.parametrize("cpg", [True, False])
@pytest.mark.parametrize("crs", ["EPSG:4547", "EPSG:4490"])
def test_gbk_shapefile_zip(tmp_path: Path, cpg: bool, crs: str) -> None:
    folder = tmp_path / "shp"
    folder.mkdir()
    red_line_frame(crs).to_file(folder / "红线.shp", engine="pyogrio", encoding="GBK")
    raw = (folder / "红线.dbf").read_bytes()
    assert "红线地块".encode("gbk") in raw  # really GBK on disk
    data = zip_dir(folder, skip=() if cpg else (".cpg",))
    ing = read_bytes(data, "红线.zip")
    assert list(ing.projects["name"]) == ["红线地块"], ing.projects["name"]
    close_to(ing.projects.geometry[0], tol_m=0.5)


def test_shapefile_without_prj_uses_chosen_crs(tmp_path: Path) -> None:
    folder = tmp_path / "shp"
    folder.mkdir()
    red_line_frame("EPSG:4547").to_file(folder / "p.shp", engine="pyogrio")
    data = zip_dir(folder, skip=(".prj",))
    with pytest.raises(InputError, match=r"缺少 \.prj"):
        read_bytes(data, "p.zip")
    close_to(read_bytes(data, "p.zip", crs="gk-cm:114").projects.geometry[0], tol_m=0.5)


def test_kml_and_kmz(tmp_path: Path) -> None:
    path = tmp_path / "p.kml"
    gdf = red_line_frame().rename(columns={"名称": "Name"})
    gdf.to_file(path, driver="KML", engine="pyogrio")
    ing = read_path(path)
    assert list(ing.projects["name"]) == ["红线地块"]
    close_to(ing.projects.geometry[0], tol_m=0.5)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.write(path, "doc.kml")
    close_to(read_bytes(buf.getvalue(), "p.kmz").projects.geometry[0], tol_m=0.5)


def test_dxf_closed_polyline_is_a_red_line(tmp_path: Path) -> None:
    path = tmp_path / "p.dxf"
    sq = square_4547()
    gpd.GeoDataFrame(geometry=[LineString(sq.exterior.coords), LineString([(0, 0), (1, 1)])]).to_file(path, driver="DXF", engine="pyogrio")
    with pytest.raises(InputError, match="DXF 文件不记录坐标系"):
        read_path(path)
    ing = read_path(path, crs="gk-cm:114")
    assert ing.projects.geom_type[0] == "Polygon"
    close_to(ing.projects.geometry[0], tol_m=0.5)


def test_invalid_polygon_is_repaired_with_a_note(tmp_path: Path) -> None:
    bow = Polygon([(113.14, 27.60), (113.15, 27.61), (113.15, 27.60), (113.14, 27.61)])
    path = tmp_path / "bow.geojson"
    gpd.GeoDataFrame({"name": ["bow"]}, geometry=[bow], crs="EPSG:4326").to_file(path, engine="pyogrio")
    ing = read_path(path)
    assert ing.projects.geometry[0].is_valid and any("修复" in n for n in ing.notes)


def _gj(tmp_path: Path, name: str, fc: dict) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(fc), encoding="utf-8")
    return path


def _fc(*geoms: dict, crs: str | None = None) -> dict:
    fc: dict = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"name": f"f{i}"}, "geometry": g} for i, g in enumerate(geoms)],
    }
    if crs:
        fc["crs"] = {"type": "name", "properties": {"name": crs}}
    return fc


PT = {"type": "Point", "coordinates": [LON, LAT]}


@pytest.mark.parametrize("crs", ["gcj02", "bd09", "gk-cm:114"])
def test_a_crs_choice_does_not_apply_to_geojson(tmp_path: Path, crs: str) -> None:
    ing = read_path(_gj(tmp_path, "p.geojson", _fc(PT)), crs)  # gcj02 was applied: 300 m off
    close_to(ing.projects.geometry[0], tol_m=0.01)
    assert any("未采用所选" in n for n in ing.notes) and any("所用坐标系 WGS-84" in n for n in ing.notes)


def test_a_geojson_in_metres_without_crs_needs_the_choice(tmp_path: Path) -> None:
    x, y = TO_4547.transform(LON, LAT)
    path = _gj(tmp_path, "m.geojson", _fc({"type": "Point", "coordinates": [x, y]}))
    with pytest.raises(InputError, match="坐标为米制") as err:
        read_path(path)  # GDAL labels it EPSG:4326: it could never be read
    assert "gk-cm:114" in err.value.fix_zh and "?." not in str(err.value)
    close_to(read_path(path, "gk-cm:114").projects.geometry[0], tol_m=0.01)


def test_a_declared_crs_must_fit_the_values(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="坐标像是经纬度"):
        read_path(_gj(tmp_path, "d.geojson", _fc(PT, crs="urn:ogc:def:crs:EPSG::4547")))


@pytest.mark.parametrize("code,datum", [(4214, "Beijing 1954"), (4610, "Xian 1980")])
def test_other_geographic_datums_are_converted_and_noted(tmp_path: Path, code: int, datum: str) -> None:
    ing = read_path(_gj(tmp_path, "d.geojson", _fc(PT, crs=f"urn:ogc:def:crs:EPSG::{code}")))  # were read as WGS-84 silently
    assert any(datum in n and "零偏移" in n for n in ing.notes)


def test_one_bad_feature_does_not_lose_the_file(tmp_path: Path) -> None:
    sq = [list(c) for c in square_4547(400).exterior.coords]
    ring = [list(TO_4547.transform(x, y, direction="INVERSE")) for x, y in sq][:-1]  # not closed
    ing = read_path(_gj(tmp_path, "u.geojson", _fc({"type": "Polygon", "coordinates": [ring]}, PT)))  # was a GEOSException traceback
    assert len(ing.projects) == 2 and any("环未闭合" in n for n in ing.notes)
    ing = read_path(_gj(tmp_path, "s.geojson", _fc({"type": "Point", "coordinates": ["a", "b"]}, PT)))  # GDAL refuses the file whole
    assert len(ing.projects) == 1 and "无法解析" in ing.errors[0].problem_zh


def test_kml_nan_and_two_point_polygons(tmp_path: Path) -> None:
    head = '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
    pm = "<Placemark><name>{}</name>{}</Placemark>"
    body = pm.format("nan", "<Point><coordinates>nan,nan</coordinates></Point>")  # was placed at (0, 0)
    body += pm.format(
        "two",
        f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{LON},{LAT} {LON + 0.01},{LAT}</coordinates></LinearRing></outerBoundaryIs></Polygon>",
    )
    body += pm.format("ok", f"<Point><coordinates>{LON},{LAT}</coordinates></Point>")
    path = tmp_path / "p.kml"
    path.write_text(head + body + "</Document></kml>", encoding="utf-8")
    ing = read_path(path)
    assert list(ing.projects["name"]) == ["ok"]
    assert ["nan,nan" in ing.errors[0].problem_zh, "面积为零" in ing.errors[1].problem_zh] == [True, True]


def test_a_kmz_reads_every_kml_and_a_zip_every_vector_file(tmp_path: Path) -> None:
    kml_path = tmp_path / "doc.kml"
    red_line_frame().rename(columns={"名称": "Name"}).to_file(kml_path, driver="KML", engine="pyogrio")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.write(kml_path, "doc.kml")
        zf.write(kml_path, "more/second.kml")
    assert len(read_bytes(buf.getvalue(), "p.kmz").projects) == 2
    folder = tmp_path / "shp"
    folder.mkdir()
    red_line_frame("EPSG:4547").to_file(folder / "p.shp", engine="pyogrio")
    (folder / "q.geojson").write_text(json.dumps(_fc(PT)), encoding="utf-8")
    (folder / "readme.pdf").write_bytes(b"%PDF")
    ing = read_bytes(zip_dir(folder), "p.zip")
    assert len(ing.projects) == 2 and any("readme.pdf" in n for n in ing.notes)


def test_no_question_mark_before_the_fix(tmp_path: Path) -> None:
    head = '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
    path = tmp_path / "m.kml"
    path.write_text(head + "<Placemark><Point><coordinates>512000,3066000</coordinates></Point></Placemark></Document></kml>", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_path(path)
    assert "?." not in str(err.value) and "超出范围" in str(err.value)


@pytest.mark.parametrize("utf8_flag", [False, True])
def test_windows_zip_with_gbk_member_names(tmp_path: Path, utf8_flag: bool) -> None:
    """Member names in GBK (Windows' zip of a planner's folder): the rows and the errors name them in Chinese."""
    folder = tmp_path / "shp"
    folder.mkdir()
    red_line_frame("EPSG:4547").to_file(folder / "p.shp", engine="pyogrio", encoding="GBK")
    files = {f"南洲红线/红线地块{p.suffix}": p.read_bytes() for p in folder.iterdir()}
    ing = read_bytes(windows_zip(files, utf8_flag=utf8_flag), "红线.zip")
    assert list(ing.projects["name"]) == ["红线地块"]
    assert list(ing.projects["source"]) == ["红线.zip/南洲红线/红线地块.shp 第1个要素"]
    del files["南洲红线/红线地块.prj"]
    with pytest.raises(InputError, match=r"^红线\.zip/南洲红线/红线地块\.shp:Shapefile 缺少 \.prj"):
        read_bytes(windows_zip(files, utf8_flag=utf8_flag), "红线.zip")
