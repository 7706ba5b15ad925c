from lukou_geo.build.sources import build_sources_md
from lukou_geo.catalog import read_catalog, validate_data
from lukou_geo.settings import REPO_ROOT


def test_committed_sources_md_is_current():
    catalog = read_catalog()
    expected = build_sources_md(catalog, validate_data(catalog))
    assert (REPO_ROOT / "geodata" / "SOURCES.md").read_text(encoding="utf-8") == expected, "run `make data`"


def test_sources_md_lists_every_layer_with_licence():
    catalog = read_catalog()
    text = build_sources_md(catalog, validate_data(catalog))
    for lyr in catalog.layers:
        assert f"({lyr.id})" in text and lyr.licence.replace("|", "/") in text
    assert "CC BY 4.0" in text and "Vonng/adcode" in text
