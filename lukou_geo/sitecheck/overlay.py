"""Which zones each project touches, and by how much: Shapely 2 / GEOS, nothing hand-written.

The plain form of an overlay with an index: an ``STRtree`` over the zones gives the candidate
pairs whose boxes meet; a prepared ``intersects`` keeps the pairs that touch;
``contains_properly`` settles the pairs where the project lies wholly inside the zone (its whole
area or length counts, no intersection needed); a vectorised GEOS ``intersection`` measures the
rest. It works for any geometry type (points, lines, polygons, multi-parts, collections) and for
zone layers of any size: the tree is built once per zone set and a zone is prepared only when a
project first comes near it, so a layer of 10⁶ parcels costs its index and nothing per unused
zone. Everything is in a metric CRS (EPSG:4547 here), so the measures are m² and m.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely


def measure(geoms: np.ndarray) -> np.ndarray:
    """Area for polygons, length for lines, 0 for points (metres; by each geometry's dimension)."""
    geoms = np.asarray(geoms, dtype=object)
    dims = shapely.get_dimensions(geoms)
    out = np.zeros(len(geoms))
    out[dims == 2] = shapely.area(geoms[dims == 2])
    out[dims == 1] = shapely.length(geoms[dims == 1])
    return out


@dataclass(frozen=True)
class ZoneIndex:
    """Zones (metric CRS) with their STRtree; build with :func:`index_zones`."""

    geoms: np.ndarray
    tree: shapely.STRtree

    def __len__(self) -> int:
        return len(self.geoms)


def index_zones(geoms: np.ndarray) -> ZoneIndex:
    """Index a set of zones (any geometry type). Built once per zone set (like a database index)."""
    geoms = np.asarray(geoms, dtype=object)
    return ZoneIndex(geoms, shapely.STRtree(geoms))


def overlaps(projects_m: np.ndarray, zones: ZoneIndex, sizes: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (project, zone) pair that intersects, with the overlap measure.

    Returns ``(project index, zone index, overlap)`` sorted by project, then zone: the overlap is
    an area (m²) for polygon projects, a length (m) for lines and 0 for points; a polygon that only
    touches a zone along its edge is listed with 0. ``sizes``: the projects' own :func:`measure`,
    when the caller has it already.
    """
    projects_m = np.asarray(projects_m, dtype=object)
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    if not len(projects_m) or not len(zones):
        return empty
    pi, zi = zones.tree.query(projects_m)
    if not len(pi):
        return empty
    # prepare just the zones some project comes near (preparing is cached on the geometry)
    near = np.unique(zi)
    shapely.prepare(zones.geoms[near])
    hit = shapely.intersects(zones.geoms[zi], projects_m[pi])
    pi, zi = pi[hit], zi[hit]
    sizes = measure(projects_m) if sizes is None else sizes
    out = np.zeros(len(pi))
    dims = shapely.get_dimensions(projects_m[pi])
    rows = np.flatnonzero(dims > 0)
    if len(rows):
        whole = shapely.contains_properly(zones.geoms[zi[rows]], projects_m[pi[rows]])
        out[rows[whole]] = sizes[pi[rows[whole]]]
        part = rows[~whole]
        if len(part):
            inter = shapely.intersection(projects_m[pi[part]], zones.geoms[zi[part]])
            out[part] = np.where(dims[part] == 2, shapely.area(inter), shapely.length(inter))
    order = np.lexsort((zi, pi))
    return pi[order].astype(np.int64), zi[order].astype(np.int64), out[order]
