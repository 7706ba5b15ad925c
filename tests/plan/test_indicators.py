"""The indicator tables: files parse, match the printed plan rows, and the met/path logic."""

import pytest

from lukou_geo.catalog import read_catalog
from lukou_geo.plan.indicators import (
    IndicatorError,
    attribute,
    map_links,
    parse_cell,
    path,
    printed_header,
    read_meta,
    read_table,
    verdict,
)
from lukou_geo.plan.text import read_plan


@pytest.fixture(scope="module")
def plan():
    return read_plan()


def _printed_cells(line_text):
    cells = [c.strip() for c in line_text.split("|")]
    while cells and cells[-1] == "":
        cells.pop()
    return cells


@pytest.mark.parametrize("table,count,first,last", [("1-1", 28, 30, 57), ("2-1", 26, 91, 116)])
def test_every_row_is_in_the_file_and_matches_the_printed_line(plan, table, count, first, last):
    rows = read_table(table)
    assert len(rows) == count
    assert [r.no for r in rows] == list(range(1, count + 1))
    assert [r.plan_line for r in rows] == list(range(first, last + 1))
    for r in rows:
        printed = _printed_cells(plan.para(r.plan_line).text)
        ours = [r.name, r.unit, *[c for c in r.cells.values() if c != ""]]
        # the printed line, minus the category on a group's first row, is ours cell for cell
        assert printed[-len(ours):] == ours, r.plan_line
        assert printed[-len(ours) - 1] == str(r.no)


def test_headers_and_notes_as_printed(plan):
    assert printed_header("1-1")[:4] == ["类别", "序号", "指标", "单位"]
    assert printed_header("2-1") == ["类别", "序号", "指标名称", "单位", "2020年", "2025年", "年均增速% [累计]", "属性"]
    assert _printed_cells(plan.para(90).text) == printed_header("2-1")
    meta = read_meta()
    assert meta["table"]["1-1"]["note"] in plan.para(58).text
    assert meta["table"]["1-1"]["title_zh"] in plan.para(27).text
    assert meta["table"]["2-1"]["title_zh"] in plan.para(89).text


def test_sample_values_per_table():
    t11 = {r.no: r for r in read_table("1-1")}
    assert list(t11[1].cells.values()) == ["—", "6%", "150.3", "5.5"]
    assert list(t11[14].cells.values()) == ["—", "[1.5]", "—", "[1.1815]"]
    assert next(iter(t11[11].cells.values())) == "10:52:38" and "16.5:42.4:41.1" in t11[11].cells.values()
    assert t11[27].name == "森林覆盖率" and t11[27].numbers["result_level"] == 51.84
    assert t11[1].category == "经济 发展" and t11[12].category == "公共 民生" and t11[28].category == "生态 文明"
    t21 = {r.no: r for r in read_table("2-1")}
    assert list(t21[13].cells.values()) == ["26938", "40000", "8", "预期性"]
    assert list(t21[22].cells.values()) == ["92.1", ">85", "—", "约束性"]
    assert list(t21[20].cells.values())[1] == "完成省市下达任务" and attribute(t21[20]) == "约束性"
    assert t21[25].name == "粮食综合生产能力" and t21[25].numbers == {"value_2020": 20.1, "target_2025": 20.1, "annual_growth": None}


def test_numeric_columns_are_the_printed_numbers():
    for table in ("1-1", "2-1"):
        for r in read_table(table):
            parsed = [parse_cell(c).value for c in list(r.cells.values())[: len(r.numbers)]]
            assert parsed == list(r.numbers.values()), (table, r.no)


def test_parse_cell():
    assert parse_cell("—").value is None and parse_cell("").value is None
    c = parse_cell("[1.5]")
    assert c.value == 1.5 and c.cumulative
    assert parse_cell("6%").value == 6
    assert parse_cell(">85").value == 85 and parse_cell(">85").comparator == ">"
    assert parse_cell("-4.2").value == -4.2
    assert parse_cell("16.5:42.4:41.1").value is None and parse_cell("完成省市下达任务").value is None


def test_verdicts():
    v = {r.no: verdict(r) for r in read_table("1-1")}
    assert v[27].status == "met"            # forest cover 51.84 ≥ 51.5
    assert v[10].status == "not_met"        # urbanisation 52.8 < 61
    assert v[13].status == "partly"         # income level missed, growth met
    assert v[14].status == "not_met" and v[14].comparisons[0].basis == "cumulative"
    assert v[18].status == "met"            # [7496] ≥ [4000]
    assert v[11].status == "not_comparable" and v[17].status == "not_comparable" and v[23].status == "not_comparable"
    assert v[1].comparisons[0].basis == "annual"
    with pytest.raises(IndicatorError):
        verdict(read_table("2-1")[0])


def test_paths():
    p = {r.no: path(r) for r in read_table("2-1")}
    assert p[3].required_growth == pytest.approx(9.77, abs=0.01)      # 50.2 → 80
    assert p[13].required_growth == pytest.approx(8.23, abs=0.01) and p[13].printed_growth.value == 8
    assert p[22].required_growth is None                               # ">85" is a floor
    assert p[20].v2025 is None and p[20].target_text == "完成省市下达任务"


def test_map_links_name_real_layers_and_spatial_indicators():
    catalog = read_catalog()
    ids = {lyr.id for lyr in catalog.layers}
    links = map_links()
    names = {(t, r.no): r.name for t in ("1-1", "2-1") for r in read_table(t)}
    for key, rec in links.items():
        assert key in names and set(rec["layers"]) <= ids, key
    linked = {names[k] for k in links}
    assert {"森林覆盖率", "常住人口城镇化率", "地表水达到或优于III类水体比例", "粮食综合生产能力"} <= linked


def test_a_missing_table_names_the_file_and_the_fix(tmp_path):
    import shutil

    from lukou_geo.plan.indicators import indicators_dir

    with pytest.raises(IndicatorError, match=r"tables\.toml") as info:
        read_meta(tmp_path)
    assert "restore geodata/indicators/" in info.value.message("en") and "从仓库恢复" in info.value.message("zh")
    shutil.copy(indicators_dir() / "tables.toml", tmp_path / "tables.toml")
    for read in (read_table, printed_header):  # printed_header raised FileNotFoundError
        with pytest.raises(IndicatorError, match=r"box_1_1\.csv") as info:
            read("1-1", tmp_path)
        assert "Box 1-1" in info.value.message("en")
