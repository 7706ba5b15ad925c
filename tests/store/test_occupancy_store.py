"""压占 against imported layers on both stores: exact areas, ``check --layers``, report_classes.csv, the 审查意见 DOCX/PDF."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from lukou_geo.sitecheck.occupancy import SQM_PER_MU, occupancy
from lukou_geo.sitecheck.occupancy_store import default_layer_ids, load_layer, load_layers
from lukou_geo.store.importer import import_layer
from tests.store.layers import ORIGIN, parcels, write

X0, Y0 = ORIGIN
ROOT_CACHE = Path(__file__).resolve().parents[2] / "var" / "cache"


def _import_all(store, tmp_path) -> None:
    """DLTB 4 × 4 squares of 100 m (EPSG:4490), 永久基本农田 (4526), 生态保护红线 (4547), 城镇开发边界 (zipped GBK shapefile)."""
    import_layer(store, write(parcels(4, 4), "gpkg", tmp_path / "a", crs="EPSG:4490"), layer_id="dltb", kind="dltb",
                 user="test", tiles=False)
    jb = gpd.GeoDataFrame({"YJJBNTTBBH": ["JB01"], "DLBM": ["0101"], "DLMC": ["水田"]},
                          geometry=[shapely.box(X0, Y0, X0 + 100, Y0 + 200)], crs="EPSG:4547")
    import_layer(store, write(jb, "gpkg", tmp_path / "b", crs="EPSG:4526", layer="YJJBNT"), layer_id="yjjbnt", kind="yjjbnt",
                 user="test", tiles=False)
    hx = gpd.GeoDataFrame({"HXBM": ["HX01"], "HXMC": ["湘江生态红线"]},
                          geometry=[shapely.box(X0 + 300, Y0 + 300, X0 + 500, Y0 + 500)], crs="EPSG:4547")
    import_layer(store, write(hx, "gpkg", tmp_path / "c", crs="EPSG:4547", layer="STBHHX"), layer_id="stbhhx", kind="stbhhx",
                 user="test", tiles=False)
    kf = gpd.GeoDataFrame({"GHFQDM": ["31"], "GHFQMC": ["居住生活区"]},
                          geometry=[shapely.box(X0, Y0, X0 + 250, Y0 + 400)], crs="EPSG:4547")
    import_layer(store, write(kf, "shpzip", tmp_path / "d", crs="EPSG:4490", layer="CZKFBJ"), layer_id="czkfbj", kind="czkfbj",
                 user="test", tiles=False)


RED = shapely.box(X0 + 50, Y0 + 50, X0 + 350, Y0 + 350)  # 300 × 300 m = 90,000 m²


def test_areas_from_the_store(store, tmp_path):
    _import_all(store, tmp_path)
    assert default_layer_ids(store) == ["stbhhx", "yjjbnt", "czkfbj", "dltb"]
    layers = load_layers(store)
    assert load_layer(store, "dltb") is layers[3]  # cached
    occ = occupancy(np.array([RED], dtype=object), layers, names=["甲"], ptypes=["新材料"])
    s = occ.summary.iloc[0]
    assert s["occ_yjjbnt_m2"] == pytest.approx(7_500, abs=1e-3)  # 4526 (zone prefix) in, same metres out
    assert s["occ_stbhhx_m2"] == pytest.approx(2_500, abs=1e-3)
    assert s["occ_czkfbj_in_mu"] == pytest.approx(60_000 / SQM_PER_MU, abs=1e-4)
    assert s["occ_czkfbj_out_mu"] == pytest.approx(30_000 / SQM_PER_MU, abs=1e-4)
    lv2 = occ.classes[(occ.classes["layer_kind"] == "dltb") & (occ.classes["level"] == "二级")].set_index("code")
    assert lv2["gross_m2"].sum() == pytest.approx(90_000, abs=1e-3)
    # parcels cycle 0101, 0103, 0301, 0702 (KCXS 0.1 on 耕地): 9 parcels' parts
    assert lv2.loc["0101", "net_m2"] == pytest.approx(lv2.loc["0101", "gross_m2"] * 0.9, rel=1e-9)
    assert s["occ_gengdi_mu"] == pytest.approx((lv2.loc["0101", "net_m2"] + lv2.loc["0103", "net_m2"]) / SQM_PER_MU, abs=1e-4)
    assert s["occ_verdict"] == "冲突"
    feats = occ.features.set_index("ref_id")
    assert feats.loc["JB01", "gross_m2"] == pytest.approx(7_500, abs=1e-3) and feats.loc["HX01", "ref_name"] == "湘江生态红线"


def test_a_red_line_reads_only_its_box_and_gets_the_same_tables(store, tmp_path):
    """``load_layer(bbox=…)`` (the CLI's few red lines) reads the features in the projects' box through the
    store's spatial index: the same pieces and areas as the whole layer, the layer's own feature count kept."""
    from lukou_geo.crs import to_lonlat
    from lukou_geo.sitecheck import occupancy_store as occ_mod

    import_layer(store, write(parcels(12, 12), "gpkg", tmp_path / "a", crs="EPSG:4490"), layer_id="dltb", kind="dltb",
                 user="test", tiles=False)
    box = tuple(float(v) for v in shapely.bounds(to_lonlat(RED)))
    part = load_layer(store, "dltb", bbox=box)
    whole = load_layer(store, "dltb")
    assert len(whole) == 144 and 9 <= len(part) < 40 and part.meta()["features"] == 144
    assert load_layer(store, "dltb", bbox=box) is not part  # one-shot reads are not cached
    wide = (box[0] - 1, box[1] - 1, box[2] + 1, box[3] + 1)  # a box over most of the layer: the cached whole layer
    assert load_layer(store, "dltb", bbox=wide) is whole and occ_mod.BBOX_READ_SHARE < 1
    a = occupancy(np.array([RED], dtype=object), [part], names=["甲"], ptypes=[""])
    b = occupancy(np.array([RED], dtype=object), [whole], names=["甲"], ptypes=[""])
    cols = ["layer_id", "level", "code", "gross_m2", "net_m2"]
    pd_a, pd_b = (o.classes[cols].sort_values(cols[:3]).reset_index(drop=True) for o in (a, b))
    assert len(pd_a) > 2 and pd_a.equals(pd_b)
    assert sorted(a.pieces["fid"]) == sorted(b.pieces["fid"])


def test_warming_reads_the_layers_once_in_the_background(store, tmp_path):
    from lukou_geo.sitecheck import occupancy_store as occ_mod

    _import_all(store, tmp_path)
    occ_mod.warm_layers(store, ["dltb", "yjjbnt"], delay=600)
    occ_mod.warm_layers(store, ["dltb", "yjjbnt"])  # once per store and layer set
    threads = [th for (k, _), (th, _e) in occ_mod._WARMING.items() if k == occ_mod._store_key(store)]
    assert len(threads) == 1 and threads[0].is_alive()  # still waiting out its delay
    t0 = time.perf_counter()
    layers = load_layers(store, ["dltb", "yjjbnt"])  # ends the delay, waits for the thread, takes its layers
    assert not threads[0].is_alive() and time.perf_counter() - t0 < 60
    reads = []
    original = store.read_features
    store.read_features = lambda *a, **k: reads.append(a) or original(*a, **k)
    try:
        assert load_layers(store, ["dltb", "yjjbnt"]) == layers and reads == []
    finally:
        store.read_features = original


@pytest.fixture
def env(store_url, monkeypatch):
    monkeypatch.setenv("LUKOU_STORE", store_url)
    return store_url


def _red_geojson(tmp_path, name: str = "=1+2 测试红线") -> str:
    gdf = gpd.GeoDataFrame({"name": [name], "type": ["新材料"]}, geometry=[RED], crs="EPSG:4547").to_crs("EPSG:4326")
    p = tmp_path / "red.geojson"
    gdf.to_file(p)
    return str(p)


def test_cli_check_against_imported_layers(env, store, tmp_path):
    """The CLI in its own process (as a planner runs it): its PDF is then independent of what earlier tests wrote."""
    import os

    _import_all(store, tmp_path)
    out = tmp_path / "out" / "report.xlsx"
    cmd = [sys.executable, "-m", "lukou_geo", "check", _red_geojson(tmp_path), "--out", str(out), "--formats", "xlsx,csv,opinion"]
    # the PDF's fonts as a planner's machine has them: an earlier test may leave a tiny common-character font
    # set for the session, and text set in the fallback font then reads back wrong (see the report)
    clean = {**os.environ, "LUKOU_STORE": env, "LUKOU_CACHE_DIR": str(ROOT_CACHE)}
    run = subprocess.run(cmd, capture_output=True, text=True, env=clean, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "压占图层 layers: stbhhx" in run.stderr
    with open(out.parent / "report_classes.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[:10] == ["序号", "项目名称", "图层", "图层类型", "分类级别", "分类代码", "分类名称", "毛面积(平方米)",
                                  "净面积(平方米)", "面积(公顷)"]
    assert rows[0]["项目名称"] == "\u2060=1+2 测试红线"  # formula neutralised (lukou_geo.output.sinks: a WORD JOINER first)
    jb = next(r for r in rows if r["图层类型"] == "yjjbnt" and r["分类级别"] == "二级")
    assert float(jb["毛面积(平方米)"]) == pytest.approx(7_500, abs=1e-2)
    with open(out.parent / "report.csv", encoding="utf-8-sig") as f:
        summ = next(csv.DictReader(f))
    assert float(summ["占用永久基本农田(亩)"]) == pytest.approx(11.25, abs=1e-3)
    assert float(summ["占用生态保护红线(亩)"]) == pytest.approx(3.75, abs=1e-3)
    assert float(summ["城镇开发边界外(亩)"]) == pytest.approx(45, abs=1e-3)
    assert summ["压占结论"] == "冲突"
    import openpyxl

    wb = openpyxl.load_workbook(out)
    assert {"压占分类", "三线协调", "压占规则", "细小图斑", "数据版本"} <= set(wb.sheetnames)
    header = next(r for r in wb["汇总"].iter_rows(max_row=20, values_only=True) if r[0] == "序号")  # below the title rows
    assert "占用永久基本农田(亩)" in header and "压占结论" in header
    assert [r[0].value for r in wb["三线协调"].iter_rows(min_row=2)][:1] == [1]
    manifest = json.loads((out.parent / "report.manifest.json").read_text(encoding="utf-8"))
    assert {"report_classes.csv", "report_opinion.docx", "report_opinion.pdf"} <= {e["file"] for e in manifest["files"]}
    _check_opinion(store, out.parent)


def pdf_text(path) -> str:
    """The PDF's text, extracted in a fresh process: pypdf keeps state between files of the same fonts and, after
    other PDFs were read in this process, maps some characters of ours to theirs (the file itself is right)."""
    code = ("import sys; from pypdf import PdfReader; "
            "sys.stdout.buffer.write(chr(10).join(p.extract_text() for p in PdfReader(sys.argv[1]).pages).encode())")
    out = subprocess.run([sys.executable, "-c", code, str(path)], check=True, capture_output=True)
    return out.stdout.decode().replace("\x00", "")


def _check_opinion(store, folder) -> None:
    import docx

    d = docx.Document(str(folder / "report_opinion.docx"))
    paras = "\n".join(p.text for p in d.paragraphs)
    cells = "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    heads = ("一、项目基本情况", "二、三线协调", "三、城镇开发边界", "四、三调地类", "五、规划符合性", "六、界址点坐标表", "七、图件", "八、审查意见")
    for h in heads:
        assert h in paras
    assert "湘江生态红线" in cells and "JB01" in cells
    assert "J1" in cells and "J4" in cells and "EPSG:4526" in paras
    for info in store.layers():
        assert info.sha256 in cells  # data versions
    assert "第三十五条" in cells  # the basis of the 永久基本农田 rule
    assert "比例尺 1:" in paras
    assert d.inline_shapes  # the map
    # 界址点: 38-prefixed easting, clockwise from the NW corner
    pts = next(t for t in d.tables if t.rows[0].cells[0].text == "点号")
    first = [c.text for c in pts.rows[1].cells]
    assert first[0] == "J1" and first[3].startswith("38") and float(first[2]) == pytest.approx(Y0 + 350, abs=0.01)
    assert float(first[3]) == pytest.approx(38_000_000 + X0 + 50, abs=0.01)
    second = [c.text for c in pts.rows[2].cells]
    assert float(second[3]) == pytest.approx(38_000_000 + X0 + 350, abs=0.01)  # clockwise: east along the north edge
    pdf = pdf_text(folder / "report_opinion.pdf")
    assert "J1" in pdf and store.layer("dltb").sha256[:12] in pdf.replace("\n", "")
    # the PDF writer's font as `make setup` builds it (var/cache/fonts): without it the PDF falls back to the
    # full OpenType font, whose text reads back with NUL bytes between the characters (pypdf; noted in the README)
    assert (ROOT_CACHE / "fonts" / "NotoSansSC-Common.ttf").exists(), "run `make setup` (it builds the PDF font)"
    for h in ("项目基本情况", "三线协调", "界址点坐标表", "数据版本"):
        assert h in pdf
    assert "湘江生态红线" in pdf


def test_cli_layers_option_and_errors(env, store, tmp_path, capsys):
    from lukou_geo.__main__ import main

    _import_all(store, tmp_path)
    out = tmp_path / "o2" / "report.xlsx"
    assert main(["check", _red_geojson(tmp_path, "乙"), "--out", str(out), "--formats", "csv", "--layers", "dltb,yjjbnt",
                 "--exception", "national_major"]) == 0
    with open(out.parent / "report.csv", encoding="utf-8-sig") as f:
        summ = next(csv.DictReader(f))
    assert summ["占用生态保护红线(亩)"] == ""  # not chosen: not checked
    assert summ["压占结论"] == "需关注"  # the recorded exception
    with open(out.parent / "report_classes.csv", encoding="utf-8-sig") as f:
        assert {r["图层类型"] for r in csv.DictReader(f)} == {"dltb", "yjjbnt"}
    capsys.readouterr()
    assert main(["check", _red_geojson(tmp_path), "--out", str(out), "--formats", "csv", "--layers", "nosuch"]) == 2
    assert "nosuch" in capsys.readouterr().err
