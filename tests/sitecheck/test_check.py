"""The site check: CRS correctness, area accuracy, verdict rules, vocabulary."""

from __future__ import annotations

import re
import tomllib

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Point, box

from lukou_geo import crs as ccrs
from lukou_geo.catalog import read_catalog, validate_data
from lukou_geo.settings import REPO_ROOT
from lukou_geo.sitecheck.check import check_projects
from lukou_geo.sitecheck.context import default_context, get_context
from lukou_geo.sitecheck.inputs import read_coordinates_text
from lukou_geo.sitecheck.vocab import read_project_types

TO_4547 = Transformer.from_crs("EPSG:4326", "EPSG:4547", always_xy=True)
TO_LL = Transformer.from_crs("EPSG:4547", "EPSG:4326", always_xy=True)


@pytest.fixture(scope="module")
def ctx():
    return default_context()


def _projects(geoms, ptype=""):
    return gpd.GeoDataFrame({"name": [f"p{i}" for i in range(len(geoms))], "ptype": [ptype] * len(geoms),
                             "source": ["t"] * len(geoms)}, geometry=list(geoms), crs="EPSG:4326")


def _zone_point(ctx, zone_id: str) -> Point:
    i = int(np.flatnonzero(ctx.zones["id"].to_numpy() == zone_id)[0])
    x, y = shapely.point_on_surface(ctx.zone_geoms[i]).coords[0]
    return Point(TO_LL.transform(x, y))


def test_every_fit_list_uses_the_vocabulary() -> None:
    vocab = read_project_types()
    catalog = read_catalog()
    data = validate_data(catalog)
    names = set(vocab.types) | set(vocab.categories)
    seen = 0
    for layer_id, fc in data.items():
        for f in fc["features"]:
            p = f["properties"]
            for key in ("fit_fits", "fit_conflicts"):
                unknown = set(p.get(key) or []) - names
                assert not unknown, f"{layer_id}/{p['id']}: {key} uses {unknown}, not in layers/project_types.toml"
                seen += bool(p.get(key))
    assert seen >= 20
    for f in (REPO_ROOT / "geodata_src" / "plan_elements").glob("*.toml"):  # the sources, too
        for rec in tomllib.loads(f.read_text(encoding="utf-8")).get("feature", []):
            for key in ("fits", "conflicts"):
                assert set(rec.get("fit", {}).get(key, [])) <= names, (f.name, rec["id"])


def test_zone_layers_are_marked_in_the_catalog() -> None:
    roles = {lyr.id: lyr.check for lyr in read_catalog().layers}
    assert roles["parks"] == roles["core_districts"] == roles["eco_barriers"] == "zone"
    # the 八基地 and the childcare / medical-elderly programmes are placed by town only: context, never judging
    assert roles["agri_bases"] == roles["public_zones"] == "context"
    assert roles["dev_axes"] == "axis" and roles["roads"] == "transport"


@pytest.mark.parametrize("value,expected", [("新材料", "新材料"), ("居住", "住宅"), ("仓储", "物流"), ("Logistics", "物流"),
                                            ("新材料产业园项目", "新材料"), ("工业用地", "一般工业"), ("", ""), ("火星基地", "")])
def test_type_synonyms(value: str, expected: str) -> None:
    assert read_project_types().canonical(value) == expected


def test_same_place_in_three_crs_gives_same_township(ctx) -> None:
    lon, lat = 113.1475, 27.605
    g_lon, g_lat = ccrs.wgs84_to_gcj02(lon, lat)
    b_lon, b_lat = ccrs.wgs84_to_bd09(lon, lat)
    text = {"wgs84": f"{lon},{lat}", "gcj02": f"{float(g_lon):.8f},{float(g_lat):.8f}", "bd09": f"{float(b_lon):.8f},{float(b_lat):.8f}"}
    towns = {k: check_projects(read_coordinates_text(v, k).projects, ctx).summary["township"][0] for k, v in text.items()}
    assert len(set(towns.values())) == 1 and towns["wgs84"] == "南洲镇"


def test_point_300m_inside_given_in_gcj02_is_inside(ctx) -> None:
    inner = ctx.district.buffer(-300)
    # the inner ring point nearest to the district's westernmost vertex
    west = shapely.get_coordinates(ctx.district)[np.argmin(shapely.get_coordinates(ctx.district)[:, 0])]
    p = shapely.ops.nearest_points(inner.boundary, Point(west))[0]
    lon, lat = TO_LL.transform(p.x, p.y)
    g_lon, g_lat = ccrs.wgs84_to_gcj02(lon, lat)
    res = check_projects(read_coordinates_text(f"{float(g_lon):.8f},{float(g_lat):.8f}", "gcj02").projects, ctx)
    assert res.summary["in_district"][0] == "是"
    assert 250 < ctx.district.boundary.distance(Point(TO_4547.transform(lon, lat))) < 350


