"""The input limits (lukou_geo.settings.Limits): read at call time, checked, and a bad value names its variable and the fix."""

from __future__ import annotations

import pytest

from lukou_geo.errors import InputError
from lukou_geo.settings import LIMIT_VARIABLES, Limits, get_limits, get_settings
from lukou_geo.sitecheck.inputs import read_bytes
from tests.sitecheck.inputs.helpers import CSV_TEXT


def test_defaults_and_every_limit_has_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    for var, _ in LIMIT_VARIABLES.values():
        monkeypatch.delenv(var, raising=False)
    limits = get_limits()
    assert limits == Limits()
    assert (limits.max_upload_bytes, limits.max_expanded_bytes, limits.max_rows) == (50 * 2**20, 200 * 2**20, 200_000)
    assert (limits.max_vertices, limits.max_total_vertices, limits.max_line_chars, limits.max_cell_chars, limits.max_name_chars) == (
        20_000, 1_000_000, 1_000_000, 1_000_000, 1000,
    )  # fmt: skip
    assert set(LIMIT_VARIABLES) == set(Limits.__dataclass_fields__)


def test_limits_are_read_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUKOU_MAX_UPLOAD_MB", "0.5")
    monkeypatch.setenv("LUKOU_MAX_ROWS", "1e3")
    assert get_limits().max_upload_bytes == 2**19 and get_limits().max_rows == 1000
    assert get_settings().max_rows == 1000  # the old Settings attributes read the same limits


@pytest.mark.parametrize("value", ["abc", "-1", "0", "inf", "nan", "", "1.5"])
def test_a_bad_limit_names_the_variable_and_the_fix(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("LUKOU_MAX_ROWS", value)
    if not value:
        assert get_limits().max_rows == 200_000  # empty = unset
        return
    with pytest.raises(InputError) as err:
        get_limits()
    msg = str(err.value)
    assert msg.startswith("LUKOU_MAX_ROWS:") and "LUKOU_MAX_ROWS=200000" in msg and "正整数" in msg and "Fix:" in msg
    assert "不表示“不限”" in msg  # 0 and -1 are said not to mean "no limit"


def test_a_bad_limit_fails_the_inputs_not_every_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUKOU_MAX_UPLOAD_MB", "abc")
    assert get_settings().geodata_dir  # pages reading other settings still work
    with pytest.raises(InputError, match=r"LUKOU_MAX_UPLOAD_MB:设置值「abc」无效"):
        read_bytes(CSV_TEXT.encode(), "p.csv")
