"""Exports round-trip: export → read back → the same geometry within 1 mm and the same attributes."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from lukou_geo.crs import to_metric
from lukou_geo.errors import ExportError
from lukou_geo.store._sitecheck import read_bubiao_txt
from lukou_geo.store.base import TableFilter
from lukou_geo.store.export import bubiao_text, export_frame, export_layer, shp_field_names
from lukou_geo.store.importer import import_layer
from tests.store.layers import ORIGIN, parcels, write


def _metric(gdf: gpd.GeoDataFrame) -> np.ndarray:
    return to_metric(gdf.to_crs("EPSG:4326").geometry.values)


def _text(v: object) -> str | None:
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)


def _same_geometry(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame, tol: float = 1e-3) -> None:
    assert len(a) == len(b)
    for ga, gb in zip(_metric(a), _metric(b), strict=True):
        assert shapely.hausdorff_distance(ga, gb) < tol


@pytest.fixture
def stored(store, tmp_path):
    gdf = parcels(3, 2)
    gdf["长字段名称说明"] = "合成"  # a Chinese field name longer than a .dbf allows
    path = write(gdf, "gpkg", tmp_path / "in", crs="EPSG:4547")
    import_layer(store, path, layer_id="dltb", user="t", tiles=False)
    return store, store.read_features("dltb")


def test_shapefile_round_trip(stored, tmp_path):
    store, ref = stored
    out = export_layer(store, "dltb", "shp", tmp_path / "out.zip")
    names = zipfile.ZipFile(out).namelist()
    assert {"dltb.shp", "dltb.dbf", "dltb.shx", "dltb.prj", "dltb.cpg", "字段对照.csv"} <= set(names)
    assert zipfile.ZipFile(out).read("dltb.cpg").decode().strip().upper() in ("GBK", "936", "CP936")
    back = pyogrio.read_dataframe(out)
    _same_geometry(back, ref)
    fields = shp_field_names([c for c in ref.columns if c != "geometry"])
    for col, short in fields.items():
        if pd.api.types.is_numeric_dtype(ref[col]):
            assert np.allclose(back[short].astype(float), ref[col].astype(float), equal_nan=True), col
        else:
            assert [_text(v) for v in back[short]] == [_text(v) for v in ref[col]], col
    assert fields["长字段名称说明"] == "长字段名称" and fields["lk_repaired"] == "lk_repair"
    # a GBK shapefile without .cpg still reads: the importer detects GBK
    assert back["DLMC"].tolist()[0] == "水田"


def test_geopackage_round_trip(stored, tmp_path):
    store, ref = stored
    out = export_layer(store, "dltb", "gpkg", tmp_path / "out.gpkg", crs="EPSG:4490")
    back = pyogrio.read_dataframe(out, layer="dltb")
    assert back.crs.to_epsg() == 4490
    _same_geometry(back, ref)
    for col in ref.columns:
        if col != "geometry":
            assert [_text(v) for v in back[col]] == [_text(v) for v in ref[col]], col


def test_kml_round_trip(stored, tmp_path):
    store, ref = stored
    out = export_layer(store, "dltb", "kml", tmp_path / "out.kml")
    back = pyogrio.read_dataframe(out)
    _same_geometry(back, ref)
    for col in ("DLBM", "DLMC", "TBBH", "ZLDWMC", "lk_code"):
        assert [str(v) for v in back[col]] == [str(v) for v in ref[col]], col
    assert np.allclose(back["lk_area_m2"].astype(float), ref["lk_area_m2"])


def test_dxf_round_trip(stored, tmp_path):
    store, ref = stored
    out = export_layer(store, "dltb", "dxf", tmp_path / "out.dxf")
    back = pyogrio.read_dataframe(out).set_crs("EPSG:4526", allow_override=True)
    _same_geometry(back, ref)
    assert back["Layer"].tolist() == ref["lk_code"].tolist()  # CAD layer = the class


def test_bubiao_round_trip_through_the_site_check_reader(stored, tmp_path):
    store, ref = stored
    out = export_layer(store, "dltb", "bubiao", tmp_path / "out.txt")
    text = out.read_bytes().decode("gbk")
    assert "带号=38" in text and "[地块坐标]" in text
    back = read_bubiao_txt(text, out.name)
    assert back.errors == []
    _same_geometry(back.projects.set_crs("EPSG:4326", allow_override=True), ref)
    assert back.projects["ptype"].tolist() == ref["lk_name"].tolist()


def test_bubiao_rings_clockwise_from_the_north_west_with_holes():
    x, y = ORIGIN
    outer = [(x, y), (x + 100, y), (x + 100, y + 100), (x, y + 100)]  # counter-clockwise, starts south-west
    hole = [(x + 20, y + 20), (x + 40, y + 20), (x + 40, y + 40), (x + 20, y + 40)]
    second = shapely.box(x + 300, y, x + 350, y + 50)
    geom = shapely.MultiPolygon([shapely.Polygon(outer, [hole]), second])
    gdf = gpd.GeoDataFrame({"lk_ref_name": ["甲,地块"], "lk_code": ["0601"], "lk_name": ["工业用地"]}, geometry=[geom], crs="EPSG:4547")
    text = bubiao_text(gdf)
    rows = [r.split(",") for r in text.splitlines() if r.startswith("J")]
    head = next(r for r in text.splitlines() if r.endswith("@"))
    assert head.split(",")[0] == str(len(rows)) and "甲、地块" in head  # point count includes closing points; no stray comma
    ring1 = [(float(r[3]) - 38e6, float(r[2])) for r in rows if r[1] == "1"]
    assert ring1[0] == pytest.approx((x, y + 100)) and ring1[0] == ring1[-1]  # north-west corner first, ring closed
    assert ring1[1] == pytest.approx((x + 100, y + 100))  # then east along the north edge: clockwise
    assert {r[1] for r in rows} == {"1", "2", "3"}
    assert [r[0] for r in rows if r[1] == "1"] == ["J1", "J2", "J3", "J4", "J1"]
    back = read_bubiao_txt(text, "x.txt").projects.set_crs("EPSG:4326", allow_override=True)
    assert shapely.area(_metric(back)[0]) == pytest.approx(geom.area, abs=0.01)


def test_selection_and_frames(stored, tmp_path):
    store, _ = stored
    out = export_layer(store, "dltb", "gpkg", tmp_path / "sel.gpkg", flt=TableFilter(code_prefix="01"))
    assert sorted(pyogrio.read_dataframe(out)["lk_code"]) == ["0101", "0101", "0103", "0103"]
    out = export_layer(store, "dltb", "gpkg", tmp_path / "fids.gpkg", fids=[2])
    assert pyogrio.read_dataframe(out)["lk_fid"].tolist() == [2]
    with pytest.raises(ExportError, match="没有符合条件"):
        export_layer(store, "dltb", "shp", tmp_path / "none.zip", fids=[999])
    red = gpd.GeoDataFrame({"name": ["红线一"]}, geometry=[shapely.box(113.13, 27.70, 113.131, 27.701)], crs="EPSG:4326")
    back = read_bubiao_txt(export_frame(red, "bubiao", tmp_path / "red.txt").read_bytes().decode("gbk"), "red.txt")
    assert back.projects["name"].tolist() == ["红线一"]
    with pytest.raises(ExportError, match="xlsx"):
        export_frame(red, "xlsx", tmp_path / "x.xlsx")
    with pytest.raises(ExportError, match="面"):
        export_frame(red.set_geometry([shapely.Point(113.13, 27.7)], crs="EPSG:4326"), "bubiao", tmp_path / "p.txt")
