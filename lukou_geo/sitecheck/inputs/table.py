"""Tables of projects: CSV (UTF-8, UTF-8 with BOM, GBK, UTF-16; comma, semicolon, tab or bar separated),
text pasted from a spreadsheet, and XLSX.

The header is found among the first rows (title rows above it are skipped, with a note); the coordinate
columns are detected by name (经度/纬度, lng/lat, X/Y, 北坐标/东坐标) or a WKT column holds each row's
geometry; degrees and Gauss-Kruger metres are told apart row by row, and a WKT's vertices get the same
range, swap and NaN checks as coordinate cells. Row numbers in messages are file lines (spreadsheet
rows), blank lines counted. The limits (rows, line and cell length) hold before the rows are read: an
XLSX is streamed (openpyxl read-only) and refused from its declared dimension.
"""

from __future__ import annotations

import csv
import gc
import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point

from lukou_geo.errors import InputError
from lukou_geo.settings import get_limits
from lukou_geo.sitecheck.inputs.archive import check_zip_safety
from lukou_geo.sitecheck.inputs.coords import check_lonlat, east_north, parse_coordinate_line, split_lines
from lukou_geo.sitecheck.inputs.crs_spec import CrsSpec, parse_crs, to_wgs84_tagged
from lukou_geo.sitecheck.inputs.encoding import decode_text
from lukou_geo.sitecheck.inputs.ingested import NAME_COLUMNS, TYPE_COLUMNS, Ingested, find_col, norm_col
from lukou_geo.sitecheck.inputs.rows import Collector, Where, num
from lukou_geo.sitecheck.inputs.table_points import PointColumns, Record, read_point_rows
from lukou_geo.sitecheck.inputs.table_points import text as _text

_LON_COLUMNS = ("经度", "lng", "lon", "long", "longitude", "东经", "经度坐标")
_LAT_COLUMNS = ("纬度", "lat", "latitude", "北纬", "纬度坐标")
_X_COLUMNS = ("x", "x坐标", "横坐标", "坐标x")
_Y_COLUMNS = ("y", "y坐标", "纵坐标", "坐标y")
_NORTHING_COLUMNS = ("北坐标", "northing", "n坐标")
_EASTING_COLUMNS = ("东坐标", "easting", "e坐标")
_WKT_COLUMNS = ("wkt", "geometry", "geom", "几何", "shape")
_DELIMITERS = ("\t", ",", ";", "|", ",")
#: rows looked at for the header (title rows above it are skipped)
_HEADER_SEARCH = 10

#: Read every row by the reader of one row, not plain point rows a block at a time (:mod:`.table_points`):
#: the same results, slower; for tests that compare the two.
ROW_BY_ROW = False


def accepted_headers(lang: str) -> str:
    """The coordinate headers a table may use, for the message when none is found."""
    if lang == "zh":
        return (
            "经度/纬度(或 lng/lat、lon/lat、longitude/latitude、东经/北纬)、东坐标/北坐标(easting/northing)、"
            "X/Y(X坐标/Y坐标、横坐标/纵坐标;米制时 X 为北坐标),或一个 WKT 列(WKT、geometry、geom、几何、shape)"
        )
    return (
        "经度/纬度 (or lng/lat, lon/lat, longitude/latitude, 东经/北纬), 东坐标/北坐标 (easting/northing), "
        "X/Y (X坐标/Y坐标, 横坐标/纵坐标; in metres X is the northing), or one WKT column (WKT, geometry, geom, 几何, shape)"
    )


def _to_float(v: Any) -> float:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        raise ValueError("empty")
    if isinstance(v, bool):
        raise ValueError(str(v))
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    s = str(v).strip()
    if not s:
        raise ValueError("empty")
    if re.search(r"[°度'′\"″分秒]", s):
        nums = parse_coordinate_line(s)
        if len(nums) != 1:
            raise ValueError(s)
        return nums[0][0]
    return float(s.replace(",", ""))


def _cell_float(r: dict, col: Any, file: str, row: int) -> float:
    """A coordinate cell as a number, or an InputError naming the file, row and column."""
    try:
        return _to_float(r[col])
    except ValueError as exc:
        empty = str(exc) == "empty"
        raise InputError(
            file,
            "为空" if empty else f"`{str(r[col])[:40]}` 不是数字",
            "is empty" if empty else f"`{str(r[col])[:40]}` is not a number",
            "填入坐标数值",
            "enter a coordinate",
            row=row,
            field=str(col),
        ) from exc


