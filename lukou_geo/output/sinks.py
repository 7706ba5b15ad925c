"""Text from a file, a user or a URL made safe for the sink it goes to: one helper per sink.

- HTML: :func:`html.escape` (reports, popups, tooltips; the map's elements escape their own).
- Markdown (Streamlit message boxes): :mod:`lukou_geo.ui.messages`.
- matplotlib (map images, print layouts): :func:`figure_text` — no mathtext, so ``单价$\\x$元``
  is drawn as written instead of being parsed as TeX (which raises on ``\\x`` and formats ``$x^2$``).
- Spreadsheets (XLSX and CSV): :func:`sheet_text` replaces the control characters a worksheet
  cannot hold; :func:`formula_like` tells a text a spreadsheet would run as a formula (``= + - @``
  first, after spaces, also the full-width ``＝ ＋ － ＠``). XLSX cells of such text are written as
  text cells with Excel's quote prefix (:func:`xlsx_cell`), so the visible text is unchanged and it
  stays text when edited; CSV has no cell types, so :func:`csv_text` puts an invisible WORD JOINER
  (U+2060) first.
- Drawn and printed pages: :func:`print_text` (control characters, which have no glyph, as spaces).
- PDF: :func:`cut_text` shortens a text to a number of characters with a note (table cells and
  one-line headings would otherwise be taller than a page or run off it).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

#: Control characters a worksheet cannot hold (openpyxl's ``ILLEGAL_CHARACTERS_RE``: C0 except tab,
#: line feed and carriage return).
ILLEGAL_RE = re.compile(r"[\000-\010\013\014\016-\037]")
#: What is put in place of an illegal character.
REPLACEMENT = "\ufffd"
#: What makes a spreadsheet read a cell as a formula: ``= + - @`` (or full-width) first after spaces,
#: or a tab or carriage return first.
FORMULA_RE = re.compile(r"^(?:\s*[=+\-@＝＋－＠]|[\t\r])")
WORD_JOINER = "\u2060"
#: Appended to a text cut by :func:`cut_text`.
CUT_NOTE = "…(已截断 / cut)"


#: Control characters but the line feed: no glyph in any font (printed as a space).
_CONTROL_RE = re.compile(r"[\000-\011\013-\037\177]")


def print_text(text: object) -> str:
    """``text`` for a drawn or printed page (matplotlib, PDF): control characters (no glyphs) become spaces."""
    return _CONTROL_RE.sub(" ", str(text))


def figure_text(text: object) -> str:
    """``text`` drawn by matplotlib as written: every ``$`` escaped, so no mathtext is parsed;
    control characters as spaces (:func:`print_text`)."""
    return print_text(text).replace("$", r"\$")


def sheet_text(text: str) -> str:
    """``text`` with the control characters a worksheet cannot hold replaced by U+FFFD."""
    return ILLEGAL_RE.sub(REPLACEMENT, text)


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would take ``text`` for a formula (``= + - @`` or full-width first, after spaces)."""
    return FORMULA_RE.match(text) is not None


def csv_text(value: Any) -> Any:
    """A CSV cell: text cleaned (:func:`sheet_text`), a formula-like text led by an invisible WORD JOINER."""
    if not isinstance(value, str):
        return value
    clean = sheet_text(value)
    return WORD_JOINER + clean if formula_like(clean) else clean


def xlsx_cell(cell: Any, value: Any) -> None:
    """Put ``value`` into the openpyxl ``cell``: text cleaned (:func:`sheet_text`) and always a text cell;
    a formula-like text gets Excel's quote prefix (shown as written, never run, still text when edited)."""
    if not isinstance(value, str):
        cell.value = value
        return
    clean = sheet_text(value)
    cell.value = clean
    cell.data_type = "s"  # openpyxl makes "=…" a formula; a text cell it is
    if formula_like(clean):
        cell.quotePrefix = True


