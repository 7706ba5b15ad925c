"""The classification tables: project data derived from shared/data, 三大类, colours, the 2020→2023 mapping."""

from __future__ import annotations

import sys

import pytest

from lukou_geo import classes
from lukou_geo.settings import REPO_ROOT
from tests.build.test_geodata import shared_dir

AGRI, BUILT, UNUSED = classes.AGRI, classes.BUILT, classes.UNUSED


def test_committed_tables_equal_a_fresh_derivation():
    shared = shared_dir()
    sys.path.insert(0, str(REPO_ROOT / "tools"))
    from derive_classes import derive

    for name, text in derive(shared / "data").items():
        assert (REPO_ROOT / "layers" / "classes" / name).read_text(encoding="utf-8") == text, name


def test_tables_cite_their_sources():
    for name in ("ydyh_2023.csv", "sandiao.csv", "ydyh_2020_to_2023.csv"):
        head = (REPO_ROOT / "layers" / "classes" / name).read_text(encoding="utf-8").split("\ncode")[0]
        assert (head.startswith("# ") and "Source" in head) or "Codes:" in head, name
    assert "自然资发〔2023〕234号" in (REPO_ROOT / "layers/classes/ydyh_2023.csv").read_text(encoding="utf-8")
    assert "附录A" in (REPO_ROOT / "layers/classes/sandiao.csv").read_text(encoding="utf-8")


def test_ydyh_2023_has_175_codes_and_39_appendix_b_colours():
    table = classes.load_table("ydyh_2023")
    assert len(table) == 175
    assert sum(c.colour_source == "appendix_B" for c in table.values()) == 39
    assert {c.colour_source for c in table.values()} == {"appendix_B", "inherited"}
    assert table["05"].name == "湿地" and table["09"].name == "商业服务业用地"
    assert table["01"].colour == "#F5F8DC" and table["01"].colour_source == "appendix_B"
    assert table["0101"].colour == "#F5F8DC" and table["0101"].colour_source == "inherited"
    assert table["070101"].level == 3


@pytest.mark.parametrize(("code", "category"), [
    ("0101", AGRI), ("0102", AGRI), ("0103", AGRI), ("0201", AGRI), ("0201K", AGRI), ("0204", AGRI),
    ("0301", AGRI), ("0303", AGRI), ("0304", AGRI), ("0306", AGRI), ("0307K", AGRI),
    ("0401", AGRI), ("0402", AGRI), ("0403", AGRI), ("0404", UNUSED),
    ("05H1", BUILT), ("0508", BUILT), ("0601", BUILT), ("0602", BUILT), ("0603", BUILT),
    ("0701", BUILT), ("0702", BUILT), ("08H1", BUILT), ("08H2", BUILT), ("08H2A", BUILT), ("0809", BUILT),
    ("0810", BUILT), ("0810A", BUILT), ("09", BUILT),
    ("1001", BUILT), ("1002", BUILT), ("1003", BUILT), ("1004", BUILT), ("1005", BUILT), ("1006", AGRI),
    ("1007", BUILT), ("1008", BUILT), ("1009", BUILT),
    ("1101", UNUSED), ("1102", UNUSED), ("1103", AGRI), ("1104", AGRI), ("1104A", AGRI), ("1104K", AGRI),
    ("1105", UNUSED), ("1106", UNUSED), ("1107", AGRI), ("1107A", AGRI), ("1108", UNUSED), ("1109", BUILT),
    ("1110", UNUSED), ("1201", BUILT), ("1202", AGRI), ("1203", AGRI), ("1204", UNUSED), ("1205", UNUSED),
    ("1206", UNUSED), ("1207", UNUSED),
    ("01", ""), ("11", ""), ("00", ""), ("", ""), ("xx01", ""),
])
def test_sandiao_three_categories(code, category):
    assert classes.sandiao_category(code) == category


def test_every_second_level_sandiao_code_has_a_category_in_the_table():
    table = classes.load_table("sandiao")
    for code, info in table.items():
        if info.level == 2:
            assert info.category in (AGRI, BUILT, UNUSED), code
            assert info.colour.startswith("#"), code
    assert table["1203"].category == AGRI and table["1006"].category == AGRI


def test_colour_falls_back_to_the_parent_and_k_codes_share_their_base():
    sd = classes.load_table("sandiao")
    assert classes.colour("0101", sd) == "#F8D072"
    assert classes.colour("0201K", sd) == classes.colour("0201", sd)
    assert classes.colour("9999", sd) == classes.UNKNOWN_COLOUR
    yd = classes.load_table("ydyh_2023")
    assert classes.colour("08040199", yd) == yd["080401"].colour
    assert classes.lookup("0103", sd).name == "旱地"


def test_palette_by_kind_and_the_2020_codes():
    assert classes.palette("dltb", ["0101", "0301"]) == {"0101": "#F8D072", "0301": "#31AD69"}
    yd = classes.load_table("ydyh_2023")
    # 2020 trial 0204 其他园地 is 2023 0205 (same colour family); 2023 0204 is 油料园地
    assert classes.mapping_2020_to_2023()["0204"] == "0205"
    assert classes.mapping_2020_to_2023()["060102"] == "1207"
    old = classes.palette("ghydyh", ["060102"], data_year=2021)
    assert old == {"060102": yd["1207"].colour}
    assert classes.palette("ghydyh", ["060102"], data_year=2023) == {"060102": yd["060102"].colour}
    assert set(classes.palette("stbhhx", ["a", "b"]).values()) == {classes.KIND_COLOURS["stbhhx"]}
