"""Vector files read through GDAL (pyogrio): GeoJSON, GeoPackage, Shapefile (zipped, or on disk with its
siblings; GBK ``.dbf`` with or without ``.cpg``), KML/KMZ and DXF (closed polylines are red lines).

Which reader reads which suffix is declared in :mod:`lukou_geo.sitecheck.inputs.formats`; the archive
members looked for in a zip or KMZ come from there too.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import Polygon

from lukou_geo.errors import InputError
from lukou_geo.settings import get_settings
from lukou_geo.sitecheck.inputs import formats
from lukou_geo.sitecheck.inputs.archive import find_in_dir, safe_extract
from lukou_geo.sitecheck.inputs.crs_spec import CrsSpec, parse_crs, to_wgs84_geoms
from lukou_geo.sitecheck.inputs.encoding import dbf_encoding
from lukou_geo.sitecheck.inputs.ingested import NAME_COLUMNS, TYPE_COLUMNS, Ingested, merge, pick

_READ_ERRORS = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError)


# ------------------------------------------------------------------------------ features to projects


def _clean_geometry(geom: Any, file: str, label: str, notes: list[str]) -> Any:
    """2-D; a collection reduced to its polygons (or all its parts); invalid geometry repaired with a note."""
    geom = shapely.force_2d(geom)
    if geom.geom_type == "GeometryCollection":
        parts = [p for p in shapely.get_parts(geom) if not p.is_empty]
        polys = [p for p in parts if p.geom_type in ("Polygon", "MultiPolygon")]
        geom = shapely.union_all(polys) if polys else shapely.union_all(parts)
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
        notes.append(f"{file} {label}:几何无效(自相交等),已自动修复 / invalid geometry repaired")
    return geom


def _frame_wgs84(arr: np.ndarray, gdf: gpd.GeoDataFrame, file: str, spec: CrsSpec, notes: list[str], has_crs: bool) -> np.ndarray:
    """The geometries in WGS-84: from the layer's own CRS when it has one, else from the chosen ``spec``."""
    if has_crs and gdf.crs is not None:
        src = gdf.crs
        if src.is_geographic:
            arr = to_wgs84_geoms(arr, spec if spec.kind == "lonlat" else CrsSpec("lonlat"), file, notes)
        else:
            arr = gpd.GeoSeries(arr, crs=src).to_crs("EPSG:4326").values
    else:
        arr = to_wgs84_geoms(arr, spec, file, notes)
    c = shapely.get_coordinates(arr)
    if len(c) and (np.any(np.abs(c[:, 0]) > 180) or np.any(np.abs(c[:, 1]) > 90)):
        raise InputError(
            file,
            "坐标换算后超出经纬度范围:坐标系选择可能有误",
            "coordinates out of range after conversion: wrong CRS?",
            "选择正确的坐标系",
            "choose the right CRS",
        )
    return arr


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
        geoms.append(_clean_geometry(geom, file, label, notes))
        names.append(pick(rec, NAME_COLUMNS) or f"{Path(file).stem} {i}")
        types.append(pick(rec, TYPE_COLUMNS) or ptype)
        sources.append(f"{file} {label}")
    if not geoms:
        return Ingested.empty()
    arr = _frame_wgs84(np.array(geoms, dtype=object), gdf, file, spec, notes, has_crs)
    return gpd.GeoDataFrame({"name": names, "ptype": types, "source": sources}, geometry=list(arr), crs="EPSG:4326")


def _short(exc: BaseException) -> str:
    text = str(exc).split("\n")[0]
    return re.sub(r"\S*lukou-check-[^/\s]+/?", "", text)[:160]  # no temporary paths in messages


def _read_layers(
    path: Path, file: str, spec: CrsSpec, ptype: str, encoding: str | None, notes: list[str], errors: list[InputError], require_crs: bool
) -> list[gpd.GeoDataFrame]:
    """Every layer of the file as projects; ``require_crs``: a layer without CRS needs a chosen one."""
    try:
        layers = pyogrio.list_layers(path)
    except _READ_ERRORS as exc:
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
        except (*_READ_ERRORS, pyogrio.errors.FieldError, pyogrio.errors.GeometryError, UnicodeDecodeError, ValueError) as exc:
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


def _projects(frames: list[gpd.GeoDataFrame], file: str, errors: list[InputError], notes: list[str], what: str = "文件中没有几何") -> Ingested:
    """The frames read as one :class:`Ingested`; ``what`` (the Chinese problem) when none holds a feature."""
    frames = [f for f in frames if len(f)]
    if not frames:
        detail = ";".join(e.problem_zh for e in errors[:3])
        raise InputError(file, what + (f"({detail})" if detail else ""), "no geometry in the file",
                         "确认文件包含点、线或面要素", "check the file holds points, lines or polygons")
    gdf = pd.concat(frames, ignore_index=True)
    return Ingested(gpd.GeoDataFrame(gdf, geometry="geometry", crs="EPSG:4326"), errors, notes)


# ------------------------------------------------------------------------------ files on disk, one reader per format


def read_geojson_path(path: Path, file: str, spec: CrsSpec, ptype: str, encoding: str | None) -> Ingested:
    """A GeoJSON file; without a CRS (``auto``) it is refused with the fix."""
    notes: list[str] = []
    errors: list[InputError] = []
    frames = _read_layers(path, file, spec, ptype, encoding, notes, errors, require_crs=True)
    return _projects(frames, file, errors, notes)


