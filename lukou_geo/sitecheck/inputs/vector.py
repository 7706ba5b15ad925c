"""Vector files read through GDAL (pyogrio): GeoJSON, GeoPackage, Shapefile (zipped, or on disk with its
siblings; GBK ``.dbf`` with or without ``.cpg``), KML/KMZ and DXF (closed polylines are red lines).

Which reader reads which suffix is declared in :mod:`lukou_geo.sitecheck.inputs.formats`; the archive
members looked for in a zip or KMZ come from there too.

Features are read as WKB (``pyogrio.raw``) and decoded one by one, so one bad feature (an unclosed ring,
a two-point polygon) is a feature error or a repair with a note, never the loss of the file. The CRS:

- a CRS the file declares (``.prj``, a GeoPackage layer's, a GeoJSON ``crs`` member) is used, whatever
  was chosen (a note says so), and must fit the values (a projected CRS with degree values is refused);
  other datums (Beijing 1954, Xi'an 1980) are converted with pyproj, with a note of its accuracy;
- GeoJSON without a ``crs`` member and KML are WGS-84 by definition (RFC 7946, OGC KML): a choice is not
  applied to them; a GeoJSON without ``crs`` whose values are metres is read in the chosen projected CRS
  (GDAL labels every GeoJSON EPSG:4326, so this is decided here);
- a file declaring none (a shapefile without ``.prj``, a DXF) needs the choice.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pyogrio
import pyogrio.raw
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry import Polygon, shape

from lukou_geo.errors import InputError
from lukou_geo.settings import get_limits
from lukou_geo.sitecheck.inputs import formats, kml
from lukou_geo.sitecheck.inputs.archive import Extracted, extract, find_in_dir
from lukou_geo.sitecheck.inputs.crs_spec import CrsSpec, declared_to_wgs84, parse_crs, spec_label, to_wgs84_geoms, used_note
from lukou_geo.sitecheck.inputs.encoding import dbf_encoding
from lukou_geo.sitecheck.inputs.ingested import NAME_COLUMNS, TYPE_COLUMNS, Ingested, merge, pick
from lukou_geo.sitecheck.inputs.rows import Collector, Where, num

_READ_ERRORS = (
    pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError, pyogrio.errors.GeometryError,
    pyogrio.errors.FeatureError, pyogrio.errors.CRSError, UnicodeDecodeError, ValueError, OSError,
)  # fmt: skip
#: how a layer's CRS is known: declared by the file, WGS-84 by the format's definition, GeoJSON without crs, none
_DECLARED = "declared"
_KML = "kml-by-definition"
_GEOJSON = "geojson-without-crs"
_NONE = "none"


def _short(exc: BaseException) -> str:
    text = str(exc).split("\n")[0]
    return re.sub(r"\S*lukou-check-[^/\s]+/?", "", text)[:160]  # no temporary paths in messages


@dataclass
class _Layer:
    """One layer as read: its name, CRS (as GDAL reports it), geometries and what decoding them met, attributes."""

    name: str
    crs: str | None
    geoms: np.ndarray
    fixed: np.ndarray  # decoded only by repair (an unclosed ring closed)
    broken: np.ndarray  # not decodable at all
    records: list[dict[str, Any]]


def _decode(wkb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(geometries, repaired, undecodable) of WKB features; an invalid WKB (unclosed ring) is repaired by Shapely if it can be."""
    geoms = shapely.from_wkb(wkb, on_invalid="ignore")
    given = np.array([w is not None for w in wkb], dtype=bool)
    failed = given & np.array([g is None for g in geoms], dtype=bool)
    fixed = np.zeros(len(wkb), dtype=bool)
    if failed.any():
        repaired = shapely.from_wkb(wkb[failed], on_invalid="fix")
        geoms[failed] = repaired
        fixed[failed] = [g is not None for g in repaired]
    return geoms, fixed, failed & ~fixed


