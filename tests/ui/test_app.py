"""AppTest of every page (Streamlit's headless script runner)."""

from streamlit.testing.v1 import AppTest

from lukou_geo.settings import REPO_ROOT
from lukou_geo.text import t
from lukou_geo.ui.messages import escape

APP = str(REPO_ROOT / "streamlit_app.py")  # the Streamlit script (app.py is the ASGI app around it)


def run_app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def test_atlas_page_renders_in_chinese_by_default():
    at = run_app()
    assert not at.exception
    assert any("渌口规划一张图" in m.value for m in at.markdown)
    assert at.sidebar.selectbox(key="basemap").value == "vector"
    assert any("线型表示精度" in c.value or "示意" in c.value for c in at.caption)


def test_language_switch_to_english():
    at = run_app()
    at.sidebar.radio(key="lang_switch").set_value("en").run()
    assert not at.exception
    assert at.session_state["lang"] == "en"
    assert any("Lukou Planning Atlas" in m.value for m in at.markdown)
    assert at.sidebar.text_input(key="search_q").label.startswith("Search")


def test_english_from_query_param():
    at = run_app(lang="en")
    assert any("Lukou Planning Atlas" in m.value for m in at.markdown)


def test_search_lists_results_and_reports_misses():
    at = run_app()
    at.sidebar.text_input(key="search_q").input("湾塘").run()
    assert not at.exception
    radio = at.sidebar.radio(key="search_pick")
    assert any("湾塘工业园" in str(o) for o in radio.options)
    at.sidebar.text_input(key="search_q").input("<b>nowhere</b>").run()
    assert not at.exception
    # shown as written: the query is Markdown-escaped (lukou_geo.ui.messages)
    assert any(escape("<b>nowhere</b>") in i.value for i in at.sidebar.info)


def test_data_page_lists_every_layer():
    from lukou_geo.catalog import read_catalog

    # the pages are callables in st.navigation; AppTest runs the page function directly
    at2 = AppTest.from_function(_data_page_script, default_timeout=60).run()
    assert not at2.exception
    table = at2.dataframe[0].value
    catalog = read_catalog()
    assert len(table) == len(catalog.layers)
    assert set(table.iloc[:, 1]) == {lyr.title_zh for lyr in catalog.layers}
    assert (table.iloc[:, 2] > 0).all()
    assert any("schematic" in str(v) or "示意" in str(v) for v in table.iloc[:, 3])
    feats = at2.dataframe[1].value
    assert {"id", "规划依据", "定位说明"} <= set(feats.columns)


def test_data_page_sources_are_in_the_ui_language():
    from lukou_geo.catalog import read_catalog

    catalog = read_catalog()
    for lang in ("zh", "en"):
        at = AppTest.from_function(_data_page_script, default_timeout=60)
        at.session_state["lang"] = lang
        at.run()
        assert not at.exception
        table = at.dataframe[0].value
        src, lic = table[t("data.col_source", lang)], table[t("data.col_licence", lang)]
        by_title = {lyr.title(lang): lyr for lyr in catalog.layers}
        for title, s, li in zip(table[t("data.col_layer", lang)], src, lic, strict=True):
            assert s == by_title[title].source_text(lang) and li == by_title[title].licence_text(lang)
        text = " ".join([*src, *lic, *at.dataframe[1].value[t("data.col_precision", lang)]])
        if lang == "zh":
            for english in ("converted to", "drawn by", "this project", "snapshot", "schematic", "district"):
                assert english not in text, english
        else:
            assert "GCJ-02 converted to WGS-84" in text and "示意" not in text


def test_data_page_says_whose_an_official_boundary_is():
    """Issue 14.14: the district boundary comes from 高德: its 精度 says so, as the map's popup does."""
    from lukou_geo.catalog import read_catalog
    from lukou_geo.map.render import official_whose

    catalog = read_catalog()
    amap = {lyr.title_zh for lyr in catalog.layers if official_whose(lyr, "zh")}
    assert "渌口区界" in amap
    at = AppTest.from_function(_data_page_script, default_timeout=60).run()
    table = at.dataframe[0].value
    shown = dict(zip(table["图层"], table["精度"], strict=True))
    assert shown["渌口区界"].startswith("官方边界(高德地图行政区划数据"), shown["渌口区界"]
    for title in amap:
        assert "官方" not in shown[title] or "官方边界(高德" in shown[title], (title, shown[title])
    at.selectbox(key="data_layer").set_value("district").run()
    assert all(v == "官方(高德数据)" for v in at.dataframe[1].value["精度"])


def test_data_page_lists_the_unplaced_plan_elements_with_why():
    """Issue 14.16: S330 (专栏9-1) is declared unplaceable: the app says so, and why, not only the coverage command."""
    for lang, why in (("zh", "泉龙村不在参考数据"), ("en", "not in the reference places")):
        at = AppTest.from_function(_data_page_script, default_timeout=60)
        at.session_state["lang"] = lang
        at.run()
        assert not at.exception
        table = at.dataframe[-1].value  # the page's last table
        row = table[table[t("data.col_quote", lang)].str.contains("S330渌口区泉龙村至古岳峰公路")]
        assert len(row) == 1
        assert why in row[t("data.col_why", lang)].iloc[0]
        assert row[t("data.col_plan_ref", lang)].iloc[0].endswith(("专栏9-1 · ¶301", "Box 9-1 · ¶301"))
        assert len(table) >= 10


def _data_page_script():
    from lukou_geo.ui.pages.data import render

    render()


def _atlas_page_script():
    from lukou_geo.ui.pages.atlas import render

    render()


def test_atlas_page_function_runs_alone():
    at = AppTest.from_function(_atlas_page_script, default_timeout=60).run()
    assert not at.exception


def test_app_py_is_an_asgi_app_with_the_atlas_routes():
    from pathlib import Path

    from streamlit.web.server.app_discovery import discover_asgi_app

    found = discover_asgi_app(Path(REPO_ROOT / "app.py"))
    assert found.is_asgi_app and found.import_string == "app:app"
    import importlib.util

    spec = importlib.util.spec_from_file_location("lukou_app", REPO_ROOT / "app.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    paths = {getattr(r, "path", "") for r in mod.app._user_routes}
    assert "/lk/tiles/{layer}/{z}/{x}/{y}.pbf" in paths and "/lk/identify" in paths