def _coordinate_columns(cols: dict[str, str]) -> tuple[str | None, str | None, str]:
    """(x column, y column, mode) of the first pair present: "lonlat", "en" (东坐标/北坐标) or "xy"."""
    pairs = [
        (find_col(cols, _LON_COLUMNS), find_col(cols, _LAT_COLUMNS), "lonlat"),
        (find_col(cols, _EASTING_COLUMNS), find_col(cols, _NORTHING_COLUMNS), "en"),
        (find_col(cols, _X_COLUMNS), find_col(cols, _Y_COLUMNS), "xy"),
    ]
    for a, b, m in pairs:
        if a is not None and b is not None:
            return a, b, m
    return None, None, ""


def _has_geometry_columns(cells: Iterable[Any]) -> bool:
    cols = {norm_col(c): c for c in cells if c is not None and str(c).strip()}
    return len(cols) >= 2 and (_coordinate_columns(cols)[0] is not None or find_col(cols, _WKT_COLUMNS) is not None)


def is_header(line: str) -> bool:
    """Whether a text line is a table header: split at tabs, commas or semicolons it names coordinate or WKT columns."""
    return any(_has_geometry_columns(next(csv.reader([line], delimiter=d), [])) for d in _DELIMITERS if d in line)


def _not_lonlat(x: float, file: str, row: int, field: str) -> InputError:
    return InputError(
        file,
        f"`{num(x)}` 不是经纬度",
        f"`{num(x)}` is not a longitude",
        "选择投影坐标系(高斯-克吕格)",
        "choose a projected CRS (Gauss-Kruger)",
        row=row,
        field=field,
    )


def _point_row(r: dict, xc: str, yc: str, mode: str, spec: CrsSpec, file: str, row: int) -> tuple[Point, bool]:
    """(point, is metric) of a row with coordinate columns."""
    x = _cell_float(r, xc, file, row)
    y = _cell_float(r, yc, file, row)
    metric = abs(x) > 1e4 and abs(y) > 1e4  # both metric; 1131.37 is a typo in degrees
    if mode == "lonlat" and spec.kind not in ("gk", "epsg"):
        metric = False  # 经度/纬度 columns hold degrees: 1131.37 is a typo, not metres
    if not metric:
        check_lonlat(x, y, file, row, str(xc), str(yc))
        return Point(x, y), False
    x, y = (x, y) if mode == "en" else east_north(x, y)
    if spec.kind == "lonlat":
        raise _not_lonlat(x, file, row, str(xc))
    return Point(x, y), True


def _wkt_row(r: dict, wkt_c: str, spec: CrsSpec, file: str, row: int) -> tuple[Any, bool]:
    """(geometry, is metric) of a row with a WKT column: degrees get the range, swap and NaN checks of coordinate cells."""
    text = r[wkt_c]
    if text is None or not str(text).strip():
        raise InputError(file, "几何为空", "empty geometry", "填入 WKT", "enter a WKT geometry", row=row, field=str(wkt_c))
    try:
        g = shapely.from_wkt(str(text))
    except shapely.errors.GEOSException as exc:
        raise InputError(
            file,
            f"WKT 无法解析({str(exc)[:120]})",
            f"WKT cannot be parsed ({str(exc)[:120]})",
            "写成 POLYGON((x y, ...)),首尾点相同",
            "write POLYGON((x y, ...)) with the first point repeated last",
            row=row,
            field=str(wkt_c),
        ) from exc
    if g is None or g.is_empty:
        raise InputError(file, "几何为空", "empty geometry", "填入 WKT", "enter a WKT geometry", row=row, field=str(wkt_c))
    c = shapely.get_coordinates(g)
    if not np.isfinite(c).all():
        raise InputError(
            file,
            "WKT 坐标含 NaN 或无穷大",
            "a WKT coordinate is NaN or infinite",
            "填入有效的坐标数值",
            "give finite coordinates",
            row=row,
            field=str(wkt_c),
        )
    metric = bool(np.all(np.abs(c) > 1e4))
    if not metric:
        bad = (np.abs(c[:, 0]) > 180) | (np.abs(c[:, 1]) > 90) | ((c[:, 0] > 3) & (c[:, 0] < 54) & (c[:, 1] > 73) & (c[:, 1] < 136))
        if bad.any():
            x, y = c[np.argmax(bad)]
            check_lonlat(float(x), float(y), file, row, f"{wkt_c} 经度", f"{wkt_c} 纬度")
    elif spec.kind == "lonlat":
        raise _not_lonlat(float(c[0, 0]), file, row, str(wkt_c))
    return g, metric