def _unreadable(file: str, exc: BaseException, what_zh: str = "", what_en: str = "") -> InputError:
    return InputError(
        file,
        f"{what_zh}无法读取({_short(exc)})",
        f"{what_en}cannot be read ({_short(exc)})",
        "检查文件是否完整、格式与编码是否正确",
        "check the file is complete and of the right format and encoding",
    )


def _read_layers(path: Path, file: str, encoding: str | None) -> list[_Layer]:
    """Every layer of the file, each stopped at the row limit (more features are refused)."""
    limit = get_limits().max_rows
    try:
        names = [str(n) for n, _ in pyogrio.list_layers(path)]
    except _READ_ERRORS as exc:
        raise _unreadable(file, exc) from exc
    out, total = [], 0
    for lname in names:
        try:
            with warnings.catch_warnings():  # an unclosed ring is repaired and noted below, not warned about on stderr
                warnings.filterwarnings("ignore", "Non closed ring detected", RuntimeWarning)
                meta, _, wkb, data = pyogrio.raw.read(path, layer=lname, encoding=encoding, max_features=limit + 1 - total)
        except _READ_ERRORS as exc:
            raise _unreadable(file, exc, f"图层 {lname} ", f"layer {lname} ") from exc
        total += len(wkb) if wkb is not None else 0
        if total > limit:
            raise InputError(
                file,
                f"要素超过上限 {limit:,} 个",
                f"more than {limit:,} features",
                "拆分文件,或设置 LUKOU_MAX_ROWS",
                "split the file or raise LUKOU_MAX_ROWS",
            )
        if wkb is None:
            continue
        fields = [str(f) for f in meta["fields"]]
        records = [dict(zip(fields, vals, strict=True)) for vals in zip(*data, strict=True)] if fields else [{} for _ in wkb]
        geoms, fixed, broken = _decode(np.asarray(wkb, dtype=object))
        out.append(_Layer(lname, meta.get("crs"), geoms, fixed, broken, records))
    return out


def _looks_degrees(c: np.ndarray) -> bool:
    return bool(len(c) and np.all(np.abs(c[:, 0]) <= 180) and np.all(np.abs(c[:, 1]) <= 90))


def _declared(arr: np.ndarray, crs_text: str, file: str, spec: CrsSpec, notes: list[str]) -> np.ndarray:
    """Geometries in the CRS the file declares: the values must fit it; a choice made is not applied (noted)."""
    try:
        crs = CRS.from_user_input(crs_text)
    except CRSError as exc:
        raise InputError(
            file,
            f"文件声明的坐标系无法识别({_short(exc)})",
            f"the CRS the file declares is not understood ({_short(exc)})",
            "改正 .prj 或 crs 声明,或删除它并选择坐标系",
            "fix the .prj or crs member, or remove it and choose the CRS",
        ) from exc
    c = shapely.get_coordinates(arr)
    name = crs.name + (f"(EPSG:{crs.to_epsg()})" if crs.to_epsg() else "")
    if crs.is_projected and _looks_degrees(c):
        raise InputError(
            file,
            f"文件声明坐标系 {name}(米制),但坐标像是经纬度(如 {num(c[0, 0])}, {num(c[0, 1])})",
            f"the file declares {name} (metres) but its coordinates look like degrees (e.g. {num(c[0, 0])}, {num(c[0, 1])})",
            "改正文件的坐标系声明(.prj;GeoJSON 的 crs 成员经纬度时应删除)",
            "fix the file's CRS (.prj; for lon/lat, remove a GeoJSON's crs member)",
        )
    if crs.is_geographic and len(c) and not _looks_degrees(c):
        raise InputError(
            file,
            f"文件声明坐标系 {name}(经纬度),但坐标为米制(如 {num(c[0, 0])}, {num(c[0, 1])})",
            f"the file declares {name} (degrees) but its coordinates are metres (e.g. {num(c[0, 0])}, {num(c[0, 1])})",
            "改正文件的坐标系声明(.prj 或 crs 成员)",
            "fix the file's CRS (.prj or crs member)",
        )
    if spec.kind != "auto":
        zh, en = spec_label(spec)
        notes.append(f"{file}:文件声明了坐标系 {name},未采用所选的「{zh}」/ the file declares {name}: the chosen {en} was not applied")
    return declared_to_wgs84(arr, crs, file, notes)


