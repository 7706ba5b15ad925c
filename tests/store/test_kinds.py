"""Kinds from layer and field names; codes and years as deliveries write them."""

from __future__ import annotations

import pandas as pd
import pytest

from lukou_geo.store.kinds import code_strings, field_mapping, guess_kind, year_in_name, years


@pytest.mark.parametrize(("layer", "fields", "kind"), [
    ("DLTB", ["BSM", "DLBM"], "dltb"), ("图斑", ["DLBM", "DLMC", "TBMJ"], "dltb"),
    ("YJJBNT", ["DLBM"], "yjjbnt"), ("x", ["YJJBNTTBBH", "DLBM"], "yjjbnt"), ("永久基本农田", [], "yjjbnt"),
    ("STBHHX", [], "stbhhx"), ("x", ["HXMC"], "stbhhx"), ("生态保护红线", [], "stbhhx"),
    ("CZKFBJ", ["GHFQDM"], "czkfbj"), ("x", ["GHFQDM"], "ghfq"), ("GHFQ", [], "ghfq"),
    ("x", ["YDYHFLDM"], "ghydyh"), ("x", ["YDYHFLDM", "RJL"], "kg"), ("控规地块", ["YDYHFLDM"], "kg"),
    ("roads", ["NAME"], "other"),
])
def test_guess_kind(layer, fields, kind):
    assert guess_kind(layer, fields) == kind


def test_file_name_counts_after_the_layer_name():
    assert guess_kind("layer1", ["A"], "渌口区生态保护红线.gpkg") == "stbhhx"
    assert guess_kind("DLTB", [], "YJJBNT.gdb") == "dltb"


def test_mapping_case_insensitive():
    m = field_mapping("dltb", ["dlbm", "Dlmc", "TBMJ", "zldwdm"])
    assert m == {"lk_code": "dlbm", "lk_name": "Dlmc", "lk_tbmj": "TBMJ", "lk_xzqdm": "zldwdm"}


def test_codes_and_years():
    assert code_strings(pd.Series([101, 1001, 11, None])).tolist() == ["0101", "1001", "11", None]
    assert code_strings(pd.Series([" 0101 ", "", None])).tolist() == ["0101", None, None]
    assert years(pd.Series(["20221231", "2021-06-01", None, "无"])).tolist() == [2022, 2021, pd.NA, pd.NA]
    assert years(pd.to_datetime(pd.Series(["2020-01-01"]))).tolist() == [2020]
    assert year_in_name("DLTB", "渌口区2023年变更.gdb") == 2023 and year_in_name("x") is None