def test_outside_reports_distance(ctx) -> None:
    res = check_projects(_projects([Point(113.60, 27.70)], "住宅"), ctx)
    r = res.summary.iloc[0]
    assert r["in_district"] == "否" and r["district_dist_km"] > 10 and r["verdict"] == "需关注"
    assert "不在渌口区内" in r["reason"]


def test_square_km_area_accuracy(ctx) -> None:
    x, y = TO_4547.transform(113.1475, 27.605)
    sq = gpd.GeoSeries([box(x - 500, y - 500, x + 500, y + 500)], crs="EPSG:4547").to_crs("EPSG:4326")
    res = check_projects(_projects(sq.values, "新材料"), ctx)
    r = res.summary.iloc[0]
    assert r["area_ha"] == pytest.approx(100, rel=1e-3) and r["area_mu"] == pytest.approx(1500, rel=1e-3)
    z = res.zones
    park = z[z["zone_id"] == "park_nanzhou"].iloc[0]
    assert park["overlap_ha"] == pytest.approx(100, rel=1e-3) and park["share"] == pytest.approx(1.0)


def test_partial_overlap_share(ctx) -> None:
    i = int(np.flatnonzero(ctx.zones["id"].to_numpy() == "park_wantang")[0])
    c = ctx.zone_geoms[i].centroid
    r = np.sqrt(ctx.zone_geoms[i].area / np.pi)
    sq = box(c.x + r - 500, c.y - 500, c.x + r + 500, c.y + 500)  # straddles the disc's east edge
    res = check_projects(_projects(gpd.GeoSeries([sq], crs="EPSG:4547").to_crs("EPSG:4326").values, "商业"), ctx)
    row = res.zones[res.zones["zone_id"] == "park_wantang"].iloc[0]
    assert 0.3 < row["share"] < 0.7
    assert row["overlap_mu"] == pytest.approx(row["overlap_ha"] * 15, rel=1e-3)


@pytest.mark.parametrize("zone_id,ptype,verdict", [
    ("park_nanzhou", "新材料", "符合"),
    ("park_nanzhou", "电子信息", "符合"),
    ("park_wantang", "一般工业", "冲突"),   # 退二进三 (para 215)
    ("park_wantang", "装备制造", "冲突"),
    ("district_qinglongwan", "住宅", "符合"),
    ("district_qinglongwan", "酒店", "符合"),
    ("key_town_gantian", "物流", "符合"),
    ("park_nanzhou", "", "需关注"),          # no type given
])
def test_verdict_rules(ctx, zone_id: str, ptype: str, verdict: str) -> None:
    res = check_projects(_projects([_zone_point(ctx, zone_id)], ptype), ctx)
    r = res.summary.iloc[0]
    assert r["verdict"] == verdict, r["reason"]
    assert "¶" in r["reason"] or not ptype  # the plan's words are cited
    pair = res.zones[res.zones["zone_id"] == zone_id].iloc[0]
    assert pair["plan_words"].startswith("第") and "¶" in pair["plan_words"]


def test_conflict_wins_and_names_the_rule(ctx) -> None:
    res = check_projects(_projects([_zone_point(ctx, "park_wantang")], "新材料"), ctx)
    r = res.summary.iloc[0]
    assert r["verdict"] == "冲突" and "退二进三" in r["reason"]
    # the econ zone alone would say 符合: the per-zone rows show both
    z = res.zones.set_index("zone_id")
    assert z.loc["zone_lukou_edz", "verdict"] == "符合" and z.loc["park_wantang", "verdict"] == "冲突"


def test_line_and_axis_transport(ctx) -> None:
    from shapely.geometry import LineString

    res = check_projects(_projects([LineString([(113.14, 27.60), (113.16, 27.61)])], "交通设施"), ctx)
    r = res.summary.iloc[0]
    assert r["length_km"] > 1 and r["axis"] and r["axis_km"] >= 0 and "km" in r["transport"]


def test_progress_and_chunks(ctx) -> None:
    pts = [Point(113.10 + 0.001 * i, 27.6) for i in range(30)]
    seen = []
    res = check_projects(_projects(pts, "住宅"), ctx, progress=seen.append, chunk=10)
    assert seen == pytest.approx([1 / 3, 2 / 3, 1.0]) and list(res.summary["project_no"]) == list(range(1, 31))


