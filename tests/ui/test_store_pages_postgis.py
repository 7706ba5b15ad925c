"""The store's pages with ``LUKOU_STORE=postgresql://…`` (the team's server option): import on 图层管理, the
CLI's list, the 属性表 page; the same pages and code as over the GeoPackage, on a throw-away PostGIS cluster."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from lukou_geo import layer_store
from lukou_geo.build.synthetic_write import write_delivery
from lukou_geo.settings import REPO_ROOT
from tests import demo_store as demo_data
from tests.store.conftest import _drop_schema, _new_schema_url, pg_cluster  # noqa: F401 - the session's cluster
from tests.ui.test_store_pages import _layers, _table, frame_with


@pytest.fixture
def pg_url(request, monkeypatch, tmp_path):
    """An empty PostGIS store (a schema of its own) as ``LUKOU_STORE``, and an empty data dir."""
    url = _new_schema_url(request.getfixturevalue("pg_cluster"))
    monkeypatch.delenv("LUKOU_STORE_FACTORY", raising=False)
    monkeypatch.setenv("LUKOU_STORE", url)
    monkeypatch.setenv("LUKOU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("LUKOU_USER", "测试管理员")
    layer_store.reset()
    st.cache_data.clear()
    yield url
    store = layer_store.current_store()
    if store is not None:
        store.close()
    layer_store.reset()
    st.cache_data.clear()
    _drop_schema(url)


def test_postgis_import_list_and_table(pg_url, tmp_path):
    src = write_delivery(demo_data.parcels(12, 12), tmp_path / "DLTB_合成.gdb", layer="DLTB", crs="EPSG:4526")
    at = AppTest.from_function(_layers, default_timeout=180).run()
    assert not at.exception
    at.text_input(key="import_path").set_value(str(src))
    at.text_input(key="import_id").set_value("dltb_pg")
    at.button[0].click().run()
    assert not at.exception, at.exception
    store = layer_store.current_store()
    assert store is not None and store.backend == "postgis"
    info = store.layer("dltb_pg")
    assert (info.kind, info.features, info.source_crs, info.imported_by) == ("dltb", 144, "EPSG:4526", "测试管理员")
    assert info.tiles["count"] > 0 and store.tile("dltb_pg", *next(iter(_a_tile(store, info)))) is not None
    at = AppTest.from_function(_layers, default_timeout=60).run()
    row = frame_with(at, "sha256").iloc[0]
    assert row["编号"] == "dltb_pg" and row["sha256"] == info.sha256 and row["来源文件"] == "DLTB_合成.gdb (DLTB)"

    # the CLI, given the same one variable, lists the same layer
    out = subprocess.run([sys.executable, "-m", "lukou_geo", "layers", "list", "--json"], cwd=REPO_ROOT, check=True,
                         capture_output=True, text=True, env={**os.environ, "LUKOU_STORE": pg_url}).stdout
    (listed,) = json.loads(out)
    assert (listed["id"], listed["features"], listed["sha256"]) == ("dltb_pg", 144, info.sha256)

    # the attribute table: per-class statistics from PostGIS, pages of 100 rows
    at = AppTest.from_function(_table, default_timeout=60).run()
    assert not at.exception
    stats = frame_with(at, "类别代码")
    want = store.class_stats("dltb_pg")
    assert list(stats["类别代码"]) == list(want["lk_code"]) and int(stats["图斑数"].sum()) == 144
    assert frame_with(at, "lk_fid")["lk_fid"].tolist() == list(range(1, 101))
    at.number_input(key="table_page").set_value(2).run()
    assert frame_with(at, "lk_fid")["lk_fid"].tolist() == list(range(101, 145))
    at.text_input(key="table_prefix").set_value("01").run()
    rows = frame_with(at, "lk_fid")
    assert set(rows["lk_code"]) == {"0101", "0103"} and len(rows) == 35


def _a_tile(store, info):
    """One (z, x, y) the layer has: the tile under its first feature's centre at its maximum zoom."""
    import math

    f = store.read_features(info.id, fids=[1])
    c = f.geometry.iloc[0].centroid
    z = int(info.tiles["maxzoom"])
    n = 2**z
    x = int((c.x + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(c.y))) / math.pi) / 2 * n)
    return [(z, x, y)]
