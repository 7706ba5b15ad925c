"""Small synthetic (合成) deliveries written through GDAL, in the formats and CRSs planners receive.

:func:`parcels` is a grid of 100 m × 100 m squares (10,000 m² each in EPSG:4547) near 渌口镇, with
the fields of a 三调 DLTB delivery and Chinese text; :func:`write` puts a frame into a file of a
given format, CRS and encoding.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from lukou_geo.store.synthetic import to_crs

#: The grid's south-west corner in EPSG:4547 (≈ 113.138°E, 27.695°N, by the 渌口镇 seat).
ORIGIN = (415_000.0, 3_065_000.0)
SIZE = 100.0
CODES = (("0101", "水田"), ("0103", "旱地"), ("0301", "乔木林地"), ("0702", "农村宅基地"))


def parcels(nx: int = 3, ny: int = 2, origin: tuple[float, float] = ORIGIN) -> gpd.GeoDataFrame:
    """``nx × ny`` squares in EPSG:4547, row by row from the south-west; codes cycle through :data:`CODES`."""
    geoms, rows = [], []
    k = 0
    for j in range(ny):
        for i in range(nx):
            x0, y0 = origin[0] + i * SIZE, origin[1] + j * SIZE
            geoms.append(shapely.box(x0, y0, x0 + SIZE, y0 + SIZE))
            code, name = CODES[k % len(CODES)]
            kcxs = 0.1 if code.startswith("01") else 0.0
            rows.append({"BSM": f"43021220220{k + 1:07d}", "TBBH": str(k + 1), "DLBM": code, "DLMC": name,
                         "ZLDWDM": "4302121000010000000", "ZLDWMC": "渌口镇合成村", "TBMJ": 10000.0, "KCXS": kcxs,
                         "KCMJ": 10000.0 * kcxs, "TBDLMJ": 10000.0 * (1 - kcxs), "SJNF": 2022, "BZ": "合成数据"})
            k += 1
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4547")
    gdf["SJNF"] = gdf["SJNF"].astype("int32")
    return gdf


def lonlat(gdf: gpd.GeoDataFrame, i: int) -> tuple[float, float]:
    """A point inside feature ``i`` (WGS-84)."""
    pt = gdf.to_crs("EPSG:4326").geometry.iloc[i].representative_point()
    return float(pt.x), float(pt.y)


def _zip(folder: Path, out: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, prefix + p.relative_to(folder).as_posix())
    return out


def write(gdf: gpd.GeoDataFrame, fmt: str, folder: Path, crs: str = "EPSG:4490", layer: str = "DLTB",
          encoding: str = "GBK", cpg: bool = True, prj: bool = True) -> Path:
    """Write ``gdf`` as ``fmt``: gdb, gdbzip, shpzip, gpkg, geojson, kml, kmz. Returns the file to import."""
    folder.mkdir(parents=True, exist_ok=True)
    frame = to_crs(gdf, crs) if crs else gdf
    if fmt == "gdb":
        out = folder / f"{layer}.gdb"
        pyogrio.write_dataframe(frame, out, layer=layer, driver="OpenFileGDB")
        return out
    if fmt == "gdbzip":
        inner = write(gdf, "gdb", folder / "gdb_src", crs, layer)
        return _zip(inner.parent, folder / f"{layer}_gdb.zip")
    if fmt == "shpzip":
        src = folder / "shp_src"
        shutil.rmtree(src, ignore_errors=True)
        src.mkdir()
        pyogrio.write_dataframe(frame, src / f"{layer}.shp", encoding=encoding)
        if not cpg:
            (src / f"{layer}.cpg").unlink(missing_ok=True)
        if not prj:
            (src / f"{layer}.prj").unlink(missing_ok=True)
        return _zip(src, folder / f"{layer}.zip")
    if fmt == "gpkg":
        out = folder / f"{layer}.gpkg"
        pyogrio.write_dataframe(frame, out, layer=layer, driver="GPKG")
        return out
    if fmt == "geojson":
        out = folder / f"{layer}.geojson"
        pyogrio.write_dataframe(frame.to_crs("EPSG:4326"), out, driver="GeoJSON")
        return out
    if fmt in ("kml", "kmz"):
        out = folder / f"{layer}.kml"
        pyogrio.write_dataframe(frame.to_crs("EPSG:4326"), out, driver="KML", layer=layer)
        if fmt == "kml":
            return out
        kmz = folder / f"{layer}.kmz"
        with zipfile.ZipFile(kmz, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(out, "doc.kml")
        out.unlink()
        return kmz
    raise ValueError(fmt)


def truncated(path: Path, out: Path) -> Path:
    data = path.read_bytes()
    out.write_bytes(data[: len(data) // 2])
    return out


def bowtie(origin: tuple[float, float] = ORIGIN) -> shapely.Geometry:
    """A self-intersecting square (invalid; make_valid gives two triangles of 5,000 m² together)."""
    x, y = origin
    return shapely.Polygon([(x, y), (x + SIZE, y + SIZE), (x + SIZE, y), (x, y + SIZE), (x, y)])


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def areas_m2(gdf: gpd.GeoDataFrame) -> np.ndarray:
    from lukou_geo.crs import to_metric

    return shapely.area(to_metric(gdf.to_crs("EPSG:4326").geometry.values))
