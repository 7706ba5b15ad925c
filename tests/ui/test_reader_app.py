"""AppTest of the plan reader, the indicators page and the atlas's linked view (?feature=, ?layers=)."""

from streamlit.testing.v1 import AppTest

from lukou_geo.ui.messages import escape


def _reader():
    from lukou_geo.ui.pages.reader import render

    render()


def _indicators():
    from lukou_geo.ui.pages.indicators import render

    render()


def _atlas():
    from lukou_geo.ui.pages.atlas import render

    render()


def _html(at) -> str:
    return "".join(m.value for m in at.markdown)


def test_reader_opens_the_chapter_of_a_linked_paragraph():
    at = AppTest.from_function(_reader, default_timeout=60)
    at.query_params["p"] = "225"
    at.run()
    assert not at.exception
    assert at.sidebar.selectbox(key="reader_chapter").value == 7 - 1 or "第六章" in _html(at)
    page = _html(at)
    assert 'id="p225"' in page and "lk-target" in page
    assert "./?feature=tour_cluster_zhuting" in page
    assert '<mark class="lk-q">' in page


def test_reader_chapter_choice_and_english():
    at = AppTest.from_function(_reader, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    sel = at.sidebar.selectbox(key="reader_chapter")
    options = list(sel.options)
    at = sel.set_value(options.index(next(o for o in options if o.startswith("Ch. 10")))).run()
    assert not at.exception
    page = _html(at)
    assert 'id="p337"' in page and "wetland_meizihu" in page and "Box 10-1" in page


def test_indicators_page_renders_charts_and_tables():
    at = AppTest.from_function(_indicators, default_timeout=60).run()
    assert not at.exception
    assert len(at.dataframe) == 2
    assert len(at.dataframe[0].value) == 28 and len(at.dataframe[1].value) == 26
    assert len(at.get("vega_lite_chart")) == 3
    md = _html(at)
    assert "./?layers=" in md and "森林覆盖率" in md


def test_atlas_linked_feature_is_announced():
    at = AppTest.from_function(_atlas, default_timeout=60)
    at.query_params["feature"] = "wetland_meizihu"
    at.run()
    assert not at.exception
    assert any("梅子湖" in i.value and "reader?p=337" in i.value for i in at.info)
    at2 = AppTest.from_function(_atlas, default_timeout=60)
    at2.query_params["feature"] = "no_such_feature"
    at2.run()
    assert not at2.exception and any(escape("no_such_feature") in w.value for w in at2.warning)