def _by_definition(arr: np.ndarray, file: str, what: str, spec: CrsSpec, notes: list[str]) -> np.ndarray:
    """A GeoJSON without ``crs`` or a KML in degrees: WGS-84 by the format's definition, whatever was chosen."""
    notes.append(used_note(file, f"WGS-84({what} 按规范)", f"WGS-84 ({what} by definition)"))
    if spec.kind != "auto" and not (spec.kind == "lonlat" and spec.converter == "wgs84"):
        zh, en = spec_label(spec)
        notes.append(f"{file}:{what} 按规范为 WGS-84,未采用所选的「{zh}」/ {what} is WGS-84 by definition: the chosen {en} was not applied")
    return arr


def _metric_geojson(arr: np.ndarray, file: str, spec: CrsSpec, notes: list[str]) -> np.ndarray:
    """A GeoJSON without ``crs`` whose values are metres: in the chosen projected CRS, or refused with the fix."""
    if spec.kind in ("gk", "epsg"):
        notes.append(f"{file}:GeoJSON 没有 crs 成员而坐标为米制,按所选坐标系读取 / no crs member and metric values: read in the chosen CRS")
        return to_wgs84_geoms(arr, spec, file, notes)
    c = shapely.get_coordinates(arr)[0]
    chose = "所选坐标系为经纬度" if spec.kind == "lonlat" else "没有声明坐标系(crs 成员)"
    chose_en = "a lon/lat CRS was chosen" if spec.kind == "lonlat" else "it declares no CRS (crs member)"
    raise InputError(
        file,
        f"GeoJSON 的坐标为米制(如 {num(c[0])}, {num(c[1])}),但{chose}",
        f"the GeoJSON's coordinates are metres (e.g. {num(c[0])}, {num(c[1])}) but {chose_en}",
        "选择投影坐标系(如 CGCS2000 3度带 gk-cm:114;命令行用 --crs),或在文件中声明 crs",
        "choose its projected CRS (e.g. gk-cm:114; --crs on the command line), or declare its crs in the file",
    )


def _to_wgs84(arr: np.ndarray, layer: _Layer, how: str, file: str, spec: CrsSpec, notes: list[str]) -> np.ndarray:
    if how == _DECLARED and layer.crs:
        return _declared(arr, layer.crs, file, spec, notes)
    if how in (_KML, _GEOJSON):
        if _looks_degrees(shapely.get_coordinates(arr)):
            return _by_definition(arr, file, "KML" if how == _KML else "GeoJSON", spec, notes)
        if how == _GEOJSON:
            return _metric_geojson(arr, file, spec, notes)
        return arr  # a KML in metres: every row fails the lon/lat range check, with its message
    return to_wgs84_geoms(arr, spec, file, notes)


def _feature_problem(layer: _Layer, i: int, bad_texts: list[str]) -> tuple[str, str, str, str] | None:
    if layer.broken[i]:
        return (
            "几何数据无法解析(环未闭合且无法修复、点数不足等)",
            "the geometry cannot be decoded (an unclosed ring that cannot be repaired, too few points…)",
            "在 GIS 中检查并修复该要素",
            "check and repair the feature in your GIS",
        )
    k = kml.marked(layer.geoms[i])
    if k is not None:
        text = bad_texts[k] if k < len(bad_texts) else ""
        return (
            f"坐标不是有效数字「{text}」",
            f"the coordinates are not valid numbers {text!r}",
            "每个坐标写成 经度,纬度[,高程],均为数字",
            "write each coordinate as lon,lat[,alt] in numbers",
        )
    return None