def read_gpkg_path(path: Path, file: str, spec: CrsSpec, ptype: str, encoding: str | None) -> Ingested:
    """Every layer of a GeoPackage."""
    notes: list[str] = []
    errors: list[InputError] = []
    frames = _read_layers(path, file, spec, ptype, encoding, notes, errors, require_crs=False)
    return _projects(frames, file, errors, notes, "GeoPackage 中没有几何")


def read_kml_path(path: Path, file: str, spec: CrsSpec, ptype: str, encoding: str | None) -> Ingested:
    """A KML file (GDAL reads its folders as layers)."""
    notes: list[str] = []
    errors: list[InputError] = []
    frames = _read_layers(path, file, spec, ptype, encoding, notes, errors, require_crs=False)
    return _projects(frames, file, errors, notes, "KML 中没有几何")


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
    errors: list[InputError] = []
    for ext in formats.get("shapefile").companions:
        if not path.with_suffix(ext).exists() and not path.with_suffix(ext.upper()).exists():
            raise InputError(
                file,
                f"Shapefile 缺少 {ext}",
                f"the shapefile lacks its {ext} file",
                "把 .shp、.shx、.dbf、.prj(及 .cpg)一起打包成 zip 上传",
                "zip .shp, .shx, .dbf, .prj (and .cpg) together",
            )
    has_prj = _sibling(path, ".prj") is not None
    if not has_prj and spec.kind == "auto":
        raise InputError(
            file,
            "Shapefile 缺少 .prj,无法确定坐标系",
            "the shapefile has no .prj, so its CRS is unknown",
            "请在下方选择坐标系(命令行用 --crs)",
            "choose the CRS below (--crs on the command line)",
        )
    enc = encoding
    if enc is None and _sibling(path, ".cpg") is None:
        dbf = path.with_suffix(".dbf") if path.with_suffix(".dbf").exists() else path.with_suffix(".DBF")
        enc = dbf_encoding(dbf)
        if enc == "GBK":
            notes.append(f"{file}:没有 .cpg,属性按 GBK 读取 / no .cpg: attributes read as GBK")
    frames = _read_layers(path, file, spec, ptype, enc, notes, errors, require_crs=False)
    return _projects(frames, file, errors, notes)


def _closed_lines_to_polygons(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[Any]]:
    """Closed polylines (≥ 4 vertices) as polygons; the frame with the new geometries and the geometries."""
    geoms = []
    for g in gdf.geometry.values:
        if g is not None and g.geom_type == "LineString" and g.is_closed and len(g.coords) >= 4:
            g = Polygon(g.coords)
        geoms.append(g)
    return gdf.set_geometry(geoms), geoms


def read_dxf_path(path: Path, file: str, spec: CrsSpec, ptype: str, encoding: str | None) -> Ingested:
    """DXF: closed polylines are red lines (polygons); the CRS must be chosen by the user. Projects are named after their CAD layer."""
    notes: list[str] = []
    errors: list[InputError] = []
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
    except (*_READ_ERRORS, ValueError) as exc:
        raise InputError(
            file,
            f"DXF 无法读取({_short(exc)})",
            f"DXF cannot be read ({_short(exc)})",
            "用 CAD 另存为 DXF(R2000 或更新)",
            "save it again as DXF (R2000+)",
        ) from exc
    gdf, geoms = _closed_lines_to_polygons(gdf)
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
    frame = gdf[["name", "geometry"]] if layer_col else gdf[["geometry"]]
    return _projects([_frame_to_projects(frame, file, spec, ptype, notes, errors, False)], file, errors, notes)


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


def read_kmz_bytes(data: bytes, file: str, crs: str | None = "auto", encoding: str | None = None, ptype: str = "") -> Ingested:
    """A KMZ: extracted safely, its first .kml read."""
    spec = parse_crs(crs, file)
    with _scratch() as tmp:
        safe_extract(data, file, tmp)
        kmls = find_in_dir(tmp, formats.get("kml").path_readers)
        if not kmls:
            raise InputError(file, "KMZ 中没有 .kml 文件", "the KMZ holds no .kml", "用 Google Earth/奥维重新导出", "export it again")
        return merge([read_vector_path(k, file, spec, ptype, encoding) for k in kmls[:1]])


def read_zip_bytes(data: bytes, file: str, crs: str | None = "auto", encoding: str | None = None, ptype: str = "") -> Ingested:
    """A zip: extracted safely; its shapefiles are read, or, when it holds none, its other vector files."""
    spec = parse_crs(crs, file)
    shapefile = formats.get("shapefile")
    with _scratch() as tmp:
        safe_extract(data, file, tmp)
        shps = find_in_dir(tmp, shapefile.path_readers)
        if shps:
            return merge([read_vector_path(p, f"{file}/{p.name}", spec, ptype, encoding) for p in shps])
        if find_in_dir(tmp, shapefile.companions):
            raise InputError(
                file,
                "Shapefile 缺少 .shp",
                "the shapefile lacks its .shp",
                "把 .shp、.shx、.dbf、.prj 一起打包",
                "zip .shp, .shx, .dbf and .prj together",
            )
        others = find_in_dir(tmp, formats.path_suffixes(exclude=(shapefile.id,)))
        if not others:
            raise InputError(
                file,
                "压缩包中没有可识别的地理数据(.shp/.geojson/.gpkg/.kml/.dxf)",
                "no geodata file in the archive",
                "打包 Shapefile 的全部文件",
                "zip all the shapefile's files",
            )
        return merge([read_vector_path(p, f"{file}/{p.name}", spec, ptype, encoding) for p in others])


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
