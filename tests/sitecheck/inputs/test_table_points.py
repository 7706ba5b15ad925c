"""Point rows read a block at a time (table_points) give what reading row by row gives: the projects (order,
values, geometry), every error (message, file, row, field, order) and every note."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pandas as pd
import pytest

from lukou_geo.errors import InputError
from lukou_geo.sitecheck.inputs import read_bytes, table, table_points
from lukou_geo.sitecheck.inputs.table import read_table
from tests.sitecheck.inputs.helpers import LAT, LON, TO_4547

_E, _N = TO_4547.transform(LON, LAT)
#: cells of every kind: plain, degree-minute-second text, thousands separators, blank, bad, NaN and infinite,
#: swapped, out of range, metres (survey order and easting first; all with the zone prefix: a table mixing both is
#: refused as a whole), far from the district
_CELLS = [
    (f"{LON}", f"{LAT}"), ("113°08'51\"", "27°36'18\""), ("东经113度8分51秒", "北纬27度36分18秒"), ("113°68'", f"{LAT}"),
    (f"{LAT}", f"{LON}"), ("", f"{LAT}"), (f"{LON}", ""), ("abc", f"{LAT}"), ("1,131.475", f"{LAT}"), ("113,1475", "27,605"),
    ("nan", f"{LAT}"), ("inf", f"{LAT}"), ("1e400", f"{LAT}"), ("200", f"{LAT}"), (f"{LON}", "95"), ("45", "120"),
    ("1131.475", f"{LAT}"), (f" {LON} ", f"\u3000{LAT}\u3000"), (f"+{LON}", f"{LAT}e0"), ("１１３.１４７５", "２７.６０５"),
    (f"{_N:.2f}", f"{_E + 38e6:.2f}"), (f"{_E + 38e6:.2f}", f"{_N:.2f}"), ("27.6", "85.0"), ("100.0", "30.0"),
    ("113.1_475", f"{LAT}"), (f"{LON}", f"{LAT}\u200b"), ("0", "0"), ("-113.1475", "-27.605"), ("-200", "-95"),
]  # fmt: skip


def _csv(x_name: str = "经度", y_name: str = "纬度") -> str:
    """A table mixing every kind of cell with plain rows, blank lines, a title row, extra and missing cells, a
    malformed record, long and empty names and types."""
    lines = ["渌口区项目清单", "", f"项目名称,{x_name},{y_name},类型"]
    for i in range(300):
        x, y = _CELLS[i % len(_CELLS)] if i % 3 == 0 else (f"{LON + (i % 50) * 1e-4:.6f}", f"{LAT + (i % 40) * 1e-4:.6f}")
        name = "" if i % 17 == 0 else ("长" * 30 if i % 41 == 0 else f"项目{i}" + ("\xa0" if i % 13 == 0 else ""))
        kind = "" if i % 5 == 0 else (" 住宅 " if i % 7 else "\u3000物流\u3000")
        lines.append(f'{name},"{x}","{y}",{kind}' if "," in x + y else f"{name},{x},{y},{kind}")
        if i % 23 == 0:
            lines.append("")
        if i % 61 == 0:
            lines.append(f"多,{LON},{LAT},t,extra")
        if i % 67 == 0:
            lines.append(f"少,{LON}")
        if i % 71 == 0:
            lines.append(f"空格,{LON},{LAT},t,,  ,")
    return "\n".join(lines) + "\n"


def _err(e: InputError) -> tuple:
    return (type(e).__name__, e.message("zh"), e.message("en"), e.file, e.row, e.field, getattr(e, "order", None))


def _outcome(read, *args, **kwargs) -> tuple:
    """Everything a reader gives: the frame (columns, dtypes, values, geometry WKB, index), errors and notes; or its error."""
    try:
        ing = read(*args, **kwargs)
    except InputError as exc:
        return ("error", _err(exc))
    p = ing.projects
    values = {c: p[c].tolist() for c in p.columns if c != "geometry"}
    return (list(p.columns), [str(t) for t in p.dtypes], values, [g.wkb for g in p.geometry], list(p.index), str(p.crs),
            [_err(e) for e in ing.errors], list(ing.notes))  # fmt: skip


def _both(monkeypatch: pytest.MonkeyPatch, read, *args, block: int = 7, **kwargs) -> tuple:
    """The outcome read row by row; asserted equal to the outcome read in blocks (of ``block`` rows and of the default)."""
    monkeypatch.setattr(table, "ROW_BY_ROW", True)
    slow = _outcome(read, *args, **kwargs)
    monkeypatch.setattr(table, "ROW_BY_ROW", False)
    for size in (block, table_points.BLOCK):
        monkeypatch.setattr(table_points, "BLOCK", size)
        assert _outcome(read, *args, **kwargs) == slow, f"blocks of {size} rows"
    return slow


@pytest.mark.parametrize("crs", ["auto", "wgs84", "gk", "EPSG:4547", "auto:gcj02"])
@pytest.mark.parametrize("columns", [("经度", "纬度"), ("X", "Y"), ("东坐标", "北坐标")])
def test_a_mixed_csv_reads_the_same_in_blocks(monkeypatch: pytest.MonkeyPatch, crs: str, columns: tuple[str, str]) -> None:
    out = _both(monkeypatch, read_bytes, _csv(*columns).encode(), "mixed.csv", crs)
    if columns == ("经度", "纬度") and crs == "auto":  # the table holds what the test means to compare
        projects, errors = out[3], out[6]
        assert 150 < len(projects) < 300 and len(errors) > 40
        assert any("度分秒" in e[1] or "分或秒" in e[1] for e in errors) and any("颠倒" in e[1] for e in errors)
        assert any("单元格" in e[1] for e in errors) and any(e[4] is None or e[6] is None for e in errors)


@pytest.mark.parametrize(
    "env",
    [{"LUKOU_MAX_NAME_CHARS": "4"}, {"LUKOU_MAX_CELL_CHARS": "9"}, {"LUKOU_MAX_ROWS": "150"}, {"LUKOU_MAX_VERTICES": "1"},
     {"LUKOU_MAX_TOTAL_VERTICES": "100"}, {"LUKOU_MAX_LINE_CHARS": "28"}],
)  # fmt: skip
def test_limits_read_the_same_in_blocks(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    _both(monkeypatch, read_bytes, _csv().encode(), "mixed.csv")


@pytest.mark.parametrize("quoted", [False, True])
def test_a_refused_record_keeps_its_place_among_the_row_errors(monkeypatch: pytest.MonkeyPatch, quoted: bool) -> None:
    """A record the csv module refuses (a field over its limit, lowered here to 40) is a row error without an order:
    it stays among the row errors without one (bad cells) where it was met, in a file with quotes and without."""
    text = _csv().replace("长" * 30, "长" * 45)
    text = text if quoted else text.replace('"', "")
    real = csv.field_size_limit
    old = real(40)
    monkeypatch.setattr(csv, "field_size_limit", lambda *_: 40)
    try:
        out = _both(monkeypatch, read_bytes, text.encode(), "refused.csv", block=2)
    finally:
        real(old)
    assert ('"' in text) == quoted
    errors = out[6]
    assert sum("CSV" in e[1] for e in errors) == 7 and errors.index(next(e for e in errors if "CSV" in e[1])) > 0


def test_an_xlsx_of_numbers_text_and_blanks_reads_the_same_in_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["名称", "经度", "纬度", "类型"])
    for i in range(200):
        x, y = _CELLS[i % len(_CELLS)] if i % 2 else (LON + i * 1e-5, LAT + i * 1e-5)
        if i % 9 == 0:
            x = True
        if i % 11 == 0:
            y = 27
        if i % 13 == 0:
            ws.append([])
            ws.append(["  ", None, "\u3000", None])  # blank as the reader sees it, though not empty
        ws.append([i if i % 7 == 0 else f"p{i}", x, y, None if i % 3 else "工业"])
    buf = io.BytesIO()
    wb.save(buf)
    out = _both(monkeypatch, read_bytes, buf.getvalue(), "mixed.xlsx")
    assert len(out[3]) > 50 and len(out[6]) > 20


def test_a_frame_with_nan_and_numpy_numbers_reads_the_same_in_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    n = 120
    df = pd.DataFrame(
        {
            "名称": [f"p{i}" if i % 4 else None for i in range(n)],
            "lng": [math.nan if i % 10 == 0 else LON + i * 1e-5 for i in range(n)],
            "lat": np.array([LAT + i * 1e-5 if i % 15 else 113.1 for i in range(n)], dtype=np.float64),
            "type": [np.nan if i % 6 == 0 else "住宅" for i in range(n)],
        }
    )
    out = _both(monkeypatch, read_table, df, "frame.csv", ptype="默认")
    assert "默认" in out[2]["ptype"] and len(out[6]) > 10


def test_plain_cells_are_read_as_float_reads_them() -> None:
    x, ok = table_points._floats(("113.5", " 27.6 ", "1_0", "１２", 5, 2.5, np.float64(1.5), "nan", "1,0", "", None, True, "27°"))
    assert ok.tolist() == [True] * 7 + [False] * 6
    assert x[:7].tolist() == [113.5, 27.6, 10.0, 12.0, 5.0, 2.5, 1.5]


@pytest.mark.parametrize("survey_order", [True, False])
def test_metres_without_the_zone_prefix_read_the_same_in_blocks(monkeypatch: pytest.MonkeyPatch, survey_order: bool) -> None:
    rows = [(f"{_N + i:.2f}", f"{_E + i:.2f}") if survey_order or i % 2 else (f"{_E + i:.2f}", f"{_N + i:.2f}") for i in range(60)]
    text = "名称,X,Y\n" + "".join(f"p{i},{x},{y}\n" for i, (x, y) in enumerate(rows)) + "q,113.1475,27.605\nr,27.6,85\n"
    out = _both(monkeypatch, read_bytes, text.encode(), "metres.csv", block=4)
    assert len(out[3]) == 61 and len(out[6]) == 1


@pytest.mark.parametrize("limit", [None, 12])
def test_a_csv_without_quotes_parses_as_record_by_record(monkeypatch: pytest.MonkeyPatch, limit: int | None) -> None:
    """The quote-free CSV read a block of lines at once gives the records (and line numbers, and refused records) of
    the csv module read record by record."""
    lines = _csv().replace('"', "").split("\n")
    monkeypatch.setattr(table, "_CSV_BLOCK", 5)
    real = csv.field_size_limit
    old = real(limit) if limit else real()
    if limit:
        monkeypatch.setattr(csv, "field_size_limit", lambda *_: limit)
    try:
        fast_errors: list[InputError] = []
        fast = list(table._csv_records(lines, "t.csv", fast_errors))
        slow_errors: list[InputError] = []
        slow = list(table._parsed([ln + "\n" for ln in lines], ",", 1, "t.csv", slow_errors))
    finally:
        real(old)
    assert fast == slow and [_err(e) for e in fast_errors] == [_err(e) for e in slow_errors]
    assert (len(fast_errors) > 0) == bool(limit) and fast[-1][0] > len(fast)  # blank lines counted


def test_the_collector_is_paused_while_a_table_is_read_and_resumed_after(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    seen: list[bool] = []
    real = table_points._read_block
    monkeypatch.setattr(table_points, "_read_block", lambda *a: (seen.append(gc.isenabled()), real(*a))[1])
    assert gc.isenabled()
    read_bytes(_csv().encode(), "p.csv")
    with pytest.raises(InputError):
        read_bytes(b"name,lng,lat\n", "p.csv")  # no rows: an error, the collector still resumed
    assert seen and not any(seen) and gc.isenabled()
    gc.disable()
    try:
        read_bytes(_csv().encode(), "p.csv")
        assert not gc.isenabled()  # paused by someone else: left paused
    finally:
        gc.enable()
