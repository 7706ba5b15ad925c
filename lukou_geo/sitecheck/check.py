"""The site check (选址核查): where projects lie in the plan and whether their type fits.

:func:`check_projects` takes projects in WGS-84 and a :class:`~lukou_geo.sitecheck.context.CheckContext`
and reports, per project: inside the district or not (with the distance), the township, every zone
it touches with the overlap and share (:mod:`lukou_geo.sitecheck.overlay`), the plan-fit verdict
and its reason (:mod:`lukou_geo.sitecheck.verdict`), the nearest development axis and the nearby
transport projects. Everything is measured in EPSG:4547 and vectorised over the projects.

The text columns are Chinese; each has an English twin ``<column>_en`` (``reason_en``,
``deciding_zone_en``, ``township_en``, ``axis_en``, ``transport_en``; in the zone rows ``layer_en``,
``zone_en``, ``rule_en``, ``plan_words_en``), which :func:`lukou_geo.sitecheck.labels.table` shows
in English. Zone rows of context layers (``context`` True) carry no verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from lukou_geo.settings import MU_PER_HECTARE
from lukou_geo.sitecheck.context import CheckContext, to_metric
from lukou_geo.sitecheck.labels import SUMMARY_COLUMNS, ZONE_COLUMNS
from lukou_geo.sitecheck.occupancy import SUMMARY_COLUMNS as _OCC_SUMMARY_COLUMNS
from lukou_geo.sitecheck.overlay import measure, overlaps
from lukou_geo.sitecheck.verdict import ATTN, CODE_NAMES, FITS, Decision, decide, group_rows, text_ids

#: Transport features within this distance are listed as nearby.
NEARBY_TRANSPORT_KM = 5.0


@dataclass
class CheckResult:
    """The per-project summary, the per-zone rows and the projects' geometries (WGS-84)."""

    summary: pd.DataFrame
    zones: pd.DataFrame
    projects: gpd.GeoDataFrame
    notes: list[str] = field(default_factory=list)
    #: the 压占 tables when the check ran against imported layers (:mod:`lukou_geo.sitecheck.occupancy`)
    occupancy: Any = None
    #: where the projects came from, for the reports (:class:`lukou_geo.sitecheck.provenance.Provenance`)
    provenance: Any = None

    def project_zones(self, no: int) -> pd.DataFrame:
        return self.zones[self.zones["project_no"] == no]


# the 压占 columns (present when the check ran against imported layers: lukou_geo.sitecheck.occupancy)
SUMMARY_COLUMNS.update(_OCC_SUMMARY_COLUMNS)

__all__ = ["SUMMARY_COLUMNS", "ZONE_COLUMNS", "CheckResult", "check_projects"]


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
    ctx : :func:`lukou_geo.sitecheck.context.get_context`
    default_type : project type for rows without one
    progress : called with the fraction done (0–1) after each chunk of ``chunk`` projects
    details : build the text columns (reason, transport, rule, plan words); the app and the CLI
        always do
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


