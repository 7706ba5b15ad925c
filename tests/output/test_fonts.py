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
