"""The presentation map: the atlas map plus a small controller that steps through a deck.

The whole deck lives in one folium map: every layer any slide shows is drawn once (by the atlas
renderer) and the controller only toggles the layers' FeatureGroups, fits the slide's extent and
highlights its features, on ←/→, PageUp/PageDown (what a presentation clicker sends), Space,
Home/End, or its buttons. No server round trip per slide, so the same map works in the Streamlit
presentation page and in the exported single-file HTML opened from ``file://``.

The controller is written here (about 120 lines of JavaScript) rather than taken from a
slide-show library: the slide state is the atlas's own layer groups and feature registry
(``window.lkAtlas``), which no map or slide plugin knows about. It exposes ``window.lkDeck``
(``go(i)``, ``next()``, ``prev()``, ``index``, ``count``) for tests and for the page.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import folium
from branca.element import Element, MacroElement
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps

from lukou_geo.catalog import Catalog
from lukou_geo.map.measure import add_measure
from lukou_geo.map.render import MapOptions, build_map
from lukou_geo.meeting.deck import Deck, slide_bounds
from lukou_geo.text import t

#: The controller's own texts (``deck.*`` in :mod:`lukou_geo.text`).
_DECK_TEXT_KEYS = ("prev", "next", "keys", "fold", "goto")

_DECK_CSS = """
<style>
.leaflet-control-layers { display: none; }
.lk-deck { background: rgba(255,255,255,.95); border-radius: 8px; box-shadow: 0 2px 10px rgba(0,0,0,.35);
  padding: 10px 14px; width: clamp(250px, 27vw, 460px); max-height: min(64vh, 620px); overflow-y: auto; color: #212121;
  font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif; box-sizing: border-box; }
