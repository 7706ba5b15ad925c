"""The site check (选址核查): where projects lie in the plan and whether their type fits.

The zone layers are those the catalog marks ``check = "zone"`` (or ``true``); ``"axis"`` layers
give the distance to the development axes and ``"transport"`` layers the nearby transport
projects. Townships come from the ``townships`` layer (approximate), inside/outside from
``district``. The plan-fit rules are the zones' ``fit_*`` properties (data, built from the
element files); the project-type vocabulary is ``layers/project_types.toml``.

Verdict of one zone for a project type: 符合 if the type is in ``fit_fits``, 冲突 if in
``fit_conflicts`` (a category such as 工业 stands for its types), otherwise ``fit_other``
(需关注). Overall verdict of a project: 冲突 if any zone it touches says 冲突; otherwise the
verdict of its *deciding zone*: the smallest zone with a rule among those covering at least half
of the project (for points: containing it), or else the rule zone with the largest share; 需关注
when no zone with a rule is touched, the type is missing or unknown, or the project lies outside
the district.

Everything is measured in EPSG:4547 and vectorised: a zone grid (:mod:`lukou_geo.sitecheck.zonegrid`)
settles the pairs away from zone boundaries, and the pairs near one are tested exactly against
the zones' prepared pieces (:func:`overlaps`), all built once per context.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape

from lukou_geo.catalog import Catalog
from lukou_geo.errors import CatalogError
from lukou_geo.settings import MEASURE_CRS, MU_PER_HECTARE, get_settings
from lukou_geo.sitecheck.clip import Rings, clip_areas
from lukou_geo.sitecheck.zonegrid import ZoneGrid, bits_to_pairs, build_grid

VERDICTS = ("符合", "需关注", "冲突")
VERDICT_EN = {"符合": "fits", "需关注": "needs attention", "冲突": "conflict", "": ""}
#: Transport features within this distance are listed as nearby.
NEARBY_TRANSPORT_KM = 5.0
#: A zone covering at least this share of a project can decide its verdict.
DECIDING_SHARE = 0.5
_NO_RULE, _FITS, _ATTN, _CONFLICT = -1, 0, 1, 2
_CODE_TO_VERDICT = {_FITS: "符合", _ATTN: "需关注", _CONFLICT: "冲突", _NO_RULE: ""}
_VERDICT_TO_CODE = {"符合": _FITS, "需关注": _ATTN, "冲突": _CONFLICT}


# ------------------------------------------------------------------------------ vocabulary


@dataclass(frozen=True)
class ProjectTypes:
    """The controlled vocabulary of project types (``layers/project_types.toml``)."""

    types: dict[str, dict[str, Any]]  # id -> {en, category, synonyms}
    categories: dict[str, dict[str, Any]]  # id -> {en}

    def canonical(self, value: str | None) -> str:
        """The type id a user's value means ("" when empty or unknown).

        Exact match on id, English name or synonym (case-insensitive), else the longest id or
        synonym contained in the value (e.g. 新材料产业园项目 → 新材料).
        """
        v = (value or "").strip().lower()
        if not v:
            return ""
        lookup = self._lookup()
        if v in lookup:
            return lookup[v]
        best = ""
        best_len = 1
        for key, tid in lookup.items():
            if len(key) > best_len and key in v:
                best, best_len = tid, len(key)
        return best

    @lru_cache(maxsize=1)  # noqa: B019 - the vocabulary is immutable and few
    def _lookup(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for tid, rec in self.types.items():
            for key in (tid, rec.get("en", ""), *rec.get("synonyms", [])):
                if key:
                    out.setdefault(key.strip().lower(), tid)
        return out

    def expand(self, names: list[str]) -> set[str]:
        """Type ids named by a fit list (categories expanded)."""
        out: set[str] = set()
        for n in names:
            if n in self.types:
                out.add(n)
            elif n in self.categories:
                out |= {t for t, rec in self.types.items() if rec.get("category") == n}
            else:
                raise KeyError(n)
        return out

    def label(self, tid: str, lang: str = "zh") -> str:
        if not tid:
            return ""
        return tid if lang == "zh" else self.types[tid].get("en", tid)

    def __hash__(self) -> int:
        return id(self)


def read_project_types(path: Path | None = None) -> ProjectTypes:
    """Read and validate the vocabulary; :class:`CatalogError` names the entry and the fix."""
    p = Path(path) if path else get_settings().layers_dir / "project_types.toml"
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CatalogError(f"{p}: missing; it lists the project types of the site check") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{p.name}: not valid TOML ({exc})") from exc
    cats = {c["id"]: c for c in data.get("category", [])}
    types: dict[str, dict[str, Any]] = {}
    for i, rec in enumerate(data.get("type", []), start=1):
        where = f"{p.name} [[type]] #{i} ({rec.get('id', '?')})"
        unknown = set(rec) - {"id", "en", "category", "synonyms"}
        if unknown or "id" not in rec or "en" not in rec:
            raise CatalogError(f"{where}: needs id and en (and optional category, synonyms); unknown keys {sorted(unknown)}")
        if rec.get("category") and rec["category"] not in cats:
            raise CatalogError(f"{where}: category {rec['category']!r} is not a [[category]] id ({', '.join(cats)})")
        if rec["id"] in types or rec["id"] in cats:
            raise CatalogError(f"{where}: id {rec['id']!r} is used twice")
        types[rec["id"]] = rec
    return ProjectTypes(types, cats)


# ------------------------------------------------------------------------------ context


@dataclass
class CheckContext:
    """The check layers in EPSG:4547, prepared once (build with :func:`build_context`)."""

    catalog: Catalog
    vocab: ProjectTypes
    zones: pd.DataFrame  # one row per zone feature: layer_id, layer_zh, layer_en, id, name, name_en, precision, area_m2, rule...
    zone_geoms: np.ndarray  # shapely, EPSG:4547, prepared
    verdict_table: np.ndarray  # int8 [zone, type index (+1 for "no type")]
    type_index: dict[str, int]
    district: Any  # EPSG:4547
    town_names: np.ndarray
    town_geoms: np.ndarray
    axes: pd.DataFrame
    axis_geoms: np.ndarray
    transport: pd.DataFrame
    transport_geoms: np.ndarray
    layer_titles: dict[str, tuple[str, str]] = field(default_factory=dict)
    zone_pieces: PieceIndex | None = None
    town_pieces: PieceIndex | None = None
    district_pieces: PieceIndex | None = None
    district_edges: shapely.STRtree | None = None  # the boundary's segments, for fast distances outside
    zone_grid: ZoneGrid | None = None
    town_grid: ZoneGrid | None = None
    district_grid: ZoneGrid | None = None


def _to_metric(geoms: Any) -> np.ndarray:
    return gpd.GeoSeries(np.asarray(geoms, dtype=object), crs="EPSG:4326").to_crs(MEASURE_CRS).values.to_numpy()


def _features(fc: dict[str, Any]) -> tuple[list[dict[str, Any]], np.ndarray]:
    feats = fc.get("features", [])
    return [f["properties"] for f in feats], np.array([shape(f["geometry"]) for f in feats], dtype=object)


def build_context(catalog: Catalog, data: dict[str, dict[str, Any]], vocab: ProjectTypes | None = None) -> CheckContext:
    """Prepare the check layers of ``catalog`` (data as returned by ``validate_data``)."""
    vocab = vocab or read_project_types(
        catalog.root / "layers" / "project_types.toml" if (catalog.root / "layers" / "project_types.toml").exists() else None
    )
    zrows: list[dict[str, Any]] = []
    zgeoms: list[Any] = []
    arows: list[dict[str, Any]] = []
    ageoms: list[Any] = []
    trows: list[dict[str, Any]] = []
    tgeoms: list[Any] = []
    titles = {lyr.id: (lyr.title_zh, lyr.title_en) for lyr in catalog.layers}
    for lyr in catalog.layers:
        if not lyr.check or lyr.id not in data:
            continue
        props, geoms = _features(data[lyr.id])
        for p, g in zip(props, geoms, strict=True):
            base = {
                "layer_id": lyr.id,
                "layer_zh": lyr.title_zh,
                "layer_en": lyr.title_en,
                "id": p["id"],
                "name": p["name"],
                "name_en": p.get("name_en", ""),
                "precision": p.get("precision", ""),
                "plan_ref": p.get("plan_ref", ""),
            }
            if lyr.check == "zone":
                if g.geom_type not in ("Polygon", "MultiPolygon"):
                    raise CatalogError(f"layer {lyr.id!r}: check = zone needs polygons, feature {p['id']} is {g.geom_type}")
                base.update(
                    fit_fits=list(p.get("fit_fits") or []),
                    fit_conflicts=list(p.get("fit_conflicts") or []),
                    fit_other=p.get("fit_other", ""),
                    fit_ref=p.get("fit_ref", ""),
                    has_rule=bool(p.get("fit_fits") or p.get("fit_conflicts")),
                )
                zrows.append(base)
                zgeoms.append(g)
            elif lyr.check == "axis":
                arows.append(base)
                ageoms.append(g)
            else:
                trows.append(base)
                tgeoms.append(g)
    zones = pd.DataFrame(zrows)
    zone_geoms = _to_metric(zgeoms)
    shapely.prepare(zone_geoms)
    zones["area_m2"] = shapely.area(zone_geoms)
    type_ids = list(vocab.types)
    type_index = {t: i for i, t in enumerate(type_ids)}
    table = np.full((len(zones), len(type_ids) + 1), _NO_RULE, dtype=np.int8)
    for zi, z in enumerate(zrows):
        if not z["has_rule"]:
            continue
        try:
            fits, conflicts = vocab.expand(z["fit_fits"]), vocab.expand(z["fit_conflicts"])
        except KeyError as exc:
            raise CatalogError(f"zone {z['id']} ({z['layer_id']}): fit names {exc} which is not in layers/project_types.toml") from exc
        other = _VERDICT_TO_CODE.get(z["fit_other"] or "需关注", _ATTN)
        table[zi, :] = other
        for t in fits:
            table[zi, type_index[t]] = _FITS
        for t in conflicts:
            table[zi, type_index[t]] = _CONFLICT
        table[zi, len(type_ids)] = _ATTN  # no / unknown type
    _dprops, dgeoms = _features(data["district"])
    district = _to_metric(dgeoms)[0]
    shapely.prepare(district)
    tprops, tgeoms_ll = _features(data["townships"])
    town_geoms = _to_metric(tgeoms_ll)
    shapely.prepare(town_geoms)
    return CheckContext(
        catalog=catalog,
        vocab=vocab,
        zones=zones,
        zone_geoms=zone_geoms,
        verdict_table=table,
        type_index=type_index,
        district=district,
        town_names=np.array([p["name"] for p in tprops], dtype=object),
        town_geoms=town_geoms,
        axes=pd.DataFrame(arows),
        axis_geoms=_to_metric(ageoms) if ageoms else np.array([], dtype=object),
        transport=pd.DataFrame(trows),
        transport_geoms=_to_metric(tgeoms) if tgeoms else np.array([], dtype=object),
        layer_titles=titles,
        zone_pieces=index_pieces(subdivide(zone_geoms, PIECE_VERTICES)),
        town_pieces=index_pieces(subdivide(town_geoms, PIECE_VERTICES)),
        district_pieces=index_pieces(subdivide(np.array([district]), PIECE_VERTICES)),
        district_edges=_edge_tree(district),
        zone_grid=build_grid(zone_geoms),
        town_grid=build_grid(town_geoms),
        district_grid=build_grid(np.array([district])),
    )


def _edge_tree(polygon: Any) -> shapely.STRtree:
    """STRtree of a polygon's boundary segments: the nearest segment gives the distance from any
    point outside (one indexed lookup instead of a scan of every vertex per project)."""
    coords = [shapely.get_coordinates(ring) for ring in shapely.get_parts(shapely.boundary(polygon))]
    segs = np.concatenate([np.stack([c[:-1], c[1:]], axis=1) for c in coords])
    return shapely.STRtree(shapely.linestrings(segs))


# ------------------------------------------------------------------------------ measuring


def _measure(geoms: np.ndarray) -> np.ndarray:
    """Area for polygons, length for lines, 0 for points (metres)."""
    dims = shapely.get_dimensions(geoms)
    out = np.zeros(len(geoms))
    out[dims == 2] = shapely.area(geoms[dims == 2])
    out[dims == 1] = shapely.length(geoms[dims == 1])
    return out


def subdivide(geoms: np.ndarray, max_vertices: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """Split polygons into pieces of at most ``max_vertices`` vertices (PostGIS ``ST_Subdivide``'s idea).

    Returns ``(pieces, owner)``; the pieces of a polygon partition it. Queries against small
    pieces are far more selective and each point-in-polygon test is cheap, which is what lets
    the check keep pace with a raw STRtree query. Shapely has no subdivide, hence this
    recursive halving of the bounding box (done once per context).
    """
    pieces: list[Any] = []
    owner: list[int] = []

    def split(g: Any, k: int, depth: int) -> None:
        if g.is_empty:
            return
        if shapely.get_num_coordinates(g) <= max_vertices or depth > 16:
            for part in shapely.get_parts(g):
                if part.geom_type in ("Polygon", "MultiPolygon") and not part.is_empty:
                    pieces.append(part)
                    owner.append(k)
            return
        x0, y0, x1, y1 = g.bounds
        if x1 - x0 >= y1 - y0:
            xm = (x0 + x1) / 2
            halves = (shapely.box(x0, y0, xm, y1), shapely.box(xm, y0, x1, y1))
        else:
            ym = (y0 + y1) / 2
            halves = (shapely.box(x0, y0, x1, ym), shapely.box(x0, ym, x1, y1))
        for h in halves:
            split(shapely.intersection(g, h), k, depth + 1)

    for k, g in enumerate(geoms):
        split(g, k, 0)
    arr = np.array(pieces, dtype=object)
    shapely.prepare(arr)
    return arr, np.array(owner, dtype=np.int64)


#: Vertex budget of a zone piece. Small pieces make much of a zone's interior out of plain
#: rectangles, for which "is the project inside?" is a bounding-box comparison, and keep every
#: remaining point-in-polygon test and intersection small.
PIECE_VERTICES = 8


@dataclass(frozen=True)
class PieceIndex:
    """The subdivided pieces of a set of zones with their STRtree, built once per context.

    ``rect[i]`` marks pieces that are axis-aligned rectangles (they equal their bounding box);
    ``bounds`` holds every piece's (xmin, ymin, xmax, ymax).
    """

    geoms: np.ndarray
    owner: np.ndarray
    tree: shapely.STRtree
    rect: np.ndarray
    bounds: np.ndarray
    rings: Rings | None = None  # the pieces' rings, for the numpy clip of polygon projects
    #: convex parts of the pieces that are not convex (triangles): those of piece i are
    #: ``parts[part_ptr[i]:part_ptr[i + 1]]`` (none for convex pieces)
    parts: Rings | None = None
    part_ptr: np.ndarray | None = None
    part_bounds: np.ndarray | None = None


def index_pieces(pieces: tuple[np.ndarray, np.ndarray]) -> PieceIndex:
    """Index the output of :func:`subdivide` (prepares the pieces, finds the rectangles)."""
    geoms, owner = pieces
    geoms = np.asarray(geoms, dtype=object)
    bounds = shapely.bounds(geoms) if len(geoms) else np.zeros((0, 4))
    boxes = shapely.box(*bounds.T) if len(geoms) else np.zeros(0, dtype=object)
    rect = (shapely.get_num_coordinates(geoms) == 5) & np.isclose(shapely.area(geoms), shapely.area(boxes), rtol=1e-12, atol=0)
    shapely.prepare(geoms)
    rings = Rings.from_polygons(geoms)
    # the concave pieces cut into triangles, so that a concave project can be clipped by them
    concave = np.flatnonzero(rings.simple & ~rings.convex)
    tri, of = shapely.get_parts(shapely.constrained_delaunay_triangles(geoms[concave]), return_index=True)
    ptr = np.zeros(len(geoms) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(np.bincount(concave[of], minlength=len(geoms)))
    return PieceIndex(
        geoms, np.asarray(owner), shapely.STRtree(geoms), rect, bounds, rings, Rings.from_polygons(tri), ptr,
        shapely.bounds(tri) if len(tri) else np.zeros((0, 4)),
    )


def overlaps(
    projects_m: np.ndarray, zones_m: np.ndarray,
    pieces: PieceIndex | tuple[np.ndarray, np.ndarray] | None = None, grid: ZoneGrid | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (project, zone) pair that intersects, with the overlap measure.

    Returns ``(project index, zone index, overlap)`` sorted by project then zone: overlap is an
    area (m²) for polygon projects, a length (m) for lines and 0 for points.

    With a ``grid`` (:func:`lukou_geo.sitecheck.zonegrid.build_grid` of the same zones), pairs far from a
    zone's boundary are settled by the grid alone: a point takes its cell's zones, a line or
    polygon whose cells no boundary comes near is wholly inside (whole measure) or outside. Only
    the pairs near a boundary go to the exact tests: points one prepared point-in-polygon test,
    lines the whole zone (:func:`_line_overlaps`), polygons the zones' pieces
    (:func:`_polygon_overlaps`).
    """
    idx = pieces if isinstance(pieces, PieceIndex) else index_pieces(pieces if pieces is not None else subdivide(zones_m))
    projects_m = np.asarray(projects_m, dtype=object)
    nz = len(zones_m)
    if grid is not None and grid.n_zones != nz:
        raise ValueError(f"the grid has {grid.n_zones} zones, not {nz}")
    out_p: list[np.ndarray] = []
    out_z: list[np.ndarray] = []
    out_m: list[np.ndarray] = []
    is_point = (shapely.get_type_id(projects_m) == 0) & ~shapely.is_empty(projects_m)  # empty: touches nothing
    dims = shapely.get_dimensions(projects_m)
    is_line, is_area = dims == 1, dims == 2
    if grid is None:
        pi, gi = idx.tree.query(projects_m)
        line, area = is_line[pi], is_area[pi]
        out = [_piece_overlaps(projects_m, zones_m, idx, pi[~line & ~area], gi[~line & ~area])]
        out.append(_polygon_overlaps(projects_m, zones_m, idx, pi[area], gi[area]))
        if line.any():
            key = np.unique(pi[line] * nz + idx.owner[gi[line]])
            out.append(_line_overlaps(projects_m, zones_m, key // max(nz, 1), key % max(nz, 1)))
        return _sorted(out, nz)
    if is_point.any():
        rows = np.flatnonzero(is_point)
        x, y = shapely.get_x(projects_m[rows]), shapely.get_y(projects_m[rows])
        r, z, test = grid.point_pairs(x, y)
        if test.any():
            t = np.flatnonzero(test)
            order = np.argsort(z[t], kind="stable")
            t = t[order]
            zs, starts = np.unique(z[t], return_index=True)
            hit = np.ones(len(r), dtype=bool)
            for k, a, b in zip(zs, starts, [*starts[1:], len(t)], strict=True):
                hit[t[a:b]] = shapely.intersects_xy(zones_m[k], x[r[t[a:b]]], y[r[t[a:b]]])
            r, z = r[hit], z[hit]
        out_p.append(rows[r]), out_z.append(z), out_m.append(np.zeros(len(r)))
    if (~is_point).any():
        rows = np.flatnonzero(~is_point)
        ins, edge = grid.lookup_boxes(shapely.bounds(projects_m[rows]))
        r, z = bits_to_pairs(ins, nz)
        out_p.append(rows[r]), out_z.append(z), out_m.append(_measure(projects_m[rows])[r])
        r, z = bits_to_pairs(edge, nz)
        line = is_line[rows[r]]
        if line.any():
            p2, z2, m2 = _line_overlaps(projects_m, zones_m, rows[r[line]], z[line])
            out_p.append(p2), out_z.append(z2), out_m.append(m2)
        r, z = r[~line], z[~line]
        if len(r):
            cp = rows[r]
            sub = np.unique(cp)
            pi, gi = idx.tree.query(projects_m[sub])
            pi = sub[pi]
            near = np.isin(pi * nz + idx.owner[gi], cp * nz + z)
            pi, gi = pi[near], gi[near]
            area = is_area[pi]
            for p2, z2, m2 in (
                _polygon_overlaps(projects_m, zones_m, idx, pi[area], gi[area]),
                _piece_overlaps(projects_m, zones_m, idx, pi[~area], gi[~area]),  # multipoints
            ):
                out_p.append(p2), out_z.append(z2), out_m.append(m2)
    if len(out_p) == 1:  # points only: already sorted
        return out_p[0], out_z[0], out_m[0]
    return _sorted(list(zip(out_p, out_z, out_m, strict=True)), nz)


def _sorted(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]], nz: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Concatenate disjoint sets of (project, zone, measure) and sort them by project, then zone."""
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    pi, zi, m = (np.concatenate([np.asarray(p[i]) for p in parts]) for i in range(3))
    order = np.argsort(pi.astype(np.int64) * nz + zi, kind="stable")
    return pi[order].astype(np.int64), zi[order].astype(np.int64), m[order].astype(float)


#: Overlap areas (m²) the numpy clip reports at or below this are settled by a GEOS test.
CLIP_AREA_TOL = 1e-6


def _polygon_overlaps(
    projects_m: np.ndarray, zones_m: np.ndarray, idx: PieceIndex, pi: np.ndarray, gi: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate (polygon project, piece) pairs measured by the batched numpy clip
    (:mod:`lukou_geo.sitecheck.clip`): the piece clipped by a convex project, or else the project by a
    convex piece or by a concave piece's triangles. Projects the clip does not take (holes,
    multipolygons, more than 512 vertices) go to GEOS (:func:`_piece_overlaps`). A (project,
    zone) pair with no overlap area is kept only if GEOS says they touch.
    """
    nz = len(zones_m)
    if len(pi) == 0 or idx.rings is None:
        return _piece_overlaps(projects_m, zones_m, idx, pi, gi)
    up, loc = np.unique(pi, return_inverse=True)
    prj = Rings.from_polygons(projects_m[up], max_vertices=512)
    prj_bounds = shapely.bounds(projects_m[up])
    area = clip_areas(idx.rings, gi, prj, loc)
    nan = np.isnan(area)
    if nan.any():
        area[nan] = clip_areas(prj, loc[nan], idx.rings, gi[nan])
        nan = np.isnan(area)
    if nan.any() and idx.parts is not None:
        # a concave project over a concave piece: clip the project by the piece's triangles
        rows = np.flatnonzero(nan)
        n_parts = idx.part_ptr[gi[rows] + 1] - idx.part_ptr[gi[rows]]
        rows = rows[n_parts > 0]
        n_parts = n_parts[n_parts > 0]
        rr = np.repeat(rows, n_parts)
        first = np.cumsum(n_parts) - n_parts
        tri = np.repeat(idx.part_ptr[gi[rows]] - first, n_parts) + np.arange(len(rr))
        # triangles whose box misses the project's add nothing
        pb, tb = prj_bounds[loc[rr]], idx.part_bounds[tri]
        near = (tb[:, 0] <= pb[:, 2]) & (tb[:, 2] >= pb[:, 0]) & (tb[:, 1] <= pb[:, 3]) & (tb[:, 3] >= pb[:, 1])
        rr, tri = rr[near], tri[near]
        a = clip_areas(prj, loc[rr], idx.parts, tri)
        ok = ~np.isnan(a)  # False where the project is not a simple polygon
        sums = np.bincount(np.searchsorted(rows, rr[ok]), weights=a[ok], minlength=len(rows))
        whole = np.bincount(np.searchsorted(rows, rr[~ok]), minlength=len(rows)) == 0
        area[rows[whole]] = sums[whole]
        nan = np.isnan(area)
    parts = [_piece_overlaps(projects_m, zones_m, idx, pi[nan], gi[nan])] if nan.any() else []
    key = pi[~nan] * nz + idx.owner[gi[~nan]]
    uk, inv = np.unique(key, return_inverse=True)
    total = np.maximum(np.bincount(inv, weights=area[~nan], minlength=len(uk)), 0.0)
    # rounding leaves ~1e-12 m² where a concave piece only comes near the project: below
    # CLIP_AREA_TOL, GEOS decides whether they touch at all
    keep = total > CLIP_AREA_TOL
    decided = parts[0][0] * nz + parts[0][1] if parts else np.zeros(0, np.int64)
    ask = np.flatnonzero(~keep & ~np.isin(uk, decided))
    if len(ask):
        shapely.prepare(zones_m)
        keep[ask] = shapely.intersects(zones_m[uk[ask] % nz], projects_m[uk[ask] // nz])
    parts.append((uk[keep] // nz, uk[keep] % nz, total[keep]))
    pi, zi, m = _sorted(parts, nz)
    # a pair measured partly by the clip and partly by GEOS appears twice: add them up
    key = pi * nz + zi
    uk, inv = np.unique(key, return_inverse=True)
    if len(uk) == len(key):
        return pi, zi, m
    return uk // nz, uk % nz, np.bincount(inv, weights=m, minlength=len(uk))


def _line_overlaps(projects_m: np.ndarray, zones_m: np.ndarray, p: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate (line project, zone) pairs tested and measured against the whole zone.

    Lines are not measured piece by piece: a line running along a cut between two pieces would
    count twice, and one along a rectangular piece's side would be dropped by its clip.
    """
    if len(p) == 0:
        return p, z, np.zeros(0)
    shapely.prepare(zones_m)
    keep = shapely.intersects(zones_m[z], projects_m[p])
    p, z = p[keep], z[keep]
    m = shapely.length(projects_m[p])
    whole = shapely.contains_properly(zones_m[z], projects_m[p])
    m[~whole] = shapely.length(shapely.intersection(projects_m[p[~whole]], zones_m[z[~whole]]))
    return p, z, m


def _piece_overlaps(
    projects_m: np.ndarray, zones_m: np.ndarray, idx: PieceIndex, pi: np.ndarray, gi: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The exact part of :func:`overlaps` for points and polygons (lines: :func:`_line_overlaps`),
    on candidate (project, piece) pairs whose boxes meet.

    - a point in a rectangular piece's box is in the piece (no further test); other pieces get
      one prepared point-in-polygon test;
    - a polygon is tested exactly (prepared); if it lies inside a rectangular piece's box (a box
      comparison) or properly inside another piece, its whole area counts; otherwise the overlap
      is measured on a rectangle clip (rectangular pieces) or their intersection.

    Overlaps are summed over a zone's pieces.
    """
    if len(pi) == 0:
        return pi, gi, np.zeros(0)
    pg = projects_m[pi]
    dims = shapely.get_dimensions(pg)
    rect = idx.rect[gi]
    nz = len(zones_m)
    keep = np.ones(len(pi), dtype=bool)
    measure = np.zeros(len(pi))
    settled = np.zeros(len(pi), dtype=bool)
    ext = dims > 0
    if ext.any():
        # a line/polygon properly inside the whole (prepared) zone counts whole: one test per
        # (project, zone) instead of one per piece, and no intersection for the many such pairs
        rows = np.flatnonzero(ext)
        zkey = pi[rows] * nz + idx.owner[gi[rows]]
        uz, first, inv = np.unique(zkey, return_index=True, return_inverse=True)
        shapely.prepare(zones_m)
        whole = shapely.contains_properly(zones_m[uz % nz], projects_m[uz // nz])
        settled[rows[whole[inv]]] = True
        keep[settled] = False
        rep = rows[first[whole]]  # one row stands for each whole-zone (project, zone) pair
        keep[rep] = True
        measure[rep] = _measure(pg[rep])
    test = ~settled & ((dims > 0) | ~rect)  # points in rectangles are settled by the box query
    keep[test] = shapely.intersects(idx.geoms[gi[test]], pg[test])
    rest = keep & ~settled & (dims > 0)
    if rest.any():
        pb = shapely.bounds(pg)
        rb = idx.bounds[gi]
        full = np.zeros(len(pi), dtype=bool)
        inbox = (pb[:, 0] > rb[:, 0]) & (pb[:, 1] > rb[:, 1]) & (pb[:, 2] < rb[:, 2]) & (pb[:, 3] < rb[:, 3])
        full[rest & rect] = inbox[rest & rect]
        other = rest & ~rect
        full[other] = shapely.contains_properly(idx.geoms[gi[other]], pg[other])
        measure[full] = _measure(pg[full])
        clip = rest & ~full & rect
        if clip.any():
            # GEOS's rectangle clipping is ~2× faster than a general intersection, but
            # shapely.clip_by_rect takes scalar bounds only: one call per pair
            rows = np.flatnonzero(clip)
            measure[rows] = _measure(np.array([shapely.clip_by_rect(pg[r], *rb[r]) for r in rows], dtype=object))
        part = rest & ~full & ~rect
        if part.any():
            measure[part] = _measure(shapely.intersection(pg[part], idx.geoms[gi[part]]))
    pi, gi, measure = pi[keep], gi[keep], measure[keep]
    key = pi * nz + idx.owner[gi]
    uniq, inv = np.unique(key, return_inverse=True)  # sorted: by project, then zone
    total = np.bincount(inv, weights=measure, minlength=len(uniq))
    return uniq // len(zones_m), uniq % len(zones_m), total


# ------------------------------------------------------------------------------ the check


@dataclass
class CheckResult:
    """The per-project summary, the per-zone rows and the projects' geometries (WGS-84)."""

    summary: pd.DataFrame
    zones: pd.DataFrame
    projects: gpd.GeoDataFrame
    notes: list[str] = field(default_factory=list)

    def project_zones(self, no: int) -> pd.DataFrame:
        return self.zones[self.zones["project_no"] == no]


SUMMARY_COLUMNS = {
    "project_no": ("序号", "No."),
    "name": ("项目名称", "Project"),
    "ptype_input": ("填报类型", "Type given"),
    "ptype": ("项目类型", "Project type"),
    "geom_kind": ("几何", "Geometry"),
    "area_ha": ("面积(公顷)", "Area (ha)"),
    "area_mu": ("面积(亩)", "Area (mu)"),
    "length_km": ("长度(km)", "Length (km)"),
    "lon": ("经度", "Lon"),
    "lat": ("纬度", "Lat"),
    "in_district": ("是否在区内", "In district"),
    "district_share": ("区内占比", "Share in district"),
    "district_dist_km": ("距区界(km)", "Distance to district (km)"),
    "township": ("所在镇(近似)", "Township (approx.)"),
    "zone_count": ("涉及规划分区数", "Zones touched"),
    "verdict": ("核查结论", "Verdict"),
    "deciding_zone": ("判定依据分区", "Deciding zone"),
    "reason": ("理由", "Reason"),
    "axis": ("最近发展轴", "Nearest axis"),
    "axis_km": ("距发展轴(km)", "Axis distance (km)"),
    "transport": ("附近交通项目", "Nearby transport"),
    "source": ("来源", "Source"),
}
ZONE_COLUMNS = {
    "project_no": ("序号", "No."),
    "project": ("项目名称", "Project"),
    "layer": ("图层", "Layer"),
    "zone": ("规划分区", "Zone"),
    "precision": ("精度", "Precision"),
    "overlap_ha": ("重叠面积(公顷)", "Overlap (ha)"),
    "overlap_mu": ("重叠面积(亩)", "Overlap (mu)"),
    "overlap_km": ("重叠长度(km)", "Overlap (km)"),
    "share": ("占项目比例", "Share of project"),
    "verdict": ("结论", "Verdict"),
    "rule": ("规则", "Rule"),
    "plan_words": ("规划依据", "Plan words"),
}


def _rule_text(z: pd.Series, lang: str) -> str:
    if not z["has_rule"]:
        return "该分区规划未规定用途" if lang == "zh" else "the plan assigns this zone no functions"
    fits = "、".join(z["fit_fits"]) or "—"
    conf = "、".join(z["fit_conflicts"]) or "—"
    if lang == "zh":
        return f"符合:{fits};冲突:{conf};其他:{z['fit_other'] or '需关注'}"
    return f"fits: {', '.join(z['fit_fits']) or '—'}; conflicts: {', '.join(z['fit_conflicts']) or '—'}; other: {z['fit_other'] or '需关注'}"


def check_projects(
    projects: gpd.GeoDataFrame,
    ctx: CheckContext,
    default_type: str = "",
    progress: Callable[[float], None] | None = None,
    chunk: int = 50_000,
    details: bool = True,
) -> CheckResult:
    """Check projects (WGS-84 GeoDataFrame with ``name``, ``ptype``, ``source``) against the plan.

    Parameters
    ----------
    projects : the projects, e.g. ``Ingested.projects``
    ctx : :func:`build_context`
    default_type : project type for rows without one
    progress : called with the fraction done (0–1) after each chunk of ``chunk`` projects
    details : build the text columns (reason, transport); the benchmark turns them off
    """
    n = len(projects)
    parts_s, parts_z = [], []
    for start in range(0, max(n, 1), chunk):
        sub = projects.iloc[start : start + chunk]
        s, z = _check_chunk(sub, ctx, default_type, start, details)
        parts_s.append(s)
        parts_z.append(z)
        if progress:
            progress(min(1.0, (start + len(sub)) / max(n, 1)))
    summary = pd.concat(parts_s, ignore_index=True) if parts_s else pd.DataFrame()
    zones = pd.concat(parts_z, ignore_index=True) if parts_z else pd.DataFrame()
    return CheckResult(summary, zones, projects.reset_index(drop=True))


def _check_chunk(projects: gpd.GeoDataFrame, ctx: CheckContext, default_type: str, offset: int, details: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = len(projects)
    geoms_ll = projects.geometry.values.to_numpy() if n else np.array([], dtype=object)
    pm = _to_metric(geoms_ll) if n else np.array([], dtype=object)
    dims = shapely.get_dimensions(pm) if n else np.zeros(0, int)
    size = _measure(pm) if n else np.zeros(0)
    vocab = ctx.vocab
    raw_types = projects["ptype"].fillna("").astype(str).to_numpy() if "ptype" in projects else np.full(n, "", dtype=object)
    raw_types = np.where(raw_types == "", default_type or "", raw_types)
    uniq, inv = np.unique(raw_types.astype(str), return_inverse=True)
    canon_u = np.array([vocab.canonical(u) for u in uniq], dtype=object)
    canon = canon_u[inv] if n else np.array([], dtype=object)
    no_type = len(ctx.type_index)
    tcode_u = np.array([ctx.type_index.get(c, no_type) for c in canon_u], dtype=np.int64)
    tcode = tcode_u[inv] if n else np.zeros(0, np.int64)

    # district
    dpi, _dz, dmeas = overlaps(pm, np.array([ctx.district]), ctx.district_pieces, ctx.district_grid)
    in_any = np.zeros(n, dtype=bool)
    in_any[dpi] = True
    dshare = np.zeros(n)
    if n and len(dpi):
        with np.errstate(divide="ignore", invalid="ignore"):
            dshare[dpi] = np.where(size[dpi] > 0, np.minimum(dmeas / size[dpi], 1.0), 1.0)
    ddist = np.full(n, 0.0)
    out = ~in_any
    if out.any():
        if ctx.district_edges is not None:
            _idx, dist = ctx.district_edges.query_nearest(pm[out], return_distance=True, all_matches=False)
            ddist[out] = dist / 1000
        else:
            ddist[out] = shapely.distance(pm[out], ctx.district) / 1000

    # townships: the one with the largest overlap (points: containing)
    tpi, tzi, tmeas = overlaps(pm, ctx.town_geoms, ctx.town_pieces, ctx.town_grid)
    township = np.full(n, "", dtype=object)
    if len(tpi):
        tdf = pd.DataFrame({"p": tpi, "z": tzi, "m": tmeas}).sort_values(["p", "m"], ascending=[True, False])
        first = tdf.drop_duplicates("p")
        township[first["p"].to_numpy()] = ctx.town_names[first["z"].to_numpy()]

    # zones
    zpi, zzi, zmeas = overlaps(pm, ctx.zone_geoms, ctx.zone_pieces, ctx.zone_grid)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(size[zpi] > 0, zmeas / size[zpi], 1.0) if len(zpi) else np.zeros(0)
    pair_code = ctx.verdict_table[zzi, tcode[zpi]] if len(zpi) else np.zeros(0, np.int8)
    zarea = ctx.zones["area_m2"].to_numpy()[zzi] if len(zpi) else np.zeros(0)
    # overall verdict
    verdict = np.full(n, _ATTN, dtype=np.int8)
    deciding = np.full(n, -1, dtype=np.int64)
    zone_count = np.bincount(zpi, minlength=n) if n else np.zeros(0, int)
    if len(zpi):
        has_rule = pair_code != _NO_RULE
        conflict = np.zeros(n, dtype=bool)
        np.logical_or.at(conflict, zpi[pair_code == _CONFLICT], True)
        pr = pd.DataFrame(
            {
                "p": zpi[has_rule],
                "z": zzi[has_rule],
                "c": pair_code[has_rule],
                "big": share[has_rule] < DECIDING_SHARE - 1e-9,
                "neg_share": -share[has_rule],
                "area": zarea[has_rule],
            }
        )
        pr = pr.sort_values(["p", "big", "area", "neg_share"]).drop_duplicates("p")
        deciding[pr["p"].to_numpy()] = pr["z"].to_numpy()
        verdict[pr["p"].to_numpy()] = pr["c"].to_numpy()
        cpairs = (
            pd.DataFrame({"p": zpi[pair_code == _CONFLICT], "z": zzi[pair_code == _CONFLICT], "area": zarea[pair_code == _CONFLICT]})
            .sort_values(["p", "area"])
            .drop_duplicates("p")
        )
        verdict[conflict] = _CONFLICT
        deciding[cpairs["p"].to_numpy()] = cpairs["z"].to_numpy()
    outside = ~in_any
    verdict[outside] = _ATTN
    unknown_type = tcode == no_type
    verdict[unknown_type & (verdict == _FITS)] = _ATTN

    # axes and transport
    axis_name = np.full(n, "", dtype=object)
    axis_km = np.full(n, np.nan)
    if len(ctx.axis_geoms) and n:
        atree = shapely.STRtree(ctx.axis_geoms)
        (ip, ia), dist = atree.query_nearest(pm, return_distance=True, all_matches=False)
        axis_name[ip] = ctx.axes["name"].to_numpy()[ia]
        axis_km[ip] = dist / 1000
    transport_text = np.full(n, "", dtype=object)
    if details and len(ctx.transport_geoms) and n:
        ttree = shapely.STRtree(ctx.transport_geoms)
        ip, it = ttree.query(pm, predicate="dwithin", distance=NEARBY_TRANSPORT_KM * 1000)
        if len(ip):
            d = shapely.distance(pm[ip], ctx.transport_geoms[it]) / 1000
            tdf = pd.DataFrame(
                {"p": ip, "name": ctx.transport["name"].to_numpy()[it], "layer": ctx.transport["layer_zh"].to_numpy()[it], "d": d}
            ).sort_values(["p", "d"])
            tdf = tdf.groupby("p").head(3)
            tdf["t"] = tdf["name"] + "(" + tdf["d"].map(lambda v: f"{v:.1f}") + " km)"
            joined = tdf.groupby("p")["t"].agg(";".join)
            transport_text[joined.index.to_numpy()] = joined.to_numpy()

    lon, lat = _representative_lonlat(geoms_ll)
    kind = np.where(dims == 2, "面", np.where(dims == 1, "线", "点")) if n else np.array([], dtype=object)
    summary = _frame(
        {
            "project_no": np.arange(offset + 1, offset + n + 1),
            "name": projects["name"].astype(str).to_numpy() if n else [],
            "ptype_input": raw_types,
            "ptype": canon,
            "geom_kind": kind,
            "area_ha": np.where(dims == 2, size / 1e4, np.nan).round(4),
            "area_mu": np.where(dims == 2, size / 1e4 * MU_PER_HECTARE, np.nan).round(3),
            "length_km": np.where(dims == 1, size / 1000, np.nan).round(3),
            "lon": lon.round(6),
            "lat": lat.round(6),
            "in_district": np.where(dshare >= 1 - 1e-9, "是", np.where(in_any, "部分", "否")),
            "district_share": dshare.round(4),
            "district_dist_km": ddist.round(3),
            "township": township,
            "zone_count": zone_count,
            "verdict": _CODE_NAMES[verdict],
            "deciding_zone": np.where(deciding >= 0, ctx.zones["name"].to_numpy()[np.maximum(deciding, 0)], "") if n else [],
            "axis": axis_name,
            "axis_km": np.round(axis_km, 2),
            "transport": transport_text,
            "source": projects["source"].astype(str).to_numpy() if "source" in projects and n else [""] * n,
        }
    )
    summary["deciding_idx"] = deciding
    if details:
        summary["reason"] = [_reason(r, ctx) for r in summary.itertuples(index=False)]
    else:
        summary["reason"] = ""
    summary = summary.drop(columns="deciding_idx")

    zrows = _frame(
        {
            "project_no": zpi + offset + 1,
            "project": summary["name"].to_numpy()[zpi] if len(zpi) else [],
            "layer_id": ctx.zones["layer_id"].to_numpy()[zzi] if len(zpi) else [],
            "layer": ctx.zones["layer_zh"].to_numpy()[zzi] if len(zpi) else [],
            "zone_id": ctx.zones["id"].to_numpy()[zzi] if len(zpi) else [],
            "zone": ctx.zones["name"].to_numpy()[zzi] if len(zpi) else [],
            "precision": ctx.zones["precision"].to_numpy()[zzi] if len(zpi) else [],
            "overlap_ha": np.where(dims[zpi] == 2, zmeas / 1e4, np.nan).round(4) if len(zpi) else [],
            "overlap_mu": np.where(dims[zpi] == 2, zmeas / 1e4 * MU_PER_HECTARE, np.nan).round(3) if len(zpi) else [],
            "overlap_km": np.where(dims[zpi] == 1, zmeas / 1000, np.nan).round(3) if len(zpi) else [],
            "share": np.asarray(share).round(4),
            "verdict": _CODE_NAMES[pair_code],
            "_zi": zzi,
        }
    )
    if details and len(zpi):
        rule_zh = {i: _rule_text(ctx.zones.iloc[i], "zh") for i in np.unique(zzi)}
        zrows["rule"] = [rule_zh[i] for i in zzi]
        zrows["plan_words"] = [ctx.zones.iloc[i]["fit_ref"] or ctx.zones.iloc[i]["plan_ref"] for i in zzi]
    else:
        zrows["rule"] = ""
        zrows["plan_words"] = ""
    zrows = zrows.drop(columns="_zi")
    return summary, zrows


#: verdict names indexed by code (``_NO_RULE`` = -1 is the last)
_CODE_NAMES = np.array([_CODE_TO_VERDICT[c] for c in (_FITS, _ATTN, _CONFLICT, _NO_RULE)], dtype=object)


def _frame(columns: dict[str, Any]) -> pd.DataFrame:
    """A DataFrame whose text columns stay numpy object arrays: converting 10^5 Python strings to
    pandas' Arrow-backed ``str`` dtype costs more than the whole zone check."""
    return pd.DataFrame(
        {k: pd.Series(v, dtype=object) if isinstance(v, np.ndarray) and v.dtype.kind in "OU" else v for k, v in columns.items()}
    )


def _representative_lonlat(geoms_ll: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A point on each geometry (the point itself for points, else ``point_on_surface``)."""
    pts = (shapely.get_type_id(geoms_ll) == 0) & ~shapely.is_empty(geoms_ll)
    lon, lat = np.full(len(geoms_ll), np.nan), np.full(len(geoms_ll), np.nan)
    lon[pts], lat[pts] = shapely.get_x(geoms_ll[pts]), shapely.get_y(geoms_ll[pts])
    if (~pts).any():
        rep = shapely.point_on_surface(geoms_ll[~pts])
        lon[~pts], lat[~pts] = shapely.get_x(rep), shapely.get_y(rep)
    return lon, lat


def _reason(r: Any, ctx: CheckContext) -> str:
    if r.in_district == "否":
        return f"项目不在渌口区内(距区界 {r.district_dist_km:.2f} km),规划分区不适用 / outside the district"
    parts = []
    if r.in_district == "部分":
        parts.append(f"项目仅 {r.district_share:.0%} 在区内")
    if not r.ptype:
        given = r.ptype_input
        parts.append(f"项目类型「{given}」不在类型表中,无法判定" if given else "未提供项目类型,无法判定是否符合")
    if r.deciding_idx < 0:
        parts.append("未涉及有用途规定的规划分区" if r.zone_count else "未落入任何规划分区")
        return ";".join(parts) or "需人工核查"
    z = ctx.zones.iloc[int(r.deciding_idx)]
    t = r.ptype or "(未指定类型)"
    if r.verdict == "冲突":
        parts.append(f"「{t}」与{z['layer_zh']}「{z['name']}」的规划用途冲突:{_rule_text(z, 'zh')};依据 {z['fit_ref']}")
    elif r.verdict == "符合" or (r.ptype and t in ctx.vocab.expand(z["fit_fits"])):
        parts.append(f"「{t}」符合{z['layer_zh']}「{z['name']}」的规划用途;依据 {z['fit_ref']}")
    else:
        parts.append(f"「{t}」不在{z['layer_zh']}「{z['name']}」的规划重点中,需关注:{_rule_text(z, 'zh')};依据 {z['fit_ref']}")
    return ";".join(parts)


@lru_cache(maxsize=4)
def default_context(root: str | None = None) -> CheckContext:
    """The context of the repository's catalog (cached per catalog root)."""
    from lukou_geo.catalog import read_catalog, validate_data

    catalog = read_catalog()
    return build_context(catalog, validate_data(catalog))


def compile_kernels() -> float:
    """Compile the check's Numba kernels (grid lookup, bit sets, clip), or load them from Numba's
    cache, on a small case, so that the first real check does not wait for the compiler (about
    4 s cold, 0.2 s cached). ``make setup`` runs it. Returns the case's overlap area: 200 m²."""
    zone = np.array([shapely.box(0, 0, 100, 100)], dtype=object)
    project = np.array([shapely.Polygon([(90, 40), (110, 40), (110, 60), (90, 60)])], dtype=object)
    _p, _z, area = overlaps(project, zone, subdivide(zone, PIECE_VERTICES), build_grid(zone, cell=10.0))
    return float(area.sum())
