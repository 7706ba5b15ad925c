"""AppTest of the check page's 登记到项目库 (lukou_geo/ui/check_register.py): a checker registers the
checked red line with its source, CRS, snapshot and report files; a viewer gets no button, and the form
replayed for them is refused on the server, logged, and changes nothing."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from lukou_geo.registry import audit, records
from tests.registry.helpers import counts
from tests.ui.records_fixtures import signed_in

RED_LINE = "113.140, 27.600\n113.146, 27.600\n113.146, 27.605\n113.140, 27.605"


def _page():
    from lukou_geo.ui.frame import guard
    from lukou_geo.ui.pages.check import render

    guard(render)()


def _checked(name: str, role: str) -> AppTest:
    at = signed_in(AppTest.from_function(_page, default_timeout=120), name, role).run()
    at.selectbox(key="check_lonlat").set_value("wgs84")
    at.text_input(key="check_paste_name").input("<b>南洲</b> *红线*")
    at.text_area(key="check_paste").input(RED_LINE)
    at.radio(key="check_paste_as").set_value("polygon")  # a red line: its points are one polygon
    at.selectbox(key="check_ptype").set_value("新材料")
    at.button(key="check_paste_go").click().run()
    assert not at.exception and len(at.session_state["check_runs"]) == 1
    return at


def run0_crs(at: AppTest) -> str:
    """The CRS assumed as the register keeps it (as the CLI records it): the choice (GPS / WGS-84), then the reader's notes."""
    crs = at.session_state["check_runs"][0]["provenance"].crs_recorded()
    assert "WGS-84" in crs, crs
    return crs


def _register_button(at: AppTest):
    return next(b for b in at.button if "check_reg_go" in str(b.key))


def test_a_checker_registers_the_checked_red_line(team_store):
    s = team_store
    at = _checked("cho", "checker")
    at.session_state["check_runs"][0]["files"]["opinion_docx"] = b"PK docx"  # as if the 审查意见 had been made
    at.text_input(key=next(w.key for w in at.text_input if "check_reg_applicant" in str(w.key))).input("株洲某新材料公司")
    _register_button(at).click().run()
    assert not at.exception, at.exception
    rows, total = records.list_projects(s)
    assert total == 1
    p = records.show_project(s, rows[0]["id"])
    assert p["name"] == "<b>南洲</b> *红线*" and p["type"] == "新材料" and p["applicant"] == "株洲某新材料公司"
    assert p["by"] == "cho" and p["status"] == "拟选址" and p["source_crs"] == run0_crs(at)
    run = at.session_state["check_runs"][0]
    assert p["source_file"] == run["provenance"].source and p["source_sha256"] == run["provenance"].sha256 != ""
    assert p["geometry"]["type"] == "Polygon" and p["snapshot"]["summary"]["verdict"] == p["verdict"]
    assert {f["name"] for f in p["reports"]} == {"选址核查.xlsx", "选址核查.csv", "选址核查.geojson", "审查意见.docx"}
    assert any(f"#{p['id']}" in s.value for s in at.success)
    # the link to the project (shown as written, not as Markdown)
    assert any(f"registry?project={p['id']}" in m.value and "\\<b\\>" in m.value for m in at.markdown)
    assert audit.entries(s, audit.AuditFilter(action="project.register"))[0]["user"] == "cho"
    # the run now says where it went; no second registration from a second press
    assert not [b for b in at.button if "check_reg_go" in str(b.key)]


def test_a_viewer_gets_no_button_and_a_replayed_form_is_refused(team_store, monkeypatch):
    s = team_store
    at = _checked("vic", "viewer")
    assert not [b for b in at.button if "check_reg_go" in str(b.key)]
    assert any("核查员" in c.value for c in at.caption)
    before = counts(s)
    monkeypatch.setattr("lukou_geo.ui.session.allowed", lambda *a, **k: True)  # the form replayed / shown by mistake
    at.run()
    _register_button(at).click().run()
    assert not at.exception
    assert any("浏览者" in e.value and "未作任何更改" in e.value for e in at.error)
    after = counts(s)
    assert after["lk_projects"] == before["lk_projects"] == 0 and after["lk_project_files"] == 0
    last = audit.entries(s, limit=1)[0]
    assert last["action"] == "denied" and last["user"] == "vic" and last["detail"]["action"] == "project.register"
    assert after["lk_audit"] == before["lk_audit"] + 1


def test_not_signed_in_the_page_asks_to_sign_in(team_store):
    at = AppTest.from_function(_page, default_timeout=120).run()
    at.selectbox(key="check_lonlat").set_value("wgs84")
    at.text_area(key="check_paste").input("113.1475, 27.605")
    at.button(key="check_paste_go").click().run()
    assert not at.exception
    assert not [b for b in at.button if "check_reg_go" in str(b.key)]
    assert any("登录" in c.value for c in at.caption)