def _find_header(records: list[Record], file: str) -> int:
    """The index of the header among the first records, or the error naming the accepted headers."""
    for i, (_, cells) in enumerate(records[:_HEADER_SEARCH]):
        if _has_geometry_columns(cells):
            return i
    first = records[0][1] if records else []
    shown = ", ".join(str(c) for c in first if c is not None)[:200]
    raise InputError(
        file,
        f"找不到坐标列(第{records[0][0] if records else 1}行:{shown})",
        f"no coordinate columns found (row {records[0][0] if records else 1}: {shown})",
        "表头(前10行之内)写 " + accepted_headers("zh"),
        "name the header's columns (within the first 10 rows) " + accepted_headers("en"),
    )


def _cells_ok(rows: Collector, line: int, cells: list[Any], header: list[str], limit: int) -> bool:
    """Whether a row's cells fit the header and the cell limit (else a row error)."""
    extra = [c for c in cells[len(header) :] if c is not None and str(c).strip()]
    if extra:
        rows.error(
            Where(row=line),
            f"该行有 {len(header) + len(extra)} 个单元格,表头只有 {len(header)} 列(名称中有未加引号的分隔符?)",
            f"the row has {len(header) + len(extra)} cells but the header {len(header)} (an unquoted separator in a name?)",
            "把含逗号的文字用英文双引号括起,或删除多余的单元格",
            'quote text holding commas with "", or delete the extra cells',
        )
        return False
    for col, c in zip(header, cells, strict=False):
        if isinstance(c, str) and len(c) > limit:
            rows.error(
                Where(row=line, field=col),
                f"单元格长 {len(c):,} 个字符,超过上限 {limit:,}",
                f"the cell is {len(c):,} characters long, over the limit of {limit:,}",
                "检查该单元格,或设置 LUKOU_MAX_CELL_CHARS",
                "check the cell, or raise LUKOU_MAX_CELL_CHARS",
            )
            return False
    return True


def _header_names(cells: list[Any]) -> list[str]:
    names = [str(h).strip() if h is not None and str(h).strip() else f"列{i + 1}" for i, h in enumerate(cells)]
    seen: dict[str, int] = {}
    for i, n in enumerate(names):  # a repeated header gets a suffix, so no column hides another
        seen[n] = seen.get(n, 0) + 1
        if seen[n] > 1:
            names[i] = f"{n}.{seen[n] - 1}"
    return names


def _first_rows(it: Iterator[Record]) -> list[Record]:
    head: list[Record] = []
    for r in it:
        if any(_text(c) for c in r[1]):
            head.append(r)
            if len(head) == _HEADER_SEARCH:
                break
    return head


_NO_ROWS = ("表中没有数据行", "the table has no data rows", "在表头下填写项目", "add rows under the header")


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused, and resumed if it ran before. A table's rows make no reference cycles, but
    every point is an object the collector tracks: with 200,000 of them alive, each full collection walked them all
    (1.2 of 4.4 CPU-s reading a table of 200,000 points)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def read_records(
    records: Iterable[Record],
    file: str,
    crs: str | None = "auto",
    ptype: str = "",
    errors: list[InputError] | None = None,
    notes: list[str] | None = None,
    empty: tuple[str, str, str, str] = _NO_ROWS,
) -> Ingested:
    """Projects from table rows (file line, cells): the header is the first of the first rows naming coordinate
    columns; ``empty``: the problem and fix when no row holds anything."""
    with _gc_paused():
        return _read_records(records, file, crs, ptype, errors, notes, empty)


