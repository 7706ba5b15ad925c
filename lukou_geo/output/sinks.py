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


def csv_column(values: Any) -> Any:
    """:func:`csv_text` over a pandas Series of any type (vectorised; non-text values kept)."""
    import pandas as pd

    if values.dtype != object and not pd.api.types.is_string_dtype(values):
        return values
    is_text = values.map(lambda v: isinstance(v, str)).astype(bool)
    if not is_text.any():
        return values
    text = values[is_text].str.replace(ILLEGAL_RE, REPLACEMENT, regex=True)
    text = text.where(~text.str.contains(FORMULA_RE), WORD_JOINER + text)
    out = values.copy()
    out[is_text] = text
    return out


def cut_text(text: str, max_chars: int, note: str = CUT_NOTE) -> str:
    """``text`` of at most ``max_chars`` characters plus ``note`` when it was longer."""
    if len(text) <= max_chars:
        return text
    return text[: max(max_chars, 1)] + note
