"""How far a project lies from the district: a project far outside it is a row error, not a result.

A position more than :data:`MAX_KM_OUTSIDE_DISTRICT` outside 渌口区 is almost always a wrong CRS, swapped
or mistyped coordinates, or a file that is not what its name says (a PDF read as coordinates landed
19,723 km away); and EPSG:4547, where the check measures, holds only near the district (a whole-world
polygon measured 0 ha). So a project is refused, with its distance, when it lies farther than that
from the district, or when any part of it reaches beyond the district's extent enlarged by that
distance. The district is the catalog's ``district`` layer (``geodata/district.geojson``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape

from lukou_geo import crs as ccrs
from lukou_geo.errors import CatalogError, InputError
from lukou_geo.settings import get_settings

#: A project farther than this outside the district (km) is refused as a row error.
MAX_KM_OUTSIDE_DISTRICT = 50.0
_KM_PER_DEG_LAT = 111.0


@dataclass(frozen=True)
class District:
    """The district in WGS-84, in EPSG:4547 (prepared), the STRtree of its boundary, and the lon/lat box it may be left by."""

    lonlat: Any
    metric: Any
    edges: shapely.STRtree
    box: tuple[float, float, float, float]  # (west, south, east, north) of the extent enlarged by the limit


def _path() -> Path:
    """The district file of the catalog (its records read once per modification of the catalog files:
    reading and validating them took 50 ms of every check)."""
    ldir = get_settings().layers_dir
    try:
        stamp = tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in ldir.glob("*.toml")))
        return _district_file(str(ldir), stamp)
    except (CatalogError, KeyError, OSError) as exc:
        raise InputError(
            "layers/admin.toml",
            f"找不到渌口区界图层 district,无法判断项目是否在区内或附近({exc})",
            f"the district layer cannot be found, so projects cannot be placed against the district ({exc})",
            "恢复图层目录中的 district 记录与 geodata/district.geojson",
            "restore the district record of the catalog and geodata/district.geojson",
        ) from exc


@lru_cache(maxsize=4)
def _district_file(layers_dir: str, stamp: tuple[tuple[str, int, int], ...]) -> Path:
    from lukou_geo.catalog import read_catalog

    catalog = read_catalog(Path(layers_dir))
    return catalog.path(catalog.layer("district"))


@lru_cache(maxsize=4)
def _load(path: str, mtime: float, km: float) -> District:
    fc = json.loads(Path(path).read_text(encoding="utf-8"))
    lonlat = shapely.union_all([shape(f["geometry"]) for f in fc["features"] if f.get("geometry")])
    metric = ccrs.to_metric(lonlat)
    shapely.prepare(metric)
    edges = shapely.get_parts(shapely.line_merge(shapely.boundary(metric)))
    segments = [shapely.LineString(pair) for e in edges for pair in zip(e.coords[:-1], e.coords[1:], strict=True)]
    w, s, e, n = lonlat.bounds
    dlat = km / _KM_PER_DEG_LAT
    dlon = km / (_KM_PER_DEG_LAT * math.cos(math.radians(max(abs(s), abs(n)) + dlat)))
    return District(lonlat, metric, shapely.STRtree(segments), (w - dlon, s - dlat, e + dlon, n + dlat))


def district(km: float = MAX_KM_OUTSIDE_DISTRICT) -> District:
    """The district of the catalog (cached per file and modification)."""
    path = _path()
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise InputError(path.name, "渌口区界文件不存在", "the district file is missing", "恢复 geodata/district.geojson", "restore it") from exc
    return _load(str(path), mtime, km)


def _far_km(d: District, g: Any) -> float:
    """The approximate distance (km, great circle) of a geometry far from the district."""
    p_geom, p_district = shapely.shortest_line(g, d.lonlat).coords
    return float(ccrs.haversine_m(p_geom[0], p_geom[1], p_district[0], p_district[1])) / 1000


def too_far(geoms: np.ndarray, km: float = MAX_KM_OUTSIDE_DISTRICT) -> dict[int, tuple[str, str]]:
    """The projects (WGS-84) to refuse: {index: (problem zh, problem en)}.

    Refused: a project whose every part lies farther than ``km`` from the district, or one reaching
    beyond the district's extent enlarged by ``km`` (where EPSG:4547 no longer measures truly).
    """
    out: dict[int, tuple[str, str]] = {}
    if not len(geoms):
        return out
    d = district(km)
    w, s, e, n = d.box
    b = shapely.bounds(geoms)
    inside_box = (b[:, 0] >= w) & (b[:, 1] >= s) & (b[:, 2] <= e) & (b[:, 3] <= n)
    for i in np.flatnonzero(~inside_box):
        g = geoms[i]
        if shapely.intersects(g, shapely.box(w, s, e, n)):
            out[int(i)] = (
                f"项目伸出渌口区 {km:g} km 以外(范围 {b[i, 0]:.4f}–{b[i, 2]:.4f}°E、{b[i, 1]:.4f}–{b[i, 3]:.4f}°N),无法可靠量算",
                f"the project reaches more than {km:g} km beyond the district (extent {b[i, 0]:.4f}–{b[i, 2]:.4f}°E, "
                f"{b[i, 1]:.4f}–{b[i, 3]:.4f}°N) and cannot be measured truly",
            )
        else:
            dist = _far_km(d, g)
            out[int(i)] = (
                f"项目距渌口区约 {dist:,.0f} km,超过 {km:g} km",
                f"the project lies about {dist:,.0f} km from the district, beyond {km:g} km",
            )
    idx = np.flatnonzero(inside_box)
    if len(idx):
        metric = ccrs.to_metric(geoms[idx])
        outside = idx[~shapely.intersects(d.metric, metric)]
        if len(outside):
            pairs, dist = d.edges.query_nearest(metric[np.searchsorted(idx, outside)], return_distance=True, all_matches=False)
            for k, m in zip(pairs[0], dist, strict=True):
                i = outside[k]
                if m > km * 1000:
                    out[int(i)] = (
                        f"项目距渌口区 {m / 1000:,.1f} km,超过 {km:g} km",
                        f"the project lies {m / 1000:,.1f} km from the district, beyond {km:g} km",
                    )
    return out
