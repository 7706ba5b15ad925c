"""The point rows of a table (coordinate columns, not WKT), read a block of rows at a time.

A row whose cells are plain: the header's width, no cell over ``LUKOU_MAX_CELL_CHARS``, coordinate cells that
Python's ``float`` reads as they are (text such as ``113.1475``, or a number) and that pass the range and swap
checks, name and type within ``LUKOU_MAX_NAME_CHARS``. Such rows are converted, checked and made into points
with array operations (one ``shapely.points`` for the block). Every other row (degree-minute-second text, a
thousands separator, a blank, bad, non-finite, swapped or out-of-range cell, extra cells, a long cell or name)
is read by the reader of one row (:func:`.table._read_row`), in its place. So the projects, their order, the
errors (and the order of those without a row, as met) and the notes are those of reading row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from lukou_geo.errors import InputError
from lukou_geo.sitecheck.inputs.crs_spec import CrsSpec
from lukou_geo.sitecheck.inputs.rows import Collector

#: rows read per block
BLOCK = 8192
#: the cell types ``float(cell)`` converts exactly as the reader of one row does (bool, None and NaN are not plain)
_FLOAT_TYPES = frozenset({str, float, int, np.float64, np.int64})
_BLANKS = " \t\r\n\u3000"

#: One row of a table: (file line, cells).
Record = tuple[int, list[Any]]


def text(v: Any) -> str:
    """A cell as text: None and NaN are empty; spaces, ideographic spaces and line ends stripped."""
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip(_BLANKS)


@dataclass(frozen=True)
class PointColumns:
    """Where a table's point rows hold what: the header, the coordinate, name and type columns (indices)."""

    header: list[str]
    x: int
    y: int
    mode: str  # "lonlat", "en" (东坐标/北坐标) or "xy"
    spec: CrsSpec
    name: int | None
    kind: int | None
    ptype: str


def read_point_rows(
    records: Iterator[Record],
    rows: Collector,
    cols: PointColumns,
    read_row: Callable[[int, list[Any]], None],
    too_many: Callable[[int], InputError],
) -> None:
    """Read the data rows into ``rows`` a block at a time: ``read_row(line, cells)`` reads a row that is not plain;
    ``too_many(line)`` is the error of the row past ``LUKOU_MAX_ROWS`` (the rows before it are read first)."""
    limit = rows.limits.max_rows
    count, done = 0, False
    it = iter(records)
    while not done:
        lines, cells, pending, count, stop, done = _fetch(it, rows.errors, count, limit, too_many)
        _read_block(lines, cells, pending, rows, cols, read_row)
        if stop is not None:
            raise stop


def _fetch(
    it: Iterator[Record], errors: list[InputError], count: int, limit: int, too_many: Callable[[int], InputError]
) -> tuple[list[int], list[list[Any]], dict[int, list[InputError]], int, BaseException | None, bool]:
    """(lines, cells, errors met while reading each, rows counted, the exception to raise after the block, whether
    the records are all read) of the next block's non-blank rows. The errors the records' source appends (a malformed CSV record) are taken out of
    ``errors`` and returned by the index of the row read after them, so they go back in their place."""
    lines: list[int] = []
    cells: list[list[Any]] = []
    pending: dict[int, list[InputError]] = {}
    stop: BaseException | None = None
    while len(cells) < BLOCK:
        n0 = len(errors)
        try:
            line, row = next(it)
        except StopIteration:
            line, row = 0, None
        except Exception as exc:  # the source's own error, raised after the rows before it are read
            line, row, stop = 0, None, exc
        if len(errors) > n0:
            pending.setdefault(len(cells), []).extend(errors[n0:])
            del errors[n0:]
        if row is None:
            return lines, cells, pending, count, stop, True
        first = row[0] if row else None
        if not (type(first) is str and first.strip(_BLANKS)) and not any(map(text, row)):  # a blank row
            continue
        count += 1
        if count > limit:
            return lines, cells, pending, count, too_many(line), True
        lines.append(line)
        cells.append(row)
    return lines, cells, pending, count, None, False