.lk-deck .lk-deck-head { display: flex; align-items: flex-start; gap: 6px; }
.lk-deck h2 { font-size: clamp(17px, 1.5vw, 28px); line-height: 1.25; margin: 0 0 6px; flex: 1; }
.lk-deck .lk-deck-fold { flex: none; font-size: 14px; padding: 0 6px; line-height: 1.6; }
.lk-deck .lk-deck-note { font-size: clamp(13px, 1.05vw, 19px); line-height: 1.5; margin: 0 0 6px; }
.lk-deck blockquote { font-size: clamp(12px, .9vw, 16px); line-height: 1.45; margin: 4px 0; padding-left: 8px;
  border-left: 4px solid #90a4ae; color: #37474f; }
.lk-deck .lk-cite { display: block; font-size: 12px; color: #78909c; }
.lk-deck .lk-deck-nav { display: flex; align-items: center; gap: 8px; margin-top: 6px; font-size: 15px; flex-wrap: wrap; }
.lk-deck button { font-size: 14px; padding: 3px 10px; cursor: pointer; }
.lk-deck .lk-deck-count { font-weight: 700; white-space: nowrap; }
.lk-deck .lk-deck-num { width: 3.2em; font-size: 15px; font-weight: 700; text-align: center; }
.lk-deck .lk-deck-keys { color: #90a4ae; font-size: 11px; }
.lk-deck.lk-deck-folded .lk-deck-body, .lk-deck.lk-deck-folded .lk-deck-keys { display: none; }
.lk-legend { font-size: clamp(12px, .85vw, 15px); }
</style>
"""


class _DeckController(MacroElement):
    """Steps through the slides: toggles the atlas's FeatureGroups, fits, highlights."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var S = {{ this.slides_json }};
            var T = {{ this.texts_json }};
            var G = { {%- for lid, fg in this.groups %}{{ lid | tojson }}: {{ fg.get_name() }},{%- endfor %} };
            var atlas = window.lkAtlas || {layers: {}};
            if (map.keyboard) map.keyboard.disable();  // the arrows step slides, not pan the map
            function el(tag, cls, text) {
                var e = document.createElement(tag);
                if (cls) e.className = cls;
                if (text !== undefined && text !== null) e.textContent = String(text);
                return e;
            }
            var box;
            var panel = L.control({position: "topright"});
            panel.onAdd = function() {
                box = L.DomUtil.create("div", "lk-deck");
                box.id = "lk-deck";
                L.DomEvent.disableClickPropagation(box);
                L.DomEvent.disableScrollPropagation(box);
                return box;
            };
            panel.addTo(map);
            var lit = [];
            function paths(lyr, fn) {
                if (lyr.setStyle) fn(lyr); else if (lyr.eachLayer) lyr.eachLayer(function(l) { paths(l, fn); });
            }
            function fit(s) {
                // keep the slide's extent clear of the slide panel on the right
                var right = box && box.offsetWidth < map.getSize().x / 2 ? box.offsetWidth + 36 : 24;
                if (s.center) map.setView(s.center, s.zoom);
                else map.fitBounds(s.bounds, {paddingTopLeft: [24, 24], paddingBottomRight: [right, 24]});
            }
            function draw(i) {
                var s = S[i];
                box.textContent = "";
                var head = el("div", "lk-deck-head");
                head.appendChild(el("h2", "lk-deck-title", s.title));
                var fold = el("button", "lk-deck-fold", box.classList.contains("lk-deck-folded") ? "▸" : "▾");
                fold.type = "button";
                fold.title = T.fold;
                L.DomEvent.on(fold, "click", function(e) {
                    L.DomEvent.stop(e);
                    box.classList.toggle("lk-deck-folded");
                    fold.textContent = box.classList.contains("lk-deck-folded") ? "▸" : "▾";
                    fit(S[deck.index]);
                });
                head.appendChild(fold);
                box.appendChild(head);
                var body = el("div", "lk-deck-body");
                if (s.note) body.appendChild(el("p", "lk-deck-note", s.note));
                s.quotes.forEach(function(q) {
                    var b = el("blockquote", "", "「" + q[0] + "」");
                    var c = el("span", "lk-cite", q[1]);
                    c.setAttribute("data-anchor", q[2]);
                    b.appendChild(c);
                    body.appendChild(b);
                });
                box.appendChild(body);
                var nav = el("div", "lk-deck-nav");
                var prev = el("button", "lk-deck-prev", T.prev), next = el("button", "lk-deck-next", T.next);
                prev.type = next.type = "button";
                prev.disabled = i === 0; next.disabled = i === S.length - 1;
                L.DomEvent.on(prev, "click", function(e) { L.DomEvent.stop(e); deck.prev(); });
                L.DomEvent.on(next, "click", function(e) { L.DomEvent.stop(e); deck.next(); });
                nav.appendChild(prev);
                // the slide-number box: shows the slide the deck is on, and goes to the one typed
                var count = el("span", "lk-deck-count");
                var num = el("input", "lk-deck-num");
                num.type = "number"; num.min = "1"; num.max = String(S.length); num.value = String(i + 1);
                num.title = T.goto;
                num.setAttribute("aria-label", T.goto);
                num.addEventListener("change", function() {
                    var v = parseInt(num.value, 10);
                    if (v >= 1 && v <= S.length) show(v - 1); else num.value = String(deck.index + 1);
                });
                num.addEventListener("keydown", function(e) { e.stopPropagation(); });
                count.appendChild(num);
                count.appendChild(document.createTextNode(" / " + S.length));
                nav.appendChild(count);
                nav.appendChild(next);
                box.appendChild(nav);
                box.appendChild(el("div", "lk-deck-keys", T.keys));
            }
            function keep(i) {  // in the app, the slide goes into the address: a reload comes back to it
                try {
                    var top = window.top;
                    if (top === window || top.location.pathname.slice(-8) !== "/present") return;
                    var u = new URL(top.location.href);
                    u.searchParams.set("slide", String(i + 1));
                    if (u.href !== top.location.href) top.history.replaceState(top.history.state, "", u.href);
                } catch (e) { /* another origin */ }
            }
            function show(i) {
                i = Math.max(0, Math.min(S.length - 1, i));
                var s = S[i];
                Object.keys(G).forEach(function(lid) {
                    var on = s.layers.indexOf(lid) >= 0;
                    if (on && !map.hasLayer(G[lid])) map.addLayer(G[lid]);
                    if (!on && map.hasLayer(G[lid])) map.removeLayer(G[lid]);
                });
                lit.forEach(function(l) { l.setStyle(l._lkBefore); });
                lit = [];
                s.highlight.forEach(function(h) {
                    var f = (atlas.layers[h[0]] || {})[h[1]];
                    if (!f) return;
                    paths(f, function(l) {
                        l._lkBefore = {color: l.options.color, weight: l.options.weight};
                        l.setStyle({color: "#ffb300", weight: (l.options.weight || 2) + 3});
                        if (l.bringToFront) l.bringToFront();
                        lit.push(l);
                    });
                });
                draw(i);
                fit(s);
                deck.index = i;
                keep(i);
                document.documentElement.setAttribute("data-lk-slide", String(i));
            }
            var deck = window.lkDeck = {
                count: S.length, index: 0, slides: S,
                shown: function() { return Object.keys(G).filter(function(lid) { return map.hasLayer(G[lid]); }).sort(); },
                go: show,
                next: function() { show(deck.index + 1); },
                prev: function() { show(deck.index - 1); }
            };
            function onKey(e) {
                var t = e.target, tag = t && t.tagName ? t.tagName.toLowerCase() : "";
                if (tag === "input" || tag === "textarea" || tag === "select" || (t && t.isContentEditable)) return;
                if (e.altKey || e.ctrlKey || e.metaKey) return;
                var k = e.key;
                if (k === "ArrowRight" || k === "PageDown" || k === "ArrowDown" || k === " " || k === "Enter") deck.next();
                else if (k === "ArrowLeft" || k === "PageUp" || k === "ArrowUp" || k === "Backspace") deck.prev();
                else if (k === "Home") show(0);
                else if (k === "End") show(S.length - 1);
                else return;
                e.preventDefault();
            }
            document.addEventListener("keydown", onKey);
            // In the app the map is in an iframe: listen on the page too (same origin), so the
            // clicker works wherever the focus is; stop listening when this map goes away.
            try {
                if (window.parent && window.parent !== window && window.parent.document) {
                    var pd = window.parent.document;
                    pd.addEventListener("keydown", onKey);
                    window.addEventListener("pagehide", function() { pd.removeEventListener("keydown", onKey); });
                }
            } catch (err) { /* another origin: keys work when the map has the focus */ }
            show({{ this.start }});
            setTimeout(function() { map.invalidateSize(); fit(S[deck.index]); }, 250);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, slides: list[dict[str, Any]], groups: list[tuple[str, folium.FeatureGroup]], lang: str,
                 start: int = 0):
        super().__init__()
        self._name = "DeckController"
        dumps = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))
        self.slides_json = htmlsafe_json_dumps(slides, dumps=dumps)
        self.texts_json = htmlsafe_json_dumps({k: t(f"deck.{k}", lang) for k in _DECK_TEXT_KEYS}, dumps=dumps)
        self.groups = groups
        self.start = int(start)


