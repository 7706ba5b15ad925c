"""The store's layers for the 压占 check: read into :class:`~lukou_geo.sitecheck.occupancy.OccLayer` (cached by
store, id and version; a few red lines read only their box through the store's spatial index), read ahead in
the background for a page, and chosen by ``--layers`` or by default (every imported 三区三线 and DLTB layer).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from lukou_geo.errors import LukouError, StoreError
from lukou_geo.sitecheck.occupancy import DEFAULT_KINDS, KIND_ORDER, OccLayer, layer_from_frame

COLUMNS = ["lk_fid", "lk_code", "lk_name", "lk_code1", "lk_bsm", "lk_ref_id", "lk_ref_name", "lk_tbmj", "lk_kcxs",
           "lk_kcmj", "lk_tbdlmj"]

_CACHE: OrderedDict[tuple, OccLayer] = OrderedDict()
_CACHE_LOCK = threading.Lock()
#: Layers kept in memory (each with its tree): a 150,000-parcel DLTB is ≈ 250 MB.
CACHE_LAYERS = 6


def _store_key(store: Any) -> str:
    return str(getattr(store, "path", "") or getattr(store, "where", "") or id(store))


#: A batch whose projects' bounding box covers less than this share of a layer's extent reads only the
#: features in that box (the store's spatial index), not the whole layer (see :func:`load_layer`).
BBOX_READ_SHARE = 0.25


def _box_share(bbox: tuple[float, float, float, float], bounds: tuple[float, ...]) -> float:
    bw, bh = bounds[2] - bounds[0], bounds[3] - bounds[1]
    w = max(0.0, min(bbox[2], bounds[2]) - max(bbox[0], bounds[0]))
    h = max(0.0, min(bbox[3], bounds[3]) - max(bbox[1], bounds[1]))
    return (w * h) / (bw * bh) if bw > 0 and bh > 0 else 1.0


def load_layer(store: Any, layer_id: str, bbox: tuple[float, float, float, float] | None = None) -> OccLayer:
    """A store layer as an :class:`OccLayer`, cached by store, id, version and import time (so a
    re-import is picked up and an unchanged layer costs nothing the second time).

    ``bbox`` (WGS-84: the bounding box of the projects to check): when it covers a small part of the
    layer (:data:`BBOX_READ_SHARE`), only the features whose envelope meets it are read, through the
    store's spatial index, and nothing is cached (the one-shot CLI: a red line reads a few hundred of
    150,000 parcels). Every feature a project meets meets its box, so the result is the same.
    """
    info = store.layer(layer_id)
    if bbox is not None and info.bounds and _box_share(bbox, info.bounds) < BBOX_READ_SHARE:
        return _read_layer(store, info, bbox)
    key = (_store_key(store), info.id, info.version, info.imported_at)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    lyr = _read_layer(store, info, None)
    with _CACHE_LOCK:
        _CACHE[key] = lyr
        while len(_CACHE) > CACHE_LAYERS:
            _CACHE.popitem(last=False)
    return lyr


def _read_layer(store: Any, info: Any, bbox: tuple[float, float, float, float] | None) -> OccLayer:
    try:
        gdf = store.read_features(info.id, bbox=bbox, columns=COLUMNS)
    except (KeyError, StoreError):  # a store without some standard column: take what it has
        gdf = store.read_features(info.id, bbox=bbox)
    return layer_from_frame(gdf, info.id, info.title, info.kind, year=info.data_year, sha256=info.sha256,
                            source_file=info.source_file, source_crs=info.source_crs, version=info.version,
                            features=info.features)


#: (store, layers and versions) → (the warming thread, the event that ends its delay: a check waits for it)
_WARMING: dict[tuple, tuple[threading.Thread, threading.Event]] = {}


def warm_layers(store: Any, layer_ids: Iterable[str], delay: float = 0.0) -> None:
    """Load ``layer_ids`` into the cache in a background thread (once per store and layer set), so that
    the first check of a page that shows them does not wait for 150,000 parcels to be read; a check that
    comes before the thread is done waits for it (:func:`load_layers`) instead of reading them twice.

    ``delay`` (s): start reading only then (the page's own first drawing, its tiles served by the same
    process, is not slowed by the reading), unless a check asks for the layers earlier."""
    ids = list(layer_ids)
    try:  # a re-imported layer (a new version) is warmed again
        key = (_store_key(store), tuple((i, store.layer(i).version) for i in ids))
    except (LukouError, KeyError):
        return
    with _CACHE_LOCK:
        if not ids or key in _WARMING:
            return
        hurry = threading.Event()
        th = threading.Thread(target=_warm, args=(store, ids, delay, hurry), name="lukou-warm-layers", daemon=True)
        _WARMING[key] = (th, hurry)
    th.start()


def _warm(store: Any, ids: list[str], delay: float, hurry: threading.Event) -> None:
    if delay > 0:
        hurry.wait(delay)
    for i in ids:
        try:
            load_layer(store, i)
        except (LukouError, KeyError, OSError):  # the check that asks for it reports the problem
            pass
    # and the writers of the 审查意见 (python-docx, fpdf2, matplotlib: ≈ 1.5 s of imports on first use)
    import docx  # noqa: F401
    import fpdf  # noqa: F401

    import lukou_geo.map.figure  # noqa: F401


def _wait_warming(store: Any) -> None:
    with _CACHE_LOCK:
        waiting = [(th, hurry) for (skey, _), (th, hurry) in _WARMING.items() if skey == _store_key(store) and th.is_alive()]
    for th, hurry in waiting:
        hurry.set()
        th.join()


def default_layer_ids(store: Any) -> list[str]:
    """Every imported 三区三线 and DLTB layer (:data:`DEFAULT_KINDS`), in kind order."""
    infos = [i for i in store.layers() if i.kind in DEFAULT_KINDS and i.geometry == "polygon"]
    return [i.id for i in sorted(infos, key=lambda i: KIND_ORDER.get(i.kind, 9))]


def load_layers(store: Any, layer_ids: Iterable[str] | None = None,
                bbox: tuple[float, float, float, float] | None = None) -> list[OccLayer]:
    """The chosen store layers (default :func:`default_layer_ids`); ``bbox`` as in :func:`load_layer`."""
    ids = list(layer_ids) if layer_ids is not None else default_layer_ids(store)
    if bbox is None:
        _wait_warming(store)
    return [load_layer(store, i, bbox) for i in ids]


# ------------------------------------------------------------------------------ choosing the layers


def open_existing_store(url: str | None = None) -> Any:
    """The store ``url`` (default ``LUKOU_STORE``) when there is one, else None (a check must not create
    an empty GeoPackage in the data dir)."""
    from pathlib import Path

    from lukou_geo.settings import get_settings
    from lukou_geo.store import open_store

    target = url or get_settings().store_url
    if not target.startswith(("postgresql://", "postgres://")) and not Path(target).exists():
        return None
    return open_store(target)


def resolve_layers(spec: str | None, catalog: Any, store: Any) -> tuple[frozenset[str] | None, list[str]]:
    """``--layers ID,ID,…`` → (the plan's zone layers to check, the store layers to check).

    None/"" → every plan zone layer (None) and :func:`default_layer_ids`. An id neither a zone
    layer of the catalog nor a store layer raises :class:`~lukou_geo.errors.InputError` listing both.
    """
    from lukou_geo.errors import InputError

    zone_ids = [lyr.id for lyr in catalog.layers if lyr.check == "zone"]
    store_ids = [i.id for i in store.layers()] if store is not None else []
    if not spec:
        return None, default_layer_ids(store) if store is not None else []
    want = [s.strip() for s in spec.split(",") if s.strip()]
    bad = [w for w in want if w not in zone_ids and w not in store_ids]
    if bad:
        raise InputError("--layers", f"没有图层 {bad[0]}", f"no layer {bad[0]!r}",
                         f"可选:规划分区 {', '.join(zone_ids)};导入图层 {', '.join(store_ids) or '(无)'}",
                         f"choose from the plan's zones {', '.join(zone_ids)} and the imported {', '.join(store_ids) or '(none)'}")
    return frozenset(w for w in want if w in zone_ids), [w for w in want if w in store_ids]
