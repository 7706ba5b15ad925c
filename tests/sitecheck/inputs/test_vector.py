"""Vector files written by GDAL (through pyogrio): GeoPackage, GeoJSON, zipped GBK Shapefile, KML/KMZ, DXF."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Polygon

from lukou_geo.errors import InputError
from lukou_geo.sitecheck.inputs import read_bytes, read_path
from tests.sitecheck.inputs.helpers import close_to, red_line_frame, square_4547, zip_dir


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
