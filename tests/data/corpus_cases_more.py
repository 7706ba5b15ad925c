"""More cases of the corpus: files that are not what their name says, tables and real spreadsheets,
archives, limits, hostile names (see tests/data/make_malformed.py)."""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Iterator
from typing import Any

import geopandas as gpd
import numpy as np
from corpus_kit import (
    GJ_POINT,
    HOSTILE_NAMES,
    LAT,
    LON,
    X0,
    Y0,
    Expect,
    at,
    bubiao,
    feature,
    gbk_named_zip,
    gdal_file,
    geojson,
    gk_ring,
    kml,
    kml_point,
    placemark,
    point_frame,
    shapefile_parts,
    square_lonlat,
    symlink,
    xlsx,
    xlsx_patch,
    zip_bytes,
)
from shapely.geometry import Polygon

Case = tuple[str, Any, Expect]
CSV_HEAD = "名称,经度,纬度\n"
OK_ROW = f"甲,{LON},{LAT}\n"
GJ = geojson(feature(GJ_POINT, 名称="甲"))


# ------------------------------------------------------------------------------ not the format its name claims


def _pdf() -> bytes:
    return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Length 44>>stream\nBT /F1 12 Tf 113 27 Td (3066000 38512000) Tj ET\nendstream\nendobj\n%%EOF\n"


def mismatched() -> Iterator[Case]:
    yield "pdf_as.txt", _pdf(), Expect("file", "PDF")
    yield "pdf_as.csv", _pdf(), Expect("file", "PDF")
    yield "pdf_as.geojson", _pdf(), Expect("file", "PDF")
    yield "png_as.kml", b"\x89PNG\r\n\x1a\n" + bytes(range(64)), Expect("file", "图片")
    yield "jpeg_as.txt", b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + bytes(range(256)), Expect("file", "图片")
    yield "xlsx_as.csv", xlsx([["名称", "经度", "纬度"], ["甲", LON, LAT]]), Expect("file", "Excel 工作簿")
    yield "zip_as.xlsx", zip_bytes([("p.geojson", GJ)]), Expect("file", "zip 压缩包")
    yield "docx_as.xlsx", zip_bytes([("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")]), Expect("file", "Word")
    yield "gpkg_as.geojson", gdal_file(point_frame(), ".gpkg", "GPKG"), Expect("file", "SQLite")
    yield "html_as.csv", "<!DOCTYPE html><html><body>名称,经度,纬度</body></html>", Expect("file", "网页")
    yield "gzip_as.csv", gzip.compress((CSV_HEAD + OK_ROW).encode()), Expect("file", "压缩文件")
    yield "ole_as.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, Expect("file", "旧版 Office")
    yield "binary_as.txt", bytes(range(256)) * 4, Expect("file", "二进制")
    yield "dwg_as.dxf", b"AC1027" + bytes(200), Expect("file", "DWG")
    yield "shp_as.zip", b"\x00\x00\x27\x0a" + bytes(96), Expect("file", "Shapefile 的主文件")
    yield "elf_as.kmz", b"\x7fELF\x02\x01\x01" + bytes(120), Expect("file", "可执行程序")
    yield "gpx_as.kml", '<?xml version="1.0"?><gpx version="1.1"><wpt lat="27.6" lon="113.1"/></gpx>', Expect("file", "GPX")
    yield "csv_as.xlsx", CSV_HEAD + OK_ROW, Expect("file", "文本")
    yield "csv_as.txt", CSV_HEAD + OK_ROW, Expect("ok", projects=1, at=at(), names=["甲"])
    yield "xml_as.kml", '<?xml version="1.0"?><root><a>1</a></root>', Expect("file", "XML")


# ------------------------------------------------------------------------------ row numbers are file lines


