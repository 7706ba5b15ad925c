"""The atlas map on the screens planners use: fit the viewport, collapse panels, keep state.

Two elements, added to any atlas map (:func:`lukou_geo.map.render.build_map` adds :class:`ScreenFit`;
the pages add :class:`MapState`):

``ScreenFit``
    In the app the map lives in st_folium's iframe, whose height is fixed in pixels by the script.
    With ``fill`` the iframe's height follows the browser window (the window's height less the
    iframe's top in the page, whatever the page is scrolled to, never below ``min_height``), and the map
    inside fills its iframe; with ``fill="window"`` (a map further down a page, below a form) the iframe
    is as high as the window less ``bottom``, so scrolled to, the whole map is in the window. When the map is
    small (a laptop, a projector at 1024×768) the legend and the layer panel start folded; both can
    be folded and unfolded by their headings. A click on the map focuses it without scrolling the
    page (Leaflet's focus scrolled the app's page when the map reached below the window, so the
    first click on a feature landed elsewhere and opened nothing).
``MapState``
    What the map shows, reported back: the layers switched on in the map's own layer control go into
    st_folium's ``selected_layers`` (entries ``{"name": layer id, "url": "lk"}``), so a page that asks
    for ``selected_layers`` gets a rerun on every toggle and knows what the map shows. With ``url``
    the layers, centre, zoom and language are also kept in the app's address (``?show=a,b&c=lat,lon&z=..
    &lang=..``, replaced in place, no new history entry per pan), so a reload or Back/Forward comes back
    to the same map, and a permalink control gives the address.

The texts are :mod:`lukou_geo.text` keys ``map.*``; data reach the script as
:func:`~lukou_geo.map.render.script_json` and the DOM through ``textContent`` only.
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from lukou_geo.text import t

#: Below these map sizes (CSS pixels) the legend and the layer panel start folded.
COMPACT_WIDTH = 1100
COMPACT_HEIGHT = 700

SCREEN_CSS = """
<style>
html, body { margin: 0; }
body.lk-fill { overflow: hidden; }
body.lk-fill #map_div { height: 100vh !important; width: 100vw !important; }
.lk-popup-body { max-height: min(46vh, 340px); overflow-y: auto; overscroll-behavior: contain; padding-right: 4px; }
.lk-popup .lk-reader { display: block; border-top: 1px solid #e0e0e0; padding-top: 4px; margin-top: 4px; }
.leaflet-control-layers .lk-ctl-head { font-weight: 700; font-size: 13px; cursor: pointer; user-select: none; margin: 0 0 2px; }
.leaflet-control-layers.lk-collapsed .leaflet-control-layers-list { display: none; }
.leaflet-control-layers.lk-collapsed { overflow: hidden; }
.lk-label { display: inline-block; }
.lk-permalink { background: #fff; padding: 3px 8px; border-radius: 4px; font-size: 12px; box-shadow: 0 1px 4px rgba(0,0,0,.3);
  max-width: 60vw; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
</style>
"""


class ScreenFit(MacroElement):
    """Fill the viewport (``fill``), fold panels on small maps, focus without scrolling the page."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var O = {{ this.options_json }};
            var root = map.getContainer();
            // focus the map on click without scrolling the page that holds the iframe
            if (map.keyboard) {
                map.keyboard._onMouseDown = function() {
                    if (this._focused) return;
                    try { this._map._container.focus({preventScroll: true}); } catch (e) { /* old browser */ }
                };
            }
            root.addEventListener("mousedown", function() {
                if (document.activeElement !== root) { try { root.focus({preventScroll: true}); } catch (e) {} }
            }, true);
            var fe = null;
            try { fe = window.frameElement; } catch (e) { fe = null; }
            function fill() {
                if (!fe || !O.fill) return;
                var top;
                try { top = window.top; if (!top.document) return; } catch (e) { return; }
                var r = fe.getBoundingClientRect();
                // the iframe's top in the page as laid out, not as scrolled (Streamlit scrolls an inner element)
                var y = r.top + (top.scrollY || top.document.documentElement.scrollTop || 0);
                for (var p = fe.parentElement; p; p = p.parentElement) y += p.scrollTop || 0;
                var h = Math.max(O.min_height, Math.floor(top.innerHeight - (O.whole ? 0 : y) - O.bottom));
                var first = !document.body.classList.contains("lk-fill");
                document.body.classList.add("lk-fill");
                if (Math.abs(r.height - h) > 1) fe.style.setProperty("height", h + "px", "important");
                if (first || Math.abs(r.height - h) > 1) map.invalidateSize({pan: false});
            }
            if (fe && O.fill) {
                try {
                    window.top.addEventListener("resize", fill);
                    window.addEventListener("pagehide", function() { window.top.removeEventListener("resize", fill); });
                } catch (e) { /* another origin */ }
                fill();
                setTimeout(fill, 150);
                setTimeout(fill, 600);
                // a message shown above the map later moves it down: follow (sets the height only when it changed)
                var every = setInterval(function() { try { fill(); } catch (e) { clearInterval(every); } }, 1000);
                window.addEventListener("pagehide", function() { clearInterval(every); });
            }
            function head(ctl) {
                if (ctl.querySelector(".lk-ctl-head")) return;
                var h = document.createElement("div");
                h.className = "lk-ctl-head";
                h.textContent = O.layers + " ▾";
                h.title = O.toggle;
                h.addEventListener("click", function(e) {
                    e.stopPropagation();
                    ctl.classList.toggle("lk-collapsed");
                    h.textContent = O.layers + (ctl.classList.contains("lk-collapsed") ? " ▸" : " ▾");
                });
                ctl.insertBefore(h, ctl.firstChild);
            }
            function compact() {
                var s = map.getSize();
                var small = s.x < O.compact_w || s.y < O.compact_h;
                root.querySelectorAll(".leaflet-control-layers").forEach(function(ctl) {
                    head(ctl);
                    if (small && !ctl.dataset.lkFolded) {
                        ctl.dataset.lkFolded = "1";
                        ctl.classList.add("lk-collapsed");
                        ctl.querySelector(".lk-ctl-head").textContent = O.layers + " ▸";
                    }
                });
                if (small) root.querySelectorAll(".lk-legend").forEach(function(lg) {
                    if (!lg.dataset.lkFolded) { lg.dataset.lkFolded = "1"; lg.classList.add("lk-collapsed"); }
                });
                root.setAttribute("data-lk-compact", small ? "1" : "0");
            }
            map.whenReady(function() { setTimeout(compact, 0); setTimeout(compact, 700); });
            // labels of nearby points (渌口镇 and 区人民政府) must not run into one another: place each
            // point label right, left, above or below its point, the first place free of the labels already
            // placed; area labels stay where they are and are placed first
            function overlaps(a, b) {
                return a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
            }
            function declutter() {
                var labels = Array.prototype.slice.call(root.querySelectorAll(".leaflet-marker-pane .lk-label"));
                var placed = [];
                labels.filter(function(l) { return l.classList.contains("lk-label-context"); }).forEach(function(l) {
                    placed.push(l.getBoundingClientRect());
                });
                labels.filter(function(l) { return !l.classList.contains("lk-label-context"); }).forEach(function(l) {
                    l.style.transform = "";
                    var r0 = l.getBoundingClientRect(), w = r0.width, h = r0.height;
                    // the icon sits 6 px right of its point, vertically centred: right, left, above, below,
                    // then right a line higher or lower; if no place is free, the one that overlaps least
                    var moves = [[0, 0], [-(w + 12), 0], [-(w / 2 + 6), -(h / 2 + 7)], [-(w / 2 + 6), h / 2 + 7],
                                 [0, -(h + 1)], [0, h + 1], [-(w + 12), -(h + 1)], [-(w + 12), h + 1]];
                    var best = null, bestCost = Infinity;
                    for (var i = 0; i < moves.length; i++) {
                        var m = moves[i];
                        var r = {left: r0.left + m[0], right: r0.right + m[0], top: r0.top + m[1], bottom: r0.bottom + m[1]};
                        var cost = 0;
                        placed.forEach(function(p) {
                            if (overlaps(r, p)) {
                                cost += (Math.min(r.right, p.right) - Math.max(r.left, p.left))
                                    * (Math.min(r.bottom, p.bottom) - Math.max(r.top, p.top));
                            }
                        });
                        if (cost < bestCost) { best = m; bestCost = cost; }
                        if (cost === 0) break;
                    }
                    if (best[0] || best[1]) l.style.transform = "translate(" + best[0] + "px," + best[1] + "px)";
                    l.setAttribute("data-lk-place", String(moves.indexOf(best)));
                    placed.push(l.getBoundingClientRect());
                });
            }
            var dt = null;
            function later() { clearTimeout(dt); dt = setTimeout(declutter, 60); }
            map.on("zoomend overlayadd overlayremove layeradd", later);
            map.whenReady(function() { setTimeout(declutter, 100); setTimeout(declutter, 800); });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, lang: str, fill: bool | str = False, min_height: int = 360, bottom: int = 6):
        super().__init__()
        from lukou_geo.map.render import script_json

        self._name = "ScreenFit"
        self.options_json = script_json({
            "fill": bool(fill), "whole": fill == "window", "min_height": int(min_height), "bottom": int(bottom),
            "compact_w": COMPACT_WIDTH, "compact_h": COMPACT_HEIGHT,
            "layers": t("map.layers_head", lang), "toggle": t("map.layers_toggle", lang),
        })


#: ``fill="window"``: what the window keeps above the map when it is scrolled to (Streamlit's header, a margin)
WINDOW_MARGIN = 72


def add_screen_fit(m: folium.Map, lang: str, fill: bool | str = False, min_height: int = 360, bottom: int | None = None) -> ScreenFit:
    """Add :class:`ScreenFit` (and its CSS, once) to ``m``; with ``fill`` the map follows the window's height
    (``True``: to the window's bottom; ``"window"``: as high as the window less :data:`WINDOW_MARGIN`)."""
    if bottom is None:
        bottom = WINDOW_MARGIN if fill == "window" else 6
    for child in m._children.values():
        if isinstance(child, ScreenFit):
            m._children.pop(child.get_name())
            break
    else:
        m.get_root().header.add_child(Element(SCREEN_CSS), name="lk_screen_css")
    el = ScreenFit(lang, fill=fill, min_height=min_height, bottom=bottom)
    el.add_to(m)
    return el


class MapState(MacroElement):
    """Report the layers the map shows (st_folium ``selected_layers``) and keep the map's state in the address."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var O = {{ this.options_json }};
            var G = { {%- for lid, fg in this.groups %}{{ lid | tojson }}: {{ fg.get_name() }},{%- endfor %} };
            function shown() { return Object.keys(G).filter(function(lid) { return map.hasLayer(G[lid]); }).sort(); }
            function report() {
                var gd = window.__GLOBAL_DATA__;
                if (!gd) return;
                var sel = {};
                shown().forEach(function(lid) { sel["lk:" + lid] = {name: lid, url: "lk"}; });
                gd.selected_layers = sel;
            }
            var top = null, path = null;
            try { if (window.top !== window && window.top.document) { top = window.top; path = top.location.pathname; } } catch (e) { top = null; }
            function wanted() {
                var u = new URL(top.location.href), c = map.getCenter();
                u.searchParams.set("show", shown().join(","));
                u.searchParams.set("c", c.lat.toFixed(5) + "," + c.lng.toFixed(5));
                u.searchParams.set("z", String(Math.round(map.getZoom() * 100) / 100));
                u.searchParams.set("lang", O.lang);
                O.drop.forEach(function(k) { u.searchParams.delete(k); });
                if (O.keep) {  // only what the page reads: a foreign parameter is not carried into the permalink
                    var known = ["show", "c", "z", "lang"].concat(O.keep);
                    Array.from(u.searchParams.keys()).forEach(function(k) { if (known.indexOf(k) < 0) u.searchParams.delete(k); });
                }
                return u;
            }
            var link = null;
            function write() {
                if (!O.url || !top || top.location.pathname !== path) return;
                var u = wanted();
                if (u.href !== top.location.href) top.history.replaceState(top.history.state, "", u.href);
                if (link) { link.href = u.href; link.title = u.href; }
                document.documentElement.setAttribute("data-lk-url", u.search);
            }
            map.on("overlayadd overlayremove", function() { report(); write(); });
            map.on("moveend", write);
            map.whenReady(function() {
                report();
                setTimeout(write, 800);  // after st_folium has set the view it was asked for
            });
            if (O.url && top) {
                // a rerun of the app may put back the address it had; put the map's state back
                var timer = setInterval(function() { try { write(); } catch (e) { clearInterval(timer); } }, 1000);
                window.addEventListener("pagehide", function() { clearInterval(timer); });
            }
            if (O.url && O.permalink && top) {
                var c = L.control({position: "bottomright"});
                c.onAdd = function() {
                    var d = L.DomUtil.create("div", "lk-permalink");
                    d.id = "lk-permalink";
                    d.appendChild(document.createTextNode("↗ "));
                    link = document.createElement("a");
                    link.textContent = O.permalink;
                    link.setAttribute("target", "_top");
                    link.addEventListener("click", function(e) {
                        e.preventDefault();
                        var href = link.href;
                        try { top.navigator.clipboard.writeText(href); link.textContent = O.copied; } catch (err) { /* no clipboard */ }
                        setTimeout(function() { link.textContent = O.permalink; }, 2000);
                    });
                    d.appendChild(link);
                    L.DomEvent.disableClickPropagation(d);
                    return d;
                };
                c.addTo(map);
            }
            window.lkState = {shown: shown, url: function() { return top ? wanted().href : null; }};
        })();
        {% endmacro %}
        """
    )

    def __init__(self, groups: list[tuple[str, folium.FeatureGroup]], lang: str, url: bool = False,
                 permalink: bool = False, drop: tuple[str, ...] = (), keep: tuple[str, ...] | None = None):
        super().__init__()
        from lukou_geo.map.render import script_json

        self._name = "MapState"
        self.groups = groups
        self.options_json = script_json({
            "url": bool(url), "lang": lang, "drop": list(drop), "keep": None if keep is None else list(keep),
            "permalink": t("map.permalink", lang) if permalink else "", "copied": t("map.permalink_copied", lang),
        })


def add_map_state(m: folium.Map, lang: str, url: bool = False, permalink: bool = False,
                  drop: tuple[str, ...] = (), keep: tuple[str, ...] | None = None) -> MapState:
    """Add :class:`MapState` over the atlas layers of ``m`` (built by :func:`~lukou_geo.map.render.build_map`).

    ``drop``: query parameters removed from the address once the map keeps its own state (e.g. a
    one-off ``feature`` or ``layers`` link that the state now describes). ``keep``: when given, the
    only parameters kept besides the map's own state (show, c, z, lang); any other is removed.
    """
    from lukou_geo.meeting.present import atlas_groups

    el = MapState(atlas_groups(m), lang, url=url, permalink=permalink, drop=drop, keep=keep)
    el.add_to(m)
    return el


def shown_layers(out: Any) -> list[str] | None:
    """The layer ids a map with :class:`MapState` reported in st_folium's return value, or None if none yet."""
    if not isinstance(out, dict):
        return None
    sel = out.get("selected_layers")
    if not isinstance(sel, list):
        return None
    return sorted(str(s["name"]) for s in sel if isinstance(s, dict) and s.get("url") == "lk" and s.get("name"))
