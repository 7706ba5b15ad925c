import json
import re
import shutil
from pathlib import Path

import pytest

from lukou_geo.catalog import read_catalog, read_layer_geojson, validate_data
from lukou_geo.errors import CatalogError
from lukou_geo.settings import REPO_ROOT

GOOD_LAYER = """
[[layer]]
id = "demo"
title_zh = "演示"
title_en = "Demo"
group = "g"
file = "geodata/demo.geojson"
geometry = "point"
style = { color = "#112233" }
source = "test"
source_zh = "测试"
licence = "CC0"
"""
GROUPS = '[[group]]\nid = "g"\ntitle_zh = "组"\ntitle_en = "G"\norder = 1\n'


def make_catalog(tmp_path: Path, layer_text: str = GOOD_LAYER, features: list | None = None) -> Path:
    (tmp_path / "layers").mkdir()
    (tmp_path / "geodata").mkdir()
    (tmp_path / "layers" / "groups.toml").write_text(GROUPS, encoding="utf-8")
    (tmp_path / "layers" / "demo.toml").write_text(layer_text, encoding="utf-8")
    if features is None:
        features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [113.1, 27.6]},
                     "properties": {"id": "a", "name": "甲", "name_en": "A", "plan_ref": "¶1", "precision": "schematic"}}]
    (tmp_path / "geodata" / "demo.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return tmp_path / "layers"


def test_the_real_catalog_and_data_validate():
    catalog = read_catalog()
    data = validate_data(catalog)
    groups = {g.id for g in catalog.groups}
    assert {"admin", "structure", "industry", "agriculture", "transport"} <= groups
    assert all(lyr.group in groups for lyr in catalog.layers)
    assert set(data) == {lyr.id for lyr in catalog.layers}


#: English words the source lines use; none may be left in their Chinese versions.
ENGLISH_WORDS = re.compile(r"(?<![\w-])(the|of|and|by|from|via|to|see|drawn|derived|converted|merged|clipped|cells|"
                           r"village|points|towns?|district|centre|snapshot|schematic|this|project|places|"
                           r"boundar(y|ies)|national|base|map|each|feature|note|words|Amap|Voronoi)(?![\w-])")


def test_every_layer_has_a_chinese_source_with_the_same_facts():
    for lyr in read_catalog().layers:
        assert re.search(r"[\u4e00-\u9fff]", lyr.source_zh), f"{lyr.id}: source_zh has no Chinese"
        for text in (lyr.source_zh, lyr.licence_text("zh")):
            assert not ENGLISH_WORDS.search(text), f"{lyr.id}: English left in {text!r}"
            # translated words only: every name, code and file of the Chinese line is in the English one
            tokens = {tok for tok in re.findall(r"[A-Za-z0-9][A-Za-z0-9_./\-]*[A-Za-z0-9]", text) if re.search("[A-Za-z]", tok)}
            english = lyr.source if text == lyr.source_zh else lyr.licence
            assert all(tok in english for tok in tokens), (lyr.id, tokens, english)
        assert lyr.source_text("zh") == lyr.source_zh and lyr.source_text("en") == lyr.source
        assert lyr.licence_text("en") == lyr.licence


def test_good_catalog_reads(tmp_path):
    cat = read_catalog(make_catalog(tmp_path))
    assert [lyr.id for lyr in cat.layers] == ["demo"]
    assert read_layer_geojson(cat, cat.layer("demo"))["features"][0]["properties"]["id"] == "a"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s.replace('licence = "CC0"', 'licence = "CC0"\ncolour = "red"'), r"demo\.toml \[\[layer\]\] #1 \(demo\): unknown key 'colour'"),
        (lambda s: s.replace('source = "test"\n', ""), r"\(demo\): missing required key 'source'"),
        (lambda s: s.replace('source_zh = "测试"\n', ""), r"\(demo\): missing required key 'source_zh'"),
        (lambda s: s.replace('group = "g"', 'group = "nope"'), r"group 'nope' is not in layers/groups.toml"),
        (lambda s: s.replace('geometry = "point"', 'geometry = "blob"'), r"geometry 'blob' must be one of"),
        (lambda s: s.replace('{ color = "#112233" }', '{ color = "#112233", dash = "4 4" }'), r"unknown style key 'dash'.*precision"),
        (lambda s: s.replace('{ color = "#112233" }', '{ color = "red" }'), r"style.color 'red' must be a #rrggbb"),
        (lambda s: s.replace('id = "demo"', 'id = "Demo Layer"'), r"id 'Demo Layer' must be lower-case"),
        (lambda s: s.replace('order', 'x') + "\n[oops", r"demo.toml: not valid TOML"),
        (lambda s: s + s, r"id 'demo' is already used in demo.toml"),
    ],
)
def test_catalog_errors_name_record_and_field(tmp_path, edit, message):
    layers = make_catalog(tmp_path, edit(GOOD_LAYER))
    with pytest.raises(CatalogError, match=message):
        read_catalog(layers)


def test_missing_file_names_layer_and_fix(tmp_path):
    layers = make_catalog(tmp_path)
    (tmp_path / "geodata" / "demo.geojson").unlink()
    cat = read_catalog(layers)
    with pytest.raises(CatalogError, match=r"layer 'demo'.*geodata/demo.geojson not found; run `make data`"):
        validate_data(cat)


@pytest.mark.parametrize("missing", ["plan_ref", "precision", "name_en", "id"])
def test_feature_without_required_property(tmp_path, missing):
    props = {"id": "a", "name": "甲", "name_en": "A", "plan_ref": "¶1", "precision": "schematic"}
    del props[missing]
    feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [113.1, 27.6]}, "properties": props}]
    cat = read_catalog(make_catalog(tmp_path, features=feats))
    with pytest.raises(CatalogError, match=rf"layer 'demo'.*feature .*missing '{missing}'"):
        validate_data(cat)


def test_bad_precision_and_wrong_geometry(tmp_path):
    props = {"id": "a", "name": "甲", "name_en": "A", "plan_ref": "¶1", "precision": "surveyed"}
    feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [113.1, 27.6]}, "properties": props}]
    cat = read_catalog(make_catalog(tmp_path, features=feats))
    with pytest.raises(CatalogError, match=r"feature a: precision 'surveyed' must be one of"):
        validate_data(cat)
    shutil.rmtree(tmp_path / "layers")
    shutil.rmtree(tmp_path / "geodata")
    props["precision"] = "schematic"
    feats[0]["geometry"] = {"type": "LineString", "coordinates": [[113.1, 27.6], [113.2, 27.7]]}
    cat = read_catalog(make_catalog(tmp_path, features=feats))
    with pytest.raises(CatalogError, match=r"geometry LineString does not fit the layer's geometry 'point'"):
        validate_data(cat)


def test_catalog_paths_are_relative_to_repo():
    catalog = read_catalog()
    assert catalog.root == REPO_ROOT
    assert all(catalog.path(lyr).exists() for lyr in catalog.layers)


def test_fields_toml_needs_both_labels(tmp_path):
    layers = make_catalog(tmp_path)
    (layers / "fields.toml").write_text('[fields.x]\nzh = "甲"\n', encoding="utf-8")
    with pytest.raises(CatalogError, match=r"fields.toml \[fields.x\]: needs zh and en"):
        read_catalog(layers)
