"""Data out: a stored layer (or a selection of it), or any GeoDataFrame such as a red line, as a file.

Formats (:data:`EXPORT_FORMATS`):

``shp``     zipped shapefile, GBK ``.dbf`` with its ``.cpg``; field names cut to the 10 bytes a
            ``.dbf`` allows (whole characters), the full names listed in ``字段对照.csv`` inside
``gpkg``    GeoPackage, one layer
``kml``     KML (WGS-84 by definition), attributes as ExtendedData
``dxf``     DXF through GDAL's driver (polygons as HATCH entities, the CAD layer = the class code),
            default CRS CGCS2000 3° GK zone 38 with the zone prefix (EPSG:4526)
``bubiao``  the 部标 界址点坐标 TXT (polygons only; GBK): CGCS2000 3° GK zone 38, X = northing first,
            easting with the zone prefix, one 地块 per feature, rings by 圈号 (each part's outer ring,
            then its holes), points numbered J1… clockwise from the north-west corner of each ring,
            every ring closed by repeating its first point — what the site check's reader reads.

All but KML take ``crs`` (default EPSG:4326; DXF and 部标 default to EPSG:4526). GDAL writes every
format but the 部标 TXT, for which no driver exists.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from lukou_geo.crs import to_metric
from lukou_geo.errors import ExportError
from lukou_geo.store.base import Store, TableFilter

EXPORT_FORMATS: dict[str, str] = {
    "shp": ".zip", "gpkg": ".gpkg", "kml": ".kml", "dxf": ".dxf", "bubiao": ".txt",
}
#: Standard fields whose names pass the 10 characters of a .dbf, shortened once for all.
SHP_NAMES = {"lk_ref_name": "lk_refname", "lk_repaired": "lk_repair"}
BUBIAO_ZONE = 38


def export_layer(store: Store, layer_id: str, fmt: str, out: str | Path, *, fids: list[int] | None = None,
                 bbox: tuple[float, float, float, float] | None = None, flt: TableFilter | None = None,
                 crs: str | None = None) -> Path:
    """Export a stored layer, or the features ``fids`` / ``bbox`` / ``flt`` select, to ``out``."""
    info = store.layer(layer_id)
    gdf = store.read_features(layer_id, bbox=bbox, fids=fids, flt=flt)
    if not len(gdf):
        raise ExportError(f"图层「{layer_id}」中没有符合条件的要素,未导出", f"no feature of layer {layer_id!r} matches: nothing exported")
    return export_frame(gdf, fmt, out, name=layer_id, crs=crs, title=info.title)


def _check(fmt: str, out: Path) -> Path:
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"不支持的导出格式「{fmt}」,可选:{'、'.join(EXPORT_FORMATS)}",
                          f"unsupported export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.is_dir():
        raise ExportError(f"{out} 是文件夹:请给出文件名(例如 {out / ('layer' + EXPORT_FORMATS[fmt])})",
                          f"{out} is a folder: give a file name")
    if out.exists():
        out.unlink()
    return out


def export_frame(gdf: gpd.GeoDataFrame, fmt: str, out: str | Path, *, name: str = "layer", crs: str | None = None,
                 title: str = "") -> Path:
    """Write ``gdf`` (any CRS; EPSG:4326 assumed when it has none) as ``fmt`` to ``out``; returns ``out``."""
    out = _check(fmt, Path(out))
    frame = gdf if gdf.crs is not None else gdf.set_crs("EPSG:4326")
    if fmt == "bubiao":
        return write_bubiao(frame, out, title=title or name)
    target = "EPSG:4326" if fmt == "kml" else (crs or ("EPSG:4526" if fmt == "dxf" else "EPSG:4326"))
    frame = to_target(frame, target)
    if fmt == "shp":
        return _write_shp(frame, out, name)
    if fmt == "gpkg":
        pyogrio.write_dataframe(_plain(frame), out, layer=name, driver="GPKG")
    elif fmt == "kml":
        kml = _plain(frame)
        label = next((c for c in ("lk_ref_name", "lk_name", "name", "lk_code") if c in kml and kml[c].notna().any()), None)
        opts = {"NameField": label} if label else {}
        pyogrio.write_dataframe(kml, out, driver="KML", layer=name, layer_options=opts)
    else:  # dxf: geometry, and the class as the CAD layer
        code = frame["lk_code"] if "lk_code" in frame else pd.Series([name] * len(frame), index=frame.index)
        dxf = gpd.GeoDataFrame({"Layer": code.fillna(name).astype(str).values}, geometry=frame.geometry.values, crs=frame.crs)
        pyogrio.write_dataframe(dxf, out, driver="DXF")
    return out


def to_target(gdf: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """``gdf`` in ``crs``; EPSG:4526 (GK zone 38 with the prefix) is EPSG:4547 with 38,000,000 added to the easting."""
    from pyproj import CRS

    want = CRS.from_user_input(crs)
    if gdf.crs is not None and CRS.from_user_input(gdf.crs) == want:
        return gdf
    return gdf.to_crs(want)


def _plain(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Object columns that hold only text and None, as text (GDAL wants one type per column)."""
    out = gdf.copy()
    for c in out.columns:
        if c != out.geometry.name and out[c].dtype == object:
            out[c] = out[c].map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
    return out


