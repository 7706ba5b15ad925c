"""Building blocks of the hostile / broken input corpus (tests/data/make_malformed.py): the expected
outcome of a file, and small writers of CSV, XLSX, GeoJSON, KML, 部标 TXT, zips and GDAL files."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
from pyproj import Transformer
from shapely.geometry import Point, box

LON, LAT = 113.1475, 27.605  # inside the Nanzhou park sketch, as tests/sitecheck/inputs/helpers.py
TO_4547 = Transformer.from_crs("EPSG:4326", "EPSG:4547", always_xy=True)
X0, Y0 = TO_4547.transform(LON, LAT)  # easting, northing (CGCS2000 GK CM 114°E)
GJ_POINT = {"type": "Point", "coordinates": [LON, LAT]}
KML_HEAD = '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
KML_TAIL = "</Document></kml>"
BUBIAO_HEAD = "[属性描述]\n格式版本号=1.01\n坐标系={cs}\n几度分带=3\n投影类型=高斯克吕格\n计量单位=米\n带号=38\n精度=0.01\n[地块坐标]\n"
#: names a reader must pass through unchanged as text (escaping is each sink's job)
HOSTILE_NAMES = (
    "${alert(1)}",
    "`);alert(1);(`",
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "[link](http://evil)",
    "![](http://evil/x.png)",
    "$x$",
    '=HYPERLINK("http://evil","点我")',
    "＝1+1",
    "控制\x01字符\x1f与\x7f删除",
    "换行\u2028分隔\u2029符",
    "名" * 412,
    "'; DROP TABLE projects;--",
    "{{7*7}}",
)


@dataclass
class Expect:
    """The exact outcome of reading one corpus file.

    kind: "file" (one InputError), "rows" (row errors, the valid rows read) or "ok" (no error).
    """

    kind: str
    words: str = ""
    crs: str = "auto"
    shape: str = ""  # how a coordinate TXT's lines are read (read_path coords_as); "" = the default, points
    env: dict[str, str] = field(default_factory=dict)
    projects: int = 0
    errors: int | None = None  # exact number of row errors (rows)
    row: int | None = None  # a row error names this file line
    where: str = ""  # words naming the place of the error (a member, a setting, a field)
    at: list[list[float]] | None = None  # per project [lon, lat, tolerance m] (centroid)
    names: list[str] | None = None
    ptypes: list[str] | None = None
    note: str = ""  # words of a note
    area_ha: list[float] | None = None  # per project area in ha (relative tolerance 1e-3)
    large: bool = False  # written by the generator at test time, not committed

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "", {}, False) or k in ("kind", "projects", "crs")}


def at(n: int = 1, lon: float = LON, lat: float = LAT, tol: float = 1.0) -> list[list[float]]:
    return [[lon, lat, tol]] * n


def csv_bytes(text: str, codec: str = "utf-8") -> bytes:
    return text.encode(codec)


def xlsx(rows: list[list[Any]], sheets: dict[str, list[list[Any]]] | None = None, strings: bool = False) -> bytes:
    """A workbook; ``strings``: every text cell stored as text (a leading "=" is no formula)."""
    from openpyxl import Workbook

    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    if strings:
        for row in wb.active.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    c.data_type = "s"
    for title, data in (sheets or {}).items():
        ws = wb.create_sheet(title)
        for r in data:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_patch(data: bytes, sheet_xml: Callable[[str], str]) -> bytes:
    """The workbook with its first sheet's XML rewritten by ``sheet_xml``."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = sheet_xml(part.decode("utf-8")).encode("utf-8")
            dst.writestr(info.filename, part)
    return buf.getvalue()


