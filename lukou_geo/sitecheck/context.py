"""The check context: the check layers in EPSG:4547 with their indexes, built lazily and cached.

The zone layers are those the catalog marks ``check = "zone"`` (they judge) and ``"context"`` (listed
as context, never judging: areas the plan names only by town); ``"axis"`` layers give the
distance to the development axes and ``"transport"`` layers the nearby transport projects.
Townships come from the ``townships`` layer (approximate), inside/outside from ``district``.
The plan-fit rules are the zones' ``fit_*`` properties (and ``_fit``: caps, para, quote, quote_en);
the vocabulary is ``layers/project_types.toml``. The 湘江 (``xiang_river``) is kept for the report maps.

:func:`get_context` builds a context the first time it is asked for and keeps it per catalog and
layer set, keyed by the modification of every file it was built from, so a changed layer file or
vocabulary is picked up and an unchanged one costs nothing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape

from lukou_geo import crs
from lukou_geo.catalog import Catalog
from lukou_geo.errors import CatalogError
from lukou_geo.sitecheck.overlay import ZoneIndex, index_zones
from lukou_geo.sitecheck.verdict import ReasonWriter, verdict_table
from lukou_geo.sitecheck.vocab import ProjectTypes, read_project_types


@dataclass
class CheckContext:
    """The check layers in EPSG:4547, indexed once (build with :func:`build_context`)."""

    catalog: Catalog
    vocab: ProjectTypes
    zones: pd.DataFrame  # one row per zone feature: layer_id, layer_zh, layer_en, id, name, name_en, precision, context, area_m2, rule...
    zone_geoms: np.ndarray  # shapely, EPSG:4547
    zone_index: ZoneIndex
    verdict_table: np.ndarray  # int8 [zone, type index (+1 for "no type")]
    type_index: dict[str, int]
    district: Any  # EPSG:4547, prepared
    district_index: ZoneIndex
    district_edges: shapely.STRtree  # the boundary's segments, for fast distances outside
    town_names: np.ndarray
    town_geoms: np.ndarray
    town_index: ZoneIndex
    axes: pd.DataFrame
    axis_geoms: np.ndarray
    transport: pd.DataFrame
    transport_geoms: np.ndarray
    reasons: ReasonWriter
    layer_titles: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: per zone and language ("zh", "en"): the rule in a sentence and the plan's words, for the zone rows
    zone_rules: dict[str, np.ndarray] = field(default_factory=dict)
    zone_words: dict[str, np.ndarray] = field(default_factory=dict)
    #: per zone: a context zone (lists, never judges)
    zone_context: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    town_names_en: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    #: the 湘江 (EPSG:4547), for the report maps; None when the catalog has no xiang_river layer
    river: Any = None
    axis_tree: shapely.STRtree | None = None
    transport_tree: shapely.STRtree | None = None


def to_metric(geoms: Any) -> np.ndarray:
    """WGS-84 geometries → EPSG:4547 (a numpy array of shapely geometries)."""
    return np.asarray(crs.to_metric(np.asarray(geoms, dtype=object)), dtype=object)


def _features(fc: dict[str, Any]) -> tuple[list[dict[str, Any]], np.ndarray]:
    feats = fc.get("features", [])
    return [f["properties"] for f in feats], np.array([shape(f["geometry"]) for f in feats], dtype=object)


def _record(lyr: Any, p: dict[str, Any]) -> dict[str, Any]:
    return {
        "layer_id": lyr.id, "layer_zh": lyr.title_zh, "layer_en": lyr.title_en, "id": p["id"], "name": p["name"],
        "name_en": p.get("name_en", ""), "precision": p.get("precision", ""), "plan_ref": p.get("plan_ref", ""),
        "plan_para": p.get("plan_para"),
    }


def _zone_record(lyr: Any, p: dict[str, Any], g: Any) -> dict[str, Any]:
    if g.geom_type not in ("Polygon", "MultiPolygon"):
        raise CatalogError(f"layer {lyr.id!r}: check = {lyr.check} needs polygons, feature {p['id']} is {g.geom_type}")
    context = lyr.check == "context"
    words = p.get("_fit") or {}
    return {
        **_record(lyr, p), "context": context,
        "fit_fits": list(p.get("fit_fits") or []), "fit_conflicts": list(p.get("fit_conflicts") or []),
        "fit_other": p.get("fit_other", ""), "fit_ref": p.get("fit_ref", ""),
        "fit_caps": bool(words.get("caps")), "fit_para": words.get("para"), "fit_quote": words.get("quote", ""),
        "fit_quote_en": words.get("quote_en", ""),
        "has_rule": not context and "fit_fits" in p,
    }


def _check_layers(catalog: Catalog, data: dict[str, dict[str, Any]], layers: frozenset[str] | None) -> dict[str, tuple[list, list]]:
    out: dict[str, tuple[list, list]] = {"zone": ([], []), "axis": ([], []), "transport": ([], [])}
    for lyr in catalog.layers:
        areal = lyr.check in ("zone", "context")
        if not lyr.check or lyr.id not in data or (layers is not None and areal and lyr.id not in layers):
            continue
        rows, geoms = out["zone" if areal else lyr.check]
        props, gs = _features(data[lyr.id])
        for p, g in zip(props, gs, strict=True):
            rows.append(_zone_record(lyr, p, g) if areal else _record(lyr, p))
            geoms.append(g)
    return out


def _edge_tree(polygon: Any) -> shapely.STRtree:
    """STRtree of a polygon's boundary segments: the nearest segment gives the distance from any
    point outside (one indexed lookup instead of a scan of every vertex per project)."""
    coords = [shapely.get_coordinates(ring) for ring in shapely.get_parts(shapely.boundary(polygon))]
    segs = np.concatenate([np.stack([c[:-1], c[1:]], axis=1) for c in coords])
    return shapely.STRtree(shapely.linestrings(segs))


def _metric_or_empty(geoms: list[Any]) -> np.ndarray:
    return to_metric(geoms) if geoms else np.array([], dtype=object)


def build_context(catalog: Catalog, data: dict[str, dict[str, Any]], vocab: ProjectTypes | None = None,
                  layers: frozenset[str] | None = None) -> CheckContext:
    """Prepare the check layers of ``catalog`` (``data`` as returned by ``validate_data``).

    ``layers``: the zone layers to check against (None: every ``check = "zone"`` or ``"context"`` layer).
    """
    if vocab is None:
        own = (catalog.layers_dir or catalog.root / "layers") / "project_types.toml"
        vocab = read_project_types(own if own.exists() else None)
    parts = _check_layers(catalog, data, layers)
    zrows, zgeoms = parts["zone"]
    zones = pd.DataFrame(zrows)
    zone_geoms = _metric_or_empty(zgeoms)
    zones["area_m2"] = shapely.area(zone_geoms) if len(zone_geoms) else []
    table, type_index = verdict_table(zrows, vocab)
    district = to_metric(_features(data["district"])[1])[0]
    shapely.prepare(district)
    tprops, tgeoms = _features(data["townships"])
    town_geoms = to_metric(tgeoms)
    axis_geoms, transport_geoms = _metric_or_empty(parts["axis"][1]), _metric_or_empty(parts["transport"][1])
    reasons = ReasonWriter(zones, vocab)
    river = None
    if "xiang_river" in data and data["xiang_river"].get("features"):
        river = to_metric(_features(data["xiang_river"])[1])
    return CheckContext(
        catalog=catalog, vocab=vocab, zones=zones, zone_geoms=zone_geoms, zone_index=index_zones(zone_geoms),
        verdict_table=table, type_index=type_index,
        district=district, district_index=index_zones(np.array([district], dtype=object)), district_edges=_edge_tree(district),
        town_names=np.array([p["name"] for p in tprops], dtype=object), town_geoms=town_geoms, town_index=index_zones(town_geoms),
        axes=pd.DataFrame(parts["axis"][0]), axis_geoms=axis_geoms,
        transport=pd.DataFrame(parts["transport"][0]), transport_geoms=transport_geoms,
        reasons=reasons, layer_titles={lyr.id: (lyr.title_zh, lyr.title_en) for lyr in catalog.layers},
        zone_rules={lg: reasons.rules(lg) for lg in ("zh", "en")}, zone_words={lg: reasons.plan_words(lg) for lg in ("zh", "en")},
        zone_context=zones["context"].to_numpy(dtype=bool) if len(zones) else np.zeros(0, dtype=bool),
        town_names_en=np.array([p.get("name_en") or p["name"] for p in tprops], dtype=object), river=river,
        axis_tree=shapely.STRtree(axis_geoms) if len(axis_geoms) else None,
        transport_tree=shapely.STRtree(transport_geoms) if len(transport_geoms) else None,
    )


# ------------------------------------------------------------------------------ the cache

_CACHE: dict[tuple, tuple[tuple, CheckContext]] = {}
_LOCK = threading.Lock()


def _stamp(paths: list[Path]) -> tuple:
    """(path, mtime_ns, size) of every file; a missing file stamps as absent."""
    out = []
    for p in paths:
        try:
            st = p.stat()
            out.append((str(p), st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((str(p), None, None))
    return tuple(out)


def _sources(catalog: Catalog) -> list[Path]:
    """Every file a context of ``catalog`` is built from: the catalog files, the vocabulary, the layer files."""
    ldir = catalog.layers_dir or catalog.root / "layers"
    files = sorted(ldir.glob("*.toml")) if ldir.is_dir() else []
    return files + [catalog.path(lyr) for lyr in catalog.layers if lyr.check or lyr.id in ("district", "townships", "xiang_river")]


def get_context(catalog: Catalog | None = None, layers: frozenset[str] | None = None,
                data: dict[str, dict[str, Any]] | None = None) -> CheckContext:
    """The context of ``catalog`` (default: the repository's), built on first use and cached.

    The cache is per catalog root and layer set and is keyed by the modification time and size of
    every source file, so an edited layer or vocabulary rebuilds it. ``data``: the catalog's
    validated layer data when the caller has it (else it is read).
    """
    from lukou_geo.catalog import read_catalog, validate_data

    catalog = catalog or read_catalog()
    key = (str(catalog.root), tuple((lyr.id, lyr.file, lyr.check) for lyr in catalog.layers), layers)
    stamp = _stamp(_sources(catalog))
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        ctx = build_context(catalog, data if data is not None else validate_data(catalog), layers=layers)
        _CACHE[key] = (stamp, ctx)
        return ctx


def default_context() -> CheckContext:
    """The context of the repository's catalog (:func:`get_context` with no arguments)."""
    return get_context()
