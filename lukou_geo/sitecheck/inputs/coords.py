"""Coordinates as text: pasted into the app or saved as a ``.txt``, one point per line.

Decimal degrees, 度分秒 (``113°08'14"E 27°42'31"N``, ``东经113度8分14秒``) and metric Gauss-Kruger
pairs (X = northing first, with or without the zone prefix). A line may start with a point number
(``J1``, ``1``) and end with an altitude (``113.1475,27.605,50`` is lon, lat, altitude, as GPS and KML
write it): the altitude is named in a note and dropped. Row numbers are file lines. Text that is a
table (a header naming coordinate columns, e.g. tab-separated cells pasted from Excel) is read as a
table. The number parsing and the lon/lat range checks are shared with the table reader.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from shapely.geometry import LineString, Point, Polygon

from lukou_geo.errors import InputError
from lukou_geo.settings import get_limits
from lukou_geo.sitecheck.inputs.crs_spec import parse_crs, to_wgs84_tagged
from lukou_geo.sitecheck.inputs.encoding import decode_text
from lukou_geo.sitecheck.inputs.ingested import Ingested
from lukou_geo.sitecheck.inputs.rows import Collector, Where, num

_HEM_WORDS = {"东经": "E", "西经": "W", "北纬": "N", "南纬": "S", "东": "E", "西": "W", "北": "N", "南": "S"}
_TOKEN = re.compile(
    r"(?P<pre>[NSEWnsew])?\s*"
    r"(?P<deg>[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
    r"(?:\s*[°度º]\s*(?:(?P<min>\d+(?:\.\d+)?)\s*['′’分]\s*)?(?:(?P<sec>\d+(?:\.\d+)?)\s*(?:\"|″|”|''|秒)\s*)?)?"
    r"\s*(?P<post>[NSEWnsew](?![a-z]))?"
)
#: a point label before the numbers: letters (J, JZD, P, 点) then digits; not a hemisphere letter before a number
_LABEL = re.compile(r"^\s*(?![NSEWnsew]\s*[-+]?\d)[A-Za-z\u4e00-\u9fff]{1,10}[-_]?\d+")
#: the lines of a text, as the file numbers them (``str.splitlines`` also breaks at control characters)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

#: One number on a line: (value, hemisphere letter or None, was DMS, the number as written).
_Token = tuple[float, str | None, bool, str]
#: One point of a pasted project: (row, x, y, is_degrees).
_Point = tuple[int, float, float, bool]


def _normalise_text(line: str) -> str:
    line = line.translate(str.maketrans(",:;()", ",:;()"))
    for word, letter in sorted(_HEM_WORDS.items(), key=lambda kv: -len(kv[0])):
        line = line.replace(word, f" {letter} " if len(word) == 2 else f"{letter}")
    line = re.sub(r"(经度|纬度|lng|lon|lat|x|y)\s*[:=]", " ", line, flags=re.IGNORECASE)
    return line


def _tokens(line: str) -> list[_Token]:
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
        out.append((value, hem, dms, m.group("deg")))
    return out


def parse_coordinate_line(line: str) -> list[tuple[float, str | None, bool]]:
    """The numbers on one line: (value in degrees or metres, hemisphere letter or None, was DMS)."""
    return [t[:3] for t in _tokens(line)]


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` as the file numbers them: broken at CR, LF and CRLF only."""
    lines = _LINE_BREAK.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def _is_label(t: _Token) -> bool:
    """A number that can be a point or ring number: a whole number as written, no hemisphere, no DMS."""
    return t[1] is None and not t[2] and re.fullmatch(r"[-+]?\d+", t[3]) is not None


def _oriented(a: _Token, b: _Token) -> tuple[float, float, bool]:
    """(x, y, is_degrees) of a pair: hemisphere letters decide the order; metres are put easting first."""
    (va, ha, *_), (vb, hb, *_) = a, b
    if ha or hb:
        return (vb, va, True) if ha in ("N", "S") or hb in ("E", "W") else (va, vb, True)
    if abs(va) > 1e4 and abs(vb) > 1e4:  # metres: X (northing) first or easting first, told by magnitude
        return (*east_north(va, vb), False)
    return va, vb, True


