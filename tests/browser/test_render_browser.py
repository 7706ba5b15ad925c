"""The atlas renderer in Chromium, outside Streamlit: hostile data stays text, popups carry citations."""

from __future__ import annotations

import json
import shutil

from lukou_geo.catalog import read_catalog, validate_data
from lukou_geo.map import assets
from lukou_geo.map.render import MapOptions, build_map

HOSTILE = '<img src=x onerror="window.__pwned=1">'


def test_hostile_feature_text_is_shown_as_text(page, serve_dir, tmp_path, vendored):
    catalog = read_catalog()
    data = validate_data(catalog)
    feat = json.loads(json.dumps(data["parks"]["features"][0]))
    for key in ("name", "description", "placement", "plan_ref"):
        feat["properties"][key] = HOSTILE
    feat["properties"]["industries"] = HOSTILE
    data = dict(data, parks={"type": "FeatureCollection", "features": [feat]})
    m = build_map(catalog, data, MapOptions())
    assets.localize(m, "vendor/")
    (tmp_path / "map.html").write_text(m.get_root().render(), encoding="utf-8")
    shutil.copytree(vendored, tmp_path / "vendor")
    page.goto(serve_dir(tmp_path) + "map.html")
    page.wait_for_selector("path.leaflet-interactive")
    fid = feat["properties"]["id"]
    page.evaluate(f"() => window.lkAtlas.layers.parks[{json.dumps(fid)}].openPopup()")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert HOSTILE in popup.inner_text()
    assert page.locator(".leaflet-popup-content img").count() == 0
    page.locator(".leaflet-popup-close-button").click()
    assert page.evaluate("() => window.__pwned") is None
    # the tooltip is text too
    page.evaluate(f"() => window.lkAtlas.layers.parks[{json.dumps(fid)}].openTooltip()")
    assert HOSTILE in page.locator(".leaflet-tooltip").inner_text()


def test_registry_opens_any_feature_with_its_citation(page, serve_dir, tmp_path, vendored):
    catalog = read_catalog()
    data = validate_data(catalog)
    m = build_map(catalog, data, MapOptions(lang="en"))
    assets.localize(m, "vendor/")
    (tmp_path / "map.html").write_text(m.get_root().render(), encoding="utf-8")
    shutil.copytree(vendored, tmp_path / "vendor")
    page.goto(serve_dir(tmp_path) + "map.html")
    page.wait_for_selector("path.leaflet-interactive")
    counts = page.evaluate("() => Object.fromEntries(Object.entries(window.lkAtlas.layers).map(([k, v]) => [k, Object.keys(v).length]))")
    assert counts == {lyr.id: len(data[lyr.id]["features"]) for lyr in catalog.layers}
    page.evaluate("() => { const l = window.lkAtlas.layers.airport; const f = Object.values(l)[0]; window.lkAtlas.map.addLayer(f); f.openPopup(); }")
    text = page.locator(".leaflet-popup-content").inner_text()
    assert "Plan reference" in text and "¶295" in text and "schematic" in text
