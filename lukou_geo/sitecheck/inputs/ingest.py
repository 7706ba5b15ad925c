"""Project inputs for the site check (选址核查), in the formats and CRSs of Chinese practice.

Every reader returns an :class:`Ingested`: the projects as a GeoDataFrame in WGS-84 (columns
``name``, ``ptype``, ``source``, ``geometry``) and the row-level problems as :class:`InputError`
objects, so the valid rows are still checked. A whole input that cannot be read raises one
:class:`InputError`. Messages are bilingual and name the file, the row, the field, the problem
and the fix.

Formats: pasted coordinates (decimal or 度分秒), CSV (UTF-8, UTF-8 with BOM, GBK) and XLSX with
detected coordinate columns or a WKT column, GeoJSON, GeoPackage, zipped Shapefile (GBK ``.dbf``
with or without ``.cpg``), KML/KMZ, DXF, and the 部标 界址点坐标 TXT.

CRSs (``crs`` argument, see :data:`CRS_CHOICES`): WGS-84 / CGCS2000 lon/lat, GCJ-02, BD-09,
CGCS2000 3° Gauss-Kruger by zone or central meridian, with or without the zone prefix in the
easting, or any ``EPSG:nnnn``. ``auto`` takes degrees as WGS-84 and metres as Gauss-Kruger
(zone from the easting prefix; without a prefix zone 38 / CM 114°E, the zone the whole district
lies in, and a note says so).

GDAL (through pyogrio) reads the vector formats; the 部标 TXT, the coordinate text and the safe
archive extraction are written here because no library handles them: GDAL has no driver for
the 部标 format, and Python's zipfile checks neither paths nor expanded size before writing.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from lukou_geo import crs as ccrs
from lukou_geo.errors import InputError
from lukou_geo.settings import get_settings

#: The CRS choices offered by the app and the CLI (``--crs``), with their labels.
CRS_CHOICES: dict[str, dict[str, str]] = {
    "auto": {"zh": "自动识别(度→WGS-84;米→高斯-克吕格3度带)", "en": "auto (degrees → WGS-84; metres → Gauss-Kruger 3°)"},
    "wgs84": {"zh": "WGS-84 / CGCS2000 经纬度(GPS、天地图)", "en": "WGS-84 / CGCS2000 lon/lat (GPS, Tianditu)"},
    "gcj02": {"zh": "GCJ-02(高德、腾讯地图)", "en": "GCJ-02 (Amap, Tencent)"},
    "bd09": {"zh": "BD-09(百度地图)", "en": "BD-09 (Baidu)"},
    "gk": {"zh": "CGCS2000 高斯-克吕格3度带(带号取自横坐标前缀)", "en": "CGCS2000 Gauss-Kruger 3° (zone from the easting prefix)"},
    "gk-zone:38": {"zh": "CGCS2000 3度带 第38带(中央经线114°)", "en": "CGCS2000 3° zone 38 (CM 114°E)"},
    "gk-cm:114": {"zh": "CGCS2000 3度带 中央经线114°(无带号前缀)", "en": "CGCS2000 3° CM 114°E (no zone prefix)"},
}
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
NAME_COLUMNS = ("名称", "项目名称", "项目", "地块名称", "name", "project", "title", "标题")
TYPE_COLUMNS = ("类型", "项目类型", "产业类型", "行业", "产业", "用途", "地块用途", "type", "category", "ptype", "kind")
_LON_COLUMNS = ("经度", "lng", "lon", "long", "longitude", "东经", "经度坐标")
_LAT_COLUMNS = ("纬度", "lat", "latitude", "北纬", "纬度坐标")
_X_COLUMNS = ("x", "x坐标", "横坐标", "坐标x")
_Y_COLUMNS = ("y", "y坐标", "纵坐标", "坐标y")
_NORTHING_COLUMNS = ("北坐标", "northing", "n坐标")
_EASTING_COLUMNS = ("东坐标", "easting", "e坐标")
_WKT_COLUMNS = ("wkt", "geometry", "geom", "几何", "shape")
VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip", ".kml", ".kmz", ".dxf", ".shp")
TABLE_SUFFIXES = (".csv", ".xlsx", ".txt")


@dataclass
class Ingested:
    """Projects read from one input, plus the problems met on the way."""

    projects: gpd.GeoDataFrame
    errors: list[InputError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @staticmethod
    def empty() -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame({"name": [], "ptype": [], "source": []}, geometry=[], crs="EPSG:4326")


# ------------------------------------------------------------------------------ CRS handling


@dataclass(frozen=True)
class CrsSpec:
    """A resolved ``crs`` argument."""

    kind: str  # "auto" | "lonlat" | "gk" | "epsg"
    converter: str = "wgs84"  # lonlat: wgs84 | gcj02 | bd09
    zone: int | None = None  # gk: fixed zone (None = from the easting prefix)
    prefix_required: bool = False
    epsg: int | None = None


def parse_crs(spec: str | None, file: str = "--crs") -> CrsSpec:
    """Resolve a ``crs`` argument (see :data:`CRS_CHOICES`); :class:`InputError` names the fix."""
    s = (spec or "auto").strip().lower()
    s = _CRS_ALIASES.get(s, s)
    if s == "auto":
        return CrsSpec("auto")
    if s in ("wgs84", "gcj02", "bd09"):
        return CrsSpec("lonlat", converter=s)
    if s == "gk":
        return CrsSpec("gk", prefix_required=True)
    m = re.fullmatch(r"gk-?(zone|cm)[:=]?(\d+)", s)
    if m:
        n = int(m.group(2))
        zone = n if m.group(1) == "zone" else n // 3
        if not 25 <= zone <= 45 or (m.group(1) == "cm" and n % 3):
            raise InputError(
                file,
                f"高斯-克吕格参数 {spec} 无效",
                f"invalid Gauss-Kruger setting {spec}",
                "3度带带号为25–45,中央经线为75–135之间3的倍数,例如 gk-zone:38 或 gk-cm:114",
                "3° zones are 25–45, central meridians multiples of 3 in 75–135, e.g. gk-zone:38 or gk-cm:114",
            )
        return CrsSpec("gk", zone=zone)
    m = re.fullmatch(r"epsg:(\d{4,5})", s)
    if m:
        code = int(m.group(1))
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
    raise InputError(
        file,
        f"无法识别的坐标系「{spec}」",
        f"unknown CRS {spec!r}",
        "可选:" + ", ".join(CRS_CHOICES) + " 或 EPSG:nnnn",
        "choose one of " + ", ".join(CRS_CHOICES) + " or EPSG:nnnn",
    )


def _looks_degrees(xs: np.ndarray, ys: np.ndarray) -> bool:
    return bool(np.all(np.abs(xs) <= 180) and np.all(np.abs(ys) <= 180))


def _to_wgs84_geoms(geoms: np.ndarray, spec: CrsSpec, file: str, notes: list[str]) -> np.ndarray:
    """Convert shapely geometries in ``spec`` coordinates (x = lon or easting) to WGS-84."""
    if len(geoms) == 0:
        return geoms
    coords = shapely.get_coordinates(geoms)
    kind = spec.kind
    if kind == "auto":
        kind = "lonlat" if _looks_degrees(coords[:, 0], coords[:, 1]) else "gk"
        if kind == "gk":
            notes.append(f"{file}:坐标为米制,按 CGCS2000 高斯-克吕格3度带处理 / metric coordinates read as CGCS2000 Gauss-Kruger 3°")
    if kind == "lonlat":
        if spec.converter == "wgs84":
            return geoms
        return ccrs.transform_geometry(geoms, ccrs.TO_WGS84[spec.converter])
    if kind == "epsg":
        tr = Transformer.from_crs(f"EPSG:{spec.epsg}", "EPSG:4326", always_xy=True)
        return shapely.transform(geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
    # Gauss-Kruger 3°: strip the zone prefix from the easting when there is one
    e = coords[:, 0]
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
        strip = zone * 1e6
    else:
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
        strip = 0.0
    epsg = 4534 + zone - 25  # CGCS2000 / 3-degree Gauss-Kruger CM 3*zone (no prefix)
    tr = Transformer.from_crs(f"EPSG:{epsg}", "EPSG:4326", always_xy=True)

    def conv(xy: np.ndarray) -> np.ndarray:
        lon, lat = tr.transform(xy[:, 0] - strip, xy[:, 1])
        return np.column_stack([lon, lat])

    out = shapely.transform(geoms, conv)
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


# ------------------------------------------------------------------------------ coordinate text

_HEM_WORDS = {"东经": "E", "西经": "W", "北纬": "N", "南纬": "S", "东": "E", "西": "W", "北": "N", "南": "S"}
_TOKEN = re.compile(
    r"(?P<pre>[NSEWnsew])?\s*"
    r"(?P<deg>[-+]?\d+(?:\.\d+)?)"
    r"(?:\s*[°度º]\s*(?:(?P<min>\d+(?:\.\d+)?)\s*['′’分]\s*)?(?:(?P<sec>\d+(?:\.\d+)?)\s*(?:\"|″|”|''|秒)\s*)?)?"
    r"\s*(?P<post>[NSEWnsew](?![a-z]))?"
)


def _normalise_text(line: str) -> str:
    line = line.translate(str.maketrans(",:;()", ",:;()"))
    for word, letter in sorted(_HEM_WORDS.items(), key=lambda kv: -len(kv[0])):
        line = line.replace(word, f" {letter} " if len(word) == 2 else f"{letter}")
    line = re.sub(r"(经度|纬度|lng|lon|lat|x|y)\s*[:=]", " ", line, flags=re.IGNORECASE)
    return line


def parse_coordinate_line(line: str) -> list[tuple[float, str | None, bool]]:
    """The numbers on one line: (value in degrees or metres, hemisphere letter or None, was DMS)."""
    out = []
    for m in _TOKEN.finditer(_normalise_text(line)):
        if not m.group("deg"):
            continue
        deg = float(m.group("deg"))
        dms = bool(m.group("min") or m.group("sec")) or bool(re.search(r"[°度º]", m.group(0)))
        mins = float(m.group("min") or 0)
        secs = float(m.group("sec") or 0)
        if mins >= 60 or secs >= 60:
            raise ValueError(f"{m.group(0).strip()}: 分或秒不小于60 / minutes or seconds ≥ 60")
        value = abs(deg) + mins / 60 + secs / 3600
        if deg < 0:
            value = -value
        hem = (m.group("pre") or m.group("post") or "").upper() or None
        if hem in ("S", "W"):
            value = -abs(value)
        out.append((value, hem, dms))
    return out


def _pair_from_numbers(nums: list[tuple[float, str | None, bool]], file: str, row: int) -> tuple[float, float, bool]:
    """(x, y, is_degrees) from the numbers on a line: x = lon or easting, y = lat or northing."""
    if len(nums) < 2:
        raise InputError(
            file,
            "没有找到两个坐标值",
            "two coordinate values were not found",
            "每行写一个点:经度,纬度(或 X,Y)",
            "one point per line: lon, lat (or X, Y)",
            row=row,
        )
    if len(nums) > 2:
        nums = nums[-2:]  # leading point numbers (J1, 1 ...) are dropped
    (a, ha, _), (b, hb, _) = nums
    if ha or hb:
        if ha in ("N", "S") or hb in ("E", "W"):
            a, b = b, a
        return a, b, True
    if abs(a) > 1e4 and abs(b) > 1e4:  # metres: X (northing) first or easting first, told by magnitude
        return (*_east_north(a, b), False)
    return a, b, True


def _east_north(a: float, b: float) -> tuple[float, float]:
    """Order two metric values as (easting, northing) by magnitude (northings here ≈ 3.07e6)."""

    def is_easting(v: float) -> bool:
        return v >= 1e7 or v < 1e6

    if is_easting(a) and not is_easting(b):
        return a, b
    if is_easting(b) and not is_easting(a):
        return b, a  # survey order: X = northing first
    return a, b


def _check_lonlat(x: float, y: float, file: str, row: int | None, fx: str = "经度", fy: str = "纬度") -> None:
    if not np.isfinite(x) or not np.isfinite(y):
        raise InputError(file, "坐标不是有限数值", "coordinate is not a finite number", "填入数字", "enter numbers", row=row)
    if abs(x) > 180:
        raise InputError(
            file,
            f"{fx} `{x:g}` 超出范围(-180–180)",
            f"longitude `{x:g}` out of range (-180–180)",
            "检查小数点位置;度分秒请写成 113°08'14\"",
            "check the decimal point; write DMS as 113°08'14\"",
            row=row,
            field=fx,
        )
    if abs(y) > 90:
        if abs(x) <= 90 and abs(y) <= 180:
            raise _swapped(file, x, y, row, fy)
        raise InputError(
            file,
            f"{fy} `{y:g}` 超出范围(-90–90)",
            f"latitude `{y:g}` out of range (-90–90)",
            "检查小数点位置",
            "check the decimal point",
            row=row,
            field=fy,
        )
    if 3 < x < 54 and 73 < y < 136:
        raise _swapped(file, x, y, row, fy)


def read_coordinates_text(text: str, crs: str | None = "auto", name: str = "", ptype: str = "", file: str = "粘贴的坐标") -> Ingested:
    """Pasted coordinates: one point per line; a blank line starts the next project.

    One point makes a point project, two a line, three or more a polygon (red line). Decimal
    degrees, 度分秒 (``113°08'14"E 27°42'31"N``, ``东经113度8分14秒``) and metric Gauss-Kruger
    pairs (X = northing first, with or without the zone prefix) are accepted.
    """
    spec = parse_crs(crs, file)
    blocks: list[list[tuple[int, float, float, bool]]] = [[]]
    errors: list[InputError] = []
    for row, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if blocks[-1]:
                blocks.append([])
            continue
        if line.strip().startswith("#"):
            continue
        try:
            nums = parse_coordinate_line(line)
            x, y, deg = _pair_from_numbers(nums, file, row)
            if deg:
                _check_lonlat(x, y, file, row)
            blocks[-1].append((row, x, y, deg))
        except InputError as exc:
            errors.append(exc)
        except ValueError as exc:
            errors.append(
                InputError(
                    file,
                    f"无法解析「{line.strip()[:40]}」({exc})",
                    f"cannot parse {line.strip()[:40]!r} ({exc})",
                    "写成 113.137,27.709 或 113°08'14\"E 27°42'31\"N",
                    "write 113.137, 27.709 or 113°08'14\"E 27°42'31\"N",
                    row=row,
                )
            )
    blocks = [b for b in blocks if b]
    if not blocks:
        if errors:
            return Ingested(Ingested.empty(), errors)
        raise InputError(file, "没有坐标", "no coordinates", "每行输入一个点,例如 113.137,27.709", "one point per line, e.g. 113.137, 27.709")
    geoms, rows, names = [], [], []
    for k, b in enumerate(blocks, start=1):
        if len({d for *_, d in b}) > 1:
            errors.append(
                InputError(file, "同一项目混用了经纬度和米制坐标", "a project mixes degrees and metres", "统一坐标形式", "use one form", row=b[0][0])
            )
            continue
        pts = [(x, y) for _, x, y, _ in b]
        if len(pts) == 1:
            g = Point(pts[0])
        elif len(pts) == 2:
            g = LineString(pts)
        else:
            g = shapely.make_valid(Polygon(pts))
        geoms.append(g)
        rows.append(b[0][0])
        names.append(name if (name and len(blocks) == 1) else (f"{name} {k}" if name else f"项目{k}"))
    notes: list[str] = []
    arr = _to_wgs84_geoms(np.array(geoms, dtype=object), spec, file, notes) if geoms else np.array([], dtype=object)
    gdf = gpd.GeoDataFrame(
        {"name": names, "ptype": [ptype] * len(names), "source": [f"{file} 第{r}行" for r in rows]}, geometry=list(arr), crs="EPSG:4326"
    )
    return Ingested(gdf, errors, notes)


# ------------------------------------------------------------------------------ tables


def _decode(data: bytes, file: str, encoding: str | None) -> str:
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(
                file,
                f"不能按 {encoding} 解码({exc})",
                f"cannot decode as {encoding} ({exc})",
                "选择正确的编码(UTF-8 或 GBK)",
                "choose the right encoding (UTF-8 or GBK)",
            ) from exc
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputError(
            file,
            "文本编码无法识别(既不是 UTF-8 也不是 GBK)",
            "unknown text encoding (neither UTF-8 nor GBK)",
            "另存为 UTF-8 的 CSV",
            "save the file as UTF-8 CSV",
        ) from exc


def _norm_col(c: Any) -> str:
    s = str(c).strip().lower().replace(" ", "").replace("_", "")
    return re.sub(r"[((\[【].*?[))\]】]", "", s)


def _find_col(cols: dict[str, str], names: Iterable[str]) -> str | None:
    for n in names:
        key = _norm_col(n)
        if key in cols:
            return cols[key]
    return None


def _to_float(v: Any) -> float:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        raise ValueError("empty")
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    s = str(v).strip()
    if not s:
        raise ValueError("empty")
    if re.search(r"[°度'′\"″分秒]", s):
        nums = parse_coordinate_line(s)
        if len(nums) != 1:
            raise ValueError(s)
        return nums[0][0]
    return float(s.replace(",", ""))


def _swapped(file: str, x: float, y: float, row: int | None, field: Any) -> InputError:
    """The error for coordinates that look like latitude first."""
    return InputError(
        file,
        f"坐标似乎颠倒,纬度在前?({x:g}, {y:g})",
        f"coordinates seem swapped: latitude first? ({x:g}, {y:g})",
        "按 经度,纬度 的顺序填写,或交换两列",
        "give longitude first, or swap the columns",
        row=row,
        field=field,
    )


def _cell_float(r: dict, col: Any, file: str, row: int) -> float:
    """A coordinate cell as a number, or an InputError naming the file, row and column."""
    try:
        return _to_float(r[col])
    except ValueError as exc:
        empty = str(exc) == "empty"
        raise InputError(
            file,
            "为空" if empty else f"`{r[col]}` 不是数字",
            "is empty" if empty else f"`{r[col]}` is not a number",
            "填入坐标数值",
            "enter a coordinate",
            row=row,
            field=str(col),
        ) from exc


def read_table(df: pd.DataFrame, file: str, crs: str | None = "auto", ptype: str = "", header_rows: int = 1) -> Ingested:
    """Projects from a table whose coordinate columns are detected.

    Columns: 经度/纬度 (lng/lat, lon/lat, longitude/latitude), X/Y (degrees: X = lon; metres:
    told apart by magnitude, X = northing in survey practice), 北坐标/东坐标, or a WKT column;
    plus optional name and type columns (:data:`NAME_COLUMNS`, :data:`TYPE_COLUMNS`).
    Row numbers in messages are the file's own (header = row 1).
    """
    spec = parse_crs(crs, file)
    limit = get_settings().max_rows
    if len(df) > limit:
        raise InputError(
            file,
            f"共 {len(df)} 行,超过上限 {limit} 行",
            f"{len(df)} rows exceed the limit of {limit}",
            "拆分文件,或设置 LUKOU_MAX_ROWS",
            "split the file or raise LUKOU_MAX_ROWS",
        )
    cols = {_norm_col(c): c for c in df.columns}
    name_c, type_c = _find_col(cols, NAME_COLUMNS), _find_col(cols, TYPE_COLUMNS)
    wkt_c = _find_col(cols, _WKT_COLUMNS)
    pairs = [
        (_find_col(cols, _LON_COLUMNS), _find_col(cols, _LAT_COLUMNS), "lonlat"),
        (_find_col(cols, _EASTING_COLUMNS), _find_col(cols, _NORTHING_COLUMNS), "en"),
        (_find_col(cols, _X_COLUMNS), _find_col(cols, _Y_COLUMNS), "xy"),
    ]
    xc = yc = None
    mode = ""
    for a, b, m in pairs:
        if a is not None and b is not None:
            xc, yc, mode = a, b, m
            break
    if xc is None and wkt_c is None:
        raise InputError(
            file,
            f"找不到坐标列(现有列:{', '.join(map(str, df.columns))[:200]})",
            f"no coordinate columns found (columns: {', '.join(map(str, df.columns))[:200]})",
            "表头写 经度、纬度(或 lng/lat、X/Y、WKT)",
            "name the columns 经度/纬度, lng/lat, X/Y or WKT",
        )
    errors: list[InputError] = []
    geoms: list[Any] = []
    rows: list[int] = []
    metric_rows: list[bool] = []
    for i, rec in enumerate(df.itertuples(index=False), start=0):
        row = i + 1 + header_rows
        r = dict(zip(df.columns, rec, strict=True))
        try:
            if xc is not None:
                x = _cell_float(r, xc, file, row)
                y = _cell_float(r, yc, file, row)
                metric = abs(x) > 1e4 and abs(y) > 1e4  # both metric; 1131.37 is a typo in degrees
                if mode == "lonlat" and spec.kind not in ("gk", "epsg"):
                    metric = False  # 经度/纬度 columns hold degrees: 1131.37 is a typo, not metres
                if not metric:
                    _check_lonlat(x, y, file, row, str(xc), str(yc))
                if metric:
                    x, y = (x, y) if mode == "en" else _east_north(x, y)
                    if spec.kind == "lonlat":
                        raise InputError(
                            file,
                            f"`{x:g}` 不是经纬度",
                            f"`{x:g}` is not a longitude",
                            "选择投影坐标系(高斯-克吕格)",
                            "choose a projected CRS (Gauss-Kruger)",
                            row=row,
                            field=str(xc),
                        )
                geoms.append(Point(x, y))
                metric_rows.append(metric)
            else:
                text = r[wkt_c]
                try:
                    g = shapely.from_wkt(str(text))
                except shapely.errors.GEOSException as exc:
                    raise InputError(
                        file,
                        f"WKT 无法解析({exc})",
                        f"WKT cannot be parsed ({exc})",
                        "写成 POLYGON((x y, ...))",
                        "write POLYGON((x y, ...))",
                        row=row,
                        field=str(wkt_c),
                    ) from exc
                if g is None or g.is_empty:
                    raise InputError(file, "几何为空", "empty geometry", "填入 WKT", "enter a WKT geometry", row=row, field=str(wkt_c))
                c = shapely.get_coordinates(g)
                metric = not _looks_degrees(c[:, 0], c[:, 1])
                geoms.append(shapely.make_valid(g) if not g.is_valid else g)
                metric_rows.append(metric)
            rows.append(row)
        except InputError as exc:
            errors.append(exc)
    notes: list[str] = []
    names = [
        str(df.iloc[r - 1 - header_rows][name_c]) if name_c is not None and pd.notna(df.iloc[r - 1 - header_rows][name_c]) else f"第{r}行"
        for r in rows
    ]
    types = [
        str(df.iloc[r - 1 - header_rows][type_c]).strip() if type_c is not None and pd.notna(df.iloc[r - 1 - header_rows][type_c]) else ptype
        for r in rows
    ]
    out_geoms = np.empty(len(geoms), dtype=object)
    metric_arr = np.array(metric_rows, dtype=bool)
    garr = np.array(geoms, dtype=object)
    if len(geoms):
        if metric_arr.any():
            mspec = spec if spec.kind != "auto" else CrsSpec("gk")
            out_geoms[metric_arr] = _to_wgs84_geoms(garr[metric_arr], mspec, file, notes)
        if (~metric_arr).any():
            dspec = spec if spec.kind == "lonlat" else CrsSpec("lonlat")
            out_geoms[~metric_arr] = _to_wgs84_geoms(garr[~metric_arr], dspec, file, notes)
    gdf = gpd.GeoDataFrame({"name": names, "ptype": types, "source": [f"{file} 第{r}行" for r in rows]}, geometry=list(out_geoms), crs="EPSG:4326")
    if not len(gdf) and not errors:
        raise InputError(file, "表中没有数据行", "the table has no data rows", "在表头下填写项目", "add rows under the header")
    return Ingested(gdf, errors, notes)


def read_csv_bytes(data: bytes, file: str, crs: str | None = "auto", encoding: str | None = None, ptype: str = "") -> Ingested:
    """A CSV (UTF-8, UTF-8 with BOM or GBK; comma, semicolon or tab separated)."""
    text = _decode(data, file, encoding)
    if not text.strip():
        raise InputError(file, "文件是空的", "the file is empty", "选择含数据的文件", "choose a file with data")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(file, f"CSV 格式错误({exc})", f"malformed CSV ({exc})", "检查分隔符和引号", "check separators and quotes") from exc
    df = df.replace({"": None})
    df = df.dropna(how="all")
    return read_table(df, file, crs, ptype)


def read_xlsx_bytes(data: bytes, file: str, crs: str | None = "auto", ptype: str = "") -> Ingested:
    """The first sheet of an XLSX workbook (read with openpyxl)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_zip_safety(data, file)  # an XLSX is a zip archive: refuse bombs before openpyxl opens it
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(
            file,
            f"不是有效的 XLSX 工作簿({type(exc).__name__})",
            f"not a valid XLSX workbook ({type(exc).__name__})",
            "用 Excel/WPS 另存为 .xlsx",
            "save it again as .xlsx",
        ) from exc
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    if not rows:
        raise InputError(file, "工作表是空的", "the sheet is empty", "在第一个工作表填写数据", "put the data on the first sheet")
    header = [str(h) if h is not None else f"列{i + 1}" for i, h in enumerate(rows[0])]
    df = pd.DataFrame([list(r) + [None] * (len(header) - len(r)) for r in rows[1:]], columns=header)
    df = df.dropna(how="all")
    return read_table(df, file, crs, ptype)


# ------------------------------------------------------------------------------ archives


def _bad_member(name: str) -> bool:
    p = name.replace("\\", "/")
    return p.startswith("/") or re.match(r"^[a-zA-Z]:", p) is not None or ".." in PurePosixPath(p).parts


def _check_zip_safety(data: bytes, file: str) -> zipfile.ZipFile:
    s = get_settings()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise InputError(file, "不是有效的 zip 压缩包", "not a valid zip archive", "重新压缩后上传", "zip the files again") from exc
    infos = zf.infolist()
    if len(infos) > s.max_archive_entries:
        raise InputError(
            file,
            f"压缩包有 {len(infos)} 个文件,超过上限 {s.max_archive_entries}",
            f"{len(infos)} entries exceed {s.max_archive_entries}",
            "只打包需要的文件",
            "zip only the files needed",
        )
    for info in infos:
        if _bad_member(info.filename):
            raise InputError(
                file,
                f"压缩包含有不安全的路径「{info.filename}」(绝对路径或 ..),已拒绝,未写入任何文件",
                f"unsafe path {info.filename!r} (absolute or ..) refused; nothing was written",
                "重新打包,只含相对路径",
                "re-create the archive with relative paths only",
            )
    total = sum(i.file_size for i in infos)
    if total > s.max_expanded_bytes:
        raise InputError(
            file,
            f"解压后 {total / 2**20:.0f} MB,超过上限 {s.max_expanded_bytes / 2**20:.0f} MB",
            f"expands to {total / 2**20:.0f} MB, over the {s.max_expanded_bytes / 2**20:.0f} MB limit",
            "上传更小的文件",
            "upload a smaller archive",
        )
    return zf


def safe_extract(data: bytes, file: str, dest: Path) -> list[Path]:
    """Extract a zip into ``dest`` after checking every path and the expanded size.

    Refuses (raising :class:`InputError`, with nothing written) absolute or ``..`` paths and
    archives whose entries declare more than the limit; while writing, counts the real bytes so an
    archive that lies about its sizes is stopped at the limit too.
    """
    zf = _check_zip_safety(data, file)
    limit = get_settings().max_expanded_bytes
    written = 0
    out: list[Path] = []
    with zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            target = dest / PurePosixPath(info.filename.replace("\\", "/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as src, target.open("wb") as dst:
                    while chunk := src.read(1 << 20):
                        written += len(chunk)
                        if written > limit:
                            raise InputError(
                                file,
                                f"解压后超过上限 {limit / 2**20:.0f} MB",
                                f"expands beyond the {limit / 2**20:.0f} MB limit",
                                "上传更小的文件",
                                "upload a smaller archive",
                            )
                        dst.write(chunk)
            except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as exc:
                raise InputError(
                    file,
                    f"压缩包中的 {info.filename} 已损坏或加密({exc})",
                    f"{info.filename} is damaged or encrypted ({exc})",
                    "重新压缩(不加密)后上传",
                    "zip it again without a password",
                ) from exc
            out.append(target)
    return out


# ------------------------------------------------------------------------------ vector files


def _dbf_encoding(dbf: Path) -> str:
    """Encoding of a .dbf without a .cpg: code page byte 29 (0x4D = GBK), else try UTF-8, else GBK."""
    raw = dbf.read_bytes()
    if len(raw) > 29 and raw[29] in (0x4D, 0x7A):
        return "GBK"
    try:
        raw[32:].decode("utf-8")
        return "UTF-8"
    except UnicodeDecodeError:
        return "GBK"


def _pick(row: dict[str, Any], names: Iterable[str]) -> str:
    cols = {_norm_col(k): k for k in row}
    for n in names:
        k = cols.get(_norm_col(n))
        if k is not None and row[k] is not None and str(row[k]).strip() and str(row[k]) != "nan":
            return str(row[k]).strip()
    return ""


def _frame_to_projects(
    gdf: gpd.GeoDataFrame, file: str, spec: CrsSpec, ptype: str, notes: list[str], errors: list[InputError], has_crs: bool, layer: str = ""
) -> gpd.GeoDataFrame:
    limit = get_settings().max_rows
    if len(gdf) > limit:
        raise InputError(
            file, f"共 {len(gdf)} 个要素,超过上限 {limit}", f"{len(gdf)} features exceed the limit of {limit}", "拆分文件", "split the file"
        )
    names, types, sources, geoms = [], [], [], []
    props = gdf.drop(columns="geometry").to_dict("records") if len(gdf.columns) > 1 else [{}] * len(gdf)
    for i, (geom, rec) in enumerate(zip(gdf.geometry.values, props, strict=True), start=1):
        label = f"{layer} 第{i}个要素" if layer else f"第{i}个要素"
        if geom is None or geom.is_empty:
            errors.append(
                InputError(file, f"{label}没有几何", f"feature {i} has no geometry", "删除该要素或补绘几何", "delete it or draw its geometry")
            )
            continue
        geom = shapely.force_2d(geom)
        if geom.geom_type == "GeometryCollection":
            parts = [p for p in shapely.get_parts(geom) if not p.is_empty]
            polys = [p for p in parts if p.geom_type in ("Polygon", "MultiPolygon")]
            geom = shapely.union_all(polys) if polys else shapely.union_all(parts)
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
            notes.append(f"{file} {label}:几何无效(自相交等),已自动修复 / invalid geometry repaired")
        names.append(_pick(rec, NAME_COLUMNS) or f"{Path(file).stem} {i}")
        types.append(_pick(rec, TYPE_COLUMNS) or ptype)
        sources.append(f"{file} {label}")
        geoms.append(geom)
    if not geoms:
        return Ingested.empty()
    arr = np.array(geoms, dtype=object)
    if has_crs and gdf.crs is not None:
        src = gdf.crs
        if src.is_geographic:
            arr = _to_wgs84_geoms(arr, spec if spec.kind == "lonlat" else CrsSpec("lonlat"), file, notes)
        else:
            arr = gpd.GeoSeries(arr, crs=src).to_crs("EPSG:4326").values
    else:
        arr = _to_wgs84_geoms(arr, spec, file, notes)
    c = shapely.get_coordinates(arr)
    if len(c) and (np.any(np.abs(c[:, 0]) > 180) or np.any(np.abs(c[:, 1]) > 90)):
        raise InputError(
            file,
            "坐标换算后超出经纬度范围:坐标系选择可能有误",
            "coordinates out of range after conversion: wrong CRS?",
            "选择正确的坐标系",
            "choose the right CRS",
        )
    return gpd.GeoDataFrame({"name": names, "ptype": types, "source": sources}, geometry=list(arr), crs="EPSG:4326")


def _read_layers(
    path: Path, file: str, spec: CrsSpec, ptype: str, encoding: str | None, notes: list[str], errors: list[InputError], require_crs: bool
) -> list[gpd.GeoDataFrame]:
    try:
        layers = pyogrio.list_layers(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise InputError(
            file,
            f"无法读取({_short(exc)})",
            f"cannot be read ({_short(exc)})",
            "检查文件是否完整、格式是否正确",
            "check the file is complete and of the right format",
        ) from exc
    frames = []
    for lname, _gtype in layers:
        kw: dict[str, Any] = {"layer": lname}
        if encoding:
            kw["encoding"] = encoding
        try:
            gdf = pyogrio.read_dataframe(path, **kw)
        except (
            pyogrio.errors.DataSourceError,
            pyogrio.errors.DataLayerError,
            pyogrio.errors.FieldError,
            pyogrio.errors.GeometryError,
            UnicodeDecodeError,
            ValueError,
        ) as exc:
            raise InputError(
                file,
                f"图层 {lname} 无法读取({_short(exc)})",
                f"layer {lname} cannot be read ({_short(exc)})",
                "检查文件或编码",
                "check the file or the encoding",
            ) from exc
        if "geometry" not in gdf:
            continue
        has_crs = gdf.crs is not None
        if not has_crs and require_crs and spec.kind == "auto":
            raise InputError(
                file,
                "文件不含坐标系信息(缺少 .prj 或未定义坐标系),无法确定坐标系",
                "the file has no CRS (no .prj / undefined)",
                "请在下方选择坐标系(命令行用 --crs)",
                "choose the CRS below (--crs on the command line)",
            )
        frames.append(_frame_to_projects(gdf, file, spec, ptype, notes, errors, has_crs, lname if len(layers) > 1 else ""))
    return frames


def _short(exc: BaseException) -> str:
    text = str(exc).split("\n")[0]
    return re.sub(r"\S*lukou-check-[^/\s]+/?", "", text)[:160]  # no temporary paths in messages


def _closed_lines_to_polygons(path: Path, file: str, spec: CrsSpec, ptype: str, notes: list[str], errors: list[InputError]) -> list[gpd.GeoDataFrame]:
    """DXF: closed polylines are red lines (polygons); the CRS must be chosen by the user."""
    if spec.kind == "auto":
        raise InputError(
            file,
            "DXF 文件不记录坐标系",
            "a DXF file records no CRS",
            "请选择坐标系(命令行用 --crs,例如 gk-cm:114)",
            "choose the CRS (--crs, e.g. gk-cm:114)",
        )
    try:
        gdf = pyogrio.read_dataframe(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
        raise InputError(
            file,
            f"DXF 无法读取({_short(exc)})",
            f"DXF cannot be read ({_short(exc)})",
            "用 CAD 另存为 DXF(R2000 或更新)",
            "save it again as DXF (R2000+)",
        ) from exc
    geoms = []
    for g in gdf.geometry.values:
        if g is not None and g.geom_type == "LineString" and g.is_closed and len(g.coords) >= 4:
            g = Polygon(g.coords)
        geoms.append(g)
    gdf = gdf.set_geometry(geoms)
    layer_col = "Layer" if "Layer" in gdf else None
    if layer_col:
        gdf = gdf.rename(columns={"Layer": "name"})
    keep = [g is not None and not g.is_empty and g.geom_type in ("Polygon", "MultiPolygon", "LineString", "Point") for g in geoms]
    gdf = gdf[keep]
    if not len(gdf):
        raise InputError(
            file,
            "DXF 中没有可用的几何(闭合多段线、线或点)",
            "no usable geometry (closed polylines, lines, points) in the DXF",
            "把红线画成闭合多段线",
            "draw the red line as a closed polyline",
        )
    return [_frame_to_projects(gdf[["name", "geometry"]] if layer_col else gdf[["geometry"]], file, spec, ptype, notes, errors, False)]


def _read_vector_path(path: Path, file: str, spec: CrsSpec, ptype: str, encoding: str | None) -> Ingested:
    notes: list[str] = []
    errors: list[InputError] = []
    suffix = path.suffix.lower()
    if suffix == ".dxf":
        frames = _closed_lines_to_polygons(path, file, spec, ptype, notes, errors)
    elif suffix == ".shp":
        for ext in (".shx", ".dbf"):
            if not path.with_suffix(ext).exists() and not path.with_suffix(ext.upper()).exists():
                raise InputError(
                    file,
                    f"Shapefile 缺少 {ext}",
                    f"the shapefile lacks its {ext} file",
                    "把 .shp、.shx、.dbf、.prj(及 .cpg)一起打包成 zip 上传",
                    "zip .shp, .shx, .dbf, .prj (and .cpg) together",
                )
        has_prj = path.with_suffix(".prj").exists() or path.with_suffix(".PRJ").exists()
        if not has_prj and spec.kind == "auto":
            raise InputError(
                file,
                "Shapefile 缺少 .prj,无法确定坐标系",
                "the shapefile has no .prj, so its CRS is unknown",
                "请在下方选择坐标系(命令行用 --crs)",
                "choose the CRS below (--crs on the command line)",
            )
        enc = encoding
        if enc is None and not (path.with_suffix(".cpg").exists() or path.with_suffix(".CPG").exists()):
            dbf = path.with_suffix(".dbf") if path.with_suffix(".dbf").exists() else path.with_suffix(".DBF")
            enc = _dbf_encoding(dbf)
            if enc == "GBK":
                notes.append(f"{file}:没有 .cpg,属性按 GBK 读取 / no .cpg: attributes read as GBK")
        frames = _read_layers(path, file, spec, ptype, enc, notes, errors, require_crs=False)
        if not has_prj:
            frames = [f for f in frames]
    else:
        frames = _read_layers(path, file, spec, ptype, encoding, notes, errors, require_crs=suffix in (".geojson", ".json"))
    frames = [f for f in frames if len(f)]
    if not frames:
        what = {".kml": "KML 中没有几何", ".gpkg": "GeoPackage 中没有几何"}.get(suffix, "文件中没有几何")
        detail = ";".join(e.problem_zh for e in errors[:3])
        raise InputError(file, what + (f"({detail})" if detail else ""), "no geometry in the file",
                         "确认文件包含点、线或面要素", "check the file holds points, lines or polygons")
    gdf = pd.concat(frames, ignore_index=True)
    return Ingested(gpd.GeoDataFrame(gdf, geometry="geometry", crs="EPSG:4326"), errors, notes)


def _find_in_dir(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in suffixes and "__MACOSX" not in p.parts)


# ------------------------------------------------------------------------------ 部标 TXT


def read_bubiao_txt(text: str, file: str, crs: str | None = "auto", ptype: str = "") -> Ingested:
    """The 部标 界址点坐标 TXT of land-use submissions.

    ``[属性描述]`` holds ``key=value`` lines (``带号``, ``几度分带``, ``坐标系`` ...); ``[地块坐标]``
    holds, per 地块, a header line ``界址点数,地块面积,地块编号,地块名称,图形属性,图幅号,地块用途,地类编码,@``
    followed by point lines ``点号,圈号,X,Y`` with X = northing. Ring 1 is the outer ring;
    other rings inside it are holes, outside it further parts.
    """
    spec = parse_crs(crs, file)
    attrs: dict[str, str] = {}
    section = ""
    parcels: list[dict[str, Any]] = []
    errors: list[InputError] = []
    for row, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().replace(",", ",")
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            continue
        if section == "属性描述":
            if "=" in line:
                k, v = line.split("=", 1)
                attrs[k.strip()] = v.strip()
        elif section == "地块坐标":
            parts = [p.strip() for p in line.split(",")]
            if parts[-1] == "@" or line.endswith("@"):
                parcels.append({"row": row, "head": parts, "points": [], "bad": False})
                continue
            if not parcels:
                errors.append(
                    InputError(
                        file,
                        "坐标行出现在地块头行之前",
                        "a point line comes before any parcel header",
                        "每个地块以“界址点数,地块面积,地块编号,地块名称,...,@”开头",
                        "start each parcel with its header line ending in @",
                        row=row,
                    )
                )
                continue
            try:
                if len(parts) < 4:
                    raise ValueError("需要 点号,圈号,X,Y")
                ring = int(float(parts[1]))
                x, y = float(parts[2]), float(parts[3])
            except ValueError as exc:
                parcels[-1]["bad"] = True
                errors.append(
                    InputError(
                        file,
                        f"界址点行无法解析「{line[:50]}」({exc})",
                        f"cannot parse point line {line[:50]!r}",
                        "格式为 点号,圈号,X坐标,Y坐标",
                        "use: point no., ring no., X, Y",
                        row=row,
                    )
                )
                continue
            parcels[-1]["points"].append((ring, x, y, row))
    if not section and not parcels:
        raise InputError(
            file,
            "不是部标界址点坐标文件(没有 [属性描述]/[地块坐标] 段)",
            "not a 部标 boundary-point file (no [地块坐标] section)",
            "检查文件,或改用 CSV",
            "check the file or use CSV",
        )
    if not parcels:
        raise InputError(file, "[地块坐标] 中没有地块", "no parcels under [地块坐标]", "添加地块头行与界址点", "add parcel headers and points")
    if attrs.get("几度分带", "3").strip() not in ("3", "3度", ""):
        raise InputError(
            file,
            f"几度分带={attrs['几度分带']}:只支持3度带",
            f"only 3° zones are supported (got {attrs['几度分带']})",
            "换算为 CGCS2000 3度带后再导出",
            "re-export in CGCS2000 3° zones",
        )
    zone = None
    if attrs.get("带号"):
        try:
            zone = int(float(attrs["带号"]))
        except ValueError:
            errors.append(
                InputError(
                    file, f"带号「{attrs['带号']}」不是数字", f"zone {attrs['带号']!r} is not a number", "填写如 带号=38", "write e.g. 带号=38"
                )
            )
    if spec.kind in ("auto", "gk") and spec.zone is None:
        spec = CrsSpec("gk", zone=zone)
    geoms, names, types, sources = [], [], [], []
    for p in parcels:
        head = p["head"]
        label = head[3] if len(head) > 3 and head[3] else (head[2] if len(head) > 2 and head[2] else f"地块{len(names) + 1}")
        if p["bad"]:
            continue
        rings: dict[int, list[tuple[float, float]]] = {}
        for ring, x, y, _ in p["points"]:
            rings.setdefault(ring, []).append((y, x))  # X = northing first → (easting, northing)
        polys = []
        for coords in rings.values():
            if len(coords) < 3:
                continue
            polys.append(Polygon(coords))
        if not polys:
            errors.append(
                InputError(
                    file,
                    f"地块「{label}」的界址点少于3个,无法成面",
                    f"parcel {label!r} has fewer than 3 points",
                    "补全界址点",
                    "add the missing points",
                    row=p["row"],
                )
            )
            continue
        outer, rest = polys[0], polys[1:]
        holes = [r for r in rest if outer.contains(r)]
        extra = [r for r in rest if not outer.contains(r)]
        g: Any = Polygon(outer.exterior.coords, [h.exterior.coords for h in holes])
        if extra:
            g = MultiPolygon([g, *extra])
        if not g.is_valid:
            g = shapely.make_valid(g)
        declared = head[0] if head else ""
        if declared.isdigit() and int(declared) != len(p["points"]):
            errors.append(
                InputError(
                    file,
                    f"地块「{label}」声明 {declared} 个界址点,实际 {len(p['points'])} 个(仍按实际点核查)",
                    f"parcel {label!r} declares {declared} points but has {len(p['points'])} (checked as given)",
                    "核对界址点数",
                    "check the point count",
                    row=p["row"],
                )
            )
        geoms.append(g)
        names.append(label)
        use = head[6] if len(head) > 6 else ""
        types.append(use or ptype)
        sources.append(f"{file} 第{p['row']}行")
    notes: list[str] = []
    arr = _to_wgs84_geoms(np.array(geoms, dtype=object), spec, file, notes) if geoms else np.array([], dtype=object)
    gdf = gpd.GeoDataFrame({"name": names, "ptype": types, "source": sources}, geometry=list(arr), crs="EPSG:4326")
    return Ingested(gdf, errors, notes)


# ------------------------------------------------------------------------------ dispatch


def read_bytes(data: bytes, filename: str, crs: str | None = "auto", encoding: str | None = None, ptype: str = "") -> Ingested:
    """Read an uploaded file (the app) or a file's bytes; the format follows the file name.

    Raises
    ------
    InputError
        the file is too big, of an unknown kind, or cannot be read at all (row-level problems
        are returned in ``Ingested.errors`` instead).
    """
    file = Path(filename).name or "upload"
    s = get_settings()
    if len(data) > s.max_upload_bytes:
        raise InputError(
            file,
            f"文件超过大小上限({len(data) / 2**20:.1f} MB > {s.max_upload_bytes / 2**20:.0f} MB)",
            f"the file exceeds the size limit ({len(data) / 2**20:.1f} MB > {s.max_upload_bytes / 2**20:.0f} MB)",
            "拆分文件后分批核查",
            "split it and check in batches",
        )
    if not data:
        raise InputError(file, "文件是空的", "the file is empty", "选择含数据的文件", "choose a file with data")
    suffix = Path(file).suffix.lower()
    parse_crs(crs)  # fail early on a bad choice
    if suffix == ".csv":
        return read_csv_bytes(data, file, crs, encoding, ptype)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx_bytes(data, file, crs, ptype)
    if suffix == ".xls":
        raise InputError(file, "不支持旧版 .xls", "old .xls workbooks are not supported", "用 Excel/WPS 另存为 .xlsx", "save as .xlsx")
    if suffix == ".txt":
        text = _decode(data, file, encoding)
        if "[地块坐标]" in text or "[属性描述]" in text:
            return read_bubiao_txt(text, file, crs, ptype)
        return read_coordinates_text(text, crs, Path(file).stem, ptype, file)
    if suffix not in VECTOR_SUFFIXES:
        raise InputError(
            file,
            f"不支持的文件类型「{suffix or '无扩展名'}」",
            f"unsupported file type {suffix or '(none)'!r}",
            "支持 CSV、XLSX、GeoJSON、GPKG、zip(Shapefile)、KML/KMZ、DXF、部标TXT",
            "use CSV, XLSX, GeoJSON, GPKG, zipped Shapefile, KML/KMZ, DXF or 部标 TXT",
        )
    spec = parse_crs(crs, file)
    tmp = Path(tempfile.mkdtemp(prefix="lukou-check-"))
    try:
        if suffix in (".zip", ".kmz"):
            safe_extract(data, file, tmp)
            if suffix == ".kmz":
                kmls = _find_in_dir(tmp, (".kml",))
                if not kmls:
                    raise InputError(file, "KMZ 中没有 .kml 文件", "the KMZ holds no .kml", "用 Google Earth/奥维重新导出", "export it again")
                return _merge([_read_vector_path(k, file, spec, ptype, encoding) for k in kmls[:1]])
            shps = _find_in_dir(tmp, (".shp",))
            if shps:
                return _merge([_read_vector_path(p, f"{file}/{p.name}", spec, ptype, encoding) for p in shps])
            if _find_in_dir(tmp, (".dbf", ".shx")):
                raise InputError(
                    file,
                    "Shapefile 缺少 .shp",
                    "the shapefile lacks its .shp",
                    "把 .shp、.shx、.dbf、.prj 一起打包",
                    "zip .shp, .shx, .dbf and .prj together",
                )
            others = _find_in_dir(tmp, (".geojson", ".json", ".gpkg", ".kml", ".dxf"))
            if not others:
                raise InputError(
                    file,
                    "压缩包中没有可识别的地理数据(.shp/.geojson/.gpkg/.kml/.dxf)",
                    "no geodata file in the archive",
                    "打包 Shapefile 的全部文件",
                    "zip all the shapefile's files",
                )
            return _merge([_read_vector_path(p, f"{file}/{p.name}", spec, ptype, encoding) for p in others])
        if suffix == ".shp":
            raise InputError(
                file,
                "单独的 .shp 不够:Shapefile 缺少 .shx 和 .dbf",
                "a lone .shp is not enough: the .shx and .dbf are missing",
                "把 .shp、.shx、.dbf、.prj 一起打包成 zip 上传",
                "zip .shp, .shx, .dbf and .prj together",
            )
        path = tmp / f"input{suffix}"
        path.write_bytes(data)
        return _read_vector_path(path, file, spec, ptype, encoding)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _merge(parts: list[Ingested]) -> Ingested:
    frames = [p.projects for p in parts if len(p.projects)]
    gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs="EPSG:4326") if frames else Ingested.empty()
    return Ingested(gdf, [e for p in parts for e in p.errors], [n for p in parts for n in p.notes])


def read_path(path: str | Path, crs: str | None = "auto", encoding: str | None = None, ptype: str = "") -> Ingested:
    """Read a file from disk (the CLI): a shapefile's siblings are read with it."""
    p = Path(path)
    if not p.exists():
        raise InputError(p.name, "文件不存在", "no such file", f"检查路径 {p}", f"check the path {p}")
    size = p.stat().st_size
    limit = get_settings().max_upload_bytes
    if size > limit:
        raise InputError(
            p.name,
            f"文件超过大小上限({size / 2**20:.1f} MB > {limit / 2**20:.0f} MB)",
            f"the file exceeds the size limit ({size / 2**20:.1f} MB > {limit / 2**20:.0f} MB)",
            "拆分文件后分批核查",
            "split it and check in batches",
        )
    if p.suffix.lower() == ".shp":
        return _read_vector_path(p, p.name, parse_crs(crs, p.name), ptype, encoding)
    return read_bytes(p.read_bytes(), p.name, crs, encoding, ptype)


def project_from_geojson(geom: dict[str, Any], name: str, ptype: str = "", source: str = "地图") -> Ingested:
    """A project drawn or clicked on the map (GeoJSON geometry in WGS-84)."""
    from shapely.geometry import shape

    try:
        g = shape(geom)
    except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.GEOSException) as exc:
        raise InputError(source, "绘制的图形无法识别", "the drawn shape cannot be read", "重新绘制", "draw it again") from exc
    if g.is_empty:
        raise InputError(source, "图形为空", "empty shape", "重新绘制", "draw it again")
    if not g.is_valid:
        g = shapely.make_valid(g)
    return Ingested(gpd.GeoDataFrame({"name": [name], "ptype": [ptype], "source": [source]}, geometry=[g], crs="EPSG:4326"))
