"""Shared pytest configuration: markers and the vendored front-end files."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "browser: drives a real Chromium through Playwright (slow; needs /usr/bin/chromium)",
    )
    config.addinivalue_line(
        "markers",
        "allow_blocked_requests: the browser `page` fixture does not fail the test when it "
        "blocked requests to outside hosts (for tests of the no-tiles fallback)",
    )


@pytest.fixture(scope="session")
def vendored() -> Path:
    """The vendor folder (``static/vendor``) with its manifest; fails with the fix if absent."""
    from lukou_geo.map.assets import vendor_dir

    folder = vendor_dir()
    if not (folder / "manifest.json").is_file():
        pytest.fail(
            f"{folder}/manifest.json is missing: the front-end files are not vendored. "
            "Run `make setup`, or `npm ci && python tools/vendor_assets.py`.",
            pytrace=False,
        )
    return folder


@pytest.fixture(scope="session")
def catalog():
    """The layer catalog of the repository (read once; tests must not mutate it)."""
    from lukou_geo.catalog import read_catalog

    return read_catalog()


@pytest.fixture(scope="session")
def data(catalog):
    """Every layer file, validated: {layer id: GeoJSON} (read once; copy before changing)."""
    from lukou_geo.catalog import validate_data

    return validate_data(catalog)
