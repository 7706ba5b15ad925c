"""Tests of lukou_geo.meeting.printing: the print layouts (page size, text, map)."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from lukou_geo.meeting.deck import read_deck
from lukou_geo.meeting.printing import (
    ExportError,
    PrintSpec,
    _layout,
    export_print,
    legend_entries,
    page_size_mm,
    png_size_px,
    spec_for_slide,
)

MM_TO_PT = 72 / 25.4


@pytest.fixture(scope="module")
def deck():
    return read_deck()


@pytest.mark.parametrize("paper,orientation", [("A4", "landscape"), ("A4", "portrait"), ("A3", "landscape"),
                                               ("A3", "portrait")])
def test_pdf_has_the_page_size_and_extractable_title_and_legend(catalog, data, deck, paper, orientation):
    spec = spec_for_slide(deck, 4, data, "zh", paper=paper, orientation=orientation, dpi=50,
                          date=dt.date(2026, 1, 2))
    pdf = PdfReader(io.BytesIO(export_print(catalog, data, spec, "pdf")))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    w, h = page_size_mm(paper, orientation)
    assert float(box.width) == pytest.approx(w * MM_TO_PT, abs=0.5)
    assert float(box.height) == pytest.approx(h * MM_TO_PT, abs=0.5)
    text = pdf.pages[0].extract_text().replace("\x00", "")
    assert spec.title in text
    for _kind, _layer, _prec, label in legend_entries(catalog, data, spec.layers, "zh"):
        assert label in text, label
    assert "审图" in text and "2026-01-02" in text and "数据来源" in text and "km" in text


@pytest.mark.parametrize("paper,orientation", [("A4", "portrait"), ("A3", "landscape")])
def test_png_has_the_page_size_at_the_dpi_and_a_map(catalog, data, deck, paper, orientation):
    dpi = 72
    spec = spec_for_slide(deck, 0, data, "zh", paper=paper, orientation=orientation, dpi=dpi)
    img = Image.open(io.BytesIO(export_print(catalog, data, spec, "png"))).convert("RGB")
    assert img.size == png_size_px(paper, orientation, dpi)
    w, h = page_size_mm(paper, orientation)
    mb = _layout(w, h, orientation, paper)["map"]
    px = dpi / 25.4
    crop = np.asarray(img.crop((int((mb.x + 5) * px), int((mb.y + 5) * px),
                                int((mb.x + mb.w - 5) * px), int((mb.y + mb.h - 5) * px))))
    colours = {tuple(c) for c in crop.reshape(-1, 3)[::7]}
    assert len(colours) > 50  # a drawn map, not a blank box
    # the slide's own colours are there: the dev axes' purple, the core's red
    flat = crop.reshape(-1, 3).astype(int)
    assert ((flat[:, 0] > 100) & (flat[:, 2] > 120) & (flat[:, 1] < 80)).sum() > 20  # #7b1fa2-ish axis


def test_english_print_and_bad_requests(catalog, data):
    spec = PrintSpec(title="Transport", layers=("district", "rail"), lang="en", paper="A4", dpi=40)
    text = PdfReader(io.BytesIO(export_print(catalog, data, spec))).pages[0].extract_text().replace("\x00", "")
    assert "Transport" in text and "Legend" in text and "审图" in text
    with pytest.raises(ExportError, match="paper"):
        page_size_mm("A5", "landscape")
    with pytest.raises(ExportError, match="unknown layer"):
        export_print(catalog, data, PrintSpec(title="x", layers=("nope",)))
    with pytest.raises(ExportError, match="no visible layers"):
        export_print(catalog, data, PrintSpec(title="x", layers=()))
    with pytest.raises(ExportError, match="format"):
        export_print(catalog, data, spec, "svg")


def test_sources_line_is_in_the_print_language(catalog, data):
    layers = ("district", "townships", "rail")
    for lang in ("zh", "en"):
        spec = PrintSpec(title="渌口" if lang == "zh" else "Lukou", layers=layers, lang=lang, paper="A3", dpi=40)
        text = PdfReader(io.BytesIO(export_print(catalog, data, spec))).pages[0].extract_text().replace("\x00", "")
        flat = "".join(text.split())  # the footer wraps; compare without the line breaks
        for lid in layers:
            lyr = catalog.layer(lid)
            shown, other = (lyr.source_zh, lyr.source) if lang == "zh" else (lyr.source, lyr.source_zh)
            assert "".join(shown.split())[:24] in flat, (lang, lid)
            assert "".join(other.split())[:24] not in flat, (lang, lid)
        if lang == "zh":
            assert "converted to" not in text and "drawn by this project" not in text
