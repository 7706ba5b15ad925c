"""A GeoTIFF registered as a local basemap: converted to MBTiles by GDAL (rasterio), served by the app's
``/lk/basemap/`` route, with provenance; bad files refused by name, leaving the basemaps folder as it was.

The GeoTIFFs are small synthetic (合成) images over the district (:mod:`tests.geotiffs`): west half red,
east half blue (or a palette, or grey), in the CRSs planners receive.
"""

from __future__ import annotations

import io
import json
import sqlite3

import pytest
from PIL import Image
from starlette.applications import Starlette
from starlette.testclient import TestClient

from lukou_geo.__main__ import main
from lukou_geo.errors import BasemapError, LukouError, SettingsError
from lukou_geo.map import basemaps
from lukou_geo.map.server import routes
from tests.geotiffs import EAST, EAST_POINT, GREY, PALETTE, WEST, WEST_POINT, tile_of, write_geotiff


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LUKOU_DATA_DIR", str(tmp_path / "var"))
    return tmp_path / "var"


@pytest.fixture
def client():
    return TestClient(Starlette(routes=routes(lambda: None)))


def _colour(client, bid: str, lon: float, lat: float, z: int) -> tuple[int, int, int, int]:
    """The colour the app serves at (lon, lat) on zoom ``z`` of basemap ``bid``, decoded from the tile image."""
    x, y, px, py = tile_of(lon, lat, z)
    r = client.get(f"/lk/basemap/{bid}/{z}/{x}/{y}")
    assert r.status_code == 200, (z, x, y, r.status_code)
    assert r.headers["content-type"] == "image/png"
    img = Image.open(io.BytesIO(r.content))
    assert img.format == "PNG" and img.size == (256, 256)
    return img.convert("RGBA").getpixel((px, py))


def _folder_state(folder):
    return sorted((p.name, p.stat().st_size) for p in folder.iterdir()) if folder.exists() else None


def test_geotiff_in_cgcs2000_gk_is_converted_and_served_at_every_zoom(tmp_path, data_dir, client):
    tif = write_geotiff(tmp_path / "影像 合成.tif", "EPSG:4547", "rgb", size=1024)
    steps = []
    info = basemaps.register_basemap(tif, user="admin", basemap_id="dom", title="正射影像(合成)",
                                     attribution="渌口区自然资源局", progress=lambda f, m: steps.append((f, m)))
    assert (info.id, info.container, info.format, info.file) == ("dom", "mbtiles", "png", "dom.mbtiles")
    # 1024 px over 0.2° (≈ 20 m a pixel) is zoom 13 once in Web Mercator; overviews down to the district view
    assert (info.minzoom, info.maxzoom) == (10, 13)
    west, south, east, north = info.bounds
    assert west == pytest.approx(113.0, abs=0.01) and east == pytest.approx(113.2, abs=0.01)
    assert south == pytest.approx(27.4, abs=0.01) and north == pytest.approx(27.6, abs=0.01)
    # provenance: the GeoTIFF's name, sha256 and CRS, who and when
    import hashlib

    assert info.source_file == "影像 合成.tif" and info.sha256 == hashlib.sha256(tif.read_bytes()).hexdigest()
    assert info.source_crs == "EPSG:4547" and info.registered_by == "admin" and info.registered_at
    listed = json.loads((data_dir / "basemaps" / "basemaps.json").read_text(encoding="utf-8"))
    assert listed[0]["source_crs"] == "EPSG:4547" and listed[0]["source_file"] == "影像 合成.tif"
    assert basemaps.get_basemap("dom").attribution == "渌口区自然资源局"
    # progress reported, ending at 1
    assert steps[0][0] == 0.0 and steps[-1][0] == 1.0 and any("zoom 13" in m for _, m in steps)
    # every zoom level exists and shows the image's colours at known places, transparent outside it
    for z in range(10, 14):
        assert _colour(client, "dom", *WEST_POINT, z)[:3] == WEST
        assert _colour(client, "dom", *EAST_POINT, z)[:3] == EAST
    x, y, _, _ = tile_of(*WEST_POINT, 10)  # the image covers part of its zoom-10 tile: the rest is transparent
    alpha = Image.open(io.BytesIO(client.get(f"/lk/basemap/dom/10/{x}/{y}").content)).convert("RGBA").getchannel("A")
    assert alpha.getextrema() == (0, 255)
    assert client.get("/lk/basemap/dom/14/0/0").status_code == 204
    # nothing left beside the basemap but the registry
    assert sorted(p.name for p in (data_dir / "basemaps").iterdir()) == ["basemaps.json", "dom.mbtiles"]


