"""The rows of an input on their way to projects: where each came from, and the checks every project passes.

Every reader hands its rows (a geometry in the file's coordinates, where it came from, its name and
type) to a :class:`Collector`; :meth:`Collector.finish` then holds each row to the same rules, so no
reader can forget one:

1. the name and type are at most ``LUKOU_MAX_NAME_CHARS`` long (kept as written otherwise: escaping is
   done where text is shown);
2. a geometry has at most ``LUKOU_MAX_VERTICES`` vertices, and all of them at most
   ``LUKOU_MAX_TOTAL_VERTICES`` (checked before any repair, conversion or check);
3. it is not empty, has finite coordinates, a polygon has an area and a line a length; an invalid
   geometry is repaired (Shapely ``make_valid``) with a note, and a polygon stays a polygon;
4. it is converted to WGS-84 by the reader's converter, after which it must lie in the lon/lat ranges
   and within :data:`~.district.MAX_KM_OUTSIDE_DISTRICT` of the district.

A row failing a rule is a row error naming the file, the row (file line) or feature, and the fix; the
other rows are still checked.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from lukou_geo.errors import InputError
from lukou_geo.settings import get_limits
from lukou_geo.sitecheck.inputs.district import too_far
from lukou_geo.sitecheck.inputs.ingested import Ingested

_POLYGONAL = ("Polygon", "MultiPolygon")
_LINEAL = ("LineString", "MultiLineString", "LinearRing")


def num(v: float, decimals: int = 6) -> str:
    """A number as plain decimal text (never ``3.8512e+07``): at most ``decimals`` decimals, no trailing zeros."""
    if not np.isfinite(v):
        return str(v)
    if abs(v) >= 1e15:
        return f"{v:.0f}"
    return f"{v:.{decimals}f}".rstrip("0").rstrip(".") or "0"


@dataclass(frozen=True)
class Where:
    """Where a row came from: a file line (and column), or a feature (of a layer)."""

    row: int | None = None
    field: str | None = None
    feature: int | None = None
    layer: str = ""

    def zh(self) -> str:
        if self.feature is None:
            return ""
        return (f"图层 {self.layer} " if self.layer else "") + f"第{self.feature}个要素"

    def en(self) -> str:
        if self.feature is None:
            return ""
        return (f"layer {self.layer}, " if self.layer else "") + f"feature {self.feature}"

    def source(self, file: str) -> str:
        """The project's ``source`` text: the file and the row or feature."""
        if self.row is not None:
            return f"{file} 第{self.row}行"
        return f"{file} {self.zh()}" if self.feature is not None else file

    def key(self) -> int:
        return self.row if self.row is not None else (self.feature if self.feature is not None else 0)


def row_error(file: str, where: Where, problem_zh: str, problem_en: str, fix_zh: str = "", fix_en: str = "") -> InputError:
    """The :class:`InputError` of one row or feature."""
    lz, le = where.zh(), where.en()
    err = InputError(
        file,
        f"{lz}:{problem_zh}" if lz else problem_zh,
        f"{le}: {problem_en}" if le else problem_en,
        fix_zh,
        fix_en,
        row=where.row,
        field=where.field,
    )
    err.order = where.key()  # type: ignore[attr-defined]  # errors are listed in file order
    return err


class GeometryProblem(ValueError):
    """A geometry that cannot be a project: the problem and the fix, in both languages."""

    def __init__(self, problem_zh: str, problem_en: str, fix_zh: str, fix_en: str) -> None:
        super().__init__(problem_en)
        self.texts = (problem_zh, problem_en, fix_zh, fix_en)


def _reduce_collection(geom: Any) -> Any:
    parts = [p for p in shapely.get_parts(geom) if not p.is_empty]
    polys = [p for p in parts if p.geom_type in _POLYGONAL]
    return shapely.union_all(polys) if polys else shapely.union_all(parts)