def row_numbers() -> Iterator[Case]:
    text = CSV_HEAD + "\n\n" + OK_ROW + "\n" + "乙,1131.4,27.6\n"
    yield "blank_lines.csv", text, Expect("rows", "超出范围", projects=1, errors=1, row=6)
    yield "blank_lines_crlf.csv", text.replace("\n", "\r\n"), Expect("rows", "超出范围", projects=1, errors=1, row=6)
    yield "blank_lines_gbk.csv", text.encode("gbk"), Expect("rows", "超出范围", projects=1, errors=1, row=6)
    quoted = CSV_HEAD + '"多行\n名称",113.1475,27.605\n' + "乙,abc,27.6\n"
    yield "multiline_quoted.csv", quoted, Expect("rows", "不是数字", projects=1, errors=1, row=4, names=["多行\n名称"])
    ctrl = CSV_HEAD + "名\x1c称\u2028含\x85分隔," + f"{LON},{LAT}\n" + "乙,abc,27.6\n"
    yield "control_char_names.csv", ctrl, Expect("rows", "不是数字", projects=1, errors=1, row=3, names=["名\x1c称\u2028含\x85分隔"])
    rows: list[list[Any]] = [["名称", "经度", "纬度"], ["甲", LON, LAT], [None, None, None], [], [None], ["乙", 1131.4, 27.6]]
    yield "blank_rows.xlsx", xlsx(rows), Expect("rows", "超出范围", projects=1, errors=1, row=6)
    yield "wkt_blank_lines.csv", "名称,WKT\n\n\n甲,POINT(200 27.6)\n", Expect("rows", "超出范围", errors=1, row=4)


# ------------------------------------------------------------------------------ real spreadsheets


def spreadsheets() -> Iterator[Case]:
    title = [["渌口区2024年重点项目选址表"], [], ["项目名称", "经度", "纬度", "产业类别"], ["甲", LON, LAT, "新材料"], ["乙", LON, LAT, "物流"]]
    yield "title_row.xlsx", xlsx(title), Expect("ok", projects=2, names=["甲", "乙"], ptypes=["新材料", "物流"], note="视为标题")
    yield (
        "title_row.csv",
        "渌口区2024年重点项目\n\n项目名称,经度,纬度\n甲,113.1475,27.605\n乙,abc,27.6\n",
        Expect("rows", "不是数字", projects=1, errors=1, row=5, note="视为标题"),
    )
    for col, value in (("产业类别", "新材料"), ("用地性质", "工业用地"), ("项目类型", "物流"), ("行业", "装备制造"), ("用地类型", "仓储用地")):
        yield f"type_{col}.csv", f"名称,经度,纬度,{col}\n甲,{LON},{LAT},{value}\n", Expect("ok", projects=1, ptypes=[value])
    for col in ("XMMC", "项目名称", "xmmc", "地块名称", "DKMC"):
        yield f"name_{col}.csv", f"{col},经度,纬度\n南洲厂房,{LON},{LAT}\n", Expect("ok", projects=1, names=["南洲厂房"])
    tsv = "名称\t经度\t纬度\t行业\n甲\t113.1475\t27.605\t新材料\n乙\t113.1475\t27.605\t物流\n"
    yield "pasted_from_excel.txt", tsv, Expect("ok", projects=2, names=["甲", "乙"], ptypes=["新材料", "物流"])
    yield "pasted_from_excel_title.txt", "项目表\n" + tsv, Expect("ok", projects=2, note="视为标题")
    yield "excel_unicode_text.txt", b"\xff\xfe" + tsv.encode("utf-16-le"), Expect("ok", projects=2)
    yield "excel_unicode_text.csv", b"\xff\xfe" + tsv.encode("utf-16-le"), Expect("ok", projects=2)
    yield "tab_separated.csv", tsv, Expect("ok", projects=2)
    yield "semicolon.csv", tsv.replace("\t", ";"), Expect("ok", projects=2)
    yield "bar.csv", tsv.replace("\t", "|"), Expect("ok", projects=2)
    yield "fullwidth_comma.csv", tsv.replace("\t", ","), Expect("ok", projects=2)
    yield "no_coordinate_header.csv", "项目,地址,面积\n甲,渌口镇,12\n", Expect("file", "lng/lat")
    yield "header_too_low.csv", "\n".join(["说明"] * 12) + "\n" + CSV_HEAD + OK_ROW, Expect("file", "前10行")
    yield (
        "two_sheets.xlsx",
        xlsx([["名称", "经度", "纬度"], ["甲", LON, LAT]], sheets={"说明": [["备注"]]}),
        Expect("ok", projects=1, note="只读取第一个工作表"),
    )
    yield "dms_cells.xlsx", xlsx([["名称", "经度", "纬度"], ["甲", "113°08'51\"", "27°36'18\""]]), Expect("ok", projects=1, at=at(tol=30))
    yield "numbers_as_text.xlsx", xlsx([["名称", "经度", "纬度"], ["甲", str(LON), str(LAT)]]), Expect("ok", projects=1, at=at())
    yield "gk_columns.xlsx", xlsx([["名称", "X", "Y"], ["甲", Y0, X0 + 38e6]]), Expect("ok", projects=1, at=at(tol=0.01))
    yield "extra_cells.csv", CSV_HEAD + "甲,乙,113.1475,27.605\n" + OK_ROW, Expect("rows", "单元格", projects=1, errors=1, row=2)
    yield "duplicate_headers.csv", "名称,经度,纬度,经度\n甲,113.1475,27.605,200\n", Expect("ok", projects=1, at=at())
    yield "bom_gbk.csv", b"\xef\xbb\xbf" + (CSV_HEAD + OK_ROW).encode("gbk"), Expect("ok", projects=1, names=["甲"], note="GBK")
    yield "bom_gbk.txt", b"\xef\xbb\xbf" + f"# 项目\n{LON},{LAT}\n".encode("gbk"), Expect("ok", projects=1, note="GBK")
    yield (
        "bom_gbk_bubiao.txt",
        b"\xef\xbb\xbf" + bubiao([("5,16.0,1,甲,面,,工业用地,,@", gk_ring(400, 1))]).encode("gbk"),
        Expect("ok", projects=1, names=["甲"], note="GBK"),
    )