def _collect(
    layers: list[_Layer],
    file: str,
    spec: CrsSpec,
    ptype: str,
    how: str,
    notes: list[str],
    bad_texts: list[str] | None = None,
    name_field: str | None = None,
) -> Ingested:
    """The features of every layer as projects (the collector checks them; each layer in its own CRS)."""
    rows = Collector(file, notes=notes)
    repaired: list[Where] = []
    for t, layer in enumerate(layers):
        for i, (geom, rec) in enumerate(zip(layer.geoms, layer.records, strict=True), start=1):
            where = Where(feature=i, layer=layer.name if len(layers) > 1 else "")
            problem = _feature_problem(layer, i - 1, bad_texts or [])
            if problem is not None:
                rows.error(where, *problem)
                continue
            if layer.fixed[i - 1]:
                repaired.append(where)
            name = (str(rec.get(name_field) or "") if name_field else "") or pick(rec, NAME_COLUMNS)
            rows.add(geom, where, name, pick(rec, TYPE_COLUMNS) or ptype, tag=t)
    if not len(rows) and not rows.errors:
        return Ingested.empty(notes=notes)
    stem = Path(file).stem
    ing = rows.finish(lambda t, arr: _to_wgs84(arr, layers[t], how, file, spec, notes), lambda w: f"{stem} {w.feature}")
    kept = set(ing.projects["source"])
    closed = [w for w in repaired if w.source(file) in kept]
    if closed:
        ing.notes.append(
            f"{file} {'、'.join(w.zh() for w in closed[:5])}{' 等' if len(closed) > 5 else ''}:环未闭合(WKB 无效),已自动闭合 / "
            f"{'; '.join(w.en() for w in closed[:5])}{' and more' if len(closed) > 5 else ''}: unclosed ring (invalid WKB) closed"
        )
    return ing


def _projects(ing: Ingested, file: str, what: str = "文件中没有几何") -> Ingested:
    """``ing``, or the error ``what`` (the Chinese problem, with the first row errors) when no feature became a project."""
    if not len(ing.projects):
        detail = ";".join(e.problem_zh for e in ing.errors[:3])
        detail_en = "; ".join(e.problem_en for e in ing.errors[:3])
        raise InputError(
            file,
            what + (f"({detail})" if detail else ""),
            "no usable geometry in the file" + (f" ({detail_en})" if detail_en else ""),
            "确认文件包含点、线或面要素",
            "check the file holds points, lines or polygons",
        )
    return ing


# ------------------------------------------------------------------------------ files on disk, one reader per format


def _geojson_declares_crs(path: Path) -> bool:
    return re.search(rb'"crs"\s*:\s*\{', path.read_bytes()) is not None


_SHAPE_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError, shapely.errors.GEOSException)


def _json_layers(path: Path, file: str, notes: list[str], why: InputError) -> list[_Layer]:
    """The features of a GeoJSON GDAL refused whole (one bad feature, a huge property), read one by one; ``why`` when it is no JSON."""
    try:
        doc = json.loads(path.read_bytes())
    except (ValueError, RecursionError):
        raise why from None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc], "crs": doc.get("crs")}
    feats = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(feats, list):
        raise why
    limit = get_limits().max_rows
    if len(feats) > limit:
        raise InputError(
            file,
            f"要素超过上限 {limit:,} 个",
            f"more than {limit:,} features",
            "拆分文件,或设置 LUKOU_MAX_ROWS",
            "split the file or raise LUKOU_MAX_ROWS",
        )
    geoms = np.empty(len(feats), dtype=object)
    broken = np.zeros(len(feats), dtype=bool)
    records: list[dict[str, Any]] = []
    for i, f in enumerate(feats):
        props = f.get("properties") if isinstance(f, dict) else None
        records.append(props if isinstance(props, dict) else {})
        try:
            geom = f.get("geometry") if isinstance(f, dict) else None
            geoms[i] = shape(geom) if geom else None
        except _SHAPE_ERRORS:
            broken[i] = True
    crs = doc.get("crs") if isinstance(doc.get("crs"), dict) else {}
    name = (crs.get("properties") or {}).get("name") if isinstance(crs.get("properties"), dict) else None
    notes.append(f"{file}:GDAL 无法整体读取({why.problem_zh[:80]}),已逐个要素读取 / GDAL could not read the file whole: read feature by feature")
    return [_Layer("", name or "EPSG:4326", geoms, np.zeros(len(feats), dtype=bool), broken, records)]


