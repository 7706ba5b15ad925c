"""What a file holds, from its bytes; a file that is not the format its name claims is refused with the fix."""

from __future__ import annotations

import io
import zipfile

import pytest

from lukou_geo.errors import InputError
from lukou_geo.sitecheck.inputs import formats, read_bytes
from lukou_geo.sitecheck.inputs.sniff import KIND_LABELS, content_kind


def _zip(name: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(name, "x")
    return buf.getvalue()


@pytest.mark.parametrize(
    "data,kind",
    [
        (b"%PDF-1.4\n...", "pdf"),
        (_zip("xl/workbook.xml"), "workbook"),
        (_zip("word/document.xml"), "word"),
        (_zip("a.shp"), "archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(8), "ole"),
        (b"SQLite format 3\x00...", "sqlite"),
        (b"\x89PNG\r\n\x1a\n....", "image"),
        (b"\x00\x00\x27\x0a" + bytes(20), "shapefile"),
        (b"AC1027" + bytes(10), "dwg"),
        (b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2">', "kml-xml"),
        (b'\xef\xbb\xbf{"type": "FeatureCollection", "features": []}', "geojson"),
        (b"0\nSECTION\n2\nHEADER\n", "cad"),
        (b"<!DOCTYPE html><html>", "html"),
        ("名称,经度,纬度\n甲,113.1,27.6\n".encode("gbk"), "text"),
        ("名称\t经度\n".encode("utf-16"), "text"),
        (b"MZ not a program, a name", "text"),
        (bytes(range(256)), "binary"),
    ],
)
def test_content_kind(data: bytes, kind: str) -> None:
    assert content_kind(data) == kind and kind in KIND_LABELS


def test_every_registry_content_kind_is_known() -> None:
    for f in formats.FORMATS:
        assert set(f.content) == set(f.suffixes), f.id
        assert all(k in KIND_LABELS for kinds in f.content.values() for k in kinds)


@pytest.mark.parametrize(
    "data,name,words,fix",
    [
        (b"%PDF-1.4\n1 0 obj 113 27 3066000", "p.txt", "PDF 文档", "上传正确的文件"),  # was a project 19,723 km away
        (b'<?xml version="1.0"?><kml><Document></Document></kml>', "p.txt", "KML", ".kml"),  # was one point
        (_zip("xl/workbook.xml"), "p.csv", "Excel 工作簿", ".xlsx"),
        (b'{"type": "FeatureCollection", "features": []}', "p.csv", "GeoJSON", ".geojson"),
        ("名称,经度,纬度\n".encode(), "p.xlsx", "文本", ".csv"),
    ],
)
def test_a_file_not_of_its_names_format_is_refused(data: bytes, name: str, words: str, fix: str) -> None:
    with pytest.raises(InputError) as err:
        read_bytes(data, name)
    e = err.value
    assert words in e.problem_zh and name.rsplit(".", 1)[1] in e.problem_en and fix in e.fix_zh and e.file == name