# ------------------------------------------------------------------------------ archives


def archives() -> Iterator[Case]:
    yield "zip_file_and_folder.zip", zip_bytes([("a.geojson", GJ), ("a.geojson/b.geojson", GJ)]), Expect("ok", projects=2, note="a.geojson/b.geojson")
    yield (
        "zip_symlink.zip",
        zip_bytes([(symlink("link.geojson"), "/etc/passwd"), ("ok.geojson", GJ)]),
        Expect("rows", "符号链接", projects=1, errors=1, where="link.geojson"),
    )
    yield (
        "zip_symlink_then_file.zip",
        zip_bytes([(symlink("d.geojson"), "/tmp"), ("d.geojson/evil.geojson", GJ)]),
        Expect("rows", "符号链接", projects=1, errors=1),
    )
    yield "zip_long_folder.zip", zip_bytes([("文" * 100 + "/p.geojson", GJ), ("ok.geojson", GJ)]), Expect("ok", projects=2)
    yield "zip_long_folder_only.zip", zip_bytes([("d" * 300 + "/p.geojson", GJ)]), Expect("ok", projects=1)
    yield "zip_long_file_name.zip", zip_bytes([("名" * 120 + ".geojson", GJ)]), Expect("ok", projects=1)
    yield "zip_utf8_flag_gbk_names.zip", gbk_named_zip([("红线.geojson", GJ)], utf8_flag=True), Expect("ok", projects=1, note="红线.geojson")
    yield "zip_gbk_names.zip", gbk_named_zip([("红线.geojson", GJ)], utf8_flag=False), Expect("ok", projects=1, note="红线.geojson")
    frame = gpd.GeoDataFrame({"名称": ["红线地块"]}, geometry=[Polygon(square_lonlat())], crs="EPSG:4326")
    gbk_parts = [(f"红线{k[1:]}", v) for k, v in shapefile_parts(frame, encoding="GBK", skip=(".cpg",)).items()]
    yield "zip_gbk_shapefile_names.zip", gbk_named_zip(gbk_parts, utf8_flag=True), Expect("ok", projects=1, names=["红线地块"], area_ha=[16.0])
    yield "zip_duplicate_member.zip", zip_bytes([("p.geojson", GJ), ("p.geojson", GJ)]), Expect("rows", "重名", projects=1, errors=1)
    good = shapefile_parts(point_frame(["好"]), "a")
    no_prj = shapefile_parts(point_frame(["无坐标系"]), "b", skip=(".prj",))
    yield (
        "zip_two_shapefiles_one_bad.zip",
        zip_bytes([*good.items(), *no_prj.items()]),
        Expect("rows", "缺少 .prj", projects=1, errors=1, names=["好"]),
    )
    yield "zip_shapefile_and_geojson.zip", zip_bytes([*good.items(), ("b.geojson", GJ)]), Expect("ok", projects=2, note="读取了 2 个文件")
    yield "zip_with_pdf.zip", zip_bytes([*good.items(), ("说明.pdf", b"%PDF-1.4")]), Expect("ok", projects=1, note="说明.pdf")
    hostile_members = [(f"{n[:60]}.geojson", GJ) for n in HOSTILE_NAMES[:8] if "/" not in n]
    yield "zip_hostile_member_names.zip", zip_bytes(hostile_members), Expect("ok", projects=len(hostile_members))
    yield "zip_encrypted_flag.zip", _encrypted_flag(), Expect("file", "加密")
    yield "zip_truncated.zip", zip_bytes([("p.geojson", GJ * 50)])[:-40], Expect("file", "zip")
    yield "zip_nested_zip.zip", zip_bytes([("inner.zip", zip_bytes([("p.geojson", GJ)]))]), Expect("file", "没有可识别的地理数据")
    yield "zip_macosx_junk.zip", zip_bytes([("__MACOSX/._p.geojson", b"\x00\x05\x16\x07"), ("p.geojson", GJ)]), Expect("ok", projects=1)
    yield (
        "kmz_symlink.kmz",
        zip_bytes([(symlink("doc.kml"), "/etc/passwd"), ("b.kml", kml(placemark(kml_point(f"{LON},{LAT}"))))]),
        Expect("rows", "符号链接", projects=1, errors=1),
    )


