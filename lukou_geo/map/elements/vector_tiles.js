/* The browser side of lukou_geo/map/elements/vector_tiles.py: the store's layers as vector tiles.
 * Everything it shows comes in as data (cfg, from script_json) or as JSON from the /lk/ routes, and
 * reaches the DOM through textContent only. The tile layers are not interactive: a map click asks
 * the server what lies under it (identify). This file must not hold two opening braces in a row,
 * nor a brace followed by % or # (branca renders the map script as a Jinja template). */
function lkVectorTiles(map, cfg, groups) {
    var T = cfg.texts;
    var api = window.lkTiles = window.lkTiles || {};
    api.map = map;
    api.layers = {};
    api.specs = {};
    api.styled = {};
    api.tilesLoaded = {};
    api.firstTileAt = null;
    api.identifyCount = 0;
    var NS = "http://www.w3.org/2000/svg";

    function el(tag, cls, text) {
        var e = document.createElement(tag);
        if (cls) e.className = cls;
        if (text !== undefined && text !== null) e.textContent = String(text);
        return e;
    }
    function num(value, digits) {
        return Number(value).toLocaleString(cfg.lang === "zh" ? "zh-CN" : "en-US",
            {minimumFractionDigits: digits, maximumFractionDigits: digits});
    }
    function colourOf(spec, code) {
        code = code === undefined || code === null ? "" : String(code);
        if (spec.palette[code]) return spec.palette[code];
        for (var n = code.length - 1; n >= 2; n--) {
            if (spec.palette[code.slice(0, n)]) return spec.palette[code.slice(0, n)];
        }
        return spec.default_colour;
    }
    function styleFor(spec) {
        var counts = api.styled[spec.id] = {};
        return function(props, z) {
            var colour = colourOf(spec, props.lk_code);
            counts[colour] = (counts[colour] || 0) + 1;
            return {fill: true, fillColor: colour, fillOpacity: spec.fill_opacity, stroke: z >= 13,
                    color: "#5f5f5f", weight: z >= 15 ? 0.8 : 0.4, opacity: 0.9};
        };
    }

    // At a fractional zoom (the district view: zoomSnap 0.25) Leaflet shows a tile level by scaling its container;
    // the tiles are canvases, which Chrome composites as layers of their own, and a scaled element with composited
    // descendants is drawn through an offscreen render surface, one per layer, on every frame. Without a GPU that
    // made a drag over the two store layers cost the compositor 19.8 ms of CPU a frame (3 render passes) against
    // 3.7 ms (1), and 25 to 36 of the frames of bench_layers' 3 s drag took over 33 ms. So, once the zoom has
    // settled, the scale goes onto each tile and the container only moves (the same pixels: T + s·p either way);
    // while Leaflet animates a zoom (a CSS transition of the container's transform) its own transform is used.
    var FlatGrid = L.VectorGrid.Protobuf.extend({
        _setZoomTransform: function(level, center, zoom) {
            var m = this._map, base = L.GridLayer.prototype._setZoomTransform;
            if (!L.Browser.any3d) return base.call(this, level, center, zoom);
            if (m._animatingZoom) {
                if (level.lkScale !== undefined && level.lkScale !== 1) {
                    // the same picture with the scale back on the container, untransitioned; then Leaflet's animation
                    var el = level.el;
                    el.style.transition = "none";
                    L.DomUtil.setTransform(el, level.lkTranslate, level.lkScale);
                    this._placeTiles(level, 1);
                    L.Util.falseFn(el.offsetWidth);
                    el.style.transition = "";
                }
                level.lkScale = 1;
                return base.call(this, level, center, zoom);
            }
            var scale = m.getZoomScale(zoom, level.zoom);
            var translate = level.origin.multiplyBy(scale).subtract(m._getNewPixelOrigin(center, zoom)).round();
            L.DomUtil.setTransform(level.el, translate);
            level.lkTranslate = translate;
            this._placeTiles(level, scale);
        },
        _placeTiles: function(level, scale) {
            level.lkScale = scale;
            for (var key in this._tiles) {
                var tile = this._tiles[key];
                if (tile.coords.z === level.zoom) this._placeTile(tile.el, tile.coords, level);
            }
        },
        _placeTile: function(el, coords, level) {
            var pos = coords.scaleBy(this.getTileSize()).subtract(level.origin), s = level.lkScale;
            if (s === undefined || s === 1) {
                el.style.transformOrigin = "";
                L.DomUtil.setPosition(el, pos);
            } else {
                el.style.transformOrigin = "0 0";
                L.DomUtil.setTransform(el, pos.multiplyBy(s), s);
            }
        },
        _addTile: function(coords, container) {
            L.GridLayer.prototype._addTile.call(this, coords, container);
            var tile = this._tiles[this._tileCoordsToKey(coords)];
            if (tile && this._level.lkScale !== undefined && this._level.lkScale !== 1) this._placeTile(tile.el, coords, this._level);
        },
        // Beyond the zoom its tiles were built to (lkDataZoom) a layer draws each tile from the stored tile that
        // holds it, at the map's own zoom: the same vectors, drawn sharp, where Leaflet's maxNativeZoom would stretch
        // a canvas drawn for the lower zoom. A tile d zooms down covers 1/2^d of its ancestor's side: its features
        // are the ancestor's, shifted to its corner and read with an extent 2^d times smaller. One fetch (and one
        // decoding) of an ancestor serves all its descendants.
        _getVectorTilePromise: function(coords) {
            var top = this.options.lkDataZoom, base = L.VectorGrid.Protobuf.prototype._getVectorTilePromise;
            if (top === undefined || coords.z <= top) return base.call(this, coords);
            var n = Math.pow(2, coords.z - top);
            var up = L.point(Math.floor(coords.x / n), Math.floor(coords.y / n));
            up.z = top;
            var key = this._tileCoordsToKey(up), cache = this._lkAncestors = this._lkAncestors || new Map();
            var promise = cache.get(key);
            if (!promise) {
                promise = base.call(this, up);
                cache.set(key, promise);
                if (cache.size > 32) cache.delete(cache.keys().next().value);
            }
            var ox = coords.x - up.x * n, oy = coords.y - up.y * n;
            return promise.then(function(tile) { return subTile(tile, n, ox, oy); });
        }
    });
    // The part of a decoded tile that a tile n times smaller in side draws (its column ox, row oy in the ancestor):
    // the features whose box reaches it (with a margin for strokes), shifted, and the extent divided by n.
    // A box test, not a clip: the tile's canvas clips the drawing.
    function subTile(tile, n, ox, oy) {
        var layers = {};
        Object.keys(tile.layers).forEach(function(name) {
            var src = tile.layers[name], ext = src.extent / n, x0 = ox * ext, y0 = oy * ext, pad = ext / 16;
            var feats = [];
            src.features.forEach(function(f) {
                var b = f.lkBox || (f.lkBox = ringsBox(f.geometry));
                if (b[2] < x0 - pad || b[0] > x0 + ext + pad || b[3] < y0 - pad || b[1] > y0 + ext + pad) return;
                feats.push({type: f.type, properties: f.properties, geometry: f.geometry.map(function(ring) {
                    return ring.map(function(pt) { return {x: pt.x - x0, y: pt.y - y0}; });
                })});
            });
            layers[name] = {name: src.name, extent: ext, features: feats, length: feats.length};
        });
        return {layers: layers};
    }
    function ringsBox(rings) {
        var b = [Infinity, Infinity, -Infinity, -Infinity];
        rings.forEach(function(ring) {
            ring.forEach(function(pt) {
                if (pt.x < b[0]) b[0] = pt.x;
                if (pt.y < b[1]) b[1] = pt.y;
                if (pt.x > b[2]) b[2] = pt.x;
                if (pt.y > b[3]) b[3] = pt.y;
            });
        });
        return b;
    }
    api.FlatGrid = FlatGrid;

    if (!map.getPane("lkTiles")) {
        var pane = map.createPane("lkTiles");
        pane.style.zIndex = 450;  // above the vector context (its district fill) and the plan's overlays; opacity per layer
        pane.style.pointerEvents = "none";  // clicks reach the map (identify) and the overlays
    }
    cfg.layers.forEach(function(spec) {
        var style = styleFor(spec);
        // a tile's MVT layer may have any name: every name gets the layer's style
        var styles = new Proxy({}, {get: function() { return style; }});
        var b = spec.bounds;
        var vg = new FlatGrid(spec.url, {
            rendererFactory: L.canvas.tile, vectorTileLayerStyles: styles, interactive: false, pane: "lkTiles",
            minZoom: Math.max(0, spec.minzoom - 2), minNativeZoom: spec.minzoom, lkDataZoom: spec.maxzoom,
            bounds: L.latLngBounds([[b[1], b[0]], [b[3], b[2]]]), keepBuffer: 1
        });
        api.tilesLoaded[spec.id] = 0;
        vg.on("tileload", function() {
            api.tilesLoaded[spec.id] += 1;
            if (api.firstTileAt === null) api.firstTileAt = performance.now();
        });
        api.layers[spec.id] = vg;
        api.specs[spec.id] = spec;
        groups[spec.id].addLayer(vg);
    });
    function shown() {
        return Object.keys(api.layers).filter(function(id) { return map.hasLayer(api.layers[id]); });
    }

    // ---------------------------------------------------------------- identify (server side)
    function attrTable(attrs) {
        var tb = el("table", "lk-attrs lk-id-attrs");
        Object.keys(attrs).forEach(function(k) {
            var v = attrs[k];
            var tr = el("tr");
            tr.appendChild(el("th", "", k));
            tr.appendChild(el("td", "", v === null ? "" : v));
            tb.appendChild(tr);
        });
        return tb;
    }
    function identifyPopup(hits) {
        var d = el("div", "lk-popup lk-identify");
        hits.forEach(function(layer) {
            var spec = api.specs[layer.id] || {kind_label: layer.kind};
            d.appendChild(el("div", "lk-title", layer.title));
            d.appendChild(el("div", "lk-sub", spec.kind_label + " · " + T.official + " · " + T.source + layer.source_file));
            layer.features.slice(0, 5).forEach(function(f) {
                var a = f.attributes, box = el("div", "lk-id-feature");
                var head = el("div", "lk-id-class");
                var sw = el("span", "lk-id-swatch");
                sw.style.background = colourOf(spec.palette ? spec : {palette: {}, default_colour: "#9e9e9e"}, a.lk_code);
                head.appendChild(sw);
                head.appendChild(el("span", "", T.identify_code + (a.lk_code || "") + " " + (a.lk_name || "")));
                box.appendChild(head);
                if (f.area_ha !== null) {
                    box.appendChild(el("div", "lk-id-area", T.identify_area + num(f.area_ha, 4) + " " + T.hectare +
                        "(" + num(f.area_mu, 2) + " " + T.mu + ")"));
                }
                box.appendChild(attrTable(a));
                d.appendChild(box);
            });
            if (layer.features.length > 5) d.appendChild(el("div", "lk-sub", T.identify_more.replace("{n}", layer.features.length - 5)));
        });
        return d;
    }
    // "preclick": Leaflet fires it for every click on the map, also on the plan's own features, whose
    // popups stop the "click" from reaching the map
    map.on("preclick", function(e) {
        var ids = shown();
        if (!ids.length) return;
        var ll = e.latlng, seq = ++api.identifyCount;
        var url = cfg.identify_url + "?lon=" + ll.lng.toFixed(7) + "&lat=" + ll.lat.toFixed(7) +
            "&layers=" + ids.map(encodeURIComponent).join(",");
        fetch(url).then(function(r) {
            if (!r.ok) throw new Error(r.status + " " + r.statusText);
            return r.json();
        }).then(function(body) {
            if (seq !== api.identifyCount) return;
            api.lastIdentify = body;
            var hits = body.layers.filter(function(l) { return l.features.length; });
            if (!hits.length) return;  // nothing of the store here: the plan's own popups stay
            L.popup({maxWidth: 400, maxHeight: 420, className: "lk-identify-popup"})
                .setLatLng(ll).setContent(identifyPopup(hits)).openOn(map);
        }).catch(function(err) {
            api.lastIdentifyError = String(err);
            L.popup().setLatLng(ll).setContent(el("div", "lk-popup", T.identify_error + String(err))).openOn(map);
        });
    });

    // ---------------------------------------------------------------- legend of the classes present
    function swatch(colour) {
        var svg = document.createElementNS(NS, "svg");
        svg.setAttribute("width", "28");
        svg.setAttribute("height", "14");
        var r = document.createElementNS(NS, "rect");
        r.setAttribute("x", "2"); r.setAttribute("y", "2"); r.setAttribute("width", "24"); r.setAttribute("height", "10");
        r.setAttribute("fill", colour); r.setAttribute("stroke", "#5f5f5f"); r.setAttribute("stroke-width", "0.6");
        svg.appendChild(r);
        return svg;
    }
    function legendRows(body) {
        var wrap = el("div", "lk-store-legend");
        wrap.appendChild(el("div", "lk-g", T.imported)).setAttribute("data-group", "lk_store");
        cfg.layers.forEach(function(spec) {
            var head = el("div", "lk-row lk-store-head");
            head.setAttribute("data-group", "lk_store");
            head.setAttribute("data-store-layer", spec.id);
            head.appendChild(el("b", "", spec.title));
            head.appendChild(el("span", "lk-store-src", " · " + T.official + " · " + T.source + spec.provenance[0]));
            wrap.appendChild(head);
            spec.legend.forEach(function(c) {
                var row = el("div", "lk-row lk-store-class");
                row.setAttribute("data-group", "lk_store");
                row.setAttribute("data-store-layer", spec.id);
                row.setAttribute("data-code", c[0]);
                row.setAttribute("data-colour", c[2]);
                row.appendChild(swatch(c[2]));
                row.appendChild(el("span", "", c[0] + " " + c[1] + "(" + num(c[3], 0) + " " + T.features + " · " +
                    num(c[4], 2) + " " + T.hectare + ")"));
                wrap.appendChild(row);
            });
            if (spec.legend_more) {
                var more = el("div", "lk-row lk-store-more", T.legend_more.replace("{n}", spec.legend_more));
                more.setAttribute("data-group", "lk_store");
                more.setAttribute("data-store-layer", spec.id);
                wrap.appendChild(more);
            }
        });
        body.insertBefore(wrap, body.firstChild);
        return wrap;
    }
    function syncLegend() {
        if (!api.legend) return;
        var any = false;
        api.legend.querySelectorAll("[data-store-layer]").forEach(function(r) {
            var on = map.hasLayer(api.layers[r.getAttribute("data-store-layer")]);
            r.style.display = on ? "" : "none";
            any = any || on;
        });
        api.legend.querySelector(".lk-g").style.display = any ? "" : "none";
    }
    function addLegend() {
        if (!cfg.layers.length) return;
        var body = map.getContainer().querySelector(".lk-legend .lk-legend-body");
        if (!body) {  // a map without the catalog legend: a legend of its own
            var ctl = L.control({position: "bottomleft"});
            ctl.onAdd = function() {
                var div = L.DomUtil.create("div", "lk-legend");
                body = el("div", "lk-legend-body");
                div.appendChild(body);
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            ctl.addTo(map);
        }
        api.legend = legendRows(body);
        syncLegend();
    }
    map.on("overlayadd overlayremove layeradd layerremove", function() { setTimeout(syncLegend, 0); });
    setTimeout(addLegend, 0);  // after the catalog legend (added later in the same script)

    // ---------------------------------------------------------------- opacity
    if (cfg.layers.length) {
        var oc = L.control({position: "bottomright"});
        oc.onAdd = function() {
            var d = L.DomUtil.create("div", "lk-opacity");
            d.appendChild(el("div", "lk-opacity-head", T.opacity));
            cfg.layers.forEach(function(spec) {
                var row = el("label", "lk-opacity-row");
                row.appendChild(el("span", "", spec.title));
                var inp = document.createElement("input");
                inp.type = "range"; inp.min = "0"; inp.max = "1"; inp.step = "0.05"; inp.value = "1";
                inp.setAttribute("data-lk-opacity", spec.id);
                inp.setAttribute("aria-label", T.opacity + " " + spec.title);
                inp.addEventListener("input", function() { api.layers[spec.id].setOpacity(parseFloat(inp.value)); });
                row.appendChild(inp);
                d.appendChild(row);
            });
            L.DomEvent.disableClickPropagation(d);
            L.DomEvent.disableScrollPropagation(d);
            return d;
        };
        oc.addTo(map);
    }

    // ---------------------------------------------------------------- class-code labels at high zoom
    var labels = L.layerGroup().addTo(map), labelSeq = 0;
    function refreshLabels() {
        var seq = ++labelSeq;
        labels.clearLayers();
        if (map.getZoom() < cfg.labels_minzoom) return;
        var b = map.getBounds(), c = b.getCenter(), half = 0.029;
        var box = [Math.max(b.getWest(), c.lng - half), Math.max(b.getSouth(), c.lat - half),
                   Math.min(b.getEast(), c.lng + half), Math.min(b.getNorth(), c.lat + half)];
        shown().forEach(function(id) {
            if (!api.specs[id].labels) return;
            var url = cfg.labels_url + "?layer=" + encodeURIComponent(id) + "&bbox=" +
                box.map(function(v) { return v.toFixed(6); }).join(",");
            fetch(url).then(function(r) { return r.ok ? r.json() : null; }).then(function(body) {
                if (!body || seq !== labelSeq) return;
                body.labels.forEach(function(p) {
                    var icon = L.divIcon({className: "", html: el("div", "lk-code-label", p[2]), iconSize: [44, 14], iconAnchor: [22, 7]});
                    L.marker([p[0], p[1]], {icon: icon, interactive: false, keyboard: false}).addTo(labels);
                });
            });
        });
    }
    api.labels = labels;
    map.on("moveend overlayadd overlayremove", refreshLabels);

    // ---------------------------------------------------------------- swipe (卷帘)
    if (cfg.swipe && api.layers[cfg.swipe[0]] && api.layers[cfg.swipe[1]]) {
        api.swipe = L.control.sideBySide([api.layers[cfg.swipe[0]]], [api.layers[cfg.swipe[1]]]).addTo(map);
    }

    // ---------------------------------------------------------------- cursor coordinates
    if (cfg.coords && window.proj4) {
        proj4.defs("LK:GK114", cfg.proj["EPSG:4547"]);
        proj4.defs("LK:GK38", cfg.proj["EPSG:4526"]);
        var cc = L.control({position: "bottomright"});
        var spans = {};
        cc.onAdd = function() {
            var d = L.DomUtil.create("div", "lk-coords");
            ["wgs", "gk", "zone"].forEach(function(k) {
                spans[k] = el("div", "lk-coord lk-coord-" + k, "");
                spans[k].id = "lk-coord-" + k;
                d.appendChild(spans[k]);
            });
            return d;
        };
        cc.addTo(map);
        map.on("mousemove", function(e) {
            var lon = e.latlng.lng, lat = e.latlng.lat;
            var gk = proj4("EPSG:4326", "LK:GK114", [lon, lat]), z38 = proj4("EPSG:4326", "LK:GK38", [lon, lat]);
            api.cursor = {lon: lon, lat: lat, gk: gk, zone: z38};
            spans.wgs.textContent = T.coords_wgs + lon.toFixed(6) + "°E  " + lat.toFixed(6) + "°N";
            spans.gk.textContent = T.coords_gk + "X " + gk[1].toFixed(2) + "  Y " + gk[0].toFixed(2);
            spans.zone.textContent = T.coords_zone + "X " + z38[1].toFixed(2) + "  Y " + z38[0].toFixed(2);
        });
    }
    return api;
}
