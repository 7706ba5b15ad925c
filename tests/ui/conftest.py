"""Fixtures of the register / accounts / audit page tests: a GeoPackage store in a temporary data dir with
the team of :func:`tests.registry.helpers.team` (admin ada, checkers cho and chen, viewer vic), and argon2's
cheapest parameters."""

from __future__ import annotations

import pytest
import streamlit as st

from lukou_geo import layer_store
from lukou_geo.store import open_store
from tests.registry.helpers import team


@pytest.fixture
def cheap_hashes(monkeypatch):
    from argon2 import PasswordHasher
    from argon2.profiles import CHEAPEST

    from lukou_geo import accounts

    monkeypatch.setattr(accounts, "_hasher", lambda: PasswordHasher.from_parameters(CHEAPEST))


@pytest.fixture
def team_store(monkeypatch, tmp_path, cheap_hashes):
    """The store the pages use (``LUKOU_DATA_DIR/store.gpkg``) with admin ada, checkers cho and chen, viewer vic."""
    monkeypatch.delenv("LUKOU_STORE_FACTORY", raising=False)
    monkeypatch.delenv("LUKOU_ANONYMOUS_BROWSE", raising=False)
    monkeypatch.setenv("LUKOU_STORE", "")
    monkeypatch.setenv("LUKOU_DATA_DIR", str(tmp_path / "var"))
    layer_store.reset()
    st.cache_data.clear()
    s = open_store()
    team(s)
    yield s
    layer_store.reset()
