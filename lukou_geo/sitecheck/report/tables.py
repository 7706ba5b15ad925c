"""The tables of a site-check result: XLSX, CSV and GeoJSON.

Text goes through the spreadsheet sinks of :mod:`lukou_geo.output.sinks`: control characters a
worksheet cannot hold are replaced; a text a spreadsheet would run as a formula (``= + - @`` first,
after spaces, or full-width) is an XLSX text cell with the quote prefix (shown as written) and, in
CSV, led by an invisible WORD JOINER. The title and the sheet names too. The
documents (HTML, PDF) are in :mod:`lukou_geo.sitecheck.report.document`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from lukou_geo.output.sinks import FORMULA_RE, ILLEGAL_RE, REPLACEMENT, csv_column, sheet_text, texts_repeat, write_csv, xlsx_cell
from lukou_geo.sitecheck.check import SUMMARY_COLUMNS, ZONE_COLUMNS, CheckResult
from lukou_geo.text import t

#: Reports show per-project detail (sheets, sections, map images) for at most this many projects.
MAX_DETAIL_PROJECTS = 50
#: Data rows of the 分区明细 sheet: an Excel sheet holds 1,048,576 rows (header and note included); the
#: documented input limit (200,000 projects × several zones) can exceed it, so the rest is in report_zones.csv.
MAX_ZONE_SHEET_ROWS = 1_048_576 - 3
#: The reports' note on what the zones are (Chinese reports in Chinese only; the English UI's caption in English).
HONESTY_ZH = t("check.honesty", "zh")
HONESTY_EN = t("check.honesty", "en")


def _safe_cell(v: Any) -> Any:
    """A value a worksheet can hold: text cleaned of illegal characters, NaN empty, numpy numbers plain.
    (Formula-like text is made a text cell by :func:`_cells`.)"""
    if isinstance(v, str):
        return sheet_text(v)
    if isinstance(v, float) and np.isnan(v):
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return None if np.isnan(v) else float(v)
    return v


def labelled(df: pd.DataFrame, columns: dict[str, tuple[str, str]], lang: str = "zh") -> pd.DataFrame:
    keep = [c for c in columns if c in df.columns]
    out = df[keep].copy()
    out.columns = [columns[c][0 if lang == "zh" else 1] for c in keep]
    return out


def project_zones(result: CheckResult, no: int) -> pd.DataFrame:
    """The per-zone rows of project ``no``."""
    return result.zones[result.zones["project_no"] == no]


def _safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` for CSV: every text column through :func:`lukou_geo.output.sinks.csv_column`."""
    return df.apply(csv_column) if len(df) else df


def provenance_rows(result: CheckResult, lang: str = "zh") -> list[tuple[str, str]]:
    """(label, value) of where the projects came from (source file, SHA-256, encoding, CRS assumed), or []."""
    prov = getattr(result, "provenance", None)
    return prov.rows(lang) if prov is not None else []


def _with_provenance(df: pd.DataFrame, result: CheckResult) -> pd.DataFrame:
    """``df`` with the source file, its SHA-256, the encoding and the CRS assumed as columns (one value for every row)."""
    prov = getattr(result, "provenance", None)
    if prov is None:
        return df
    out = df.copy()
    for label, value in prov.rows("zh")[:5]:
        out[label] = value
    return out


def export_csv(result: CheckResult, path: str | Path, which: str = "summary") -> Path:
    """The summary (``which="summary"``) or the per-zone rows (``"zones"``) as UTF-8-with-BOM CSV (opens in Excel).

    The summary carries the source (file, SHA-256, encoding, CRS assumed) as columns and the input coordinates as given."""
    df = _with_provenance(labelled(result.summary, SUMMARY_COLUMNS), result) if which == "summary" else labelled(result.zones, ZONE_COLUMNS)
    p = Path(path)
    write_csv(df, p)  # the bytes of _safe_frame(df).to_csv(p, index=False, encoding="utf-8-sig"), column by column
    return p


def _json_float(v: float) -> str:
    """A float as ``json`` writes it: ``repr``, or NaN / Infinity / -Infinity."""
    return float.__repr__(v) if math.isfinite(v) else json.dumps(v)


