"""The input formats of the site check: one record per format, the one place a format is declared.

The reader's dispatch (:func:`lukou_geo.sitecheck.inputs.read_bytes`), the uploader's accepted types
(:func:`upload_types`), the command line's help (:func:`describe`) and the "unsupported type" message
(:func:`unsupported`) all read :data:`FORMATS`, so they cannot disagree. Adding a format = a record
here + its reader.

A record names its readers as ``"module:function"`` within this package (resolved on first use), so
this module imports no reader and the readers may ask it about other formats (the members of a zip).

Readers
-------
``readers[suffix]`` reads the bytes of a file with that suffix (an upload, or a file the command
line read), called as ``reader(data, file, crs=..., encoding=..., ptype=...)``.
``path_readers[suffix]`` reads a file on disk through GDAL, called as
``reader(path, file, spec, ptype, encoding)``: a file inside an extracted zip or KMZ, an upload
written to a temporary file, or a shapefile the command line reads beside its ``companions``.

Content
-------
``content[suffix]`` lists what a file with that suffix may hold (the kinds of
:func:`lukou_geo.sitecheck.inputs.sniff.content_kind`, the first the format's own); a file holding
anything else is refused by :func:`mismatch`, which names what it holds and the suffix to rename it to.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lukou_geo.errors import InputError

if TYPE_CHECKING:
    from lukou_geo.sitecheck.inputs.ingested import Ingested

    ByteReader = Callable[..., Ingested]
    PathReader = Callable[..., Ingested]


@dataclass(frozen=True)
class InputFormat:
    """One input format: its suffixes, names, content and readers."""

    id: str
    #: the format's name in lists (the "unsupported type" message, the command line's help)
    label_zh: str
    label_en: str
    #: what a file of the format holds, and how it is read
    holds_zh: str
    holds_en: str
    #: suffix (lower case, with the dot) → ``"module:function"`` reading a file's bytes
    readers: Mapping[str, str]
    #: suffix → ``"module:function"`` reading a file on disk (GDAL formats)
    path_readers: Mapping[str, str] = field(default_factory=dict)
    #: files that must lie beside one of the format (a shapefile's .shx and .dbf): on disk, read beside them
    companions: tuple[str, ...] = ()
    #: files read beside one of the format when present (a shapefile's .prj and .cpg)
    sidecars: tuple[str, ...] = ()
    #: suffix → the content kinds a file with it may hold (see the module docstring)
    content: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: words in the text that claim a suffix this format shares with another (the first format without markers takes the rest)
    markers: tuple[str, ...] = ()
    #: named in the one-line list of supported formats of the "unsupported type" message
    listed: bool = True

    @property
    def suffixes(self) -> tuple[str, ...]:
        """The suffixes read, lower case with the dot, in the record's order."""
        return tuple(self.readers)

    def reader(self, suffix: str) -> ByteReader:
        """The function reading the bytes of a file with ``suffix``."""
        return _resolve(self.readers[suffix.lower()])

    def path_reader(self, suffix: str) -> PathReader | None:
        """The function reading a file with ``suffix`` on disk, or None when the format is not read from disk."""
        ref = self.path_readers.get(suffix.lower())
        return _resolve(ref) if ref else None

    def claims(self, text: str) -> bool:
        """Whether ``text`` carries one of the format's markers."""
        return any(m in text for m in self.markers)