def atlas_groups(m: folium.Map) -> list[tuple[str, folium.FeatureGroup]]:
    """(layer id, FeatureGroup) of every layer the atlas renderer drew on ``m``."""
    for child in m._children.values():
        if type(child).__name__ == "_AtlasLayers":
            return list(child.groups)
    raise ValueError("the map has no atlas layers (build it with lukou_geo.map.render.build_map)")


def slides_data(deck: Deck, data: dict[str, dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The slides as the controller gets them (texts, visible layers, bounds, highlights)."""
    owner = {f["properties"]["id"]: lid for lid, fc in data.items() for f in fc["features"]}
    out = []
    for s in deck.slides:
        visible = deck.visible(s)
        out.append({
            "id": s.id,
            "title": s.title(lang),
            "note": s.note(lang),
            "quotes": [[q.quote, q.label(lang), q.anchor] for q in s.quotes],
            "layers": sorted(lid for lid in visible if lid in data),
            "bounds": slide_bounds(s, data),
            "center": list(s.center) if s.center else None,
            "zoom": s.zoom,
            "highlight": [[owner[fid], fid] for fid in s.highlight if owner.get(fid) in visible],
        })
    return out


def deck_data(deck: Deck, data: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Only the layers the deck shows (and the district, which the map needs for its extent)."""
    keep = set(deck.layer_ids()) | {"district"}
    return {lid: fc for lid, fc in data.items() if lid in keep}


def build_deck_map(catalog: Catalog, data: dict[str, dict[str, Any]], deck: Deck, lang: str = "zh",
                   basemap: str = "vector", height: int = 720, start: int = 0,
                   tianditu_key: str | None = None, measure: bool = True) -> folium.Map:
    """The atlas map of a deck's layers with the presentation controller on slide ``start``."""
    sub = deck_data(deck, data)
    start = max(0, min(len(deck.slides) - 1, start))
    opts = MapOptions(lang=lang, basemap=basemap, tianditu_key=tianditu_key,
                      visible=deck.visible(deck.slides[start]), height=height)
    m = build_map(catalog, sub, opts)
    m.get_root().header.add_child(Element(_DECK_CSS))
    if measure and not any(type(c).__name__ == "MeasureControl" for c in m._children.values()):
        add_measure(m, lang)
    _DeckController(slides_data(deck, sub, lang), atlas_groups(m), lang, start).add_to(m)
    return m
