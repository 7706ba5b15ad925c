"""The cases of the hostile / broken input corpus, by finding (see tests/data/make_malformed.py).

Each group yields (file name, bytes or a function writing them, the exact :class:`~corpus_kit.Expect`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
from corpus_cases_more import GROUPS as MORE_GROUPS
from corpus_kit import (
    GJ_POINT,
    LAT,
    LON,
    X0,
    Y0,
    Expect,
    at,
    bubiao,
    feature,
    gdal_file,
    geojson,
    gk_ring,
    kml,
    kml_point,
    kml_polygon,
    placemark,
    point_frame,
    shapefile_parts,
    square_lonlat,
    xlsx,
    zip_bytes,
)
from pyproj import Transformer
from shapely.geometry import Polygon

Case = tuple[str, Any, Expect]
REPO = Path(__file__).resolve().parents[2]
CSV_HEAD = "名称,经度,纬度\n"
OK_ROW = f"甲,{LON},{LAT}\n"
SQUARE = (
    "J1,1,3066000.00,38512000.00\nJ2,1,3066000.00,38512100.00\nJ3,1,3065900.00,38512100.00\n"
    "J4,1,3065900.00,38512000.00\nJ1,1,3066000.00,38512000.00\n"
)


def _gcj(lon: float = LON, lat: float = LAT) -> tuple[float, float]:
    from lukou_geo import crs as ccrs

    a, b = ccrs.wgs84_to_gcj02(lon, lat)
    return float(a), float(b)


def _bd(lon: float = LON, lat: float = LAT) -> tuple[float, float]:
    from lukou_geo import crs as ccrs

    a, b = ccrs.wgs84_to_bd09(lon, lat)
    return float(a), float(b)


def _easternmost() -> tuple[float, float]:
    fc = json.loads((REPO / "geodata" / "district.geojson").read_text(encoding="utf-8"))
    import shapely
    from shapely.geometry import shape

    c = shapely.get_coordinates(shape(fc["features"][0]["geometry"]))
    i = int(np.argmax(c[:, 0]))
    return float(c[i, 0]), float(c[i, 1])


def _east_of_district(km: float) -> tuple[float, float]:
    lon, lat = _easternmost()
    return lon + km / (111.32 * math.cos(math.radians(lat))), lat


# ------------------------------------------------------------------------------ the corpus of the split (kept)


def legacy() -> Iterator[Case]:
    """The 45 files of the first corpus, with their exact outcomes."""
    from corpus_kit import BUBIAO_HEAD

    head = BUBIAO_HEAD.format(cs="2000国家大地坐标系").replace("几度分带=3", "几度分带={deg}")
    yield "lon_out_of_range.csv", "名称,经度,纬度\nA,113.14,27.60\nB,1131.37,27.70\n", Expect("rows", "第3行 经度", projects=1, errors=1, row=3)
    yield "swapped.csv", "名称,经度,纬度\nA,27.70,113.13\n", Expect("rows", "坐标似乎颠倒", errors=1, row=2)
    yield "empty.csv", "", Expect("file", "文件是空的")
    yield "header_only.csv", "名称,经度,纬度\n", Expect("file", "没有数据行")
    yield "no_coord_columns.csv", "名称,地址\nA,渌口镇\n", Expect("file", "找不到坐标列")
    yield "not_number.csv", "名称,经度,纬度\nA,东经一百一十三,27.6\nB,113.14,27.60\n", Expect("rows", "不是数字", projects=1, errors=1, row=2)
    yield "empty_cell.csv", "名称,经度,纬度\nA,,27.6\n", Expect("rows", "为空", errors=1, row=2, where="经度")
    yield "bad_encoding.csv", b"\xff\xfe\x00\xd8\x00\xdc\x81\x30\x81", Expect("file", "编码")
    yield "bad_minutes.csv", "名称,经度,纬度\nA,113°75'00\",27.6\n", Expect("rows", "不是数字", errors=1, row=2)
    yield "bad_wkt.csv", '名称,WKT\nA,"POLYGON((113 27, 113.1"\n', Expect("rows", "WKT 无法解析", errors=1, row=2)
    yield "oversize.csv", CSV_HEAD + "A,113.14,27.60\n" * 2000, Expect("file", "文件超过大小上限", env={"LUKOU_MAX_UPLOAD_MB": "0.01"})
    yield "too_many_rows.csv", CSV_HEAD + "A,113.14,27.60\n" * 30, Expect("file", "超过上限", env={"LUKOU_MAX_ROWS": "10"}, where="LUKOU_MAX_ROWS")
    yield "not_xlsx.xlsx", "this is not a workbook", Expect("file", "文件内容是文本")
    yield "empty_sheet.xlsx", xlsx([]), Expect("file", "工作表是空的")
    yield "legacy.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, Expect("file", "不支持旧版 .xls")
    yield "unsupported.doc", "hello", Expect("file", "不支持的文件类型")
    yield "empty.txt", "", Expect("file", "文件是空的")
    yield "garbage_coords.txt", "hello world\nfoo bar\n", Expect("rows", "没有找到两个坐标值", errors=2, row=2)
    yield "mixed_prefix.txt", "3066000,38512000\n3066100,512100\n3066100,512000\n", Expect("file", "有的带带号前缀")
    yield "bad_zone_prefix.txt", "3066000,99512000\n", Expect("file", "不是有效的3度带号")
    parts = shapefile_parts(gpd.GeoDataFrame({"名称": ["地块"]}, geometry=[Polygon(square_lonlat())], crs="EPSG:4326"))
    yield "shp_missing_shx.zip", zip_bytes([(k, v) for k, v in parts.items() if not k.endswith(".shx")]), Expect("file", "缺少 .shx")
    yield "shp_missing_dbf.zip", zip_bytes([(k, v) for k, v in parts.items() if not k.endswith(".dbf")]), Expect("file", "缺少 .dbf")
    yield "shp_no_prj.zip", zip_bytes([(k, v) for k, v in parts.items() if not k.endswith(".prj")]), Expect("file", "缺少 .prj")
    yield "only_dbf.zip", zip_bytes([("p.dbf", parts["p.dbf"])]), Expect("file", "缺少 .shp")
    yield "zip_slip.zip", zip_bytes([("../evil.txt", b"x"), ("p.shp", parts["p.shp"])]), Expect("file", "不安全的路径", where="../evil.txt")
    yield "zip_absolute.zip", zip_bytes([("/tmp/evil.txt", b"x")]), Expect("file", "不安全的路径", where="/tmp/evil.txt")
    yield "zip_bomb.zip", zip_bytes([("zeros.shp", b"\0" * (250 * 2**20))]), Expect("file", "超过上限")
    yield "zip_empty.zip", zip_bytes([]), Expect("file", "没有可识别的地理数据")
    yield "not_a_zip.zip", "PK? not really", Expect("file", "文件内容是文本")
    yield "kmz_without_kml.kmz", zip_bytes([("images/a.png", b"\x89PNG")]), Expect("file", "KMZ 中没有 .kml")
    yield "kmz_slip.kmz", zip_bytes([("../../doc.kml", b"<kml/>")]), Expect("file", "不安全的路径")
    yield "no_geometry.kml", kml("<Placemark><name>A</name></Placemark>"), Expect("file", "KML 中没有几何")
    yield "empty.kml", kml(), Expect("file", "没有几何")
    yield "broken.kml", kml()[: -len("</Document></kml>")] + "<Placemark><name>A</name><Point><coordinates>113.1,27.6", Expect("file", "无法读取")
    yield "broken.geojson", '{"type": "FeatureCollection", "features": [', Expect("file", "无法读取")
    yield "empty_features.geojson", '{"type": "FeatureCollection", "features": []}', Expect("file", "没有几何")
    yield (
        "null_geometry.geojson",
        geojson(feature(None, name="A"), feature(GJ_POINT, name="B")),
        Expect("rows", "没有几何", projects=1, errors=1, at=at()),
    )
    yield "garbage.dxf", "0\nSECTION\n2\nENTITIES\n0\nGARBAGE", Expect("file", "DXF", crs="gk-cm:114")
    yield "no_crs.dxf", "0\nSECTION\n2\nENTITIES\n0\nENDSEC\n0\nEOF\n", Expect("file", "DXF 文件不记录坐标系")
    yield (
        "bubiao_short_ring.txt",
        head.format(deg=3) + "2,0.01,1,短,面,,工业用地,,@\nJ1,1,3066000,38512000\nJ2,1,3066000,38512100\n",
        Expect("rows", "少于3个", errors=1, row=10),
    )
    yield (
        "bubiao_bad_point.txt",
        head.format(deg=3) + "5,1.0,1,坏点,面,,工业用地,,@\n" + SQUARE.replace("3065900.00,38512100.00", "abc,def"),
        Expect("rows", "界址点行无法解析", errors=1, row=13),
    )
    yield "bubiao_6deg.txt", head.format(deg=6) + "5,1.0,1,六度,面,,工业用地,,@\n" + SQUARE, Expect("file", "只支持3度带")
    yield "bubiao_no_parcels.txt", head.format(deg=3), Expect("file", "没有地块")
    yield "bubiao_orphan_points.txt", head.format(deg=3) + SQUARE, Expect("file", "没有地块")


# ------------------------------------------------------------------------------ a CRS choice applies only to inputs that declare none


def crs_choice() -> Iterator[Case]:
    glon, glat = _gcj()
    blon, blat = _bd()
    pt = geojson(feature(GJ_POINT, 名称="甲"))
    yield "geojson_with_gcj02_choice.geojson", pt, Expect("ok", crs="gcj02", projects=1, at=at(tol=0.01), note="未采用所选")
    yield "geojson_with_bd09_choice.geojson", pt, Expect("ok", crs="bd09", projects=1, at=at(tol=0.01), note="未采用所选")
    yield "geojson_with_gk_choice.geojson", pt, Expect("ok", crs="gk-cm:114", projects=1, at=at(tol=0.01), note="GeoJSON 按规范为 WGS-84")
    yield (
        "kml_with_gcj02_choice.kml",
        kml(placemark(kml_point(f"{LON},{LAT}"))),
        Expect("ok", crs="gcj02", projects=1, at=at(tol=0.01), note="KML 按规范"),
    )
    yield "csv_gcj02_choice.csv", f"名称,lng,lat\n甲,{glon:.8f},{glat:.8f}\n", Expect("ok", crs="gcj02", projects=1, at=at(tol=0.5), note="GCJ-02")
    yield "csv_bd09_choice.csv", f"名称,lng,lat\n甲,{blon:.8f},{blat:.8f}\n", Expect("ok", crs="bd09", projects=1, at=at(tol=0.5), note="BD-09")
    yield "paste_gcj02_choice.txt", f"{glon:.8f},{glat:.8f}\n", Expect("ok", crs="gcj02", projects=1, at=at(tol=0.5))
    metric = geojson(feature({"type": "Point", "coordinates": [round(X0, 3), round(Y0, 3)]}, 名称="米制"))
    yield "geojson_metres_no_crs.geojson", metric, Expect("file", "坐标为米制")
    yield "geojson_metres_no_crs_gk.geojson", metric, Expect("ok", crs="gk-cm:114", projects=1, at=at(tol=0.01), note="没有 crs 成员")
    yield "geojson_metres_no_crs_epsg.geojson", metric, Expect("ok", crs="EPSG:4547", projects=1, at=at(tol=0.01))
    yield "geojson_metres_no_crs_wgs84.geojson", metric, Expect("file", "所选坐标系为经纬度", crs="wgs84")
    prefixed = geojson(feature({"type": "Point", "coordinates": [round(X0 + 38e6, 3), round(Y0, 3)]}, 名称="带号"))
    yield "geojson_metres_prefix_gk.geojson", prefixed, Expect("ok", crs="gk", projects=1, at=at(tol=0.01))
    urn = "urn:ogc:def:crs:EPSG::4547"
    yield "geojson_4547_degrees.geojson", geojson(feature(GJ_POINT), crs=urn), Expect("file", "坐标像是经纬度")
    yield (
        "geojson_4547_metres.geojson",
        geojson(feature({"type": "Point", "coordinates": [X0, Y0]}), crs=urn),
        Expect("ok", projects=1, at=at(tol=0.01), note="EPSG:4547"),
    )
    yield (
        "geojson_4547_with_gcj02_choice.geojson",
        geojson(feature({"type": "Point", "coordinates": [X0, Y0]}), crs=urn),
        Expect("ok", crs="gcj02", projects=1, at=at(tol=0.01), note="未采用所选"),
    )
    yield (
        "geojson_4326_metres.geojson",
        geojson(feature({"type": "Point", "coordinates": [X0, Y0]}), crs="urn:ogc:def:crs:EPSG::4326"),
        Expect("file", "坐标为米制"),
    )
    yield (
        "geojson_beijing54.geojson",
        geojson(feature(GJ_POINT), crs="urn:ogc:def:crs:EPSG::4214"),
        Expect("ok", projects=1, at=at(tol=0.01), note="Beijing 1954"),
    )
    yield (
        "geojson_xian80.geojson",
        geojson(feature(GJ_POINT), crs="urn:ogc:def:crs:EPSG::4610"),
        Expect("ok", projects=1, at=at(tol=0.01), note="Xian 1980"),
    )
    yield "geojson_cgcs2000.geojson", geojson(feature(GJ_POINT), crs="urn:ogc:def:crs:EPSG::4490"), Expect("ok", projects=1, at=at(tol=0.01))
    yield "geojson_unknown_crs.geojson", geojson(feature(GJ_POINT), crs="urn:ogc:def:crs:EPSG::99999"), Expect("ok", projects=1, at=at(tol=0.01))
    for code, label in ((2435, "Beijing 1954"), (2383, "Xian 1980")):
        frame = point_frame(crs=f"EPSG:{code}")
        yield f"gpkg_epsg{code}.gpkg", gdal_file(frame, ".gpkg", "GPKG"), Expect("ok", projects=1, at=at(tol=0.01), note=label)
        yield f"shp_epsg{code}.zip", zip_bytes(list(shapefile_parts(frame).items())), Expect("ok", projects=1, at=at(tol=0.01), note=label)
    yield (
        "gpkg_4547_with_gcj02_choice.gpkg",
        gdal_file(point_frame(crs="EPSG:4547"), ".gpkg", "GPKG"),
        Expect("ok", crs="gcj02", projects=1, at=at(tol=0.01), note="未采用所选"),
    )
    prj_4547 = shapefile_parts(point_frame(crs="EPSG:4326"))
    prj_4547["p.prj"] = shapefile_parts(point_frame(crs="EPSG:4547"))["p.prj"]
    yield "shp_prj_4547_degrees.zip", zip_bytes(list(prj_4547.items())), Expect("file", "坐标像是经纬度")


# ------------------------------------------------------------------------------ WKT columns: range, swap and NaN checks


def wkt() -> Iterator[Case]:
    head = "名称,WKT\n"
    ok = f"乙,POINT({LON} {LAT})\n"
    yield "wkt_swapped.csv", head + f"甲,POINT({LAT} {LON})\n" + ok, Expect("rows", "坐标似乎颠倒", projects=1, errors=1, row=2, at=at())
    yield "wkt_lat95.csv", head + "甲,POINT(113.1 95)\n" + ok, Expect("rows", "超出范围", projects=1, errors=1, row=2, where="WKT 纬度")
    yield "wkt_lon200.csv", head + "甲,POINT(200 27.6)\n" + ok, Expect("rows", "超出范围", projects=1, errors=1, row=2, where="WKT 经度")
    yield "wkt_nan.csv", head + "甲,POINT(nan nan)\n" + ok, Expect("rows", "NaN", projects=1, errors=1, row=2)
    yield "wkt_inf.csv", head + "甲,POINT(inf 27.6)\n" + ok, Expect("rows", "NaN 或无穷大", projects=1, errors=1, row=2)
    yield (
        "wkt_zero_area.csv",
        head + '甲,"POLYGON((113.14 27.6,113.15 27.6,113.16 27.6,113.14 27.6))"\n' + ok,
        Expect("rows", "面积为零", projects=1, errors=1, row=2),
    )
    swapped = ", ".join(f"{b} {a}" for a, b in square_lonlat())
    yield "wkt_polygon_swapped.csv", head + f'甲,"POLYGON(({swapped}))"\n' + ok, Expect("rows", "颠倒", projects=1, errors=1, row=2)
    ring = ", ".join(f"{a} {b}" for a, b in square_lonlat())
    yield "wkt_polygon_ok.csv", head + f'甲,"POLYGON(({ring}))"\n', Expect("ok", projects=1, at=at(tol=0.5), area_ha=[16.0])
    gk = ", ".join(f"{X0 + dx} {Y0 + dy}" for dx, dy in ((-200, -200), (200, -200), (200, 200), (-200, 200), (-200, -200)))
    yield "wkt_polygon_metres.csv", head + f'甲,"POLYGON(({gk}))"\n', Expect("ok", projects=1, at=at(tol=0.5), area_ha=[16.0], note="米制")
    yield (
        "wkt_unquoted.csv",
        head + "甲,POLYGON((113.14 27.6, 113.15 27.6, 113.15 27.61, 113.14 27.6))\n" + ok,
        Expect("rows", "单元格", projects=1, errors=1, row=2),
    )
    yield "wkt_empty.csv", head + "甲,POINT EMPTY\n" + ok, Expect("rows", "几何为空", projects=1, errors=1, row=2)
    yield (
        "wkt_bowtie.csv",
        head + '甲,"POLYGON((113.14 27.60, 113.15 27.61, 113.15 27.60, 113.14 27.61, 113.14 27.60))"\n',
        Expect("ok", projects=1, note="已自动修复"),
    )


# ------------------------------------------------------------------------------ pasted numbers: point numbers and altitudes


def pasted() -> Iterator[Case]:
    yield "paste_altitude.txt", f"{LON},{LAT},50\n", Expect("ok", projects=1, at=at(tol=0.01), note="高程")
    ring = "".join(f"{a},{b},35.2\n" for a, b in square_lonlat())
    yield "paste_altitude_polygon.txt", ring, Expect("ok", shape="polygon", projects=1, at=at(tol=0.5), area_ha=[16.0], note="高程")
    yield "paste_letter_label.txt", f"J1,{LON},{LAT}\n", Expect("ok", projects=1, at=at(tol=0.01))
    yield "paste_number_label.txt", f"1,{LON},{LAT}\n", Expect("ok", projects=1, at=at(tol=0.01))
    yield "paste_label_and_altitude.txt", f"J1,{LON},{LAT},50.5\n", Expect("ok", projects=1, at=at(tol=0.01), note="高程")
    yield "paste_too_many_numbers.txt", f"1,2,{LON},{LAT},50,60\n{LON},{LAT}\n", Expect("rows", "无法确定", projects=1, errors=1, row=1)
    yield "paste_gk_point_ring.txt", f"J1,1,{Y0:.3f},{X0 + 38e6:.3f}\n", Expect("ok", projects=1, at=at(tol=0.01))
    yield "paste_scientific.txt", f"{Y0:.6e},{X0 + 38e6:.7e}\n", Expect("ok", projects=1, at=at(tol=5.0))
    yield "paste_swapped.txt", f"{LAT},{LON}\n", Expect("rows", "颠倒", errors=1, row=1)
    yield "paste_nan.txt", f"nan,nan\n{LON},{LAT}\n", Expect("rows", "没有找到两个坐标值", projects=1, errors=1, row=1)
    yield "paste_mixed_blocks.txt", f"{LON},{LAT}\n\n{Y0:.3f},{X0:.3f}\n", Expect("ok", projects=2, at=at(2, tol=0.5))
    yield "paste_blank_lines.txt", f"\n\n{LON},{LAT}\n\n\nabc,def\n", Expect("rows", "没有找到两个坐标值", projects=1, errors=1, row=6)
    yield "paste_crlf_lines.txt", f"\r\n{LON},{LAT}\r\n\r\n1131.4,27.6\r\n", Expect("rows", "超出范围", projects=1, errors=1, row=4)
    yield "paste_two_points_line.txt", f"{LON},{LAT}\n{LON + 0.01},{LAT}\n", Expect("ok", shape="line", projects=1)
    yield "paste_lines_are_points.txt", f"{LON},{LAT}\n{LON},{LAT + 0.001}\n{LON + 0.001},{LAT}\n", Expect("ok", projects=3, note="按 3 个点")
    yield "paste_polygon_too_few.txt", f"{LON},{LAT}\n{LON},{LAT + 0.001}\n", Expect("rows", "至少需要 3 个点", shape="polygon", errors=1, row=1)
    yield "paste_duplicate_points.txt", f"{LON},{LAT}\n{LON},{LAT}\n{LON},{LAT}\n", Expect("rows", "面积为零", shape="polygon", errors=1, row=1)


# ------------------------------------------------------------------------------ 部标 TXT: 圈号, datums, NaN


def bubiao_files() -> Iterator[Case]:
    outer, hole = gk_ring(400, 1), gk_ring(200, 2)
    yield (
        "bubiao_ring2_listed_first.txt",
        bubiao([("10,16.0,1,甲,面,,工业用地,,@", hole + outer)]),
        Expect("ok", projects=1, at=at(tol=0.5), area_ha=[12.0], names=["甲"], ptypes=["工业用地"]),
    )
    yield (
        "bubiao_ring3_then_1.txt",
        bubiao([("10,16.0,1,甲,面,,工业用地,,@", gk_ring(200, 3) + outer)]),
        Expect("ok", projects=1, at=at(tol=0.5), area_ha=[12.0]),
    )
    yield "bubiao_ring_order_normal.txt", bubiao([("10,16.0,1,甲,面,,工业用地,,@", outer + hole)]), Expect("ok", projects=1, area_ha=[12.0])
    for cs, crs_code, label in (("80西安坐标系", 2383, "西安80"), ("54北京坐标系", 2435, "北京54")):
        lon, lat = Transformer.from_crs(f"EPSG:{crs_code}", "EPSG:4326", always_xy=True).transform(X0, Y0)
        name = "bubiao_xian80.txt" if "80" in cs else "bubiao_beijing54.txt"
        yield name, bubiao([("5,16.0,1,甲,面,,工业用地,,@", outer)], cs=cs), Expect("ok", projects=1, at=at(lon=lon, lat=lat, tol=0.5), note=label)
    yield (
        "bubiao_xian80_with_choice.txt",
        bubiao([("5,16.0,1,甲,面,,工业用地,,@", outer)], cs="80西安坐标系"),
        Expect("ok", crs="gk-cm:114", projects=1, note="未采用所选"),
    )
    yield "bubiao_local_cs.txt", bubiao([("5,16.0,1,甲,面,,工业用地,,@", outer)], cs="地方独立坐标系"), Expect("file", "无法识别")
    nan_ring = outer.replace(f"{Y0 - 200:.3f}", "nan", 1)
    yield (
        "bubiao_nan.txt",
        bubiao([("5,16.0,1,甲,面,,工业用地,,@", nan_ring), ("5,16.0,2,乙,面,,工业用地,,@", gk_ring(300, 1))]),
        Expect("rows", "有限数值", projects=1, errors=1, row=11, names=["乙"]),
    )
    yield (
        "bubiao_inf.txt",
        bubiao([("5,16.0,1,甲,面,,工业用地,,@", outer.replace(f"{X0 + 38e6 - 200:.3f}", "inf", 1)), ("5,16.0,2,乙,面,,,,@", outer)]),
        Expect("rows", "有限数值", projects=1, errors=1, row=11),
    )
    two = "J1,2,3066000,38512000\nJ2,2,3066000,38512100\n"
    yield "bubiao_hole_two_points.txt", bubiao([("7,16.0,1,甲,面,,工业用地,,@", outer + two)]), Expect("rows", "圈号 2", errors=1, row=10)
    yield (
        "bubiao_count_mismatch.txt",
        bubiao([("9,16.0,1,甲,面,,工业用地,,@", outer)]),
        Expect("rows", "声明 9 个界址点", projects=1, errors=1, row=10),
    )
    yield (
        "bubiao_far_away.txt",
        bubiao([("5,16.0,1,远,面,,工业用地,,@", gk_ring(400, 1, y0=Y0 - 2e6))]),
        Expect("rows", "超过 50 km", errors=1, row=10),
    )
    yield (
        "bubiao_blank_lines.txt",
        bubiao([("5,16.0,1,甲,面,,工业用地,,@", "\n\n" + outer)]).replace("[地块坐标]\n", "[地块坐标]\n\n\n"),
        Expect("ok", projects=1, at=at(tol=0.5)),
    )


# ------------------------------------------------------------------------------ KML: NaN, rings, folders


def kml_files() -> Iterator[Case]:
    good = placemark(kml_point(f"{LON},{LAT}"), "好")
    yield "kml_nan.kml", kml(placemark(kml_point("nan,nan")), good), Expect("rows", "nan,nan", projects=1, errors=1, at=at(), names=["好"])
    yield "kml_abc.kml", kml(placemark(kml_point("abc,27.6")), good), Expect("rows", "不是有效数字", projects=1, errors=1)
    yield "kml_inf.kml", kml(placemark(kml_point("inf,inf,0")), good), Expect("rows", "不是有效数字", projects=1, errors=1)
    ring = " ".join(f"{a},{b},0" for a, b in square_lonlat())
    yield (
        "kml_polygon_one_nan.kml",
        kml(placemark(kml_polygon(ring.replace(ring.split()[1], "nan,nan,0"))), good),
        Expect("rows", "不是有效数字", projects=1, errors=1),
    )
    folders = f"<Folder><name>F1</name>{good}</Folder><Folder><name>F2</name>{placemark(kml_point('NaN,27.6'), '坏')}</Folder>"
    yield "kml_folders_nan.kml", kml(folders), Expect("rows", "图层 F2", projects=1, errors=1)
    yield "kml_unclosed_ring.kml", kml(placemark(kml_polygon(" ".join(ring.split()[:-1]))), good), Expect("ok", projects=2, note="环未闭合")
    two = f"{LON},{LAT} {LON + 0.01},{LAT}"
    yield "kml_two_point_polygon.kml", kml(placemark(kml_polygon(two)), good), Expect("rows", "面积为零", projects=1, errors=1)
    yield "kml_comma_spaces.kml", kml(placemark(kml_point(f"{LON}, {LAT}, 0"))), Expect("ok", projects=1, at=at(tol=0.01))
    yield "kml_metres.kml", kml(placemark(kml_point(f"{X0},{Y0}"))), Expect("file", "没有几何")
    many = kml(*(placemark(kml_point(f"{LON + i * 1e-3},{LAT}"), f"点{i}") for i in range(13)))
    yield "kml_13_placemarks.kml", many, Expect("ok", projects=13)
    yield "kml_13_placemarks_as.txt", many, Expect("file", "KML")
    yield (
        "kmz_two_kml.kmz",
        zip_bytes([("doc.kml", kml(good)), ("files/more.kml", kml(placemark(kml_point(f"{LON},{LAT}"), "二")))]),
        Expect("ok", projects=2, names=["好", "二"], note="读取了 2 个文件"),
    )
    yield "kmz_nan.kmz", zip_bytes([("doc.kml", kml(placemark(kml_point("nan,nan")), good))]), Expect("rows", "nan,nan", projects=1, errors=1)


# ------------------------------------------------------------------------------ GeoJSON: rings, polygons, the district


def geojson_files() -> Iterator[Case]:
    sq = square_lonlat()
    pt = feature(GJ_POINT, name="好")
    yield (
        "geojson_unclosed_ring.geojson",
        geojson(feature({"type": "Polygon", "coordinates": [sq[:-1]]}, name="开"), pt),
        Expect("ok", projects=2, note="环未闭合", area_ha=[16.0, 0.0]),
    )
    two = [[LON, LAT], [LON + 0.01, LAT]]
    yield (
        "geojson_two_point_polygon.geojson",
        geojson(feature({"type": "Polygon", "coordinates": [two]}), pt),
        Expect("rows", "面积为零", projects=1, errors=1),
    )
    yield "geojson_nan.geojson", geojson(pt).replace(f"[{LON}, {LAT}]", "[NaN, NaN]") + "", Expect("file", "没有几何")
    world = [[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]]
    yield (
        "geojson_world_polygon.geojson",
        geojson(feature({"type": "Polygon", "coordinates": [world]}), pt),
        Expect("rows", "伸出渌口区 50 km", projects=1, errors=1),
    )
    yield (
        "geojson_far_beijing.geojson",
        geojson(feature({"type": "Point", "coordinates": [116.39, 39.9]}), pt),
        Expect("rows", "超过 50 km", projects=1, errors=1),
    )
    lon45, lat45 = _east_of_district(45)
    lon55, lat55 = _east_of_district(55)
    near = geojson(feature({"type": "Point", "coordinates": [lon45, lat45]}, name="45km"))
    yield "geojson_45km_outside.geojson", near, Expect("ok", projects=1, at=at(lon=lon45, lat=lat45, tol=0.01))
    far = geojson(feature({"type": "Point", "coordinates": [lon55, lat55]}, name="55km"), pt)
    yield "geojson_55km_outside.geojson", far, Expect("rows", "超过 50 km", projects=1, errors=1)
    yield (
        "geojson_null_island.geojson",
        geojson(feature({"type": "Point", "coordinates": [0, 0]}), pt),
        Expect("rows", "距渌口区约", projects=1, errors=1),
    )
    line = [[LON, LAT], [LON, LAT]]
    yield (
        "geojson_zero_length_line.geojson",
        geojson(feature({"type": "LineString", "coordinates": line}), pt),
        Expect("rows", "长度为零", projects=1, errors=1),
    )
    spike = [*sq[:2], [sq[1][0] + 0.01, sq[1][1]], sq[1], *sq[2:]]
    yield (
        "geojson_spike_polygon.geojson",
        geojson(feature({"type": "Polygon", "coordinates": [spike]})),
        Expect("ok", projects=1, area_ha=[16.0], note="已自动修复"),
    )
    yield "geojson_collection.geojson", geojson(feature({"type": "GeometryCollection", "geometries": [GJ_POINT]})), Expect("ok", projects=1)
    yield "geojson_z_values.geojson", geojson(feature({"type": "Point", "coordinates": [LON, LAT, 88.0]})), Expect("ok", projects=1, at=at(tol=0.01))
    yield (
        "geojson_string_coords.geojson",
        geojson(feature({"type": "Point", "coordinates": ["abc", "def"]}), pt),
        Expect("rows", "无法解析", projects=1, errors=1, note="逐个要素"),
    )
    yield "geojson_deep_nesting.geojson", '{"type":"FeatureCollection","features":' + "[" * 5000 + "]" * 5000 + "}", Expect("file", "无法读取")
    yield "geojson_as.csv", geojson(pt), Expect("file", "GeoJSON")
    yield "geojson_points_feature_json.json", geojson(pt), Expect("ok", projects=1)


GROUPS = [legacy, crs_choice, wkt, pasted, bubiao_files, kml_files, geojson_files, *MORE_GROUPS]
