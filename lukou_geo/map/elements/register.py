"""The project register on a map: every project a point at its centre, coloured by its status, and the
status legend (:data:`lukou_geo.registry.records.STATUS_COLOURS`, the one place the colours are named).

A register of 10,000 projects is 10,000 points, not 10,000 polygons: the page carries one compact array
(``[lon, lat, status index, id]`` with 5 decimals) and the names beside it, drawn by one layer on one canvas
in a pass per status (no Leaflet layer, no DOM node per project; redrawn when the map has moved); the
point under the cursor is found by a scan of the screen positions (hover: its tooltip; click: the layer's
``click`` event). Names reach the page only as :func:`~lukou_geo.map.render.script_json`
data and go into the DOM with ``textContent`` (a tooltip made when it opens), never into script text.
When the points are drawn the map's container gets ``data-lk-register`` (the number drawn), which the
benchmark and the browser tests wait for.

A click on a point opens the project: the layer's tooltip is a function of the clicked point, so st_folium reports it as
``last_object_clicked_tooltip`` (``#ID name · status``), read back by :func:`clicked_project`.
"""

from __future__ import annotations

import re
from typing import Any

import folium
from branca.element import MacroElement
from jinja2 import Template

from lukou_geo.map.render import script_json
from lukou_geo.text import t

#: Decimals of the points sent (5 ≈ 1 m).
DECIMALS = 5

_LEGEND_JS = """
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function() {
                var div = L.DomUtil.create("div", "lk-register-legend");
                div.style.cssText = "background:rgba(255,255,255,.92);padding:4px 8px;border-radius:6px;" +
                    "box-shadow:0 1px 4px rgba(0,0,0,.3);font-size:12px;line-height:1.6;";
                var head = document.createElement("div");
                head.style.fontWeight = "700";
                head.textContent = DATA.title;
                div.appendChild(head);
                DATA.statuses.forEach(function(s) {
                    var row = document.createElement("div");
                    row.className = "lk-register-row";
                    var dot = document.createElement("span");
                    dot.style.cssText = "display:inline-block;width:11px;height:11px;border-radius:50%;margin-right:5px;" +
                        "vertical-align:-1px;border:1px solid #fff;background:" + s.color + ";";
                    row.appendChild(dot);
                    row.appendChild(document.createTextNode(s.label));
                    div.appendChild(row);
                });
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            legend.addTo(map);
"""


def status_rows(lang: str) -> list[dict[str, str]]:
    """The statuses in order with their colour and label in ``lang`` (Chinese, or English after it)."""
    from lukou_geo.registry.records import STATUS_COLOURS, STATUS_EN, STATUSES

    return [{"status": s, "color": STATUS_COLOURS[s], "label": s if lang == "zh" else f"{STATUS_EN[s]} ({s})"} for s in STATUSES]


