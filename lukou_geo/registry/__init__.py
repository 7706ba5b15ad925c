"""The project register (项目库): every checked project kept with its result snapshot, status and history.

:mod:`lukou_geo.registry.records` holds the register, :mod:`lukou_geo.registry.audit` the audit log;
both live in the store's record tables (:mod:`lukou_geo.store._records`), so GeoPackage and PostGIS
installations keep them beside their layers. Every write is authorised by :mod:`lukou_geo.accounts`.
"""