def read_geojson_path(path: Path, file: str, spec: CrsSpec, ptype: str, encoding: str | None) -> Ingested:
    """A GeoJSON file: its ``crs`` member when it has one, else WGS-84 (degrees) or the chosen projected CRS (metres).
    A file GDAL refuses whole (one feature it cannot read) is read feature by feature."""
    notes: list[str] = []
    try:
        layers = _read_layers(path, file, encoding)
    except InputError as exc:
        if "无法读取" not in exc.problem_zh:
            raise
        layers = _json_layers(path, file, notes, exc)
    how = _DECLARED if _geojson_declares_crs(path) else _GEOJSON
    return _projects(_collect(layers, file, spec, ptype, how, notes), file)


def read_gpkg_path(path: Path, file: str, spec: CrsSpec, ptype: str, encoding: str | None) -> Ingested:
    """Every layer of a GeoPackage, each in its own CRS (a layer without one in the chosen CRS)."""
    notes: list[str] = []
    layers = _read_layers(path, file, encoding)
    ing = merge([_collect([lyr], file, spec, ptype, _DECLARED if lyr.crs else _NONE, notes) for lyr in layers]) if layers else Ingested.empty()
    return _projects(ing, file, "GeoPackage 中没有几何")


def read_kml_path(path: Path, file: str, spec: CrsSpec, ptype: str, encoding: str | None) -> Ingested:
    """A KML file (GDAL reads its folders as layers); coordinates that are no numbers are found first (:mod:`.kml`)."""
    notes: list[str] = []
    patched, bad = kml.scan(path.read_bytes())
    with _scratch() as tmp:
        src = path
        if bad:
            src = tmp / "scanned.kml"
            src.write_bytes(patched)
        layers = _read_layers(src, file, encoding)
    return _projects(_collect(layers, file, spec, ptype, _KML, notes, bad), file, "KML 中没有几何")


def _sibling(path: Path, ext: str) -> Path | None:
    """The file beside ``path`` with suffix ``ext`` in lower or upper case, or None."""
    for p in (path.with_suffix(ext), path.with_suffix(ext.upper())):
        if p.exists():
            return p
    return None


def read_shp_path(path: Path, file: str, spec: CrsSpec, ptype: str, encoding: str | None) -> Ingested:
    """A shapefile beside its siblings: .shx and .dbf are required, .prj unless a CRS is chosen; a .dbf
    without .cpg is read as its code page says (GBK when it says nothing and is no UTF-8)."""
    notes: list[str] = []
    shapefile = formats.get("shapefile")
    for ext in shapefile.companions:
        if _sibling(path, ext) is None:
            raise InputError(
                file,
                f"Shapefile 缺少 {ext}",
                f"the shapefile lacks its {ext} file",
                "把 .shp、.shx、.dbf、.prj(及 .cpg)一起打包成 zip 上传",
                "zip .shp, .shx, .dbf, .prj (and .cpg) together",
            )
    prj, cpg = (_sibling(path, ext) for ext in shapefile.sidecars)
    if prj is None and spec.kind == "auto":
        raise InputError(
            file,
            "Shapefile 缺少 .prj,无法确定坐标系",
            "the shapefile has no .prj, so its CRS is unknown",
            "请在页面上方的「坐标系」中选择(命令行用 --crs)",
            "choose it under “Coordinate system” at the top of the page (--crs on the command line)",
        )
    enc = encoding
    if enc is None and cpg is None:
        enc = dbf_encoding(_sibling(path, shapefile.companions[-1]) or path)
        if enc == "GBK":
            notes.append(f"{file}:没有 .cpg,属性按 GBK 读取 / no .cpg: attributes read as GBK")
    layers = _read_layers(path, file, enc)
    return _projects(_collect(layers, file, spec, ptype, _DECLARED if prj is not None else _NONE, notes), file)


