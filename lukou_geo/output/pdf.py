"""The one PDF writer of the atlas (fpdf2): print layouts and check reports are written through it.

Every text is real text in the embedded CJK font (:func:`lukou_geo.output.fonts.pdf_fonts`), so
the file renders anywhere and can be searched and copied. Positions are millimetres from the
top-left corner of the page. Besides flowing text (:meth:`PdfWriter.line_of_text`,
:meth:`PdfWriter.paragraph`), tables and images, the writer is a *page canvas* with the same
methods as :class:`lukou_geo.map.figure.MplCanvas` (``text``, ``line``, ``rect``, ``circle``,
``polygon``), so page furniture (legend, scale bar, north arrow) is drawn once for PNG and PDF.

Characters outside the common-character font go to the full font, added on first need: every text
passes through :meth:`PdfWriter._font_for` before fpdf2 sees it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from lukou_geo.output.fonts import pdf_fonts
from lukou_geo.output.sinks import cut_text, print_text

PT_TO_MM = 25.4 / 72
#: fpdf2 font families: the main font and the fallback for characters it lacks.
FAMILY = "noto"
FALLBACK = "notofull"
#: A table cell holds at most this many lines; longer text is cut with a note (a row taller than the
#: page is an error in fpdf2).
MAX_CELL_LINES = 12

Color = str | tuple[float, ...]


def rgb255(color: Color) -> tuple[int, int, int]:
    """``"#rrggbb"`` / ``"#rgb"`` or a 0–1 float (r, g, b[, a]) tuple → 0–255 integers."""
    if isinstance(color, str):
        h = color.lstrip("#")
        if len(h) == 3:
            h = "".join(ch * 2 for ch in h)
        if len(h) not in (6, 8):
            raise ValueError(f"colour {color!r} must be #rgb or #rrggbb")
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
    r, g, b = color[:3]
    return round(r * 255), round(g * 255), round(b * 255)


class PdfWriter:
    """One PDF document.

    Parameters
    ----------
    orientation : "portrait" or "landscape"
    paper : "A4" or "A3"
    margins : (left, top, right) in mm; None keeps fpdf2's default (1 cm)
    page_break : bottom margin in mm of automatic page breaks; None = no automatic breaks
    title, creator : document metadata (omitted when empty)
    """

    def __init__(self, orientation: str = "portrait", paper: str = "A4", margins: tuple[float, float, float] | None = None,
                 page_break: float | None = None, title: str = "", creator: str = "") -> None:
        from fpdf import FPDF

        self.pdf = FPDF(orientation="L" if orientation == "landscape" else "P", unit="mm", format=paper)
        if page_break is None:
            self.pdf.set_auto_page_break(False)
        else:
            self.pdf.set_auto_page_break(True, margin=page_break)
        if margins is not None:
            self.pdf.set_margins(*margins)
        fonts = pdf_fonts()
        self._add_font(FAMILY, fonts.main)
        self._cmap: dict[int, Any] = self.pdf.fonts[FAMILY].cmap
        self._fallback_file = fonts.fallback
        self._fallback: dict[int, Any] | None = None
        self.pdf.set_font(FAMILY, size=10)
        if title:
            self.pdf.set_title(title)
        if creator:
            self.pdf.set_creator(creator)

    # ------------------------------------------------------------------------- fonts

    def _add_font(self, family: str, path: Any) -> None:
        self.pdf.add_font(family, fname=str(path))
        # keep the font's own bounding boxes: recomputing them from every subset glyph's outline
        # is most of fontTools' time at output, and the whole font's box holds every subset
        self.pdf.fonts[family].ttfont.recalcBBoxes = False

    def _font_for(self, text: str) -> None:
        """Make sure the fonts of the document cover ``text`` (adds the fallback font on first need)."""
        if self._fallback is not None or self._fallback_file is None:
            return
        cmap = self._cmap
        if all(ord(ch) in cmap or ord(ch) < 0x20 for ch in text):  # control characters (line breaks) are no glyphs
            return
        self._add_font(FALLBACK, self._fallback_file)
        self._fallback = self.pdf.fonts[FALLBACK].cmap
        self.pdf.set_fallback_fonts([FALLBACK], exact_match=False)

    def _runs(self, text: str) -> list[tuple[str, str]]:
        """``text`` cut into (family, run) pieces: fpdf2's ``text()`` does not use fallback fonts."""
        self._font_for(text)
        if self._fallback is None:
            return [(FAMILY, text)]
        runs: list[tuple[str, str]] = []
        for ch in text:
            code = ord(ch)
            fam = FAMILY if code in self._cmap or code not in self._fallback or code < 0x20 else FALLBACK
            if runs and runs[-1][0] == fam:
                runs[-1] = (fam, runs[-1][1] + ch)
            else:
                runs.append((fam, ch))
        return runs

    def font(self, size: float) -> None:
        """Use the CJK font at ``size`` points for what follows."""
        self.pdf.set_font(FAMILY, size=size)

    def width(self, text: str, size: float) -> float:
        """Width of ``text`` at ``size`` points, in mm."""
        self._font_for(text)
        self.pdf.set_font(FAMILY, size=size)
        return float(self.pdf.get_string_width(text))

    def wrap(self, text: str, width: float, size: float) -> list[str]:
        """Greedy wrap at characters (CJK has no spaces), preferring a break after a space."""
        lines: list[str] = []
        cur = ""
        for ch in text:
            if self.width(cur + ch, size) > width and cur:
                cut = cur.rfind(" ")
                if cut > len(cur) * 0.6:
                    lines.append(cur[:cut])
                    cur = cur[cut + 1:]
                else:
                    lines.append(cur)
                    cur = ""
            cur += ch
        if cur:
            lines.append(cur)
        return lines

    # ------------------------------------------------------------------ flowing content

    def add_page(self) -> None:
        self.pdf.add_page()

    @property
    def y(self) -> float:
        return float(self.pdf.get_y())

    @property
    def left(self) -> float:
        """The left margin (mm)."""
        return float(self.pdf.l_margin)

    def set_y(self, y: float) -> None:
        self.pdf.set_y(y)

    def set_xy(self, x: float, y: float) -> None:
        self.pdf.set_xy(x, y)

    def skip(self, h: float) -> None:
        """Move down ``h`` mm (to the left margin)."""
        self.pdf.ln(h)

    def fit(self, text: str, width: float, size: float, note: str = "…") -> str:
        """``text`` cut (ending in ``note``) so that it fits ``width`` mm at ``size`` points."""
        if self.width(text, size) <= width:
            return text
        lo, hi = 0, len(text)  # the longest prefix that fits with the note
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.width(text[:mid] + note, size) <= width:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo] + note

    def line_of_text(self, h: float, text: str, size: float) -> None:
        """One line of text across the page (cut with "…" when longer), then on to the next line."""
        text = print_text(text)
        self._font_for(text)
        self.font(size)
        text = self.fit(text, float(self.pdf.epw) - (float(self.pdf.get_x()) - self.left), size)
        self.pdf.cell(0, h, text, new_x="LMARGIN", new_y="NEXT")

    def paragraph(self, h: float, text: str, size: float | None = None) -> None:
        """Text wrapped to the right margin from the current position (line height ``h``)."""
        text = print_text(text)
        self._font_for(text)
        if size is not None:
            self.font(size)
        self.pdf.multi_cell(0, h, text, new_x="LMARGIN", new_y="NEXT")

    def table(self, rows: Sequence[Sequence[str]], widths: tuple[float, ...] | None = None, line_height: float = 4.5,
              heading_fill: tuple[int, int, int] = (236, 239, 241)) -> None:
        """A table at the current position; the first row is the heading (shaded, repeated on new pages).
        A cell longer than :data:`MAX_CELL_LINES` lines of its column (counted in full-width characters)
        is cut with a note."""
        from fpdf.fonts import FontFace

        ncol = max((len(r) for r in rows), default=0)
        props = widths if widths is not None and len(widths) == ncol else (1.0,) * ncol
        em = float(self.pdf.font_size_pt) * PT_TO_MM
        limits = [max(1, int(float(self.pdf.epw) * w / sum(props) / em - 0.5)) * MAX_CELL_LINES for w in props]
        rows = [[cut_text(print_text(cell), limits[j]) for j, cell in enumerate(row)] for row in rows]
        for row in rows:
            for cell in row:
                self._font_for(cell)
        head = FontFace(emphasis=None, fill_color=heading_fill)
        with self.pdf.table(col_widths=widths, headings_style=head, line_height=line_height, text_align="LEFT") as t:
            for row in rows:
                t.row(list(row))

    def image(self, png: bytes, x: float | None = None, y: float | None = None, w: float = 0, h: float = 0) -> None:
        """A PNG at (x, y) (default: the current position, moving below it), ``w`` × ``h`` mm
        (one of them 0: kept in proportion)."""
        self.pdf.image(io.BytesIO(png), x=x, y=y, w=w, h=h)

    def output(self) -> bytes:
        return bytes(self.pdf.output())

    # -------------------------------------------------------------------- page canvas

    def _dash(self, dash: tuple[float, float] | None) -> None:
        if dash:
            self.pdf.set_dash_pattern(dash=dash[0] * PT_TO_MM, gap=dash[1] * PT_TO_MM)
        else:
            self.pdf.set_dash_pattern()

    def text(self, x: float, y: float, s: str, size: float, color: str = "#212121", align: str = "left") -> None:
        """``s`` with the top of its line at ``y``; ``align`` = left, center or right of ``x``."""
        self.pdf.set_text_color(*rgb255(color))
        runs = self._runs(print_text(s))
        widths = []
        for fam, run in runs:
            self.pdf.set_font(fam, size=size)
            widths.append(float(self.pdf.get_string_width(run)) if (align != "left" or len(runs) > 1) else 0.0)
        if align != "left":
            total = sum(widths)
            x = x - total if align == "right" else x - total / 2
        base = y + size * PT_TO_MM * 0.88  # y is the top of the line; text() takes the baseline
        for (fam, run), w in zip(runs, widths, strict=True):
            self.pdf.set_font(fam, size=size)
            self.pdf.text(x, base, run)
            x += w
        self.pdf.set_font(FAMILY, size=size)

    def line(self, x1: float, y1: float, x2: float, y2: float, color: str, width: float,
             dash: tuple[float, float] | None = None, alpha: float = 1.0) -> None:
        self.pdf.set_draw_color(*rgb255(color))
        self.pdf.set_line_width(width * PT_TO_MM)
        self._dash(dash)
        with self.pdf.local_context(stroke_opacity=alpha):
            self.pdf.line(x1, y1, x2, y2)
        self._dash(None)

    def _style(self, fill: tuple[float, ...] | None, stroke: str | None, width: float,
               dash: tuple[float, float] | None) -> str:
        if fill:
            self.pdf.set_fill_color(*rgb255(fill))
        if stroke:
            self.pdf.set_draw_color(*rgb255(stroke))
            self.pdf.set_line_width(width * PT_TO_MM)
        self._dash(dash)
        return ("F" if fill else "") + ("D" if stroke else "")

    def rect(self, x: float, y: float, w: float, h: float, fill: tuple[float, ...] | None = None, stroke: str | None = None,
             width: float = 0.5, dash: tuple[float, float] | None = None) -> None:
        """A rectangle; ``fill`` is 0–1 (r, g, b[, a])."""
        style = self._style(fill, stroke, width, dash)
        alpha = fill[3] if fill and len(fill) == 4 else 1.0
        with self.pdf.local_context(fill_opacity=alpha):
            self.pdf.rect(x, y, w, h, style=style or "D")
        self._dash(None)

    def circle(self, cx: float, cy: float, r: float, fill: tuple[float, ...] | None, stroke: str | None, width: float,
               dash: tuple[float, float] | None = None) -> None:
        style = self._style(fill, stroke, width, dash)
        alpha = fill[3] if fill and len(fill) == 4 else 1.0
        with self.pdf.local_context(fill_opacity=alpha):
            self.pdf.ellipse(cx - r, cy - r, 2 * r, 2 * r, style=style or "D")
        self._dash(None)

    def polygon(self, pts: list[tuple[float, float]], fill: str) -> None:
        self.pdf.set_fill_color(*rgb255(fill))
        self.pdf.set_draw_color(*rgb255(fill))
        self.pdf.polygon(pts, style="DF")
