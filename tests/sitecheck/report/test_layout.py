"""Issue 14.10 (in part): reports planners can hand over: the overview on the first page (no nearly blank
first page), tables and text never over a map, shares as percentages, no "None"."""

from __future__ import annotations

import io

import geopandas as gpd
import pytest
from shapely.geometry import box

from lukou_geo.output.pdf import PdfWriter
from lukou_geo.sitecheck.check import check_projects
from lukou_geo.sitecheck.report.document import export_html, export_pdf, report_maps


@pytest.fixture(scope="module")
def one(checked):
    ctx, _ = checked
    gdf = gpd.GeoDataFrame({"name": ["南洲厂房"], "ptype": ["新材料"], "source": ["c"]},
                           geometry=[box(113.145, 27.603, 113.150, 27.607)], crs="EPSG:4326")
    res = check_projects(gdf, ctx)
    return ctx, res, report_maps(res, ctx)


def test_pdf_overview_on_the_first_page_and_tables_below_maps(one, monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PdfReader

    ctx, res, maps = one
    events: list[tuple[str, int, float, float]] = []
    real_image, real_table, real_paragraph = PdfWriter.image, PdfWriter.table, PdfWriter.paragraph

    def image(self, png, x=None, y=None, w=0, h=0):
        from PIL import Image

        with Image.open(io.BytesIO(png)) as im:
            hh = h or w * im.height / im.width
        events.append(("image", self.pdf.page, x or self.left, (y if y is not None else self.y) + hh))
        return real_image(self, png, x, y, w, h)

    def table(self, rows, *a, **k):
        events.append(("table", self.pdf.page, self.left, self.y))
        return real_table(self, rows, *a, **k)

    def paragraph(self, h, text, size=None):
        events.append(("text", self.pdf.page, self.pdf.get_x(), self.y))
        return real_paragraph(self, h, text, size)

    monkeypatch.setattr(PdfWriter, "image", image)
    monkeypatch.setattr(PdfWriter, "table", table)
    monkeypatch.setattr(PdfWriter, "paragraph", paragraph)
    pdf = PdfReader(io.BytesIO(export_pdf(res, ctx, maps=maps)))
    assert len(pdf.pages[0].images) == 1 and "选址核查报告" in pdf.pages[0].extract_text()  # the overview on page 1
    assert "汇总" in pdf.pages[1].extract_text() or "项目名称" in pdf.pages[1].extract_text()  # then the summary
    assert all(len(pg.extract_text().strip()) > 40 or pg.images for pg in pdf.pages)  # no blank page
    images = {p: b for kind, p, _x, b in events if kind == "image"}
    image_x = {p: x for kind, p, x, _b in events if kind == "image"}
    for kind, p, x, y in events:
        if p in images and kind == "table":
            assert y >= images[p], (kind, p, y, images[p])  # a table starts below the page's map
        if p in images and kind == "text" and p > 1:
            assert x >= image_x[p] + 115 or y >= images[p], (kind, p, x, y)  # text beside or below the map


def test_html_shares_as_percentages_and_no_none(one) -> None:
    ctx, res, maps = one
    html = export_html(res, ctx, maps=maps)
    assert "None" not in html and ">nan<" not in html
    assert "100.0 %" in html or " %</td>" in html
    assert ">schematic<" not in html and ">示意<" in html


def test_overview_shows_the_district_river_towns_legend_and_numbered_projects(checked, monkeypatch: pytest.MonkeyPatch) -> None:
    from lukou_geo.map import figure
    from lukou_geo.sitecheck.report import document

    ctx, res = checked
    seen: dict = {}
    real_draw, real_text = figure.draw_map, figure.MplCanvas.text

    def draw_map(fig, rect, frame, shapes, labels=(), **k):
        seen["shapes"], seen["labels"], seen["frame"] = shapes, [lb.text for lb in labels], frame
        return real_draw(fig, rect, frame, shapes, labels, **k)

    texts: list[str] = []
    monkeypatch.setattr(figure, "draw_map", draw_map)
    monkeypatch.setattr(figure.MplCanvas, "text", lambda self, x, y, s, *a, **k: (texts.append(s), real_text(self, x, y, s, *a, **k)))
    document.map_png(res, ctx)
    fr = seen["frame"]
    dminx, dminy, dmaxx, dmaxy = __import__("shapely").bounds(ctx.district)
    assert fr.minx <= dminx and fr.miny <= dminy and fr.maxx >= dmaxx and fr.maxy >= dmaxy  # the whole district
    assert any(s.geoms is not None and len(s.geoms) and s.geoms[0] is ctx.river[0] for s in seen["shapes"])  # 湘江
    assert {"渌口镇", "南洲镇"} <= set(seen["labels"]) and {"1", "2", "3"} <= set(seen["labels"])  # towns, numbers
    assert {"图例", "湘江", "核查项目(数字为序号)"} <= set(texts)  # the legend


#: ASCII words a Chinese report may hold: CRS and format names, unit symbols (km), and the words of the input itself
_ACRONYMS = {"EPSG", "SHA", "UTF", "GBK", "GCJ", "CGCS", "WGS", "BD", "GPS", "XLSX", "CSV", "PDF", "HTML", "km"}


def _english_words(text: str, allowed: set[str]) -> list[str]:
    import re

    text = re.sub(r"\b[0-9a-f]{64}\b", " ", text)  # SHA-256 digests
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in _ACRONYMS and w not in allowed]


def test_the_chinese_reports_are_in_chinese_only(one) -> None:
    """Issue 14.11: no "汇总 Summary", "(schematic)", "township zones are approximate", "项目总览 / overview"."""
    import html as htmllib
    import re

    import pypdf

    from lukou_geo.sitecheck import provenance
    from lukou_geo.sitecheck.report import document

    ctx, res, maps = one
    res.provenance = provenance.of_bytes(b"113.1475,27.605\n", "red.csv", "auto:gcj02", None, [])
    try:
        doc = export_html(res, ctx, maps=maps)
        body = re.sub(r"<style>.*?</style>|<img [^>]*>", " ", doc, flags=re.S)
        text = htmllib.unescape(re.sub(r"<[^>]+>", " ", body))
        assert "汇总" in text and "示意范围" in text
        assert _english_words(text, {"red", "csv"}) == [], sorted(set(_english_words(text, {"red", "csv"})))
        pdf = pypdf.PdfReader(io.BytesIO(export_pdf(res, ctx, maps=maps)))
        words = _english_words(" ".join(p.extract_text() for p in pdf.pages), {"red", "csv"})
        assert words == [], sorted(set(words))
    finally:
        res.provenance = None
    assert document._extent(res, ctx, None)[1] == "项目总览"  # the overview map's title