def shp_field_names(columns: list[str], encoding: str = "GBK") -> dict[str, str]:
    """Column → .dbf field name: at most 10 bytes in ``encoding``, cut at whole characters, unique."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for c in columns:
        name = SHP_NAMES.get(c, c)
        cut = name
        while len(cut.encode(encoding, "replace")) > 10:
            cut = cut[:-1]
        k = 1
        base = cut
        while cut.lower() in taken:
            k += 1
            suffix = str(k)
            cut = base
            while len((cut + suffix).encode(encoding, "replace")) > 10:
                cut = cut[:-1]
            cut += suffix
        taken.add(cut.lower())
        out[c] = cut
    return out


def _write_shp(gdf: gpd.GeoDataFrame, out: Path, name: str) -> Path:
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    names = shp_field_names(cols)
    frame = _plain(gdf).rename(columns=names)
    tmp = Path(tempfile.mkdtemp(prefix="lukou-export-"))
    try:
        shp = tmp / f"{name}.shp"
        pyogrio.write_dataframe(frame, shp, encoding="GBK")
        changed = {c: n for c, n in names.items() if c != n}
        if changed:
            table = "字段名,完整字段名\n" + "".join(f"{n},{c}\n" for c, n in changed.items())
            (tmp / "字段对照.csv").write_text(table, encoding="utf-8-sig")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for part in sorted(tmp.iterdir()):
                zf.write(part, part.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


# ------------------------------------------------------------------------------ 部标 TXT


def _clockwise_from_nw(ring: np.ndarray) -> np.ndarray:
    """A closed ring (easting, northing) as an open list of points, clockwise on the map, starting at
    the vertex nearest the north-west corner of the ring's bounding box."""
    pts = ring[:-1] if len(ring) > 1 and np.allclose(ring[0], ring[-1]) else ring
    if shapely.LinearRing(np.vstack([pts, pts[:1]])).is_ccw:
        pts = pts[::-1]
    nw = np.array([pts[:, 0].min(), pts[:, 1].max()])
    start = int(np.argmin(((pts - nw) ** 2).sum(axis=1)))
    return np.roll(pts, -start, axis=0)


def _clean_text(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    return str(v).replace(",", "、").replace(",", "、").replace("@", "").replace("\n", " ").strip()


def _pick(row: pd.Series, *cols: str) -> str:
    for c in cols:
        if c in row.index:
            text = _clean_text(row[c])
            if text:
                return text
    return ""


def bubiao_text(gdf: gpd.GeoDataFrame, title: str = "", unit: str = "") -> str:
    """The 部标 TXT of the polygons of ``gdf`` (any CRS)."""
    polys = gdf[gdf.geom_type.isin(["Polygon", "MultiPolygon"])]
    if not len(polys):
        raise ExportError("部标坐标 TXT 只能导出面要素,所选要素中没有面", "the 部标 TXT holds polygons only; the selection has none")
    gk = to_target(polys, "EPSG:4547")
    areas_ha = shapely.area(to_metric(to_target(polys, "EPSG:4326").geometry.values)) / 10_000
    head = ["[属性描述]", "格式版本号=1.01版本", f"数据产生单位={_clean_text(unit) or '渌口规划一张图'}",
            f"数据产生日期={date.today():%Y-%m-%d}", "坐标系=2000国家大地坐标系", "几度分带=3", "投影类型=高斯克吕格",
            "计量单位=米", f"带号={BUBIAO_ZONE}", "精度=0.001", "转换参数=,,,,,,", "[地块坐标]"]
    lines = list(head)
    prefix = BUBIAO_ZONE * 1_000_000.0
    for k, (idx, row) in enumerate(polys.iterrows(), start=1):
        geom = gk.geometry.loc[idx]
        rings: list[np.ndarray] = []
        for part in shapely.get_parts(geom):
            rings.append(_clockwise_from_nw(np.asarray(part.exterior.coords)[:, :2]))
            rings += [_clockwise_from_nw(np.asarray(h.coords)[:, :2]) for h in part.interiors]
        n_points = sum(len(r) + 1 for r in rings)
        number = _pick(row, "lk_ref_id", "lk_bsm", "lk_fid") or str(k)
        label = _pick(row, "lk_ref_name", "name", "lk_name") or f"{title}{number}"
        lines.append(f"{n_points},{areas_ha[k - 1]:.4f},{number},{label},面,,{_pick(row, 'lk_name', 'ptype')},{_pick(row, 'lk_code')},@")
        j = 0
        for circle, ring in enumerate(rings, start=1):
            first = j + 1
            for e, n in ring:
                j += 1
                lines.append(f"J{j},{circle},{n:.3f},{e + prefix:.3f}")
            e0, n0 = ring[0]
            lines.append(f"J{first},{circle},{n0:.3f},{e0 + prefix:.3f}")
    return "\r\n".join(lines) + "\r\n"


def write_bubiao(gdf: gpd.GeoDataFrame, out: Path, title: str = "", encoding: str = "GBK") -> Path:
    out.write_bytes(bubiao_text(gdf, title).encode(encoding, "replace"))
    return out
