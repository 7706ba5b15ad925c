"""Documents of a site-check result (lukou_geo.sitecheck.report.document): HTML and PDF; escaping, citations,
map images drawn once and shared."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from PIL import Image
from shapely.geometry import box

from lukou_geo.sitecheck.check import check_projects
from lukou_geo.sitecheck.report import document, export_all
from lukou_geo.sitecheck.report.document import MAP_PX, export_html, map_png, report_maps


def test_html_escapes_and_cites(checked) -> None:
    ctx, res = checked
    html = export_html(res, ctx, images=False)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "¶156" in html and "符合" in html and "公顷" in html and "亩" in html
    assert "示意" in html and "schematic" not in html


def test_pdf_has_chinese_text_and_images(checked, tmp_path: Path) -> None:
    from pypdf import PdfReader

    ctx, res = checked
    export_all(res, ctx, tmp_path / "r.pdf", ("pdf",))
    reader = PdfReader(tmp_path / "r.pdf")
    text = "".join(p.extract_text() for p in reader.pages).replace("\x00", "")
    assert "选址核查报告" in text and "南洲新区产业园" in text
    assert len(reader.pages) >= 4
    assert any(p.images for p in reader.pages)


def test_map_png(checked) -> None:
    ctx, res = checked
    png = map_png(res, ctx, 3)
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    assert Image.open(io.BytesIO(png)).size == MAP_PX


def _red(png: bytes) -> np.ndarray:
    px = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    return (px[..., 0] > 180) & (px[..., 1] < 120) & (px[..., 2] < 120)


def test_project_map_shows_the_project_in_red_and_touched_zones(checked) -> None:
    ctx, res = checked
    px = np.asarray(Image.open(io.BytesIO(map_png(res, ctx, 3))).convert("RGB")).astype(int)
    red = _red(map_png(res, ctx, 3))
    ys, xs = np.nonzero(red)
    assert red.sum() > 500  # the 500 m × 450 m factory site, filled
    assert abs(xs.mean() - MAP_PX[0] / 2) < 60 and abs(ys.mean() - MAP_PX[1] / 2) < 80  # centred (below the title)
    # the touched zone (南洲新区产业园) in its layer colour around the project
    assert len({tuple(c) for c in px.reshape(-1, 3)[::5]}) > 20


def test_one_project_report_draws_each_map_once(checked, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx, _ = checked
    one = gpd.GeoDataFrame({"name": ["南洲厂房"], "ptype": ["新材料"]}, geometry=[box(113.145, 27.603, 113.150, 27.607)],
                           crs="EPSG:4326")
    res = check_projects(one, ctx)
    calls: list[int | None] = []
    real = document.map_png

    def counting(result, c, project_no=None, size_px=None):
        calls.append(project_no)
        return real(result, c, project_no, size_px)

    monkeypatch.setattr(document, "map_png", counting)
    export_all(res, ctx, tmp_path / "r.xlsx")
    assert calls == [None, 1]  # the overview and the project's map, each drawn once for HTML and PDF
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    embedded = [base64.b64decode(m) for m in re.findall(r"base64,([A-Za-z0-9+/=]+)", html)]
    assert len(embedded) == 2
    from pypdf import PdfReader

    in_pdf = [im.image.size for p in PdfReader(tmp_path / "r.pdf").pages for im in p.images]
    assert in_pdf == [Image.open(io.BytesIO(b)).size for b in embedded]  # the same images


def test_report_maps_of_an_empty_result(checked) -> None:
    ctx, res = checked
    empty = type(res)(res.summary.head(0), res.zones.head(0), res.projects.head(0))
    assert report_maps(empty, ctx).overview is None
    assert "<img" not in export_html(empty, ctx)
