"""Write the malformed / hostile input corpus of the site check into tests/data/malformed/.

Run ``python tests/data/make_malformed.py``; it also writes ``expected.json``: for every file the
CRS and environment to read it with, and the words the error message must contain. The files are
small (the zip bomb is ~250 KB and declares 250 MB).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Polygon

HERE = Path(__file__).parent / "malformed"

KML_HEAD = '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
KML_TAIL = "</Document></kml>"
BUBIAO_HEAD = ("[属性描述]\n格式版本号=1.01\n坐标系=2000国家大地坐标系\n几度分带={deg}\n投影类型=高斯克吕格\n"
               "计量单位=米\n带号=38\n精度=0.01\n[地块坐标]\n")
SQUARE = ("J1,1,3066000.00,38512000.00\nJ2,1,3066000.00,38512100.00\nJ3,1,3065900.00,38512100.00\n"
          "J4,1,3065900.00,38512000.00\nJ1,1,3066000.00,38512000.00\n")


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _shapefile_parts(tmp: Path) -> dict[str, bytes]:
    gdf = gpd.GeoDataFrame({"名称": ["地块"]}, geometry=[Polygon([(113.14, 27.60), (113.15, 27.60), (113.15, 27.61)])], crs="EPSG:4326")
    gdf.to_file(tmp / "p.shp", encoding="UTF-8")
    return {p.suffix: p.read_bytes() for p in tmp.iterdir() if p.stem == "p"}


def _xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def build() -> dict[str, dict[str, object]]:
    import tempfile

    HERE.mkdir(parents=True, exist_ok=True)
    for old in HERE.iterdir():
        old.unlink()
    files: dict[str, bytes] = {}
    expect: dict[str, dict[str, object]] = {}

    def add(name: str, data: bytes | str, words: str, kind: str = "file", crs: str = "auto", env: dict[str, str] | None = None,
            valid: int = 0) -> None:
        files[name] = data.encode("utf-8") if isinstance(data, str) else data
        expect[name] = {"words": words, "kind": kind, "crs": crs, "env": env or {}, "valid": valid}

    # --- tables
    add("lon_out_of_range.csv", "名称,经度,纬度\nA,113.14,27.60\nB,1131.37,27.70\n", "第3行 经度", "row", valid=1)
    add("swapped.csv", "名称,经度,纬度\nA,27.70,113.13\n", "坐标似乎颠倒", "row")
    add("empty.csv", "", "文件是空的")
    add("header_only.csv", "名称,经度,纬度\n", "没有数据行")
    add("no_coord_columns.csv", "名称,地址\nA,渌口镇\n", "找不到坐标列")
    add("not_number.csv", "名称,经度,纬度\nA,东经一百一十三,27.6\nB,113.14,27.60\n", "不是数字", "row", valid=1)
    add("empty_cell.csv", "名称,经度,纬度\nA,,27.6\n", "为空", "row")
    add("bad_encoding.csv", b"\xff\xfe\x00\xd8\x00\xdc\x81\x30\x81", "编码")
    add("bad_minutes.csv", "名称,经度,纬度\nA,113°75'00\",27.6\n", "不是数字", "row")
    add("bad_wkt.csv", "名称,WKT\nA,POLYGON((113 27, 113.1\n", "WKT 无法解析", "row")
    add("oversize.csv", "名称,经度,纬度\n" + "A,113.14,27.60\n" * 2000, "文件超过大小上限", env={"LUKOU_MAX_UPLOAD_MB": "0.01"})
    add("too_many_rows.csv", "名称,经度,纬度\n" + "A,113.14,27.60\n" * 30, "超过上限", env={"LUKOU_MAX_ROWS": "10"})
    add("not_xlsx.xlsx", "this is not a workbook", "zip")
    add("empty_sheet.xlsx", _xlsx([]), "工作表是空的")
    add("legacy.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "不支持旧版 .xls")
    add("unsupported.doc", "hello", "不支持的文件类型")
    add("empty.txt", "", "文件是空的")
    add("garbage_coords.txt", "hello world\nfoo bar\n", "没有找到两个坐标值", "row")
    add("mixed_prefix.txt", "3066000,38512000\n3066100,512100\n3066100,512000\n", "有的带带号前缀")
    add("bad_zone_prefix.txt", "3066000,99512000\n", "不是有效的3度带号")
    # --- archives
    with tempfile.TemporaryDirectory() as d:
        parts = _shapefile_parts(Path(d))
    add("shp_missing_shx.zip", _zip({f"p{k}": v for k, v in parts.items() if k != ".shx"}), "缺少 .shx")
    add("shp_missing_dbf.zip", _zip({f"p{k}": v for k, v in parts.items() if k != ".dbf"}), "缺少 .dbf")
    add("shp_no_prj.zip", _zip({f"p{k}": v for k, v in parts.items() if k != ".prj"}), "缺少 .prj")
    add("only_dbf.zip", _zip({"p.dbf": parts[".dbf"]}), "缺少 .shp")
    add("zip_slip.zip", _zip({"../evil.txt": b"x", "p.shp": parts[".shp"]}), "不安全的路径")
    add("zip_absolute.zip", _zip({"/tmp/evil.txt": b"x"}), "不安全的路径")
    add("zip_bomb.zip", _zip({"zeros.shp": b"\0" * (250 * 2**20)}), "超过上限")
    add("zip_empty.zip", _zip({}), "没有可识别的地理数据")
    add("not_a_zip.zip", "PK? not really", "不是有效的 zip")
    add("kmz_without_kml.kmz", _zip({"images/a.png": b"\x89PNG"}), "KMZ 中没有 .kml")
    add("kmz_slip.kmz", _zip({"../../doc.kml": b"<kml/>"}), "不安全的路径")
    # --- vector files
    add("no_geometry.kml", KML_HEAD + "<Placemark><name>A</name></Placemark>" + KML_TAIL, "KML 中没有几何")
    add("empty.kml", KML_HEAD + KML_TAIL, "没有几何")
    add("broken.kml", KML_HEAD + "<Placemark><name>A</name><Point><coordinates>113.1,27.6", "无法读取")
    add("broken.geojson", '{"type": "FeatureCollection", "features": [', "无法读取")
    add("empty_features.geojson", '{"type": "FeatureCollection", "features": []}', "没有几何")
    add("null_geometry.geojson", json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "A"}, "geometry": None},
        {"type": "Feature", "properties": {"name": "B"}, "geometry": {"type": "Point", "coordinates": [113.14, 27.6]}}]}),
        "没有几何", "row", valid=1)
    add("garbage.dxf", "0\nSECTION\n2\nENTITIES\n0\nGARBAGE", "DXF", crs="gk-cm:114")
    add("no_crs.dxf", "0\nSECTION\n2\nENTITIES\n0\nENDSEC\n0\nEOF\n", "DXF 文件不记录坐标系")
    # --- 部标 TXT
    add("bubiao_short_ring.txt", BUBIAO_HEAD.format(deg=3) + "2,0.01,1,短,面,,工业用地,,@\nJ1,1,3066000,38512000\nJ2,1,3066000,38512100\n",
        "少于3个", "row")
    add("bubiao_bad_point.txt", BUBIAO_HEAD.format(deg=3) + "5,1.0,1,坏点,面,,工业用地,,@\n" + SQUARE.replace("3065900.00,38512100.00", "abc,def"),
        "界址点行无法解析", "row")
    add("bubiao_6deg.txt", BUBIAO_HEAD.format(deg=6) + "5,1.0,1,六度,面,,工业用地,,@\n" + SQUARE, "只支持3度带")
    add("bubiao_no_parcels.txt", BUBIAO_HEAD.format(deg=3), "没有地块")
    add("bubiao_orphan_points.txt", BUBIAO_HEAD.format(deg=3) + SQUARE, "没有地块")
    for name, data in files.items():
        (HERE / name).write_bytes(data)
    (HERE / "expected.json").write_text(json.dumps(expect, ensure_ascii=False, indent=1), encoding="utf-8")
    return expect


if __name__ == "__main__":
    print(f"{len(build())} files written to {HERE}")