def _dxf_layer(layer: _Layer, notes: list[str], file: str) -> _Layer:
    """Closed polylines (≥ 4 vertices) as polygons; texts and other entities than polygons, lines and points left out (noted)."""
    keep, texts = [], 0
    for i, (g, rec) in enumerate(zip(layer.geoms, layer.records, strict=True)):
        if str(rec.get("Text") or "").strip():
            texts += 1
            continue
        if g is not None and g.geom_type == "LineString" and g.is_closed and len(g.coords) >= 4:
            layer.geoms[i] = g = Polygon(g.coords)
        if g is not None and not g.is_empty and g.geom_type in ("Polygon", "MultiPolygon", "LineString", "Point"):
            keep.append(i)
    if texts:
        notes.append(f"{file}:{texts} 个文字注记不是项目,未读取 / {texts} text entities are no projects: not read")
    idx = np.array(keep, dtype=int)
    return _Layer(layer.name, None, layer.geoms[idx], layer.fixed[idx], layer.broken[idx], [layer.records[i] for i in keep])


def read_dxf_path(path: Path, file: str, spec: CrsSpec, ptype: str, encoding: str | None) -> Ingested:
    """DXF: closed polylines are red lines (polygons); the CRS must be chosen by the user. Projects are named after their CAD layer."""
    notes: list[str] = []
    if spec.kind == "auto":
        raise InputError(
            file,
            "DXF 文件不记录坐标系",
            "a DXF file records no CRS",
            "请选择坐标系(命令行用 --crs,例如 gk-cm:114)",
            "choose the CRS (--crs, e.g. gk-cm:114)",
        )
    try:
        layers = [_dxf_layer(lyr, notes, file) for lyr in _read_layers(path, file, encoding)]
    except InputError as exc:
        raise InputError(
            file, f"DXF {exc.problem_zh}", f"DXF {exc.problem_en}", "用 CAD 另存为 DXF(R2000 或更新)", "save it again as DXF (R2000+)"
        ) from exc
    if not sum(len(lyr.geoms) for lyr in layers):
        raise InputError(
            file,
            "DXF 中没有可用的几何(闭合多段线、线或点)",
            "no usable geometry (closed polylines, lines, points) in the DXF",
            "把红线画成闭合多段线",
            "draw the red line as a closed polyline",
        )
    return _projects(_collect(layers, file, spec, ptype, _NONE, notes, name_field="Layer"), file)


def read_vector_path(path: Path, file: str, spec: CrsSpec, ptype: str, encoding: str | None) -> Ingested:
    """A vector file on disk, by the reader its suffix is registered with in :mod:`~lukou_geo.sitecheck.inputs.formats`."""
    reader = formats.path_reader(path)
    if reader is None:  # only files of registered suffixes reach here
        raise formats.unsupported(file)
    return reader(path, file, spec, ptype, encoding)


# ------------------------------------------------------------------------------ bytes (uploads and files read whole)


@contextmanager
def _scratch() -> Iterator[Path]:
    """A temporary folder (``lukou-check-*``, a name kept out of messages), removed afterwards."""
    tmp = Path(tempfile.mkdtemp(prefix="lukou-check-"))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def read_gdal_bytes(data: bytes, file: str, crs: str | None = "auto", encoding: str | None = None, ptype: str = "") -> Ingested:
    """A single-file vector format (GeoJSON, GPKG, KML, DXF): written to a temporary file and read through GDAL."""
    spec = parse_crs(crs, file)
    with _scratch() as tmp:
        path = tmp / f"input{Path(file).suffix.lower()}"
        path.write_bytes(data)
        return read_vector_path(path, file, spec, ptype, encoding)


