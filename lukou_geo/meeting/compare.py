"""Compare two layer sets side by side: two atlas maps kept in step (folium DualMap, Leaflet.Sync).

Each side is a full atlas map (:func:`lukou_geo.map.render.build_map`) with its own visible layers,
legend and title; panning or zooming one moves the other. ``DualMap`` builds two bare maps, so
the atlas maps' elements are moved into them (their templates name their parent map at render
time, so moving is safe).
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import Element, MacroElement
from folium.plugins import DualMap
from jinja2 import Template

from lukou_geo.catalog import Catalog
from lukou_geo.map.render import MapOptions, build_map


class _SideTitle(MacroElement):
    """A title box on one side of the comparison."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var c = L.control({position: "bottomright"});
            c.onAdd = function() {
                var d = L.DomUtil.create("div", "lk-side-title");
                d.textContent = {{ this.title | tojson }};
                return d;
            };
            c.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, title: str):
        super().__init__()
        self._name = "SideTitle"
        self.title = title


_CSS = """<style>.lk-side-title { background: rgba(38,50,56,.88); color: #fff; padding: 6px 12px; border-radius: 6px;
font-size: 18px; font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; }</style>"""


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
                  tianditu_key: str | None = None) -> DualMap:
    """Two synced atlas maps: ``left`` and ``right`` are the visible layer ids of each side."""
    maps = [build_map(catalog, data, MapOptions(lang=lang, basemap=basemap, tianditu_key=tianditu_key,
                                                visible=vis, measure=False))
            for vis in (left, right)]
    dual = DualMap(location=maps[0].location, zoom_start=maps[0].options["zoom"], tiles=None,
                   control_scale=True, zoom_snap=0.25)
    dual.get_root().header.add_child(Element(_CSS), name="lk_compare_css")
    for src, dst, title in zip(maps, (dual.m1, dual.m2), (left_title, right_title), strict=True):
        _move(src, dst)
        _SideTitle(title).add_to(dst)
    return dual


def compare_html(dual: DualMap) -> str:
    """The comparison page's HTML (assets as the elements name them: localize first)."""
    return dual.get_root().render()