def _text_mask(arr: Any) -> Any:
    """Which cells of an object array hold text (``isinstance(v, str)``), without a Python call per cell
    when the column is all text and missing values (the usual case)."""
    import numpy as np
    import pandas as pd

    if pd.api.types.infer_dtype(arr, skipna=True) in ("string", "empty"):
        return ~pd.isna(arr)
    return np.fromiter((isinstance(v, str) for v in arr), dtype=bool, count=len(arr))


#: A character that may make the csv module quote a field (it then asks the csv module itself).
_CSV_SPECIAL = re.compile(r'[,"\r\n]')
#: The signs that make a text formula-like (:data:`FORMULA_RE`) when first after spaces.
_FORMULA_SIGNS = "=+-@＝＋－＠"


@lru_cache(maxsize=1)
def _formula_starts() -> Any:
    """The first characters of a text :data:`FORMULA_RE` may match: its signs, or whitespace (its ``\\s`` is
    ``str.isspace``, tab and carriage return among them; no whitespace character lies above U+3000)."""
    import numpy as np

    return np.array(sorted({c for c in map(chr, range(0x3001)) if c.isspace()} | set(_FORMULA_SIGNS)))


def _may_change(uniques: Any, patterns: tuple[re.Pattern[str], ...]) -> list[int]:
    """The positions of the texts a cleaning may change: formula-like starts, and those where one of ``patterns``
    is found (each looked for in the texts joined by a tab first, which none matches, so one search clears a column)."""
    import numpy as np

    first = np.asarray(uniques, dtype=object).astype("U1")  # each text's first character ("" if empty)
    picked = set(np.flatnonzero(np.isin(first, _formula_starts())).tolist())
    joined = None
    for rx in patterns:
        joined = "\t".join(uniques) if joined is None else joined
        if rx.search(joined) is not None:
            picked.update(i for i, u in enumerate(uniques) if rx.search(u) is not None)
    return sorted(picked)


def texts_repeat(arr: Any, sample: int = 2000) -> bool:
    """Whether the texts of ``arr`` repeat (then worth cleaning once per distinct text), from a sample."""
    import pandas as pd

    head = arr[:sample]  # rows in order: a project's zone rows repeat its name, side by side
    return len(pd.unique(head)) < 0.5 * len(head)


def _map_texts(arr: Any, mask: Any, fn: Any, patterns: tuple[re.Pattern[str], ...]) -> Any:
    """``fn`` over the text cells ``arr[mask]``: the new texts in cell order, or None when ``fn`` changed none.
    Called only on the texts :func:`_may_change` names (``fn`` changes a text only if it starts like a formula
    or ``patterns`` find something in it), and once per distinct text when texts repeat."""
    import numpy as np
    import pandas as pd

    texts = arr[mask]
    codes, uniques = pd.factorize(texts) if texts_repeat(texts) else (None, texts)
    new = np.array(uniques, dtype=object)
    changed = False
    for i in _may_change(uniques, patterns):
        new[i] = fn(uniques[i])
        changed = changed or new[i] != uniques[i]
    if not changed:
        return None
    return new if codes is None else new[codes]


def csv_column(values: Any) -> Any:
    """:func:`csv_text` over a pandas Series of any type (vectorised; non-text values kept)."""
    import pandas as pd

    if values.dtype != object and not pd.api.types.is_string_dtype(values):
        return values
    arr = values.to_numpy(dtype=object)
    mask = _text_mask(arr)
    if not mask.any():
        return values
    text = _map_texts(arr, mask, csv_text, (ILLEGAL_RE,))
    if text is None:
        return values
    out = values.copy()
    out[mask] = text
    return out


class _CsvField:
    """A text as the csv module writes it in a row (``QUOTE_MINIMAL``, as pandas' ``to_csv``)."""

    def __init__(self) -> None:
        import csv
        import io
        import os

        self.buf = io.StringIO()
        self.writer = csv.writer(self.buf, lineterminator=os.linesep)  # pandas' writer: its line end is special too
        self.tail = len(os.linesep) + 1

    def __call__(self, text: str) -> str:
        if _CSV_SPECIAL.search(text) is None:
            return text
        self.buf.seek(0)
        self.buf.truncate()
        self.writer.writerow([text, ""])  # two fields: a lone empty field is written as ""
        return self.buf.getvalue()[: -self.tail]