def _read_members(paths: list[Path], tmp: Path, file: str, spec: CrsSpec, ptype: str, encoding: str | None, ex: Extracted) -> Ingested:
    """The vector files extracted from an archive, each read alone: one that fails is an error and the others are read."""
    parts: list[Ingested] = [Ingested.empty(ex.errors)]
    failed: list[InputError] = []
    for p in paths:
        try:
            parts.append(read_vector_path(p, f"{file}/{ex.name(p)}", spec, ptype, encoding))
        except InputError as exc:
            failed.append(exc)
    if failed and len(failed) == len(paths):
        raise failed[0]
    out = merge(parts)
    out.errors.extend(failed)
    if len(paths) > 1:
        names = "、".join(ex.name(p) for p in paths[:8])
        out.notes.append(f"{file}:读取了 {len(paths)} 个文件({names})/ {len(paths)} files read")
    return out


def read_kmz_bytes(data: bytes, file: str, crs: str | None = "auto", encoding: str | None = None, ptype: str = "") -> Ingested:
    """A KMZ: extracted safely, every .kml in it read (``doc.kml`` first)."""
    spec = parse_crs(crs, file)
    with _scratch() as tmp:
        ex = extract(data, file, tmp, formats.get("kml").path_readers, safe_names=True)
        kmls = sorted(
            find_in_dir(tmp, formats.get("kml").path_readers), key=lambda p: (PurePosixPath(ex.name(p)).name.lower() != "doc.kml", ex.name(p))
        )
        if not kmls:
            raise (
                ex.errors[0]
                if ex.errors
                else InputError(file, "KMZ 中没有 .kml 文件", "the KMZ holds no .kml", "用 Google Earth/奥维重新导出", "export it again")
            )
        return _read_members(kmls, tmp, file, spec, ptype, encoding, ex)


def read_zip_bytes(data: bytes, file: str, crs: str | None = "auto", encoding: str | None = None, ptype: str = "") -> Ingested:
    """A zip: extracted safely; its shapefiles and other vector files are all read; the other members are named in a note."""
    spec = parse_crs(crs, file)
    shapefile = formats.get("shapefile")
    wanted = (*formats.path_suffixes(), *shapefile.companions, *shapefile.sidecars)
    with _scratch() as tmp:
        ex = extract(data, file, tmp, wanted, safe_names=True)
        shps = sorted(find_in_dir(tmp, shapefile.path_readers), key=ex.name)
        others = sorted(find_in_dir(tmp, formats.path_suffixes(exclude=(shapefile.id,))), key=ex.name)
        if not shps and find_in_dir(tmp, shapefile.companions):
            raise InputError(
                file,
                "Shapefile 缺少 .shp",
                "the shapefile lacks its .shp",
                "把 .shp、.shx、.dbf、.prj 一起打包",
                "zip .shp, .shx, .dbf and .prj together",
            )
        if not shps and not others:
            if ex.errors:
                raise ex.errors[0]
            raise InputError(
                file,
                "压缩包中没有可识别的地理数据(.shp/.geojson/.gpkg/.kml/.dxf)",
                "no geodata file in the archive",
                "打包 Shapefile 的全部文件",
                "zip all the shapefile's files",
            )
        out = _read_members(shps + others, tmp, file, spec, ptype, encoding, ex)
    skipped = [s for s in ex.skipped if "__MACOSX" not in s.split("/")]
    if skipped:
        out.notes.append(
            f"{file}:{len(skipped)} 个成员不是可读的地理数据,未读取({'、'.join(skipped[:8])})/ "
            f"{len(skipped)} member(s) are no readable geodata and were skipped"
        )
    return out


def refuse_lone_shp(data: bytes, file: str, crs: str | None = "auto", encoding: str | None = None, ptype: str = "") -> Ingested:
    """An uploaded .shp alone cannot be read: its .shx and .dbf are missing."""
    parse_crs(crs, file)
    raise InputError(
        file,
        "单独的 .shp 不够:Shapefile 缺少 .shx 和 .dbf",
        "a lone .shp is not enough: the .shx and .dbf are missing",
        "把 .shp、.shx、.dbf、.prj 一起打包成 zip 上传",
        "zip .shp, .shx, .dbf and .prj together",
    )
