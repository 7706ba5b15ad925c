"""Integrity of the built layer files in geodata/."""

import json

import pytest
import shapely
from shapely.geometry import shape

from lukou_geo.build.geodata import to_metric
from lukou_geo.catalog import PRECISIONS
from lukou_geo.crs import haversine_m
from lukou_geo.map.render import RESERVED_PROPS
from lukou_geo.plan.text import read_plan


@pytest.fixture(scope="module")
def district(data):
    return shape(data["district"]["features"][0]["geometry"])


def all_features(catalog, data):
    for lyr in catalog.layers:
        for f in data[lyr.id]["features"]:
            yield lyr, f


def test_district_is_the_official_boundary_converted_to_wgs84(data, district):
    props = data["district"]["features"][0]["properties"]
    assert props["precision"] == "official" and props["adcode"] == "430212"
    assert to_metric(district).area / 1e6 == pytest.approx(1057.07, abs=0.5)
    minx, miny, maxx, maxy = district.bounds
    assert 112.9 < minx < 113.0 and 113.28 < maxx < 113.35 and 27.1 < miny < 27.25 and 27.75 < maxy < 27.85


def test_every_geometry_valid_and_required_properties(catalog, data):
    ids = set()
    for lyr, f in all_features(catalog, data):
        g = shape(f["geometry"])
        assert g.is_valid and not g.is_empty, (lyr.id, f["properties"]["id"])
        p = f["properties"]
        assert p["precision"] in PRECISIONS
        assert p["id"].isascii() and p["id"] not in ids, p["id"]
        ids.add(p["id"])
        coords = shapely.get_coordinates(g)
        assert all(len(repr(float(c)).split(".")[-1]) <= 6 for c in coords.ravel()[:50]), "more than 6 decimals"


def test_features_lie_in_the_district_or_its_context(catalog, data, district):
    dm = to_metric(district)
    for lyr, f in all_features(catalog, data):
        g = to_metric(shape(f["geometry"]))
        if lyr.role == "context":
            assert g.distance(dm) < 500, (lyr.id, f["properties"]["id"])
            continue
        # overlays: inside, allowing lines toward neighbours to leave by at most 3 km
        outside = g.difference(dm.buffer(3000))
        assert outside.is_empty, (lyr.id, f["properties"]["id"])
        if lyr.geometry == "point":
            assert g.within(dm.buffer(50)), (lyr.id, f["properties"]["id"])


def test_plan_citations_are_the_plans_words(catalog, data):
    plan = read_plan()
    cited = 0
    for lyr, f in all_features(catalog, data):
        p = f["properties"]
        assert p["plan_ref"]
        if p.get("plan_para") is None:
            assert lyr.id == "neighbours" and "not named in the plan" in p["plan_ref"]
            continue
        assert p["plan_quote"] in plan.para(p["plan_para"]).text, p["id"]
        assert f"¶{p['plan_para']}" in p["plan_ref"]
        cited += 1
    assert cited > 60


def test_plan_elements_are_schematic_with_a_placement_note(catalog, data):
    derived = {"district", "neighbours", "townships", "town_seats", "xiang_river"}
    for lyr, f in all_features(catalog, data):
        p = f["properties"]
        if lyr.id not in derived:
            assert p["precision"] == "schematic", p["id"]
        if p["precision"] in ("schematic", "approximate"):
            assert p.get("placement"), p["id"]


def test_townships_partition_the_district(data, district):
    zones = [shape(f["geometry"]) for f in data["townships"]["features"]]
    assert sorted(f["properties"]["name"] for f in data["townships"]["features"]) == sorted(
        ["渌口镇", "南洲镇", "淦田镇", "朱亭镇", "古岳峰镇", "龙船镇", "龙门镇", "龙潭镇"])
    total = sum(to_metric(z).area for z in zones)
    assert total == pytest.approx(to_metric(district).area, rel=0.002)
    for i, a in enumerate(zones):
        for b in zones[i + 1:]:
            assert to_metric(a.intersection(b)).area < 1e4  # < 1 ha of overlap
    for f in data["townships"]["features"]:
        assert f["properties"]["precision"] == "approximate"


def test_each_town_seat_lies_in_its_zone(data):
    zones = {f["properties"]["name"]: shape(f["geometry"]) for f in data["townships"]["features"]}
    for f in data["town_seats"]["features"]:
        if f["properties"]["kind"] == "town_seat":
            assert zones[f["properties"]["name"]].buffer(0.002).contains(shape(f["geometry"])), f["properties"]["name"]


def test_lukou_seat_within_10m_of_published_coordinate(data):
    seat = next(f for f in data["town_seats"]["features"] if f["properties"]["name"] == "渌口镇")
    lon, lat = seat["geometry"]["coordinates"]
    assert haversine_m(lon, lat, 113.13718, 27.7085) < 10


def test_neighbours_include_the_plans_partners(data):
    names = {f["properties"]["name"] for f in data["neighbours"]["features"]}
    assert {"芦淞区", "天元区", "醴陵市", "攸县"} <= names
    assert len(names) >= 5


