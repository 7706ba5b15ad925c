"""The ``crs`` argument of the site-check inputs, and the conversion of their geometries to WGS-84.

CRSs (see :data:`CRS_CHOICES`): WGS-84 / CGCS2000 lon/lat, GCJ-02, BD-09, CGCS2000 3° Gauss-Kruger by
zone or central meridian, with or without the zone prefix in the easting, or any ``EPSG:nnnn``.
``auto`` takes degrees as WGS-84 and metres as Gauss-Kruger (zone from the easting prefix; without a
prefix zone 38 / CM 114°E, the zone the whole district lies in, and a note says so).

A choice applies only to inputs that declare no CRS; a CRS a file declares (a ``.prj``, a GeoPackage
layer's, a GeoJSON ``crs`` member, a 部标 file's ``坐标系``) is converted with pyproj
(:func:`declared_to_wgs84`), other datums (Beijing 1954, Xi'an 1980) included, with a note of how
exact pyproj's transformation is. Every conversion notes the CRS it used ("所用坐标系 / CRS used").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from lukou_geo import crs as ccrs
from lukou_geo.errors import InputError
from lukou_geo.sitecheck.inputs.crs_choices import CRS_CHOICES  # re-exported

#: Aliases accepted for ``crs``.
_CRS_ALIASES = {
    "cgcs2000": "wgs84",
    "epsg:4326": "wgs84",
    "epsg:4490": "wgs84",
    "wgs-84": "wgs84",
    "gps": "wgs84",
    "gcj-02": "gcj02",
    "amap": "gcj02",
    "gaode": "gcj02",
    "高德": "gcj02",
    "腾讯": "gcj02",
    "bd-09": "bd09",
    "baidu": "bd09",
    "百度": "bd09",
}
DEFAULT_GK_ZONE = 38  # the whole district (112.97–113.32°E) lies in 3° zone 38, CM 114°E


@dataclass(frozen=True)
class CrsSpec:
    """A resolved ``crs`` argument."""

    kind: str  # "auto" | "lonlat" | "gk" | "epsg"
    converter: str = "wgs84"  # lonlat: wgs84 | gcj02 | bd09
    zone: int | None = None  # gk: fixed zone (None = from the easting prefix)
    prefix_required: bool = False
    epsg: int | None = None
    datum: str = "cgcs2000"  # gk: cgcs2000 | xian80 | beijing54 (a 部标 file's 坐标系)
    guessed: bool = False  # auto with no lon/lat CRS chosen: degrees are taken as WGS-84 with a DegreesGuessed note


class DegreesGuessed(str):
    """The note that degrees were taken as WGS-84 because no lon/lat CRS was chosen (``crs="auto"``).

    GCJ-02 (高德) and WGS-84 cannot be told apart by the numbers; the check page holds such an input
    until the planner says where the coordinates come from (``auto:gcj02``, ``auto:wgs84``…)."""


#: Gauss-Kruger datums: (label zh, label en, EPSG of 3° zone 25 with its CM and no prefix; zones follow in order).
GK_DATUMS: dict[str, tuple[str, str, int]] = {
    "cgcs2000": ("CGCS2000", "CGCS2000", 4534),
    "xian80": ("西安80", "Xian 1980", 2370),
    "beijing54": ("北京54", "Beijing 1954", 2422),
}
#: Datums equal to WGS-84 at map accuracy (DESIGN: CGCS2000 equals WGS-84 at map accuracy).
_WGS84_LIKE = ("World Geodetic System 1984", "China 2000", "China Geodetic Coordinate System 2000")
_LONLAT_LABELS = {"wgs84": ("WGS-84/CGCS2000 经纬度", "WGS-84/CGCS2000 lon/lat"), "gcj02": ("GCJ-02(高德/腾讯)", "GCJ-02 (Amap/Tencent)"),
                  "bd09": ("BD-09(百度)", "BD-09 (Baidu)")}


def used_note(file: str, zh: str, en: str) -> str:
    """The note saying which CRS an input was read in."""
    return f"{file}:所用坐标系 {zh} / CRS used: {en}"


def spec_label(spec: CrsSpec) -> tuple[str, str]:
    """(zh, en) naming a chosen CRS, for the notes."""
    if spec.kind == "lonlat":
        return _LONLAT_LABELS[spec.converter]
    if spec.kind == "gk":
        zh, en, _ = GK_DATUMS[spec.datum]
        if spec.zone is None:
            return f"{zh} 3度带高斯-克吕格(带号取自前缀)", f"{en} 3° Gauss-Kruger (zone from the prefix)"
        return f"{zh} 3度带高斯-克吕格 带号 {spec.zone}", f"{en} 3° Gauss-Kruger zone {spec.zone}"
    if spec.kind == "epsg":
        return f"EPSG:{spec.epsg}", f"EPSG:{spec.epsg}"
    return "自动识别", "auto"


def parse_crs(spec: str | None, file: str = "--crs") -> CrsSpec:
    """Resolve a ``crs`` argument (see :data:`CRS_CHOICES`); :class:`InputError` names the fix."""
    s = (spec or "auto").strip().lower()
    s = _CRS_ALIASES.get(s, s)
    if s == "auto":
        return CrsSpec("auto", guessed=True)
    m = re.fullmatch(r"auto:(.+)", s)
    if m and _CRS_ALIASES.get(m.group(1), m.group(1)) in ("wgs84", "gcj02", "bd09"):
        return CrsSpec("auto", converter=_CRS_ALIASES.get(m.group(1), m.group(1)))  # degrees as chosen, metres as Gauss-Kruger
    if s in ("wgs84", "gcj02", "bd09"):
        return CrsSpec("lonlat", converter=s)
    if s == "gk":
        return CrsSpec("gk", prefix_required=True)
    m = re.fullmatch(r"gk-?(zone|cm)[:=]?(\d+)", s)
    if m:
        return _gauss_kruger_spec(m.group(1), int(m.group(2)), spec, file)
    m = re.fullmatch(r"epsg:(\d{4,5})", s)
    if m:
        return _epsg_spec(int(m.group(1)), file)
    raise InputError(
        file,
        f"无法识别的坐标系「{spec}」",
        f"unknown CRS {spec!r}",
        "可选:" + ", ".join(CRS_CHOICES) + " 或 EPSG:nnnn",
        "choose one of " + ", ".join(CRS_CHOICES) + " or EPSG:nnnn",
    )


def _gauss_kruger_spec(by: str, n: int, spec: str | None, file: str) -> CrsSpec:
    """``gk-zone:N`` (``by`` = "zone") or ``gk-cm:N`` (``by`` = "cm")."""
    zone = n if by == "zone" else n // 3
    if not 25 <= zone <= 45 or (by == "cm" and n % 3):
        raise InputError(
            file,
            f"高斯-克吕格参数 {spec} 无效",
            f"invalid Gauss-Kruger setting {spec}",
            "3度带带号为25–45,中央经线为75–135之间3的倍数,例如 gk-zone:38 或 gk-cm:114",
            "3° zones are 25–45, central meridians multiples of 3 in 75–135, e.g. gk-zone:38 or gk-cm:114",
        )
    return CrsSpec("gk", zone=zone)


def _epsg_spec(code: int, file: str) -> CrsSpec:
    """``EPSG:nnnn``: geographic codes are lon/lat, CGCS2000 3° Gauss-Kruger codes name their zone."""
    try:
        crs_obj = CRS.from_epsg(code)
    except CRSError as exc:
        raise InputError(file, f"未知的坐标系 EPSG:{code}", f"unknown CRS EPSG:{code}", "请检查代码", "check the code") from exc
    if crs_obj.is_geographic:
        return CrsSpec("lonlat")
    if 4513 <= code <= 4533:
        return CrsSpec("gk", zone=code - 4488)
    if 4534 <= code <= 4554:
        return CrsSpec("gk", zone=code - 4509)
    return CrsSpec("epsg", epsg=code)


def looks_degrees(xs: np.ndarray, ys: np.ndarray) -> bool:
    """Whether every coordinate could be degrees (|x| and |y| ≤ 180)."""
    return bool(np.all(np.abs(xs) <= 180) and np.all(np.abs(ys) <= 180))


def to_wgs84_geoms(geoms: np.ndarray, spec: CrsSpec, file: str, notes: list[str]) -> np.ndarray:
    """Convert shapely geometries in ``spec`` coordinates (x = lon or easting) to WGS-84.

    ``auto`` decides between degrees and Gauss-Kruger metres from the coordinates; the notes met on
    the way (metres read as Gauss-Kruger, zone 38 assumed) are appended to ``notes``.
    """
    if len(geoms) == 0:
        return geoms
    coords = shapely.get_coordinates(geoms)
    kind = spec.kind
    if kind == "auto":
        kind = "lonlat" if looks_degrees(coords[:, 0], coords[:, 1]) else "gk"
        if kind == "gk":
            notes.append(f"{file}:坐标为米制,按 CGCS2000 高斯-克吕格3度带处理 / metric coordinates read as CGCS2000 Gauss-Kruger 3°")
    if kind == "lonlat":
        notes.append(used_note(file, *_LONLAT_LABELS[spec.converter]))
        if spec.kind == "auto" and spec.guessed:
            notes.append(DegreesGuessed(f"{file}:经纬度坐标未指明来源,按 WGS-84 读取;高德(GCJ-02)坐标会因此偏移约 600 米 / "
                                        "degrees with no source chosen were read as WGS-84; Amap (GCJ-02) points would be ~600 m off"))
        if spec.converter == "wgs84":
            return geoms
        return ccrs.transform_geometry(geoms, ccrs.TO_WGS84[spec.converter])
    if kind == "epsg":
        return declared_to_wgs84(geoms, CRS.from_epsg(spec.epsg), file, notes, declared=False)
    return _gauss_kruger_to_wgs84(geoms, coords[:, 0], spec, file, notes)


def to_wgs84_tagged(geoms: np.ndarray, metric: bool, spec: CrsSpec, file: str, notes: list[str]) -> np.ndarray:
    """Rows already told apart as metres (``metric``) or degrees, to WGS-84: metres in the chosen projected CRS
    (``auto``: Gauss-Kruger), degrees as the chosen lon/lat CRS (a projected choice does not apply to them: noted)."""
    if metric:
        if spec.kind == "auto":
            notes.append(f"{file}:坐标为米制,按 CGCS2000 高斯-克吕格3度带处理 / metric coordinates read as CGCS2000 Gauss-Kruger 3°")
        return to_wgs84_geoms(geoms, spec if spec.kind in ("gk", "epsg") else CrsSpec("gk"), file, notes)
    if spec.kind in ("gk", "epsg"):
        notes.append(f"{file}:所选坐标系为投影(米制),但这些坐标是经纬度,按 WGS-84 读取 / a projected CRS was chosen "
                     "but these coordinates are degrees: read as WGS-84")
    if spec.kind == "auto":
        return to_wgs84_geoms(geoms, spec, file, notes)  # degrees as the chosen lon/lat source (noted when guessed)
    return to_wgs84_geoms(geoms, spec if spec.kind == "lonlat" else CrsSpec("lonlat"), file, notes)


def is_wgs84_like(crs: CRS) -> bool:
    """Whether a geographic CRS equals WGS-84 at map accuracy (WGS-84, CGCS2000)."""
    datum = crs.datum.name if crs.datum is not None else ""
    return any(d in datum for d in _WGS84_LIKE)


@lru_cache(maxsize=64)
def _transformer_wkt(src_wkt: str) -> tuple[str, str]:
    """(PROJ pipeline, description) of pyproj's transformation of a CRS (as WKT) to WGS-84 around the district."""
    from pyproj.transformer import AreaOfInterest

    aoi = AreaOfInterest(112.9, 27.1, 113.4, 27.9)
    tr = Transformer.from_crs(CRS.from_wkt(src_wkt), "EPSG:4326", always_xy=True, area_of_interest=aoi)
    return tr.definition, tr.description