def _factorized_cells(codes: Any, cells: Any, sep: str) -> list[str]:
    """``cells[codes]`` each followed by ``sep``, code -1 (missing) an empty cell."""
    import numpy as np

    with_sep = np.empty(len(cells) + 1, dtype=object)
    with_sep[:-1] = [c + sep for c in cells]
    with_sep[-1] = sep
    return with_sep[codes].tolist()


def _csv_cells(values: Any, field: _CsvField, sep: str) -> list[str] | None:
    """The cells of one column as ``to_csv`` writes them (text through :func:`csv_text`), each followed by
    ``sep``; each distinct value formatted once. None for a type this does not know (the caller then writes
    with pandas)."""
    import numpy as np
    import pandas as pd

    kind = values.dtype.kind if isinstance(values.dtype, np.dtype) else None
    if kind == "f":
        arr = values.to_numpy()
        if (np.signbit(arr) & (arr == 0)).any():  # -0.0 and 0.0 are one value to factorize, two to write
            cells = arr.astype(str)
            cells[np.isnan(arr)] = ""
            return [c + sep for c in cells.tolist()]
        codes, uniques = pd.factorize(arr)  # NaN: -1
        return _factorized_cells(codes, uniques.astype(str).tolist(), sep)  # what pandas writes: numpy's shortest repr
    if kind is not None and kind in "iub":
        return [f"{v}{sep}" for v in values.to_numpy().tolist()]
    if kind == "O":
        if pd.api.types.infer_dtype(values.to_numpy(), skipna=True) not in ("string", "empty"):
            return None
    elif not pd.api.types.is_string_dtype(values):
        return None
    clean = (ILLEGAL_RE, _CSV_SPECIAL)
    arr = values.to_numpy(dtype=object) if kind == "O" else None
    if arr is not None and not texts_repeat(arr):  # names, sources: a distinct text per row, cleaned cell by cell
        cells = arr.copy()
        cells[pd.isna(arr)] = ""
        new = _map_texts(cells, np.ones(len(cells), dtype=bool), lambda v: field(csv_text(v)), clean)
        return [c + sep for c in (cells if new is None else new).tolist()]
    codes, uniques = pd.factorize(values)  # missing values (None, NaN, NA): -1
    uniques = np.asarray(uniques, dtype=object)
    new = _map_texts(uniques, np.ones(len(uniques), dtype=bool), lambda v: field(csv_text(v)), clean)
    return _factorized_cells(codes, uniques if new is None else new, sep)


def write_csv(df: Any, path: Any) -> None:
    """``df`` as UTF-8-with-BOM CSV, text cells through :func:`csv_text`: the bytes of
    ``df.apply(csv_column).to_csv(path, index=False, encoding="utf-8-sig")``, written column by column
    (each distinct value cleaned, quoted and formatted once) instead of row by row; pandas writes a frame of a
    type this does not know (a mixed object column, dates, a single column)."""
    import itertools
    import os
    from pathlib import Path

    field, nl = _CsvField(), os.linesep
    plain = df.columns.is_unique and len(df.columns) > 1 and all(isinstance(c, str) for c in df.columns)
    last = len(df.columns) - 1
    cols = [_csv_cells(df.iloc[:, j], field, nl if j == last else ",") for j in range(len(df.columns))] if plain else [None]
    if any(c is None for c in cols):
        (df.apply(csv_column) if len(df) else df).to_csv(path, index=False, encoding="utf-8-sig")
        return
    head = ",".join(field(c) for c in df.columns) + nl
    Path(path).write_bytes(("\ufeff" + head + "".join(itertools.chain.from_iterable(zip(*cols, strict=True)))).encode("utf-8"))


def cut_text(text: str, max_chars: int, note: str = CUT_NOTE) -> str:
    """``text`` of at most ``max_chars`` characters plus ``note`` when it was longer."""
    if len(text) <= max_chars:
        return text
    return text[: max(max_chars, 1)] + note
