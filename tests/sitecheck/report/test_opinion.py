"""The 审查意见 (lukou_geo.sitecheck.report.opinion) and the 界址点坐标表 (lukou_geo.sitecheck.boundary_points)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from lukou_geo.crs import to_lonlat
from lukou_geo.sitecheck.boundary_points import boundary_points
from lukou_geo.sitecheck.check import check_projects
from lukou_geo.sitecheck.context import get_context
from lukou_geo.sitecheck.occupancy import attach, layer_from_frame, occupancy
from lukou_geo.sitecheck.report.opinion import clean_text, opinion_blocks, write_docx, write_pdf

X0, Y0 = 415_000.0, 3_065_000.0


def lonlat(g):
    return to_lonlat(np.array([g], dtype=object))[0]


def test_boundary_points_clockwise_from_nw_with_holes_and_parts():
    outer = shapely.box(X0, Y0, X0 + 100, Y0 + 100)
    hole = shapely.box(X0 + 40, Y0 + 40, X0 + 60, Y0 + 60)
    geom = shapely.MultiPolygon([shapely.Polygon(outer.exterior.coords[::-1], [hole.exterior.coords]),  # given counter-clockwise
                                 shapely.box(X0 + 200, Y0, X0 + 250, Y0 + 50)])
    pts = boundary_points(lonlat(geom))
    assert list(pts["圈号"].unique()) == [1, 2, 3]
    ring1 = pts[pts["圈号"] == 1]
    assert list(ring1["点号"]) == ["J1", "J2", "J3", "J4", "J1"]  # closed by repeating J1
    east = ring1["Y(东坐标,米)"].to_numpy() - 38_000_000
    north = ring1["X(北坐标,米)"].to_numpy()
    assert east[0] == pytest.approx(X0, abs=1e-3) and north[0] == pytest.approx(Y0 + 100, abs=1e-3)  # NW corner first
    assert east[1] == pytest.approx(X0 + 100, abs=1e-3) and north[1] == pytest.approx(Y0 + 100, abs=1e-3)  # then east: clockwise
    assert ring1["边长(米)"].iloc[0] == pytest.approx(100, abs=1e-3)
    assert pts[pts["圈号"] == 2]["点号"].iloc[0] == "J5"  # numbering runs on across the rings
    assert boundary_points(shapely.Point(113.1, 27.7)).empty


def test_clean_text_drops_what_xml_cannot_hold():
    assert clean_text("a\x07b\x00c\ud800") == "abc"
    assert clean_text(float("nan")) == "" and clean_text(1.50) == "1.5"


@pytest.fixture(scope="module")
def result():
    ctx = get_context()
    red = shapely.box(X0 + 10, Y0 + 10, X0 + 190, Y0 + 90)
    hostile = "<w:t>恶意</w:t>\x07=cmd|' /C calc'!A0"
    projects = gpd.GeoDataFrame({"name": [hostile], "ptype": ["新材料"], "source": ["测试"]},
                                geometry=[lonlat(red)], crs="EPSG:4326")
    res = check_projects(projects, ctx)
    dltb = gpd.GeoDataFrame({"lk_fid": [1, 2], "lk_code": ["0101", "0301"], "lk_name": ["水田", "乔木林地"], "lk_kcxs": [0.1, 0.0]},
                            geometry=[shapely.box(X0, Y0, X0 + 100, Y0 + 100), shapely.box(X0 + 100, Y0, X0 + 200, Y0 + 100)],
                            crs="EPSG:4547")
    lyr = layer_from_frame(dltb, "dltb", "三调地类图斑(合成)", "dltb", year=2023, sha256="f" * 64, source_file="DLTB.gdb")
    geoms = np.asarray(res.projects.geometry.values.to_numpy(), dtype=object)
    from lukou_geo.sitecheck.context import to_metric

    occ = occupancy(to_metric(geoms), [lyr], names=res.summary["name"].tolist(), ptypes=["新材料"], keep_geoms=True)
    return ctx, attach(res, occ)


def test_opinion_docx_and_pdf_hold_the_tables_and_escape_the_name(result, tmp_path):
    import docx

    ctx, res = result
    blocks = opinion_blocks(res, ctx, crs_note="EPSG:4490")
    write_docx(blocks, tmp_path / "o.docx")
    write_pdf(blocks, tmp_path / "o.pdf")
    d = docx.Document(str(tmp_path / "o.docx"))
    paras = "\n".join(p.text for p in d.paragraphs)
    cells = "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    assert "<w:t>恶意</w:t>=cmd" in paras  # the name as text, its control character dropped
    assert "未导入该图层,未核查" in paras  # no 生态保护红线 layer: said so
    assert "f" * 64 in cells and "三调地类图斑(合成)" in cells and "2023" in cells
    assert "水田" in cells and "耕地" in cells and "农用地" in cells
    # 0101: 80 × 90 = 7,200 m² gross, 6,480 net (KCXS 0.1) = 9.72 亩
    assert "7200" in cells and "6480" in cells and "9.72" in cells
    assert "EPSG:4490" in paras and "第三十条" in cells
    assert (tmp_path / "o.pdf").read_bytes()[:5] == b"%PDF-"


def test_the_crs_note_is_in_chinese_only(result, tmp_path):
    """The readers' notes are bilingual (``file:中文 / English``); the Chinese 审查意见 keeps the Chinese half."""
    import docx

    from lukou_geo.sitecheck.inputs.crs_spec import used_note
    from lukou_geo.sitecheck.provenance import crs_labels

    ctx, res = result
    note = ";".join([crs_labels("auto:gcj02")[0], used_note("红线.txt", "CGCS2000 3度带 带号 38", "CGCS2000 3° zone 38")])
    write_docx(opinion_blocks(res, ctx, crs_note=note), tmp_path / "o.docx")
    d = docx.Document(str(tmp_path / "o.docx"))
    text = "\n".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for row in t.rows for c in row.cells])
    assert "红线.txt:所用坐标系 CGCS2000 3度带 带号 38" in text and "GCJ-02" in text
    assert "CRS used" not in text and "zone 38" not in text and "auto" not in text
