import pytest

from lukou_geo.output.fonts import cjk_font_path


def test_cjk_font_is_installed_and_embeds_extractable_chinese(tmp_path):
    from fpdf import FPDF
    from pypdf import PdfReader

    path = cjk_font_path()
    assert path.suffix == ".otf" and path.stat().st_size > 1_000_000
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("noto", fname=str(path))
    pdf.set_font("noto", size=14)
    pdf.cell(text="渌口规划一张图 图例")
    out = tmp_path / "t.pdf"
    pdf.output(str(out))
    # pypdf reads fpdf2's 2-byte CID text with NULs between characters (pdftotext does not)
    assert "渌口规划一张图" in PdfReader(str(out)).pages[0].extract_text().replace("\x00", "")


def test_unknown_style():
    with pytest.raises(ValueError, match="style"):
        cjk_font_path("mono")


def test_common_character_font_is_truetype_named_apart_and_stamped(small_core_cache):
    from fontTools.ttLib import TTFont

    from lukou_geo.output.fonts import CORE_NAME, core_font_path, pdf_fonts

    fonts = pdf_fonts()
    assert fonts.main == core_font_path() and fonts.main.parent.parent == small_core_cache
    assert fonts.fallback == cjk_font_path()
    font = TTFont(str(fonts.main))
    assert "glyf" in font and "CFF " not in font and "GSUB" not in font and "vmtx" not in font
    assert font["name"].getDebugName(6) == CORE_NAME
    cmap = font.getBestCmap()
    assert ord("渌") in cmap and ord("A") in cmap and ord("堃") not in cmap
    full = TTFont(str(cjk_font_path()), lazy=True)
    # same advance widths as the full font: text laid out with either wraps alike
    for ch in "渌口A,":
        assert font["hmtx"][cmap[ord(ch)]][0] == full["hmtx"][full.getBestCmap()[ord(ch)]][0]


def test_pdf_fonts_fall_back_to_the_full_font_when_the_cache_is_missing_or_stale(tmp_path, monkeypatch):
    from lukou_geo.output.fonts import core_font_path, pdf_fonts

    monkeypatch.setenv("LUKOU_CACHE_DIR", str(tmp_path))
    assert pdf_fonts().main == cjk_font_path() and pdf_fonts().fallback is None  # nothing built
    core = core_font_path()
    core.parent.mkdir(parents=True)
    core.write_bytes(b"not a font")
    core.with_suffix(".json").write_text('{"version": 0, "source": "NotoSansSC-Regular.otf", "source_size": 1}')
    assert pdf_fonts().fallback is None  # stale stamp: not used


def test_core_unicodes_keep_gb2312_and_symbols():
    from lukou_geo.output.fonts import core_unicodes

    keep = core_unicodes([ord(c) for c in "渌口A¶①→㎡堃𠀀"])
    assert {chr(c) for c in keep} == set("渌口A¶①→㎡")
