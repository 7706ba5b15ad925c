"""The saved-views tests run on both stores (the store tests' fixtures: a GeoPackage in a temporary folder,
a fresh schema in a throw-away PostgreSQL cluster), with argon2's cheapest parameters for the accounts."""

from __future__ import annotations

from tests.registry.conftest import cheap_hashes  # noqa: F401  (fixture)
from tests.store.conftest import pg_cluster, store, store_url  # noqa: F401  (fixtures)