def _json_cells(values: pd.Series, key: str, sep: str) -> list[str] | None:
    """``"key": value`` of each row as ``json.dumps`` writes a property of
    ``summary.replace({np.nan: None}).to_dict("records")`` (missing values null, numpy numbers as Python ones),
    each followed by ``sep``; each distinct text or number encoded once. None for a type this does not know."""
    from json.encoder import encode_basestring

    head = encode_basestring(key) + ": "
    if not isinstance(values.dtype, np.dtype):
        return None
    arr = values.to_numpy()
    kind = arr.dtype.kind
    if kind in "iu":
        return [f"{head}{v}{sep}" for v in arr.tolist()]
    if kind == "b":
        return [head + ("true" if v else "false") + sep for v in arr.tolist()]
    if kind == "f":
        if (np.signbit(arr) & (arr == 0)).any():  # -0.0 and 0.0 are one value to factorize
            return [head + ("null" if v != v else _json_float(v)) + sep for v in arr.tolist()]
        codes, uniques = pd.factorize(arr)  # NaN: -1
        cells = [head + _json_float(u) + sep for u in uniques.tolist()]
    elif kind == "O" and pd.api.types.infer_dtype(arr, skipna=True) in ("string", "empty") and texts_repeat(arr):
        codes, uniques = pd.factorize(arr)  # missing values (None, NaN, NA): -1
        cells = [head + encode_basestring(u) + sep for u in uniques]
    elif kind == "O":
        na = pd.isna(arr)
        return [head + ("null" if m else encode_basestring(v) if isinstance(v, str) else
                        json.dumps(v.item() if isinstance(v, np.generic) else v, ensure_ascii=False)) + sep
                for v, m in zip(arr.tolist(), na.tolist(), strict=True)]
    else:
        return None
    table = np.empty(len(cells) + 1, dtype=object)
    table[:-1] = cells
    table[-1] = head + "null" + sep
    return table[codes].tolist()


def _geometry_json(geoms: np.ndarray) -> list[str]:
    """``json.dumps(shapely.geometry.mapping(g))`` of each geometry; 2-D points from their coordinates at once
    (``repr`` of each number, as ``json`` writes a finite float), the rest one by one."""
    out: list[str] = [""] * len(geoms)
    plain = (shapely.get_type_id(geoms) == 0) & ~shapely.is_empty(geoms) & ~shapely.has_z(geoms) & ~shapely.has_m(geoms)
    points = np.flatnonzero(plain)
    xy = shapely.get_coordinates(geoms[points])
    finite = np.isfinite(xy).all(axis=1)
    for i, (x, y) in zip(points[finite].tolist(), xy[finite].tolist(), strict=True):
        out[i] = f'{{"type": "Point", "coordinates": [{x!r}, {y!r}]}}'
    plain[points[~finite]] = False
    for i in np.flatnonzero(~plain).tolist():
        out[i] = json.dumps(shapely.geometry.mapping(geoms[i]), ensure_ascii=False)
    return out


def export_geojson(result: CheckResult, path: str | Path) -> Path:
    """The projects with their summary as properties (WGS-84 GeoJSON).

    The text of ``json.dumps`` of the FeatureCollection of ``shapely.geometry.mapping`` geometries and the
    summary's rows (missing values null; :func:`_export_geojson_plain`), written column by column: each
    distinct value of a column encoded once, the features' texts joined once."""
    summary = result.summary
    geoms = result.projects.geometry.values.to_numpy()
    names = list(summary.columns)
    if not names or not summary.columns.is_unique or not all(isinstance(c, str) for c in names) or len(geoms) != len(summary):
        return _export_geojson_plain(result, path)
    last = len(names) - 1
    cols = [_json_cells(summary.iloc[:, j], c, "}}, " if j == last else ", ") for j, c in enumerate(names)]
    if any(c is None for c in cols):
        return _export_geojson_plain(result, path)
    starts = ['{"type": "Feature", "geometry": ' + g + ', "properties": {' for g in _geometry_json(geoms)]
    if len(geoms):
        cols[-1][-1] = cols[-1][-1][:-2]  # the last feature: no comma after it
    tail = "]"
    prov = getattr(result, "provenance", None)
    if prov is not None:  # a foreign member (RFC 7946 §6.1): source, SHA-256, encoding, CRS assumed
        tail += ', "lukou_provenance": ' + json.dumps(prov.as_dict(), ensure_ascii=False)
    body = "".join(itertools.chain.from_iterable(zip(starts, *cols, strict=True)))
    p = Path(path)
    p.write_text('{"type": "FeatureCollection", "features": [' + body + tail + "}", encoding="utf-8")
    return p


def _export_geojson_plain(result: CheckResult, path: str | Path) -> Path:
    """:func:`export_geojson` feature by feature (the reference its fast way is tested against)."""
    props = result.summary.replace({np.nan: None}).to_dict("records")
    feats = []
    for geom, pr in zip(result.projects.geometry.values, props, strict=True):
        clean = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in pr.items()}
        feats.append({"type": "Feature", "geometry": shapely.geometry.mapping(geom), "properties": clean})
    p = Path(path)
    doc: dict[str, Any] = {"type": "FeatureCollection", "features": feats}
    prov = getattr(result, "provenance", None)
    if prov is not None:
        doc["lukou_provenance"] = prov.as_dict()  # a foreign member (RFC 7946 §6.1): source, SHA-256, encoding, CRS assumed
    p.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return p


def _sheet_name(no: int, name: str, used: set[str]) -> str:
    bad = "[]:*?/\\"
    base = f"{no} " + "".join("_" if ch in bad else ch for ch in sheet_text(str(name)))
    base = base[:31].strip("'") or str(no)
    out, k = base, 1
    while out in used:
        k += 1
        out = f"{base[:27]}~{k}"
    used.add(out)
    return out