def clean_geometry(geom: Any) -> tuple[Any, tuple[str, str] | None]:
    """(the geometry 2-D and valid, the repair note or None); :class:`GeometryProblem` when it cannot be a project."""
    if geom is None or geom.is_empty:
        raise GeometryProblem("没有几何", "no geometry", "删除该行(要素)或补上几何", "delete it or give its geometry")
    geom = shapely.force_2d(geom)
    if geom.geom_type == "GeometryCollection":
        geom = _reduce_collection(geom)
    if not np.isfinite(shapely.get_coordinates(geom)).all():
        raise GeometryProblem("坐标含 NaN 或无穷大", "a coordinate is NaN or infinite", "填入有效的坐标数值", "give finite coordinates")
    if geom.geom_type in _LINEAL and shapely.length(geom) == 0:
        raise GeometryProblem("线的长度为零(各点重合)", "the line has zero length (its points coincide)", "检查坐标", "check the coordinates")
    if geom.is_valid and not (geom.geom_type in _POLYGONAL and shapely.area(geom) == 0):
        return geom, None
    reason = shapely.is_valid_reason(geom)
    fixed = shapely.make_valid(geom)
    if geom.geom_type in _POLYGONAL:
        polys = [p for p in shapely.get_parts(fixed) if p.geom_type in _POLYGONAL and shapely.area(p) > 0]
        if not polys:
            raise GeometryProblem(
                "面的面积为零(各点共线,或不同的点少于3个),无法成面",
                "the polygon has zero area (its points are collinear or fewer than 3 are distinct)",
                "检查界址点;线状项目请写成线(LINESTRING)",
                "check its vertices; give a linear project as a line (LINESTRING)",
            )
        fixed = shapely.union_all(polys)
    return fixed, (f"几何无效({reason}),已自动修复", f"invalid geometry ({reason}) repaired")


def _summarise(file: str, label_zh: str, label_en: str, items: list[tuple[str, str]]) -> str:
    """One note for rows that had the same treatment (the first five named)."""
    shown = items[:5]
    more_zh = f" 等 {len(items)} 处" if len(items) > 5 else ""
    more_en = f" and {len(items) - 5} more" if len(items) > 5 else ""
    return f"{file} {'、'.join(z for z, _ in shown)}{more_zh}:{label_zh} / {file} {'; '.join(e for _, e in shown)}{more_en}: {label_en}"


