"""AppTest of the 项目库 page's map and the project page's (lukou_geo/ui/pages/registry.py): the filtered
projects drawn as points, a click on one opens it, and a status form left open after the account lost its
role is refused on the server (message, logged, nothing changed)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from lukou_geo import accounts
from lukou_geo.registry import audit, records
from tests.registry.helpers import counts, result
from tests.ui.records_fixtures import signed_in


def _registry():
    from lukou_geo.ui.frame import guard
    from lukou_geo.ui.pages.registry import render

    guard(render)()


def _fill(s):
    ids = []
    for name, town in (("渌口物流园", "渌口镇"), ("南洲住宅", "南洲镇"), ("</script><b>x</b>", "龙船镇")):
        ids += records.register_check(s, "cho", result(1, name=name, town=town), source_file=__file__, source_crs="auto")
    return ids


def test_the_map_shows_the_filtered_projects_and_a_click_opens_one(team_store, monkeypatch):
    s = team_store
    ids = _fill(s)
    seen = {}

    def fake_st_folium(m, **kw):  # the map as the browser gets it; the click st_folium would report
        seen["html"] = m.get_root().render()
        seen["key"] = kw["key"]
        return {"last_object_clicked_tooltip": seen.get("click"), "last_object_clicked": {"lat": 27.6, "lng": 113.1}}

    monkeypatch.setattr("streamlit_folium.st_folium", fake_st_folium)
    at = AppTest.from_function(_registry, default_timeout=60).run()
    assert not at.exception
    assert seen["key"].startswith("registry-map") and seen["html"].count("data-lk-register") >= 1
    assert "</script><b>x</b>" not in seen["html"]  # the name as script data, escaped
    assert any("3 个项目" in c.value for c in at.caption)
    at.selectbox(key="rg_town").set_value("南洲镇").run()
    assert any("1 个项目" in c.value for c in at.caption)
    seen["click"] = f"#{ids[1]} 南洲住宅1 · 拟选址"
    at.run()
    assert str(ids[1]) in at.query_params["project"]
    at.run()
    assert seen["key"] == f"registry-project-map-{ids[1]}" and "lkProject" in seen["html"] and "lk-register-legend" in seen["html"]


def test_a_status_form_left_open_after_a_role_change_is_refused(team_store):
    s = team_store
    ids = _fill(s)
    at = signed_in(AppTest.from_function(_registry, default_timeout=60), "cho", "checker")
    at.query_params["project"] = str(ids[0])
    at.run()
    assert "rg_comment" in [w.key for w in at.text_area]
    accounts.set_role(s, "ada", "cho", "viewer")  # an admin makes cho a viewer; cho's page still has the form
    before = counts(s)
    at.text_area(key="rg_comment").set_value("still mine")
    at.button(key="FormSubmitter:rg_status_form-提交").click().run()
    assert not at.exception
    assert any("浏览者" in e.value and "未作任何更改" in e.value for e in at.error)
    assert records.show_project(s, ids[0])["status"] == "拟选址"
    after = counts(s)
    assert after["lk_project_history"] == before["lk_project_history"] and after["lk_audit"] == before["lk_audit"] + 1
    last = audit.entries(s, limit=1)[0]
    assert last["action"] == "denied" and last["user"] == "cho" and last["detail"]["action"] == "project.status"


def test_a_viewer_is_told_why_there_is_no_status_form(team_store):
    s = team_store
    ids = _fill(s)
    at = signed_in(AppTest.from_function(_registry, default_timeout=60), "vic", "viewer")
    at.query_params["project"] = str(ids[0])
    at.run()
    assert not at.exception and "rg_comment" not in [w.key for w in at.text_area]
    assert any("浏览者" in c.value for c in at.caption)
    assert audit.entries(s, audit.AuditFilter(action="denied")) == []  # nothing was tried, nothing logged