def test_outside_distance_from_edge_index_equals_polygon_distance(ctx) -> None:
    import numpy as np
    import shapely

    rng = np.random.default_rng(7)
    minx, miny, maxx, maxy = ctx.district.bounds
    pts = shapely.points(rng.uniform(minx - 5000, maxx + 5000, 300), rng.uniform(miny - 5000, maxy + 5000, 300))
    out = pts[~shapely.intersects(ctx.district, pts)]
    _idx, fast = ctx.district_edges.query_nearest(out, return_distance=True, all_matches=False)
    assert len(out) > 50
    assert np.allclose(fast, shapely.distance(out, ctx.district), atol=1e-6)


def test_overlaps_equal_brute_force_on_the_plan_zones(ctx) -> None:
    """The indexed overlay gives exactly the pairs and measures of intersecting every project with
    every zone of the plan (points, lines, polygons)."""
    from lukou_geo.sitecheck.overlay import overlaps

    rng = np.random.default_rng(11)
    minx, miny, maxx, maxy = ctx.district.bounds
    n = 400
    x, y = rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
    h = rng.uniform(20, 1500, n)
    pts = shapely.points(x, y)
    polys = shapely.box(x - h, y - h, x + h, y + h)
    lines = shapely.linestrings(np.stack([np.stack([x - h, y], 1), np.stack([x + h, y + h / 2], 1)], 1))
    zones = ctx.zone_geoms
    for projects, measure in ((pts, None), (lines, shapely.length), (polys, shapely.area)):
        want_p, want_z = np.nonzero(shapely.intersects(zones[None, :], projects[:, None]))
        pi, zi, got = overlaps(projects, ctx.zone_index)
        assert np.array_equal(pi, want_p) and np.array_equal(zi, want_z)
        if measure is not None:
            want = measure(shapely.intersection(projects[want_p], zones[want_z]))
            assert np.allclose(got, want, rtol=1e-10, atol=1e-6)
        else:
            assert not got.any()


def test_context_is_cached_and_rebuilt_when_a_layer_file_changes(tmp_path, monkeypatch) -> None:
    import shutil

    root = tmp_path / "repo"
    shutil.copytree(REPO_ROOT / "layers", root / "layers")
    shutil.copytree(REPO_ROOT / "geodata", root / "geodata")
    cat = read_catalog(root / "layers")
    first = get_context(cat)
    assert get_context(read_catalog(root / "layers")) is first  # same files: the cached context
    f = root / cat.layer("parks").file
    f.write_text(f.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a new size and modification time
    second = get_context(read_catalog(root / "layers"))
    assert second is not first and len(second.zones) == len(first.zones)
    only_parks = get_context(read_catalog(root / "layers"), layers=frozenset({"parks"}))
    assert set(only_parks.zones["layer_id"]) == {"parks"}


# ------------------------------------------------------------------ rules that say what the plan says

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef「」]")


def _zone(ctx, zone_id: str):
    return ctx.zone_geoms[int(np.flatnonzero(ctx.zones["id"].to_numpy() == zone_id)[0])]


def _square_ll(x: float, y: float, h: float):
    return gpd.GeoSeries([box(x - h, y - h, x + h, y + h)], crs="EPSG:4547").to_crs("EPSG:4326").values[0]


def test_conflicts_only_where_the_plan_excludes_the_use(ctx) -> None:
    """冲突 needs words that exclude the use: today only 湾塘's 退二进三; the ecological zones' words
    (¶335 micro-wetlands, conservation areas) prohibit nothing, so they say 需关注 with weight."""
    with_conflicts = ctx.zones[ctx.zones["fit_conflicts"].map(bool)]
    assert set(with_conflicts["id"]) == {"park_wantang", "svc_district_wantang"}
    assert all("退二进三" in q for q in with_conflicts["fit_quote"])
    eco = ctx.zones[ctx.zones["layer_id"].isin(["eco_barriers", "wetlands"])]
    assert len(eco) == 5 and eco["fit_caps"].all() and not eco["fit_conflicts"].map(bool).any()
    res = check_projects(_projects([_zone_point(ctx, "wetland_meizihu")], "新材料"), ctx)
    r = res.summary.iloc[0]
    assert r["verdict"] == "需关注" and "¶337" in r["reason"] and "冲突" not in r["reason"]