class RegisterLayer(MacroElement):
    """The register's projects (``points``: dicts with ``id``, ``name``, ``status``, ``lon``, ``lat``) on the map,
    with the status legend; ``fit``: zoom to them once drawn."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var DATA = {{ this.data_json }};
            var pts = DATA.pts, names = DATA.names, n = pts.length, R = 6;
            var xy = new Float32Array(2 * n);
            var Dots = L.Layer.extend({
                onAdd: function(m) {
                    var c = this._canvas = L.DomUtil.create("canvas", "lk-register-canvas leaflet-zoom-hide");
                    c.style.pointerEvents = "none";
                    c.style.position = "absolute";
                    m.getPanes().overlayPane.appendChild(c);
                    m.on("moveend zoomend resize viewreset", this._draw, this);
                    // on the map's container, before Leaflet: the plan's features under a point stop their clicks
                    var self = this, box = m.getContainer();
                    this._onMove = function(ev) { self._hover(ev); };
                    this._onClick = function(ev) { if (self._click(ev)) { ev.stopPropagation(); } };
                    box.addEventListener("mousemove", this._onMove, true);
                    box.addEventListener("click", this._onClick, true);
                    this._draw();
                },
                onRemove: function(m) {
                    L.DomUtil.remove(this._canvas);
                    m.off("moveend zoomend resize viewreset", this._draw, this);
                    m.getContainer().removeEventListener("mousemove", this._onMove, true);
                    m.getContainer().removeEventListener("click", this._onClick, true);
                },
                _draw: function() {
                    var m = this._map, size = m.getSize(), c = this._canvas, dpr = window.devicePixelRatio || 1;
                    L.DomUtil.setPosition(c, m.containerPointToLayerPoint([0, 0]));
                    c.width = Math.max(1, size.x * dpr); c.height = Math.max(1, size.y * dpr);
                    c.style.width = size.x + "px"; c.style.height = size.y + "px";
                    var ctx = c.getContext("2d");
                    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
                    for (var i = 0; i < n; i++) {
                        var q = m.latLngToContainerPoint([pts[i][1], pts[i][0]]);
                        xy[2 * i] = q.x; xy[2 * i + 1] = q.y;
                    }
                    ctx.lineWidth = 1; ctx.strokeStyle = "#ffffff";
                    for (var s = 0; s < DATA.statuses.length; s++) {
                        ctx.beginPath();
                        for (var k = 0; k < n; k++) {
                            var x = xy[2 * k], y = xy[2 * k + 1];
                            if (pts[k][2] !== s || x < -R || y < -R || x > size.x + R || y > size.y + R) { continue; }
                            ctx.moveTo(x + R, y); ctx.arc(x, y, R, 0, 2 * Math.PI);
                        }
                        ctx.fillStyle = DATA.statuses[s].color; ctx.globalAlpha = 0.9; ctx.fill();
                        ctx.globalAlpha = 1; ctx.stroke();
                    }
                },
                _at: function(ev) {
                    var p = this._map.mouseEventToContainerPoint(ev), best = -1, bd = (R + 2) * (R + 2);
                    for (var i = 0; i < n; i++) {
                        var dx = xy[2 * i] - p.x, dy = xy[2 * i + 1] - p.y, d = dx * dx + dy * dy;
                        if (d <= bd) { bd = d; best = i; }
                    }
                    return best;
                },
                _hover: function(e) {
                    var k = this._at(e), m = this._map;
                    m.getContainer().style.cursor = k < 0 ? "" : "pointer";
                    if (k < 0) { if (this._tip) { m.closeTooltip(this._tip); this._tip = null; } return; }
                    if (!this._tip) { this._tip = L.tooltip({direction: "top", offset: [0, -R]}); }
                    this._tip.setLatLng([pts[k][1], pts[k][0]]).setContent(this._label(k));
                    if (!m.hasLayer(this._tip)) { this._tip.addTo(m); }
                },
                _click: function(ev) {
                    var k = this._at(ev);
                    if (k >= 0) { this.fire("click", {latlng: L.latLng(pts[k][1], pts[k][0]), sourceTarget: {lkIndex: k}}); }
                    return k >= 0;
                },
                _label: function(k) {
                    var span = document.createElement("span");
                    span.textContent = "#" + pts[k][3] + " " + String(names[k]) + " · " + DATA.statuses[pts[k][2]].label;
                    return span;
                }
            });
            var dots = new Dots();
            dots.points = pts;  // [lon, lat, status index, id] (the tests find a point's place on the screen)
            // st_folium reads a clicked layer's tooltip as getTooltip().getContent()(sourceTarget): the clicked
            // point's label (no Leaflet tooltip is bound: the hover tooltip above is the layer's own)
            var label = function(src) { return dots._label(src && src.lkIndex >= 0 ? src.lkIndex : 0); };
            dots._tooltip = {_content: label, getContent: function() { return label; }};
            dots.addTo(map);
            map.lkRegister = dots;
            if (DATA.fit && n) {
                var b = L.latLngBounds([]);
                for (var j = 0; j < n; j++) { b.extend([pts[j][1], pts[j][0]]); }
                if (b.isValid()) { map.fitBounds(b, {padding: [24, 24], maxZoom: 15, animate: false}); }
            }
""" + _LEGEND_JS + """
            map.getContainer().setAttribute("data-lk-register", String(n));
        })();
        {% endmacro %}
        """
    )

    def __init__(self, points: list[dict[str, Any]], lang: str, fit: bool = False):
        super().__init__()
        self._name = "RegisterLayer"
        rows = status_rows(lang)
        index = {r["status"]: i for i, r in enumerate(rows)}
        pts = [[round(float(p["lon"]), DECIMALS), round(float(p["lat"]), DECIMALS), index.get(p["status"], 0), int(p["id"])]
               for p in points]
        self.data_json = script_json({"pts": pts, "names": [str(p["name"]) for p in points], "fit": bool(fit),
                                      "statuses": [{"color": r["color"], "label": r["label"]} for r in rows],
                                      "title": t("registry.map_legend", lang)})


class StatusLegend(MacroElement):
    """The status legend alone (the project page's map)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var DATA = {{ this.data_json }};
""" + _LEGEND_JS + """
        })();
        {% endmacro %}
        """
    )

    def __init__(self, lang: str):
        super().__init__()
        self._name = "StatusLegend"
        self.data_json = script_json({"statuses": [{"color": r["color"], "label": r["label"]} for r in status_rows(lang)],
                                      "title": t("registry.map_legend", lang)})


def add_register(m: folium.Map, points: list[dict[str, Any]], lang: str, fit: bool = False) -> RegisterLayer:
    """Draw the register's ``points`` on ``m`` (see :class:`RegisterLayer`)."""
    layer = RegisterLayer(points, lang, fit)
    layer.add_to(m)
    return layer


_CLICKED = re.compile(r"^\s*#(\d+)\s")


def clicked_project(out: dict[str, Any] | None) -> int | None:
    """The id of the project whose point was clicked, from st_folium's ``last_object_clicked_tooltip``."""
    tip = (out or {}).get("last_object_clicked_tooltip")
    match = _CLICKED.match(str(tip)) if tip else None
    return int(match.group(1)) if match else None


__all__ = ["RegisterLayer", "StatusLegend", "add_register", "clicked_project", "status_rows"]
