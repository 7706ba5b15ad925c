"""The store of the planner's own layers (and, later, the project register): GeoPackage or PostGIS.

Other code calls :func:`open_store` (the backend follows ``LUKOU_STORE``),
:func:`~lukou_geo.store.importer.import_layer` and the functions of :mod:`lukou_geo.store.export`;
the interface every backend offers is :class:`~lukou_geo.store.base.Store`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lukou_geo.store.base import Store

_FROM_BASE = ("KINDS", "STANDARD_FIELDS", "FieldInfo", "ImportReport", "LayerInfo", "Store", "TableFilter")


def __getattr__(name: str) -> Any:
    # loaded when first used (PEP 562): the CLI's parser imports lukou_geo.store.cli without pandas
    if name in _FROM_BASE:
        from lukou_geo.store import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_store(url: str | None = None) -> Store:
    """Open (creating and migrating as needed) the store ``url`` or, by default, the one ``LUKOU_STORE`` names.

    ``url``: ``postgresql://…`` → PostGIS; anything else is the path of a GeoPackage file
    (default ``<LUKOU_DATA_DIR>/store.gpkg``).
    """
    from lukou_geo.settings import get_settings

    target = url or get_settings().store_url
    if target.startswith(("postgresql://", "postgres://")):
        from lukou_geo.store.postgis import PostgisStore

        return PostgisStore(target)
    from lukou_geo.store.gpkg import GpkgStore

    return GpkgStore(target)


__all__ = ["KINDS", "STANDARD_FIELDS", "FieldInfo", "ImportReport", "LayerInfo", "Store", "TableFilter", "open_store"]
