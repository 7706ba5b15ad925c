"""LUKOU_ANONYMOUS_BROWSE: on a network server, a visitor who has not signed in sees only the sign-in page
(the default), or, with the switch on, browses the plan pages and presents as a viewer; writes still need
a sign-in. A server on loopback serves this machine's user as before."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from lukou_geo.errors import SettingsError
from lukou_geo.settings import REPO_ROOT, get_settings
from tests.ui.records_fixtures import signed_in

APP = str(REPO_ROOT / "streamlit_app.py")


@pytest.fixture
def network(monkeypatch):
    monkeypatch.setattr("lukou_geo.ui.session.serves_loopback", lambda: False)


def _urls(state: str) -> set[str]:
    from lukou_geo.ui import frame

    pages = {u: st.Page(r, title=k, url_path=u) for u, r, k in frame.PAGES}
    return set(frame.visible_pages(pages, state, "zh"))


def test_the_setting_is_off_by_default_and_checked(monkeypatch):
    monkeypatch.delenv("LUKOU_ANONYMOUS_BROWSE", raising=False)
    assert get_settings().anonymous_browse is False
    for raw, want in (("1", True), ("on", True), ("0", False), ("", False)):
        monkeypatch.setenv("LUKOU_ANONYMOUS_BROWSE", raw)
        assert get_settings().anonymous_browse is want
    monkeypatch.setenv("LUKOU_ANONYMOUS_BROWSE", "maybe")
    with pytest.raises(SettingsError, match="LUKOU_ANONYMOUS_BROWSE"):
        get_settings()


def test_which_pages_each_state_gets(team_store, monkeypatch):
    assert _urls("sign_in") == _urls("no_accounts") == {"signin"}
    anon = _urls("anonymous")
    assert {"atlas", "present", "views", "compare", "data", "signin"} <= anon
    assert not anon & {"check", "layers", "registry", "users", "audit"}
    assert not {"users", "audit"} & _urls("account")  # not an admin (nobody is signed in here)
    monkeypatch.setattr("lukou_geo.ui.session.allowed", lambda *a, **k: True)  # an admin
    assert {"users", "audit", "check", "registry"} <= _urls("account")


def test_network_server_asks_a_visitor_to_sign_in_by_default(team_store, network):
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert "signin_name" in [w.key for w in at.text_input]
    assert any("请先登录" in m.value for m in at.info)
    at = signed_in(AppTest.from_file(APP, default_timeout=120), "vic", "viewer").run()
    assert not at.exception and "signin_name" not in [w.key for w in at.text_input]  # signed in: the atlas


def test_anonymous_browsing_shows_the_atlas_and_writes_still_need_a_sign_in(team_store, network, monkeypatch):
    from lukou_geo.ui import session

    monkeypatch.setenv("LUKOU_ANONYMOUS_BROWSE", "1")
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert "signin_name" not in [w.key for w in at.text_input]
    assert any("公开浏览" in c.value for c in at.sidebar.caption)
    assert session.browse_state() == "anonymous"

    def _write():
        from lukou_geo.ui import session
        from lukou_geo.ui.frame import guard

        guard(lambda: session.require("views.write", target="view:new"))()

    at = AppTest.from_function(_write, default_timeout=60).run()
    assert any("请先登录" in e.value and "未作任何更改" in e.value for e in at.error)


def test_network_server_without_accounts_says_how_to_make_the_first(monkeypatch, tmp_path, network):
    from lukou_geo import layer_store

    monkeypatch.delenv("LUKOU_STORE_FACTORY", raising=False)
    monkeypatch.delenv("LUKOU_ANONYMOUS_BROWSE", raising=False)
    monkeypatch.setenv("LUKOU_STORE", "")
    monkeypatch.setenv("LUKOU_DATA_DIR", str(tmp_path / "var"))
    layer_store.reset()
    try:
        at = AppTest.from_file(APP, default_timeout=120).run()
        assert not at.exception
        assert any("users add" in w.value for w in at.warning)
    finally:
        layer_store.reset()
