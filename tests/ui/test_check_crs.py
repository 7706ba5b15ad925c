"""Issue 14.2 on the check page: the source of lon/lat coordinates is a required, remembered step; the CRS
assumed is said before the result; 高德 comes first."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from lukou_geo.sitecheck.inputs import read_coordinates_text
from lukou_geo.ui.messages import escape


def _page():
    import streamlit as st

    from lukou_geo.ui.pages.check import render

    if st.session_state.get("away"):
        st.write("another page")  # the check page's widgets are not drawn: Streamlit forgets their values
    else:
        render()


def test_degrees_wait_for_their_source_then_the_choice_is_said_and_remembered():
    at = AppTest.from_function(_page, default_timeout=90).run()
    sel = at.selectbox(key="check_lonlat")
    assert sel.value is None and sel.options[0].startswith("高德")  # required, 高德 named first
    at.text_area(key="check_paste").input("113.1475, 27.605")
    at.button(key="check_paste_go").click().run()
    assert not at.exception
    assert not at.session_state["check_runs"]  # not checked as WGS-84 without a word
    assert any("无法区分" in w.value and escape("经纬度坐标来自") in w.value for w in at.warning), [w.value for w in at.warning]
    at.selectbox(key="check_lonlat").set_value("gcj02").run()
    at.button(key="check_paste_go").click().run()
    assert not at.exception and len(at.session_state["check_runs"]) == 1
    infos = [i.value for i in at.info]
    assert any(escape("坐标系:自动识别:经纬度按 高德地图") in i and "改选" in i for i in infos), infos
    prov = at.session_state["check_runs"][0]["result"].provenance
    assert prov.crs_en.startswith("auto: degrees as Amap") and len(prov.sha256) == 64
    # remembered for the session: the page drawn again (as after visiting another page) keeps the choice
    at.session_state["away"] = True
    at.run()
    at.session_state["away"] = False
    at.run()
    assert at.selectbox(key="check_lonlat").value == "gcj02"


def test_gcj02_points_are_shifted_to_wgs84_and_plain_auto_says_it_guessed():
    chosen = read_coordinates_text("113.1475, 27.605", "auto:gcj02")
    guessed = read_coordinates_text("113.1475, 27.605", "auto")
    p, q = chosen.projects.geometry[0], guessed.projects.geometry[0]
    assert 0.003 < abs(p.x - q.x) + abs(p.y - q.y) < 0.01  # ~600 m
    assert any("未指明来源" in n for n in guessed.notes) and not any("未指明来源" in n for n in chosen.notes)
    assert chosen.projects["given"][0] == "POINT (113.1475 27.605)"  # the coordinates as given


def test_a_shapefile_without_prj_points_to_the_selector_above(tmp_path):
    """Issue 14.15: the selector is above the uploader, so the message no longer says 下方 (below)."""
    import io
    import zipfile

    import geopandas as gpd
    import pytest
    from shapely.geometry import Point

    from lukou_geo.errors import InputError
    from lukou_geo.sitecheck.inputs import read_bytes

    gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(113.14, 27.6)], crs="EPSG:4326").to_file(tmp_path / "p.shp")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for ext in (".shp", ".shx", ".dbf"):
            z.write(tmp_path / f"p{ext}", f"p{ext}")
    with pytest.raises(InputError) as exc:
        read_bytes(buf.getvalue(), "p.zip", "auto")
    zh, en = exc.value.message("zh"), exc.value.message("en")
    assert "上方" in zh and "下方" not in zh and "top of the page" in en and "below" not in en