@pytest.mark.parametrize(("crs", "mode", "west", "east"), [
    ("EPSG:4526", "rgb", WEST, EAST),  # CGCS2000 GK zone 38, the zone prefix in the easting
    ("EPSG:4490", "rgba", WEST, EAST),  # CGCS2000 lon/lat
    ("EPSG:4326", "palette", PALETTE[0][:3], PALETTE[1][:3]),
    ("EPSG:3857", "grey", (GREY,) * 3, (GREY,) * 3),
])
def test_geotiff_in_other_crs_and_band_layouts(tmp_path, data_dir, client, crs, mode, west, east):
    info = basemaps.register_basemap(write_geotiff(tmp_path / f"img_{mode}.tif", crs, mode), user="u", basemap_id="img")
    assert info.source_crs == crs and info.minzoom == 10
    for z in (info.minzoom, info.maxzoom):
        assert _colour(client, "img", *WEST_POINT, z) == (*west, 255)
        assert _colour(client, "img", *EAST_POINT, z) == (*east, 255)


def test_zoom_range_is_a_setting(tmp_path, data_dir, client, monkeypatch):
    monkeypatch.setenv("LUKOU_BASEMAP_MINZOOM", "8")
    monkeypatch.setenv("LUKOU_BASEMAP_MAXZOOM", "12")
    info = basemaps.register_basemap(write_geotiff(tmp_path / "big.tif", size=1024), user="u")
    assert (info.minzoom, info.maxzoom) == (8, 12)  # zoom 13 capped at 12; 9 and 8 below the one-tile level
    con = sqlite3.connect(data_dir / "basemaps" / "big.mbtiles")
    assert [z for (z,) in con.execute("SELECT DISTINCT zoom_level FROM tiles ORDER BY 1")] == [8, 9, 10, 11, 12]
    con.close()
    assert _colour(client, "big", *WEST_POINT, 8)[:3] == WEST and _colour(client, "big", *EAST_POINT, 12)[:3] == EAST
    x, y, _, _ = tile_of(*WEST_POINT, 10)
    etag = client.get(f"/lk/basemap/big/10/{x}/{y}").headers["etag"]
    monkeypatch.setenv("LUKOU_BASEMAP_MAXZOOM", "11")  # the same file converted again: other tiles, another ETag
    assert basemaps.register_basemap(data_dir.parent / "big.tif", user="u").maxzoom == 11
    assert client.get(f"/lk/basemap/big/10/{x}/{y}").headers["etag"] != etag
    monkeypatch.setenv("LUKOU_BASEMAP_MINZOOM", "14")
    with pytest.raises(SettingsError, match="LUKOU_BASEMAP_MINZOOM"):
        basemaps.register_basemap(write_geotiff(tmp_path / "b2.tif"), user="u")


def _refused(path, data_dir, *match: str) -> BasemapError:
    import os

    os.environ["LUKOU_DATA_DIR"] = str(data_dir)  # (monkeypatched by the data_dir fixture: restored after the test)
    before = _folder_state(data_dir / "basemaps")
    with pytest.raises(BasemapError) as caught:
        basemaps.register_basemap(path, user="admin")
    err = caught.value
    assert isinstance(err, LukouError)
    for text in (path.name, *match):
        assert text in err.message("zh") + err.message("en")
    assert err.message("zh") != err.message("en")  # both languages
    assert _folder_state(data_dir / "basemaps") == before  # nothing half-written, nothing listed
    return err


