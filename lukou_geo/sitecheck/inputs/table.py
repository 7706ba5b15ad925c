"""Tables of projects: CSV (UTF-8, UTF-8 with BOM, GBK; comma, semicolon, tab or bar separated) and XLSX.

The coordinate columns are detected by name (经度/纬度, lng/lat, X/Y, 北坐标/东坐标) or a WKT column holds
each row's geometry; degrees and Gauss-Kruger metres are told apart row by row.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point

from lukou_geo.errors import InputError
from lukou_geo.settings import get_settings
from lukou_geo.sitecheck.inputs.archive import check_zip_safety
from lukou_geo.sitecheck.inputs.coords import check_lonlat, east_north, parse_coordinate_line
from lukou_geo.sitecheck.inputs.crs_spec import CrsSpec, looks_degrees, parse_crs, to_wgs84_geoms
from lukou_geo.sitecheck.inputs.encoding import decode_text
from lukou_geo.sitecheck.inputs.ingested import NAME_COLUMNS, TYPE_COLUMNS, Ingested, find_col, norm_col

_LON_COLUMNS = ("经度", "lng", "lon", "long", "longitude", "东经", "经度坐标")
_LAT_COLUMNS = ("纬度", "lat", "latitude", "北纬", "纬度坐标")
_X_COLUMNS = ("x", "x坐标", "横坐标", "坐标x")
_Y_COLUMNS = ("y", "y坐标", "纵坐标", "坐标y")
_NORTHING_COLUMNS = ("北坐标", "northing", "n坐标")
_EASTING_COLUMNS = ("东坐标", "easting", "e坐标")
_WKT_COLUMNS = ("wkt", "geometry", "geom", "几何", "shape")


def _to_float(v: Any) -> float:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        raise ValueError("empty")
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
            "为空" if empty else f"`{r[col]}` 不是数字",
            "is empty" if empty else f"`{r[col]}` is not a number",
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


def _point_row(r: dict, xc: str, yc: str, mode: str, spec: CrsSpec, file: str, row: int) -> tuple[Point, bool]:
    """(point, is metric) of a row with coordinate columns."""
    x = _cell_float(r, xc, file, row)
    y = _cell_float(r, yc, file, row)
    metric = abs(x) > 1e4 and abs(y) > 1e4  # both metric; 1131.37 is a typo in degrees
    if mode == "lonlat" and spec.kind not in ("gk", "epsg"):
        metric = False  # 经度/纬度 columns hold degrees: 1131.37 is a typo, not metres
    if not metric:
        check_lonlat(x, y, file, row, str(xc), str(yc))
    if metric:
        x, y = (x, y) if mode == "en" else east_north(x, y)
        if spec.kind == "lonlat":
            raise InputError(
                file,
                f"`{x:g}` 不是经纬度",
                f"`{x:g}` is not a longitude",
                "选择投影坐标系(高斯-克吕格)",
                "choose a projected CRS (Gauss-Kruger)",
                row=row,
                field=str(xc),
            )
    return Point(x, y), metric


def _wkt_row(r: dict, wkt_c: str, file: str, row: int) -> tuple[Any, bool]:
    """(geometry, is metric) of a row with a WKT column; invalid geometries are made valid."""
    text = r[wkt_c]
    try:
        g = shapely.from_wkt(str(text))
    except shapely.errors.GEOSException as exc:
        raise InputError(
            file,
            f"WKT 无法解析({exc})",
            f"WKT cannot be parsed ({exc})",
            "写成 POLYGON((x y, ...))",
            "write POLYGON((x y, ...))",
            row=row,
            field=str(wkt_c),
        ) from exc
    if g is None or g.is_empty:
        raise InputError(file, "几何为空", "empty geometry", "填入 WKT", "enter a WKT geometry", row=row, field=str(wkt_c))
    c = shapely.get_coordinates(g)
    metric = not looks_degrees(c[:, 0], c[:, 1])
    return (shapely.make_valid(g) if not g.is_valid else g), metric


def _cell_text(df: pd.DataFrame, row: int, header_rows: int, col: str | None) -> str | None:
    """The cell of a column in a file row, as text, or None when there is no such column or the cell is empty."""
    if col is None:
        return None
    v = df.iloc[row - 1 - header_rows][col]
    return str(v) if pd.notna(v) else None


def _converted(geoms: list[Any], metric_rows: list[bool], spec: CrsSpec, file: str, notes: list[str]) -> np.ndarray:
    """The row geometries in WGS-84: metric rows as Gauss-Kruger (or the chosen CRS), the others as lon/lat."""
    out_geoms = np.empty(len(geoms), dtype=object)
    metric_arr = np.array(metric_rows, dtype=bool)
    garr = np.array(geoms, dtype=object)
    if len(geoms):
        if metric_arr.any():
            mspec = spec if spec.kind != "auto" else CrsSpec("gk")
            out_geoms[metric_arr] = to_wgs84_geoms(garr[metric_arr], mspec, file, notes)
        if (~metric_arr).any():
            dspec = spec if spec.kind == "lonlat" else CrsSpec("lonlat")
            out_geoms[~metric_arr] = to_wgs84_geoms(garr[~metric_arr], dspec, file, notes)
    return out_geoms


def _check_row_limit(n: int, file: str) -> None:
    limit = get_settings().max_rows
    if n > limit:
        raise InputError(
            file,
            f"共 {n} 行,超过上限 {limit} 行",
            f"{n} rows exceed the limit of {limit}",
            "拆分文件,或设置 LUKOU_MAX_ROWS",
            "split the file or raise LUKOU_MAX_ROWS",
        )


def read_table(df: pd.DataFrame, file: str, crs: str | None = "auto", ptype: str = "", header_rows: int = 1) -> Ingested:
    """Projects from a table whose coordinate columns are detected.

    Columns: 经度/纬度 (lng/lat, lon/lat, longitude/latitude), X/Y (degrees: X = lon; metres:
    told apart by magnitude, X = northing in survey practice), 北坐标/东坐标, or a WKT column;
    plus optional name and type columns (:data:`NAME_COLUMNS`, :data:`TYPE_COLUMNS`).
    Row numbers in messages are the file's own (header = row 1).
    """
    spec = parse_crs(crs, file)
    _check_row_limit(len(df), file)
    cols = {norm_col(c): c for c in df.columns}
    name_c, type_c = find_col(cols, NAME_COLUMNS), find_col(cols, TYPE_COLUMNS)
    wkt_c = find_col(cols, _WKT_COLUMNS)
    xc, yc, mode = _coordinate_columns(cols)
    if xc is None and wkt_c is None:
        raise InputError(
            file,
            f"找不到坐标列(现有列:{', '.join(map(str, df.columns))[:200]})",
            f"no coordinate columns found (columns: {', '.join(map(str, df.columns))[:200]})",
            "表头写 经度、纬度(或 lng/lat、X/Y、WKT)",
            "name the columns 经度/纬度, lng/lat, X/Y or WKT",
        )
    errors: list[InputError] = []
    geoms: list[Any] = []
    rows: list[int] = []
    metric_rows: list[bool] = []
    for i, rec in enumerate(df.itertuples(index=False), start=0):
        row = i + 1 + header_rows
        r = dict(zip(df.columns, rec, strict=True))
        try:
            g, metric = _point_row(r, xc, yc, mode, spec, file, row) if xc is not None else _wkt_row(r, wkt_c, file, row)
        except InputError as exc:
            errors.append(exc)
            continue
        geoms.append(g)
        metric_rows.append(metric)
        rows.append(row)
    notes: list[str] = []
    names = [n if (n := _cell_text(df, r, header_rows, name_c)) is not None else f"第{r}行" for r in rows]
    types = [t.strip() if (t := _cell_text(df, r, header_rows, type_c)) is not None else ptype for r in rows]
    out_geoms = _converted(geoms, metric_rows, spec, file, notes)
    gdf = gpd.GeoDataFrame({"name": names, "ptype": types, "source": [f"{file} 第{r}行" for r in rows]}, geometry=list(out_geoms), crs="EPSG:4326")
    if not len(gdf) and not errors:
        raise InputError(file, "表中没有数据行", "the table has no data rows", "在表头下填写项目", "add rows under the header")
    return Ingested(gdf, errors, notes)


def read_csv_bytes(data: bytes, file: str, crs: str | None = "auto", encoding: str | None = None, ptype: str = "") -> Ingested:
    """A CSV (UTF-8, UTF-8 with BOM or GBK; comma, semicolon or tab separated)."""
    text = decode_text(data, file, encoding)
    if not text.strip():
        raise InputError(file, "文件是空的", "the file is empty", "选择含数据的文件", "choose a file with data")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(file, f"CSV 格式错误({exc})", f"malformed CSV ({exc})", "检查分隔符和引号", "check separators and quotes") from exc
    df = df.replace({"": None})
    df = df.dropna(how="all")
    return read_table(df, file, crs, ptype)


def read_xlsx_bytes(data: bytes, file: str, crs: str | None = "auto", ptype: str = "", encoding: str | None = None) -> Ingested:
    """The first sheet of an XLSX (or XLSM) workbook, read with openpyxl.

    ``encoding`` is accepted so every reader takes the same arguments; a workbook carries its own.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_zip_safety(data, file)  # an XLSX is a zip archive: refuse bombs before openpyxl opens it
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(
            file,
            f"不是有效的 XLSX 工作簿({type(exc).__name__})",
            f"not a valid XLSX workbook ({type(exc).__name__})",
            "用 Excel/WPS 另存为 .xlsx",
            "save it again as .xlsx",
        ) from exc
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    if not rows:
        raise InputError(file, "工作表是空的", "the sheet is empty", "在第一个工作表填写数据", "put the data on the first sheet")
    header = [str(h) if h is not None else f"列{i + 1}" for i, h in enumerate(rows[0])]
    df = pd.DataFrame([list(r) + [None] * (len(header) - len(r)) for r in rows[1:]], columns=header)
    df = df.dropna(how="all")
    return read_table(df, file, crs, ptype)
