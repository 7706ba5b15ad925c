"""The CJK font used wherever the atlas writes Chinese into a file (PDF reports, print layouts,
map images), so the output renders anywhere with the text embedded and extractable.

Noto Sans SC (SIL Open Font License 1.1) comes from the PyPI package ``pylopdf-fonts-zh-cn``,
installed by ``requirements.txt``, so no system font is needed.

PDFs embed a subset of the font, made when the file is written. Subsetting the OpenType/CFF file
(31,036 glyphs) is slow in fontTools: every CFF glyph kept is decompiled and compiled again, and
opening the file reads the metrics of every glyph. :func:`build_core_font` therefore makes, once, a
**common-character font**: the font's GB 2312 characters plus Latin, punctuation, arrows, symbols
and full-width forms (≈8,200 glyphs), with TrueType outlines (cubic curves converted to quadratic
ones within 1/1000 em, fontTools cu2qu), so a subset costs a copy of each glyph's bytes. It lives in
the cache folder (``LUKOU_CACHE_DIR``, default ``var/cache/fonts``); ``python -m
lukou_geo.output.fonts`` (``make setup``) builds it in about 20 s. :func:`pdf_fonts` gives the PDF
writer that font with the full OpenType file as the fallback for any other character, or the full
file alone while the cache is missing or stale: never a missing glyph, only a slower file.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from lukou_geo.errors import FontError
from lukou_geo.settings import get_settings

FONT_PACKAGE = "pylopdf_fonts_zh_cn"
FONT_FILES = {"sans": "NotoSansSC-Regular.otf", "serif": "NotoSerifSC-Regular.otf"}
FONT_LICENCE = "SIL Open Font License 1.1 (Noto Sans/Serif SC, via PyPI pylopdf-fonts-zh-cn 0.1.1)"

#: Bump when the character set or the conversion of the common-character font changes.
CORE_VERSION = 1
CORE_NAME = "NotoSansSC-Common"
#: Code point ranges in the common-character font besides GB 2312: Latin (to Latin Extended-A),
#: general punctuation to dingbats (arrows, maths, ①, box drawing, shapes, ★), CJK symbols and
#: punctuation, enclosed CJK and CJK compatibility (㎡ ㎞), half- and full-width forms.
CORE_RANGES = ((0x20, 0x180), (0x2000, 0x2700), (0x3000, 0x3040), (0x3200, 0x3400), (0xFF00, 0xFFF0))
#: Tables the PDF writer does not use (layout features, vertical metrics, signature).
_DROP_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "vhea", "vmtx", "VORG", "DSIG")


def cjk_font_path(style: str = "sans") -> Path:
    """Path of the Noto SC font file (``style`` = "sans" or "serif")."""
    if style not in FONT_FILES:
        raise ValueError(f"style must be one of {', '.join(FONT_FILES)}, not {style!r}")
    try:
        root = Path(str(resources.files(FONT_PACKAGE)))
    except ModuleNotFoundError as exc:
        raise FontError("中文字体未安装 / the CJK font is missing: pip install -r requirements.txt "
                        f"(package {FONT_PACKAGE})") from exc
    path = root / FONT_FILES[style]
    if not path.is_file():
        raise FontError(f"{path} missing: reinstall {FONT_PACKAGE} (pip install -r requirements.txt)")
    return path


@dataclass(frozen=True)
class PdfFonts:
    """The font files of a PDF: ``main`` for every character it has, ``fallback`` (or None) for the rest."""

    main: Path
    fallback: Path | None


def core_font_path() -> Path:
    """Where the common-character font is cached (it may not exist yet)."""
    return get_settings().cache_dir / "fonts" / f"{CORE_NAME}.ttf"


def _stamp(source: Path) -> dict[str, Any]:
    return {"version": CORE_VERSION, "source": source.name, "source_size": source.stat().st_size}


def pdf_fonts() -> PdfFonts:
    """The common-character font with the full font as fallback when the cache matches the installed
    font; otherwise the full font alone (correct, slower: run ``python -m lukou_geo.output.fonts``)."""
    full = cjk_font_path()
    core = core_font_path()
    try:
        stamp = json.loads(core.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return PdfFonts(full, None)
    if stamp != _stamp(full) or not core.is_file():
        return PdfFonts(full, None)
    return PdfFonts(core, full)


def _gb2312() -> set[int]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((hi, lo)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return chars


def core_unicodes(available: Iterable[int]) -> set[int]:
    """The code points of ``available`` (a font's cmap) that the common-character font keeps."""
    gb = _gb2312()
    return {u for u in available if u in gb or any(a <= u < b for a, b in CORE_RANGES)}


def _to_truetype(font: Any) -> None:
    """Replace the CFF outlines of ``font`` by TrueType (glyf) ones, in place."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
                 "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType = 2.0  # keep the glyph names: deriving them from the cmap on every load is slow
    post.extraNames = []
    post.mapping = {}
    del font["CFF "]
    font.sfntVersion = "\x00\x01\x00\x00"
    font["head"].glyphDataFormat = 0


def _rename(font: Any) -> None:
    """Name the derived font apart from the full one: a PDF may embed both."""
    names = {1: "Noto Sans SC Common", 3: f"{CORE_NAME};derived", 4: "Noto Sans SC Common", 6: CORE_NAME}
    for rec in font["name"].names:
        if rec.nameID in names:
            rec.string = names[rec.nameID]


def build_core_font(dest: Path | None = None, unicodes: Iterable[int] | None = None) -> Path:
    """Make the common-character font (TrueType outlines) from the installed Noto Sans SC and write
    it to ``dest`` (default :func:`core_font_path`) with a stamp naming its source; return its path.

    ``unicodes`` limits the characters (tests); by default :func:`core_unicodes` of the font.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    source = cjk_font_path()
    dest = Path(dest) if dest is not None else core_font_path()
    font = TTFont(str(source))
    keep = set(unicodes) if unicodes is not None else core_unicodes(font.getBestCmap())
    options = subset.Options(notdef_outline=True, recommended_glyphs=True, layout_features=[],
                             name_IDs=["*"], name_languages=["*"], hinting=True)
    options.drop_tables += list(_DROP_TABLES)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=keep)
    subsetter.subset(font)
    _to_truetype(font)
    _rename(font)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, suffix=".ttf.part")
    os.close(fd)
    try:
        font.save(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    dest.with_suffix(".json").write_text(json.dumps(_stamp(source)), encoding="utf-8")
    return dest


def main() -> int:
    """``python -m lukou_geo.output.fonts``: build the PDF font cache unless it is current."""
    if pdf_fonts().fallback is not None:
        print(f"{core_font_path()} is current")
        return 0
    t0 = time.perf_counter()
    path = build_core_font()
    print(f"{path} written ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