def feature(geom: dict[str, Any] | None, **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": geom}


def geojson(*features: dict[str, Any], crs: str | None = None) -> str:
    fc: dict[str, Any] = {"type": "FeatureCollection", "features": list(features)}
    if crs:
        fc["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(fc, ensure_ascii=False)


def placemark(geometry: str, name: str = "A") -> str:
    from xml.sax.saxutils import escape

    return f"<Placemark><name>{escape(name)}</name>{geometry}</Placemark>"


def kml_point(coords: str) -> str:
    return f"<Point><coordinates>{coords}</coordinates></Point>"


def kml_polygon(coords: str) -> str:
    return f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{coords}</coordinates></LinearRing></outerBoundaryIs></Polygon>"


def kml(*placemarks: str) -> str:
    return KML_HEAD + "".join(placemarks) + KML_TAIL


def square_lonlat(side_m: float = 400.0, lon: float = LON, lat: float = LAT) -> list[list[float]]:
    """A square ring of ``side_m`` around (lon, lat) in lon/lat (closed)."""
    back = Transformer.from_crs("EPSG:4547", "EPSG:4326", always_xy=True)
    x, y = TO_4547.transform(lon, lat)
    h = side_m / 2
    pts = [(x - h, y - h), (x + h, y - h), (x + h, y + h), (x - h, y + h), (x - h, y - h)]
    return [list(back.transform(a, b)) for a, b in pts]


def gk_ring(side_m: float, ring: int, prefix: bool = True, x0: float = X0, y0: float = Y0) -> str:
    """部标 point lines of a square ring (X = northing first), easting with the zone prefix."""
    h = side_m / 2
    pts = [(x0 - h, y0 - h), (x0 + h, y0 - h), (x0 + h, y0 + h), (x0 - h, y0 + h), (x0 - h, y0 - h)]
    off = 38e6 if prefix else 0
    return "".join(f"J{i},{ring},{n:.3f},{e + off:.3f}\n" for i, (e, n) in enumerate(pts, 1))


def bubiao(parcels: list[tuple[str, str]], cs: str = "2000国家大地坐标系") -> str:
    """A 部标 file: (header line, point lines) per parcel."""
    return BUBIAO_HEAD.format(cs=cs) + "".join(h + "\n" + pts for h, pts in parcels)


def zip_bytes(entries: list[tuple[str | zipfile.ZipInfo, bytes | str]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            info = name if isinstance(name, zipfile.ZipInfo) else zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()


def symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o120777 << 16
    return info


def gbk_named_zip(names_data: list[tuple[str, bytes | str]], utf8_flag: bool) -> bytes:
    """A zip whose member names are GBK bytes, flagged UTF-8 (as some Windows tools do) or not."""
    holders = [("Q" * (len(n.encode("gbk")) - len(str(i))) + str(i), n, d) for i, (n, d) in enumerate(names_data)]
    raw = bytearray(zip_bytes([(h, d) for h, _, d in holders]))
    for h, n, _ in holders:
        raw = bytearray(bytes(raw).replace(h.encode(), n.encode("gbk")))
    if utf8_flag:
        for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            i = raw.find(sig)
            while i >= 0:
                flags = int.from_bytes(raw[i + off : i + off + 2], "little") | 0x800
                raw[i + off : i + off + 2] = flags.to_bytes(2, "little")
                i = raw.find(sig, i + 4)
    return bytes(raw)


def gdal_file(gdf: gpd.GeoDataFrame, suffix: str, driver: str, **kw: Any) -> bytes:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"f{suffix}"
        gdf.to_file(path, driver=driver, engine="pyogrio", **kw)
        return path.read_bytes()


def shapefile_parts(gdf: gpd.GeoDataFrame, stem: str = "p", encoding: str = "UTF-8", skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """The files of a shapefile written through GDAL, {member name: bytes}."""
    with tempfile.TemporaryDirectory() as d:
        gdf.to_file(Path(d) / f"{stem}.shp", engine="pyogrio", encoding=encoding)
        return {p.name: p.read_bytes() for p in sorted(Path(d).iterdir()) if p.suffix.lower() not in skip}


def point_frame(names: list[str] | None = None, crs: str = "EPSG:4326", lon: float = LON, lat: float = LAT, **cols: list[Any]) -> gpd.GeoDataFrame:
    names = names or ["甲"]
    pts = gpd.GeoSeries([Point(lon, lat)] * len(names), crs="EPSG:4326").to_crs(crs)
    return gpd.GeoDataFrame({"名称": names, **cols}, geometry=pts.values, crs=crs)


def square_frame(side_m: float = 400.0, crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    sq = gpd.GeoSeries([box(X0 - side_m / 2, Y0 - side_m / 2, X0 + side_m / 2, Y0 + side_m / 2)], crs="EPSG:4547").to_crs(crs)
    return gpd.GeoDataFrame({"名称": ["红线"]}, geometry=sq.values, crs=crs)