def test_a_parcel_mostly_in_an_ecological_barrier_is_not_fits(ctx) -> None:
    """A 新材料 parcel 60–70 % inside the 渌江 barrier, the rest in the 中心城区 (which names 新材料):
    the protected zone caps the verdict at 需关注, and the reason says why."""
    barrier, core = _zone(ctx, "eco_barrier_lujiang"), _zone(ctx, "core_central_city")
    edge = barrier.boundary.intersection(core.buffer(-800))
    p = edge.interpolate(0.5, normalized=True) if edge.geom_type == "LineString" else shapely.get_parts(edge)[0].interpolate(0.5, normalized=True)
    inward = shapely.ops.nearest_points(barrier.buffer(-380).boundary, p)[0]  # towards the barrier's middle
    best = None
    for k in np.linspace(0, 1, 41):  # move the square into the barrier until 60–70 % of it is inside
        x, y = p.x + (inward.x - p.x) * k, p.y + (inward.y - p.y) * k
        sq = box(x - 200, y - 200, x + 200, y + 200)
        share = sq.intersection(barrier).area / sq.area
        if 0.6 <= share <= 0.7 and sq.within(core):
            best = (sq, share)
            break
    assert best is not None
    sq, share = best
    ll = gpd.GeoSeries([sq], crs="EPSG:4547").to_crs("EPSG:4326").values
    res = check_projects(_projects(ll, "新材料"), ctx)
    r = res.summary.iloc[0]
    z = res.zones.set_index("zone_id")
    assert z.loc["core_central_city", "verdict"] == "符合" and z.loc["eco_barrier_lujiang", "verdict"] == "需关注"
    assert r["verdict"] == "需关注" and r["deciding_zone"].startswith("渌江生态屏障")
    assert f"{z.loc['eco_barrier_lujiang', 'share'] * 100:.1f} %" in r["reason"]
    assert "保护类分区" in r["reason"] and "第十章 ¶335" in r["reason"] and "10.0 %" in r["reason"]
    assert "protected zone" in r["reason_en"] and "Ch. 10, ¶335" in r["reason_en"]


def test_a_sliver_in_a_conflicting_zone_needs_attention_not_conflict(ctx) -> None:
    disc = _zone(ctx, "park_wantang")
    c, rad = disc.centroid, np.sqrt(disc.area / np.pi)
    ll = _square_ll(c.x + rad + 500 - 100, c.y, 500)  # 100 m into the disc: about 6 % of the square
    res = check_projects(_projects([ll], "新材料"), ctx)
    r = res.summary.iloc[0]
    share = res.zones.set_index("zone_id").loc["park_wantang", "share"]
    assert 0 < share < 0.10
    assert r["verdict"] == "需关注" and r["deciding_zone"] == "湾塘工业园"
    assert "冲突部分不足项目的 10.0 %" in r["reason"] and "less than 10.0 %" in r["reason_en"]


def test_the_eight_bases_are_context_not_judges(ctx) -> None:
    res = check_projects(_projects([_zone_point(ctx, "park_nanzhou")], "养殖"), ctx)  # 湘猪 / 种养殖 bases cover the town
    z, r = res.zones, res.summary.iloc[0]
    bases = z[z["layer_id"] == "agri_bases"]
    assert len(bases) and bases["context"].all() and (bases["verdict"] == "").all()
    assert bases["rule"].str.startswith("背景范围").all() and bases["rule_en"].str.startswith("Context").all()
    assert not r["deciding_zone"].endswith("基地") and r["zone_count"] == int((~z["context"]).sum())
    assert "不参与判定" in r["reason"] and "do not judge" in r["reason_en"]


def test_reasons_are_sentences_in_one_language(ctx) -> None:
    """Chinese reasons and rules read as sentences (no rule dumps, no English), English ones hold no
    Chinese (the projects here have ASCII names and types)."""
    geoms = [_zone_point(ctx, z) for z in ("park_nanzhou", "park_wantang", "eco_barrier_xiangjiang", "district_qinglongwan")]
    geoms += [Point(113.60, 27.70), Point(113.135, 27.70)]
    types = ["New materials", "industry", "housing", "hotel", "housing", ""]
    gdf = gpd.GeoDataFrame({"name": [f"p{i}" for i in range(6)], "ptype": types, "source": "t"}, geometry=geoms, crs="EPSG:4326")
    res = check_projects(gdf, ctx)
    for zh, en in zip(res.summary["reason"], res.summary["reason_en"], strict=True):
        assert zh.endswith("。") and "符合:" not in zh and "/" not in zh and not re.search(r"[A-Za-z]{3,}", zh), zh
        assert en.endswith(".") and not CJK.search(en), en
    assert res.summary["verdict"].tolist()[:4] == ["符合", "冲突", "需关注", "符合"]
    assert "「新材料」项目位于南洲新区产业园(示意范围),规划该处「重点发展新材料" in res.summary["reason"][0]
    assert "符合规划用途(第四章 ¶156)" in res.summary["reason"][0]
    assert res.summary["reason_en"][0].startswith("The “New materials” project lies in Nanzhou New Area Industrial Park (schematic extent)")
    for zh, en in zip(res.zones["rule"], res.zones["rule_en"], strict=True):
        assert zh.endswith("。") and "其他:" not in zh and "—" not in zh and not CJK.search(en), (zh, en)
    assert not res.zones["plan_words_en"].map(lambda s: bool(CJK.search(s))).any()