def _encrypted_flag() -> bytes:
    raw = bytearray(zip_bytes([("p.geojson", GJ)]))
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = raw.find(sig)
        raw[i + off] |= 0x01
    return bytes(raw)


# ------------------------------------------------------------------------------ limits hold before the expensive step


def _sawtooth(n: int) -> str:
    xs = np.linspace(LON - 0.05, LON + 0.05, n // 2)
    top = np.column_stack([xs, LAT + 0.02 + (np.arange(len(xs)) % 2) * 0.002])
    bot = np.column_stack([xs[::-1], np.full(len(xs), LAT - 0.02)])
    ring = np.vstack([top, bot, top[:1]]).round(6).tolist()
    return geojson(feature({"type": "Polygon", "coordinates": [ring]}, name="锯齿"), feature(GJ_POINT, name="好"))


def _with_dimension(data: bytes, ref: str) -> bytes:
    def patch(x: str) -> str:
        out, n = re.subn(r"<dimension ref=\"[^\"]*\"\s*/>", ref, x)
        assert n == 1, x[:300]
        return out

    return xlsx_patch(data, patch)


def _dimension(rows: int) -> bytes:
    return _with_dimension(xlsx([["名称", "经度", "纬度"], *[["甲", LON, LAT]] * 3]), f'<dimension ref="A1:C{rows}"/>')


def _no_dimension(n: int) -> bytes:
    return _with_dimension(xlsx([["名称", "经度", "纬度"], *[["甲", LON, LAT]] * n]), "")


def _lying_dimension(n: int) -> bytes:
    return _with_dimension(xlsx([["名称", "经度", "纬度"], *[[f"项目{i}", LON, LAT] for i in range(n)]]), '<dimension ref="A1:C2"/>')


def _huge_name() -> bytes:
    return (CSV_HEAD + "名" * (10 * 2**20) + f",{LON},{LAT}\n" + OK_ROW).encode()


def limits() -> Iterator[Case]:
    yield (
        "sawtooth_100k_vertices.geojson",
        lambda: _sawtooth(100_000).encode(),
        Expect("rows", "100,001 个顶点", projects=1, errors=1, names=["好"], large=True),
    )
    yield (
        "vertices_per_geometry.csv",
        "名称,WKT\n" + f'甲,"LINESTRING({", ".join(f"{LON + i * 1e-4} {LAT}" for i in range(30))})"\n' + f"乙,POINT({LON} {LAT})\n",
        Expect("rows", "30 个顶点", projects=1, errors=1, row=2, env={"LUKOU_MAX_VERTICES": "20"}),
    )
    yield "total_vertices.geojson", geojson(*[feature(GJ_POINT)] * 60), Expect("file", "60 个顶点", env={"LUKOU_MAX_TOTAL_VERTICES": "50"})
    yield (
        "too_many_points.txt",
        "".join(f"{LON},{LAT}\n\n" for _ in range(60)),
        Expect("file", "顶点总数上限", env={"LUKOU_MAX_TOTAL_VERTICES": "50"}),
    )
    yield "too_many_features.geojson", geojson(*[feature(GJ_POINT)] * 12), Expect("file", "要素超过上限", env={"LUKOU_MAX_ROWS": "10"})
    yield "too_many_placemarks.kml", kml(*[placemark(kml_point(f"{LON},{LAT}"))] * 12), Expect("file", "要素超过上限", env={"LUKOU_MAX_ROWS": "10"})
    yield "xlsx_dimension_1250000_rows.xlsx", _dimension(1_250_000), Expect("file", "1,250,000 行")
    yield "xlsx_no_dimension_300_rows.xlsx", _no_dimension(300), Expect("file", "超过上限 100 行", env={"LUKOU_MAX_ROWS": "100"})
    yield "xlsx_lying_dimension.xlsx", _lying_dimension(40), Expect("ok", projects=40)
    yield (
        "long_line.csv",
        CSV_HEAD + "甲" * 200 + f",{LON},{LAT}\n" + OK_ROW,
        Expect("rows", "该行长", projects=1, errors=1, row=2, env={"LUKOU_MAX_LINE_CHARS": "100"}),
    )
    yield (
        "long_cell.xlsx",
        xlsx([["名称", "经度", "纬度", "备注"], ["甲", LON, LAT, "x" * 200], ["乙", LON, LAT, ""]]),
        Expect("rows", "单元格长", projects=1, errors=1, row=2, where="备注", env={"LUKOU_MAX_CELL_CHARS": "100"}),
    )
    yield (
        "long_name.geojson",
        geojson(feature(GJ_POINT, name="名" * 1001), feature(GJ_POINT, name="好")),
        Expect("rows", "名称长 1,001", projects=1, errors=1),
    )
    yield "name_at_limit.geojson", geojson(feature(GJ_POINT, name="名" * 1000)), Expect("ok", projects=1, names=["名" * 1000])
    yield (
        "long_type.csv",
        "名称,经度,纬度,类型\n" + f"甲,{LON},{LAT},{'类' * 1001}\n" + OK_ROW + "",
        Expect("rows", "类型长", projects=1, errors=1, row=2),
    )
    yield "long_name_kml.kml", kml(placemark(kml_point(f"{LON},{LAT}"), "名" * 5000)), Expect("file", "名称长")
    yield "name_10m_chars.csv", _huge_name, Expect("rows", "该行长", projects=1, errors=1, row=2, large=True)
    yield (
        "name_30mb.geojson",
        lambda: geojson(feature(GJ_POINT, name="A" * (30 * 2**20)), feature(GJ_POINT, name="好")).encode(),
        Expect("rows", "名称长 31,457,280", projects=1, errors=1, large=True),
    )
    yield (
        "zip_too_many_entries.zip",
        zip_bytes([(f"f{i}.txt", "x") for i in range(5)]),
        Expect("file", "超过上限", env={"LUKOU_MAX_ARCHIVE_ENTRIES": "3"}, where="LUKOU_MAX_ARCHIVE_ENTRIES"),
    )
    yield "zip_expanded_limit.zip", zip_bytes([("p.geojson", GJ + " " * 300_000)]), Expect("file", "超过上限", env={"LUKOU_MAX_EXPANDED_MB": "0.1"})
    yield (
        "xlsx_expanded_limit.xlsx",
        xlsx([["名称", "经度", "纬度"], *[["甲" * 100, LON, LAT]] * 500]),
        Expect("file", "超过上限", env={"LUKOU_MAX_EXPANDED_MB": "0.05"}),
    )
    for var, value in (
        ("LUKOU_MAX_UPLOAD_MB", "abc"),
        ("LUKOU_MAX_UPLOAD_MB", "-1"),
        ("LUKOU_MAX_UPLOAD_MB", "0"),
        ("LUKOU_MAX_ROWS", "-1"),
        ("LUKOU_MAX_ROWS", "1.5"),
        ("LUKOU_MAX_ROWS", "nan"),
        ("LUKOU_MAX_EXPANDED_MB", "0"),
        ("LUKOU_MAX_VERTICES", "abc"),
        ("LUKOU_MAX_NAME_CHARS", "inf"),
        ("LUKOU_MAX_LINE_CHARS", "0"),
    ):
        name = f"setting_{var.removeprefix('LUKOU_').lower()}_{value.replace('.', '_').replace('-', 'minus')}.csv"
        yield name, CSV_HEAD + OK_ROW, Expect("file", "无效", env={var: value}, where=var)
    yield "setting_rows_float_ok.csv", CSV_HEAD + OK_ROW, Expect("ok", projects=1, env={"LUKOU_MAX_ROWS": "1e3"})
    yield "setting_upload_small_float.csv", CSV_HEAD + OK_ROW, Expect("ok", projects=1, env={"LUKOU_MAX_UPLOAD_MB": "0.5"})


# ------------------------------------------------------------------------------ hostile names pass through unchanged (and fit the limit)


def hostile_names() -> Iterator[Case]:
    names = list(HOSTILE_NAMES)
    n = len(names)
    buf = io.StringIO()
    import csv

    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["名称", "经度", "纬度"])
    for name in names:
        w.writerow([name, LON, LAT])
    yield "hostile_names.csv", buf.getvalue(), Expect("ok", projects=n, names=names)
    xml_names = [x for x in names if not any(ord(c) < 32 for c in x)]  # XML 1.0 (XLSX, KML) forbids control characters
    yield (
        "hostile_names.xlsx",
        xlsx([["名称", "经度", "纬度"], *[[name, LON, LAT] for name in xml_names]], strings=True),
        Expect("ok", projects=len(xml_names), names=xml_names),
    )
    yield "hostile_names.geojson", geojson(*[feature(GJ_POINT, name=name) for name in names]), Expect("ok", projects=n, names=names)
    kml_names = xml_names
    yield (
        "hostile_names.kml",
        kml(*[placemark(kml_point(f"{LON},{LAT}"), name) for name in kml_names]),
        Expect("ok", projects=len(kml_names), names=kml_names),
    )
    bb = [(f"5,16.0,{i},{name},面,,工业用地,,@", gk_ring(400, 1)) for i, name in enumerate(names, 1) if "," not in name]
    yield "hostile_names_bubiao.txt", bubiao(bb), Expect("ok", projects=len(bb), names=[h.split(",")[3] for h, _ in bb])
    yield "hostile_names.gpkg", gdal_file(point_frame(names), ".gpkg", "GPKG"), Expect("ok", projects=n, names=names)
    dbf_names = [x for x in names if len(x.encode("utf-8")) <= 254]
    yield (
        "hostile_names_shp.zip",
        zip_bytes(list(shapefile_parts(point_frame(dbf_names)).items())),
        Expect("ok", projects=len(dbf_names), names=dbf_names),
    )
    for i, name in enumerate(names, 1):
        one = io.StringIO()
        csv.writer(one, lineterminator="\n").writerows([["名称", "经度", "纬度"], [name, LON, LAT]])
        yield f"hostile_name_{i:02d}.csv", one.getvalue(), Expect("ok", projects=1, names=[name])
    yield (
        "hostile_type.csv",
        "名称,经度,纬度,类型\n" + f"甲,{LON},{LAT},<script>alert(1)</script>\n",
        Expect("ok", projects=1, ptypes=["<script>alert(1)</script>"]),
    )
    yield "hostile_paste_name.txt", f"{LON},{LAT}\n", Expect("ok", projects=1, names=["hostile_paste_name"])


GROUPS = [mismatched, row_numbers, spreadsheets, archives, limits, hostile_names]
