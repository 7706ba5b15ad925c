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
    assert '("check", check_page.render' in src


def _checked_once() -> AppTest:
    at = AppTest.from_function(_page, default_timeout=90).run()
    at.selectbox(key="check_lonlat").set_value("wgs84")
    at.text_input(key="check_paste_name").input("南洲厂房")
    at.text_area(key="check_paste").input("113.1475, 27.605")
    at.selectbox(key="check_ptype").set_value("新材料")
    at.button(key="check_paste_go").click().run()
    assert not at.exception and len(at.session_state["check_runs"]) == 1
    return at


def test_a_reload_shows_the_last_result_from_the_token_in_the_address():
    """Issue 14.9: a reload is a new session; the address names the result (a token, not the data)."""
    at = _checked_once()
    token = at.query_params["run"]
    assert len(token) >= 16 and "113" not in token and "南洲" not in token
    again = AppTest.from_function(_page, default_timeout=90)  # the reload: same address, empty session
    again.query_params["run"] = token
    again.run()
    assert not again.exception
    assert any("南洲厂房 — 符合" in e.label for e in again.expander)
    assert again.dataframe[0].value["核查结论"][0] == "符合"
    again.button(key="check_clear").click().run()  # cleared: the address no longer names it, a reload shows nothing
    assert "run" not in again.query_params and not again.session_state["check_runs"]


def test_an_unknown_or_forgotten_token_says_so():
    at = AppTest.from_function(_page, default_timeout=90)
    at.query_params["run"] = "x" * 22
    at.run()
    assert not at.exception and any("已不在服务器上" in i.value for i in at.info)
    assert "run" not in at.query_params and not at.session_state["check_runs"]


def test_pasted_lines_are_points_unless_the_form_asks_for_a_polygon():
    """Issue 14.13: three pasted lines are three points by default; 按面核查 makes them one red line."""
    at = AppTest.from_function(_page, default_timeout=90).run()
    at.selectbox(key="check_lonlat").set_value("wgs84")
    radio = at.radio(key="check_paste_as")
    assert radio.value == "point" and list(radio.options) == ["点", "线", "面"]
    at.text_area(key="check_paste").input("113.14,27.60\n113.15,27.60\n113.15,27.61\n")
    at.button(key="check_paste_go").click().run()
    assert not at.exception
    assert list(at.session_state["check_runs"][-1]["result"].projects.geom_type) == ["Point"] * 3
    at.radio(key="check_paste_as").set_value("polygon")
    at.button(key="check_paste_go").click().run()
    assert not at.exception
    assert list(at.session_state["check_runs"][-1]["result"].projects.geom_type) == ["Polygon"]


def test_the_uploader_keeps_earlier_files_and_a_bad_one_is_named_while_the_others_are_checked():
    """Issue 14.13: several files in the uploader, checked as one run with each file's provenance; the bad one named."""
    at = AppTest.from_function(_page, default_timeout=90).run()
    at.selectbox(key="check_lonlat").set_value("wgs84")
    up = at.file_uploader(key="check_upload")
    assert up.accept_multiple_files
    first = [("甲.csv", "名称,经度,纬度\n甲厂,113.1475,27.605\n".encode(), "text/csv"),
             ("坏.csv", b"%PDF-1.7\n1 0 obj\n", "text/csv")]  # a PDF named .csv
    up.set_value(first).run()
    assert not at.exception
    runs = at.session_state["check_runs"]
    assert len(runs) == 1 and list(runs[0]["result"].projects["name"]) == ["甲厂"]
    assert any(escape("坏.csv") in e.value and "PDF" in e.value for e in at.error), [e.value for e in at.error]
    # a second bad file: named too, and no new run of the same good file
    at.file_uploader(key="check_upload").set_value([*first, ("坏2.geojson", b"not json", "application/geo+json")]).run()
    assert len(at.session_state["check_runs"]) == 1
    assert any(escape("坏2.geojson") in e.value for e in at.error) and any(escape("坏.csv") in e.value for e in at.error)
    # a file added: the earlier ones stay and all are checked together, each with its provenance
    # (the browser sends the files kept and the one added; AppTest's upload() would start a new list)
    at.file_uploader(key="check_upload").set_value([*first, ("乙.txt", b"113.14,27.60\n113.15,27.60\n113.15,27.61\n", "text/plain")])
    at.run()
    assert not at.exception
    run = at.session_state["check_runs"][-1]
    assert len(at.session_state["check_runs"]) == 2 and len(run["result"].projects) == 4  # the TXT's 3 lines are 3 points
    assert {src.split()[0] for src in run["result"].projects["source"]} == {"甲.csv", "乙.txt"}
    assert "甲.csv" in run["provenance"].source and "乙.txt" in run["provenance"].sha256
    assert any(escape("坏.csv") in e.value for e in at.error)
    # a coordinate TXT among the files: its lines may be read as a polygon
    at.radio(key="check_upload_as").set_value("polygon").run()
    assert not at.exception
    assert list(at.session_state["check_runs"][-1]["result"].projects.geom_type) == ["Point", "Polygon"]