def _read_records(
    records: Iterable[Record],
    file: str,
    crs: str | None,
    ptype: str,
    errors: list[InputError] | None,
    notes: list[str] | None,
    empty: tuple[str, str, str, str],
) -> Ingested:
    spec = parse_crs(crs, file)
    limits = get_limits()
    it = iter(records)
    head = _first_rows(it)
    if not head:
        raise InputError(file, *empty)
    k = _find_header(head, file)
    notes = notes if notes is not None else []
    if k:
        notes.append(
            f"{file}:表头在第{head[k][0]}行,上方 {k} 行视为标题,未读取 / the header is row {head[k][0]}; the {k} row(s) above it were read as a title"
        )
    header = _header_names(head[k][1])
    cols = {norm_col(c): c for c in header}
    name_c, type_c = find_col(cols, NAME_COLUMNS), find_col(cols, TYPE_COLUMNS)
    wkt_c = find_col(cols, _WKT_COLUMNS)
    xc, yc, mode = _coordinate_columns(cols)
    rows = Collector(file, errors, notes)
    body = itertools.chain(head[k + 1 :], it)  # streamed: stops at the row limit

    def read_row(line: int, cells: list[Any]) -> None:
        if not _cells_ok(rows, line, cells, header, limits.max_cell_chars):
            return
        r = dict(zip(header, list(cells) + [None] * (len(header) - len(cells)), strict=False))
        try:
            g, metric = _point_row(r, xc, yc, mode, spec, file, line) if xc is not None else _wkt_row(r, wkt_c, spec, file, line)
        except InputError as exc:
            rows.errors.append(exc)
            return
        name = _text(r[name_c]) if name_c is not None else ""
        kind = (_text(r[type_c]) if type_c is not None else "") or ptype
        rows.add(g, Where(row=line), name, kind, tag="metric" if metric else "degrees")

    def too_many(line: int) -> InputError:
        return InputError(
            file,
            f"数据行超过上限 {limits.max_rows:,} 行(读到第{line}行时停止)",
            f"more than {limits.max_rows:,} data rows (stopped at row {line})",
            "拆分文件,或设置 LUKOU_MAX_ROWS",
            "split the file or raise LUKOU_MAX_ROWS",
        )

    if xc is not None and yc is not None and not ROW_BY_ROW:
        index = {h: i for i, h in enumerate(header)}
        name_i, type_i = (index[name_c] if name_c is not None else None), (index[type_c] if type_c is not None else None)
        cols = PointColumns(header, index[xc], index[yc], mode, spec, name_i, type_i, ptype)
        read_point_rows(body, rows, cols, read_row, too_many)
    else:
        count = 0
        for line, cells in body:
            if not any(_text(c) for c in cells):
                continue
            count += 1
            if count > limits.max_rows:
                raise too_many(line)
            read_row(line, cells)
    if not len(rows) and not rows.errors:
        raise InputError(file, *_NO_ROWS)
    return rows.finish(lambda tag, arr: to_wgs84_tagged(arr, tag == "metric", spec, file, notes), lambda w: f"第{w.row}行")


def read_table(
    df: pd.DataFrame, file: str, crs: str | None = "auto", ptype: str = "", header_rows: int = 1, lines: list[int] | None = None
) -> Ingested:
    """Projects from a DataFrame whose columns are the header; ``lines``: each row's file line (default:
    the row's position after ``header_rows`` header rows, blank rows included).

    Columns: 经度/纬度 (lng/lat, lon/lat, longitude/latitude), X/Y (degrees: X = lon; metres:
    told apart by magnitude, X = northing in survey practice), 北坐标/东坐标, or a WKT column;
    plus optional name and type columns (:data:`NAME_COLUMNS`, :data:`TYPE_COLUMNS`).
    """
    numbers = lines if lines is not None else [i + 1 + header_rows for i in range(len(df))]
    records = [(header_rows, list(df.columns)), *((n, list(rec)) for n, rec in zip(numbers, df.itertuples(index=False), strict=True))]
    return read_records(records, file, crs, ptype)


def _delimiter(lines: list[str]) -> str:
    """The separator most lines of the start share (tab, comma, semicolon, bar, full-width comma)."""
    sample = [ln for ln in lines[:50] if ln.strip()][:20]
    best, score = ",", 0
    for d in _DELIMITERS:
        counts = [ln.count(d) for ln in sample if ln.count(d)]
        if counts:
            mode = max(set(counts), key=counts.count)
            s = counts.count(mode) * (1 + min(mode, 3) / 10)
            if s > score:
                best, score = d, s
    return best


