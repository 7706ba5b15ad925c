"""Which store of authoritative layers the atlas reads: the one place the UI and the routes get it.

``current_store()`` returns one store per process (or None when none is configured):

- ``LUKOU_STORE_FACTORY=module:callable`` names a function that returns a
  :class:`~lukou_geo.store.base.Store` (the AppTests give the pages a GeoPackage store that records its calls so);
- otherwise ``lukou_geo.store.open_store()`` (the GeoPackage or PostGIS backend chosen by
  ``LUKOU_STORE``), when the store package provides it.

Read at call time; the store is opened once per process and per setting, and shared by the
Streamlit reruns and the HTTP routes (backends are thread-safe readers).
"""

from __future__ import annotations

import importlib
import os
import threading

from lukou_geo.store.base import Store

_LOCK = threading.Lock()
_OPEN: dict[str, Store | None] = {}


def _open(spec: str) -> Store | None:
    if spec:
        module, _, attr = spec.partition(":")
        factory = getattr(importlib.import_module(module), attr or "open_store")
        return factory()
    try:
        from lukou_geo.store import open_store  # type: ignore[attr-defined]
    except ImportError:
        return None
    return open_store()


def current_store() -> Store | None:
    """The store of the planner's layers, or None when this installation has none."""
    spec = os.environ.get("LUKOU_STORE_FACTORY", "")
    # the data dir too: the default GeoPackage is in it (a test, or a CLI, that moves it gets its own store)
    key = "|".join((spec, os.environ.get("LUKOU_STORE", ""), os.environ.get("LUKOU_DATA_DIR", "")))
    with _LOCK:
        if key not in _OPEN:
            _OPEN[key] = _open(spec)
        return _OPEN[key]


def reset() -> None:
    """Forget the opened stores (tests that change the settings)."""
    with _LOCK:
        _OPEN.clear()
