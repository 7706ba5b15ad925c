"""How a feature looks, from its layer's catalog style and its precision: one definition for the
screen (:mod:`lukou_geo.map.render`) and for print and report images (:mod:`lukou_geo.map.figure`),
so the two cannot disagree. Kept apart from the folium code so that drawing a map image does not
import folium.
"""

from __future__ import annotations

from typing import Any

from lukou_geo.catalog import Layer

#: Dash pattern of each precision: solid only for official boundaries and geocoded points, so a
#: schematic line can never look like a surveyed one.
PRECISION_DASH: dict[str, str | None] = {
    "official": None,
    "geocoded": None,
    "approximate": "2 5",
    "schematic": "9 6",
}


def feature_style(layer: Layer, precision: str, basemap: str = "vector") -> dict[str, Any]:
    """Leaflet path options of a feature from its layer style and its precision."""
    s = layer.style
    style: dict[str, Any] = {
        "color": s["color"],
        "weight": s.get("weight", 2),
        "opacity": s.get("opacity", 1.0),
    }
    if layer.geometry in ("polygon", "point"):
        style["fillColor"] = s.get("fill_color", s["color"])
        fill = s.get("fill_opacity", 0.2)
        if basemap != "vector" and layer.role == "context" and layer.geometry == "polygon":
            fill = min(fill, 0.15)  # let the tiles show through the context fills
        style["fillOpacity"] = fill
    else:
        style["fill"] = False
    if layer.geometry == "point":
        style["radius"] = s.get("radius", 6)
        if precision == "schematic":
            style["fillOpacity"] = min(style["fillOpacity"], 0.45)
    dash = PRECISION_DASH.get(precision)
    if dash:
        style["dashArray"] = dash
    if s.get("stroke") is False and layer.geometry == "polygon":
        # zones built from township zones share their edges: stacked dashed outlines would read
        # as one solid (surveyed-looking) line, so such layers are drawn as fills only
        style["stroke"] = False
    return style