def _valid(a: _Token, b: _Token) -> bool:
    x, y, deg = _oriented(a, b)
    if not deg:
        return True
    try:
        check_lonlat(x, y, "", None)
    except InputError:
        return False
    return True


def _pair_from_numbers(nums: list[_Token], file: str, row: int, line: str = "") -> tuple[float, float, bool, float | None]:
    """(x, y, is_degrees, the altitude dropped or None) from the numbers on a line: x = lon or easting.

    The numbers are ``[point no.…,] a, b [, altitude]``: a letter label (J1) is a point number; of the
    readings taking leading whole numbers as point numbers and at most one number after the pair, the
    first whose pair is valid is taken (``113.1475,27.605,50``: lon, lat, altitude; ``1,113.1,27.6``: point 1).
    """
    if len(nums) > 2 and _LABEL.match(_normalise_text(line)):
        nums = nums[1:]
    if len(nums) < 2:
        raise InputError(
            file,
            "没有找到两个坐标值",
            "two coordinate values were not found",
            "每行写一个点:经度,纬度(或 X,Y)",
            "one point per line: lon, lat (or X, Y)",
            row=row,
        )
    if len(nums) == 2:
        return (*_oriented(*nums), None)
    for k in range(len(nums) - 1):
        if k and not _is_label(nums[k - 1]):
            break
        rest = nums[k + 2 :]
        if len(rest) <= 1 and _valid(nums[k], nums[k + 1]):
            return (*_oriented(nums[k], nums[k + 1]), rest[0][0] if rest else None)
    x, y, deg = _oriented(nums[0], nums[1])
    if deg:
        check_lonlat(x, y, file, row)  # names what is wrong with the first two numbers
    raise InputError(
        file,
        f"一行有 {len(nums)} 个数,无法确定哪两个是坐标",
        f"{len(nums)} numbers on the line: which two are the coordinates cannot be told",
        "每行写一个点:[点号,] 经度, 纬度 [, 高程](或 X,Y)",
        "one point per line: [point no.,] lon, lat [, altitude] (or X, Y)",
        row=row,
    )


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
            f"{fx} `{num(x)}` 超出范围(-180–180)",
            f"longitude `{num(x)}` out of range (-180–180)",
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
            f"{fy} `{num(y)}` 超出范围(-90–90)",
            f"latitude `{num(y)}` out of range (-90–90)",
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
        f"坐标似乎颠倒,纬度在前?({num(x)}, {num(y)})",
        f"coordinates seem swapped: latitude first? ({num(x)}, {num(y)})",
        "按 经度,纬度 的顺序填写,或交换两列",
        "give longitude first, or swap the columns",
        row=row,
        field=field,
    )


def _parse_point(line: str, file: str, row: int) -> tuple[_Point, float | None]:
    """One line as a point and the altitude dropped; :class:`InputError` (or ``ValueError`` from the DMS parser) when it is no point."""
    x, y, deg, alt = _pair_from_numbers(_tokens(line), file, row, line)
    if deg:
        check_lonlat(x, y, file, row)
    return (row, x, y, deg), alt


def _unparsable(file: str, row: int, line: str, exc: ValueError) -> InputError:
    return InputError(
        file,
        f"无法解析「{line.strip()[:40]}」({exc})",
        f"cannot parse {line.strip()[:40]!r} ({exc})",
        "写成 113.137,27.709 或 113°08'14\"E 27°42'31\"N",
        "write 113.137, 27.709 or 113°08'14\"E 27°42'31\"N",
        row=row,
    )


def _too_long(file: str, row: int, n: int, limit: int) -> InputError:
    return InputError(
        file,
        f"该行长 {n:,} 个字符,超过上限 {limit:,}(已跳过)",
        f"the line is {n:,} characters long, over the limit of {limit:,} (skipped)",
        "检查该行,或设置 LUKOU_MAX_LINE_CHARS",
        "check the line, or raise LUKOU_MAX_LINE_CHARS",
        row=row,
    )