def export_xlsx(result: CheckResult, path: str | Path, title: str = "选址核查报告") -> Path:
    """Workbook: 汇总 (summary), 分区明细 (every zone row), then one sheet per project (first 50).

    Written in openpyxl's write-only mode (rows streamed to the file, not kept as cell objects)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook(write_only=True)
    bold, top = Font(bold=True), Alignment(wrap_text=True, vertical="top")  # one style object for many cells
    ws = wb.create_sheet("汇总")
    ws.append(_cells(ws, [title], Font(bold=True, size=14)))
    ws.append([f"生成时间 {dt.datetime.now():%Y-%m-%d %H:%M};项目 {len(result.summary)} 个"])
    ws.append([HONESTY_ZH])
    prov_rows = provenance_rows(result)
    if prov_rows:
        ws.append([_safe_cell(";".join(f"{k} {v}" for k, v in prov_rows[:5]))])
    ws.append([])
    _append_table(ws, labelled(result.summary, SUMMARY_COLUMNS))
    if len(result.summary) > MAX_DETAIL_PROJECTS:
        ws.append([])
        ws.append([f"逐项工作表只列前 {MAX_DETAIL_PROJECTS} 个项目;全部分区明细见“分区明细”表"])
    zs = wb.create_sheet("分区明细")
    cut = len(result.zones) > MAX_ZONE_SHEET_ROWS
    _append_table(zs, labelled(result.zones.head(MAX_ZONE_SHEET_ROWS), ZONE_COLUMNS))
    if cut:
        note = (f"分区明细共 {len(result.zones):,} 行,超过 Excel 单表行数上限,本表只列前 {MAX_ZONE_SHEET_ROWS:,} 行;"
                "全部分区明细见同名的 _zones.csv 文件")
        zs.append([note])
        ws.append([note])
    used = {"汇总", "分区明细"}
    if prov_rows:
        src = wb.create_sheet("数据来源")
        for k, v in prov_rows:
            src.append([k, _safe_cell(v)])
        src.column_dimensions["A"].width, src.column_dimensions["B"].width = 16, 90
        used.add("数据来源")
    for _, r in result.summary.head(MAX_DETAIL_PROJECTS).iterrows():
        sh = wb.create_sheet(_sheet_name(int(r["project_no"]), r["name"], used))
        sh.column_dimensions["A"].width = 22
        sh.column_dimensions["B"].width = 60
        for key, (zh, _en) in SUMMARY_COLUMNS.items():
            if key in r:
                sh.append(_cells(sh, [zh, r[key]], alignment=top))
        sh.append([])
        sh.append(_cells(sh, ["涉及的规划分区"], bold, top))
        pz = labelled(project_zones(result, int(r["project_no"])), ZONE_COLUMNS).drop(columns=["序号", "项目名称"])
        _append_table(sh, pz, bold_header=False, alignment=top)
    from lukou_geo.sitecheck.report.occupancy_tables import add_sheets

    add_sheets(wb, result)  # the 压占 sheets, when the check ran against imported layers
    p = Path(path)
    wb.save(p)
    return p


def _cells(sheet: Any, values: list[Any], font: Any = None, alignment: Any = None) -> list[Any]:
    """A row for a write-only sheet: values made safe (:func:`_safe_cell`); a formula-like text a text cell
    shown as written (:func:`lukou_geo.output.sinks.xlsx_cell`); ``font`` and ``alignment`` on every cell."""
    from openpyxl.cell import WriteOnlyCell

    out = []
    for v in values:
        c = WriteOnlyCell(sheet)
        xlsx_cell(c, _safe_cell(v))
        if font is not None:
            c.font = font
        if alignment is not None:
            c.alignment = alignment
        out.append(c)
    return out


def _sheet_frame(df: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """``df`` with text cleaned of illegal characters and NaN empty (whole columns at once), and which rows
    hold a formula-like text (those go cell by cell through :func:`_cells`)."""
    out = df.astype(object).where(df.notna(), None)
    special = np.zeros(len(df), dtype=bool)
    for j, col in enumerate(df.columns):
        if df[col].dtype != object and not pd.api.types.is_string_dtype(df[col]):
            continue
        values = out.iloc[:, j]
        is_text = values.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        if not is_text.any():
            continue
        text = values[is_text].str.replace(ILLEGAL_RE, REPLACEMENT, regex=True)
        out.iloc[np.flatnonzero(is_text), j] = text.to_numpy(dtype=object)
        special[np.flatnonzero(is_text)[text.str.contains(FORMULA_RE).to_numpy(dtype=bool)]] = True
    return out, special


def _append_table(sheet: Any, df: pd.DataFrame, bold_header: bool = True, alignment: Any = None) -> None:
    """Append ``df`` to a write-only sheet: a header row of its columns, then its rows (cells made safe)."""
    from openpyxl.styles import Font

    sheet.append(_cells(sheet, list(df.columns), Font(bold=True) if bold_header else None, alignment))
    frame, special = _sheet_frame(df)
    for row, odd in zip(frame.itertuples(index=False, name=None), special, strict=True):
        sheet.append(_cells(sheet, list(row), alignment=alignment) if odd or alignment is not None else
                     [v.item() if isinstance(v, np.generic) else v for v in row])