def _csv_records(lines: list[str], file: str, errors: list[InputError]) -> Iterator[Record]:
    """The records of CSV lines with the file line each starts at; a record the csv module refuses is a row error."""
    limits = get_limits()
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_cell_chars + 1))
    feed = [ln + "\n" for ln in lines]
    delimiter = _delimiter(lines)
    if '"' in "".join(feed):
        yield from _parsed(feed, delimiter, 1, file, errors)
        return
    for first in range(0, len(feed), _CSV_BLOCK):  # no quotes: each line one record, a block of lines read at once
        part = feed[first : first + _CSV_BLOCK]
        try:
            recs = list(csv.reader(part, delimiter=delimiter))
        except csv.Error:
            recs = []
        if len(recs) != len(part):  # a line the csv module refuses: the block read record by record
            yield from _parsed(part, delimiter, first + 1, file, errors)
            continue
        for line, rec in enumerate(recs, start=first + 1):
            if rec:
                yield line, rec if all(map(str.strip, rec)) else [c if c.strip() else None for c in rec]


#: lines of a CSV without quotes parsed at once
_CSV_BLOCK = 8192


def _parsed(feed: list[str], delimiter: str, first: int, file: str, errors: list[InputError]) -> Iterator[Record]:
    """The records of CSV lines (``feed``, each ending in a line break; ``first``: the file line of the first)."""
    reader = csv.reader(feed, delimiter=delimiter)
    start = first
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors.append(
                InputError(file, f"CSV 格式错误({exc})", f"malformed CSV ({exc})", "检查分隔符和引号", "check separators and quotes", row=start)
            )
            start = first + reader.line_num
            continue
        line, start = start, first + reader.line_num
        if rec:
            yield line, rec if all(map(str.strip, rec)) else [c if c.strip() else None for c in rec]


def _long_lines(lines: list[str], file: str, errors: list[InputError]) -> list[str]:
    """The lines with those over ``LUKOU_MAX_LINE_CHARS`` blanked (numbering kept), each a row error."""
    limit = get_limits().max_line_chars
    out = lines
    for i, ln in enumerate(lines):
        if len(ln) > limit:
            out = out if out is not lines else list(lines)
            out[i] = ""
            errors.append(
                InputError(
                    file,
                    f"该行长 {len(ln):,} 个字符,超过上限 {limit:,}(已跳过)",
                    f"the line is {len(ln):,} characters long, over the limit of {limit:,} (skipped)",
                    "检查该行,或设置 LUKOU_MAX_LINE_CHARS",
                    "check the line, or raise LUKOU_MAX_LINE_CHARS",
                    row=i + 1,
                )
            )
    return out


def read_text_table(text: str, file: str, crs: str | None = "auto", ptype: str = "", notes: list[str] | None = None) -> Ingested:
    """A table as text (a CSV, or cells pasted from a spreadsheet): separator detected, row numbers = file lines."""
    if not text.strip():
        raise InputError(file, "文件是空的", "the file is empty", "选择含数据的文件", "choose a file with data")
    errors: list[InputError] = []
    lines = _long_lines(split_lines(text), file, errors)
    return read_records(_csv_records(lines, file, errors), file, crs, ptype, errors, notes)


def read_csv_bytes(data: bytes, file: str, crs: str | None = "auto", encoding: str | None = None, ptype: str = "") -> Ingested:
    """A CSV (UTF-8, UTF-8 with BOM, GBK or UTF-16; comma, semicolon, tab or bar separated)."""
    notes: list[str] = []
    text = decode_text(data, file, encoding, notes)
    return read_text_table(text, file, crs, ptype, notes)


def _sheet_records(ws: Any, file: str) -> Iterator[Record]:
    """The rows of a read-only sheet with their numbers, streamed (openpyxl fills the rows the file leaves out)."""
    for line, values in enumerate(ws.iter_rows(values_only=True), start=1):
        yield line, list(values)


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*\d*:?[A-Z]*(\d+)"')
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _first_sheet(zf: zipfile.ZipFile) -> str:
    """The part name of the workbook's first sheet (as openpyxl orders them), by workbook.xml and its relations."""
    try:
        book = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return "xl/worksheets/sheet1.xml"
    rid = re.search(rb'<(?:\w+:)?sheet\b[^>]*\br:id="([^"]+)"', book)
    rel = re.search(rb'<Relationship\b[^>]*\bId="' + re.escape(rid.group(1)) + rb'"[^>]*>', rels) if rid else None
    target = re.search(rb'Target="([^"]+)"', rel.group(0)) if rel else None
    if target is None:
        return "xl/worksheets/sheet1.xml"
    t = target.group(1).decode("utf-8", errors="replace")
    return t.lstrip("/") if t.startswith("/") else f"xl/{t}"


