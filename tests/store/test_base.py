"""The store interface on both backends: catalogue, versions, queries with known answers, tiles, restart."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from lukou_geo.errors import StoreError
from lukou_geo.store import kinds, open_store
from lukou_geo.store.base import TableFilter
from lukou_geo.store.importer import import_layer
from tests.store.layers import CODES, parcels, write


@pytest.fixture
def layer(store, tmp_path):
    """6 parcels of 10,000 m² (codes 0101, 0103, 0301, 0702, 0101, 0103) imported as ``dltb``."""
    gdf = parcels(3, 2)
    path = write(gdf, "gpkg", tmp_path / "in", crs="EPSG:4547")
    rep = import_layer(store, path, layer_id="dltb", user="测试员", tiles=False)
    return gdf, rep


def test_catalogue_and_provenance(store, layer):
    _gdf, rep = layer
    info = store.layer("dltb")
    assert [i.id for i in store.layers()] == ["dltb"]
    assert (info.kind, info.geometry, info.features, info.version) == ("dltb", "polygon", 6, 1)
    assert (info.source_file, info.source_crs, info.imported_by) == ("DLTB.gpkg", "EPSG:4547", "测试员")
    assert len(info.sha256) == 64 and info.imported_at.endswith("Z")
    assert info.data_year == 2022
    assert {f.name: f.standard for f in info.fields}["DLBM"] == "lk_code"
    assert rep.layer == info
    assert store.schema_version() >= 1


def test_unknown_layer_names_the_fix(store, layer):
    with pytest.raises(StoreError, match=r"nope.*dltb"):
        store.layer("nope")
    with pytest.raises(StoreError, match="nope"):
        store.table("nope")


def test_identify_known_parcel(store, layer):
    gdf, _ = layer
    lonlat = gdf.to_crs("EPSG:4326").geometry.iloc[4].centroid
    hits = store.identify(lonlat.x, lonlat.y)
    assert len(hits) == 1
    info, attrs = hits[0]
    assert info.id == "dltb"
    assert attrs["lk_fid"] == 5 and attrs["TBBH"] == "5" and attrs["DLMC"] == CODES[0][1]
    assert attrs["lk_area_m2"] == pytest.approx(10_000, abs=0.01)
    assert "geom" not in attrs and "geometry" not in attrs
    far = gdf.to_crs("EPSG:4326").total_bounds
    assert store.identify(float(far[2]) + 0.01, float(far[3]) + 0.01) == []


def test_identify_tolerance(store, layer):
    gdf, _ = layer
    import shapely

    from lukou_geo.crs import to_lonlat

    # 30 m east of the grid's east edge, level with the first row
    x = gdf.total_bounds[2] + 30
    pt = to_lonlat(shapely.Point(x, gdf.total_bounds[1] + 50))
    assert store.identify(pt.x, pt.y) == []
    assert [a["lk_fid"] for _, a in store.identify(pt.x, pt.y, tolerance_m=40)] == [3]
    assert store.identify(pt.x, pt.y, tolerance_m=20) == []


def test_table_pages_order_filters(store, layer):
    page, total = store.table("dltb", limit=4)
    assert total == 6 and page["lk_fid"].tolist() == [1, 2, 3, 4]
    page, total = store.table("dltb", offset=4, limit=4)
    assert page["lk_fid"].tolist() == [5, 6]
    page, _ = store.table("dltb", order="-lk_fid", limit=2)
    assert page["lk_fid"].tolist() == [6, 5]
    page, total = store.table("dltb", TableFilter(code_prefix="01"))
    assert total == 4 and set(page["lk_code"]) == {"0101", "0103"}
    page, total = store.table("dltb", TableFilter(text="乔木"))
    assert total == 1 and page["lk_fid"].tolist() == [3]
    page, total = store.table("dltb", TableFilter(equals=(("DLBM", "0702"),)))
    assert page["lk_fid"].tolist() == [4]
    with pytest.raises(StoreError, match="NOPE"):
        store.table("dltb", TableFilter(equals=(("NOPE", "1"),)))
    with pytest.raises(StoreError, match="字段"):
        store.table("dltb", order="nope")
    assert "geom" not in page.columns


def test_table_bbox_uses_the_index(store, layer):
    gdf, _ = layer
    ll = gdf.to_crs("EPSG:4326")
    c = ll.geometry.iloc[0].centroid
    page, total = store.table("dltb", TableFilter(bbox=(c.x - 1e-5, c.y - 1e-5, c.x + 1e-5, c.y + 1e-5)))
    assert page["lk_fid"].tolist() == [1] and total == 1


def test_class_stats_known_areas(store, layer):
    stats = store.class_stats("dltb")
    by = stats.set_index("lk_code")
    assert by.loc["0101", "count"] == 2 and by.loc["0103", "count"] == 2 and by.loc["0301", "count"] == 1
    assert by.loc["0101", "area_m2"] == pytest.approx(20_000, abs=0.05)
    assert by.loc["0101", "net_area_m2"] == pytest.approx(18_000, abs=0.05)  # KCXS 0.1: net of 田坎
    assert by.loc["0301", "net_area_m2"] == pytest.approx(10_000, abs=0.05)
    assert by.loc["0101", "tbdlmj_m2"] == pytest.approx(18_000)
    assert stats["area_m2"].is_monotonic_decreasing
    farmland = store.class_stats("dltb", TableFilter(code_prefix="01"))
    assert sorted(farmland["lk_code"]) == ["0101", "0103"]


def test_read_features(store, layer):
    gdf, _ = layer
    all_ = store.read_features("dltb")
    assert all_.crs.to_epsg() == 4326 and all_["lk_fid"].tolist() == [1, 2, 3, 4, 5, 6]
    from tests.store.layers import areas_m2

    assert np.allclose(areas_m2(all_), 10_000, atol=0.01)
    some = store.read_features("dltb", fids=[5, 2], columns=["DLBM"])
    assert some["lk_fid"].tolist() == [2, 5] and some["DLBM"].tolist() == ["0103", "0101"]
    farm = store.read_features("dltb", flt=TableFilter(code_prefix="0301"))
    assert farm["lk_fid"].tolist() == [3]
    c = gdf.to_crs("EPSG:4326").geometry.iloc[5].centroid
    box = store.read_features("dltb", bbox=(c.x - 1e-5, c.y - 1e-5, c.x + 1e-5, c.y + 1e-5))
    assert box["lk_fid"].tolist() == [6]
    assert len(store.read_features("dltb", fids=[])) == 0


def test_reimport_replaces_with_a_new_version(store, layer, tmp_path):
    gdf, _ = layer
    path = write(gdf.iloc[:2], "gpkg", tmp_path / "in2", crs="EPSG:4547")
    rep = import_layer(store, path, layer_id="dltb", user="李四", tiles=False)
    assert rep.layer.version == 2 and store.layer("dltb").features == 2
    assert store.table("dltb")[1] == 2
    hist = store.history("dltb")
    assert [h["action"] for h in hist] == ["import", "import"] and hist[0]["user"] == "李四"
    assert hist[0]["detail"]["version"] == 2


def test_remove(store, layer):
    store.remove_layer("dltb", "王五")
    assert store.layers() == []
    with pytest.raises(StoreError):
        store.remove_layer("dltb", "王五")
    assert store.history()[0]["action"] == "remove"
    with pytest.raises(StoreError, match="--user"):
        store.remove_layer("dltb", " ")


def test_store_survives_a_restart(store_url, tmp_path):
    gdf = parcels(2, 2)
    path = write(gdf, "shpzip", tmp_path / "in", crs="EPSG:4490")
    with open_store(store_url) as st:
        import_layer(st, path, layer_id="parcels", user="a", tiles=False)
    with open_store(store_url) as st:
        assert [i.id for i in st.layers()] == ["parcels"]
        assert st.table("parcels")[1] == 4
        assert st.schema_version() >= 1


def test_tiles_stored_and_served(store, tmp_path):
    gdf = parcels(3, 2)
    path = write(gdf, "gdb", tmp_path / "in", crs="EPSG:4490")
    info = import_layer(store, path, layer_id="tiled", user="a").layer
    meta = info.tiles
    assert meta["encoding"] == "gzip" and meta["count"] > 0
    assert (meta["minzoom"], meta["maxzoom"]) == (kinds.TILE_ZOOMS["dltb"][0],) * 2  # 6 parcels: one zoom (tiles.pyramid)
    assert meta["layer"] == "tiled" and meta["attributes"] == ["lk_code", "lk_code1"]
    c = gdf.to_crs("EPSG:4326").geometry.iloc[0].centroid
    from tests.store.test_tiles import xyz

    z, x, y = xyz(c.x, c.y, meta["maxzoom"])
    data = store.tile("tiled", z, x, y)
    assert data is not None and data[:2] == b"\x1f\x8b"
    assert store.tile("tiled", z, x, y, gzipped=False) == gzip.decompress(data)
    assert store.tile("tiled", meta["maxzoom"], 0, 0) is None
    with pytest.raises(StoreError):
        store.tile("nope", z, x, y)
