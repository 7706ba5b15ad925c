"""import_layer: every format × CRS × encoding, kinds and field mapping, counts, and failures that leave the store as it was."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from lukou_geo.errors import InputError, StoreError
from lukou_geo.store.importer import import_layer
from lukou_geo.store.source import sha256_of
from tests.store.layers import CODES, ORIGIN, bowtie, parcels, truncated, write

# (format, CRS written, encoding, .cpg, expected source CRS label, expected encoding)
MATRIX = [
    ("gdb", "EPSG:4490", "UTF-8", True, "EPSG:4490", "UTF-8"),
    ("gdb", "EPSG:4547", "UTF-8", True, "EPSG:4547", "UTF-8"),
    ("gdbzip", "EPSG:4526", "UTF-8", True, "EPSG:4526", "UTF-8"),
    ("shpzip", "EPSG:4490", "GBK", True, "EPSG:4490", "GBK"),
    ("shpzip", "EPSG:4526", "GBK", False, "EPSG:4526", "GBK"),
    ("shpzip", "EPSG:4547", "UTF-8", False, "EPSG:4547", "UTF-8"),
    ("shpzip", "EPSG:4326", "UTF-8", True, "EPSG:4326", "UTF-8"),
    ("gpkg", "EPSG:4547", "UTF-8", True, "EPSG:4547", "UTF-8"),
    ("gpkg", "EPSG:4490", "UTF-8", True, "EPSG:4490", "UTF-8"),
    ("geojson", "EPSG:4326", "UTF-8", True, "EPSG:4326", "UTF-8"),
    ("kml", "EPSG:4326", "UTF-8", True, "EPSG:4326", "UTF-8"),
    ("kmz", "EPSG:4326", "UTF-8", True, "EPSG:4326", "UTF-8"),
]


IDS = [f"{m[0]}-{m[1][5:]}-{m[2]}-{'cpg' if m[3] else 'nocpg'}" for m in MATRIX]


@pytest.mark.parametrize(("fmt", "crs", "encoding", "cpg", "label", "enc"), MATRIX, ids=IDS)
def test_formats_crs_encodings(gpkg_store, tmp_path, fmt, crs, encoding, cpg, label, enc):
    gdf = parcels(3, 2)
    path = write(gdf, fmt, tmp_path / "in", crs=crs, encoding=encoding, cpg=cpg)
    rep = import_layer(gpkg_store, path, user="t", tiles=False)
    info = rep.layer
    assert (info.id, info.kind, info.features, rep.read) == ("dltb", "dltb", 6, 6)
    assert (info.source_crs, info.encoding) == (label, enc)
    assert info.sha256 == sha256_of(path) and info.source_file == path.name
    page, _ = gpkg_store.table("dltb")
    assert page["DLMC"].tolist() == [CODES[i % 4][1] for i in range(6)]  # Chinese text intact
    assert page["ZLDWMC"].unique().tolist() == ["渌口镇合成村"]
    assert page["lk_code"].tolist() == [CODES[i % 4][0] for i in range(6)]
    assert page["lk_code1"].tolist() == [CODES[i % 4][0][:2] for i in range(6)]
    assert np.allclose(page["lk_area_m2"], 10_000, atol=0.05)
    assert page["lk_tbmj"].astype(float).tolist() == [10_000.0] * 6
    assert (rep.repaired, rep.dropped, rep.outside) == (0, 0, 0)
    # geometry where it was: the first parcel's centroid within 1 mm of the written one
    back = gpkg_store.read_features("dltb", fids=[1]).to_crs("EPSG:4547").geometry.iloc[0]
    assert shapely.hausdorff_distance(back, gdf.geometry.iloc[0]) < 1e-3


def test_geopackage_with_two_layers(gpkg_store, tmp_path):
    path = write(parcels(2, 1), "gpkg", tmp_path, crs="EPSG:4490", layer="DLTB")
    pyogrio.write_dataframe(parcels(1, 1).rename(columns={"DLBM": "GHFQDM", "DLMC": "GHFQMC"}), path, layer="CZKFBJ")
    with pytest.raises(InputError, match=r"DLTB.*CZKFBJ") as err:
        import_layer(gpkg_store, path, user="t", tiles=False)
    assert "--sublayer" in str(err.value)
    with pytest.raises(InputError, match="YJJBNT"):
        import_layer(gpkg_store, path, sublayer="YJJBNT", user="t", tiles=False)
    info = import_layer(gpkg_store, path, sublayer="czkfbj", user="t", tiles=False).layer
    assert (info.id, info.kind, info.sublayer, info.features) == ("czkfbj", "czkfbj", "CZKFBJ", 1)
    assert gpkg_store.table("czkfbj")[0]["lk_code"].tolist() == ["0101"]


def test_file_without_crs_takes_the_site_check_choices(gpkg_store, tmp_path):
    path = write(parcels(2, 1), "shpzip", tmp_path / "a", crs="EPSG:4526", prj=False)
    with pytest.raises(InputError, match="--crs") as err:
        import_layer(gpkg_store, path, user="t", tiles=False)
    assert "DLTB.zip" in str(err.value)
    info = import_layer(gpkg_store, path, crs="gk-zone:38", user="t", tiles=False).layer
    assert info.source_crs == "EPSG:4526"
    assert np.allclose(gpkg_store.table("dltb")[0]["lk_area_m2"], 10_000, atol=0.05)
    path2 = write(parcels(2, 1), "shpzip", tmp_path / "b", crs="EPSG:4547", prj=False)
    info = import_layer(gpkg_store, path2, layer_id="cm", crs="gk-cm:114", user="t", tiles=False).layer
    assert info.source_crs == "EPSG:4547"
    assert np.allclose(gpkg_store.table("cm")[0]["lk_area_m2"], 10_000, atol=0.05)


def test_declared_crs_wins_over_gcj02(gpkg_store, tmp_path):
    path = write(parcels(1, 1), "gpkg", tmp_path, crs="EPSG:4490")
    rep = import_layer(gpkg_store, path, crs="gcj02", user="t", tiles=False)
    assert rep.layer.source_crs == "EPSG:4490"
    assert any("--crs" in n for n in rep.notes)
    got = gpkg_store.read_features("dltb").to_crs("EPSG:4547").geometry.iloc[0]
    assert shapely.hausdorff_distance(got, parcels(1, 1).geometry.iloc[0]) < 1e-3  # not shifted by ≈ 600 m


@pytest.mark.parametrize(("layer", "fields", "kind", "mapped"), [
    ("YJJBNT", {"YJJBNTTBBH": "J1", "DLBM": "0101", "DLMC": "水田", "YJJBNTMJ": 9000.0},
     "yjjbnt", {"lk_ref_id": "J1", "lk_code": "0101", "lk_tbmj": 9000.0}),
    ("STBHHX", {"BSM": "1", "HXBM": "430212-01", "HXMC": "渌江水源涵养红线", "HXLX": "01", "MJ": 1.0},
     "stbhhx", {"lk_ref_id": "430212-01", "lk_ref_name": "渌江水源涵养红线", "lk_code": "01", "lk_bsm": "1"}),
    ("CZKFBJ", {"BSM": "2", "GHFQDM": "10", "GHFQMC": "城镇集中建设区", "MJ": 5.0},
     "czkfbj", {"lk_code": "10", "lk_name": "城镇集中建设区", "lk_tbmj": 5.0}),
    ("YDYH", {"YDYHFLDM": "0701", "YDYHFLMC": "城镇住宅用地"}, "ghydyh", {"lk_code": "0701", "lk_code1": "07"}),
    ("GHFQ", {"GHFQDM": "21", "GHFQMC": "农田保护区"}, "ghfq", {"lk_code": "21", "lk_name": "农田保护区"}),
    ("KGDK", {"DKBH": "A-01", "YDYHFLDM": "0901", "RJL": 2.5}, "kg", {"lk_ref_id": "A-01", "lk_code": "0901"}),
    ("roads", {"NAME": "x"}, "other", {"lk_ref_name": "x"}),
])
def test_kinds_and_field_mapping(gpkg_store, tmp_path, layer, fields, kind, mapped):
    gdf = gpd.GeoDataFrame([fields], geometry=[parcels(1, 1).geometry.iloc[0]], crs="EPSG:4547")
    path = tmp_path / f"{layer}.gpkg"
    pyogrio.write_dataframe(gdf, path, layer=layer)
    info = import_layer(gpkg_store, path, user="t", tiles=False).layer
    assert info.kind == kind
    row = gpkg_store.table(info.id)[0].iloc[0]
    for std, value in mapped.items():
        assert row[std] == value, std
    for name, value in fields.items():  # originals kept under their names
        assert row[name] == value


def test_kind_given_overrides_and_numeric_codes_keep_their_zero(gpkg_store, tmp_path):
    gdf = parcels(1, 1)
    gdf["DLBM"] = [101]  # a delivery that stored 0101 as a number
    path = write(gdf, "gpkg", tmp_path, crs="EPSG:4547")
    info = import_layer(gpkg_store, path, kind="other", user="t", tiles=False).layer
    assert info.kind == "other"
    assert gpkg_store.table(info.id)[0]["lk_code"].tolist() == ["0101"]
    with pytest.raises(StoreError, match="kind"):
        import_layer(gpkg_store, path, kind="nonsense", user="t", tiles=False)


def test_repaired_dropped_and_outside_counted(gpkg_store, tmp_path):
    good = parcels(1, 1)
    x, y = ORIGIN
    geoms = [good.geometry.iloc[0], bowtie((x + 200, y)), shapely.Polygon(), shapely.Point(x, y),
             shapely.box(x + 50_000, y + 60_000, x + 50_100, y + 60_100)]
    gdf = gpd.GeoDataFrame({"DLBM": ["0101", "0103", "0301", "0702", "1001"], "TBBH": ["1", "2", "3", "4", "5"]},
                           geometry=geoms, crs="EPSG:4547")
    path = tmp_path / "bad.gpkg"
    pyogrio.write_dataframe(gdf, path, layer="DLTB", geometry_type="Unknown")
    rep = import_layer(gpkg_store, path, user="t", tiles=False)
    assert (rep.read, rep.repaired, rep.dropped, rep.outside) == (5, 1, 2, 1)
    assert (rep.layer.features, rep.layer.repaired, rep.layer.dropped, rep.layer.outside) == (3, 1, 2, 1)
    page = gpkg_store.table("dltb")[0].set_index("TBBH")
    assert page.loc["2", "lk_repaired"] == 1 and page.loc["1", "lk_repaired"] == 0
    assert page.loc["2", "lk_area_m2"] == pytest.approx(5_000, abs=0.05)  # the bow-tie's two triangles
    assert set(page.index) == {"1", "2", "5"}
    assert any("3 公里" in n or "3 km" in n for n in rep.notes)


def test_progress_reported(gpkg_store, tmp_path):
    seen: list[tuple[float, str]] = []
    path = write(parcels(2, 1), "gdb", tmp_path, crs="EPSG:4490")
    import_layer(gpkg_store, path, user="t", progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("瓦片" in m for _, m in seen) and any("写入要素" in m for _, m in seen)


# ------------------------------------------------------------------------------ failures leave the store as it was


@pytest.fixture
def before(store, tmp_path):
    """The store with ``dltb`` version 1 (6 parcels) and its table, to compare after a failure."""
    path = write(parcels(3, 2), "gpkg", tmp_path / "good", crs="EPSG:4547")
    import_layer(store, path, layer_id="dltb", user="t", tiles=False)
    return store.layer("dltb"), store.table("dltb")[0]


def _unchanged(store, before):
    info, page = before
    assert [i.id for i in store.layers()] == ["dltb"]
    assert store.layer("dltb") == info
    assert store.table("dltb")[0].equals(page)


def _empty_layer(tmp_path):
    path = tmp_path / "empty.gpkg"
    pyogrio.write_dataframe(parcels(1, 1).iloc[:0], path, layer="DLTB", geometry_type="Polygon")
    return path


@pytest.mark.parametrize("case", ["truncated", "wrong_encoding", "no_crs", "empty", "too_big", "too_many", "not_geodata"])
def test_failed_import_leaves_the_store_as_it_was(store, before, tmp_path, monkeypatch, case):
    kw: dict = {}
    if case == "truncated":
        path = truncated(write(parcels(3, 2), "shpzip", tmp_path / "t", crs="EPSG:4490"), tmp_path / "DLTB_cut.zip")
        words = ["DLTB_cut.zip", "完整", "copy or zip the file again"]
    elif case == "wrong_encoding":
        path = write(parcels(3, 2), "shpzip", tmp_path / "w", crs="EPSG:4490", cpg=False)
        kw["encoding"] = "UTF-8"
        words = ["DLTB.zip", "--encoding"]
    elif case == "no_crs":
        path = write(parcels(3, 2), "shpzip", tmp_path / "n", crs="EPSG:4526", prj=False)
        words = ["DLTB.zip", "--crs"]
    elif case == "empty":
        path = _empty_layer(tmp_path)
        words = ["empty.gpkg", "没有要素"]
    elif case == "too_big":
        path = write(parcels(3, 2), "gdb", tmp_path / "b", crs="EPSG:4490")
        monkeypatch.setenv("LUKOU_STORE_MAX_FILE_MB", "0.001")
        monkeypatch.setattr("lukou_geo.store.source.sha256_of", lambda p: pytest.fail("hashed before the size check"))
        words = ["DLTB.gdb", "LUKOU_STORE_MAX_FILE_MB"]
    elif case == "too_many":
        path = write(parcels(3, 2), "gpkg", tmp_path / "m", crs="EPSG:4547")
        monkeypatch.setenv("LUKOU_STORE_MAX_FEATURES", "5")
        monkeypatch.setattr("lukou_geo.store.importer._read", lambda src: pytest.fail("read before the feature limit"))
        words = ["DLTB.gpkg", "LUKOU_STORE_MAX_FEATURES"]
    else:
        path = tmp_path / "notes.txt"
        path.write_text("hello", encoding="utf-8")
        words = ["notes.txt", "不支持"]
    with pytest.raises(InputError) as err:
        import_layer(store, path, layer_id="dltb", user="t", tiles=False, **kw)
    for w in words:
        assert w in str(err.value), (w, str(err.value))
    _unchanged(store, before)


def test_a_write_that_fails_midway_leaves_the_old_layer(store, before, tmp_path, monkeypatch):
    path = write(parcels(3, 3), "gpkg", tmp_path / "new", crs="EPSG:4547")

    def boom(rows):
        yield from list(rows)[:1]
        raise OSError("disk full (simulated)")

    real = store.write_layer
    monkeypatch.setattr(store, "write_layer", lambda info, gdf, tiles=(), progress=None: real(info, gdf, boom([(0, 0, 0, b"x")] * 3), progress))
    with pytest.raises(OSError, match="simulated"):
        import_layer(store, path, layer_id="dltb", user="t", tiles=False)
    _unchanged(store, before)