def test_core_groups_have_their_features(data):
    def names(layer):
        return " ".join(f["properties"]["name"] for f in data[layer]["features"])

    assert all(t in names("key_towns") for t in ("淦田", "朱亭", "龙船"))
    assert "S207" in names("dev_axes") and "湘江大道" in names("dev_axes")
    assert all(t in names("core_districts") for t in ("青龙湾", "梅子湖", "南洲", "得志", "湘江东岸"))
    assert all(t in names("parks") for t in ("湾塘", "南洲", "淦田"))
    assert len(data["agri_bases"]["features"]) == 8 and len(data["agri_parks"]["features"]) == 3
    assert "韶井" in names("rail") and "机场" in names("airport") and "渌江" in names("waterways")


def test_planned_areas_match_the_plan(data):
    parks = {f["properties"]["name"]: f for f in data["parks"]["features"]}
    wt = next(v for k, v in parks.items() if "湾塘" in k)
    nz = next(v for k, v in parks.items() if "南洲" in k)
    assert to_metric(shape(wt["geometry"])).area / 1e6 == pytest.approx(3.0, rel=0.05)
    assert to_metric(shape(nz["geometry"])).area / 1e6 == pytest.approx(20.0, rel=0.1)


def test_every_attribute_has_a_label(catalog, data):
    missing = set()
    for _lyr, f in all_features(catalog, data):
        for key in f["properties"]:
            if key not in RESERVED_PROPS and key not in catalog.fields:
                missing.add(key)
    assert not missing, f"add labels to layers/fields.toml for {sorted(missing)}"


def test_layer_files_are_compact_utf8_json(catalog):
    for lyr in catalog.layers:
        text = catalog.path(lyr).read_text(encoding="utf-8")
        assert "\\u" not in text  # Chinese stored as UTF-8, not escapes
        json.loads(text)


def test_whole_plan_groups_have_their_features(catalog, data):
    def names(layer):
        return " ".join(f["properties"]["name"] for f in data[layer]["features"])

    groups = {g.id for g in catalog.groups}
    assert {"services", "integration", "energy", "water", "ecology", "public"} <= groups
    assert "老城区" in names("service_core")
    assert all(t in names("service_districts") for t in ("湾塘", "青龙湾", "梅子湖", "南洲新区"))
    assert all(t in names("service_axes") for t in ("湘江", "渌江", "S207", "伏波大道"))
    assert len(data["tourism_clusters"]["features"]) == 6
    assert all(t in names("tourism_sites") for t in ("伏波庙", "杨得志故居", "渌口博物馆", "磨山遗址", "渌口老街"))
    assert "红色" in names("tourism_routes") and "醴陵—攸县—渌口" in names("tourism_routes")
    assert all(t in names("featured_towns") for t in ("昭陵渔村", "运动休闲", "王十万", "鲜果"))
    assert "冷链" in names("logistics")
    assert all(t in names("integration_zones") for t in ("渌江城镇组团", "醴娄高速", "湘江城镇组团", "渌枫大道", "京珠复线"))
    assert "南部主轴" in names("integration_axes") and "东部主轴" in names("integration_axes")
    assert "核电" in names("energy_sites") and "煤电" in names("energy_sites")
    assert "淦田港" in names("water_works") and "龙潭水库" in names("water_sites")
    assert "湘江" in names("eco_barriers") and len(data["wetlands"]["features"]) == 3
    assert "王家洲污水厂" in names("eco_sites") and "龙形选矿厂" in names("eco_sites")
    assert all(t in names("schools") for t in ("梅子湖小学", "淦田镇中学", "青龙湾中学"))
    assert names("health_sites").count("区域医疗分中心") == 3
    assert "托育" in names("public_zones") and names("public_zones").count("医养结合") == 4


def test_micro_wetlands_share_the_planned_1000_mu(data):
    feats = data["wetlands"]["features"]
    total_ha = sum(to_metric(shape(f["geometry"])).area for f in feats) / 1e4
    assert total_ha == pytest.approx(1000 / 15, rel=0.05)  # 1000 亩 = 66.7 公顷 (discs may be clipped at the river)
    assert all(f["properties"]["added_wetland_mu_total"] == 1000 for f in feats)


def test_zone_fit_rules_use_the_project_type_vocabulary(data):
    import tomllib

    from lukou_geo.settings import REPO_ROOT

    vocab_file = REPO_ROOT / "layers" / "project_types.toml"
    if not vocab_file.exists():
        pytest.skip("no project-type vocabulary yet")
    vocab = tomllib.loads(vocab_file.read_text(encoding="utf-8"))
    names = {t["id"] for t in vocab.get("type", [])} | {c["id"] for c in vocab.get("category", [])}
    new = ("service_core", "service_districts", "eco_barriers", "wetlands")
    for layer in new:
        for f in data[layer]["features"]:
            p = f["properties"]
            assert p.get("fit_ref"), (layer, p["id"])
            assert set(p["fit_fits"]) | set(p["fit_conflicts"]) <= names, (layer, p["id"])
            assert p["_fit"]["quote"] in p["fit_ref"] and p["_fit"]["quote_en"], (layer, p["id"])
    # the childcare and medical-elderly programmes are context (placed by town only): they carry no rule
    assert not any("fit_fits" in f["properties"] for f in data["public_zones"]["features"])
