"""AppTest of the 账户管理 and 审计日志 pages: admins only, every write through lukou_geo.accounts (checked
on the server, a replayed form refused, logged, nothing changed); the audit log filtered, paged and
exported as CSV with formulas neutralised."""

from __future__ import annotations

import csv
import io

from streamlit.testing.v1 import AppTest

from lukou_geo import accounts
from lukou_geo.registry import audit
from tests.ui.records_fixtures import signed_in


def _users():
    from lukou_geo.ui.frame import guard
    from lukou_geo.ui.pages.users import render

    guard(render)()


def _audit():
    from lukou_geo.ui.frame import guard
    from lukou_geo.ui.pages.audit_log import render

    guard(render)()


def _submit(at: AppTest, form: str):
    return next(b for b in at.button if form in b.id)


def test_an_admin_lists_adds_changes_and_deactivates_accounts(team_store):
    s = team_store
    at = signed_in(AppTest.from_function(_users, default_timeout=60), "ada", "admin").run()
    assert not at.exception
    assert sorted(at.dataframe[0].value["账户名"]) == ["ada", "chen", "cho", "vic"]
    at.text_input(key="users_add_name").input("=cmd|x")
    at.text_input(key="users_add_password").input("long-enough-1")
    _submit(at, "users_add_form").click().run()
    assert any("无效" in e.value for e in at.error) and accounts.get_account(s, "=cmd|x") is None  # a bad name: said
    at.text_input(key="users_add_name").input("wang")
    at.text_input(key="users_add_display").input("<i>王</i>")
    at.selectbox(key="users_add_role").set_value("checker")
    at.text_input(key="users_add_password").input("long-enough-1")
    _submit(at, "users_add_form").click().run()
    assert not at.exception
    acc = accounts.get_account(s, "wang")
    assert acc is not None and acc.role == "checker" and acc.display == "<i>王</i>"
    assert any("wang" in m.value for m in at.success)
    assert accounts.sign_in(s, "wang", "long-enough-1").name == "wang"
    at.selectbox(key="users_pick").set_value("vic").run()
    at.selectbox(key="users_role").set_value("checker")
    _submit(at, "users_role_form").click().run()
    assert accounts.get_account(s, "vic").role == "checker"
    at.selectbox(key="users_pick").set_value("chen").run()
    _submit(at, "users_active_form").click().run()
    assert accounts.get_account(s, "chen").active is False
    at.selectbox(key="users_pick").set_value("chen").run()
    _submit(at, "users_active_form").click().run()
    assert accounts.get_account(s, "chen").active is True
    acts = [e["action"] for e in audit.entries(s, audit.AuditFilter(user="ada"), limit=10)]
    assert acts[:4] == ["user.active", "user.active", "user.role", "user.add"]


def test_the_last_admin_cannot_demote_itself(team_store):
    s = team_store
    at = signed_in(AppTest.from_function(_users, default_timeout=60), "ada", "admin").run()
    at.selectbox(key="users_pick").set_value("ada").run()
    at.selectbox(key="users_role").set_value("viewer")
    _submit(at, "users_role_form").click().run()
    assert any("最后一个" in e.value for e in at.error) and accounts.get_account(s, "ada").role == "admin"


def test_non_admins_get_no_forms_and_replayed_ones_are_refused(team_store, monkeypatch):
    s = team_store
    for who, role in (("cho", "checker"), ("vic", "viewer")):
        at = signed_in(AppTest.from_function(_users, default_timeout=60), who, role).run()
        assert not at.exception and not at.dataframe and "users_add_name" not in [w.key for w in at.text_input]
        assert any("仅限管理员" in m.value for m in at.info)
    at = AppTest.from_function(_users, default_timeout=60).run()  # not signed in
    assert not at.dataframe and any("仅限管理员" in m.value for m in at.info)
    monkeypatch.setattr("lukou_geo.ui.session.allowed", lambda *a, **k: True)  # the forms shown by mistake / replayed
    at = signed_in(AppTest.from_function(_users, default_timeout=60), "cho", "checker").run()
    at.text_input(key="users_add_name").input("mole")
    at.selectbox(key="users_add_role").set_value("admin")
    at.text_input(key="users_add_password").input("long-enough-1")
    _submit(at, "users_add_form").click().run()
    assert any("未作任何更改" in e.value for e in at.error) and accounts.get_account(s, "mole") is None
    at.selectbox(key="users_pick").set_value("cho").run()
    at.selectbox(key="users_role").set_value("admin")
    _submit(at, "users_role_form").click().run()
    assert accounts.get_account(s, "cho").role == "checker"
    at.selectbox(key="users_pick").set_value("ada").run()
    _submit(at, "users_active_form").click().run()
    assert accounts.get_account(s, "ada").active is True
    denied = audit.entries(s, audit.AuditFilter(user="cho", action="denied"))
    assert {e["detail"]["action"] for e in denied} == {"users.admin"} and len(denied) == 3


def test_the_audit_log_filters_pages_and_exports_neutralised_csv(team_store):
    s = team_store
    for i in range(60):
        audit.log(s, "cho", "report.export", "=HYPERLINK(\"http://x\")" if i == 7 else f"project:{i}", {"file": "a.pdf"})
    audit.log(s, "vic", "denied", "project:1", {"action": "project.status"})
    at = signed_in(AppTest.from_function(_audit, default_timeout=60), "ada", "admin").run()
    assert not at.exception
    total = audit.count(s)
    assert any(f"共 {total} 条" in c.value for c in at.caption) and len(at.dataframe[0].value) == 50
    at.selectbox(key="audit_user").set_value("cho").run()
    assert any("共 60 条" in c.value for c in at.caption)
    at.number_input(key="audit_page").set_value(2).run()
    assert len(at.dataframe[0].value) == 10
    at.selectbox(key="audit_user").set_value("")
    at.selectbox(key="audit_action").set_value("denied").run()
    df = at.dataframe[0].value
    assert df["用户"].tolist() == ["vic"]
    at.selectbox(key="audit_action").set_value("").run()
    at.text_input(key="audit_target").input('=HYPERLINK("http://x")').run()
    at.button(key="audit_export").click().run()
    assert not at.exception
    data = at.session_state["audit_csv"][1].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert len(rows) == 2 and rows[1][4] == "'=HYPERLINK(\"http://x\")"  # the target cell: a formula neutralised
    assert audit.entries(s, limit=1)[0]["action"] == "audit.export" and audit.entries(s, limit=1)[0]["user"] == "ada"


def test_the_audit_log_is_for_admins_and_a_replayed_read_is_refused(team_store, monkeypatch):
    s = team_store
    at = signed_in(AppTest.from_function(_audit, default_timeout=60), "cho", "checker").run()
    assert not at.dataframe and any("仅限管理员" in m.value for m in at.info)
    monkeypatch.setattr("lukou_geo.ui.session.allowed", lambda *a, **k: True)
    at = signed_in(AppTest.from_function(_audit, default_timeout=60), "cho", "checker").run()
    assert not at.exception and not at.dataframe
    assert any("未作任何更改" in e.value or "管理员" in e.value for e in at.error)
    last = audit.entries(s, limit=1)[0]
    assert last["action"] == "denied" and last["user"] == "cho" and last["detail"]["action"] == "audit.read"
