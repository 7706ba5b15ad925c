"""Typed settings: the store and its import limits; a bad value names the variable and the fix."""

from __future__ import annotations

import pytest

from lukou_geo.errors import SettingsError
from lukou_geo.settings import get_settings


def test_store_defaults(monkeypatch, tmp_path):
    for k in ("LUKOU_STORE", "LUKOU_STORE_MAX_FILE_MB", "LUKOU_STORE_MAX_FEATURES", "LUKOU_STORE_MAX_EXPANDED_MB"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("LUKOU_DATA_DIR", str(tmp_path))
    s = get_settings()
    assert s.store_url == str(tmp_path / "store.gpkg")
    assert (s.store_max_file_bytes, s.store_max_features) == (2048 * 2**20, 1_000_000)


def test_store_choices(monkeypatch):
    monkeypatch.setenv("LUKOU_STORE", "postgresql://u@127.0.0.1:5432/db")
    assert get_settings().store_url == "postgresql://u@127.0.0.1:5432/db"
    monkeypatch.setenv("LUKOU_STORE", "/data/atlas.gpkg")
    assert get_settings().store_url == "/data/atlas.gpkg"
    monkeypatch.setenv("LUKOU_STORE", "mysql://x")
    with pytest.raises(SettingsError, match="LUKOU_STORE") as err:
        get_settings()
    assert "postgresql://" in str(err.value)


@pytest.mark.parametrize(("name", "value"), [("LUKOU_STORE_MAX_FILE_MB", "lots"), ("LUKOU_STORE_MAX_FILE_MB", "-1"),
                                             ("LUKOU_STORE_MAX_FEATURES", "1.5"), ("LUKOU_STORE_MAX_FEATURES", "0")])
def test_bad_numbers_name_the_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        get_settings()
    assert name in err.value.message("zh") and name in err.value.message("en") and repr(value) in str(err.value)


# The site check's input limits (LUKOU_MAX_*) are read when an input is read, so a bad one fails that input
# with a message naming the variable (tests/sitecheck/inputs/test_limits.py) and not every page.


def test_numbers(monkeypatch):
    monkeypatch.setenv("LUKOU_STORE_MAX_FILE_MB", "0.5")
    monkeypatch.setenv("LUKOU_STORE_MAX_FEATURES", "300000")
    s = get_settings()
    assert (s.store_max_file_bytes, s.store_max_features) == (2**19, 300_000)
