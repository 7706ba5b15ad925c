"""Shared by the input tests: a point inside the Nanzhou park sketch, a red line around it, files made through GDAL."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import geopandas as gpd
from pyproj import Transformer
from shapely.geometry import Polygon, box

from lukou_geo import crs as ccrs

LON, LAT = 113.1475, 27.605  # inside the Nanzhou park sketch
TO_4547 = Transformer.from_crs("EPSG:4326", "EPSG:4547", always_xy=True)
CSV_TEXT = "项目名称,经度,纬度,类型\n南洲厂房,113.1475,27.605,新材料\n第二个,113.1480,27.606,住宅\n"


def close_to(g, lon=LON, lat=LAT, tol_m=1.0) -> None:
    """Assert the point (or the centroid) of ``g`` lies within ``tol_m`` of (lon, lat)."""
    p = g.centroid if g.geom_type != "Point" else g
    assert ccrs.haversine_m(p.x, p.y, lon, lat) < tol_m, (p.x, p.y)


def square_4547(side: float = 1000.0) -> Polygon:
    """A square of ``side`` metres around (LON, LAT), in EPSG:4547 coordinates."""
    x, y = TO_4547.transform(LON, LAT)
    return box(x - side / 2, y - side / 2, x + side / 2, y + side / 2)


def red_line_frame(crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    """The 1 km red line 红线地块 (type 新材料) in ``crs``."""
    poly = gpd.GeoSeries([square_4547()], crs="EPSG:4547").to_crs(crs)
    return gpd.GeoDataFrame({"名称": ["红线地块"], "类型": ["新材料"]}, geometry=poly.values, crs=crs)


def zip_dir(folder: Path, skip: tuple[str, ...] = ()) -> bytes:
    """The files of ``folder`` zipped under ``sub/``, but those whose suffix is in ``skip``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in folder.iterdir():
            if p.suffix.lower() not in skip:
                zf.write(p, f"sub/{p.name}")
    return buf.getvalue()


class _NamedInfo(zipfile.ZipInfo):
    """A member whose name is written in ``codec``, with the UTF-8 flag set or not, as the zip tool chose."""

    codec, utf8_flag = "gbk", False

    def _encodeFilenameFlags(self):  # zipfile's own hook for the name's bytes and flags
        return self.filename.encode(self.codec), (self.flag_bits | 0x800) if self.utf8_flag else (self.flag_bits & ~0x800)


def windows_zip(entries: dict[str, bytes], codec: str = "gbk", utf8_flag: bool = False) -> bytes:
    """A zip as Windows' own tool writes it for Chinese planners: member names in GBK, no UTF-8 flag
    (``utf8_flag``: as some tools write it, flagged though not UTF-8; ``codec="utf-8"``: as macOS writes it)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            info = _NamedInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.codec, info.utf8_flag = codec, utf8_flag
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()