def _types(projects: gpd.GeoDataFrame, ctx: CheckContext, default_type: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(type as given, canonical type id, type code for the verdict table) per project."""
    n = len(projects)
    raw = projects["ptype"].fillna("").astype(str).to_numpy() if "ptype" in projects else np.full(n, "", dtype=object)
    raw = np.where(raw == "", default_type or "", raw)
    uniq, inv = np.unique(raw.astype(str), return_inverse=True)
    canon_u = np.array([ctx.vocab.canonical(u) for u in uniq], dtype=object)
    no_type = len(ctx.type_index)
    code_u = np.array([ctx.type_index.get(c, no_type) for c in canon_u], dtype=np.int64)
    return raw, canon_u[inv], code_u[inv]


def _district(pm: np.ndarray, size: np.ndarray, ctx: CheckContext) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(touches the district, share inside, distance outside in km) per project."""
    n = len(pm)
    dpi, _dz, dmeas = overlaps(pm, ctx.district_index, size)
    inside = np.zeros(n, dtype=bool)
    inside[dpi] = True
    share = np.zeros(n)
    if len(dpi):
        with np.errstate(divide="ignore", invalid="ignore"):
            share[dpi] = np.where(size[dpi] > 0, np.minimum(dmeas / size[dpi], 1.0), 1.0)
    dist = np.zeros(n)
    out = ~inside
    if out.any():
        _idx, d = ctx.district_edges.query_nearest(pm[out], return_distance=True, all_matches=False)
        dist[out] = d / 1000
    return inside, share, dist


def _townships(pm: np.ndarray, size: np.ndarray, ctx: CheckContext) -> tuple[np.ndarray, np.ndarray]:
    """The township with the largest overlap (points: the one containing it), its Chinese and English name."""
    township, township_en = np.full(len(pm), "", dtype=object), np.full(len(pm), "", dtype=object)
    tpi, tzi, tmeas = overlaps(pm, ctx.town_index, size)
    if len(tpi):
        first = pd.DataFrame({"p": tpi, "z": tzi, "m": tmeas}).sort_values(["p", "m"], ascending=[True, False]).drop_duplicates("p")
        p, z = first["p"].to_numpy(), first["z"].to_numpy()
        township[p] = ctx.town_names[z]
        township_en[p] = ctx.town_names_en[z] if len(ctx.town_names_en) else ctx.town_names[z]
    return township, township_en


def _axes(pm: np.ndarray, ctx: CheckContext) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The nearest development axis (Chinese and English name) and its distance in km."""
    name, name_en, km = np.full(len(pm), "", dtype=object), np.full(len(pm), "", dtype=object), np.full(len(pm), np.nan)
    if ctx.axis_tree is not None and len(pm):
        (ip, ia), dist = ctx.axis_tree.query_nearest(pm, return_distance=True, all_matches=False)
        name[ip], name_en[ip] = ctx.axes["name"].to_numpy()[ia], ctx.axes["name_en"].to_numpy()[ia]
        km[ip] = dist / 1000
    return name, name_en, km


def _transport(pm: np.ndarray, ctx: CheckContext) -> tuple[np.ndarray, np.ndarray]:
    """Up to three transport projects within :data:`NEARBY_TRANSPORT_KM`, nearest first (Chinese, English).

    Each (feature, distance as written) item and each list of items is written once and shared."""
    zh, en = np.full(len(pm), "", dtype=object), np.full(len(pm), "", dtype=object)
    if ctx.transport_tree is None or not len(pm):
        return zh, en
    ip, it = ctx.transport_tree.query(pm, predicate="dwithin", distance=NEARBY_TRANSPORT_KM * 1000)
    if not len(ip):
        return zh, en
    d = shapely.distance(pm[ip], ctx.transport_geoms[it]) / 1000
    order = np.lexsort((d, ip))  # stable: equal distances keep the tree's order
    ip, it, d = ip[order], it[order], d[order]
    starts = np.flatnonzero(np.r_[True, ip[1:] != ip[:-1]])
    rank = np.arange(len(ip)) - np.repeat(starts, np.diff(np.r_[starts, len(ip)]))
    near = rank < 3
    ip, it, d, rank = ip[near], it[near], d[near], rank[near]
    km_written = _one_decimal(d)  # d's values as few distinct numbers, each written as d is
    item, first = group_rows(it, text_ids(km_written, np.ones(len(d), dtype=bool), _km))
    names, names_en = ctx.transport["name"].to_numpy(dtype=object), ctx.transport["name_en"].to_numpy(dtype=object)
    km = np.array([_km(v) for v in km_written[first].tolist()], dtype=object)
    projects = ip[rank == 0]
    lists = np.full((len(projects), 3), -1, dtype=np.int64)
    lists[np.searchsorted(projects, ip), rank] = item
    group, rep = group_rows(*lists.T)
    for out, word, sep in ((zh, names[it[first]] + "(" + km + " km)", ";"), (en, names_en[it[first]] + " (" + km + " km)", "; ")):
        more = np.append(sep + word, "")  # the second and third items, "" for none (index -1)
        joined = word[lists[rep, 0]] + more[lists[rep, 1]] + more[lists[rep, 2]]
        out[projects] = joined[group]
    return zh, en


def _one_decimal(v: np.ndarray) -> np.ndarray:
    """``v`` with every value that ``f"{x:.1f}"`` writes unambiguously replaced by the number it writes (k / 10):
    the same text, and few distinct values. A value within 10⁻⁶ of a rounding tie stays as it is."""
    x = v * 10
    k = np.rint(x)
    with np.errstate(invalid="ignore"):  # inf, nan: not sure
        sure = np.isfinite(x) & (np.abs(x) < 1e6) & (np.abs(x - np.floor(x) - 0.5) > 1e-6)
    return np.where(sure, k / 10, v)


def _km(v: float) -> str:
    return f"{v:.1f}"


def _check_chunk(projects: gpd.GeoDataFrame, ctx: CheckContext, default_type: str, offset: int, details: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = len(projects)
    geoms_ll = projects.geometry.values.to_numpy() if n else np.array([], dtype=object)
    pm = to_metric(geoms_ll) if n else np.array([], dtype=object)
    dims = shapely.get_dimensions(pm) if n else np.zeros(0, int)
    size = measure(pm)
    raw_types, canon, tcode = _types(projects, ctx, default_type)
    in_any, dshare, ddist = _district(pm, size, ctx)
    township, township_en = _townships(pm, size, ctx)

    zpi, zzi, zmeas = overlaps(pm, ctx.zone_index, size)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(size[zpi] > 0, zmeas / size[zpi], 1.0) if len(zpi) else np.zeros(0)
    pair_code = ctx.verdict_table[zzi, tcode[zpi]] if len(zpi) else np.zeros(0, np.int8)
    d = decide(n, zpi, zzi, pair_code, share, ctx.zones["area_m2"].to_numpy() if len(ctx.zones) else np.zeros(0))
    verdict = d.verdict
    verdict[~in_any] = ATTN
    verdict[(tcode == len(ctx.type_index)) & (verdict == FITS)] = ATTN
    axis_name, axis_en, axis_km = _axes(pm, ctx)
    lon, lat = _representative_lonlat(geoms_ll)
    transport, transport_en = _transport(pm, ctx) if details else (np.full(n, "", dtype=object),) * 2
    summary = _frame({
        "project_no": np.arange(offset + 1, offset + n + 1),
        "name": projects["name"].astype(str).to_numpy(dtype=object) if n else [],
        "ptype_input": raw_types,
        "ptype": canon,
        "geom_kind": np.where(dims == 2, "面", np.where(dims == 1, "线", "点")).astype(object) if n else np.array([], dtype=object),
        "area_ha": np.where(dims == 2, size / 1e4, np.nan).round(4),
        "area_mu": np.where(dims == 2, size / 1e4 * MU_PER_HECTARE, np.nan).round(3),
        "length_km": np.where(dims == 1, size / 1000, np.nan).round(3),
        "lon": lon.round(6),
        "lat": lat.round(6),
        "in_district": np.where(dshare >= 1 - 1e-9, "是", np.where(in_any, "部分", "否")).astype(object),
        "district_share": dshare.round(4),
        "district_dist_km": ddist.round(3),
        "township": township,
        "zone_count": np.bincount(zpi[~ctx.zone_context[zzi]], minlength=n) if n and len(zpi) else np.zeros(n, int),
        "verdict": CODE_NAMES[verdict],
        "deciding_zone": _deciding_names(d.deciding, ctx.zones, "name"),
        "axis": axis_name,
        "axis_km": np.round(axis_km, 2),
        "transport": transport,
        "source": projects["source"].astype(str).to_numpy(dtype=object) if "source" in projects and n else np.full(n, "", dtype=object),
        "given": projects["given"].fillna("").astype(str).to_numpy(dtype=object) if "given" in projects and n else np.full(n, "", dtype=object),
        "deciding_zone_en": _deciding_names(d.deciding, ctx.zones, "name_en"),
        "township_en": township_en,
        "axis_en": axis_en,
        "transport_en": transport_en,
    })
    _add_reasons(summary, ctx, d, zpi, zzi, details)
    summary = summary[[c for c in _SUMMARY_ORDER if c in summary]]
    return summary, _zone_rows(summary, ctx, offset, zpi, zzi, zmeas, dims, share, pair_code, details)


#: column order of the summary (as the reports have always had it), then the English twins
_SUMMARY_ORDER = ("project_no", "name", "ptype_input", "ptype", "geom_kind", "area_ha", "area_mu", "length_km", "lon", "lat",
                  "in_district", "district_share", "district_dist_km", "township", "zone_count", "verdict", "deciding_zone",
                  "axis", "axis_km", "transport", "source", "given", "reason",
                  "reason_en", "deciding_zone_en", "township_en", "axis_en", "transport_en")


def _add_reasons(summary: pd.DataFrame, ctx: CheckContext, d: Decision, zpi: np.ndarray, zzi: np.ndarray, details: bool) -> None:
    """The ``reason`` and ``reason_en`` columns (empty without ``details``)."""
    if not details:
        summary["reason"] = summary["reason_en"] = ""
        return
    p, z = _context_pairs(zpi, zzi, ctx.zone_context)
    texts = ctx.reasons.reasons(summary, d, p, z)
    summary["reason"] = pd.Series(texts["zh"], dtype=object)
    summary["reason_en"] = pd.Series(texts["en"], dtype=object)


def _context_pairs(zpi: np.ndarray, zzi: np.ndarray, is_context: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (project row, context zone) pairs, sorted by project, then zone (catalog order), as
    :func:`~lukou_geo.sitecheck.overlay.overlaps` gives them."""
    if not len(zpi) or not is_context.any():
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    sel = is_context[zzi]
    return zpi[sel], zzi[sel]


def _zone_rows(summary: pd.DataFrame, ctx: CheckContext, offset: int, zpi: np.ndarray, zzi: np.ndarray, zmeas: np.ndarray,
               dims: np.ndarray, share: np.ndarray, pair_code: np.ndarray, details: bool) -> pd.DataFrame:
    """One row per (project, zone) pair, with the zone's rule and the plan's words (gathered per zone)."""
    z = ctx.zones
    has = bool(len(zpi))

    def col(name: str) -> Any:
        return z[name].to_numpy(dtype=object)[zzi] if has else np.array([], dtype=object)

    pdims = dims[zpi] if has else np.zeros(0, int)
    rows = _frame({
        "project_no": zpi + offset + 1,
        "project": summary["name"].to_numpy(dtype=object)[zpi] if has else np.array([], dtype=object),
        "layer_id": col("layer_id"),
        "layer": col("layer_zh"),
        "zone_id": col("id"),
        "zone": col("name"),
        "precision": col("precision"),
        "overlap_ha": np.where(pdims == 2, zmeas / 1e4, np.nan).round(4),
        "overlap_mu": np.where(pdims == 2, zmeas / 1e4 * MU_PER_HECTARE, np.nan).round(3),
        "overlap_km": np.where(pdims == 1, zmeas / 1000, np.nan).round(3),
        "share": np.asarray(share).round(4),
        "verdict": CODE_NAMES[pair_code],
        "context": ctx.zone_context[zzi] if has else np.zeros(0, dtype=bool),
        "layer_en": col("layer_en"),
        "zone_en": col("name_en"),
    })
    for lg, suffix in (("zh", ""), ("en", "_en")):
        rows["rule" + suffix] = _gather(ctx.zone_rules[lg], zzi) if details and has else ""
        rows["plan_words" + suffix] = _gather(ctx.zone_words[lg], zzi) if details and has else ""
    return rows


def _gather(per_zone: np.ndarray, zzi: np.ndarray) -> Any:
    """``per_zone[zzi]`` as the column pandas would make of it (``str``): the zones' few texts converted once, then
    taken (converting 10^6 Python strings to Arrow cost more than the overlay)."""
    return pd.Series(per_zone).array.take(zzi)


def _deciding_names(deciding: np.ndarray, zones: pd.DataFrame, column: str) -> np.ndarray:
    if not len(zones):
        return np.full(len(deciding), "", dtype=object)
    names = zones[column].to_numpy(dtype=object)
    return np.where(deciding >= 0, names[np.maximum(deciding, 0)], "").astype(object)


def _frame(columns: dict[str, Any]) -> pd.DataFrame:
    """A DataFrame whose text columns stay numpy object arrays: converting 10^5 Python strings to
    pandas' Arrow-backed ``str`` dtype costs more than the whole zone check."""
    return pd.DataFrame(
        {k: pd.Series(v, dtype=object) if isinstance(v, np.ndarray) and v.dtype.kind in "OU" else v for k, v in columns.items()},
        copy=False,
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


