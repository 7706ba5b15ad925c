"""What a file holds, from its first bytes: a file that is not the format its name claims is refused.

A PDF renamed ``.txt`` decoded as GB18030 "text" and became a project 19,723 km away; a KML of 13
placemarks renamed ``.txt`` became one point. :func:`content_kind` names what the bytes are (a
signature, or the text's first markup); each format of :mod:`.formats` lists, per suffix, the kinds
it reads (``content``), and :func:`.formats.mismatch` turns any other kind into the error and the
suffix to rename to.
"""

from __future__ import annotations

import io
import re
import zipfile

#: kind → (zh, en) as a message names it.
KIND_LABELS: dict[str, tuple[str, str]] = {
    "text": ("文本", "text"),
    "pdf": ("PDF 文档", "a PDF document"),
    "archive": ("zip 压缩包", "a zip archive"),
    "workbook": ("Excel 工作簿(XLSX)", "an Excel workbook (XLSX)"),
    "word": ("Word 文档", "a Word document"),
    "slides": ("PowerPoint 演示文稿", "a PowerPoint file"),
    "ole": ("旧版 Office 文件(xls/doc)", "an old Office file (xls/doc)"),
    "sqlite": ("SQLite/GeoPackage 数据库", "an SQLite/GeoPackage database"),
    "shapefile": ("Shapefile 的主文件", "a shapefile's main file"),
    "image": ("图片", "an image"),
    "compressed": ("压缩文件(gz/7z/rar/bz2/xz)", "a compressed file (gz/7z/rar/bz2/xz)"),
    "executable": ("可执行程序", "a program"),
    "dwg": ("DWG 图纸", "a DWG drawing"),
    "kml-xml": ("KML 地标文件", "a KML file"),
    "gpx": ("GPX 轨迹", "a GPX track"),
    "html": ("网页(HTML)", "a web page (HTML)"),
    "xml": ("XML 文档", "an XML document"),
    "geojson": ("GeoJSON", "GeoJSON"),
    "cad": ("DXF 图", "a DXF drawing"),
    "binary": ("二进制数据(不是文本)", "binary data (not text)"),
}

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "archive"),
    (b"PK\x05\x06", "archive"),
    (b"PK\x07\x08", "archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"SQLite format 3\x00", "sqlite"),
    (b"\x00\x00\x27\x0a", "shapefile"),
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF87a", "image"),
    (b"GIF89a", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"\x1f\x8b", "compressed"),
    (b"7z\xbc\xaf\x27\x1c", "compressed"),
    (b"Rar!\x1a\x07", "compressed"),
    (b"\xfd7zXZ\x00", "compressed"),
    (b"\x7fELF", "executable"),
    (b"AutoCAD Binary DXF", "cad"),
)
_OFFICE_PARTS = (("xl/workbook.xml", "workbook"), ("word/document.xml", "word"), ("ppt/presentation.xml", "slides"))


def _archive_kind(data: bytes) -> str:
    """An Office Open XML file (its main part) or another zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, UnicodeDecodeError, ValueError, OSError):
        return "archive"  # read later, where a damaged archive gets its own message
    return next((kind for part, kind in _OFFICE_PARTS if part in names), "archive")


def _head_text(data: bytes) -> str:
    """The first few KB as text, for markup sniffing (UTF-16 by its BOM, else UTF-8/GBK leniently)."""
    head = data[:8192]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return head.decode("utf-16", errors="ignore")
    return head.decode("utf-8", errors="ignore").lstrip("\ufeff")


def _text_kind(text: str) -> str:
    t = text.lstrip()
    low = t[:4096].lower()
    if t.startswith("<"):
        for word, kind in (("<kml", "kml-xml"), ("<gpx", "gpx"), ("<html", "html"), ("<!doctype html", "html")):
            if word in low:
                return kind
        return "xml"
    if t.startswith("{") and re.search(r'"type"\s*:\s*"(featurecollection|feature|point|linestring|polygon|multi\w+|geometrycollection)"', low):
        return "geojson"
    if re.match(r"0\s*\r?\n\s*section\b", low):
        return "cad"
    return "text"


def content_kind(data: bytes) -> str:
    """What ``data`` holds: a key of :data:`KIND_LABELS` (``"text"`` for text that is none of the others)."""
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            return _archive_kind(data) if kind == "archive" else kind
    if re.match(rb"AC10\d\d", data[:6]):
        return "dwg"
    if re.match(rb"BZh[1-9]1AY&SY", data[:10]):
        return "compressed"
    if data[:2] == b"MZ" and len(data) > 64 and data[int.from_bytes(data[60:64], "little") :][:4] == b"PE\x00\x00":
        return "executable"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image"
    head = data[:8192]
    if head[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13, 12, 11, 27))
        if b"\x00" in head or (head and controls / len(head) > 0.3):
            return "binary"
    return _text_kind(_head_text(data))
