"""A small common-character font (a few dozen characters) built once into a temporary cache folder."""

from __future__ import annotations

import os

import pytest

from lukou_geo.output.fonts import build_core_font, core_font_path

#: The characters of the small common-character font (everything else goes to the full font).
SMALL_CORE = "".join(chr(c) for c in range(0x20, 0x7F)) + "渌口规划一张图例选址核查报告项目名称:,。·"


@pytest.fixture(scope="session")
def small_core_cache(tmp_path_factory: pytest.TempPathFactory):
    """LUKOU_CACHE_DIR set to a folder holding the small common-character font (restored afterwards)."""
    folder = tmp_path_factory.mktemp("cache")
    old = os.environ.get("LUKOU_CACHE_DIR")
    os.environ["LUKOU_CACHE_DIR"] = str(folder)
    try:
        build_core_font(core_font_path(), {ord(c) for c in SMALL_CORE})
        yield folder
    finally:
        if old is None:
            os.environ.pop("LUKOU_CACHE_DIR", None)
        else:
            os.environ["LUKOU_CACHE_DIR"] = old
