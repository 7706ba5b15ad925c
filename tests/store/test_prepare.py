"""Geometry clean-up and the outside count, on their own."""

from __future__ import annotations

import numpy as np
import shapely

from lukou_geo.crs import to_lonlat
from lukou_geo.store.prepare import clean, outside
from tests.store.layers import ORIGIN, bowtie


def test_clean_counts_repairs_and_drops():
    x, y = ORIGIN
    geoms = np.array([shapely.box(x, y, x + 10, y + 10), bowtie(), None, shapely.Polygon(), shapely.Point(x, y),
                      shapely.GeometryCollection([shapely.box(x, y, x + 5, y + 5), shapely.LineString([(x, y), (x + 1, y)])])],
                     dtype=object)
    c = clean(geoms, "f.gpkg")
    assert c.family == "polygon"
    assert c.keep.tolist() == [True, True, False, False, False, True]
    assert c.repaired.tolist() == [False, True, False]
    assert all(shapely.get_type_id(g) in (3, 6) for g in c.geoms)
    assert shapely.area(c.geoms[1]) == 5_000 and shapely.area(c.geoms[2]) == 25
    assert any("几何类型" in n for n in c.notes)


def test_outside_with_tolerance():
    x, y = ORIGIN
    near = to_lonlat(shapely.box(x, y, x + 10, y + 10))
    far = to_lonlat(shapely.box(x - 200_000, y, x - 199_990, y + 10))
    assert outside(np.array([near, far], dtype=object)).tolist() == [False, True]


def test_a_big_layer_goes_to_wgs84_on_two_threads_as_geopandas_would():
    import geopandas as gpd
    from pyproj import CRS

    from lukou_geo.store.prepare import to_wgs84

    rng = np.random.default_rng(3)
    x = 38_500_000 + rng.uniform(0, 20_000, 60_001)  # GK zone 38 with its prefix (EPSG:4526); more than one chunk
    y = 3_050_000 + rng.uniform(0, 20_000, 60_001)
    geoms = shapely.buffer(shapely.points(x, y), 5, quad_segs=2)
    geoms[7] = shapely.MultiPolygon([geoms[7], shapely.box(x[7] + 20, y[7], x[7] + 30, y[7] + 10)])
    out, label = to_wgs84(geoms, CRS.from_epsg(4526), None, "t.gdb", [])
    ref = gpd.GeoSeries(geoms, crs="EPSG:4526").to_crs("EPSG:4326").values.to_numpy()
    assert label == "EPSG:4526" and len(out) == len(geoms)
    assert bool(shapely.equals_exact(out, ref, tolerance=0).all())  # the same coordinates, in the same order
    assert shapely.get_type_id(out[7]) == 6
