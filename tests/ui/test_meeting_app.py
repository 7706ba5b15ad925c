"""AppTest of the meeting-mode pages: present, views (save, share link restore), compare."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from lukou_geo.meeting.views import View, ViewStore


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LUKOU_DATA_DIR", str(tmp_path))
    # single-user mode (a store without accounts, a server on loopback): saving views is open
    monkeypatch.setattr("lukou_geo.ui.session.serves_loopback", lambda: True)
    return tmp_path


def _present():
    from lukou_geo.ui.pages.present import render

    render()


def _views():
    from lukou_geo.ui.pages.views import render

    render()


def _compare():
    from lukou_geo.ui.pages.compare import render

    render()


def test_present_page_renders_the_default_deck():
    at = AppTest.from_function(_present, default_timeout=60).run()
    assert not at.exception
    assert at.selectbox(key="present_deck").value == "default"
    assert at.toggle(key="present_hide").value is True
    assert any("stSidebar" in m.value for m in at.markdown)  # the chrome is hidden with CSS
    at.button(key="present_make_html").click().run()
    assert not at.exception
    assert at.session_state["present_html"][2].startswith("<!DOCTYPE html>")


def test_views_page_saves_and_a_link_restores(data_dir):
    at = AppTest.from_function(_views, default_timeout=60).run()
    assert not at.exception
    at.multiselect(key="views_layers").set_value(["district", "rail"]).run()
    at.text_input(key="views_title").input("交通骨架")
    at.button[0].click().run()  # the form's submit button, with the form's input in the same run
    assert not at.exception
    saved = ViewStore().list(local=True)  # the store in the data dir, read as the single user
    assert [(v.title, v.layers, v.shared) for v in saved] == [("交通骨架", ("district", "rail"), True)]

    other = ViewStore().save(View(title="格局", layers=("district", "core_area"), center=(27.6, 113.1), zoom=12), local=True)
    at2 = AppTest.from_function(_views, default_timeout=60)
    at2.query_params["view"] = other.token
    at2.run()
    assert not at2.exception
    assert at2.multiselect(key="views_layers").value == ["district", "core_area"]
    assert at2.session_state["views_center"] == [27.6, 113.1] and at2.session_state["views_zoom"] == 12
    assert any("格局" in s.value for s in at2.success)

    at3 = AppTest.from_function(_views, default_timeout=60)
    at3.query_params["layers"] = "district,nope"
    at3.run()
    assert not at3.exception
    assert any("nope" in w.value for w in at3.warning)


def test_compare_page_defaults_to_structure_vs_transport():
    at = AppTest.from_function(_compare, default_timeout=60).run()
    assert not at.exception
    assert at.selectbox(key="compare_left").value == "slide:0"
    assert at.selectbox(key="compare_right").value == "slide:4"
    at.selectbox(key="compare_right").set_value("custom").run()
    assert not at.exception
    assert at.multiselect(key="compare_right_layers").value == ["district"]
