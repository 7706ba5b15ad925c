"""Coordinates as text: pasted into the app or saved as a ``.txt``, one point per line.

Decimal degrees, 度分秒 (``113°08'14"E 27°42'31"N``, ``东经113度8分14秒``) and metric Gauss-Kruger
pairs (X = northing first, with or without the zone prefix). The number parsing and the lon/lat
range checks are shared with the table reader.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, Point, Polygon

from lukou_geo.errors import InputError
from lukou_geo.sitecheck.inputs.crs_spec import parse_crs, to_wgs84_geoms
from lukou_geo.sitecheck.inputs.encoding import decode_text
from lukou_geo.sitecheck.inputs.ingested import Ingested

_HEM_WORDS = {"东经": "E", "西经": "W", "北纬": "N", "南纬": "S", "东": "E", "西": "W", "北": "N", "南": "S"}
_TOKEN = re.compile(
    r"(?P<pre>[NSEWnsew])?\s*"
    r"(?P<deg>[-+]?\d+(?:\.\d+)?)"
    r"(?:\s*[°度º]\s*(?:(?P<min>\d+(?:\.\d+)?)\s*['′’分]\s*)?(?:(?P<sec>\d+(?:\.\d+)?)\s*(?:\"|″|”|''|秒)\s*)?)?"
    r"\s*(?P<post>[NSEWnsew](?![a-z]))?"
)

#: One point of a pasted project: (row, x, y, is_degrees).
_Point = tuple[int, float, float, bool]


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
        return (*east_north(a, b), False)
    return a, b, True


def east_north(a: float, b: float) -> tuple[float, float]:
    """Order two metric values as (easting, northing) by magnitude (northings here ≈ 3.07e6)."""

    def is_easting(v: float) -> bool:
        return v >= 1e7 or v < 1e6

    if is_easting(a) and not is_easting(b):
        return a, b
    if is_easting(b) and not is_easting(a):
        return b, a  # survey order: X = northing first
    return a, b


def check_lonlat(x: float, y: float, file: str, row: int | None, fx: str = "经度", fy: str = "纬度") -> None:
    """Raise the :class:`InputError` that names the field when (x, y) is not a lon/lat pair (or looks swapped)."""
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
            raise swapped(file, x, y, row, fy)
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
        raise swapped(file, x, y, row, fy)


def swapped(file: str, x: float, y: float, row: int | None, field: str) -> InputError:
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


def _parse_point(line: str, file: str, row: int) -> _Point:
    """One line as a point; :class:`InputError` (or ``ValueError`` from the DMS parser) when it is not one."""
    nums = parse_coordinate_line(line)
    x, y, deg = _pair_from_numbers(nums, file, row)
    if deg:
        check_lonlat(x, y, file, row)
    return row, x, y, deg


def _read_blocks(text: str, file: str) -> tuple[list[list[_Point]], list[InputError]]:
    """The points of the text in blocks (a blank line starts the next block), and the lines that are no point."""
    blocks: list[list[_Point]] = [[]]
    errors: list[InputError] = []
    for row, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if blocks[-1]:
                blocks.append([])
            continue
        if line.strip().startswith("#"):
            continue
        try:
            blocks[-1].append(_parse_point(line, file, row))
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
    return [b for b in blocks if b], errors


def _block_geometry(points: list[_Point]) -> Point | LineString | Polygon:
    """One point makes a point, two a line, three or more a polygon (made valid)."""
    pts = [(x, y) for _, x, y, _ in points]
    if len(pts) == 1:
        return Point(pts[0])
    if len(pts) == 2:
        return LineString(pts)
    return shapely.make_valid(Polygon(pts))


def read_coordinates_text(text: str, crs: str | None = "auto", name: str = "", ptype: str = "", file: str = "粘贴的坐标") -> Ingested:
    """Pasted coordinates: one point per line; a blank line starts the next project.

    One point makes a point project, two a line, three or more a polygon (red line). Decimal
    degrees, 度分秒 (``113°08'14"E 27°42'31"N``, ``东经113度8分14秒``) and metric Gauss-Kruger
    pairs (X = northing first, with or without the zone prefix) are accepted.
    """
    spec = parse_crs(crs, file)
    blocks, errors = _read_blocks(text, file)
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
        geoms.append(_block_geometry(b))
        rows.append(b[0][0])
        names.append(name if (name and len(blocks) == 1) else (f"{name} {k}" if name else f"项目{k}"))
    notes: list[str] = []
    arr = to_wgs84_geoms(np.array(geoms, dtype=object), spec, file, notes) if geoms else np.array([], dtype=object)
    gdf = gpd.GeoDataFrame(
        {"name": names, "ptype": [ptype] * len(names), "source": [f"{file} 第{r}行" for r in rows]}, geometry=list(arr), crs="EPSG:4326"
    )
    return Ingested(gdf, errors, notes)


def read_coordinates_bytes(data: bytes, file: str, crs: str | None = "auto", encoding: str | None = None, ptype: str = "") -> Ingested:
    """A ``.txt`` of coordinates (UTF-8 or GBK): its projects are named after the file."""
    return read_coordinates_text(decode_text(data, file, encoding), crs, Path(file).stem, ptype, file)
