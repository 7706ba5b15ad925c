"""Vector tiles: tippecanoe builds them; tiles carry only the three tile attributes, in the XYZ scheme."""

from __future__ import annotations

import gzip
import math

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from lukou_geo.store.tiles import TILE_ATTRIBUTES, TILE_VERTICES, build_tiles, full_detail, pyramid, tippecanoe_args, tippecanoe_path
from tests.store.layers import ORIGIN, parcels


def xyz(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    """The XYZ tile holding a point (web mercator)."""
    n = 1 << z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def test_tippecanoe_is_installed():
    assert tippecanoe_path().endswith("tippecanoe")


def test_tiles_hold_only_the_tile_attributes(tmp_path):
    gdf = parcels(3, 2).to_crs("EPSG:4326")
    gdf["lk_fid"] = range(1, 7)
    gdf["lk_code"] = gdf["DLBM"]
    gdf["lk_code1"] = gdf["DLBM"].str[:2]
    seen = []
    tiles, meta = build_tiles(gdf, "t", (12, 14), "polygon", tmp_path, lambda f, m: seen.append(f))
    # six parcels: their zoom 12 tile holds few vertices, so it is the last zoom (the map over-zooms beyond)
    assert {t[0] for t in tiles} == {12} and (meta["minzoom"], meta["maxzoom"]) == (12, 12) and meta["count"] == len(tiles)
    assert all(0.93 <= f <= 0.95 for f in seen)  # reported while waiting: after the features are written
    c = gdf.geometry.iloc[0].centroid
    z, x, y = xyz(c.x, c.y, 12)
    data = {(t[0], t[1], t[2]): t[3] for t in tiles}[(z, x, y)]  # XYZ rows, not TMS
    mvt = tmp_path / "one.mvt"
    mvt.write_bytes(gzip.decompress(data))
    read = pyogrio.read_dataframe(mvt, layer="t", X=x, Y=y, Z=z)
    assert set(read.columns) - {"geometry", "mvt_id"} == set(TILE_ATTRIBUTES)
    assert sorted(read["lk_code"].unique()) == sorted(gdf["lk_code"].unique())


def test_a_failing_tile_build_says_so(tmp_path, monkeypatch):
    from lukou_geo.errors import StoreError
    from lukou_geo.store import tiles

    monkeypatch.setattr(tiles, "tippecanoe_path", lambda: "/bin/false")
    gdf = parcels(1, 1).to_crs("EPSG:4326").assign(lk_fid=1, lk_code="0101", lk_code1="01")
    with pytest.raises(StoreError, match="tippecanoe"):
        build_tiles(gdf, "t", (12, 12), "polygon", tmp_path)


def test_the_last_zoom_is_the_first_whose_tiles_hold_few_enough_vertices():
    xs, ys = (a.ravel() for a in np.meshgrid(np.arange(120) * 100.0 + ORIGIN[0], np.arange(120) * 100.0 + ORIGIN[1]))
    grid = gpd.GeoDataFrame(geometry=shapely.box(xs, ys, xs + 100, ys + 100), crs="EPSG:4547").to_crs("EPSG:4326")
    # 72,000 vertices over 12 km × 12 km: one zoom 10 or 11 tile would hold them all, zoom 12 tiles about half each
    assert TILE_VERTICES < 72_000 < 2 * TILE_VERTICES
    assert pyramid(grid, (10, 14)) == (10, 12)
    assert pyramid(grid, (10, 11)) == (10, 11)  # the kind's highest zoom caps it
    assert pyramid(grid.iloc[:6], (10, 14)) == (10, 10)


def test_the_last_zoom_keeps_half_metre_tile_units(tmp_path):
    # the map over-zooms beyond the last zoom, so the tiles there keep 0.53 m units: 4096 at z14, 8192 at z13...
    assert [full_detail(z) for z in (16, 14, 13, 12, 10)] == [12, 12, 13, 14, 16]
    args = tippecanoe_args("t", (10, 13), "polygon", tmp_path / "s.fgb", tmp_path / "o.mbtiles", tmp_path)
    assert args[args.index("-d") + 1] == "13" and args[args.index("-z") + 1] == "13"
