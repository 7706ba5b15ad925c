"""界址点坐标表: a red line's boundary points in CGCS2000 3° Gauss-Krüger zone 38 (EPSG:4526, with the zone prefix).

Each ring is numbered clockwise on the map from the vertex nearest the north-west corner of its
bounding box (the convention of the 部标 TXT, :mod:`lukou_geo.store.export`), J1, J2, … across
the rings of a parcel, the first point repeated to close each ring; 圈号 1 is the outer ring of the
first part, then its holes, then the next part. X is the northing, Y the easting with the zone
number 38 in front (the surveyors' order). Coordinates are transformed by pyproj (EPSG:4326 →
EPSG:4547, the same projection as EPSG:4526 without the prefix); side lengths are in metres.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely

from lukou_geo import crs

ZONE = 38
PREFIX = ZONE * 1_000_000.0
CRS_LABEL_ZH = "CGCS2000 国家大地坐标系,3度带高斯-克吕格投影,第38带(EPSG:4526,Y坐标含带号38;X为北坐标)"
CRS_LABEL_EN = "CGCS2000 / 3-degree Gauss-Kruger zone 38 (EPSG:4526, Y with the zone prefix 38; X = northing)"
COLUMNS = ("点号", "圈号", "X(北坐标,米)", "Y(东坐标,米)", "边长(米)")


def _clockwise_from_nw(ring: np.ndarray) -> np.ndarray:
    from lukou_geo.store.export import _clockwise_from_nw as ordered

    return ordered(ring)


def boundary_points(geom_lonlat: Any) -> pd.DataFrame:
    """The 界址点 of a polygon or multipolygon given in WGS-84 lon/lat (an empty table for other geometries)."""
    g = np.asarray(crs.to_metric(np.array([geom_lonlat], dtype=object)), dtype=object)[0]
    rows: list[tuple[str, int, float, float, float]] = []
    if g is None or shapely.get_dimensions(g) != 2:
        return pd.DataFrame(columns=list(COLUMNS))
    j = 0
    circle = 0
    for part in shapely.get_parts(g):
        if shapely.get_type_id(part) != 3:
            continue
        for ring in [part.exterior, *part.interiors]:
            circle += 1
            pts = _clockwise_from_nw(np.asarray(ring.coords)[:, :2])
            closed = np.vstack([pts, pts[:1]])
            sides = np.hypot(*np.diff(closed, axis=0).T)
            first = j + 1
            for k, (e, n) in enumerate(pts):
                j += 1
                rows.append((f"J{j}", circle, round(float(n), 3), round(float(e) + PREFIX, 3), round(float(sides[k]), 3)))
            rows.append((f"J{first}", circle, round(float(pts[0][1]), 3), round(float(pts[0][0]) + PREFIX, 3), np.nan))
    return pd.DataFrame(rows, columns=list(COLUMNS))
