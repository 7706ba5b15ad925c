import json
import re

import pytest
import shapely
from shapely.geometry import shape

from lukou_geo.map.render import (
    PRECISION_DASH,
    MapOptions,
    build_map,
    decode_blob_geometry,
    esc,
    feature_style,
    layer_blob,
    legend_html,
    popup_data,
)

HOSTILE = '<img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def html_zh(catalog, data):
    return build_map(catalog, data, MapOptions(lang="zh")).get_root().render()


def test_every_layer_title_is_in_the_map(catalog, html_zh):
    for lyr in catalog.layers:
        assert json.dumps(esc(lyr.title_zh))[1:-1] in html_zh or esc(lyr.title_zh) in html_zh, lyr.id


def test_english_map_uses_english_titles(catalog, data):
    html = build_map(catalog, data, MapOptions(lang="en")).get_root().render()
    assert "Three industrial parks" in html and "三园:工业园" not in html


def test_schematic_never_solid(catalog, data):
    for lyr in catalog.layers:
        for f in data[lyr.id]["features"]:
            st = feature_style(lyr, f["properties"]["precision"])
            if f["properties"]["precision"] in ("schematic", "approximate"):
                assert st["dashArray"] == PRECISION_DASH[f["properties"]["precision"]]
            else:
                assert "dashArray" not in st


def test_hostile_text_never_becomes_markup(catalog, data):
    feat = json.loads(json.dumps(data["parks"]["features"][0]))
    for key in ("name", "name_en", "description", "placement", "plan_ref"):
        feat["properties"][key] = HOSTILE
    feat["properties"]["industries"] = HOSTILE
    hostile_data = dict(data, parks={"type": "FeatureCollection", "features": [feat]})
    html = build_map(catalog, hostile_data).get_root().render()
    # the texts travel as JSON with <, >, & escaped, and the browser sets them with textContent
    assert HOSTILE not in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html
    popup = popup_data(feat["properties"], catalog.layer("parks"), catalog, "zh")
    assert popup[0] == HOSTILE and [r for r in popup[4] if r[1] == HOSTILE]


def test_hostile_layer_title_is_escaped(catalog, data):
    from dataclasses import replace

    layers = tuple(replace(lyr, title_zh=HOSTILE) if lyr.id == "parks" else lyr for lyr in catalog.layers)
    cat2 = replace(catalog, layers=layers)
    html = build_map(cat2, data).get_root().render()
    assert HOSTILE not in html
    legend = legend_html(cat2, {"parks": ["schematic"]}, "zh")
    assert HOSTILE not in legend and "&lt;img" in legend


def test_popup_shows_citation_precision_and_attributes(catalog, data):
    f = next(f for f in data["parks"]["features"] if "湾塘" in f["properties"]["name"])
    title, _sub, prec, desc, rows, place, ref, anchor = popup_data(f["properties"], catalog.layer("parks"), catalog, "zh")
    assert title == "湾塘工业园" and prec == "schematic" and "¶155" in ref and anchor == "p155"
    assert ["规划面积", "3 km²"] in rows and place and desc
    en = popup_data(f["properties"], catalog.layer("parks"), catalog, "en")
    assert en[0] == "Wantang Industrial Park" and ["Planned area", "3 km²"] in en[4]


def test_blob_geometry_is_simplified_but_faithful(catalog, data):
    layer = catalog.layer("neighbours")
    blob = layer_blob(data["neighbours"], layer, catalog, "zh")
    full = sum(len(shapely.get_coordinates(shape(f["geometry"]))) for f in data["neighbours"]["features"])
    sent = [decode_blob_geometry(f[4], "polygon") for f in blob["features"]]
    assert sum(len(shapely.get_coordinates(g)) for g in sent) < full / 2
    for a, b in zip(data["neighbours"]["features"], sent, strict=True):
        assert shape(a["geometry"]).hausdorff_distance(b) < 0.001  # ≈ 100 m
    line = catalog.layer("dev_axes")
    lblob = layer_blob(data["dev_axes"], line, catalog, "zh")
    for f, raw in zip(lblob["features"], data["dev_axes"]["features"], strict=True):
        assert decode_blob_geometry(f[4], "line").hausdorff_distance(shape(raw["geometry"])) < 0.0002


