"""Compare two layer sets side by side: two atlas maps kept in step (folium DualMap, Leaflet.Sync).

Each side is a full atlas map (:func:`lukou_geo.map.render.build_map`) with its own visible layers,
legend and title; panning or zooming one moves the other. ``DualMap`` builds two bare maps, so
the atlas maps' elements are moved into them (their templates name their parent map at render
time, so moving is safe). With ``fill`` (the app's 对比 page) the frame follows the browser window
(:class:`lukou_geo.map.elements.screen.ScreenFit`) and :class:`_FitDistrict` keeps the district in view
of the half-width maps while the window's size changes, until the user moves the map.
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import Element, MacroElement
from folium.plugins import DualMap
from jinja2 import Template

from lukou_geo.catalog import Catalog
from lukou_geo.map.render import MapOptions, build_map
from lukou_geo.meeting.deck import bounds_of


class _SideTitle(MacroElement):
    """A title box on one side of the comparison."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }}, box = null;
            // on a narrow map (two side by side on a laptop or a projector) the title would cover the legend or
            // the district: it is left out there (the page's selectors above the maps name both sides) and
            // comes back when the map is wide again (full screen)
            function fit() { if (box) box.style.display = map.getSize().x < 550 ? "none" : ""; }
            var c = L.control({position: "bottomright"});
            c.onAdd = function() {
                box = L.DomUtil.create("div", "lk-side-title");
                box.textContent = {{ this.title | tojson }};
                return box;
            };
            c.addTo(map);
            fit();
            map.on("resize", fit);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, title: str):
        super().__init__()
        self._name = "SideTitle"
        self.title = title


class _FitDistrict(MacroElement):
    """Fit the district into the map once its size is known, and again on each resize until the user pans or zooms."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var bounds = {{ this.bounds | tojson }}, touched = false;
            function fit() { if (!touched) map.fitBounds(bounds, {animate: false}); }
            ["mousedown", "wheel", "touchstart", "keydown"].forEach(function(ev) {
                map.getContainer().addEventListener(ev, function() { touched = true; }, {capture: true, passive: true});
            });
            map.on("resize", fit);
            map.whenReady(fit);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]]):
        super().__init__()
        self._name = "FitDistrict"
        self.bounds = bounds


_CSS = """<style>.lk-side-title { background: rgba(38,50,56,.88); color: #fff; padding: 6px 12px; border-radius: 6px;
font-size: 18px; font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; }
</style>"""


def _move(src: folium.Map, dst: folium.Map) -> None:
    dst.default_js = list(src.default_js)
    dst.default_css = list(src.default_css)
    for name, child in list(src._children.items()):
        dst.add_child(child, name=name)
    dst_header = dst.get_root().header
    for name, el in src.get_root().header._children.items():
        if name != "meta_http" and name not in dst_header._children:
            dst_header.add_child(el, name=name)


def build_compare(catalog: Catalog, data: dict[str, dict[str, Any]], left: frozenset[str], right: frozenset[str],
                  left_title: str, right_title: str, lang: str = "zh", basemap: str = "vector",
                  tianditu_key: str | None = None, fill: bool = False) -> DualMap:
    """Two synced atlas maps: ``left`` and ``right`` are the visible layer ids of each side; ``fill``: the
    frame they are drawn in follows the browser window's height (in the app)."""
    maps = [build_map(catalog, data, MapOptions(lang=lang, basemap=basemap, tianditu_key=tianditu_key,
                                                visible=vis, measure=False, fill=fill))
            for vis in (left, right)]
    dual = DualMap(location=maps[0].location, zoom_start=maps[0].options["zoom"], tiles=None,
                   control_scale=True, zoom_snap=0.25)
    dual.get_root().header.add_child(Element(_CSS), name="lk_compare_css")
    for src, dst, title in zip(maps, (dual.m1, dual.m2), (left_title, right_title), strict=True):
        _move(src, dst)
        _SideTitle(title).add_to(dst)
    if fill:  # the maps are synced: fitting the left one places both
        _FitDistrict(bounds_of([data["district"]])).add_to(dual.m1)
    return dual


def compare_html(dual: DualMap) -> str:
    """The comparison page's HTML (assets as the elements name them: localize first)."""
    return dual.get_root().render()
