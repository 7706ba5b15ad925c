"""The store's pages under AppTest, over a real GeoPackage store of synthetic (合成) layers imported by the
importer (:mod:`tests.demo_store`): 属性表, 图层管理, 数据与来源, the atlas."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from lukou_geo import layer_store
from lukou_geo.build.synthetic_write import write_delivery
from tests import demo_store as demo_data


@pytest.fixture
def demo(monkeypatch, tmp_path):
    """A fresh copy of the demo GeoPackage store (LUKOU_STORE), recording its calls, an empty data dir."""
    path = demo_data.demo_store_path(tmp_path / "store")
    monkeypatch.setenv("LUKOU_STORE", str(path))
    monkeypatch.setenv("LUKOU_STORE_FACTORY", "tests.demo_store:recording_store")
    monkeypatch.setenv("LUKOU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("LUKOU_USER", "测试管理员")
    # single-user mode (a store without accounts, a server on loopback): the admin forms are open
    monkeypatch.setattr("lukou_geo.ui.session.serves_loopback", lambda: True)
    layer_store.reset()
    st.cache_data.clear()
    yield layer_store.current_store()
    layer_store.reset()
    st.cache_data.clear()


def frame_with(at: AppTest, column: str):
    """The first st.dataframe whose columns include ``column`` (AppTest does not look dataframes up by key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _table():
    from lukou_geo.ui.pages.table import render

    render()


def _layers():
    from lukou_geo.ui.frame import guard
    from lukou_geo.ui.pages.layers import render

    guard(render)()


def _data():
    from lukou_geo.ui.pages.data import render

    render()


def _atlas():
    from lukou_geo.ui.pages.atlas import render

    render()


def test_table_page_stats_pages_and_filters(demo):
    at = AppTest.from_function(_table, default_timeout=60).run()
    assert not at.exception
    stats = frame_with(at, "类别代码")
    want = demo.class_stats("dltb_demo")
    assert list(stats["类别代码"]) == list(want["lk_code"])
    assert list(stats["图斑数"]) == list(want["count"])
    assert stats["面积(公顷)"].tolist() == pytest.approx((want["area_m2"] / 1e4).tolist(), abs=1e-4)
    assert stats["面积(亩)"].tolist() == pytest.approx((want["area_m2"] / 1e4 * 15).tolist(), abs=0.01)
    assert dict(zip(stats["类别代码"], stats["三大类"], strict=True))["1203"] == "农用地"
    assert dict(zip(stats["类别代码"], stats["三大类"], strict=True))["0404"] == "未利用地"
    rows = frame_with(at, "lk_fid")
    assert len(rows) == 100 and rows["lk_fid"].tolist() == list(range(1, 101))
    at.number_input(key="table_page").set_value(2).run()
    rows = frame_with(at, "lk_fid")
    assert rows["lk_fid"].tolist() == list(range(101, 145))
    assert any("第 101–144 行,共 144 行" in c.value for c in at.caption)
    # never the whole layer: each query asks the store for one page
    limits = [args[3] for name, args in demo.calls if name == "table"]
    assert limits and max(limits) <= 100
    at.text_input(key="table_prefix").set_value("01").run()
    stats = frame_with(at, "类别代码")
    assert set(stats["类别代码"]) == {"0101", "0103"}
    rows = frame_with(at, "lk_fid")
    assert set(rows["lk_code"]) == {"0101", "0103"} and len(rows) == int(stats["图斑数"].sum())
    assert at.number_input(key="table_page").value == 1  # the page fell back into range
    at.text_input(key="table_prefix").set_value("").run()
    at.text_input(key="table_text").set_value("TB0001").run()
    rows = frame_with(at, "lk_fid")
    assert sorted(rows["lk_ref_id"]) == [f"TB{n:05d}" for n in range(10, 20)]


def test_table_page_without_layers_says_so(monkeypatch, tmp_path):
    monkeypatch.delenv("LUKOU_STORE_FACTORY", raising=False)
    monkeypatch.setenv("LUKOU_STORE", str(tmp_path / "empty" / "store.gpkg"))  # a new, empty GeoPackage store
    layer_store.reset()
    try:
        at = AppTest.from_function(_table, default_timeout=60).run()
        assert not at.exception and "图层管理" in at.info[0].value
    finally:
        layer_store.reset()


def test_layers_page_lists_provenance(demo):
    at = AppTest.from_function(_layers, default_timeout=60).run()
    assert not at.exception
    table = frame_with(at, "sha256")
    info = demo.layer("dltb_demo")
    row = table[table["编号"] == "dltb_demo"].iloc[0]
    assert row["来源文件"] == "DLTB_合成.gdb (DLTB)" and row["sha256"] == info.sha256 and len(info.sha256) == 64
    assert row["原坐标系"] == "EPSG:4526" and row["编码"] == "UTF-8" and row["导入人"] == "张工" and row["精度"] == "official"
    assert row["时间(UTC)"] == info.imported_at and info.imported_at[:2] == "20"
    hx = table[table["编号"] == "hx_demo"].iloc[0]
    assert hx["来源文件"] == "STBHHX_合成.zip" and hx["编码"] == "GBK" and hx["原坐标系"] == "EPSG:4490"
    assert not any("lukou\\_geo" in w.value for w in at.warning)  # the importer is there: no "missing" warning


def test_import_form_imports_a_file_and_shows_the_report(demo, tmp_path):
    jbnt = demo_data.parcels(3, 3).rename(columns={"TBBH": "YJJBNTTBBH"})
    jbnt.loc[4, "geometry"] = jbnt.geometry[4].buffer(0.001).union(jbnt.geometry[4].buffer(0.001).exterior.buffer(1e-6))
    src = write_delivery(jbnt, tmp_path / "YJJBNT_合成.zip", layer="YJJBNT", crs="EPSG:4490")
    at = AppTest.from_function(_layers, default_timeout=120).run()
    at.text_input(key="import_path").set_value(str(src))
    at.text_input(key="import_id").set_value("yjjbnt_new")
    at.text_input(key="import_title").set_value("永久基本农田 2023")
    at.selectbox(key="import_kind").set_value("yjjbnt")
    at.text_input(key="import_encoding").set_value("GBK")
    at.button[0].click().run()
    assert not at.exception
    info = demo.layer("yjjbnt_new")
    assert (info.title, info.kind, info.features, info.imported_by) == ("永久基本农田 2023", "yjjbnt", 9, "测试管理员")
    assert info.source_file == src.name and info.encoding == "GBK" and info.source_crs == "EPSG:4490"
    report = frame_with(at, "读取").iloc[0].tolist()
    assert report == [9, info.repaired, 0, 0]
    assert any("yjjbnt\\_new" in s.value for s in at.success)  # shown as written (Markdown-escaped)
    rows, total = demo.table("yjjbnt_new")
    assert total == 9 and sorted(rows["lk_ref_id"]) == [f"TB{k:05d}" for k in range(1, 10)]
    # a file that cannot be imported: the page says why (file, problem, fix) and the store is unchanged
    bad = tmp_path / "broken.zip"
    bad.write_bytes(src.read_bytes()[: src.stat().st_size // 2])
    at.text_input(key="import_path").set_value(str(bad))
    at.text_input(key="import_id").set_value("broken")
    at.button[0].click().run()
    assert "broken" not in [i.id for i in demo.layers()]
    assert any("broken\\.zip" in e.value and "不是完整的 zip 压缩包" in e.value for e in at.error), [e.value for e in at.error]


def test_remove_needs_the_confirmation(demo):
    at = AppTest.from_function(_layers, default_timeout=60).run()
    at.selectbox(key="remove_id").set_value("hx_demo")
    form_buttons = [b for b in at.button if b.label == "删除"]
    form_buttons[0].click().run()
    assert "hx_demo" in [i.id for i in demo.layers()]
    at.checkbox(key="remove_sure").check()
    next(b for b in at.button if b.label == "删除").click().run()
    assert "hx_demo" not in [i.id for i in demo.layers()]
    assert ("remove_layer", ("hx_demo", "测试管理员")) in demo.calls


def test_admin_actions_are_named_in_one_place():
    from lukou_geo.ui import admin

    assert set(admin.ADMIN_ACTIONS) == {"layers.import", "layers.remove", "basemaps.register", "basemaps.remove"}
    with pytest.raises(KeyError):
        admin.allowed("layers.drop_everything")
    from lukou_geo.settings import REPO_ROOT

    src = (REPO_ROOT / "lukou_geo/ui/pages/layers.py").read_text(encoding="utf-8")
    for action in ("layers.import", "layers.remove", "basemaps.register"):
        assert f'admin.allowed("{action}")' in src


def test_data_page_shows_imported_layers_provenance(demo):
    at = AppTest.from_function(_data, default_timeout=60).run()
    assert not at.exception
    table = frame_with(at, "sha256")
    assert set(table["编号"]) == {"dltb_demo", "hx_demo"} and set(table["精度"]) == {"official"}
    assert set(table["sha256"]) == {demo.layer("dltb_demo").sha256, demo.layer("hx_demo").sha256}


def test_table_page_exports_the_selection(demo):
    at = AppTest.from_function(_table, default_timeout=120).run()
    at.text_input(key="table_prefix").set_value("0101").run()
    at.selectbox(key="table_export_format").set_value("gpkg").run()
    at.button(key="table_export_go").click().run()
    assert not at.exception
    (dl,) = [e for e in at.get("download_button")]
    assert "dltb_demo.gpkg" in dl.proto.label


def test_atlas_page_with_the_store(demo):
    at = AppTest.from_function(_atlas, default_timeout=60).run()
    assert not at.exception
    at.checkbox(key="swipe_on").check().run()
    assert not at.exception
    assert at.selectbox(key="swipe_left").value == "dltb_demo" and at.selectbox(key="swipe_right").value == "hx_demo"
    at.sidebar.selectbox(key="basemap").set_value("amap").run()
    assert any("高德" in c.value for c in at.caption)


def test_basemap_form_registers_a_geotiff_by_server_path(demo, tmp_path):
    from lukou_geo.map import basemaps
    from tests.geotiffs import write_geotiff

    tif = write_geotiff(tmp_path / "正射影像_合成.tif", "EPSG:4547")
    at = AppTest.from_function(_layers, default_timeout=120).run()
    at.text_input(key="bm_path").set_value(str(tif))
    at.text_input(key="bm_id").set_value("dom")
    next(b for b in at.button if b.label == "登记底图").click().run()
    assert not at.exception
    assert any("已登记底图 dom" in s.value for s in at.success), [e.value for e in at.error]
    info = basemaps.get_basemap("dom")
    assert (info.container, info.source_file, info.source_crs, info.registered_by) == (
        "mbtiles", tif.name, "EPSG:4547", "测试管理员")
    at.run()  # the next run lists it (the table is drawn above the form)
    row = frame_with(at, "级别").iloc[0]
    assert row["原坐标系"] == "EPSG:4547" and row["sha256"] == info.sha256 and row["来源文件"] == tif.name
    # a GeoTIFF without a CRS: the page names the file, the problem and the fix; nothing is registered
    at.text_input(key="bm_path").set_value(str(write_geotiff(tmp_path / "nocrs.tif", crs=None)))
    at.text_input(key="bm_id").set_value("")
    next(b for b in at.button if b.label == "登记底图").click().run()
    assert any("nocrs\\.tif" in e.value and "未声明坐标系" in e.value for e in at.error), [e.value for e in at.error]
    assert [b.id for b in basemaps.list_basemaps()] == ["dom"]


def test_data_page_shows_the_registered_basemaps_provenance(demo, tmp_path):
    from lukou_geo.map import basemaps
    from tests.geotiffs import write_geotiff

    name = "<img src=x onerror=alert(1)>.tif"  # a hostile file name: shown as text, never as HTML
    info = basemaps.register_basemap(write_geotiff(tmp_path / name, "EPSG:4526"), user="测试管理员", basemap_id="dom",
                                     attribution="渌口区自然资源局(合成)")
    at = AppTest.from_function(_data, default_timeout=60).run()
    assert not at.exception
    row = frame_with(at, "版权说明").iloc[0]
    assert (row["编号"], row["来源文件"], row["原坐标系"], row["sha256"], row["版权说明"], row["导入人"]) == (
        "dom", name, "EPSG:4526", info.sha256, "渌口区自然资源局(合成)", "测试管理员")
    assert "登记的本地底图" in [m.value.strip("# ") for m in at.markdown]
    assert not any("<img" in m.value for m in at.markdown)
