"""Register, accounts and audit tests run on both stores (the store tests' fixtures: a GeoPackage in a
temporary folder, a fresh schema in a throw-away PostgreSQL cluster)."""

from __future__ import annotations

import pytest

from tests.store.conftest import pg_cluster, store, store_url  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    """argon2's cheapest parameters (the real ones cost about a second a hash on a loaded test machine);
    the hashes are still argon2id, verified by the same code."""
    from argon2 import PasswordHasher
    from argon2.profiles import CHEAPEST

    from lukou_geo import accounts

    monkeypatch.setattr(accounts, "_hasher", lambda: PasswordHasher.from_parameters(CHEAPEST))
