"""The frame runs every page so that a LukouError is its message in an error box, never a traceback."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from lukou_geo.settings import REPO_ROOT
from lukou_geo.ui.messages import escape

APP = str(REPO_ROOT / "streamlit_app.py")  # the Streamlit script (app.py is the ASGI app around it)


@pytest.fixture
def fresh_caches():
    """The cached catalog, data and deck are read again (before and after the test)."""
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LUKOU_DATA_DIR", str(tmp_path / "var"))
    return tmp_path / "var"


def _failing_page():
    import streamlit as st

    from lukou_geo.errors import CatalogError
    from lukou_geo.ui.frame import guard

    def page():
        st.markdown("before the error")
        raise CatalogError("layers/x.toml 缺少 id:[修复](http://evil.example)", "layers/x.toml: missing id")

    guard(page)()


def _buggy_page():
    from lukou_geo.ui.frame import guard

    def page():
        raise RuntimeError("a bug")

    guard(page)()


def test_a_lukou_error_is_its_message_not_a_traceback():
    at = AppTest.from_function(_failing_page, default_timeout=30).run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["before the error"]  # what the page drew stays
    assert [e.value for e in at.error] == [escape("layers/x.toml 缺少 id:[修复](http://evil.example)")]
    at_en = AppTest.from_function(_failing_page, default_timeout=30)
    at_en.query_params["lang"] = "en"
    at_en.run()
    assert [e.value for e in at_en.error] == [escape("layers/x.toml: missing id")]


def test_other_exceptions_are_bugs_and_still_show():
    """A bug is not swallowed: Streamlit shows an exception box, redacted (client.showErrorDetails = "none"
    in .streamlit/config.toml), so the client sees neither the message nor a traceback."""
    at = AppTest.from_function(_buggy_page, default_timeout=30).run()
    assert at.exception
    assert "a bug" not in at.exception[0].message and not at.exception[0].stack_trace


def test_every_page_of_the_app_runs_in_the_guard(tmp_path, monkeypatch, fresh_caches):
    monkeypatch.setenv("LUKOU_LAYERS_DIR", str(tmp_path))  # no groups.toml: the catalog cannot be read
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    (box,) = at.error
    assert escape("groups.toml") in box.value and "missing" in box.value
    src = (REPO_ROOT / "lukou_geo" / "ui" / "frame.py").read_text(encoding="utf-8")
    assert src.count("st.Page(guard(") == src.count("st.Page(") == 3  # the pages, the sign-in page alone, the admin pages
    from lukou_geo.ui import frame

    assert len(frame.PAGES) == 12 and len(frame.ADMIN_PAGES) == 2  # + 项目库, 登录; 账户管理, 审计日志


def _reader():
    from lukou_geo.ui.frame import guard
    from lukou_geo.ui.pages.reader import render

    guard(render)()


def _indicators():
    from lukou_geo.ui.frame import guard
    from lukou_geo.ui.pages.indicators import render

    guard(render)()


def _compare():
    from lukou_geo.ui.frame import guard
    from lukou_geo.ui.pages.compare import render

    guard(render)()


def _present():
    from lukou_geo.ui.frame import guard
    from lukou_geo.ui.pages.present import render

    guard(render)()


def _views():
    from lukou_geo.ui.pages.views import render

    render()  # no frame: the page itself must carry on


def test_missing_plan_text_names_the_file_and_the_fix(tmp_path, monkeypatch):
    missing = tmp_path / "plan.txt"
    monkeypatch.setenv("LUKOU_PLAN_FILE", str(missing))
    at = AppTest.from_function(_reader, default_timeout=60).run()
    assert not at.exception
    (box,) = at.error
    assert escape(str(missing)) in box.value and escape("make data") in box.value


def test_missing_indicator_tables_name_the_file_and_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("LUKOU_GEODATA_DIR", str(tmp_path))
    at = AppTest.from_function(_indicators, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    (box,) = at.error
    assert escape(str(tmp_path / "indicators" / "tables.toml")) in box.value and "restore" in box.value


def test_missing_deck_names_the_file(tmp_path, monkeypatch, data_dir, fresh_caches):
    monkeypatch.setenv("LUKOU_DECKS_DIR", str(tmp_path / "decks"))
    at = AppTest.from_function(_compare, default_timeout=60).run()
    assert not at.exception
    (box,) = at.error
    assert escape("default.toml") in box.value and "找不到演示文稿文件" in box.value  # the page is in Chinese
    at = AppTest.from_function(_present, default_timeout=60).run()
    assert not at.exception
    (box,) = at.error
    assert escape(str(tmp_path / "decks")) in box.value and "没有演示文稿" in box.value
    assert "None" not in box.value  # not "deck file …/None.toml not found"


def test_print_with_no_layer_visible_is_a_message(data_dir):
    at = AppTest.from_function(_views, default_timeout=60).run()
    at.multiselect(key="views_layers").set_value([]).run()
    assert not at.exception
    at.button(key="view_make").click().run()
    assert not at.exception
    (box,) = at.error
    assert escape("没有可打印的图层:请至少选择一个图层") in box.value
    assert not [b for b in at.get("download_button")]
    assert at.button(key="view_make")  # the page carried on past the error


def test_views_page_share_link_error_is_a_message_and_the_page_draws(data_dir):
    at = AppTest.from_function(_views, default_timeout=60)
    at.query_params["layers"] = "district"
    at.query_params["c"] = "27.6;[x](http://evil.example)"
    at.run()
    assert not at.exception
    (box,) = at.warning
    assert box.value.startswith("链接中的视图无法恢复") and escape("c=") in box.value
    assert "[x](" not in box.value
    assert at.multiselect(key="views_layers").value  # the page still drew, with the default layers
    at2 = AppTest.from_function(_views, default_timeout=60)
    at2.query_params["view"] = "no-such-token"
    at2.run()
    assert not at2.exception
    assert any(escape("没有视图") in w.value for w in at2.warning)
