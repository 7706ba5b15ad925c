"""The atlas's own HTTP routes under ``/lk/``: vector tiles, identify, labels and basemap tiles.

Starlette routes (no Streamlit here: ``app.py`` mounts them next to the Streamlit app with
``st.App(..., routes=routes(current_store))``). Every route is read-only (GET/HEAD; a write method
gets 405), checks its parameters (a bad one is a 400 whose text says which and why), and reads
the store through its interface (:class:`lukou_geo.store.base.Store`) or a registered basemap.

=========================================  ==================================================
``/lk/tiles/{layer}/{z}/{x}/{y}.pbf``      one vector tile of a store layer (MVT; gzip when the
                                           client takes it; 204 where the layer has no tile)
``/lk/identify?lon=&lat=&layers=a,b``      every feature under a point (JSON), with its area in
                                           m², 公顷 and 亩 (from ``lk_area_m2``: never from tiles)
``/lk/labels?layer=&bbox=w,s,e,n``         class-code label points of a small view (JSON)
``/lk/basemap/{id}/{z}/{x}/{y}``           one tile of a registered MBTiles/PMTiles basemap
=========================================  ==================================================
"""

from __future__ import annotations

import datetime as _dt
import gzip
import math
import re
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from lukou_geo.errors import BasemapError, StoreError
from lukou_geo.settings import MU_PER_HECTARE
from lukou_geo.store.base import LayerInfo, Store

PREFIX = "/lk"
#: A layer id as the URL may name it (the store's ids are ASCII: letters, digits, _ and -).
LAYER_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_ZOOM = 24
MAX_LAYERS = 32
#: Label queries only for small views (about zoom 14 and closer) and at most this many points.
LABEL_MAX_SPAN = 0.06
LABEL_MAX = 1500
MVT_TYPE = "application/vnd.mapbox-vector-tile"
TILE_CACHE = "public, max-age=3600"

StoreGetter = Callable[[], Store | None]


class BadRequest(ValueError):
    """A parameter is missing or wrong: answered 400 with this text."""


def _int(value: str, name: str, lo: int, hi: int) -> int:
    if not re.fullmatch(r"\d{1,9}", value or ""):
        raise BadRequest(f"{name} must be a whole number, got {value!r}")
    n = int(value)
    if not lo <= n <= hi:
        raise BadRequest(f"{name} must lie in {lo}…{hi}, got {n}")
    return n


def _zxy(params: dict[str, str]) -> tuple[int, int, int]:
    z = _int(params["z"], "z", 0, MAX_ZOOM)
    top = (1 << z) - 1
    return z, _int(params["x"], "x", 0, top), _int(params["y"], "y", 0, top)


def _layer_id(value: str) -> str:
    if not LAYER_ID.match(value or ""):
        raise BadRequest(f"layer id {value!r} must be 1–64 ASCII letters, digits, _ or -")
    return value