def _read_block(
    lines: list[int],
    cells: list[list[Any]],
    pending: dict[int, list[InputError]],
    rows: Collector,
    cols: PointColumns,
    read_row: Callable[[int, list[Any]], None],
) -> None:
    """Read one block: the plain rows in runs at once, the others (and the errors met before them) in their place."""
    plain, points, names, kinds, tags = _plain_rows(cells, cols, rows.limits.max_cell_chars, rows.limits.max_name_chars)
    n = len(cells)
    start = 0
    for p in sorted({*np.flatnonzero(~plain).tolist(), *pending}):
        if p > start:
            rows.add_points(points[start:p], lines[start:p], names[start:p], kinds[start:p], tags[start:p])
        rows.errors.extend(pending.get(p, ()))
        if p < n and not plain[p]:
            read_row(lines[p], cells[p])
            start = p + 1
        else:
            start = p
    if n > start:
        rows.add_points(points[start:n], lines[start:n], names[start:n], kinds[start:n], tags[start:n])


def _plain_rows(
    cells: list[list[Any]], cols: PointColumns, cell_limit: int, name_limit: int
) -> tuple[np.ndarray, np.ndarray, list[str], list[str], list[str]]:
    """(which rows are plain, the points, names, types and tags of the rows; meaningful where plain)."""
    n, width = len(cells), len(cols.header)
    plain = np.fromiter(map(len, cells), dtype=np.intp, count=n) == width
    if not n:
        return plain, np.empty(0, dtype=object), [], [], []
    table = list(zip(*cells, strict=True)) if plain.all() else list(zip(*(c if len(c) == width else [None] * width for c in cells), strict=True))
    for col in table:
        plain &= ~_too_long(col, cell_limit)
    x, x_ok = _floats(table[cols.x])
    y, y_ok = _floats(table[cols.y])
    plain &= x_ok & y_ok
    x, y = np.where(plain, x, 0.0), np.where(plain, y, 0.0)
    metric = (np.abs(x) > 1e4) & (np.abs(y) > 1e4)  # both metric; 1131.37 is a typo in degrees
    if cols.mode == "lonlat" and cols.spec.kind not in ("gk", "epsg"):
        metric[:] = False  # 经度/纬度 columns hold degrees
    lonlat_ok = (np.abs(x) <= 180) & (np.abs(y) <= 90) & ~((x > 3) & (x < 54) & (y > 73) & (y < 136))  # as check_lonlat
    plain &= np.where(metric, cols.spec.kind != "lonlat", lonlat_ok)
    if cols.mode != "en":  # east_north: metres ordered (easting, northing) by magnitude
        ex, ey = (x >= 1e7) | (x < 1e6), (y >= 1e7) | (y < 1e6)
        swap = metric & ey & ~ex
        x, y = np.where(swap, y, x), np.where(swap, x, y)
    names = _texts(table[cols.name]) if cols.name is not None else [""] * n
    kinds = _texts(table[cols.kind]) if cols.kind is not None else [""] * n
    if cols.ptype:
        kinds = [k or cols.ptype for k in kinds]
    plain &= ~_over(names, name_limit) & ~_over(kinds, name_limit)
    tags = ["metric" if m else "degrees" for m in metric.tolist()]
    return plain, shapely.points(x, y), names, kinds, tags


def _too_long(col: tuple[Any, ...], limit: int) -> np.ndarray:
    """Which cells are text longer than ``limit``."""
    if set(map(type, col)) <= {str, type(None)}:
        if max(map(len, filter(None, col)), default=0) <= limit:
            return np.zeros(len(col), dtype=bool)
    return np.fromiter((isinstance(c, str) and len(c) > limit for c in col), dtype=bool, count=len(col))


def _floats(col: tuple[Any, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(the cells as numbers, which are plain: ``float`` reads them and they are finite)."""
    n = len(col)
    if set(map(type, col)) <= _FLOAT_TYPES:
        try:
            v = np.fromiter(map(float, col), dtype=float, count=n)
            return v, np.isfinite(v)
        except (ValueError, TypeError, OverflowError):
            pass
    v, ok = np.zeros(n), np.zeros(n, dtype=bool)
    for i, c in enumerate(col):
        if type(c) in _FLOAT_TYPES:
            try:
                v[i] = float(c)
            except (ValueError, TypeError, OverflowError):
                continue
            ok[i] = True
    return v, ok & np.isfinite(v)


def _texts(col: tuple[Any, ...]) -> list[str]:
    """The cells as text (:func:`text`)."""
    if set(map(type, col)) <= {str, type(None)}:
        return [c.strip(_BLANKS) if c is not None else "" for c in col]
    return list(map(text, col))


def _over(texts: list[str], limit: int) -> np.ndarray:
    """Which texts are longer than ``limit``."""
    if max(map(len, texts), default=0) <= limit:
        return np.zeros(len(texts), dtype=bool)
    return np.fromiter((len(t) > limit for t in texts), dtype=bool, count=len(texts))
