"""A localized folium map draws in Chromium with every outside request blocked."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from lukou_geo.map.assets import localize, render_standalone

pytestmark = pytest.mark.browser

from tests.map.test_assets import build_map  # noqa: E402  (the maps the asset tests build)

DRAW_TIMEOUT_MS = 15_000

_FONT_STATUS = """async () => {
    await document.fonts.ready;
    const faces = [];
    document.fonts.forEach(f => faces.push([f.family.replace(/"/g, ''), f.weight, f.status]));
    return faces;
}"""


def _assert_map_drawn(page: object) -> None:
    page.wait_for_selector(".leaflet-container", state="visible", timeout=DRAW_TIMEOUT_MS)  # type: ignore[attr-defined]
    path = page.wait_for_selector("path.leaflet-interactive", state="attached",  # type: ignore[attr-defined]
                                  timeout=DRAW_TIMEOUT_MS)
    box = path.bounding_box()
    assert box is not None and box["width"] > 10 and box["height"] > 10
    # the vendored CSS and plugins are in effect
    assert page.evaluate(  # type: ignore[attr-defined]
        "getComputedStyle(document.querySelector('.leaflet-container')).overflow") == "hidden"
    for selector in (".leaflet-control-minimap", ".leaflet-control-mouseposition",
                     ".leaflet-control-zoom-fullscreen", ".leaflet-control-layers",
                     ".leaflet-control-search", ".leaflet-control-locate",
                     ".awesome-marker", ".marker-cluster"):
        assert page.query_selector(selector) is not None, selector  # type: ignore[attr-defined]
    assert page.evaluate("typeof jQuery") == "function"  # type: ignore[attr-defined]
    faces = page.evaluate(_FONT_STATUS)  # type: ignore[attr-defined]
    loaded = {family for family, _weight, status in faces if status == "loaded"}
    assert "Font Awesome 6 Free" in loaded, faces
    assert "Glyphicons Halflings" in loaded, faces


def test_localized_map_served_locally_draws_offline(
    page: object,
    serve_dir: Callable[[Path], str],
    vendored: Path,
    tmp_path: Path,
    blocked_requests: list[str],
) -> None:
    site = tmp_path / "site"
    (site / "static").mkdir(parents=True)
    os.symlink(vendored, site / "static" / "vendor")
    m = build_map()
    localize(m, "/static/vendor/")
    localize(m, "/static/vendor/")  # a Streamlit rerun: must not drop anything
    (site / "index.html").write_text(m.get_root().render(), encoding="utf-8")  # type: ignore[attr-defined]
    base = serve_dir(site)

    responses: list[tuple[int, str]] = []
    page.on("response", lambda r: responses.append((r.status, r.url)))  # type: ignore[attr-defined]
    page.goto(base + "index.html", wait_until="load")  # type: ignore[attr-defined]
    _assert_map_drawn(page)
    assert blocked_requests == []
    failed = [(status, url) for status, url in responses if status >= 400]
    assert failed == []
    assert any(url.endswith("/static/vendor/leaflet/dist/leaflet.js") for _, url in responses)


def test_standalone_html_draws_from_file_url(
    page: object, vendored: Path, tmp_path: Path, blocked_requests: list[str],
) -> None:
    out = tmp_path / "standalone.html"
    out.write_text(render_standalone(build_map()), encoding="utf-8")
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))  # type: ignore[attr-defined]
    page.goto(out.as_uri(), wait_until="load")  # type: ignore[attr-defined]
    _assert_map_drawn(page)
    assert blocked_requests == []
    assert [u for u in requested if not u.startswith(("file:", "data:", "blob:"))] == []
