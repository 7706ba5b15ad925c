"""Tests of lukou_geo.output.pdf, the one PDF writer: text (placed, aligned, wrapped), tables, images, page canvas,
and characters outside the common-character font taken from the full font, all embedded and extractable."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from pypdf import PdfReader

from lukou_geo.output.fonts import cjk_font_path
from lukou_geo.output.pdf import PdfWriter, rgb255

MM_TO_PT = 72 / 25.4


def _text(pdf: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\x00", "")


def _png(w: int = 40, h: int = 30) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


def test_page_text_table_image_and_canvas() -> None:
    pdf = PdfWriter("landscape", "A4", page_break=12, title="标题", creator="测试")
    pdf.add_page()
    pdf.line_of_text(10, "选址核查报告", 16)
    pdf.paragraph(4.5, "生成时间 2026-01-02\n说明:示意范围", 8)
    pdf.table([["序号", "项目名称"], ["1", "南洲厂房"], ["2", ""]], (20, 60))
    pdf.image(_png(), x=pdf.left, y=pdf.y + 2, w=40)
    pdf.text(150, 20, "右对齐", 9, align="right")
    pdf.text(150, 30, "居中", 9, color="#546e7a", align="center")
    pdf.line(10, 150, 100, 150, "#212121", 1.0, dash=(3, 2), alpha=0.5)
    pdf.rect(10, 160, 20, 10, fill=(1, 1, 1, 0.85), stroke="#212121", width=0.4)
    pdf.circle(50, 165, 3, (0.5, 0.5, 0.5, 1), "#000000", 0.5)
    pdf.polygon([(70, 160), (75, 170), (65, 170)], "#9e9e9e")
    out = pdf.output()
    reader = PdfReader(io.BytesIO(out))
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(297 * MM_TO_PT, abs=0.5) and float(box.height) == pytest.approx(210 * MM_TO_PT, abs=0.5)
    text = _text(out)
    for s in ("选址核查报告", "生成时间 2026-01-02", "说明:示意范围", "序号", "项目名称", "南洲厂房", "右对齐", "居中"):
        assert s in text, s
    assert reader.pages[0].images[0].image.size == (40, 30)
    assert reader.metadata.title == "标题"


def test_wrap_breaks_cjk_at_characters_and_latin_after_a_space() -> None:
    pdf = PdfWriter()
    cjk = "规划分区多为据规划文字绘制的示意范围镇域为由村点推算的近似范围均非法定边界" * 2
    lines = pdf.wrap(cjk, 60, 9)
    assert "".join(lines) == cjk and len(lines) > 2
    assert all(pdf.width(line, 9) <= 60 for line in lines)
    latin = "schematic features are drawn from the plan's words and approximate ones are derived"
    lines = pdf.wrap(latin, 50, 9)
    assert " ".join(lines) == latin and all(not line.startswith(" ") for line in lines)


def test_alignment_uses_the_text_width() -> None:
    pdf = PdfWriter()
    w = pdf.width("制图日期: 2026-01-02", 9)
    assert 25 < w < 40  # ≈ 3.2 mm per CJK character at 9 pt
    assert pdf.width("AB", 9) < pdf.width("渌口", 9)


def test_rgb255() -> None:
    assert rgb255("#37474f") == (0x37, 0x47, 0x4F) and rgb255("#fff") == (255, 255, 255)
    assert rgb255((1, 0.5, 0, 0.3)) == (255, 128, 0)
    with pytest.raises(ValueError, match="colour"):
        rgb255("#12345")


def test_characters_outside_the_common_font_come_from_the_full_font(small_core_cache) -> None:
    pdf = PdfWriter()
    assert pdf._fallback_file == cjk_font_path()
    pdf.add_page()
    pdf.text(10, 10, "渌口规划 ABC", 10)
    assert pdf._fallback is None  # common characters only: one font
    pdf.text(10, 20, "渌口堃", 10, align="center")
    assert pdf._fallback is not None
    pdf.paragraph(5, "项目名称:淼堃", 9)
    pdf.table([["名称"], ["鑫堃"]])
    out = pdf.output()
    text = re.sub(r"\s", "", _text(out))
    for s in ("渌口规划ABC", "渌口堃", "项目名称:淼堃", "鑫堃"):
        assert s in text, s
    assert b"/FontFile2" in out and b"/FontFile3" in out  # the TrueType common font and the CFF full font
    assert pdf.width("渌口堃", 10) == pytest.approx(_full_width("渌口堃", 10), abs=1e-6)  # same metrics as the full font


def _full_width(text: str, size: float) -> float:
    from fpdf import FPDF

    f = FPDF(unit="mm")
    f.add_font("x", fname=str(cjk_font_path()))
    f.set_font("x", size=size)
    return float(f.get_string_width(text))


def test_without_a_cache_the_full_font_alone_is_used(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("LUKOU_CACHE_DIR", str(tmp_path))
    pdf = PdfWriter()
    assert pdf._fallback_file is None
    pdf.add_page()
    pdf.text(10, 10, "渌口堃", 10)
    out = pdf.output()
    assert "渌口堃" in _text(out) and b"/FontFile3" in out and b"/FontFile2" not in out
