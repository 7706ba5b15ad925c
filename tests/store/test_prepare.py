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
