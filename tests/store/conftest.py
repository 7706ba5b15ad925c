"""Store fixtures: every store test runs on both backends (GeoPackage and PostGIS).

The PostGIS side gets a throw-away cluster for the session (:mod:`tests.store.pgcluster`) and a
fresh schema per test. Without PostgreSQL/PostGIS installed, the PostGIS tests are skipped on a
developer's machine but fail in CI (``CI`` or ``LUKOU_REQUIRE_SHARED`` set), naming the fix.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.store.pgcluster import INSTALL_HINT, Cluster, ClusterUnavailable, start_cluster

BACKENDS = ("gpkg", "postgis")


def _in_ci() -> bool:
    return any(os.environ.get(k, "").strip().lower() not in ("", "0", "false", "no") for k in ("CI", "LUKOU_REQUIRE_SHARED"))


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    try:
        cluster = start_cluster()
    except ClusterUnavailable as exc:
        msg = f"PostGIS store tests need PostgreSQL + PostGIS: {exc}. Fix: {INSTALL_HINT} (.ci/run does this)"
        if _in_ci():
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    yield cluster
    cluster.stop()


def _new_schema_url(cluster: Cluster) -> str:
    return f"{cluster.url}?schema=t_{uuid.uuid4().hex[:12]}"


def _drop_schema(url: str) -> None:
    import psycopg

    from lukou_geo.store.postgis import _split_schema

    conninfo, schema = _split_schema(url)
    with psycopg.connect(conninfo, autocommit=True) as con:
        con.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a fresh, empty store is: a GeoPackage path or a PostGIS URL with its own schema."""
    if request.param == "gpkg":
        yield str(tmp_path / "store" / "store.gpkg")
        return
    cluster = request.getfixturevalue("pg_cluster")
    url = _new_schema_url(cluster)
    yield url
    _drop_schema(url)


@pytest.fixture
def store(store_url: str):
    from lukou_geo.store import open_store

    st = open_store(store_url)
    yield st
    st.close()


@pytest.fixture
def gpkg_store(tmp_path: Path):
    from lukou_geo.store.gpkg import GpkgStore

    st = GpkgStore(tmp_path / "store" / "store.gpkg")
    yield st
    st.close()