def declared_to_wgs84(geoms: np.ndarray, crs: Any, file: str, notes: list[str], declared: bool = True) -> np.ndarray:
    """Geometries in ``crs`` (a pyproj CRS, any datum) → WGS-84 through pyproj, noting the CRS and, for another
    datum than WGS-84/CGCS2000, how exact pyproj's transformation is."""
    crs = CRS.from_user_input(crs)
    name = crs.name + (f"(EPSG:{crs.to_epsg()})" if crs.to_epsg() else "")
    how_zh, how_en = ("文件声明的 ", "declared by the file: ") if declared else ("所选的 ", "chosen: ")
    notes.append(used_note(file, how_zh + name, how_en + name))
    geodetic = crs.geodetic_crs if crs.geodetic_crs is not None else crs
    if crs.is_geographic and is_wgs84_like(crs):
        return geoms
    pipeline, description = _transformer_wkt(crs.to_wkt())
    if not is_wgs84_like(geodetic) and "ballpark" in description.lower():
        notes.append(
            f"{file}:{geodetic.name} 到 WGS-84 在本地区 pyproj 只有零偏移近似(没有转换参数),位置可能偏差数十米至百米;"
            f"正式审查请先换算为 CGCS2000 / pyproj has only a ballpark transformation (no datum shift) from {geodetic.name} "
            "to WGS-84 here: positions may be off by tens of metres up to about 100 m; convert to CGCS2000 for a formal review"
        )
    tr = Transformer.from_pipeline(pipeline)
    return shapely.transform(geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def _gauss_kruger_to_wgs84(geoms: np.ndarray, eastings: np.ndarray, spec: CrsSpec, file: str, notes: list[str]) -> np.ndarray:
    """CGCS2000 3° Gauss-Kruger to WGS-84: the zone from the easting prefix, the chosen zone, or zone 38."""
    zone, strip = _gauss_kruger_zone(eastings, spec, file, notes)
    zh, en, first = GK_DATUMS[spec.datum]
    epsg = first + zone - 25  # <datum> / 3-degree Gauss-Kruger CM 3*zone (no prefix)
    prefix_zh, prefix_en = ("(去掉带号前缀)", " (zone prefix removed)") if strip else ("", "")
    shifted = shapely.transform(geoms, lambda xy: np.column_stack([xy[:, 0] - strip, xy[:, 1]])) if strip else geoms
    if spec.datum == "cgcs2000":
        notes.append(used_note(file, f"{zh} 3度带高斯-克吕格 带号 {zone}(中央经线{zone * 3}°,EPSG:{epsg}){prefix_zh}",
                               f"{en} 3° Gauss-Kruger zone {zone} (CM {zone * 3}°E, EPSG:{epsg}){prefix_en}"))
        tr = Transformer.from_crs(f"EPSG:{epsg}", "EPSG:4326", always_xy=True)
        out = shapely.transform(shifted, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
    else:
        out = declared_to_wgs84(shifted, CRS.from_epsg(epsg), file, notes)
    c = shapely.get_coordinates(out)
    if not np.all(np.isfinite(c)) or np.any(np.abs(c[:, 1]) > 90):
        raise InputError(
            file,
            "投影坐标换算后超出地球范围",
            "projected coordinates fall outside the earth after conversion",
            "检查 X/Y 是否颠倒(X 为北坐标)以及坐标系",
            "check X/Y order (X = northing) and the CRS",
        )
    return out


def _gauss_kruger_zone(e: np.ndarray, spec: CrsSpec, file: str, notes: list[str]) -> tuple[int, float]:
    """(zone, the prefix to subtract from the eastings) of Gauss-Kruger eastings ``e``."""
    prefixed = e >= 1e6
    if prefixed.any() and not prefixed.all():
        raise InputError(
            file,
            "横坐标有的带带号前缀、有的不带",
            "some eastings carry a zone prefix and some do not",
            "统一为带前缀(如38512345.6)或不带前缀(如512345.6)",
            "use one form throughout",
        )
    if prefixed.any():
        zone = _prefix_zone(e, spec, file)
        return zone, zone * 1e6
    if spec.prefix_required:
        raise InputError(
            file,
            "横坐标没有带号前缀,无法确定投影带",
            "the eastings carry no zone prefix, so the zone is unknown",
            "选择“3度带 第N带”或“中央经线”坐标系",
            "choose a zone or central meridian (gk-zone:38 / gk-cm:114)",
        )
    zone = spec.zone or DEFAULT_GK_ZONE
    if spec.zone is None:
        notes.append(f"{file}:横坐标无带号前缀,按第{zone}带(中央经线{zone * 3}°)处理 / no zone prefix: zone {zone} (CM {zone * 3}°E) assumed")
    return zone, 0.0


def _prefix_zone(e: np.ndarray, spec: CrsSpec, file: str) -> int:
    """The one zone named by the prefixes of eastings that all carry one."""
    zones = np.unique((e // 1e6).astype(int))
    if len(zones) > 1:
        raise InputError(
            file,
            f"横坐标前缀表示多个带号 {zones.tolist()}",
            f"eastings carry several zone prefixes {zones.tolist()}",
            "一个文件只能用一个投影带",
            "use one zone per file",
        )
    zone = int(zones[0])
    if spec.zone is not None and spec.zone != zone:
        raise InputError(
            file,
            f"横坐标前缀带号 {zone} 与所选带号 {spec.zone} 不一致",
            f"easting prefix zone {zone} differs from the chosen zone {spec.zone}",
            "核对坐标或所选坐标系",
            "check the coordinates or the chosen CRS",
        )
    if not 25 <= zone <= 45:
        raise InputError(
            file,
            f"横坐标前缀 {zone} 不是有效的3度带号(25–45)",
            f"easting prefix {zone} is not a 3° zone (25–45)",
            "检查坐标是否为 CGCS2000 3度带;X(北坐标)在前、Y(东坐标)在后",
            "check the CRS and that X (northing) comes first",
        )
    return zone
