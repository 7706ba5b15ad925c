"""The synthetic sample (合成示例): deterministic, tiling the district, field rules of real deliveries, written
through GDAL in the formats and CRSs planners receive, and labelled 合成 everywhere."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from lukou_geo.build import synthetic as syn
from lukou_geo.build.geodata import default_sources
from lukou_geo.build.synthetic_write import FILES, write_bubiao_txt, write_delivery, write_layers, zone38_prefixed
from lukou_geo.settings import get_settings

N = 1200  # parcels of the module's sample: small, so the tests stay fast


@pytest.fixture(scope="module")
def layers() -> dict[str, gpd.GeoDataFrame]:
    return syn.sample_layers(n_dltb=N, n_stbhhx=12)


@pytest.fixture(scope="module")
def written(layers, tmp_path_factory) -> dict[str, Path]:
    return write_layers(layers, tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def district_area() -> float:
    g = gpd.read_file(get_settings().geodata_dir / "district.geojson").to_crs("EPSG:4547")
    return float(g.area.sum())


def _tables() -> Path:
    """shared/data with the code tables; skipped without it, failed in CI (LUKOU_REQUIRE_SHARED=1)."""
    data = default_sources().shared / "data"
    if not (data / "sandiao_codes.csv").is_file():
        msg = f"reference data not found at {data} (set LUKOU_SHARED_DIR)"
        if os.environ.get("LUKOU_REQUIRE_SHARED") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    return data


def _codes(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as fh:
        return {r["code"]: r["name"] for r in csv.DictReader(fh)}


# ------------------------------------------------------------------------------ generation


def test_same_seed_same_geometry_bytes_other_seed_other_parcels() -> None:
    a, b, c = syn.dltb(300, seed=7), syn.dltb(300, seed=7), syn.dltb(300, seed=8)
    assert list(shapely.to_wkb(a.geometry.values)) == list(shapely.to_wkb(b.geometry.values))
    assert a.drop(columns="geometry").equals(b.drop(columns="geometry"))
    assert list(shapely.to_wkb(a.geometry.values)) != list(shapely.to_wkb(c.geometry.values))


def test_dltb_tiles_the_district(layers, district_area) -> None:
    g = layers["dltb"].geometry.values
    assert len(g) == N and layers["dltb"].crs == "EPSG:4547"
    assert shapely.coverage_is_valid(g)  # edges of neighbours match exactly: no gap or overlap between them
    union = shapely.coverage_union_all(g)
    assert union.area == pytest.approx(district_area, rel=1e-3)
    a, b = shapely.STRtree(g).query(g, predicate="overlaps")
    overlap = shapely.area(shapely.intersection(g[a[a < b]], g[b[a < b]])).sum()
    assert overlap < 1e-4 * district_area
    assert shapely.area(g).sum() == pytest.approx(district_area, rel=1e-3)


def test_parcels_valid_polygons_with_vertices_in_range(layers) -> None:
    g = layers["dltb"].geometry.values
    assert shapely.is_valid(g).all() and (shapely.get_type_id(g) == 3).all()
    nv = shapely.get_num_coordinates(g) - 1  # the closing point is not a vertex
    assert nv.min() >= 10 and nv.max() <= 30
    assert np.median(nv) > 15  # spread over the range, not all at one end
    small = syn.dltb(300, vertices=(8, 16)).geometry.values
    nv = shapely.get_num_coordinates(small) - 1
    assert nv.min() >= 8 and nv.max() <= 16 and shapely.is_valid(small).all()


def test_dltb_field_rules(layers) -> None:
    d = layers["dltb"]
    assert list(d.columns) == ["BSM", "TBBH", "DLBM", "DLMC", "QSXZ", "ZLDWDM", "TBMJ", "KCXS", "KCMJ", "TBDLMJ", "SJLY", "geometry"]
    assert np.allclose(d["TBMJ"], d.area.round(2), atol=0.005)
    assert np.abs(d["TBDLMJ"] - (d["TBMJ"] - d["KCMJ"])).max() < 0.0051
    assert np.abs(d["KCMJ"] - d["TBMJ"] * d["KCXS"]).max() < 0.0051
    farmland = d["DLBM"].str.startswith("01")
    assert (d.loc[farmland, "KCXS"].between(0.02, 0.15)).all() and (d.loc[~farmland, "KCXS"] == 0).all()
    assert (d["DLBM"] != "1203").all()  # 田坎 only through KCXS
    assert d["BSM"].is_unique and not d.duplicated(["ZLDWDM", "TBBH"]).any()
    assert d["ZLDWDM"].str.fullmatch(r"430212\d{6}").all()
    assert d["QSXZ"].isin(["10", "21", "22"]).all()
    assert (d["DLMC"] == d["DLBM"].map(syn.DLMC)).all()
    share = d.groupby(d["DLBM"].str[:2])["TBMJ"].sum() / d["TBMJ"].sum()
    assert 0.2 < share["01"] < 0.3 and 0.4 < share["03"] < 0.55 and share["11"] > 0.03
    river = d[d["DLBM"] == "1101"]
    assert len(river) and shapely.intersects(shapely.union_all(river.geometry.values), syn._frame().river)


def test_codes_exist_in_the_national_tables(layers) -> None:
    data = _tables()
    sandiao, ydyh = _codes(data / "sandiao_codes.csv"), _codes(data / "ydyh_2023.csv")
    assert {c: sandiao.get(c) for c in syn.DLMC} == syn.DLMC
    assert {c: ydyh.get(c) for c in syn.YDYHFLMC} == syn.YDYHFLMC
    assert set(layers["dltb"]["DLBM"]) <= set(sandiao) and set(layers["ghydyh"]["YDYHFLDM"]) <= set(ydyh)
    assert set(layers["yjjbnt"]["DLBM"]) <= {"0101", "0102", "0103"}


def test_yjjbnt_is_a_subset_of_the_farmland_parcels_outside_the_boundary(layers) -> None:
    d, yj, cz = layers["dltb"], layers["yjjbnt"], layers["czkfbj"]
    assert 0 < len(yj) <= N // 5 and yj["YJJBNTTBBH"].is_unique
    src, dst = shapely.STRtree(d.geometry.values).query(yj.geometry.values, predicate="within")
    same = shapely.equals_exact(yj.geometry.values[src], d.geometry.values[dst], tolerance=0)
    src, dst = src[same], dst[same]
    assert sorted(src) == list(range(len(yj)))
    assert d["DLBM"].to_numpy()[dst].tolist() == yj["DLBM"].to_numpy()[src].tolist()
    assert np.allclose(d["TBDLMJ"].to_numpy()[dst], yj["YJJBNTMJ"].to_numpy()[src])
    assert not shapely.intersects(shapely.union_all(cz.geometry.values), yj.geometry.values).any()


def test_stbhhx_czkfbj_ghydyh(layers, district_area) -> None:
    st, cz, yj, gh = layers["stbhhx"], layers["czkfbj"], layers["yjjbnt"], layers["ghydyh"]
    assert 12 < len(st) < 60 and st["BSM"].is_unique and st["HXBM"].is_unique
    assert st["HXMC"].str.endswith("（合成）").all() and st["HXMC"].str.startswith("湘江").any()
    assert st["HXLX"].isin(["水源涵养", "生物多样性维护", "水土保持"]).all()
    assert np.allclose(st["MJ"], st.area, atol=0.01) and np.allclose(cz["MJ"], cz.area, atol=0.01)
    assert shapely.is_valid(st.geometry.values).all() and shapely.is_valid(cz.geometry.values).all()
    st_all, cz_all = shapely.union_all(st.geometry.values), shapely.union_all(cz.geometry.values)
    assert shapely.intersection(st_all, shapely.union_all(yj.geometry.values)).area < 1.0  # they may share edges only
    assert shapely.intersection(st_all, cz_all).area < 1.0
    assert set(cz["GHFQDM"]) == set(syn.GHFQMC) and (cz["GHFQMC"] == cz["GHFQDM"].map(syn.GHFQMC)).all()
    assert cz.area.sum() == pytest.approx(cz_all.area, rel=1e-9)  # zones do not overlap
    assert shapely.difference(cz_all, syn._frame().district).area < 1.0
    core = shapely.union_all(cz.geometry.values[cz["GHFQDM"] == "0401"])
    assert shapely.difference(shapely.union_all(gh.geometry.values), core).area < 1.0
    assert (gh["YDYHFLMC"] == gh["YDYHFLDM"].map(syn.YDYHFLMC)).all() and len(gh) > 10


def test_red_lines_cross_farmland_and_red_line_or_lie_in_the_boundary(layers) -> None:
    red, yj, st, cz = (layers[k] for k in ("redlines", "yjjbnt", "stbhhx", "czkfbj"))
    assert red["name"].str.startswith("合成").all()
    one, two = red.geometry.values
    assert shapely.intersects(one, yj.geometry.values).any() and shapely.intersects(one, st.geometry.values).any()
    assert shapely.within(two, cz.geometry.values[cz["GHFQDM"] == "0401"]).any()


def test_synthetic_label_in_every_layer(layers) -> None:
    for key in ("dltb", "yjjbnt", "stbhhx", "czkfbj", "ghydyh"):
        assert (layers[key]["SJLY"] == syn.SJLY).all() and "合成" in syn.SJLY, key
    assert layers["czkfbj"]["CZMC"].str.contains("合成").all()


# ------------------------------------------------------------------------------ the files


def test_filegdb_in_zone_38_with_prefix(written, layers) -> None:
    path = written["dltb_gdb"]
    assert path.name.endswith(".gdb") and path.is_dir()
    assert [name for name, _ in pyogrio.list_layers(path)] == ["DLTB"]
    info = pyogrio.read_info(path, layer="DLTB")
    assert info["crs"] == "EPSG:4526" and info["features"] == N and info["driver"] == "OpenFileGDB"
    assert "合成" in info["layer_metadata"]["ALIAS_NAME"]
    g = pyogrio.read_dataframe(path, layer="DLTB")
    assert g.total_bounds[0] > 38e6  # the zone prefix
    assert "水田" in set(g["DLMC"]) and (g["SJLY"] == syn.SJLY).all()
    back = g.set_crs("EPSG:4526", allow_override=True).to_crs("EPSG:4547")
    assert np.allclose(back.area, layers["dltb"]["TBMJ"], rtol=1e-6, atol=0.05)


def test_zone38_shift_equals_pyproj(layers) -> None:
    d = layers["dltb"].head(20)
    assert np.allclose(shapely.get_coordinates(zone38_prefixed(d).geometry.values),
                       shapely.get_coordinates(d.to_crs("EPSG:4526").geometry.values), atol=1e-6)  # fmt: skip


def test_dltb_shapefile_is_gbk_without_cpg(written) -> None:
    path = written["dltb_shp"]
    names = zipfile.ZipFile(path).namelist()
    assert not any(n.lower().endswith(".cpg") for n in names) and any(n.endswith(".prj") for n in names)
    g = pyogrio.read_dataframe(path, encoding="GBK")
    assert g.crs == "EPSG:4547" and len(g) == N
    assert "水田" in set(g["DLMC"]) and (g["SJLY"] == syn.SJLY).all()
    assert "水田" not in set(pyogrio.read_dataframe(path)["DLMC"])  # the trap: without GBK the names are mojibake


def test_yjjbnt_shapefile_is_gbk_with_cpg_in_4490(written, layers) -> None:
    path = written["yjjbnt"]
    with zipfile.ZipFile(path) as zf:
        cpg = [n for n in zf.namelist() if n.lower().endswith(".cpg")]
        assert cpg and zf.read(cpg[0]).decode().strip().upper() in ("GBK", "CP936", "936")
    g = pyogrio.read_dataframe(path)  # the .cpg says GBK: no encoding needed
    assert g.crs == "EPSG:4490" and len(g) == len(layers["yjjbnt"])
    assert set(g["DLMC"]) <= {"水田", "水浇地", "旱地"} and "水田" in set(g["DLMC"]) and (g["SJLY"] == syn.SJLY).all()


def test_geopackages_in_4490(written, layers) -> None:
    assert [n for n, _ in pyogrio.list_layers(written["sqsx"])] == ["STBHHX", "CZKFBJ"]
    for path, layer in [(written["sqsx"], "STBHHX"), (written["sqsx"], "CZKFBJ"), (written["ghydyh"], "GHYDYH")]:
        g = pyogrio.read_dataframe(path, layer=layer)
        assert g.crs == "EPSG:4490" and len(g) == len(layers[layer.lower()]), layer
        assert (g["SJLY"] == syn.SJLY).all() and "合成" in pyogrio.read_info(path, layer=layer)["layer_metadata"]["IDENTIFIER"]
    st = pyogrio.read_dataframe(written["sqsx"], layer="STBHHX")
    assert st["HXMC"].str.contains("合成").all() and st["HXMC"].str.contains("湘江").any()


def test_bubiao_txt_reads_back_through_the_site_check(written, layers) -> None:
    from lukou_geo.sitecheck.inputs import read_bytes

    raw = written["redlines"].read_bytes()
    text = raw.decode("gbk")
    assert "[地块坐标]" in text and "带号=38" in text and "合成" in text
    ing = read_bytes(raw, written["redlines"].name)
    assert not ing.errors and list(ing.projects["name"]) == list(layers["redlines"]["name"])
    assert list(ing.projects["ptype"]) == ["工业用地", "住宅用地"]
    back = ing.projects.to_crs("EPSG:4547").area.to_numpy()
    assert np.allclose(back, layers["redlines"].area.to_numpy(), rtol=1e-5)


def test_bubiao_points_northing_first_with_prefix(tmp_path) -> None:
    red = gpd.GeoDataFrame({"name": ["合成测试"], "ptype": ["工业用地"]}, geometry=[shapely.box(420000, 3050000, 420100, 3050200)],
                           crs="EPSG:4547")  # fmt: skip
    lines = write_bubiao_txt(red, tmp_path / "t.txt").read_text(encoding="gbk").splitlines()
    head = lines.index("[地块坐标]") + 1
    assert lines[head] == "5,2.0000,1,合成测试,面,,工业用地,,@"
    n, e = map(float, lines[head + 1].split(",")[2:])
    assert 3050000 <= n <= 3050200 and 38420000 <= e <= 38420100


def test_readme_says_synthetic_in_both_languages(written) -> None:
    text = written["readme"].read_text(encoding="utf-8-sig")
    assert "合成示例" in text and "synthetic" in text and "不得用于" in text and "must not be used" in text
    for name in FILES.values():
        assert name in text or name == "README.txt"
    assert set(written) == set(FILES)


def test_written_bytes_deterministic(tmp_path) -> None:
    small = syn.sample_layers(n_dltb=300, n_stbhhx=4)
    again = syn.sample_layers(n_dltb=300, n_stbhhx=4)
    a, b = write_layers(small, tmp_path / "a"), write_layers(again, tmp_path / "b")
    assert a["redlines"].read_bytes() == b["redlines"].read_bytes()
    for key in ("dltb_shp", "yjjbnt"):
        za, zb = zipfile.ZipFile(io.BytesIO(a[key].read_bytes())), zipfile.ZipFile(io.BytesIO(b[key].read_bytes()))
        shp = next(n for n in za.namelist() if n.endswith(".shp"))
        assert za.read(shp) == zb.read(shp), key


@pytest.mark.parametrize(("name", "crs", "driver"), [("DLTB.gdb", "EPSG:4526", "OpenFileGDB"), ("DLTB.zip", "EPSG:4490", "ESRI Shapefile"),
                                                     ("DLTB.gpkg", "EPSG:4547", "GPKG"), ("DLTB.fgb", "EPSG:4490", "FlatGeobuf")])
def test_write_delivery_in_the_format_and_crs_asked(layers, tmp_path, name, crs, driver) -> None:
    d = layers["dltb"].head(50)
    out = write_delivery(d, tmp_path / name, crs=crs)
    info = pyogrio.read_info(out)
    assert info["driver"] == driver and info["features"] == 50 and info["crs"] == crs
    back = pyogrio.read_dataframe(out)
    back = back.set_index("BSM").loc[list(d["BSM"])]  # a FlatGeobuf's spatial index reorders the features
    assert (back["SJLY"] == syn.SJLY).all() and list(back["DLMC"]) == list(d["DLMC"])  # GBK text reads back
    if crs == "EPSG:4526":
        assert back.total_bounds[0] > 38_000_000
    assert write_delivery(d, out, crs=crs) == out  # replaced, not appended
    assert pyogrio.read_info(out)["features"] == 50
