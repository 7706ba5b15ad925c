"""AppTest of the check page's 压占 part on both stores: choose layers, the per-class table, the 审查意见 downloads."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.store.test_occupancy_store import X0, Y0, _import_all


def _page():
    from lukou_geo.ui.pages.check import render

    render()


@pytest.fixture
def page_env(store, store_url, monkeypatch, tmp_path):
    from lukou_geo import layer_store

    _import_all(store, tmp_path)
    monkeypatch.setenv("LUKOU_STORE", store_url)
    layer_store.reset()
    yield
    layer_store.reset()


def test_pasted_red_line_gets_the_occupancy_and_the_opinion(page_env):
    at = AppTest.from_function(_page, default_timeout=120).run()
    assert not at.exception
    assert at.multiselect(key="occ_layers").value == ["stbhhx", "yjjbnt", "czkfbj", "dltb"]
    # a surveyor's red line pasted as GK zone-38 coordinates (X = northing first, Y with the zone prefix)
    corners = [(X0 + 50, Y0 + 350), (X0 + 350, Y0 + 350), (X0 + 350, Y0 + 50), (X0 + 50, Y0 + 50)]
    text = "\n".join(f"{y:.3f}, {38_000_000 + x:.3f}" for x, y in corners)
    at.text_area(key="check_paste").input(text)
    at.radio(key="check_paste_as").set_value("polygon")  # the corners of one red line, not four points
    at.selectbox(key="check_ptype").set_value("新材料")
    at.button(key="check_paste_go").click().run()
    assert not at.exception
    run = at.session_state["check_runs"][0]
    occ = run["result"].occupancy
    assert occ is not None
    s = run["result"].summary.iloc[0]
    assert s["occ_yjjbnt_mu"] == pytest.approx(11.25, abs=1e-3) and s["occ_verdict"] == "冲突"
    frames = [d.value for d in at.dataframe]
    cls = [f for f in frames if "分类代码" in f.columns and "净面积(平方米)" in f.columns]
    assert cls and any("0101" in set(f["分类代码"]) for f in cls)
    mk = [b for b in at.button if b.key and b.key.startswith("occ_mk_")]
    assert mk
    mk[0].click().run()
    assert not at.exception
    files = at.session_state["check_runs"][0]["files"]
    assert files["opinion_docx"][:2] == b"PK" and files["opinion_pdf"][:5] == b"%PDF-"
