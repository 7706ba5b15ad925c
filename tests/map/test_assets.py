"""Tests of lukou_geo.map.assets and tools/vendor_assets.py (offline front-end files)."""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import folium
import pytest
from branca.colormap import LinearColormap
from folium import plugins

from lukou_geo.map.assets import (
    LOCAL_BASE_APP,
    AssetError,
    find_external_urls,
    inline_html,
    localize,
    render_standalone,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
#: A 1x1 transparent PNG as a tile "URL": a tile layer that never leaves the page.
BLANK_TILE = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk"
    "YAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
POLYGON = {
    "type": "FeatureCollection",
    "features": [{
        "type": "Feature",
        "properties": {"name": "渌口镇", "name_en": "Lukou"},
        "geometry": {"type": "Polygon", "coordinates": [[
            [113.10, 27.65], [113.20, 27.65], [113.20, 27.72], [113.10, 27.72], [113.10, 27.65],
        ]]},
    }],
}


def build_map() -> folium.Map:
    """A map with every element whose files are vendored (no outside tiles)."""
    m = folium.Map(location=[27.68, 113.15], zoom_start=11, tiles=None)
    folium.TileLayer(tiles=BLANK_TILE, attr="blank", name="blank").add_to(m)
    zones = folium.FeatureGroup(name="zones").add_to(m)
    gj = folium.GeoJson(POLYGON, name="towns", tooltip=folium.GeoJsonTooltip(["name"]))
    gj.add_to(zones)
    points = folium.FeatureGroup(name="points").add_to(m)
    folium.Marker([27.68, 113.15], icon=folium.Icon(icon="info-sign")).add_to(points)
    folium.Marker([27.69, 113.16], icon=folium.Icon(icon="industry", prefix="fa", angle=30)
                  ).add_to(points)
    cluster = plugins.MarkerCluster(name="cluster").add_to(m)
    for k in range(3):
        folium.Marker([27.70 + k * 0.001, 113.17]).add_to(cluster)
    plugins.FastMarkerCluster([[27.66, 113.12]]).add_to(m)
    plugins.GroupedLayerControl({"规划": [zones, points]}, exclusive_groups=False).add_to(m)
    plugins.Fullscreen().add_to(m)
    plugins.MiniMap(tile_layer=folium.TileLayer(tiles=BLANK_TILE, attr="blank")).add_to(m)
    plugins.MousePosition().add_to(m)
    plugins.LocateControl().add_to(m)
    plugins.Search(layer=gj, search_label="name").add_to(m)
    plugins.MeasureControl().add_to(m)
    plugins.Draw().add_to(m)
    return m


def _normalize_ids(html: str) -> str:
    return re.sub(r"_[0-9a-f]{32}(?![0-9a-f])", "_ID", html)


def _local_refs(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/app/static/vendor/[^"]+)"', html)


def _load_vendor_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "vendor_assets", REPO_ROOT / "tools" / "vendor_assets.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["vendor_assets"] = module
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------ manifest vs folium


def test_manifest_matches_folium_class_lists(vendored: Path) -> None:
    """Every vendored (name, CDN URL) is what the named folium classes ask for."""
    data = json.loads((vendored / "manifest.json").read_text(encoding="utf-8"))
    assert data["folium_version"] == folium.__version__
    for res in data["resources"]:
        for dotted in res["elements"]:
            module_name, _, cls_name = dotted.rpartition(".")
            cls = getattr(importlib.import_module(module_name), cls_name)
            entries = cls.default_js if res["kind"] == "js" else cls.default_css
            assert (res["name"], res["cdn_url"]) in entries, (dotted, res["name"])
        assert (vendored / res["path"]).is_file(), res["path"]
    for info in data["packages"].values():
        assert (vendored / info["license_file"]).is_file()


def test_dual_map_renders_local_only(vendored: Path) -> None:
    dual = plugins.DualMap(location=[27.68, 113.15], zoom_start=11, tiles=None)
    localize(dual, LOCAL_BASE_APP)
    html = dual.get_root().render()
    assert find_external_urls(html) == []
    assert LOCAL_BASE_APP + "leaflet.sync/L.Map.Sync.js" in _local_refs(html)


def test_every_vendored_element_renders_local_only(vendored: Path) -> None:
    m = build_map()
    before = find_external_urls(m.get_root().render())
    assert any("cdn.jsdelivr.net" in u for u in before)  # the trap is real

    m = build_map()
    localize(m, LOCAL_BASE_APP)
    html = m.get_root().render()
    assert find_external_urls(html) == []
    refs = _local_refs(html)
    data = json.loads((vendored / "manifest.json").read_text(encoding="utf-8"))
    # DualMap is a figure of two maps, not a map element: tested in test_dual_map_renders_local_only
    folium_paths = {r["path"] for r in data["resources"]
                    if any(e.startswith("folium.") and e != "folium.plugins.DualMap" for e in r["elements"])}
    assert {r.removeprefix(LOCAL_BASE_APP) for r in refs} == folium_paths
    for ref in refs:
        assert (vendored / ref.removeprefix(LOCAL_BASE_APP)).is_file(), ref


def test_the_atlas_map_is_local_only(vendored: Path) -> None:
    from lukou_geo.catalog import read_catalog, validate_data
    from lukou_geo.map.render import build_map as build_atlas

    catalog = read_catalog()
    m = build_atlas(catalog, validate_data(catalog))
    localize(m, LOCAL_BASE_APP)
    html = m.get_root().render()
    assert find_external_urls(html) == []
    refs = {r.removeprefix(LOCAL_BASE_APP) for r in _local_refs(html)}
    assert "@mapbox/polyline/src/polyline.js" in refs and "leaflet/dist/leaflet.js" in refs
    assert not any("jquery" in r or "bootstrap" in r for r in refs)  # the atlas loads only what it draws with


def test_localize_sets_instance_lists_and_keeps_class_lists(vendored: Path) -> None:
    class_js = list(folium.Map.default_js)
    class_css = list(plugins.Fullscreen.default_css)
    m = build_map()
    localize(m, LOCAL_BASE_APP)
    assert folium.Map.default_js == class_js
    assert plugins.Fullscreen.default_css == class_css
    assert "default_js" in vars(m)
    assert m.default_js is not folium.Map.default_js
    assert [name for name, _ in m.default_js] == [name for name, _ in class_js]
    assert all(url.startswith(LOCAL_BASE_APP) for _, url in m.default_js)


def test_localize_is_idempotent(vendored: Path) -> None:
    once, twice = build_map(), build_map()
    localize(once, LOCAL_BASE_APP)
    localize(twice, LOCAL_BASE_APP)
    lists = [(el.default_js, el.default_css) for el in twice._children.values()
             if hasattr(el, "default_js")]
    localize(twice, LOCAL_BASE_APP)
    assert lists == [(el.default_js, el.default_css) for el in twice._children.values()
                     if hasattr(el, "default_js")]
    html_once = _normalize_ids(once.get_root().render())
    html_twice = _normalize_ids(twice.get_root().render())
    assert html_once == html_twice
    # jQuery survives the second run, and still comes before Bootstrap
    refs = _local_refs(html_twice)
    jquery = refs.index(LOCAL_BASE_APP + "jquery/dist/jquery.min.js")
    assert jquery < refs.index(LOCAL_BASE_APP + "bootstrap/dist/js/bootstrap.bundle.min.js")
    # a Streamlit rerun builds a new map from the untouched class lists
    again = build_map()
    localize(again, LOCAL_BASE_APP)
    assert _normalize_ids(again.get_root().render()) == html_once


def test_localize_rebases(vendored: Path) -> None:
    rebased, direct = build_map(), build_map()
    localize(rebased, LOCAL_BASE_APP)
    localize(rebased, "http://127.0.0.1:9999/static/vendor")
    localize(direct, "http://127.0.0.1:9999/static/vendor/")
    assert rebased.default_js == direct.default_js
    assert rebased.default_css == direct.default_css


def test_unknown_cdn_url_raises_naming_element_and_url(vendored: Path) -> None:
    m = folium.Map(tiles=None)
    plugins.Terminator().add_to(m)  # not vendored (Draw is, for the site check)
    with pytest.raises(AssetError) as err:
        localize(m, LOCAL_BASE_APP)
    assert "folium.plugins.terminator.Terminator" in str(err.value)
    assert "https://unpkg.com/@joergdietrich/leaflet.terminator" in str(err.value)

    m = folium.Map(tiles=None)
    odd = folium.FeatureGroup().add_to(m)
    odd.default_js = [("odd", "https://cdn.example.com/odd.js")]
    with pytest.raises(AssetError, match=r"https://cdn\.example\.com/odd\.js"):
        localize(m, LOCAL_BASE_APP)


def test_local_urls_that_are_not_vendored_are_left_alone(vendored: Path) -> None:
    m = folium.Map(tiles=None)
    own = folium.FeatureGroup().add_to(m)
    own.default_css = [("own", "/app/static/own.css")]
    localize(m, LOCAL_BASE_APP)
    assert own.default_css == [("own", "/app/static/own.css")]


def test_colormap_cannot_be_localized(vendored: Path) -> None:
    m = folium.Map(tiles=None)
    LinearColormap(["white", "red"], vmin=0, vmax=1).add_to(m)
    with pytest.raises(AssetError, match="ColorMap"):
        localize(m, LOCAL_BASE_APP)


def test_missing_manifest_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(AssetError, match="npm ci"):
        localize(folium.Map(tiles=None), LOCAL_BASE_APP, vendor=tmp_path)


# ------------------------------------------------------------------------ standalone


def test_standalone_html_is_self_contained(vendored: Path) -> None:
    m = build_map()
    class_before = list(folium.Map.default_js)
    html = render_standalone(m)
    assert find_external_urls(html) == []
    assert not re.search(r"<script[^>]*\bsrc=", html)
    assert not re.search(r"<link[^>]*stylesheet", html)
    assert "/app/static/" not in html
    assert "data:font/woff2;base64," in html
    assert "sourceMappingURL" not in html
    assert "L.Control.Fullscreen" in html or "Control.FullScreen" in html
    assert folium.Map.default_js == class_before
    assert "default_js" not in vars(m)  # render_standalone does not localize the map

    no_fonts = render_standalone(build_map(), embed_fonts=False)
    assert "@font-face" not in no_fonts
    assert len(no_fonts) < len(html)


def test_inline_html_accepts_localized_pages(vendored: Path) -> None:
    m = build_map()
    localize(m, LOCAL_BASE_APP)
    html = inline_html(m.get_root().render())
    assert find_external_urls(html) == []
    assert "/app/static/vendor/" not in html


def test_standalone_raises_for_unvendored_assets(vendored: Path) -> None:
    m = folium.Map(tiles=None)
    plugins.Terminator().add_to(m)
    with pytest.raises(AssetError, match=r"leaflet\.terminator"):
        render_standalone(m)


# ------------------------------------------------------------------ find_external_urls


def test_find_external_urls_rules() -> None:
    m = folium.Map(tiles="OpenStreetMap")
    html = m.get_root().render()
    found = find_external_urls(html)
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in found
    assert "https://www.openstreetmap.org/copyright" not in found  # attribution link
    no_tiles = find_external_urls(html, include_tiles=False)
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" not in no_tiles
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in no_tiles

    page = """<html><head>
    <link rel="icon" href="https://example.org/favicon.ico">
    <style>.a{background:url('https://example.org/bg.png')}
    .b{background:url(data:image/png;base64,AA==)}
    @import "https://example.org/more.css";</style>
    <script src="http://localhost:8501/local.js"></script>
    <script src="vendor/leaflet.js"></script>
    </head><body>
    <a href="https://example.org/page">a link is not a load</a>
    <p>text https://example.org/text.png is not a load</p>
    <img src="//example.org/proto.png" srcset="https://example.org/a.png 1x, b.png 2x">
    <div style="background-image:url(https://example.org/style.png)"></div>
    <svg xmlns="http://www.w3.org/2000/svg"></svg>
    <!-- <script src="https://example.org/commented.js"></script> -->
    <script>
      var icon = L.icon({"iconUrl": "https://example.org/icon.png"});
      var ov = L.imageOverlay("https://example.org/overlay.png", [[0, 0], [1, 1]]);
      var popup = "\\u003cimg src=\\"https://example.org/popup.jpg\\"\\u003e";
      var ns = "http://www.w3.org/2000/svg";  // a namespace, not a load
      var attribution = "\\u003ca href=\\"https://example.org/credit\\"\\u003e";
      $.ajax("https://example.org/data.geojson", {dataType: "json"});
    </script>
    </body></html>"""
    assert find_external_urls(page) == [
        "https://example.org/favicon.ico",
        "https://example.org/bg.png",
        "https://example.org/more.css",
        "//example.org/proto.png",
        "https://example.org/a.png",
        "https://example.org/style.png",
        "https://example.org/icon.png",
        "https://example.org/overlay.png",
        "https://example.org/popup.jpg",
        "https://example.org/data.geojson",
    ]


# -------------------------------------------------------------------- vendor tool


def test_vendor_tool_names_missing_package_and_fix(tmp_path: Path) -> None:
    tool = _load_vendor_tool()
    with pytest.raises(tool.VendorError) as err:
        tool.build(tmp_path / "node_modules", tmp_path / "vendor")
    assert "npm ci" in str(err.value)
    assert "node_modules" in str(err.value)
    (tmp_path / "node_modules").mkdir()
    with pytest.raises(tool.VendorError, match=r"'@fortawesome/fontawesome-free' is missing"):
        tool.build(tmp_path / "node_modules", tmp_path / "vendor")
    assert not (tmp_path / "vendor").exists()


def test_vendor_tool_is_idempotent(tmp_path: Path) -> None:
    node_modules = REPO_ROOT / "node_modules"
    if not (node_modules / "leaflet" / "package.json").is_file():
        pytest.fail("node_modules is missing: run `npm ci`", pytrace=False)
    tool = _load_vendor_tool()
    out = tmp_path / "vendor"

    def snapshot() -> dict[str, bytes]:
        return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
                if p.is_file()}

    tool.build(node_modules, out)
    first = snapshot()
    tool.build(node_modules, out)
    assert snapshot() == first
    assert "leaflet/dist/images/marker-shadow.png" in first
    assert "@fortawesome/fontawesome-free/webfonts/fa-solid-900.woff2" in first
    assert "folium/leaflet.awesome.rotate.min.css" in first
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".vendor-")] == []