def _read_blocks(lines: list[str], file: str, notes: list[str]) -> tuple[list[list[_Point]], list[InputError]]:
    """The points of the lines in blocks (a blank line starts the next block), and the lines that are no point."""
    blocks: list[list[_Point]] = [[]]
    errors: list[InputError] = []
    altitudes: list[tuple[int, float]] = []
    limit = get_limits().max_line_chars
    for row, line in enumerate(lines, start=1):
        if not line.strip():
            if blocks[-1]:
                blocks.append([])
            continue
        if line.strip().startswith("#"):
            continue
        if len(line) > limit:
            errors.append(_too_long(file, row, len(line), limit))
            continue
        try:
            point, alt = _parse_point(line, file, row)
        except InputError as exc:
            errors.append(exc)
            continue
        except ValueError as exc:
            errors.append(_unparsable(file, row, line, exc))
            continue
        blocks[-1].append(point)
        if alt is not None:
            altitudes.append((row, alt))
    if altitudes:
        shown = "、".join(f"第{r}行" for r, _ in altitudes[:5]) + (f" 等 {len(altitudes)} 行" if len(altitudes) > 5 else "")
        shown_en = ", ".join(str(r) for r, _ in altitudes[:5]) + (f" and {len(altitudes) - 5} more" if len(altitudes) > 5 else "")
        notes.append(
            f"{file} {shown}:第三个数(如 {num(altitudes[0][1])})视为高程,已忽略 / rows {shown_en}: "
            f"the third number (e.g. {num(altitudes[0][1])}) read as altitude and dropped"
        )
    return [b for b in blocks if b], errors


#: How the lines of pasted text or a coordinate TXT are read: each line a point project (the default),
#: or each block (lines between blank lines) one line or one polygon (red line). The 部标 TXT keeps its rings.
SHAPES = ("point", "line", "polygon")
#: the fewest points of one project of each shape
_MIN_POINTS = {"point": 1, "line": 2, "polygon": 3}


def _check_shape(shape: str, file: str) -> str:
    s = (shape or "point").strip().lower()
    if s not in SHAPES:
        raise InputError(file, f"未知的读法 `{shape}`", f"unknown reading `{shape}`",
                         "选择 point(点)、line(线)或 polygon(面)", "choose point, line or polygon")
    return s


def _projects_of(blocks: list[list[_Point]], shape: str, file: str, notes: list[str]) -> list[list[_Point]]:
    """The points of each project: every point alone (``point``), else one project per block."""
    if shape != "point":
        return blocks
    n = sum(len(b) for b in blocks)
    if n > 1 and any(len(b) > 1 for b in blocks):
        notes.append(
            f"{file}:{n} 行坐标按 {n} 个点核查(每行一个项目);若这些点是一条线或一个红线的拐点,请选择按线或按面核查"
            f"(命令行 --coords-as line / polygon)/ {n} coordinate lines checked as {n} points (one project each); if they "
            "are the vertices of one line or red line, choose line or polygon (command line --coords-as line / polygon)"
        )
    return [[p] for b in blocks for p in b]


def _block_geometry(points: list[_Point], shape: str) -> Point | LineString | Polygon:
    """One point makes a point; a line's points a line; a polygon's a polygon (checked and repaired by the collector)."""
    pts = [(x, y) for _, x, y, _ in points]
    if shape == "point":
        return Point(pts[0])
    if shape == "line":
        return LineString(pts)
    return Polygon(pts)


def _too_few(rows: Collector, where: Where, shape: str, n: int) -> None:
    zh, en = {"line": ("线", "a line"), "polygon": ("面", "a polygon")}[shape]
    rows.error(where, f"按{zh}核查至少需要 {_MIN_POINTS[shape]} 个点,这一段只有 {n} 个",
               f"{en} needs at least {_MIN_POINTS[shape]} points; this block has {n}",
               "补全这一段的点(空行分隔项目),或选择按点核查", "complete the block (a blank line between projects), or check as points")


