"""The store's pages under AppTest, over the in-memory store: 属性表, 图层管理, 数据与来源, the atlas."""

from __future__ import annotations

import sys
import types

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from lukou_geo import layer_store
from lukou_geo.store.base import ImportReport
from tests.fakes import store as fake


@pytest.fixture
def demo(monkeypatch, tmp_path):
    """A fresh demo store behind LUKOU_STORE_FACTORY, an empty data dir, no cached statistics."""
    fake.demo_store.cache_clear()
    monkeypatch.setenv("LUKOU_STORE_FACTORY", "tests.fakes.store:demo_store")
    monkeypatch.setenv("LUKOU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("LUKOU_USER", "测试管理员")
    layer_store.reset()
    st.cache_data.clear()
    yield fake.demo_store()
    layer_store.reset()
    fake.demo_store.cache_clear()
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
    monkeypatch.setenv("LUKOU_STORE_FACTORY", "tests.fakes.store:FakeStore")
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
    row = table[table["编号"] == "dltb_demo"].iloc[0]
    assert row["来源文件"] == "DLTB_合成.gdb (DLTB)" and row["sha256"] == "ab" * 32
    assert row["原坐标系"] == "EPSG:4526" and row["编码"] == "GBK" and row["导入人"] == "张工" and row["精度"] == "official"
    assert row["时间(UTC)"].startswith("2026-11-30")
    assert not any("lukou\\_geo" in w.value for w in at.warning)  # the importer is there: no "missing" warning


def test_import_form_calls_import_layer_and_shows_the_report(demo, monkeypatch, tmp_path):
    calls = []

    def import_layer(store, path, *, layer_id=None, title=None, kind=None, sublayer=None, crs=None, encoding=None,
                     user="", progress=None):
        calls.append({"store": store, "path": path, "layer_id": layer_id, "title": title, "kind": kind, "sublayer": sublayer,
                      "crs": crs, "encoding": encoding, "user": user})
        progress(0.5, "写入瓦片 [1/2](http://x)")
        info = store.add("yjjbnt_new", title or "永久基本农田", "yjjbnt", fake.parcels(3, 3))
        return ImportReport(layer=info, read=10, repaired=2, dropped=1, outside=0, notes=("3 个图斑在区外",), seconds=1.5)

    monkeypatch.setitem(sys.modules, "lukou_geo.store.importer", types.SimpleNamespace(import_layer=import_layer))
    src = tmp_path / "jbnt.gpkg"
    src.write_bytes(b"x")
    at = AppTest.from_function(_layers, default_timeout=60).run()
    at.text_input(key="import_path").set_value(str(src))
    at.text_input(key="import_title").set_value("永久基本农田 2023")
    at.selectbox(key="import_kind").set_value("yjjbnt")
    at.text_input(key="import_crs").set_value("EPSG:4526")
    at.text_input(key="import_encoding").set_value("GBK")
    at.button[0].click().run()
    assert not at.exception
    (call,) = calls
    assert call["store"] is demo and str(call["path"]) == str(src) and call["kind"] == "yjjbnt"
    assert (call["crs"], call["encoding"], call["user"], call["layer_id"]) == ("EPSG:4526", "GBK", "测试管理员", None)
    report = frame_with(at, "读取").iloc[0].tolist()
    assert report == [10, 2, 1, 0]
    assert any("yjjbnt\\_new" in s.value for s in at.success)  # shown as written (Markdown-escaped)
    assert any("3 个图斑在区外" in i.value for i in at.info)


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


def test_atlas_page_with_the_store(demo):
    at = AppTest.from_function(_atlas, default_timeout=60).run()
    assert not at.exception
    at.checkbox(key="swipe_on").check().run()
    assert not at.exception
    assert at.selectbox(key="swipe_left").value == "dltb_demo" and at.selectbox(key="swipe_right").value == "hx_demo"
    at.sidebar.selectbox(key="basemap").set_value("amap").run()
    assert any("高德" in c.value for c in at.caption)
