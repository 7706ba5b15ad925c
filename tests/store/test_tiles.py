"""Vector tiles: tippecanoe builds them; tiles carry only the three tile attributes, in the XYZ scheme."""

from __future__ import annotations

import gzip
import math

import pyogrio
import pytest

from lukou_geo.store.tiles import TILE_ATTRIBUTES, build_tiles, tippecanoe_path
from tests.store.layers import parcels


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
    assert {t[0] for t in tiles} == {12, 13, 14} and meta["count"] == len(tiles)
    assert all(0.35 <= f <= 0.6 for f in seen)
    c = gdf.geometry.iloc[0].centroid
    z, x, y = xyz(c.x, c.y, 14)
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
