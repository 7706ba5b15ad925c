"""Coordinate systems used in Chinese practice, vectorised.

GCJ-02 (Amap/Gaode, Tencent) and BD-09 (Baidu) are obfuscated variants of WGS-84 that no EPSG
code or PROJ pipeline describes, so pyproj cannot convert them. No well-kept PyPI library offers
a vectorised, tested conversion (the small packages that exist convert one point at a time and
are unmaintained), hence this module: the public GCJ-02 forward formula, applied to numpy arrays,
and its inverse by fixed-point iteration (converges to < 1 mm in a few steps, far below the
≤ 1 m round trip the atlas needs). Everything else (EPSG:4547 measuring, Gauss-Kruger survey
CRSs) goes through pyproj.

All functions take and return lon/lat in degrees; scalars, lists and arrays are accepted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

# Krasovsky 1940 ellipsoid parameters used by the GCJ-02 formula.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0

# Rough bounding box of mainland China; outside it GCJ-02 equals WGS-84 by definition.
_CHINA_LON = (72.004, 137.8347)
_CHINA_LAT = (0.8293, 55.8271)

Arr = NDArray[np.float64]


def _in_china(lon: Arr, lat: Arr) -> NDArray[np.bool_]:
    return (lon >= _CHINA_LON[0]) & (lon <= _CHINA_LON[1]) & (lat >= _CHINA_LAT[0]) & (lat <= _CHINA_LAT[1])


def _delta(lon: Arr, lat: Arr) -> tuple[Arr, Arr]:
    """GCJ-02 minus WGS-84 offset (degrees) at WGS-84 positions."""
    x = lon - 105.0
    y = lat - 35.0
    sq = np.sqrt(np.abs(x))
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sq
    dlat += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sq
    dlon += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    return dlon, dlat


def _arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[Arr, Arr]:
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    if lon_a.shape != lat_a.shape:
        raise ValueError(f"lon and lat differ in shape: {lon_a.shape} vs {lat_a.shape}")
    return lon_a, lat_a


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Arr, Arr]:
    """WGS-84 → GCJ-02 (the forward formula; exact by definition)."""
    lon_a, lat_a = _arrays(lon, lat)
    dlon, dlat = _delta(lon_a, lat_a)
    inside = _in_china(lon_a, lat_a)
    return np.where(inside, lon_a + dlon, lon_a), np.where(inside, lat_a + dlat, lat_a)


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike, tol_deg: float = 1e-9, max_iter: int = 20) -> tuple[Arr, Arr]:
    """GCJ-02 → WGS-84 by fixed-point iteration on the forward formula.

    Parameters
    ----------
    lon, lat : array-like
        GCJ-02 coordinates in degrees.
    tol_deg : float
        Stop when every point moves less than this (1e-9° ≈ 0.1 mm).
    max_iter : int
        Upper bound on iterations (4–6 suffice in China).
    """
    g_lon, g_lat = _arrays(lon, lat)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(max_iter):
        f_lon, f_lat = wgs84_to_gcj02(w_lon, w_lat)
        e_lon, e_lat = f_lon - g_lon, f_lat - g_lat
        w_lon = w_lon - e_lon
        w_lat = w_lat - e_lat
        if np.all(np.abs(e_lon) < tol_deg) and np.all(np.abs(e_lat) < tol_deg):
            break
    return w_lon, w_lat


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[Arr, Arr]:
    """GCJ-02 → BD-09 (Baidu's published formula)."""
    x, y = _arrays(lon, lat)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Arr, Arr]:
    """BD-09 → GCJ-02 (Baidu's published inverse; ~1e-6° residual, refined once)."""
    b_lon, b_lat = _arrays(lon, lat)
    x, y = b_lon - 0.0065, b_lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    g_lon, g_lat = z * np.cos(theta), z * np.sin(theta)
    # one Newton-free correction step: the approximate inverse leaves ~0.1 m; remove it
    f_lon, f_lat = gcj02_to_bd09(g_lon, g_lat)
    return g_lon - (f_lon - b_lon), g_lat - (f_lat - b_lat)


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[Arr, Arr]:
    """WGS-84 → BD-09."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[Arr, Arr]:
    """BD-09 → WGS-84."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


#: Named converters to WGS-84, keyed by the names the UI and CLI use.
TO_WGS84: dict[str, Callable[[ArrayLike, ArrayLike], tuple[Arr, Arr]]] = {
    "wgs84": lambda lon, lat: _arrays(lon, lat),
    "gcj02": gcj02_to_wgs84,
    "bd09": bd09_to_wgs84,
}
#: Named converters from WGS-84.
FROM_WGS84: dict[str, Callable[[ArrayLike, ArrayLike], tuple[Arr, Arr]]] = {
    "wgs84": lambda lon, lat: _arrays(lon, lat),
    "gcj02": wgs84_to_gcj02,
    "bd09": wgs84_to_bd09,
}


def transform_geometry(geoms: ArrayLike, func: Callable[[ArrayLike, ArrayLike], tuple[Arr, Arr]]) -> NDArray:
    """Apply a lon/lat converter to every coordinate of shapely geometries (vectorised).

    Parameters
    ----------
    geoms : shapely geometry or array of them
    func : one of the converters above, e.g. :func:`gcj02_to_wgs84`
    """

    def _xy(coords: Arr) -> Arr:
        lon, lat = func(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geoms, _xy)


def haversine_m(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> Arr:
    """Great-circle distance in metres (for tests and tolerances, not for measuring)."""
    lo1, la1 = np.radians(np.asarray(lon1, float)), np.radians(np.asarray(lat1, float))
    lo2, la2 = np.radians(np.asarray(lon2, float)), np.radians(np.asarray(lat2, float))
    a = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371008.8 * np.arcsin(np.sqrt(a))


# ------------------------------------------------------------------------------ storage ↔ measuring (pyproj)

_LOCAL = threading.local()


@lru_cache(maxsize=2)
def _pipeline(inverse: bool) -> str:
    """The PROJ pipeline of WGS-84 lon/lat → EPSG:4547 (or back), as pyproj resolves it."""
    from pyproj import Transformer

    from lukou_geo.settings import MEASURE_CRS, STORAGE_CRS

    src, dst = (MEASURE_CRS, STORAGE_CRS) if inverse else (STORAGE_CRS, MEASURE_CRS)
    return Transformer.from_crs(src, dst, always_xy=True).definition


def measure_transformer(inverse: bool = False) -> object:
    """A pyproj Transformer WGS-84 lon/lat → EPSG:4547 (``inverse``: back), one per thread.

    pyproj gives every thread its own PROJ context, and a Transformer made from two CRSs looks
    them up in PROJ's database again in each new thread (≈ 0.4 s; Streamlit runs every rerun in a
    new thread). The pipeline pyproj resolved once is rebuilt from its definition instead, which
    costs no database lookup and transforms identically.
    """
    from pyproj import Transformer

    key = "inverse" if inverse else "forward"
    tr = getattr(_LOCAL, key, None)
    if tr is None:
        tr = Transformer.from_pipeline(_pipeline(inverse))
        setattr(_LOCAL, key, tr)
    return tr


def to_metric(geoms: ArrayLike) -> NDArray:
    """WGS-84 geometries (a shapely geometry or an array) → EPSG:4547."""
    tr = measure_transformer()
    return shapely.transform(geoms, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))  # type: ignore[attr-defined]


def to_lonlat(geoms: ArrayLike) -> NDArray:
    """EPSG:4547 geometries → WGS-84 lon/lat."""
    tr = measure_transformer(inverse=True)
    return shapely.transform(geoms, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))  # type: ignore[attr-defined]
