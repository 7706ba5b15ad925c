"""The 登录 and 项目库 pages and the gated 图层管理 forms under AppTest, on a real GeoPackage store with
accounts: signing in, the filtered list, the project page and its status change, and refusals that come
from the server whatever the browser sends (a form shown by mistake, a crafted ?project= link)."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from lukou_geo import layer_store
from lukou_geo.registry import audit, records
from lukou_geo.store import open_store
from tests.registry.helpers import result, team


@pytest.fixture
def reg(monkeypatch, tmp_path):
    monkeypatch.delenv("LUKOU_STORE_FACTORY", raising=False)
    monkeypatch.setenv("LUKOU_STORE", "")
    monkeypatch.setenv("LUKOU_DATA_DIR", str(tmp_path / "var"))
    layer_store.reset()
    st.cache_data.clear()
    s = open_store()
    team(s)
    ids = []
    for name, town in (("渌口物流园", "渌口镇"), ("南洲住宅", "南洲镇"), ("<b>x</b> *y*", "龙船镇")):
        ids += records.register_check(s, "cho", result(1, name=name, town=town), source_file=__file__, source_crs="auto")
    yield s, ids
    layer_store.reset()


def _signin():
    from lukou_geo.ui.frame import guard
    from lukou_geo.ui.pages.signin import render

    guard(render)()


def _registry():
    from lukou_geo.ui.frame import guard
    from lukou_geo.ui.pages.registry import render

    guard(render)()


def _layers():
    from lukou_geo.ui.frame import guard
    from lukou_geo.ui.pages.layers import render

    guard(render)()


def _as(at: AppTest, name: str, role: str) -> AppTest:
    at.session_state["account"] = {"name": name, "display": name, "role": role, "active": True, "oidc": False}
    return at


def test_sign_in_with_a_local_account(reg):
    s, _ = reg
    at = AppTest.from_function(_signin, default_timeout=60).run()
    at.text_input(key="signin_name").set_value("cho")
    at.text_input(key="signin_password").set_value("wrong-password")
    at.button[0].click().run()
    assert "account" not in at.session_state and any("wrong account name or password" in e.value or "不正确" in e.value for e in at.error)
    at.text_input(key="signin_password").set_value("cho-password")
    at.button[0].click().run()
    assert at.session_state["account"]["name"] == "cho" and at.session_state["account"]["role"] == "checker"
    assert [e["action"] for e in audit.entries(s, audit.AuditFilter(user="cho"))][:2] == ["sign_in", "sign_in_failed"]


def test_registry_list_filters_and_escapes(reg):
    at = AppTest.from_function(_registry, default_timeout=60).run()
    assert not at.exception
    df = at.dataframe[0].value
    assert len(df) == 3 and set(df.columns) == set(records.LIST_COLUMNS)
    at.selectbox(key="rg_town").set_value("南洲镇").run()
    df = at.dataframe[0].value
    assert df["name"].tolist() == ["南洲住宅1"]


def test_checker_changes_a_status_on_the_project_page(reg):
    s, ids = reg
    at = _as(AppTest.from_function(_registry, default_timeout=60), "cho", "checker")
    at.query_params["project"] = str(ids[2])
    at.run()
    assert not at.exception
    assert any("\\<b\\>x\\</b\\> \\*y\\*" in m.value for m in at.markdown)  # the user's text shown as written
    at.selectbox(key="rg_to_status").set_value("核查中")
    at.text_area(key="rg_comment").set_value("资料齐全")
    at.button(key="FormSubmitter:rg_status_form-提交").click().run()
    assert not at.exception
    p = records.show_project(s, ids[2])
    assert p["status"] == "核查中" and p["history"][-1]["comment"] == "资料齐全" and p["history"][-1]["user"] == "cho"


@pytest.mark.parametrize("who,role", [("vic", "viewer"), ("chen", "checker")])
def test_a_replayed_status_form_is_refused_on_the_server(reg, monkeypatch, who, role):
    s, ids = reg
    at = _as(AppTest.from_function(_registry, default_timeout=60), who, role)
    at.query_params["project"] = str(ids[0])
    at.run()
    assert "rg_comment" not in [w.key for w in at.text_area], "the form is not shown to them"
    # the browser replays the form anyway (here: the page shows it by mistake): the server refuses
    monkeypatch.setattr("lukou_geo.ui.session.allowed", lambda *a, **k: True)
    at.run()
    at.selectbox(key="rg_to_status").set_value("核查中")
    at.text_area(key="rg_comment").set_value("mine now")
    at.button(key="FormSubmitter:rg_status_form-提交").click().run()
    assert any("未作任何更改" in e.value for e in at.error)
    assert records.show_project(s, ids[0])["status"] == "拟选址"
    assert audit.entries(s, limit=1)[0]["action"] == "denied" and audit.entries(s, limit=1)[0]["user"] == who


def test_layers_page_forms_are_for_admins_only(reg, monkeypatch):
    at = _as(AppTest.from_function(_layers, default_timeout=60), "cho", "checker").run()
    assert not at.exception
    keys = [w.key for w in at.text_input] + [w.key for w in at.selectbox]
    assert "import_path" not in keys and "remove_id" not in keys
    at = _as(AppTest.from_function(_layers, default_timeout=60), "ada", "admin").run()
    assert "import_path" in [w.key for w in at.text_input]


def test_layers_import_replayed_by_a_checker_is_refused(reg, monkeypatch, tmp_path):
    s, _ = reg
    calls = []
    monkeypatch.setattr("lukou_geo.store.importer.import_layer", lambda *a, **k: calls.append(a))
    monkeypatch.setattr("lukou_geo.ui.admin.allowed", lambda action: True)  # the form shown by mistake
    at = _as(AppTest.from_function(_layers, default_timeout=60), "cho", "checker").run()
    at.text_input(key="import_path").set_value(str(tmp_path / "x.gpkg"))
    next(b for b in at.button if "import_form" in b.id).click().run()
    assert any("未作任何更改" in e.value for e in at.error) and calls == []
    assert audit.entries(s, limit=1)[0]["detail"]["action"] == "layers.import"


def _views():
    from lukou_geo.ui.frame import guard
    from lukou_geo.ui.pages.views import render

    guard(render)()


def test_saving_a_view_needs_a_checker_once_the_store_has_accounts(reg, monkeypatch):
    from lukou_geo.meeting.views import ViewStore

    s, _ = reg
    at = AppTest.from_function(_views, default_timeout=60).run()  # not signed in: no save form, a hint
    assert not [w for w in at.text_input if w.key == "views_title"]
    assert any("核查员" in i.value for i in at.info)
    monkeypatch.setattr("lukou_geo.ui.session.allowed", lambda action, owner=None: True)  # the form shown by mistake
    for who in (None, ("vic", "viewer")):
        at = AppTest.from_function(_views, default_timeout=60)
        at = _as(at, *who) if who else at
        at.run()
        at.text_input(key="views_title").input("交通骨架")
        next(b for b in at.button if "views_save" in b.id).click().run()
        assert any("未作任何更改" in e.value for e in at.error)
        assert ViewStore(s).list(user="ada") == []
        last = audit.entries(s, limit=1)[0]
        assert last["action"] == "denied" and last["detail"]["action"] == "views.write"
    at = _as(AppTest.from_function(_views, default_timeout=60), "cho", "checker").run()
    at.text_input(key="views_title").input("交通骨架")
    next(b for b in at.button if "views_save" in b.id).click().run()
    assert [(v.title, v.owner) for v in ViewStore(s).list(user="ada")] == [("交通骨架", "cho")]
