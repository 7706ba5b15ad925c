"""AppTest of the 视图 page with accounts, on a real GeoPackage store: the owner and shared/private shown,
the choice when saving, changes offered to the owner and admins only, and the server-side check of every
change whatever the browser sends (a button shown by mistake, a crafted ?view= link to a private view)."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from lukou_geo import layer_store
from lukou_geo.meeting.views import View, ViewStore
from lukou_geo.registry import audit
from lukou_geo.store import open_store
from tests.registry.conftest import cheap_hashes  # noqa: F401  (fixture)
from tests.registry.helpers import team


@pytest.fixture
def views(monkeypatch, tmp_path):
    monkeypatch.delenv("LUKOU_STORE_FACTORY", raising=False)
    monkeypatch.setenv("LUKOU_STORE", "")
    monkeypatch.setenv("LUKOU_DATA_DIR", str(tmp_path / "var"))
    layer_store.reset()
    st.cache_data.clear()
    s = open_store()
    team(s)  # admin ada, checkers cho and chen, viewer vic
    vs = ViewStore(s)
    pub = vs.save(View(title="cho 公开", layers=("district",)), user="cho")
    priv = vs.save(View(title="cho 秘密", layers=("rail",), shared=False), user="cho")
    yield s, vs, pub, priv
    layer_store.reset()


def _page():
    from lukou_geo.ui.frame import guard
    from lukou_geo.ui.pages.views import render

    guard(render)()


def _as(name: str | None, role: str = "") -> AppTest:
    at = AppTest.from_function(_page, default_timeout=60)
    if name:
        at.session_state["account"] = {"name": name, "display": name, "role": role, "active": True, "oidc": False}
    return at


def _buttons(at: AppTest, prefix: str) -> list:
    return [b for b in at.button if (b.key or "").startswith(prefix)]


def test_a_viewer_sees_shared_views_with_their_owner_and_changes_nothing(views):
    at = _as("vic", "viewer").run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert any("cho 公开" in x and "cho" in x and "共享" in x for x in labels)
    assert not any("秘密" in x for x in labels)  # someone else's private view is not listed
    assert _buttons(at, "views_open_") and not _buttons(at, "views_del_") and not _buttons(at, "views_rnb_")
    assert any("只有所有者或管理员" in c.value for c in at.caption)
    assert not [w for w in at.text_input if w.key == "views_title"]  # no save form for a viewer


def test_the_owner_renames_shares_and_deletes_and_each_is_audited(views):
    s, vs, pub, priv = views
    at = _as("cho", "checker").run()
    assert any("秘密" in e.label and "私有" in e.label for e in at.expander)
    at.text_input(key=f"views_rn_{pub.id}").set_value("改名了")
    at.button(key=f"views_rnb_{pub.id}").click().run()
    assert not at.exception and vs.get(pub.token).title == "改名了"
    at.button(key=f"views_sh_{priv.id}").click().run()
    assert vs.get(priv.token, user="vic").shared
    at.button(key=f"views_del_{pub.id}").click().run()
    assert [v.token for v in vs.list(user="ada")] == [priv.token]
    acts = [(e["user"], e["action"]) for e in audit.entries(s, audit.AuditFilter(action="view."))]
    assert acts[:3] == [("cho", "view.delete"), ("cho", "view.edit"), ("cho", "view.edit")]


def test_a_change_replayed_by_another_checker_is_refused_changes_nothing_and_is_logged(views, monkeypatch):
    s, vs, pub, _ = views
    at = _as("chen", "checker").run()
    assert not _buttons(at, "views_del_")  # not offered: the view is cho's
    monkeypatch.setattr("lukou_geo.ui.session.allowed", lambda action, owner=None: True)  # shown by mistake
    at = _as("chen", "checker").run()
    at.button(key=f"views_del_{pub.id}").click().run()
    assert any("未作任何更改" in e.value for e in at.error)
    assert vs.get(pub.token).title == "cho 公开"
    last = audit.entries(s, limit=1)[0]
    assert (last["user"], last["action"], last["target"]) == ("chen", "denied", f"view:{pub.token}")


def test_a_link_to_someone_elses_private_view_is_a_refusal_not_a_leak(views):
    s, _, _, priv = views
    at = _as("vic", "viewer")
    at.query_params["view"] = priv.token
    at.run()
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert "私有视图" in text and "秘密" not in text
    assert "views_restored" not in at.session_state or not at.session_state["views_restored"]
    assert at.multiselect(key="views_layers").value != ["rail"]
    assert audit.entries(s, limit=1)[0]["action"] == "denied"
    at = _as("cho", "checker")  # the owner opens it
    at.query_params["view"] = priv.token
    at.run()
    assert at.multiselect(key="views_layers").value == ["rail"]


def test_single_user_mode_saves_a_private_view_under_the_local_name(monkeypatch, tmp_path):
    monkeypatch.delenv("LUKOU_STORE_FACTORY", raising=False)
    monkeypatch.setenv("LUKOU_STORE", "")
    monkeypatch.setenv("LUKOU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("LUKOU_USER", "张工")
    monkeypatch.setattr("lukou_geo.ui.session.serves_loopback", lambda: True)
    layer_store.reset()
    try:
        at = _as(None).run()
        at.text_input(key="views_title").input("我的草图")
        at.radio(key="views_shared").set_value(False)
        next(b for b in at.button if "views_save" in b.id).click().run()
        assert not at.exception
        (v,) = ViewStore().list(local=True)
        assert (v.title, v.owner, v.shared) == ("我的草图", "张工", False)
        assert ViewStore().list() == []  # not on the network: private
        at.run()
        assert any("张工" in e.label and "私有" in e.label for e in at.expander)
    finally:
        layer_store.reset()
