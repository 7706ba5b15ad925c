"""The PostGIS store: connection errors, schemas kept apart, GiST index, schema version."""

from __future__ import annotations

import psycopg
import pytest

from lukou_geo.errors import StoreError
from lukou_geo.store import open_store
from lukou_geo.store.importer import import_layer
from lukou_geo.store.postgis import PostgisStore, _split_schema
from tests.store.conftest import _drop_schema, _new_schema_url
from tests.store.layers import parcels, write


def test_unreachable_server_names_the_fix():
    with pytest.raises(StoreError, match="LUKOU_STORE") as err:
        PostgisStore("postgresql://someone:secret@127.0.0.1:1/nodb")
    assert "127.0.0.1:1/nodb" in str(err.value) and "secret" not in str(err.value)


def test_schemas_are_separate_stores(pg_cluster, tmp_path):
    a, b = _new_schema_url(pg_cluster), _new_schema_url(pg_cluster)
    try:
        with open_store(a) as sa, open_store(b) as sb:
            import_layer(sa, write(parcels(2, 1), "gpkg", tmp_path, crs="EPSG:4547"), layer_id="only_a", user="t", tiles=False)
            assert [i.id for i in sa.layers()] == ["only_a"] and sb.layers() == []
            conninfo, schema = _split_schema(a)
            with psycopg.connect(conninfo) as con:
                idx = con.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND tablename = 'lk_f_only_a_v1'",
                                  (schema,)).fetchall()
            assert any("gist" in r[0].lower() for r in idx)
    finally:
        _drop_schema(a)
        _drop_schema(b)


def test_a_newer_store_is_refused(pg_cluster):
    url = _new_schema_url(pg_cluster)
    try:
        with open_store(url):
            pass
        conninfo, schema = _split_schema(url)
        with psycopg.connect(conninfo, autocommit=True) as con:
            con.execute(f'UPDATE "{schema}".lk_meta SET value = %s WHERE key = %s', ("999", "schema_version"))
        with pytest.raises(StoreError, match="999"):
            open_store(url)
    finally:
        _drop_schema(url)