FORMATS: tuple[InputFormat, ...] = (
    InputFormat(
        "csv",
        "CSV",
        "CSV",
        "项目表:经度/纬度、X/Y(米制)或 WKT 列,可带名称与类型列;UTF-8、带BOM的UTF-8 或 GBK",
        "a table of projects: lon/lat, X/Y (metres) or WKT columns, optional name and type columns; UTF-8, UTF-8 with BOM or GBK",
        readers={".csv": "table:read_csv_bytes"},
        content={".csv": ("text",)},
    ),
    InputFormat(
        "xlsx",
        "XLSX",
        "XLSX",
        "Excel/WPS 工作簿的第一个工作表,列同 CSV",
        "the first sheet of an Excel/WPS workbook, columns as in a CSV",
        readers={".xlsx": "table:read_xlsx_bytes", ".xlsm": "table:read_xlsx_bytes"},
        content={".xlsx": ("workbook",), ".xlsm": ("workbook",)},
    ),
    InputFormat(
        "geojson",
        "GeoJSON",
        "GeoJSON",
        "点、线、面要素;按规范为 WGS-84(可用 crs 成员声明其他坐标系;米制坐标且未声明时须选择坐标系)",
        "point, line and polygon features; WGS-84 by definition (a crs member may declare another CRS; "
        "metric values without one need the CRS chosen)",
        readers={".geojson": "vector:read_gdal_bytes", ".json": "vector:read_gdal_bytes"},
        path_readers={".geojson": "vector:read_geojson_path", ".json": "vector:read_geojson_path"},
        content={".geojson": ("geojson", "text"), ".json": ("geojson", "text")},
    ),
    InputFormat(
        "gpkg",
        "GPKG",
        "GPKG",
        "GeoPackage 每个图层的要素,按各自坐标系换算",
        "the features of every layer of a GeoPackage, in their own CRS",
        readers={".gpkg": "vector:read_gdal_bytes"},
        path_readers={".gpkg": "vector:read_gpkg_path"},
        content={".gpkg": ("sqlite",)},
    ),
    InputFormat(
        "shapefile",
        "zip(Shapefile)",
        "zipped Shapefile",
        "zip 打包的 .shp、.shx、.dbf、.prj(及 .cpg;无 .cpg 的 GBK .dbf 亦可);zip 中也可以是 GeoJSON、GPKG、KML、DXF;"
        "命令行可直接读取 .shp 及其同名文件",
        "a zip of .shp, .shx, .dbf, .prj (and .cpg; a GBK .dbf without .cpg too); the zip may hold GeoJSON, GPKG, KML or DXF instead; "
        "the command line reads a .shp beside its sibling files",
        readers={".zip": "vector:read_zip_bytes", ".shp": "vector:refuse_lone_shp"},
        path_readers={".shp": "vector:read_shp_path"},
        companions=(".shx", ".dbf"),
        sidecars=(".prj", ".cpg"),
        content={".zip": ("archive",), ".shp": ("shapefile",)},
    ),
    InputFormat(
        "kml",
        "KML/KMZ",
        "KML/KMZ",
        "Google Earth、奥维等导出的地标、路径与多边形(WGS-84);KMZ 为压缩的 KML(读取其中每个 .kml)",
        "placemarks, paths and polygons from Google Earth, Ovi and the like (WGS-84); a KMZ is a zipped KML (every .kml in it is read)",
        readers={".kml": "vector:read_gdal_bytes", ".kmz": "vector:read_kmz_bytes"},
        path_readers={".kml": "vector:read_kml_path"},
        content={".kml": ("kml-xml",), ".kmz": ("archive",)},
    ),
    InputFormat(
        "dxf",
        "DXF",
        "DXF",
        "CAD 图:闭合多段线为红线(面),线和点照读;DXF 不记录坐标系,须选择",
        "a CAD drawing: closed polylines are red lines (polygons), lines and points are read too; a DXF records no CRS: choose it",
        readers={".dxf": "vector:read_gdal_bytes"},
        path_readers={".dxf": "vector:read_dxf_path"},
        content={".dxf": ("cad", "text")},
    ),
    InputFormat(
        "bubiao",
        "部标TXT",
        "部标 TXT",
        "用地报批的部标界址点坐标文件:[属性描述] 与 [地块坐标] 段,X 为北坐标",
        "the 部标 boundary-point file of land-use submissions: [属性描述] and [地块坐标] sections, X = northing",
        readers={".txt": "bubiao:read_bubiao_bytes"},
        markers=("[地块坐标]", "[属性描述]"),
        content={".txt": ("text",)},
    ),
    InputFormat(
        "coords",
        "坐标TXT",
        "coordinate TXT",
        "每行一个点(经纬度、度分秒或高斯-克吕格 X,Y),每个点一个项目;选择按线或按面时空行分隔项目,与粘贴坐标相同",
        "one point per line (lon/lat, DMS or Gauss-Kruger X, Y), each point a project; read as lines or polygons, a blank "
        "line between projects; as pasted coordinates",
        readers={".txt": "coords:read_coordinates_bytes"},
        content={".txt": ("text",)},
        listed=False,  # a .txt is named once in the list, as 部标TXT, the file kind planners send
    ),
)

#: Suffixes that are known and refused, with the reason and the fix (zh, en, fix zh, fix en).
REFUSED: dict[str, tuple[str, str, str, str]] = {
    ".xls": ("不支持旧版 .xls", "old .xls workbooks are not supported", "用 Excel/WPS 另存为 .xlsx", "save as .xlsx"),
}


def _resolve(ref: str) -> Callable[..., Ingested]:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(f"{__package__}.{module}"), name)


def get(format_id: str) -> InputFormat:
    """The record with ``format_id``."""
    for f in FORMATS:
        if f.id == format_id:
            return f
    raise KeyError(format_id)


def for_suffix(suffix: str) -> tuple[InputFormat, ...]:
    """The formats that read ``suffix`` (e.g. ".kml", any case), in registry order; empty when none does."""
    s = suffix.lower()
    return tuple(f for f in FORMATS if s in f.readers)