def test_bad_geotiffs_are_refused_by_name_and_leave_the_folder_as_it_was(tmp_path, data_dir):
    basemaps.register_basemap(write_geotiff(tmp_path / "ok.tif"), user="admin")  # one there already
    err = _refused(write_geotiff(tmp_path / "nocrs.tif", crs=None), data_dir, "EPSG:4547", "gdal_edit")
    assert "未声明坐标系" in err.message("zh") and "declares no CRS" in err.message("en")
    good = write_geotiff(tmp_path / "whole.tif").read_bytes()
    header = tmp_path / "header.tif"
    header.write_bytes(good[:300])  # the directory itself cut off
    assert "corrupt" in _refused(header, data_dir).message("en")
    cut = tmp_path / "cut.tif"
    cut.write_bytes(good[: len(good) // 2])  # opens, then the pixels run out during the conversion
    assert "损坏" in _refused(cut, data_dir).message("zh")
    _refused(cut, tmp_path / "fresh")  # with no basemaps folder yet: none is left behind
    junk = tmp_path / "junk.tiff"
    junk.write_bytes(b"this is no TIFF" * 100)
    _refused(junk, data_dir, "GeoTIFF")
    assert [b.id for b in basemaps.list_basemaps()] == ["ok"]


def test_a_geotiff_over_the_size_limits_is_refused_before_any_work(tmp_path, data_dir, monkeypatch):
    tif = write_geotiff(tmp_path / "huge.tif", size=512)
    monkeypatch.setenv("LUKOU_STORE_MAX_FILE_MB", "0.1")
    _refused(tif, data_dir, "LUKOU_STORE_MAX_FILE_MB", "MB")
    monkeypatch.setenv("LUKOU_STORE_MAX_FILE_MB", "100")
    monkeypatch.setenv("LUKOU_STORE_MAX_EXPANDED_MB", "0.5")  # 512×512×4 bytes decoded = 1 MB
    _refused(tif, data_dir, "LUKOU_STORE_MAX_EXPANDED_MB", "512×512")


def test_an_interrupted_conversion_leaves_nothing(tmp_path, data_dir, monkeypatch):
    from lukou_geo.map import _geotiff

    basemaps.register_basemap(write_geotiff(tmp_path / "ok.tif"), user="admin")
    before = _folder_state(data_dir / "basemaps")

    real = _geotiff._write_level

    def interrupted(*args, **kwargs):
        real(*args, **kwargs)  # the first level is written, then the user presses Ctrl-C
        raise KeyboardInterrupt

    monkeypatch.setattr(_geotiff, "_write_level", interrupted)
    with pytest.raises(KeyboardInterrupt):
        basemaps.register_basemap(write_geotiff(tmp_path / "second.tif"), user="admin")
    assert _folder_state(data_dir / "basemaps") == before


def test_cli_registers_lists_and_removes_a_geotiff(tmp_path, data_dir, monkeypatch, capsys):
    monkeypatch.setenv("LUKOU_STORE", str(tmp_path / "store.gpkg"))
    tif = write_geotiff(tmp_path / "dom_4547.tif")
    assert main(["basemaps", "register", str(tif), "--id", "dom", "--title", "影像(合成)", "--user", "张三"]) == 0
    out, err = capsys.readouterr()
    assert "已登记底图 dom" in out and "registered basemap dom" in out and "EPSG:4547" in out
    assert "%]" in err and "zoom 11" in err  # progress on stderr
    assert main(["basemaps", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["id"] == "dom" and listed[0]["registered_by"] == "张三" and listed[0]["source_file"] == "dom_4547.tif"
    assert main(["basemaps", "list"]) == 0
    assert "dom\t影像(合成)\tmbtiles/png\t10-11\tdom_4547.tif\tEPSG:4547" in capsys.readouterr().out
    assert main(["basemaps", "register", str(write_geotiff(tmp_path / "n.tif", crs=None)), "--user", "张三"]) == 2
    assert "n.tif" in capsys.readouterr().err
    assert main(["basemaps", "remove", "dom", "--user", "张三"]) == 0
    assert basemaps.list_basemaps() == [] and not (data_dir / "basemaps" / "dom.mbtiles").exists()


def test_a_geotiff_replaces_a_basemap_of_the_same_id_and_its_file(tmp_path, data_dir, client):
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import write

    from tests.map.test_server import PNG

    old = tmp_path / "dom.pmtiles"
    with write(str(old)) as w:
        w.write_tile(zxy_to_tileid(12, 3335, 1695), PNG)
        w.finalize({"tile_type": TileType.PNG, "tile_compression": Compression.NONE, "min_zoom": 12, "max_zoom": 12,
                    "min_lon_e7": int(112.9e7), "min_lat_e7": int(27.2e7), "max_lon_e7": int(113.4e7),
                    "max_lat_e7": int(27.8e7), "center_zoom": 12, "center_lon_e7": int(113.1e7),
                    "center_lat_e7": int(27.6e7)}, {"name": "PMTiles 合成"})
    assert basemaps.register_basemap(old, user="u").source_crs == "EPSG:3857"
    new = basemaps.register_basemap(write_geotiff(tmp_path / "dom.tif", "EPSG:4526"), user="u")
    assert [b.id for b in basemaps.list_basemaps()] == ["dom"] and new.source_file == "dom.tif" and new.source_crs == "EPSG:4526"
    assert _colour(client, "dom", *WEST_POINT, 11)[:3] == WEST
    assert sorted(p.name for p in (data_dir / "basemaps").iterdir()) == ["basemaps.json", "dom.mbtiles"]  # the PMTiles went


def test_a_geotiff_in_the_wrong_crs_is_refused_as_not_over_the_district(tmp_path, data_dir):
    import rasterio
    from rasterio.crs import CRS

    tif = write_geotiff(tmp_path / "zone38.tif", "EPSG:4526")  # eastings with the zone prefix 38 …
    with rasterio.open(tif, "r+") as dst:
        dst.crs = CRS.from_epsg(4547)  # … declared as CM 114° without it
    err = _refused(tif, data_dir, "EPSG:4526")
    assert "不在渌口区范围内" in err.message("zh") and "not over the district" in err.message("en")
    far = write_geotiff(tmp_path / "far.tif", "EPSG:4326")
    with rasterio.open(far, "r+") as dst:
        dst.transform = dst.transform @ dst.transform.translation(-3000, 0)  # ≈ 2° west of the district
    _refused(far, data_dir, "lon ")


def test_a_geotiff_in_a_crs_without_an_epsg_code(tmp_path, data_dir, client):
    gk113 = "+proj=tmerc +lat_0=0 +lon_0=113 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs"  # a local CM 113°E
    info = basemaps.register_basemap(write_geotiff(tmp_path / "local_cm113.tif", gk113), user="u")
    assert "+lon_0=113" in info.source_crs and "+proj=tmerc" in info.source_crs
    assert _colour(client, "local_cm113", *WEST_POINT, 11)[:3] == WEST
    assert _colour(client, "local_cm113", *EAST_POINT, 11)[:3] == EAST


def test_long_gdal_calls_report_the_mb_written_and_hand_back_their_errors(tmp_path):
    import time

    from lukou_geo.map._geotiff import _watched

    dst = tmp_path / "level.mbtiles"

    def slow_write():  # stands in for GDAL writing tiles (it releases the GIL as GDAL does)
        with dst.open("wb") as fh:
            for _ in range(5):
                fh.write(b"\0" * 2**20)
                fh.flush()
                time.sleep(0.5)

    said = []
    _watched(slow_write, dst, lambda f, m: said.append((f, m)), (0.1, 0.6), ("切片 a.tif", "tiling a.tif"), 10 * 2**20)
    assert said and all(0.1 <= f <= 0.6 for f, _ in said)
    assert [f for f, _ in said] == sorted(f for f, _ in said)
    assert "MB written" in said[-1][1] and "已写入" in said[-1][1] and said[-1][1].startswith("切片 a.tif:")

    def broken():
        raise ValueError("GDAL said no")

    with pytest.raises(ValueError, match="GDAL said no"):
        _watched(broken, dst, lambda f, m: None, (0, 1), ("", ""), 1)
