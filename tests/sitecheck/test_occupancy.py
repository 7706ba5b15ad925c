"""压占 engine: exact areas on constructed layers (squares, 田坎, holes, multipolygons), slivers, rules, exceptions."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from lukou_geo.sitecheck.occupancy import SQM_PER_MU, layer_from_frame, occupancy, overlay_pieces
from lukou_geo.sitecheck.rules_occupancy import read_rules
from lukou_geo.sitecheck.vocab import read_project_types

X0, Y0 = 415_000.0, 3_065_000.0


def grid_dltb(nx: int = 4, ny: int = 4, size: float = 100.0) -> gpd.GeoDataFrame:
    """``nx × ny`` squares of ``size`` m; codes cycle 0101 水田 (KCXS 0.1), 0301 乔木林地, 0702 农村宅基地, 1101 河流水面."""
    codes = (("0101", "水田", 0.1), ("0301", "乔木林地", 0.0), ("0702", "农村宅基地", 0.0), ("1101", "河流水面", 0.0))
    rows, geoms = [], []
    for j in range(ny):
        for i in range(nx):
            k = j * nx + i
            c, nm, kc = codes[k % len(codes)]
            geoms.append(shapely.box(X0 + i * size, Y0 + j * size, X0 + (i + 1) * size, Y0 + (j + 1) * size))
            rows.append({"lk_fid": k + 1, "lk_code": c, "lk_name": nm, "lk_code1": c[:2], "lk_ref_id": str(k + 1),
                         "lk_ref_name": "", "lk_tbmj": size * size, "lk_kcxs": kc, "lk_kcmj": size * size * kc,
                         "lk_tbdlmj": size * size * (1 - kc)})
    return gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4547")


def layer(gdf: gpd.GeoDataFrame, kind: str = "dltb", lid: str = "dltb", title: str = "地类图斑"):
    return layer_from_frame(gdf, lid, title, kind)


def red(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def test_square_cut_by_red_line_gross_and_net():
    lyr = layer(grid_dltb())
    # 150 × 100 m over parcels 1 (0101, whole 100×100) and 2 (0301, 50×100)
    occ = occupancy(np.array([red(0, 0, 150, 100)], dtype=object), [lyr], names=["甲"], ptypes=["新材料"])
    lv2 = occ.classes[occ.classes["level"] == "二级"].set_index("code")
    assert lv2.loc["0101", "gross_m2"] == pytest.approx(10_000, abs=1e-6)
    assert lv2.loc["0101", "net_m2"] == pytest.approx(9_000, abs=1e-6)  # net of 田坎 (KCXS 0.1)
    assert lv2.loc["0301", "gross_m2"] == pytest.approx(5_000, abs=1e-6)
    assert lv2.loc["0301", "net_m2"] == pytest.approx(5_000, abs=1e-6)
    assert lv2.loc["0301", "tbmj_m2"] == pytest.approx(5_000, abs=1e-6)  # TBMJ scaled to the part taken
    assert lv2.loc["0101", "tbdlmj_m2"] == pytest.approx(9_000, abs=1e-6)
    assert lv2.loc["0101", "mu"] == pytest.approx(9_000 / SQM_PER_MU, abs=1e-4)
    assert lv2.loc["0101", "ha"] == pytest.approx(0.9)
    lv1 = occ.classes[occ.classes["level"] == "一级"].set_index("code")
    assert lv1.loc["01", "name"] == "耕地" and lv1.loc["03", "name"] == "林地"
    big = occ.classes[occ.classes["level"] == "三大类"].set_index("name")
    assert big.loc["农用地", "gross_m2"] == pytest.approx(15_000, abs=1e-6)
    s = occ.summary.iloc[0]
    assert s["occ_gengdi_mu"] == pytest.approx(9_000 / SQM_PER_MU, abs=1e-4)
    assert s["occ_gengdi_gross_mu"] == pytest.approx(10_000 / SQM_PER_MU, abs=1e-4)
    # industry on 耕地 → 需关注 with the basis of 土地管理法 第三十条
    f = occ.findings[occ.findings["rule_id"] == "dltb_cultivated"].iloc[0]
    assert f["verdict"] == "需关注" and "第三十条" in f["basis"]
    assert s["occ_verdict"] == "需关注"


def test_areas_sum_to_project_and_kcmj_only():
    gdf = grid_dltb()
    gdf["lk_kcxs"] = np.nan  # only KCMJ/TBMJ delivered: KCXS derived
    lyr = layer(gdf)
    poly = red(10, 10, 390, 390)
    occ = occupancy(np.array([poly], dtype=object), [lyr])
    lv2 = occ.classes[occ.classes["level"] == "二级"]
    assert lv2["gross_m2"].sum() == pytest.approx(poly.area, rel=1e-12)
    rice = lv2.set_index("code").loc["0101"]
    assert rice["net_m2"] == pytest.approx(rice["gross_m2"] * 0.9, rel=1e-12)


def test_hole_and_multipolygon():
    lyr = layer(grid_dltb())
    outer = red(0, 0, 200, 200)
    holed = shapely.Polygon(outer.exterior.coords, [red(50, 50, 150, 150).exterior.coords])  # 40,000 − 10,000
    multi = shapely.MultiPolygon([red(0, 0, 100, 100), red(300, 300, 400, 400)])
    occ = occupancy(np.array([holed, multi], dtype=object), [lyr])
    tot = occ.classes[occ.classes["level"] == "二级"].groupby("project_no")["gross_m2"].sum()
    assert tot[1] == pytest.approx(30_000, abs=1e-6)
    assert tot[2] == pytest.approx(20_000, abs=1e-6)
    # the hole takes a quarter of each of the four parcels it lies in
    p1 = occ.pieces[occ.pieces["project_no"] == 1].set_index("fid")["gross_m2"]
    assert p1.loc[1] == pytest.approx(7_500, abs=1e-6) and len(p1) == 4


def test_layer_with_holes_and_multiparts():
    donut = shapely.Polygon(red(0, 0, 300, 300).exterior.coords, [red(100, 100, 200, 200).exterior.coords])
    two = shapely.MultiPolygon([red(400, 0, 500, 100), red(600, 0, 700, 100)])
    gdf = gpd.GeoDataFrame({"lk_fid": [1, 2], "lk_code": ["", ""], "lk_ref_id": ["HX01", "HX02"],
                            "lk_ref_name": ["湘江湿地", "南洲山林"]}, geometry=[donut, two], crs="EPSG:4547")
    lyr = layer(gdf, "stbhhx", "hx", "生态保护红线")
    occ = occupancy(np.array([red(0, 0, 700, 300)], dtype=object), [lyr])
    feats = occ.features.set_index("ref_id")
    assert feats.loc["HX01", "gross_m2"] == pytest.approx(80_000, abs=1e-6)
    assert feats.loc["HX02", "gross_m2"] == pytest.approx(20_000, abs=1e-6)
    assert occ.summary.iloc[0]["occ_stbhhx_m2"] == pytest.approx(100_000, abs=1e-3)
    assert occ.summary.iloc[0]["occ_verdict"] == "冲突"


def test_slivers_listed_apart_not_conflicts():
    farmland = gpd.GeoDataFrame({"lk_fid": [1], "lk_code": ["0101"], "lk_ref_id": ["JBNT1"]},
                                geometry=[red(0, 0, 100, 100)], crs="EPSG:4547")
    lyr = layer(farmland, "yjjbnt", "jbnt", "永久基本农田")
    # 0.5 m² overlap (below 1 m²) and a 100 m² one on a 1,000,000 m² project (0.01 % = 100 m² bound: exactly at it)
    occ = occupancy(np.array([red(99.5, 0, 1099.5, 1000)], dtype=object), [lyr])
    # overlap 0.5 × 100 = 50 m² < max(1, 0.0001 × 1e6 = 100): a sliver
    assert len(occ.slivers) == 1 and occ.slivers.iloc[0]["gross_m2"] == pytest.approx(50)
    assert occ.summary.iloc[0]["occ_yjjbnt_m2"] == 0
    assert occ.summary.iloc[0]["occ_verdict"] == "符合"
    assert not len(occ.features)


def test_rules_exception_turns_conflict_into_attention():
    farmland = gpd.GeoDataFrame({"lk_fid": [1], "lk_code": ["0101"], "lk_ref_id": ["JBNT1"]},
                                geometry=[red(0, 0, 100, 100)], crs="EPSG:4547")
    lyr = layer(farmland, "yjjbnt", "jbnt", "永久基本农田")
    geoms = np.array([red(50, 0, 150, 100), red(50, 0, 150, 100)], dtype=object)
    occ = occupancy(geoms, [lyr], names=["甲", "乙"], exceptions={2: ["national_major"]})
    v = occ.summary.set_index("project_no")["occ_verdict"]
    assert v[1] == "冲突" and v[2] == "需关注"
    f2 = occ.findings[occ.findings["project_no"] == 2].iloc[0]
    assert "自然资规〔2019〕1号" in f2["basis"] and "第三十五条" in f2["basis"] and f2["exception"]
    assert occ.summary.set_index("project_no").loc[1, "occ_yjjbnt_mu"] == pytest.approx(5_000 / SQM_PER_MU, abs=1e-4)


def test_urban_use_outside_boundary_is_attention():
    bound = gpd.GeoDataFrame({"lk_fid": [1, 2], "lk_code": ["31", "32"], "lk_name": ["居住生活区", "工业发展区"]},
                             geometry=[red(0, 0, 100, 100), red(100, 0, 200, 100)], crs="EPSG:4547")
    lyr = layer(bound, "czkfbj", "kfbj", "城镇开发边界")
    vocab = read_project_types()
    geoms = np.array([red(50, 0, 250, 100), red(50, 0, 250, 100), red(10, 10, 90, 90)], dtype=object)
    occ = occupancy(geoms, [lyr], ptypes=["新材料", "农业", "住宅"], vocab=vocab)
    s = occ.summary.set_index("project_no")
    assert s.loc[1, "occ_czkfbj_in_mu"] == pytest.approx(15_000 / SQM_PER_MU, abs=1e-4)
    assert s.loc[1, "occ_czkfbj_out_mu"] == pytest.approx(5_000 / SQM_PER_MU, abs=1e-4)
    assert s.loc[1, "occ_verdict"] == "需关注"  # industry partly outside
    assert s.loc[2, "occ_verdict"] == ""  # agriculture: the rule does not apply
    assert s.loc[3, "occ_verdict"] == "符合"  # housing wholly inside
    by = occ.classes[(occ.classes["project_no"] == 1)].set_index("name")["gross_m2"]
    assert by["居住生活区"] == pytest.approx(5_000) and by["工业发展区"] == pytest.approx(10_000)
    assert by["城镇开发边界外"] == pytest.approx(5_000)


def test_ydyh_compatibility_table():
    plan = gpd.GeoDataFrame({"lk_fid": [1, 2], "lk_code": ["1001", "0701"], "lk_name": ["工业用地", "城镇住宅用地"]},
                            geometry=[red(0, 0, 100, 100), red(100, 0, 200, 100)], crs="EPSG:4547")
    lyr = layer(plan, "ghydyh", "ydyh", "规划用地用海")
    occ = occupancy(np.array([red(0, 0, 150, 100)], dtype=object), [lyr], ptypes=["新材料"], vocab=read_project_types())
    comp = occ.classes[occ.classes["level"] == "二级"].set_index("code")["compatible"]
    assert comp["1001"] == "是" and comp["0701"] == "否"
    assert occ.summary.iloc[0]["occ_verdict"] == "需关注"
    assert "0701" in occ.summary.iloc[0]["occ_reason"]


def test_equals_geopandas_overlay():
    from lukou_geo.build.synthetic import dltb

    full = dltb(2000, seed=3)  # 合成 parcels tiling the district; those in a 3 km square
    x0, y0 = full.geometry.union_all().centroid.coords[0]
    gdf = full[full.intersects(shapely.box(x0, y0, x0 + 3000, y0 + 3000))].reset_index(drop=True)
    gdf = gdf.rename(columns={"DLBM": "lk_code", "DLMC": "lk_name", "KCXS": "lk_kcxs", "TBMJ": "lk_tbmj"})
    gdf["lk_fid"] = np.arange(1, len(gdf) + 1)
    lyr = layer(gdf)
    rng = np.random.default_rng(1)
    c = rng.uniform(200, 2800, size=(20, 2))
    reds = shapely.buffer(shapely.points(c[:, 0] + x0, c[:, 1] + y0), rng.uniform(50, 300, 20), quad_segs=8)
    pi, fi, area, _ = overlay_pieces(reds, lyr)
    ov = gpd.overlay(gpd.GeoDataFrame({"p": range(20)}, geometry=reds, crs="EPSG:4547"), gdf[["lk_fid", "geometry"]],
                     keep_geom_type=True)
    ref = ov.assign(a=ov.area).groupby(["p", "lk_fid"])["a"].sum()
    mine = dict(zip(zip(pi, lyr.fid[fi], strict=True), area, strict=True))
    ref = ref[ref > 0]
    assert len(ref) == len(mine)
    for key, a in ref.items():
        assert mine[key] == pytest.approx(a, rel=1e-6)


def test_three_input_crs_give_the_same_areas():
    """A red line given in EPSG:4490, EPSG:4526 (zone prefix) and EPSG:4547 measures the same."""
    from lukou_geo.build.synthetic_write import in_crs as to_crs
    from lukou_geo.crs import to_lonlat
    from lukou_geo.sitecheck.context import to_metric

    lyr = layer(grid_dltb())
    poly = red(20, 20, 320, 180)
    base = gpd.GeoDataFrame({"n": [1]}, geometry=[poly], crs="EPSG:4547")
    results = []
    for crs in ("EPSG:4490", "EPSG:4526", "EPSG:4547"):
        g = to_crs(base, crs)
        ll = g.to_crs("EPSG:4326").geometry.values.to_numpy() if crs != "EPSG:4526" else to_lonlat(
            shapely.transform(g.geometry.values.to_numpy(), lambda c: c - np.array([38_000_000.0, 0.0])))
        occ = occupancy(to_metric(ll), [lyr])
        results.append(occ.classes[occ.classes["level"] == "二级"]["gross_m2"].sum())
    assert results[0] == pytest.approx(poly.area, rel=1e-9)
    assert results[1] == pytest.approx(poly.area, rel=1e-9) and results[2] == pytest.approx(poly.area, rel=1e-9)


def test_rules_file_has_basis_for_every_rule():
    rules = read_rules()
    kinds = {r.kind for r in rules.rules}
    assert {"yjjbnt", "stbhhx", "czkfbj", "dltb"} <= kinds
    for r in rules.rules:
        assert r.basis and r.source
    assert rules.sliver_m2 == 1.0


def test_ghfq_compatibility_and_red_line_exception():
    zones = gpd.GeoDataFrame({"lk_fid": [1, 2], "lk_code": ["", ""], "lk_name": ["农田保护区", "工业发展区"]},
                             geometry=[red(0, 0, 100, 100), red(100, 0, 200, 100)], crs="EPSG:4547")
    hx = gpd.GeoDataFrame({"lk_fid": [1], "lk_code": [""], "lk_ref_id": ["HX1"]}, geometry=[red(0, 0, 50, 50)], crs="EPSG:4547")
    layers = [layer(zones, "ghfq", "fq", "规划分区"), layer(hx, "stbhhx", "hx", "生态保护红线")]
    vocab = read_project_types()
    geoms = np.array([red(0, 0, 200, 100), red(120, 10, 190, 90), red(0, 0, 200, 100)], dtype=object)
    occ = occupancy(geoms, layers, ptypes=["新材料", "新材料", "交通设施"], vocab=vocab, exceptions={3: ["limited_activity"]})
    v = occ.summary.set_index("project_no")["occ_verdict"]
    assert v[1] == "冲突"  # industry in 生态保护红线, no exception
    assert v[2] == "符合"  # wholly in 工业发展区, no red line
    assert v[3] == "需关注"  # the recorded limited-activity exception (自然资发〔2022〕142号)
    f3 = occ.findings[(occ.findings["project_no"] == 3) & (occ.findings["rule_id"] == "stbhhx_occupied")].iloc[0]
    assert "142号" in f3["basis"] and f3["exception"]
    comp = occ.classes[(occ.classes["project_no"] == 1) & (occ.classes["layer_kind"] == "ghfq")].set_index("name")["compatible"]
    assert comp["农田保护区"] == "否" and comp["工业发展区"] == "是"
    fq = occ.findings[(occ.findings["project_no"] == 1) & (occ.findings["rule_id"] == "ghfq_incompatible")].iloc[0]
    assert fq["verdict"] == "需关注" and "农田保护区" in fq["rule"]


def test_unknown_rule_file_errors_name_the_file(tmp_path):
    from lukou_geo.errors import CatalogError

    bad = tmp_path / "occupancy.toml"
    bad.write_text('[[rule]]\nid = "x"\nkind = "yjjbnt"\nverdict = "禁止"\ntitle_zh = "a"\ntitle_en = "a"\nsource = "s"\nbasis = "b"\n',
                   encoding="utf-8")
    with pytest.raises(CatalogError, match=r"occupancy\.toml"):
        read_rules(bad)
