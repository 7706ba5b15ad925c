"""The store of the planner's own layers (and, later, the project register): GeoPackage or PostGIS.

Other code calls :func:`open_store` (the backend follows ``LUKOU_STORE``),
:func:`~lukou_geo.store.importer.import_layer` and the functions of :mod:`lukou_geo.store.export`;
the interface every backend offers is :class:`~lukou_geo.store.base.Store`.
"""

from __future__ import annotations

from lukou_geo.store.base import KINDS, STANDARD_FIELDS, FieldInfo, ImportReport, LayerInfo, Store, TableFilter


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