def test_blob_is_compact(catalog, data):
    blob = layer_blob(data["parks"], catalog.layer("parks"), catalog, "zh")
    assert set(blob) == {"id", "kind", "styles", "label_class", "features", "whose", "pane"}
    assert set(blob["styles"]) == {"schematic"} and blob["styles"]["schematic"]["dashArray"] == "9 6"
    _fid, prec, tip, _popup, geom, label = blob["features"][0]
    assert prec == "schematic" and tip.endswith("示意") and isinstance(geom[0][0], str) and label is None


def test_amap_basemap_shifts_overlays_to_gcj02(catalog, data):
    layer = catalog.layer("town_seats")
    wgs = layer_blob(data["town_seats"], layer, catalog, "zh", "vector")
    gcj = layer_blob(data["town_seats"], layer, catalog, "zh", "amap")
    (lat1, lon1), (lat2, lon2) = wgs["features"][0][4][0], gcj["features"][0][4][0]
    assert lon2 - lon1 == pytest.approx(0.0058, abs=0.0003) and lat2 - lat1 == pytest.approx(-0.0031, abs=0.0003)
    assert gcj["features"][0][5][0] - wgs["features"][0][5][0] == pytest.approx(-0.0031, abs=0.0003)  # labels too
    html = build_map(catalog, data, MapOptions(basemap="amap")).get_root().render()
    assert "autonavi.com" in html


def test_vector_basemap_has_no_tiles(html_zh):
    assert "tileLayer" not in html_zh and "openstreetmap" not in html_zh.lower()


def test_tianditu_needs_a_key(catalog, data):
    with pytest.raises(ValueError, match="TIANDITU_KEY"):
        build_map(catalog, data, MapOptions(basemap="tianditu"))
    html = build_map(catalog, data, MapOptions(basemap="tianditu", tianditu_key="k123")).get_root().render()
    assert "tianditu.gov.cn" in html and "tk=k123" in html


def test_every_feature_is_sent_once(catalog, data, html_zh):
    for lyr in catalog.layers:
        for f in data[lyr.id]["features"]:
            assert html_zh.count(json.dumps(f["properties"]["id"])) == 1, f["properties"]["id"]


def test_default_visibility_follows_catalog(catalog, data, html_zh):
    hidden = [lyr for lyr in catalog.layers if not lyr.visible]
    assert hidden
    assert len(re.findall(r"feature_group_[0-9a-f]+\.remove\(\);", html_zh)) == len(hidden)
    only = frozenset({"district"})
    html = build_map(catalog, data, MapOptions(visible=only)).get_root().render()
    assert len(re.findall(r"feature_group_[0-9a-f]+\.remove\(\);", html)) == len(catalog.layers) - 1


def test_legend_lists_each_layer_and_the_precision_key(catalog, data):
    precs = {lyr.id: ["schematic"] for lyr in catalog.layers}
    legend = legend_html(catalog, precs, "zh")
    for lyr in catalog.layers:
        assert f'data-layer="{lyr.id}"' in legend
    assert "线型表示精度" in legend and 'stroke-dasharray="9 6"' in legend and 'stroke-dasharray="2 5"' in legend


def test_town_based_zones_are_fills_without_outline(catalog):
    # their edges coincide with township edges: stacked dashes would look like a solid surveyed line
    for lid in ("agri_bases", "key_towns", "multi_areas"):
        st = feature_style(catalog.layer(lid), "schematic")
        assert st["stroke"] is False and st["dashArray"] == "9 6"
    assert 'stroke="none"' in legend_html(catalog, {"agri_bases": ["schematic"]}, "zh")


def test_layer_blobs_are_cached_per_data_object(catalog, data) -> None:
    import copy

    from lukou_geo.map.render import layer_blob

    layer = catalog.layer("parks")
    first = layer_blob(data["parks"], layer, catalog, "zh")
    assert layer_blob(data["parks"], layer, catalog, "zh") is first  # the same data: built once
    assert layer_blob(data["parks"], layer, catalog, "en") is not first  # another language
    changed = copy.deepcopy(data["parks"])
    changed["features"][0]["properties"]["name"] = "改名的园区"
    other = layer_blob(changed, layer, catalog, "zh")
    assert other is not first and other["features"][0][2].startswith("改名的园区")