def _float(request: Request, name: str, lo: float, hi: float) -> float:
    raw = request.query_params.get(name)
    if raw is None:
        raise BadRequest(f"missing parameter {name}")
    try:
        value = float(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a number, got {raw!r}") from None
    if not math.isfinite(value) or not lo <= value <= hi:
        raise BadRequest(f"{name} must lie in {lo}…{hi}, got {raw}")
    return value


def _store(get_store: StoreGetter) -> Store:
    store = get_store()
    if store is None:
        raise LookupError("no layer store is configured")
    return store


def _json_value(value: Any) -> Any:
    """A JSON-safe copy of one attribute value (NaN → None, dates → ISO text, bytes dropped)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "item") and not isinstance(value, (bytes, bytearray)):  # numpy scalars
        return _json_value(value.item())
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return None
    return str(value)


def area_fields(area_m2: Any) -> dict[str, float | None]:
    """``area_m2``, ``area_ha`` (公顷) and ``area_mu`` (亩, 1 公顷 = 15 亩) of a measured area."""
    try:
        m2 = float(area_m2)
    except (TypeError, ValueError):
        return {"area_m2": None, "area_ha": None, "area_mu": None}
    if not math.isfinite(m2):
        return {"area_m2": None, "area_ha": None, "area_mu": None}
    ha = m2 / 10_000
    return {"area_m2": round(m2, 2), "area_ha": round(ha, 4), "area_mu": round(ha * MU_PER_HECTARE, 3)}


def identify_payload(lon: float, lat: float, found: list[tuple[LayerInfo, dict[str, Any]]]) -> dict[str, Any]:
    """The identify answer: per layer (in the order found), every feature's attributes and area."""
    layers: dict[str, dict[str, Any]] = {}
    for info, attrs in found:
        entry = layers.setdefault(info.id, {"id": info.id, "title": info.title, "kind": info.kind,
                                            "source_file": info.source_file, "version": info.version, "features": []})
        clean = {str(k): _json_value(v) for k, v in attrs.items() if k != "geometry"}
        entry["features"].append({"attributes": clean, **area_fields(attrs.get("lk_area_m2"))})
    return {"lon": lon, "lat": lat, "layers": list(layers.values())}


def _tile_response(request: Request, data: bytes | None, etag: str, content_type: str) -> Response:
    headers = {"Cache-Control": TILE_CACHE, "ETag": etag, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if not data:
        return Response(status_code=204, headers=headers)
    accepts_gzip = "gzip" in request.headers.get("accept-encoding", "")
    if data[:2] == b"\x1f\x8b":  # stored gzipped (MBTiles vector tiles usually are): as stored, or unpacked for a
        if accepts_gzip:  # client that takes no gzip
            headers["Content-Encoding"] = "gzip"
        else:
            data = gzip.decompress(data)
    elif content_type == MVT_TYPE and accepts_gzip and len(data) > 200:
        data = gzip.compress(data, compresslevel=5)
        headers["Content-Encoding"] = "gzip"
    return Response(data, media_type=content_type, headers=headers)


def _guarded(handler: Callable[[StoreGetter, Request], Response], get_store: StoreGetter) -> Callable[[Request], Response]:
    """``handler`` as an endpoint: a bad parameter is a 400, an unknown layer/basemap or no store a 404."""

    def endpoint(request: Request) -> Response:
        try:
            return handler(get_store, request)
        except BadRequest as exc:
            return PlainTextResponse(f"bad request: {exc}", status_code=400)
        except (StoreError, BasemapError) as exc:
            return PlainTextResponse(exc.message("en"), status_code=404)
        except LookupError as exc:
            return PlainTextResponse(str(exc), status_code=404)

    endpoint.__name__ = handler.__name__.lstrip("_")
    return endpoint


def _tile(get_store: StoreGetter, request: Request) -> Response:
    layer_id = _layer_id(request.path_params["layer"])
    z, x, y = _zxy(request.path_params)
    store = _store(get_store)
    info = store.layer(layer_id)
    etag = f'"{layer_id}-{info.version}-{info.sha256[:16]}"'
    if request.headers.get("if-none-match") == etag:
        return _tile_response(request, None, etag, MVT_TYPE)
    return _tile_response(request, store.tile(layer_id, z, x, y), etag, MVT_TYPE)


def _identify(get_store: StoreGetter, request: Request) -> Response:
    lon = _float(request, "lon", -180, 180)
    lat = _float(request, "lat", -90, 90)
    raw = request.query_params.get("layers")
    ids = None
    if raw is not None:
        ids = [_layer_id(v) for v in raw.split(",") if v]
        if len(ids) > MAX_LAYERS:
            raise BadRequest(f"at most {MAX_LAYERS} layers, got {len(ids)}")
    found = _store(get_store).identify(lon, lat, ids)
    return JSONResponse(identify_payload(lon, lat, found), headers={"Cache-Control": "no-store"})


def _bbox(raw: str | None) -> tuple[float, float, float, float]:
    try:
        w, s, e, n = (float(v) for v in (raw or "").split(","))
    except ValueError:
        raise BadRequest("bbox must be w,s,e,n in degrees") from None
    if not (all(map(math.isfinite, (w, s, e, n))) and -180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise BadRequest("bbox must be w,s,e,n with w < e and s < n, in degrees")
    if e - w > LABEL_MAX_SPAN or n - s > LABEL_MAX_SPAN:
        raise BadRequest(f"bbox too large for labels (at most {LABEL_MAX_SPAN}° a side): zoom in")
    return w, s, e, n


def _labels(get_store: StoreGetter, request: Request) -> Response:
    layer_id = _layer_id(request.query_params.get("layer", ""))
    bbox = _bbox(request.query_params.get("bbox"))
    store = _store(get_store)
    store.layer(layer_id)
    feats = store.read_features(layer_id, bbox=bbox, columns=["lk_code"])
    truncated = len(feats) > LABEL_MAX
    feats = feats.iloc[:LABEL_MAX]
    pts = feats.geometry.representative_point()
    out = [[round(p.y, 6), round(p.x, 6), str(c)] for p, c in zip(pts, feats["lk_code"], strict=True) if not p.is_empty]
    return JSONResponse({"labels": out, "truncated": truncated}, headers={"Cache-Control": "no-store"})


def _basemap(get_store: StoreGetter, request: Request) -> Response:
    from lukou_geo.map import basemaps

    bid = request.path_params["id"]
    if not basemaps.ID_RE.match(bid):
        raise BadRequest(f"basemap id {bid!r} must be lower-case letters, digits, - or _")
    z, x, y = _zxy(request.path_params)
    info = basemaps.get_basemap(bid)
    # the source's hash alone is not enough: the same GeoTIFF converted again (other zoom settings) gives other tiles
    etag = f'"{bid}-{info.sha256[:16]}-{info.minzoom}-{info.maxzoom}-{re.sub(r"[^0-9]", "", info.registered_at)}"'
    return _tile_response(request, basemaps.read_tile(info, z, x, y), etag, info.content_type)


def _not_found(request: Request) -> Response:
    if request.method not in ("GET", "HEAD"):
        return PlainTextResponse("the atlas routes are read-only", status_code=405, headers={"Allow": "GET, HEAD"})
    return PlainTextResponse(f"no such atlas route: {request.url.path}", status_code=404)


def routes(get_store: StoreGetter) -> list[Route]:
    """The ``/lk/`` routes, reading the store that ``get_store()`` returns (None: no store configured)."""
    get = ["GET"]
    return [
        Route(f"{PREFIX}/tiles/{{layer}}/{{z}}/{{x}}/{{y}}.pbf", _guarded(_tile, get_store), methods=get),
        Route(f"{PREFIX}/identify", _guarded(_identify, get_store), methods=get),
        Route(f"{PREFIX}/labels", _guarded(_labels, get_store), methods=get),
        Route(f"{PREFIX}/basemap/{{id}}/{{z}}/{{x}}/{{y}}", _guarded(_basemap, get_store), methods=get),
        Route(f"{PREFIX}/{{rest:path}}", _not_found),  # every method: no /lk/ request reaches Streamlit
    ]


def tile_url(layer: LayerInfo, base: str = "") -> str:
    """The Leaflet URL template of a store layer's tiles (the version busts caches after a re-import)."""
    return f"{base}{PREFIX}/tiles/{layer.id}/{{z}}/{{x}}/{{y}}.pbf?v={layer.version}"


def basemap_url(basemap_id: str, base: str = "") -> str:
    """The Leaflet URL template of a registered basemap's tiles."""
    return f"{base}{PREFIX}/basemap/{basemap_id}/{{z}}/{{x}}/{{y}}"
