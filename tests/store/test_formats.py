"""The store's one registry of layer formats: the importer, the exports, the CLI and the uploader read it."""

from __future__ import annotations

import argparse

import geopandas as gpd
import pytest
import shapely

from lukou_geo.errors import ExportError, InputError
from lukou_geo.store import formats
from lukou_geo.store.cli import add_layers_parser
from lukou_geo.store.export import export_frame
from lukou_geo.store.source import open_source
from lukou_geo.text import TEXT


def test_every_format_has_both_labels():
    for f in (*formats.IMPORT_FORMATS, *formats.EXPORT_FORMATS):
        prefix = "in" if isinstance(f, formats.ImportFormat) else "out"
        assert set(TEXT[f"formats.{prefix}_{f.id}"]) == {"zh", "en"}
        assert f.label("zh") and f.label("en")


def test_the_suffix_views_partition_the_import_formats():
    assert set(formats.import_suffixes()) == set(formats.archive_suffixes()) | set(formats.folder_suffixes()) | set(
        formats.data_suffixes())
    assert ".gdb" in formats.folder_suffixes() and ".gdb" not in formats.data_suffixes()
    assert {".zip", ".kmz"} == set(formats.archive_suffixes())
    # a lone .shp and a .gdb folder cannot be uploaded as they are: they come zipped
    assert "shp" not in formats.upload_types() and "gdb" not in formats.upload_types()
    assert {"zip", "gpkg", "geojson", "kml", "kmz", "fgb"} <= set(formats.upload_types())
    assert formats.kind_of(".GPKG").id == "gpkg" and formats.kind_of(".xls") is None
    assert formats.by_driver("ESRI Shapefile").id == "shapefile" and formats.by_driver("nope") is None
    assert formats.has_boilerplate("LIBKML") and not formats.has_boilerplate("GPKG")


def test_an_unsupported_file_is_refused_naming_the_formats(tmp_path):
    bad = tmp_path / "parcels.xls"
    bad.write_bytes(b"not a layer")
    with pytest.raises(InputError) as err, open_source(bad):
        pass
    assert "「.xls」" in err.value.message("zh") and "GeoPackage" in err.value.message("zh")
    assert ".xls" in err.value.message("en") and formats.describe("en") in err.value.message("en")


def test_export_choices_come_from_the_registry(tmp_path):
    parser = argparse.ArgumentParser()
    add_layers_parser(parser.add_subparsers(dest="cmd"))
    args = parser.parse_args(["layers", "export", "x", "--format", "dxf", "--out", "x.dxf"])
    assert args.format == "dxf"
    for fmt in formats.export_ids():
        parser.parse_args(["layers", "export", "x", "--format", fmt, "--out", "o"])
    with pytest.raises(SystemExit):
        parser.parse_args(["layers", "export", "x", "--format", "xlsx", "--out", "o"])
    gdf = gpd.GeoDataFrame({"lk_code": ["0101"]}, geometry=[shapely.box(113.1, 27.6, 113.11, 27.61)], crs="EPSG:4326")
    with pytest.raises(ExportError) as err:
        export_frame(gdf, "xlsx", tmp_path / "o.xlsx")
    assert all(f in err.value.message("en") for f in formats.export_ids())
    # the default CRS of a format is the registry's: DXF in GK zone 38 with its prefix
    import pyogrio

    out = export_frame(gdf, "dxf", tmp_path / "o.dxf")
    assert pyogrio.read_dataframe(out).total_bounds[0] > 38_000_000


def test_polygon_only_formats_refuse_points(tmp_path):
    pts = gpd.GeoDataFrame({"lk_code": ["0101"]}, geometry=[shapely.Point(113.1, 27.6)], crs="EPSG:4326")
    with pytest.raises(ExportError) as err:
        export_frame(pts, "bubiao", tmp_path / "p.txt")
    assert "部标" in err.value.message("zh") and "polygons only" in err.value.message("en")
    assert not (tmp_path / "p.txt").exists()
