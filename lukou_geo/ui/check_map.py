"""What the check page's map asks to check: a click is a point, a shape drawn with the tools is the shape.

st_folium reports a click on any layer of the map (a plan zone, a park disc) as ``last_active_drawing``
(the clicked feature) and ``last_object_clicked`` (the clicked position); a click on the basemap as
``last_clicked``. Reading ``last_active_drawing`` first checked the clicked plan feature (the whole
淦田工业园 disc) instead of the clicked place. :func:`map_pick` follows the map's last gesture across
reruns instead: a new or changed drawing in ``all_drawings`` (the draw tools' layer) is checked as
drawn; a new click, on the basemap or on a feature, is a point at the clicked position.
"""

from __future__ import annotations

import json
from typing import Any

from branca.element import MacroElement
from jinja2 import Template

from lukou_geo.map.render import script_json
from lukou_geo.text import t

#: The verdict colours of the checked projects on the map (and in its legend), by verdict code.
VERDICT_COLOURS: dict[str, str] = {"符合": "#2e7d32", "需关注": "#f9a825", "冲突": "#c62828"}
_VERDICT_KEYS = {"符合": "check.verdict.fits", "需关注": "check.verdict.attention", "冲突": "check.verdict.conflict"}


def _key(v: Any) -> str:
    return json.dumps(v, sort_keys=True, ensure_ascii=False, default=str)


def map_pick(out: dict[str, Any] | None, seen: dict[str, Any]) -> dict[str, Any] | None:
    """The GeoJSON geometry (WGS-84) the map's last gesture asks to check, or None.

    ``out`` is st_folium's return value (``all_drawings``, ``last_active_drawing``, ``last_object_clicked``,
    ``last_clicked``);
    ``seen`` is kept between reruns (e.g. in the session state) and updated here. The map's last
    gesture decides:

    - a drawing added, edited or removed with the draw tools: the drawn shape (the one last touched
      when it is among the drawings, else the last one drawn; nothing when none is left);
    - a click on a drawn shape: that shape;
    - any other click, on the basemap or on a plan feature: a point at the clicked position.
    """
    out = out or {}
    drawings = [f.get("geometry") for f in (out.get("all_drawings") or []) if isinstance(f, dict) and f.get("geometry")]
    active = (out.get("last_active_drawing") or {}).get("geometry") if isinstance(out.get("last_active_drawing"), dict) else None
    click, on_object = out.get("last_clicked"), out.get("last_object_clicked")
    keys = {"drawings": _key(drawings), "active": _key(active), "click": _key(click), "object": _key(on_object)}
    changed = {k for k, v in keys.items() if seen.get(k) != v}
    first = not seen
    seen.update(keys)
    if first:
        seen["pick"] = drawings[-1] if drawings else None
    elif "drawings" in changed:
        seen["pick"] = (active if active in drawings else drawings[-1]) if drawings else None
    elif "active" in changed and active is not None and active in drawings:
        seen["pick"] = active
    else:
        for name, where in (("object", on_object), ("click", click)):
            if name in changed and isinstance(where, dict) and "lat" in where and "lng" in where:
                seen["pick"] = {"type": "Point", "coordinates": [float(where["lng"]), float(where["lat"])]}
                break
    return seen.get("pick")


def describe_pick(geom: dict[str, Any] | None) -> str:
    """A short plain-text description of a pick: ``点 113.14750, 27.60500`` style coordinates or the kind."""
    if not geom:
        return ""
    if geom.get("type") == "Point":
        lon, lat = geom["coordinates"][:2]
        return f"{lon:.5f}, {lat:.5f}"
    return str(geom.get("type", ""))


class CheckMapExtras(MacroElement):
    """What the check page adds to the atlas map: a legend of the verdict colours (bottom right, clear of
    the draw tools), the plan legend folded to its heading (unfolded it covered the draw tools), and a
    map container that takes focus without scrolling the page (the focus Leaflet gives the map on a
    press scrolled Streamlit's page, so the click landed ~40 px from where it was pressed).

    Texts reach the page as :func:`~lukou_geo.map.render.script_json` data and go into the DOM with
    ``textContent``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var DATA = {{ this.data_json }};
            var box = map.getContainer();
            box.focus = function(opts) { HTMLElement.prototype.focus.call(this, Object.assign({preventScroll: true}, opts || {})); };
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function() {
                var div = L.DomUtil.create("div", "lk-verdict-legend");
                div.style.cssText = "background:rgba(255,255,255,.92);padding:4px 8px;border-radius:6px;" +
                    "box-shadow:0 1px 4px rgba(0,0,0,.3);font-size:12px;line-height:1.6;";
                var head = document.createElement("div");
                head.style.fontWeight = "700";
                head.textContent = DATA.title;
                div.appendChild(head);
                DATA.rows.forEach(function(r) {
                    var row = document.createElement("div");
                    row.className = "lk-verdict-row";
                    var dot = document.createElement("span");
                    dot.style.cssText = "display:inline-block;width:11px;height:11px;border-radius:50%;margin-right:5px;" +
                        "vertical-align:-1px;border:2px solid " + r.color + ";background:" + r.color + "80;";
                    row.appendChild(dot);
                    row.appendChild(document.createTextNode(r.label));
                    div.appendChild(row);
                });
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            legend.addTo(map);
            setTimeout(function() {
                var plan = box.querySelector(".lk-legend");
                if (plan) { plan.classList.add("lk-collapsed"); }
            }, 0);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, lang: str):
        super().__init__()
        self._name = "CheckMapExtras"
        rows = [{"color": c, "label": t(_VERDICT_KEYS[v], lang)} for v, c in VERDICT_COLOURS.items()]
        self.data_json = script_json({"title": t("check.legend", lang), "rows": rows})


class FitToProjects(MacroElement):
    """Zoom the map to the checked projects when they are drawn (added to their feature group).

    st_folium evaluates a feature group's script only when it changes, so the map zooms once per new
    result and the planner's own pans are kept. The padding keeps the projects clear of the controls
    on either side (draw tools at the left, layer panel at the right); at most zoom 16.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent._parent.get_name() }};
            var fg = {{ this._parent.get_name() }};
            setTimeout(function() {
                var b = fg.getBounds();
                if (!b.isValid()) { return; }
                var box = map.getContainer(), size = map.getSize();
                function width(sel) { var e = box.querySelector(sel); return e ? e.getBoundingClientRect().width : 0; }
                var left = width(".leaflet-top.leaflet-left") + 16, right = width(".leaflet-top.leaflet-right") + 16;
                if (left + right > size.x * 0.7) { left = 24; right = 24; }
                map.fitBounds(b, {paddingTopLeft: [left, 24], paddingBottomRight: [right, 48], maxZoom: 16, animate: false});
            }, 0);
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "FitToProjects"


__all__ = ["VERDICT_COLOURS", "CheckMapExtras", "FitToProjects", "describe_pick", "map_pick"]
