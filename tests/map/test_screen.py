"""The atlas on planners' screens (issue 14: items 14, 15): what the map offers, said in the UI's language."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from lukou_geo.map.measure import measure_units
from lukou_geo.map.render import MAX_ZOOM, MapOptions, build_map, layer_blob, legend_html, official_whose


def test_measure_units_are_chinese_in_the_chinese_ui():
    zh = [u["display"] for u in measure_units("zh").values()]
    assert zh == ["公里", "米", "公顷", "亩"]  # not "公里 km"
    assert not any(c.isascii() and c.isalpha() for d in zh for c in d)


@pytest.mark.parametrize("basemap", ["vector", "osm", "amap"])
def test_zoom_stops_where_the_basemap_has_tiles(catalog, data, basemap):
    m = build_map(catalog, data, MapOptions(basemap=basemap))
    assert m.options["max_zoom"] == MAX_ZOOM == 18
    html = m.get_root().render()
    assert '"maxZoom": 18' in html
    if basemap != "vector":  # the tiles are scaled up past their deepest level rather than going blank
        assert '"maxNativeZoom": 18' in html


def test_an_amap_boundary_says_whose_it_is(catalog, data):
    district = catalog.layer("district")
    assert "高德" in official_whose(district, "zh") and "Amap" in official_whose(district, "en")
    assert official_whose(catalog.layer("parks"), "zh") == ""
    assert layer_blob(data["district"], district, catalog, "zh")["whose"] == official_whose(district, "zh")
    legend = legend_html(catalog, {"district": ["official"]}, "zh")
    assert "高德数据" in legend and "官方边界" not in legend


def test_the_river_is_drawn_above_the_fills(catalog, data):
    river = layer_blob(data["xiang_river"], catalog.layer("xiang_river"), catalog, "zh")
    fills = layer_blob(data["key_towns"], catalog.layer("key_towns"), catalog, "zh")
    assert river["pane"] == "lkWater" and fills["pane"] == "lkFills"
    html = build_map(catalog, data, MapOptions()).get_root().render()
    assert 'createPane("lkFills").style.zIndex = 380' in html and 'createPane("lkWater").style.zIndex = 390' in html


def test_the_river_is_drawn_above_the_xiangjiang_avenue_axis(catalog, data):
    """Issue 14.14: the 湘江大道 axis (6 px) runs inside the river polygon; the river must be drawn above it."""
    import shapely
    from shapely.geometry import shape

    axes = data["dev_axes"]
    river = shapely.union_all([shape(f["geometry"]) for f in data["xiang_river"]["features"]])
    avenue = next(shape(f["geometry"]) for f in axes["features"] if f["properties"]["id"] == "axis_xiangjiang_avenue")
    assert avenue.intersection(river).length > 0.01  # it does run inside the river (≈ km of it)
    blob = layer_blob(axes, catalog.layer("dev_axes"), catalog, "zh")
    assert blob["pane"] == "lkAxes"
    html = build_map(catalog, data, MapOptions()).get_root().render()
    z = {p: int(re.search(rf'createPane\("{p}"\)\.style\.zIndex = (\d+)', html).group(1)) for p in ("lkFills", "lkAxes", "lkWater")}
    assert z["lkFills"] < z["lkAxes"] < z["lkWater"] < 400  # fills, the axis, the river, then the other lines (overlayPane)
    assert '["lkFills", "lkAxes", "lkWater"]' in html  # in that order in the page too


def _present():
    from lukou_geo.ui.pages.present import render

    render()


def test_the_deck_is_named_by_its_title_not_its_file(tmp_path, monkeypatch):
    monkeypatch.setenv("LUKOU_DATA_DIR", str(tmp_path))
    at = AppTest.from_function(_present, default_timeout=60).run()
    assert not at.exception
    box = at.selectbox(key="present_deck")
    assert box.value == "default"
    assert "渌口区“十四五”规划空间格局" in box.options and "default" not in box.options


def test_a_map_below_a_form_is_as_high_as_the_window(catalog, data):
    """Issue 14.6: fill="window" (the check page's map) sizes the map to the window, not to the window's bottom."""
    import json

    from lukou_geo.map.elements.screen import WINDOW_MARGIN, ScreenFit

    def options(fill):
        m = build_map(catalog, data, MapOptions(fill=fill))
        return json.loads(next(c for c in m._children.values() if isinstance(c, ScreenFit)).options_json)

    assert options("window")["whole"] is True
    assert options("window")["bottom"] == WINDOW_MARGIN and options("window")["fill"] is True
    assert options(True)["whole"] is False and options(True)["bottom"] == 6 and options(False)["fill"] is False