class Collector:
    """The rows of one input; :meth:`finish` checks them (see the module docstring) and makes the projects.

    The rows are kept column by column (a reader of many rows may hand over a block at once with
    :meth:`add_points`); the geometries as read are kept as given, the checks work on copies.
    """

    def __init__(self, file: str, errors: list[InputError] | None = None, notes: list[str] | None = None) -> None:
        self.file = file
        self.errors: list[InputError] = errors if errors is not None else []
        self.notes: list[str] = notes if notes is not None else []
        self.limits = get_limits()
        self._geoms: list[Any] = []  # as read, in the file's coordinates (before repair and conversion)
        self._wheres: list[Where | None] = []  # None: a row of add_points, Where(row=<its line>)
        self._lines: list[int] = []
        self._names: list[str] = []
        self._ptypes: list[str] = []
        self._tags: list[Hashable] = []
        self._clean: list[bool] = []  # known 2-D, finite and valid: clean_geometry would leave it as it is

    def __len__(self) -> int:
        return len(self._geoms)

    def error(self, where: Where, problem_zh: str, problem_en: str, fix_zh: str = "", fix_en: str = "") -> None:
        """Record a row error."""
        self.errors.append(row_error(self.file, where, problem_zh, problem_en, fix_zh, fix_en))

    def add(self, geom: Any, where: Where, name: str = "", ptype: str = "", tag: Hashable = None) -> bool:
        """Add a row (geometry in the file's coordinates); False, with a row error, when its name or type is too long."""
        limit = self.limits.max_name_chars
        for what_zh, what_en, text in (("名称", "name", name), ("类型", "type", ptype)):
            if len(text) > limit:
                self.error(
                    where,
                    f"{what_zh}长 {len(text):,} 个字符,超过上限 {limit:,}",
                    f"the {what_en} is {len(text):,} characters long, over the limit of {limit:,}",
                    "缩短后重新上传,或设置 LUKOU_MAX_NAME_CHARS",
                    "shorten it, or raise LUKOU_MAX_NAME_CHARS",
                )
                return False
        self._append([geom], [where], [0], [name], [ptype], [tag], [False])
        return True

    def add_points(self, points: Any, lines: list[int], names: list[str], ptypes: list[str], tags: list[Hashable]) -> None:
        """Add rows at once: 2-D points with finite coordinates (row ``lines[i]``), whose names and types the caller
        has held to ``LUKOU_MAX_NAME_CHARS``; each row is then checked and made as :meth:`add` would."""
        n = len(lines)
        self._append(points, [None] * n, lines, names, ptypes, tags, [True] * n)

    def _append(self, geoms: Any, wheres: list, lines: list, names: list, ptypes: list, tags: list, clean: list) -> None:
        self._geoms.extend(geoms)
        self._wheres.extend(wheres)
        self._lines.extend(lines)
        self._names.extend(names)
        self._ptypes.extend(ptypes)
        self._tags.extend(tags)
        self._clean.extend(clean)

    def _where(self, i: int) -> Where:
        w = self._wheres[i]
        return w if w is not None else Where(row=self._lines[i])

    # -------------------------------------------------------------------------- the checks, in order

    def _vertex_limits(self) -> np.ndarray:
        """The indices of the rows within the vertex limits (the others get a row error)."""
        counts = shapely.get_num_coordinates(_objects(self._geoms))
        per, total_limit = self.limits.max_vertices, self.limits.max_total_vertices
        over = counts > per
        for i in np.flatnonzero(over):
            c = counts[i]
            self.error(
                self._where(int(i)),
                f"几何有 {int(c):,} 个顶点,超过上限 {per:,}(未核查)",
                f"the geometry has {int(c):,} vertices, over the limit of {per:,} (not checked)",
                "简化图形(如 CAD/GIS 中抽稀)后重新上传,或设置 LUKOU_MAX_VERTICES",
                "simplify it (e.g. in your CAD/GIS) and upload it again, or raise LUKOU_MAX_VERTICES",
            )
        total = int(counts[~over].sum(dtype=np.int64))
        if total > total_limit:
            raise InputError(
                self.file,
                f"共 {total:,} 个顶点,超过上限 {total_limit:,}",
                f"{total:,} vertices in all, over the limit of {total_limit:,}",
                "拆分文件或简化图形后分批核查,或设置 LUKOU_MAX_TOTAL_VERTICES",
                "split the file or simplify the geometries, or raise LUKOU_MAX_TOTAL_VERTICES",
            )
        return np.flatnonzero(~over)

    def _cleaned(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the indices of the rows whose geometry can be a project, their geometries 2-D and valid)."""
        geoms = _objects([self._geoms[i] for i in idx]) if len(idx) < len(self._geoms) else _objects(self._geoms)
        keep = np.ones(len(idx), dtype=bool)
        repaired = []
        clean = self._clean
        for k in np.flatnonzero([not clean[i] for i in idx]):
            i = int(idx[k])
            try:
                geom, note = clean_geometry(geoms[k])
            except GeometryProblem as exc:
                self.error(self._where(i), *exc.texts)
                keep[k] = False
                continue
            if note is not None:
                w = self._where(i)
                repaired.append((w.zh() or f"第{w.row}行", w.en() or f"row {w.row}", note))
            geoms[k] = geom
        if repaired:
            reasons = {n for *_, n in repaired}
            zh, en = (
                next(iter(reasons)) if len(reasons) == 1 else ("几何无效(自相交等),已自动修复", "invalid geometry (self-intersection etc.) repaired")
            )
            self.notes.append(_summarise(self.file, zh, en, [(z, e) for z, e, _ in repaired]))
        return idx[keep], geoms[keep]

    def _converted(self, idx: np.ndarray, geoms: np.ndarray, convert: Callable[[Hashable, np.ndarray], np.ndarray]) -> np.ndarray:
        out = np.empty(len(idx), dtype=object)
        tags = [self._tags[i] for i in idx]
        for tag in dict.fromkeys(tags):
            mask = np.fromiter((t == tag for t in tags), dtype=bool, count=len(tags))
            arr = np.empty(int(mask.sum()), dtype=object)
            arr[:] = geoms[mask]
            out[mask] = convert(tag, arr)
        return out

    def _in_range(self, idx: np.ndarray, wgs: np.ndarray) -> np.ndarray:
        """Which converted geometries lie within the lon/lat ranges (the others get a row error)."""
        coords, index = shapely.get_coordinates(wgs, return_index=True)
        bad = ~np.isfinite(coords).all(axis=1) | (np.abs(coords[:, 0]) > 180) | (np.abs(coords[:, 1]) > 90)
        ok = np.ones(len(idx), dtype=bool)
        for i in np.unique(index[bad]):
            ok[i] = False
            lon, lat = coords[index == i][0]
            self.error(
                self._where(int(idx[i])),
                f"换算为经纬度后超出范围(经度 {num(lon)}、纬度 {num(lat)}):坐标系可能不对",
                f"out of the lon/lat ranges after conversion (lon {num(lon)}, lat {num(lat)}): the CRS may be wrong",
                "选择正确的坐标系;高斯-克吕格坐标 X 为北坐标",
                "choose the right CRS; in Gauss-Kruger X is the northing",
            )
        return ok

    def _frame(self, idx: np.ndarray, wgs: np.ndarray, default_name: Callable[[Where], str]) -> gpd.GeoDataFrame:
        wheres, lines, file = self._wheres, self._lines, self.file
        return gpd.GeoDataFrame(
            {
                "name": [self._names[i] or default_name(self._where(i)) for i in idx],
                "ptype": [self._ptypes[i] for i in idx],
                "source": [f"{file} 第{lines[i]}行" if wheres[i] is None else wheres[i].source(file) for i in idx],  # type: ignore[union-attr]
                # the coordinates as given (the file's own CRS, before repair): WKT with the numbers as read
                "given": list(shapely.to_wkt(_objects([self._geoms[i] for i in idx]), rounding_precision=-1)) if len(idx) else [],
            },
            geometry=list(wgs) if len(idx) else [],
            crs="EPSG:4326",
        )

    def finish(self, convert: Callable[[Hashable, np.ndarray], np.ndarray], default_name: Callable[[Where], str]) -> Ingested:
        """The projects in WGS-84 of the rows that pass every check; ``convert(tag, geometries)`` converts the rows of a tag."""
        idx, geoms = self._cleaned(self._vertex_limits()) if self._geoms else (np.empty(0, dtype=np.intp), np.empty(0, dtype=object))
        wgs = self._converted(idx, geoms, convert) if len(idx) else np.empty(0, dtype=object)
        if len(idx):
            ok = self._in_range(idx, wgs)
            idx, wgs = idx[ok], wgs[ok]
        far = too_far(wgs)
        for i, (zh, en) in far.items():
            self.error(
                self._where(int(idx[i])),
                zh + ":坐标或坐标系可能有误(未核查)",
                en + ": the coordinates or the CRS may be wrong (not checked)",
                "核对坐标与坐标系(经纬度顺序、GCJ-02/BD-09、高斯-克吕格带号与 X/Y 顺序)",
                "check the coordinates and the CRS (lon/lat order, GCJ-02/BD-09, Gauss-Kruger zone and X/Y order)",
            )
        if far:
            keep = np.ones(len(idx), dtype=bool)
            keep[list(far)] = False
            idx, wgs = idx[keep], wgs[keep]
        self.errors.sort(key=lambda e: getattr(e, "order", 0))
        return Ingested(self._frame(idx, wgs, default_name), self.errors, self.notes)


def _objects(items: Any) -> np.ndarray:
    """A 1-D object array of geometries (never a nested array)."""
    arr = np.empty(len(items), dtype=object)
    arr[:] = items
    return arr
