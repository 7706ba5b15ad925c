"""Point-query helpers shared by the backends: the search box of a click and the exact test."""

from __future__ import annotations

import math

import numpy as np
import shapely

from lukou_geo.crs import to_metric


def degree_box(lon: float, lat: float, tolerance_m: float = 0.0) -> list[float]:
    """(minx, miny, maxx, maxy) in degrees around a point, ``tolerance_m`` metres wide each side
    (with a 10 % margin; the exact test follows)."""
    if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lat) > 90 or abs(lon) > 180:
        from lukou_geo.errors import StoreError

        raise StoreError(f"查询点 ({lon}, {lat}) 不是经纬度", f"the query point ({lon}, {lat}) is not lon/lat")
    t = max(float(tolerance_m), 0.0) * 1.1
    dlat = t / 110_574.0
    dlon = t / (111_320.0 * max(math.cos(math.radians(lat)), 1e-6))
    return [lon - dlon, lat - dlat, lon + dlon, lat + dlat]


def hits(geoms: np.ndarray, lon: float, lat: float, tolerance_m: float = 0.0) -> list[int]:
    """Indices of the geometries under the point (``tolerance_m`` > 0: within that distance, in EPSG:4547)."""
    ok = ~shapely.is_missing(geoms)
    if tolerance_m > 0:
        metric = to_metric(geoms)
        pt = to_metric(shapely.Point(lon, lat))
        inside = ok & shapely.dwithin(metric, pt, float(tolerance_m))
    else:
        inside = ok & shapely.intersects(geoms, shapely.Point(lon, lat))
    return [int(i) for i in np.flatnonzero(inside)]