def choose(candidates: tuple[InputFormat, ...], text: str) -> InputFormat:
    """Of formats sharing a suffix, the one ``text`` is in: the first whose markers it carries, else the first without markers."""
    for f in candidates:
        if f.claims(text):
            return f
    return next(f for f in candidates if not f.markers)


def path_reader(path: Path) -> PathReader | None:
    """The reader of a file on disk, by its suffix; None when no format reads such a file from disk."""
    suffix = path.suffix.lower()
    for f in for_suffix(suffix):
        reader = f.path_reader(suffix)
        if reader is not None:
            return reader
    return None


def companion_reader(path: Path) -> PathReader | None:
    """The reader of a file that must be read on disk beside its companions (a shapefile), else None."""
    suffix = path.suffix.lower()
    for f in for_suffix(suffix):
        if f.companions and f.path_reader(suffix) is not None:
            return f.path_reader(suffix)
    return None


def path_suffixes(exclude: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The suffixes read from disk (the files looked for in an archive), but those of the formats in ``exclude``."""
    return tuple(s for f in FORMATS if f.id not in exclude for s in f.path_readers)


def suffixes() -> tuple[str, ...]:
    """Every suffix read, once each, in registry order (lower case, with the dot)."""
    return tuple(dict.fromkeys(s for f in FORMATS for s in f.suffixes))


def upload_types() -> list[str]:
    """The uploader's accepted extensions (without dots): every suffix the reader reads."""
    return [s.removeprefix(".") for s in suffixes()]


def _join(labels: list[str], lang: str, last: str = ", ") -> str:
    if lang == "zh":
        return "、".join(labels)
    return ", ".join(labels[:-1]) + last + labels[-1] if len(labels) > 1 else "".join(labels)


def describe(lang: str = "zh", suffixes: bool = False, holds: bool = False) -> str:
    """The supported formats as text (the command line's help, an uploader caption).

    By default their names in one line ("CSV, XLSX, GeoJSON, …"); ``suffixes``: each name with its
    suffixes ("CSV (.csv), XLSX (.xlsx, .xlsm), …"); ``holds``: one line per format, with its suffixes
    and what the file holds.
    """
    zh = lang == "zh"
    names = [f.label_zh if zh else f.label_en for f in FORMATS]
    if not (suffixes or holds):
        return _join(names, lang)
    with_suffixes = [f"{n}({'、'.join(f.suffixes)})" if zh else f"{n} ({', '.join(f.suffixes)})" for n, f in zip(names, FORMATS, strict=True)]
    if not holds:
        return _join(with_suffixes, lang)
    return "\n".join(f"{n}:{f.holds_zh}" if zh else f"{n}: {f.holds_en}" for n, f in zip(with_suffixes, FORMATS, strict=True))


def suffix_for(kind: str) -> str | None:
    """The suffix of the format whose own content ``kind`` is (the first of its ``content``), or None."""
    for f in FORMATS:
        for s, kinds in f.content.items():
            if kinds and kinds[0] == kind:
                return s
    return None


def mismatch(file: str, suffix: str, kind: str) -> InputError | None:
    """The error for a file whose content is not what its suffix claims (None when it is): what it holds and the fix."""
    from lukou_geo.sitecheck.inputs.sniff import KIND_LABELS

    allowed = next((f.content[suffix] for f in for_suffix(suffix) if suffix in f.content), ())
    if not allowed or kind in allowed:
        return None
    zh, en = KIND_LABELS.get(kind, (kind, kind))
    right = suffix_for(kind)
    if right is not None and right != suffix:
        fix_zh, fix_en = f"若确是{zh},请把扩展名改为 {right};否则重新导出", f"if it is {en}, rename it to {right}; else export it again"
    else:
        fix_zh, fix_en = "上传正确的文件,或另存为支持的格式", "upload the right file, or save it in a supported format"
    problem_zh, problem_en = f"文件内容是{zh},不是扩展名 {suffix} 所表示的格式", f"the file holds {en}, not what its name's {suffix} claims"
    return InputError(file, problem_zh, problem_en, fix_zh, fix_en)


def unsupported(file: str) -> InputError:
    """The error for a file no format reads: a refused suffix gets its own reason and fix, any other the list of formats."""
    suffix = Path(file).suffix.lower()
    if suffix in REFUSED:
        return InputError(file, *REFUSED[suffix])
    listed = [f for f in FORMATS if f.listed]
    return InputError(
        file,
        f"不支持的文件类型「{suffix or '无扩展名'}」",
        f"unsupported file type {suffix or '(none)'!r}",
        "支持 " + _join([f.label_zh for f in listed], "zh"),
        "use " + _join([f.label_en for f in listed], "en", last=" or "),
    )