def _header_row(lines: list[str]) -> int | None:
    """The file line of a table header among the first lines (coordinate or WKT columns named), or None."""
    from lukou_geo.sitecheck.inputs.table import is_header

    seen = 0
    for row, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if is_header(line):
            return row
        seen += 1
        if seen >= 10:
            break
    return None


def _check_size(lines: list[str], file: str) -> None:
    """Refuse text with more point lines than could ever pass the vertex limit, before parsing it."""
    limit = get_limits().max_total_vertices
    n = sum(1 for line in lines if line.strip())
    if n > limit:
        raise InputError(
            file,
            f"共 {n:,} 行坐标,超过顶点总数上限 {limit:,}",
            f"{n:,} coordinate lines exceed the limit of {limit:,} vertices",
            "拆分后分批核查,或设置 LUKOU_MAX_TOTAL_VERTICES",
            "split it and check in batches, or raise LUKOU_MAX_TOTAL_VERTICES",
        )


def read_coordinates_text(text: str, crs: str | None = "auto", name: str = "", ptype: str = "", file: str = "粘贴的坐标",
                          shape: str = "point") -> Ingested:
    """Pasted coordinates: one point per line.

    ``shape`` (:data:`SHAPES`): ``point`` (the default) makes every line a point project; ``line`` and
    ``polygon`` make the lines of each block (a blank line starts the next) one line or one polygon (red line). Decimal
    degrees, 度分秒 (``113°08'14"E 27°42'31"N``, ``东经113度8分14秒``) and metric Gauss-Kruger
    pairs (X = northing first, with or without the zone prefix) are accepted. A table (its header names
    the coordinate columns; cells separated by tabs, commas or semicolons) is read as a CSV.
    """
    spec = parse_crs(crs, file)
    shape = _check_shape(shape, file)
    lines = split_lines(text)
    if _header_row(lines) is not None:
        from lukou_geo.sitecheck.inputs.table import read_text_table

        return read_text_table(text, file, crs, ptype)
    _check_size(lines, file)
    notes: list[str] = []
    blocks, errors = _read_blocks(lines, file, notes)
    if not blocks:
        if errors:
            return Ingested.empty(errors, notes)
        raise InputError(file, "没有坐标", "no coordinates", "每行输入一个点,例如 113.137,27.709", "one point per line, e.g. 113.137, 27.709")
    rows = Collector(file, errors, notes)
    blocks = _projects_of(blocks, shape, file, notes)
    for k, b in enumerate(blocks, start=1):
        where = Where(row=b[0][0])
        if len(b) < _MIN_POINTS[shape]:
            _too_few(rows, where, shape, len(b))
            continue
        if len({d for *_, d in b}) > 1:
            rows.error(where, "同一项目混用了经纬度和米制坐标", "a project mixes degrees and metres", "统一坐标形式", "use one form")
            continue
        degrees = b[0][3]
        if not degrees and spec.kind == "lonlat":
            rows.error(
                where,
                f"`{num(b[0][1])}` 不是经纬度,而所选坐标系是经纬度",
                f"`{num(b[0][1])}` is not a longitude, and a lon/lat CRS was chosen",
                "选择投影坐标系(高斯-克吕格)",
                "choose a projected CRS (Gauss-Kruger)",
            )
            continue
        label = name if (name and len(blocks) == 1) else (f"{name} {k}" if name else f"项目{k}")
        rows.add(_block_geometry(b, shape), where, label, ptype, tag="degrees" if degrees else "metric")
    return rows.finish(lambda tag, arr: to_wgs84_tagged(arr, tag == "metric", spec, file, notes), lambda w: f"第{w.row}行")


def read_coordinates_bytes(data: bytes, file: str, crs: str | None = "auto", encoding: str | None = None, ptype: str = "",
                           shape: str = "point") -> Ingested:
    """A ``.txt`` of coordinates (UTF-8 or GBK), read as pasted text (``shape``): its projects are named after the file."""
    notes: list[str] = []
    ing = read_coordinates_text(decode_text(data, file, encoding, notes), crs, Path(file).stem, ptype, file, shape)
    ing.notes[:0] = notes
    return ing