def _refuse_rows(zf: zipfile.ZipFile, file: str) -> None:
    """Refuse a first sheet of more rows than the limit before openpyxl reads it: by its declared dimension, else
    by counting its row elements in the raw XML (a stream of bytes, stopped at the limit)."""
    limit = get_limits().max_rows + _HEADER_SEARCH
    part = _first_sheet(zf)
    try:
        src = zf.open(part)
    except KeyError:
        return  # openpyxl names the damage
    rows, tail, head = 0, b"", True
    with src:
        while chunk := src.read(1 << 20):
            buf = tail + chunk
            if head:
                m = _DIMENSION.search(buf)
                if m and int(m.group(1)) > limit:
                    raise _too_many_rows(file, f"的范围(dimension)有 {int(m.group(1)):,} 行", f"spans {int(m.group(1)):,} rows (its dimension)")
                head = b"sheetData" not in buf
            rows += len(_ROW.findall(buf)) - len(_ROW.findall(tail))
            if rows > limit:
                raise _too_many_rows(file, f"有 {rows:,} 行以上", f"holds {rows:,} rows or more")
            tail = buf[-16:]


def _too_many_rows(file: str, what_zh: str, what_en: str) -> InputError:
    limit = get_limits().max_rows
    return InputError(
        file,
        f"第一个工作表{what_zh},超过上限 {limit:,} 行(未读取)",
        f"the first sheet {what_en}, over the limit of {limit:,} (not read)",
        "删除多余的行(包括只有格式的空行)后另存,或拆分文件,或设置 LUKOU_MAX_ROWS",
        "delete the extra rows (formatted empty rows too) and save again, split the file, or raise LUKOU_MAX_ROWS",
    )


def _bad_workbook(file: str, exc: BaseException) -> InputError:
    return InputError(
        file,
        f"不是有效的 XLSX 工作簿,或工作表已损坏({type(exc).__name__})",
        f"not a valid XLSX workbook, or a damaged sheet ({type(exc).__name__})",
        "用 Excel/WPS 打开后另存为 .xlsx",
        "open it in Excel/WPS and save it again as .xlsx",
    )


_EMPTY_SHEET = ("工作表是空的", "the sheet is empty", "在第一个工作表填写数据", "put the data on the first sheet")
_WORKBOOK_ERRORS = (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, AttributeError, OSError, SyntaxError, EOFError)


def read_xlsx_bytes(data: bytes, file: str, crs: str | None = "auto", ptype: str = "", encoding: str | None = None) -> Ingested:
    """The first sheet of an XLSX (or XLSM) workbook, streamed with openpyxl in read-only mode.

    ``encoding`` is accepted so every reader takes the same arguments; a workbook carries its own.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    with check_zip_safety(data, file) as zf:  # an XLSX is a zip archive: refuse bombs and too many rows before openpyxl opens it
        _refuse_rows(zf, file)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, *_WORKBOOK_ERRORS) as exc:
        raise _bad_workbook(file, exc) from exc
    try:
        if not wb.worksheets:
            raise InputError(file, "工作簿中没有工作表", "the workbook has no sheet", "在第一个工作表填写数据", "put the data on the first sheet")
        ws = wb.worksheets[0]
        notes: list[str] = []
        if len(wb.worksheets) > 1:
            others = "、".join(s.title for s in wb.worksheets[1:6])
            notes.append(
                f"{file}:只读取第一个工作表「{ws.title}」,其余 {len(wb.worksheets) - 1} 个({others})未读取 / only the first sheet "
                f"{ws.title!r} is read; {len(wb.worksheets) - 1} other sheet(s) were not"
            )
        ws.reset_dimensions()  # stream every row: a dimension that says less would cut the sheet short
        try:
            return read_records(_sheet_records(ws, file), file, crs, ptype, notes=notes, empty=_EMPTY_SHEET)
        except InputError:
            raise
        except _WORKBOOK_ERRORS as exc:
            raise _bad_workbook(file, exc) from exc
    finally:
        wb.close()
