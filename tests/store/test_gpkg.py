"""The GeoPackage store: a valid GeoPackage for GDAL, WAL, migrations, orphans, the two SQLite copies."""

from __future__ import annotations

import sqlite3
import threading

import pyogrio
import pytest
import shapely

from lukou_geo.errors import StoreError
from lukou_geo.store import _sql
from lukou_geo.store.gpkg import GpkgStore, decode_geometries
from lukou_geo.store.importer import import_layer
from tests.store.layers import parcels, write


@pytest.fixture
def filled(gpkg_store, tmp_path):
    import_layer(gpkg_store, write(parcels(3, 2), "gpkg", tmp_path / "in", crs="EPSG:4547"), layer_id="dltb", user="t", tiles=False)
    return gpkg_store


def test_a_geopackage_gdal_reads(filled):
    layers = dict(pyogrio.list_layers(filled.path))
    assert "lk_f_dltb_v1" in layers and "lk_seed" not in layers  # the store's own tables are not GDAL layers
    info = pyogrio.read_info(filled.path, layer="lk_f_dltb_v1")
    assert (info["fid_column"], info["geometry_name"], info["features"]) == ("lk_fid", "geom", 6)
    con = sqlite3.connect(filled.path)
    try:
        assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # 'GPKG'
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("SELECT value FROM lk_meta WHERE key = 'schema_version'").fetchone()[0] == str(_sql.SCHEMA_VERSION)
        assert [r[0] for r in con.execute("SELECT version FROM lk_migrations")] == [m[0] for m in _sql.MIGRATIONS]
        blobs = [r[0] for r in con.execute("SELECT geom FROM lk_f_dltb_v1 ORDER BY lk_fid")]
    finally:
        con.close()
    via_gdal = pyogrio.read_dataframe(filled.path, layer="lk_f_dltb_v1").geometry.values
    assert all(shapely.equals_exact(a, b) for a, b in zip(decode_geometries(blobs), via_gdal, strict=True))


def test_a_newer_store_is_refused(filled):
    con = sqlite3.connect(filled.path)
    con.execute("UPDATE lk_meta SET value = '999' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="999"):
        GpkgStore(filled.path)


def test_orphans_of_a_failed_write_are_dropped(filled, tmp_path, monkeypatch):
    def fail_after_writing(self, table, gdf, geometry, say, real=GpkgStore._write_features):
        real(self, table, gdf, geometry, say)
        raise KeyboardInterrupt  # as if interrupted between the features and the catalogue

    monkeypatch.setattr(GpkgStore, "_write_features", fail_after_writing)
    with pytest.raises(KeyboardInterrupt):
        import_layer(filled, write(parcels(2, 2), "gpkg", tmp_path / "b", crs="EPSG:4547"), layer_id="dltb", user="t", tiles=False)
    assert "lk_f_dltb_v2" in dict(pyogrio.list_layers(filled.path))
    assert filled.layer("dltb").version == 1 and filled.table("dltb")[1] == 6
    GpkgStore(filled.path)  # opening with the write lock free drops the orphan
    assert "lk_f_dltb_v2" not in dict(pyogrio.list_layers(filled.path))


def test_two_stores_on_one_file_in_threads(filled, tmp_path):
    """GDAL's SQLite copy and Python's must never hold the file at once (it used to end in 'disk I/O error')."""
    other = GpkgStore(filled.path)
    errors: list[BaseException] = []
    stop = threading.Event()

    def read():
        try:
            while not stop.is_set():
                assert other.table("dltb")[1] in (6, 4)
                other.identify(113.138, 27.695)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    t = threading.Thread(target=read)
    t.start()
    try:
        for k in range(3):
            import_layer(filled, write(parcels(2, 2), "gpkg", tmp_path / f"r{k}", crs="EPSG:4547"), layer_id="dltb", user="t", tiles=False)
    finally:
        stop.set()
        t.join()
    assert not errors, errors
    assert other.layer("dltb").version == 4
    con = sqlite3.connect(filled.path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_unwritable_data_dir(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="LUKOU_DATA_DIR"):
        GpkgStore(blocker / "store.gpkg")
