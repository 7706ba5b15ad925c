"""The /lk/ routes through Starlette's TestClient, over a real GeoPackage store of synthetic (合成) layers with
the tiles its import built (:mod:`tests.demo_store`)."""

from __future__ import annotations

import gzip
import sqlite3

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from lukou_geo.map import basemaps
from lukou_geo.map.server import routes, tile_url
from tests.demo_store import DEMO_ORIGIN, DEMO_STEP, RecordingStore, demo_store_path, tile_keys


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return RecordingStore(demo_store_path(tmp_path_factory.mktemp("store")))


@pytest.fixture
def client(store):
    return TestClient(Starlette(routes=routes(lambda: store)))


def _a_tile(store, layer="dltb_demo", z=None):
    """A stored tile of the layer, at its last zoom unless ``z`` is given."""
    z = store.layer(layer).tiles["maxzoom"] if z is None else z
    return next(k for k in tile_keys(store, layer) if k[0] == z)


def test_tile_is_the_store_tile_gzipped_with_mvt_type_and_cache_headers(client, store):
    z, x, y = _a_tile(store)
    r = client.get(f"/lk/tiles/dltb_demo/{z}/{x}/{y}.pbf", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    assert r.headers["content-encoding"] == "gzip"
    assert "max-age" in r.headers["cache-control"] and r.headers["etag"]
    stored = store.tile("dltb_demo", z, x, y)
    assert stored[:2] == b"\x1f\x8b"  # stored as tippecanoe wrote it, gzipped, and sent as it is
    assert r.content == gzip.decompress(stored)  # httpx undoes the gzip
    raw = client.get(f"/lk/tiles/dltb_demo/{z}/{x}/{y}.pbf", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers and raw.content == store.tile("dltb_demo", z, x, y, gzipped=False)
    again = client.get(f"/lk/tiles/dltb_demo/{z}/{x}/{y}.pbf", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_tile_decodes_as_mvt_with_class_codes(client, store, tmp_path):
    import pyogrio

    z, x, y = _a_tile(store)
    data = client.get(f"/lk/tiles/dltb_demo/{z}/{x}/{y}.pbf").content
    f = tmp_path / "t.pbf"
    f.write_bytes(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)
    df = pyogrio.read_dataframe(str(f))  # GDAL's MVT driver reads one tile file
    assert "lk_code" in df.columns and len(df) > 0
    assert "lk_fid" not in df.columns  # a click asks the store (/lk/identify): a per-feature id would slow the tiles


def test_no_tile_is_204_and_unknown_layer_404(client):
    r = client.get("/lk/tiles/dltb_demo/3/0/0.pbf")
    assert r.status_code == 204 and r.content == b""
    r = client.get("/lk/tiles/nosuch/14/1/1.pbf")
    assert r.status_code == 404 and "nosuch" in r.text


@pytest.mark.parametrize(("path", "needle"), [
    ("/lk/tiles/dltb_demo/25/0/0.pbf", "z must lie in 0…24"),
    ("/lk/tiles/dltb_demo/2/4/0.pbf", "x must lie in 0…3"),
    ("/lk/tiles/dltb_demo/2/0/-1.pbf", "y must be a whole number"),
    ("/lk/tiles/dltb_demo/a/0/0.pbf", "z must be a whole number"),
    ("/lk/tiles/bad%20id/2/0/0.pbf", "layer id"),
    ("/lk/identify?lon=113&lat=x", "lat must be a number"),
    ("/lk/identify?lon=200&lat=27", "lon must lie in"),
    ("/lk/identify?lon=nan&lat=27", "lon must lie in"),
    ("/lk/identify?lat=27", "missing parameter lon"),
    ("/lk/identify?lon=113&lat=27&layers=a;b", "layer id"),
    ("/lk/labels?layer=dltb_demo&bbox=1,2,3", "bbox must be"),
    ("/lk/labels?layer=dltb_demo&bbox=113,27,113.5,27.5", "too large"),
    ("/lk/basemap/BAD/1/0/0", "basemap id"),
])
def test_bad_parameters_are_400_with_a_message(client, path, needle):
    r = client.get(path)
    assert r.status_code == 400, (path, r.status_code, r.text)
    assert needle in r.text


def test_identify_returns_every_layer_under_the_point_with_areas(client, store):
    # a point in parcel (7, 7): inside the red-line block too
    lon, lat = DEMO_ORIGIN[0] + 7.5 * DEMO_STEP, DEMO_ORIGIN[1] + 7.5 * DEMO_STEP
    r = client.get(f"/lk/identify?lon={lon}&lat={lat}&layers=dltb_demo,hx_demo")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    body = r.json()
    assert [lyr["id"] for lyr in body["layers"]] == ["dltb_demo", "hx_demo"]
    feat = body["layers"][0]["features"][0]
    assert feat["attributes"]["lk_fid"] == 7 * 12 + 7 + 1
    assert feat["attributes"]["DLBM"] == feat["attributes"]["lk_code"]
    m2 = feat["attributes"]["lk_area_m2"]
    assert feat["area_m2"] == pytest.approx(m2) and feat["area_ha"] == pytest.approx(m2 / 1e4, abs=1e-4)
    assert feat["area_mu"] == pytest.approx(m2 / 1e4 * 15, abs=1e-3)
    only = client.get(f"/lk/identify?lon={lon}&lat={lat}&layers=hx_demo").json()
    assert [lyr["id"] for lyr in only["layers"]] == ["hx_demo"]
    assert client.get("/lk/identify?lon=100&lat=20").json()["layers"] == []


def test_labels_of_a_small_view(client):
    w, s = DEMO_ORIGIN
    r = client.get(f"/lk/labels?layer=dltb_demo&bbox={w},{s},{w + 0.01},{s + 0.01}")
    body = r.json()
    assert r.status_code == 200 and not body["truncated"]
    assert 4 <= len(body["labels"]) <= 16 and body["labels"][0][2] == "0101"


def test_routes_are_read_only(client):
    for method in ("post", "put", "delete", "patch"):
        r = getattr(client, method)("/lk/tiles/dltb_demo/14/0/0.pbf")
        assert r.status_code == 405, method
        assert getattr(client, method)("/lk/identify?lon=1&lat=1").status_code == 405
    assert client.get("/lk/nothing").status_code == 404


def test_no_store_configured_is_404(store):
    c = TestClient(Starlette(routes=routes(lambda: None)))
    assert c.get("/lk/tiles/dltb_demo/14/0/0.pbf").status_code == 404
    assert c.get("/lk/identify?lon=113&lat=27").status_code == 404


def test_tile_url_carries_the_layer_version(store):
    assert tile_url(store.layer("dltb_demo")) == "/lk/tiles/dltb_demo/{z}/{x}/{y}.pbf?v=1"


def _mbtiles(path, tiles, fmt="png"):
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE metadata (name text, value text)")
    con.execute("CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)")
    con.executemany("INSERT INTO metadata VALUES (?, ?)", [("name", "局影像 合成"), ("format", fmt), ("minzoom", "10"),
                                                           ("maxzoom", "12"), ("bounds", "112.9,27.2,113.4,27.8"),
                                                           ("attribution", "© 渌口区自然资源局 (合成)")])
    con.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)", [(z, x, (1 << z) - 1 - y, d) for (z, x, y), d in tiles.items()])
    con.commit()
    con.close()


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")  # a PNG header is enough here


def test_registered_mbtiles_basemap_is_served(tmp_path, monkeypatch, client):
    monkeypatch.setenv("LUKOU_DATA_DIR", str(tmp_path / "var"))
    src = tmp_path / "imagery.mbtiles"
    _mbtiles(src, {(11, 1667, 847): PNG})
    info = basemaps.register_basemap(src, user="admin")
    assert (info.id, info.format, info.minzoom, info.maxzoom) == ("imagery", "png", 10, 12)
    assert info.title == "局影像 合成" and info.registered_by == "admin" and len(info.sha256) == 64
    assert [b.id for b in basemaps.list_basemaps()] == ["imagery"]
    r = client.get("/lk/basemap/imagery/11/1667/847")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png" and r.content == PNG
    assert client.get("/lk/basemap/imagery/11/1667/848").status_code == 204
    assert client.get("/lk/basemap/nosuch/11/1/1").status_code == 404


def test_registered_pmtiles_basemap_is_served(tmp_path, monkeypatch, client):
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import write

    monkeypatch.setenv("LUKOU_DATA_DIR", str(tmp_path / "var"))
    src = tmp_path / "vec.pmtiles"
    with write(str(src)) as w:
        w.write_tile(zxy_to_tileid(12, 3335, 1695), PNG)
        w.finalize({"tile_type": TileType.PNG, "tile_compression": Compression.NONE, "min_zoom": 12, "max_zoom": 12,
                    "min_lon_e7": int(112.9e7), "min_lat_e7": int(27.2e7), "max_lon_e7": int(113.4e7),
                    "max_lat_e7": int(27.8e7), "center_zoom": 12, "center_lon_e7": int(113.1e7),
                    "center_lat_e7": int(27.6e7)}, {"name": "PMTiles 合成"})
    info = basemaps.register_basemap(src, user="admin", basemap_id="pm")
    assert info.container == "pmtiles" and info.bounds[0] == pytest.approx(112.9)
    assert client.get("/lk/basemap/pm/12/3335/1695").content == PNG
    assert client.get("/lk/basemap/pm/12/0/0").status_code == 204


def test_a_broken_geotiff_or_garbage_is_refused_with_the_fix(tmp_path, monkeypatch):
    from lukou_geo.errors import BasemapError

    monkeypatch.setenv("LUKOU_DATA_DIR", str(tmp_path / "var"))
    tif = tmp_path / "dom.tif"
    tif.write_bytes(b"II*\x00")  # GeoTIFFs are converted (tests/map/test_basemaps_geotiff.py): a broken one is named
    with pytest.raises(BasemapError, match=r"dom\.tif cannot be read as a GeoTIFF"):
        basemaps.register_basemap(tif, user="admin")
    with pytest.raises(BasemapError, match=r"\.mbtiles, \.pmtiles or GeoTIFF"):
        basemaps.register_basemap(tmp_path / "dom.ecw", user="admin")
    bad = tmp_path / "bad.mbtiles"
    bad.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(BasemapError, match="MBTiles"):
        basemaps.register_basemap(bad, user="admin")
    assert basemaps.list_basemaps() == []
