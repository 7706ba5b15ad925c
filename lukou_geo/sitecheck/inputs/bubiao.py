"""The 部标 界址点坐标 TXT of land-use submissions (GDAL has no driver for it).

``[属性描述]`` holds ``key=value`` lines (``带号``, ``几度分带``, ``坐标系`` ...); ``[地块坐标]`` holds, per
地块, a header line ``界址点数,地块面积,地块编号,地块名称,图形属性,图幅号,地块用途,地类编码,@`` followed by
point lines ``点号,圈号,X,Y`` with X = northing. The 圈号 decides, not the order of the lines: ring 1
(the lowest number) is the outer ring; other rings inside it are holes, outside it further parts.
``坐标系`` (2000国家大地坐标系, 80西安坐标系, 54北京坐标系) is the datum the file is converted from; a
declared system overrides a choice made (a note says so). Row numbers are file lines.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import MultiPolygon, Polygon

from lukou_geo.errors import InputError
from lukou_geo.sitecheck.inputs.coords import split_lines
from lukou_geo.sitecheck.inputs.crs_spec import GK_DATUMS, CrsSpec, parse_crs, spec_label, to_wgs84_geoms
from lukou_geo.sitecheck.inputs.encoding import decode_text
from lukou_geo.sitecheck.inputs.ingested import Ingested
from lukou_geo.sitecheck.inputs.rows import Collector, Where


@dataclass
class _Parcel:
    """One 地块: its header line (split at commas), its points (ring, X, Y, row), whether a point line was bad."""

    row: int
    head: list[str]
    points: list[tuple[int, float, float, int]] = field(default_factory=list)
    bad: bool = False

    def label(self, default: str) -> str:
        """地块名称, else 地块编号, else ``default``."""
        head = self.head
        return head[3] if len(head) > 3 and head[3] else (head[2] if len(head) > 2 and head[2] else default)


@dataclass
class _Parsed:
    """The sections of the file as read: the last section header, the attributes, the parcels, the bad lines."""

    section: str = ""
    attrs: dict[str, str] = field(default_factory=dict)
    parcels: list[_Parcel] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


def _point_line(parsed: _Parsed, parts: list[str], line: str, file: str, row: int) -> None:
    """A line of ``[地块坐标]`` that is not a header: a point of the last parcel (or an error)."""
    if not parsed.parcels:
        parsed.errors.append(
            InputError(
                file,
                "坐标行出现在地块头行之前",
                "a point line comes before any parcel header",
                "每个地块以“界址点数,地块面积,地块编号,地块名称,...,@”开头",
                "start each parcel with its header line ending in @",
                row=row,
            )
        )
        return
    try:
        if len(parts) < 4:
            raise ValueError("需要 点号,圈号,X,Y")
        ring = int(float(parts[1]))
        x, y = float(parts[2]), float(parts[3])
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError("坐标不是有限数值 / not a finite number")
    except (ValueError, OverflowError) as exc:
        parsed.parcels[-1].bad = True
        parsed.errors.append(
            InputError(
                file,
                f"界址点行无法解析「{line[:50]}」({exc})",
                f"cannot parse point line {line[:50]!r} ({exc})",
                "格式为 点号,圈号,X坐标,Y坐标",
                "use: point no., ring no., X, Y",
                row=row,
            )
        )
        return
    parsed.parcels[-1].points.append((ring, x, y, row))


def _parse(text: str, file: str) -> _Parsed:
    parsed = _Parsed()
    for row, raw in enumerate(split_lines(text), start=1):
        line = raw.strip().replace(",", ",")
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            parsed.section = line[1:-1].strip()
            continue
        if parsed.section == "属性描述":
            if "=" in line:
                k, v = line.split("=", 1)
                parsed.attrs[k.strip()] = v.strip()
        elif parsed.section == "地块坐标":
            parts = [p.strip() for p in line.split(",")]
            if parts[-1] == "@" or line.endswith("@"):
                parsed.parcels.append(_Parcel(row, parts))
            else:
                _point_line(parsed, parts, line, file, row)
    return parsed


def _check_file(parsed: _Parsed, file: str) -> None:
    """Refuse a file that is no 部标 file, has no parcels or is not in 3° zones."""
    if not parsed.section and not parsed.parcels:
        raise InputError(
            file,
            "不是部标界址点坐标文件(没有 [属性描述]/[地块坐标] 段)",
            "not a 部标 boundary-point file (no [地块坐标] section)",
            "检查文件,或改用 CSV",
            "check the file or use CSV",
        )
    if not parsed.parcels:
        raise InputError(file, "[地块坐标] 中没有地块", "no parcels under [地块坐标]", "添加地块头行与界址点", "add parcel headers and points")
    attrs = parsed.attrs
    if attrs.get("几度分带", "3").strip() not in ("3", "3度", ""):
        raise InputError(
            file,
            f"几度分带={attrs['几度分带']}:只支持3度带",
            f"only 3° zones are supported (got {attrs['几度分带']})",
            "换算为 CGCS2000 3度带后再导出",
            "re-export in CGCS2000 3° zones",
        )


def _zone(parsed: _Parsed, file: str) -> int | None:
    """The 带号 attribute, or None (a non-number is reported and ignored)."""
    attrs = parsed.attrs
    if not attrs.get("带号"):
        return None
    try:
        return int(float(attrs["带号"]))
    except ValueError:
        parsed.errors.append(
            InputError(file, f"带号「{attrs['带号']}」不是数字", f"zone {attrs['带号']!r} is not a number", "填写如 带号=38", "write e.g. 带号=38")
        )
        return None


def _parcel_geometry(p: _Parcel) -> Any:
    """The parcel's polygon: the ring with the lowest 圈号 (1) outer, rings inside it holes, others further parts.

    Raises ``ValueError`` naming the ring when a ring has fewer than 3 points (a hole left out would
    change the area silently).
    """
    rings: dict[int, list[tuple[float, float]]] = {}
    for ring, x, y, _ in p.points:
        rings.setdefault(ring, []).append((y, x))  # X = northing first → (easting, northing)
    if not rings:
        raise ValueError("没有界址点 / no points")
    short = [k for k, coords in rings.items() if len({*coords}) < 3]
    if short:
        raise ValueError(f"圈号 {short[0]} 的不同界址点少于3个,无法成面 / ring {short[0]} has fewer than 3 distinct points")
    order = sorted(rings)
    outer = Polygon(rings[order[0]])
    rest = [Polygon(rings[k]) for k in order[1:]]
    holes = [r for r in rest if outer.contains(r)]
    extra = [r for r in rest if not outer.contains(r)]
    g: Any = Polygon(outer.exterior.coords, [h.exterior.coords for h in holes])
    if extra:
        g = MultiPolygon([g, *extra])
    return g  # checked and, if invalid, repaired by the collector


def _datum(parsed: _Parsed, file: str) -> str:
    """The Gauss-Kruger datum of the ``坐标系`` attribute (CGCS2000 when absent); an unknown system is refused."""
    name = parsed.attrs.get("坐标系", "").strip()
    if not name or "2000" in name or "CGCS" in name.upper():
        return "cgcs2000"
    if "80" in name or "西安" in name:
        return "xian80"
    if "54" in name or "北京" in name:
        return "beijing54"
    raise InputError(
        file,
        f"坐标系={name}:无法识别(支持 2000国家大地坐标系、80西安坐标系、54北京坐标系)",
        f"坐标系={name} is not understood (CGCS2000, Xi'an 1980 and Beijing 1954 are)",
        "换算为 CGCS2000 3度带后重新导出",
        "re-export it in CGCS2000 3° zones",
    )


def _count_error(p: _Parcel, label: str, file: str) -> InputError | None:
    """The error for a header whose 界址点数 differs from the points that follow it."""
    declared = p.head[0] if p.head else ""
    if declared.isdigit() and int(declared) != len(p.points):
        return InputError(
            file,
            f"地块「{label}」声明 {declared} 个界址点,实际 {len(p.points)} 个(仍按实际点核查)",
            f"parcel {label!r} declares {declared} points but has {len(p.points)} (checked as given)",
            "核对界址点数",
            "check the point count",
            row=p.row,
        )
    return None


def read_bubiao_txt(text: str, file: str, crs: str | None = "auto", ptype: str = "") -> Ingested:
    """The 部标 界址点坐标 TXT of land-use submissions.

    ``[属性描述]`` holds ``key=value`` lines (``带号``, ``几度分带``, ``坐标系`` ...); ``[地块坐标]``
    holds, per 地块, a header line ``界址点数,地块面积,地块编号,地块名称,图形属性,图幅号,地块用途,地类编码,@``
    followed by point lines ``点号,圈号,X,Y`` with X = northing. Ring 1 is the outer ring;
    other rings inside it are holes, outside it further parts.
    """
    spec = parse_crs(crs, file)
    parsed = _parse(text, file)
    _check_file(parsed, file)
    notes: list[str] = []
    rows = Collector(file, parsed.errors, notes)
    zone = _zone(parsed, file)
    datum = _datum(parsed, file)
    declared = datum != "cgcs2000" or zone is not None
    if declared and spec.kind != "auto":
        zh, en = spec_label(spec)
        notes.append(f"{file}:文件声明了坐标系(坐标系/带号),未采用所选的「{zh}」/ the file declares its CRS: the chosen {en} was not applied")
    if declared or spec.kind == "auto" or (spec.kind == "gk" and spec.zone is None):
        spec = CrsSpec("gk", zone=zone, datum=datum)
    for p in parsed.parcels:
        label = p.label(f"地块{len(rows) + 1}")
        if p.bad:
            continue
        where = Where(row=p.row)
        try:
            g = _parcel_geometry(p)
        except ValueError as exc:
            zh, _, en = str(exc).partition(" / ")
            rows.error(where, f"地块「{label}」{zh}", f"parcel {label!r}: {en or zh}", "补全界址点", "add the missing points")
            continue
        if (err := _count_error(p, label, file)) is not None:
            rows.errors.append(err)
        use = p.head[6] if len(p.head) > 6 else ""
        rows.add(g, where, label, use or ptype)
    if datum != "cgcs2000":
        zh, en, _ = GK_DATUMS[datum]
        notes.append(f"{file}:坐标系={parsed.attrs.get('坐标系')},按{zh}换算 / 坐标系 declares {en}: converted from it")
    return rows.finish(lambda _t, arr: to_wgs84_geoms(arr, spec, file, notes), lambda w: f"地块{w.row}")


def read_bubiao_bytes(data: bytes, file: str, crs: str | None = "auto", encoding: str | None = None, ptype: str = "") -> Ingested:
    """A 部标 TXT file (UTF-8 or GBK)."""
    notes: list[str] = []
    ing = read_bubiao_txt(decode_text(data, file, encoding, notes), file, crs, ptype)
    ing.notes[:0] = notes
    return ing
