"""AppTest of the 选址核查 page: pasted coordinates, an upload error that keeps earlier results."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from lukou_geo.ui.messages import escape


def _page():
    from lukou_geo.ui.pages.check import render

    render()


def test_paste_check_then_bad_input_keeps_results():
    at = AppTest.from_function(_page, default_timeout=90).run()
    assert not at.exception
    assert any("选址核查" in m.value for m in at.markdown)
    at.selectbox(key="check_lonlat").set_value("wgs84")  # where the lon/lat come from: a required step
    at.text_area(key="check_paste").input("113.1475, 27.605")
    at.selectbox(key="check_ptype").set_value("新材料")
    at.button(key="check_paste_go").click().run()
    assert not at.exception
    assert len(at.session_state["check_runs"]) == 1
    assert any("符合" in m.value for m in at.markdown)
    table = at.dataframe[0].value
    assert "核查结论" in table.columns and table["核查结论"][0] == "符合"
    # a malformed input: a clear message, the earlier run survives
    at.text_area(key="check_paste").input("1131.37, 27.7")
    at.button(key="check_paste_go").click().run()
    assert not at.exception
    assert any(escape("1131.37") in e.value and "超出范围" in e.value for e in at.error)
    assert len(at.session_state["check_runs"]) == 1


def test_page_registered_in_the_app():
    from lukou_geo.settings import REPO_ROOT

    at = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=90).run()
    assert not at.exception
    src = (REPO_ROOT / "lukou_geo" / "ui" / "frame.py").read_text(encoding="utf-8")
    assert 'url_path="check"' in src
