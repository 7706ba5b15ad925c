"""Turning a delivered layer into the store's form: geometry repaired and in WGS-84, standard fields.

Everything here is vectorised Shapely 2 / pyproj / pandas; nothing writes to the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS, Transformer

from lukou_geo.crs import to_lonlat, to_metric
from lukou_geo.errors import InputError
from lukou_geo.store import formats, kinds
from lukou_geo.store._sitecheck import CrsSpec, to_wgs84_geoms
from lukou_geo.store.base import STANDARD_FIELDS, FieldInfo

#: How far outside the district boundary a feature may lie and still count as inside (m).
OUTSIDE_TOLERANCE_M = 3000.0
_FAMILY = {"Polygon": "polygon", "MultiPolygon": "polygon", "LineString": "line", "MultiLineString": "line",
           "LinearRing": "line", "Point": "point", "MultiPoint": "point"}
_POLY_TYPES = {"polygon": (3, 6), "line": (1, 2, 5), "point": (0, 4)}  # shapely type ids per family
#: Columns LIBKML adds to every KML layer; dropped when they hold nothing.
_KML_BOILERPLATE = ("timestamp", "begin", "end", "altitudeMode", "tessellate", "extrude", "visibility", "drawOrder", "icon", "snippet")


@dataclass
class Cleaned:
    geoms: np.ndarray  # kept geometries, WGS-84
    keep: np.ndarray  # bool per input feature
    repaired: np.ndarray  # bool per kept feature
    family: str
    notes: list[str] = field(default_factory=list)


def family_of(geoms: np.ndarray, file: str) -> str:
    """The geometry family most features have (on a tie, the one that comes first in the layer)."""
    ids = shapely.get_type_id(geoms)
    found = {fam: np.isin(ids, types) for fam, types in _POLY_TYPES.items()}
    counts = {fam: int(m.sum()) for fam, m in found.items()}
    top = max(counts.values())
    if top == 0:
        raise InputError(file, "图层没有可用的几何(全部为空)", "the layer has no usable geometry (all empty)",
                         "确认导出时包含了图形", "check the export included the shapes")
    return min((fam for fam, c in counts.items() if c == top), key=lambda fam: int(np.argmax(found[fam])))


def _only(geoms: np.ndarray, fam: str) -> np.ndarray:
    """Keep the parts of the family in collections (make_valid can return polygons with stray lines)."""
    out = geoms.copy()
    coll = shapely.get_type_id(out) == 7
    for i in np.flatnonzero(coll):
        parts = [p for p in shapely.get_parts(out[i]) if shapely.get_type_id(p) in _POLY_TYPES[fam] and not p.is_empty]
        out[i] = shapely.union_all(parts) if parts else None
    return out


def clean(geoms: np.ndarray, file: str) -> Cleaned:
    """Drop empty geometries and those of another kind; repair invalid ones with ``make_valid``."""
    g = np.asarray(geoms, dtype=object)
    if shapely.has_z(g).any():
        g = np.asarray(shapely.force_2d(g), dtype=object)
    notes: list[str] = []
    fam = family_of(g, file)
    g = _only(g, fam)
    present = ~(shapely.is_missing(g) | shapely.is_empty(g))
    ids = shapely.get_type_id(g)
    right = np.isin(ids, _POLY_TYPES[fam])
    other = present & ~right
    if other.any():
        notes.append(f"{file}:{int(other.sum())} 个要素的几何类型与图层({fam})不符,已舍弃 / "
                     f"{int(other.sum())} features of another geometry type than the layer's ({fam}) dropped")
    ok = present & right
    invalid = ok & ~shapely.is_valid(np.where(ok, g, None))
    repaired = np.zeros(len(g), dtype=bool)
    if invalid.any():
        fixed = _only(shapely.make_valid(g[invalid]), fam)
        good = ~(shapely.is_missing(fixed) | shapely.is_empty(fixed)) & np.isin(shapely.get_type_id(fixed), _POLY_TYPES[fam])
        idx = np.flatnonzero(invalid)
        g[idx[good]] = fixed[good]
        repaired[idx[good]] = True
        ok[idx[~good]] = False
    return Cleaned(g[ok], ok, repaired[ok], fam, notes)


def to_wgs84(geoms: np.ndarray, declared: CRS | None, spec: CrsSpec | None, file: str, notes: list[str]) -> tuple[np.ndarray, str]:
    """(geometries in WGS-84, source CRS label). The declared CRS wins; without one, ``spec``
    (the site check's ``--crs`` choices) or an error naming the fix."""
    if declared is not None:
        epsg = declared.to_epsg()
        label = f"EPSG:{epsg}" if epsg else declared.name
        if spec is not None and spec.kind != "auto":
            notes.append(f"{file}:文件声明了坐标系 {label},未使用 --crs / the file declares {label}: --crs not used")
        if epsg in (4326, 4490):  # CGCS2000 lon/lat is WGS-84 at map accuracy: PROJ's transform is the identity
            out = geoms
        else:
            out = _transform(geoms, declared)
    else:
        if spec is None or spec.kind == "auto":
            raise InputError(file, "文件没有坐标系信息(缺少 .prj 或坐标系未定义)", "the file declares no CRS (no .prj, or undefined)",
                             "用 --crs 指定坐标系,例如 --crs EPSG:4490、--crs gk-zone:38(带号前缀)或 --crs gk-cm:114",
                             "choose it with --crs, e.g. EPSG:4490, gk-zone:38 (zone prefix) or gk-cm:114")
        out = to_wgs84_geoms(geoms, spec, file, notes)
        label = _spec_label(spec, shapely.get_coordinates(geoms))
    c = shapely.get_coordinates(out)
    if len(c) and (not np.isfinite(c).all() or np.abs(c[:, 0]).max() > 180 or np.abs(c[:, 1]).max() > 90):
        raise InputError(file, "坐标换算后不是经纬度:文件声明的坐标系与坐标不符",
                         "after conversion the coordinates are not lon/lat: the declared CRS does not fit them",
                         "在 GIS 中为数据定义正确的坐标系后重新导出", "define the right CRS in a GIS and export again")
    return np.asarray(out, dtype=object), label


def _transform(geoms: np.ndarray, crs: CRS, chunk: int = 50_000) -> np.ndarray:
    """``geoms`` from ``crs`` to WGS-84, big layers in two halves on two threads: PROJ and Shapely release the GIL,
    and the import waits for this before its tiles can start (150,000 parcels: 1.0–1.1 → 0.65–0.74 s wall)."""
    if len(geoms) < chunk:
        return shapely.transform(geoms, _to_wgs84_transformer(crs).transform, interleaved=False)
    from concurrent.futures import ThreadPoolExecutor

    def part(g: np.ndarray) -> np.ndarray:  # a Transformer per thread
        return shapely.transform(g, _to_wgs84_transformer(crs).transform, interleaved=False)

    with ThreadPoolExecutor(2) as pool:
        return np.concatenate(list(pool.map(part, np.array_split(np.asarray(geoms, dtype=object), 2))))


def _to_wgs84_transformer(crs: CRS) -> Transformer:
    """The transformer ``GeoSeries.to_crs("EPSG:4326")`` uses: the same output, with x and y passed as they are
    (no interleaved copy). Made per call (≈ 40 ms): a Transformer is not to be shared between threads."""
    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def _spec_label(spec: CrsSpec, coords: np.ndarray) -> str:
    """The EPSG code the chosen CRS amounts to for these coordinates (GK: with or without the zone prefix)."""
    degrees = len(coords) and np.abs(coords).max() <= 180
    if spec.kind == "lonlat" or (spec.kind == "auto" and degrees):
        return {"wgs84": "EPSG:4326", "gcj02": "GCJ-02", "bd09": "BD-09"}[spec.converter]
    if spec.kind == "epsg":
        return f"EPSG:{spec.epsg}"
    prefixed = bool(len(coords)) and bool((coords[:, 0] >= 1e6).all())
    zone = int(coords[0, 0] // 1e6) if prefixed else (spec.zone or 38)
    return f"EPSG:{4488 + zone}" if prefixed else f"EPSG:{4509 + zone}"


def repair_after_transform(geoms: np.ndarray, fam: str) -> np.ndarray:
    """A reprojection can make a valid ring touch itself; such features are repaired again."""
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        fixed = _only(shapely.make_valid(geoms[bad]), fam)
        keep = ~(shapely.is_missing(fixed) | shapely.is_empty(fixed))
        idx = np.flatnonzero(bad)
        geoms[idx[keep]] = fixed[keep]
    return bad


@lru_cache(maxsize=16)
def _measures_as_is(wkt: str) -> bool:
    from lukou_geo.settings import MEASURE_CRS

    crs, measure = CRS.from_wkt(wkt), CRS.from_user_input(MEASURE_CRS)
    op, mop = crs.coordinate_operation, measure.coordinate_operation
    if not crs.is_projected or op is None or mop is None or op.method_code != mop.method_code:
        return False
    if crs.datum != measure.datum or crs.ellipsoid != measure.ellipsoid:
        return False
    if any(a.unit_name != "metre" for a in crs.axis_info):
        return False

    def shape(o: object) -> dict[str, tuple[float, str]]:  # the parameters but the false origin (8806 easting, 8807 northing)
        return {p.code: (p.value, p.unit_name) for p in o.params if p.code not in ("8806", "8807")}  # type: ignore[attr-defined]

    a, b = shape(op), shape(mop)
    return a.keys() == b.keys() and all(a[k][1] == b[k][1] and np.isclose(a[k][0], b[k][0], rtol=0, atol=1e-12) for k in a)


def areas(source: np.ndarray, declared: CRS | None, geoms: np.ndarray, again: np.ndarray) -> np.ndarray:
    """Areas (m², EPSG:4547) of the kept polygons: ``geoms`` in WGS-84, ``source`` the same before reprojection.

    A delivery in EPSG:4547's own projection with another false origin (CGCS2000 Gauss-Kruger CM 114E: EPSG:4547,
    or EPSG:4526, zone 38 with its prefix, as 三调 data comes) holds EPSG:4547 coordinates shifted by a constant, which
    leaves areas unchanged: they are measured on the delivered coordinates, with no transform (the same figures to
    10⁻⁹ m² a hectare). Features repaired after the reprojection (``again``) are measured on their repaired form.
    """
    if declared is None or not _measures_as_is(declared.to_wkt()):
        return shapely.area(to_metric(geoms))
    out = shapely.area(source)
    if again.any():
        out[again] = shapely.area(to_metric(geoms[again]))
    return out


@lru_cache(maxsize=4)
def _district_zone(path: str, mtime: float, tolerance_m: float) -> shapely.Geometry:
    gdf = pyogrio.read_dataframe(path)
    zone = shapely.buffer(shapely.union_all(to_metric(gdf.geometry.values)), tolerance_m)
    out = to_lonlat(zone)
    shapely.prepare(out)
    return out


def district_zone(tolerance_m: float = OUTSIDE_TOLERANCE_M) -> shapely.Geometry | None:
    """The district (``district`` in the catalog) grown by ``tolerance_m``, WGS-84; None without a catalog."""
    from lukou_geo.catalog import read_catalog
    from lukou_geo.errors import CatalogError

    try:
        catalog = read_catalog()
        path = catalog.path(catalog.layer("district"))
    except (CatalogError, KeyError, FileNotFoundError):
        return None
    if not Path(path).exists():
        return None
    return _district_zone(str(path), Path(path).stat().st_mtime, tolerance_m)


def outside(geoms: np.ndarray) -> np.ndarray:
    zone = district_zone()
    if zone is None:
        return np.zeros(len(geoms), dtype=bool)
    return ~shapely.intersects(zone, geoms)


# ------------------------------------------------------------------------------ fields


def _safe_names(columns: list[str]) -> dict[str, str]:
    """Original field → stored name: unchanged unless it would clash with a standard field, the
    geometry or another field that differs only in case (SQLite names ignore case)."""
    taken = {s.lower() for s in STANDARD_FIELDS} | {"geom", "geometry"}
    out: dict[str, str] = {}
    for c in columns:
        name = str(c)
        base, k = name, 1
        while name.lower() in taken:
            k += 1
            name = f"{base}_src" if k == 2 else f"{base}_src{k - 1}"
        taken.add(name.lower())
        out[str(c)] = name
    return out


def _strings(s: pd.Series) -> pd.Series:
    """Text as ``str`` or ``None`` in an object column (one type per column for GDAL and COPY)."""
    arr = s.to_numpy(dtype=object, na_value=None)
    if pd.api.types.infer_dtype(arr, skipna=True) not in ("string", "empty"):  # C speed; the loop only for mixed columns
        arr = np.array([None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in arr], dtype=object)
    return pd.Series(arr, index=s.index, dtype=object)


def standard_fields(df: pd.DataFrame, kind: str, layer_name: str, file: str, notes: list[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """The ``lk_*`` columns from the delivery's own (see :data:`kinds.FIELD_MAP`), and the mapping used."""
    mapping = kinds.field_mapping(kind, list(df.columns))
    n = len(df)
    out = pd.DataFrame(index=df.index)
    code = kinds.code_strings(df[mapping["lk_code"]]) if "lk_code" in mapping else pd.Series([None] * n, index=df.index, dtype=object)
    out["lk_code"] = code
    out["lk_name"] = _strings(df[mapping["lk_name"]]) if "lk_name" in mapping else None
    first = code.astype(object).str[:2]  # str or None: the class codes are text or missing (kinds.code_strings)
    out["lk_code1"] = pd.Series(first.where(first.str.len() > 0).to_numpy(dtype=object, na_value=None), index=df.index, dtype=object)
    for std in ("lk_bsm", "lk_xzqdm", "lk_ref_id", "lk_ref_name"):
        out[std] = kinds.code_strings(df[mapping[std]]) if std in mapping else None
    for std in kinds.NUMERIC_FIELDS:
        out[std] = pd.to_numeric(df[mapping[std]], errors="coerce").astype("float64") if std in mapping else np.nan
    if "lk_kcxs" in mapping and out["lk_kcxs"].max(skipna=True) > 1:
        out["lk_kcxs"] = out["lk_kcxs"] / 100.0
        notes.append(f"{file}:{mapping['lk_kcxs']} 按百分数给出,已换算为系数 / {mapping['lk_kcxs']} was in percent: divided by 100")
    if "lk_year" in mapping:
        out["lk_year"] = kinds.years(df[mapping["lk_year"]])
    else:
        out["lk_year"] = pd.array([kinds.year_in_name(layer_name, file)] * n, dtype="Int64")
    for c in ("lk_name", "lk_bsm", "lk_xzqdm", "lk_ref_id", "lk_ref_name"):
        if out[c].isna().all():
            out[c] = pd.Series([None] * n, index=df.index, dtype=object)
    return out, mapping


def drop_kml_boilerplate(df: pd.DataFrame, driver: str) -> pd.DataFrame:
    if not formats.has_boilerplate(driver):
        return df
    drop = [c for c in _KML_BOILERPLATE if c in df.columns and (df[c].isna() | df[c].isin([-1, 0, ""])).all()]
    return df.drop(columns=drop)


_DT = re.compile(r"datetime64")


def original_fields(df: pd.DataFrame) -> tuple[pd.DataFrame, list[FieldInfo], dict[str, str]]:
    """The delivery's fields under store-safe names, with their types; strings as str or None."""
    names = _safe_names(list(df.columns))
    out = df.rename(columns=names)
    for c in out.columns:
        s = out[c]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            out[c] = _strings(s)
        elif str(s.dtype) == "bool":
            out[c] = s.astype("int64")
        elif _DT.match(str(s.dtype)) and getattr(s.dt, "tz", None) is not None:
            out[c] = s.dt.tz_convert("UTC").dt.tz_localize(None)
    infos = [FieldInfo(name=names[str(c)], dtype=str(df[c].dtype)) for c in df.columns]
    return out, infos, names
