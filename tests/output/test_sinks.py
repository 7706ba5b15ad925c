"""The sinks' helpers (lukou_geo.output.sinks) and every writer that uses them: hostile names and titles
reach XLSX, CSV, PDF and the map images as written, never as a formula, mathtext or an error."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import geopandas as gpd
import pytest
from matplotlib.text import Text
from shapely.geometry import Point

from lukou_geo.output import sinks
from lukou_geo.sitecheck.check import check_projects
from lukou_geo.sitecheck.context import default_context

FORMULAS = ['=HYPERLINK("http://e.x","点我")', "+1+1", "-2+3", "@SUM(A1)", " =1+1", "\u3000=1", "＝SUM(A1)",
            "＋1", "\t=1", "\r=1"]
HARMLESS = ["南洲厂房", "a=b", "1-2", "e@x.cn", ""]
HOSTILE = [*FORMULAS[:7], "单价$\\x$元", "$x^2$ 项目", "a\x01b\x0bc\x1fd", "测" * 1000, "<img src=x onerror=alert(1)>"]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_like(text: str) -> None:
    assert sinks.formula_like(text)
    assert sinks.csv_text(text) == sinks.WORD_JOINER + text


@pytest.mark.parametrize("text", HARMLESS)
def test_not_formula_like(text: str) -> None:
    assert not sinks.formula_like(text) and sinks.csv_text(text) == text


def test_sheet_text_replaces_only_illegal_characters() -> None:
    assert sinks.sheet_text("a\x00b\x08c\td\ne\rf\x0bg\x1f") == "a\ufffdb\ufffdc\td\ne\rf\ufffdg\ufffd"


@pytest.mark.parametrize("text", ["单价$\\x$元", "$x^2$", "a$b", "$$", "\\$x$", "a\\$b$"])
def test_figure_text_is_never_mathtext(text: str) -> None:
    shown, math = Text(0, 0, sinks.figure_text(text))._preprocess_math(sinks.figure_text(text))
    assert not math and shown == text


def test_cut_text() -> None:
    assert sinks.cut_text("abc", 3) == "abc"
    assert sinks.cut_text("abcd", 3) == "abc" + sinks.CUT_NOTE


def test_csv_column_matches_csv_text() -> None:
    import pandas as pd

    values = pd.Series([*FORMULAS, *HARMLESS, "a\x01b", 3, None, 2.5], dtype=object)
    assert sinks.csv_column(values).tolist() == [sinks.csv_text(v) for v in values]


@pytest.fixture(scope="module")
def hostile_result():
    ctx = default_context()
    gdf = gpd.GeoDataFrame({"name": HOSTILE, "ptype": ["住宅"] * len(HOSTILE), "source": ["t"] * len(HOSTILE)},
                           geometry=[Point(113.10 + 0.004 * i, 27.60) for i in range(len(HOSTILE))], crs="EPSG:4326")
    return ctx, check_projects(gdf, ctx)


def test_xlsx_shows_names_and_title_as_written_never_as_formulas(hostile_result, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from lukou_geo.sitecheck.report.tables import export_xlsx

    _ctx, res = hostile_result
    title = '=HYPERLINK("http://e.x","报告")'
    export_xlsx(res, tmp_path / "r.xlsx", title=title)
    wb = load_workbook(tmp_path / "r.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    a1 = wb["汇总"]["A1"]
    assert a1.value == title and a1.data_type == "s" and a1.quotePrefix
    by_value = {c.value: c for c in cells}
    for name in HOSTILE:
        expect = sinks.sheet_text(name)
        assert expect in by_value, name
        assert bool(by_value[expect].quotePrefix) == sinks.formula_like(name), name
    assert "a\ufffdb\ufffdc\ufffdd" in by_value


def test_csv_neutralises_formulas_and_keeps_text(hostile_result, tmp_path: Path) -> None:
    from lukou_geo.sitecheck.report.tables import export_csv

    _ctx, res = hostile_result
    export_csv(res, tmp_path / "r.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8-sig"))))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if sinks.formula_like(c)]
    for name in HOSTILE:
        assert sinks.csv_text(name) in cells, name


def test_pdf_and_maps_take_long_names_and_dollars(hostile_result, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from lukou_geo.sitecheck.report.document import export_pdf, map_png

    ctx, res = hostile_result
    export_pdf(res, ctx, tmp_path / "r.pdf", title="=1 $x^2$ " + "长" * 500)
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages).replace("\x00", "")
    assert "单价$\\x$元" in text and "已截断" in text
    for no in res.summary["project_no"]:
        assert map_png(res, ctx, int(no))[:4] == b"\x89PNG"


@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_print_layout_takes_a_hostile_view_title(catalog, data, fmt: str) -> None:
    from lukou_geo.meeting.printing import PrintSpec, export_print

    spec = PrintSpec(title="单价$\\x$元 $x^2$ =1+1 \x01" + "长" * 450, layers=("district",))
    out = export_print(catalog, data, spec, fmt)
    assert out[:4] == (b"\x89PNG" if fmt == "png" else b"%PDF")
