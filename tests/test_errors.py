"""lukou_geo.errors: one root error whose message the UI shows, in either language."""

from __future__ import annotations

import inspect

import pytest

from lukou_geo import errors
from lukou_geo.errors import InputError, LukouError


def test_every_error_kind_derives_from_the_root() -> None:
    kinds = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, Exception) and c is not LukouError]
    assert len(kinds) >= 10
    assert all(issubclass(k, LukouError) for k in kinds), [k for k in kinds if not issubclass(k, LukouError)]


def test_message_per_language() -> None:
    e = LukouError("图层缺失", "layer missing")
    assert (e.message("zh"), e.message("en"), str(e)) == ("图层缺失", "layer missing", "图层缺失 / layer missing")
    one = errors.CatalogError("layers/x.toml: 缺少 id / missing id")
    assert one.message("zh") == one.message("en") == str(one)
    with pytest.raises(ValueError):  # kinds keep their old base class
        raise one


def test_input_error_names_file_row_field_and_fix() -> None:
    e = InputError("a.csv", "不是数字", "not a number", "填入坐标数值", "enter a coordinate", row=3, field="经度")
    assert e.message("zh") == "a.csv 第3行 经度:不是数字。填入坐标数值"
    assert e.message("en") == "a.csv, row 3, field 经度: not a number. Fix: enter a coordinate"
    assert isinstance(e, LukouError)


def _bilingual(exc: Exception) -> None:
    from lukou_geo.errors import LukouError

    assert isinstance(exc, LukouError)
    zh, en = exc.message("zh"), exc.message("en")
    assert zh != en
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), zh
    assert sum("\u4e00" <= ch <= "\u9fff" for ch in en) < 8, en  # names like 部标 / 天地图 may stay


def test_export_deck_view_and_basemap_errors_are_bilingual(catalog, data) -> None:
    import pytest

    from lukou_geo.map.render import MapOptions, build_map
    from lukou_geo.meeting.deck import parse_deck
    from lukou_geo.meeting.printing import page_size_mm
    from lukou_geo.meeting.views import View, check_view

    calls = [
        lambda: page_size_mm("B5", "landscape"), lambda: page_size_mm("A4", "sideways"),
        lambda: parse_deck("not [toml", origin="t.toml"), lambda: parse_deck("x = 1", origin="t.toml"),
        lambda: check_view(View(title="", layers=())), lambda: check_view(View(title="a", layers=(), lang="fr")),
        lambda: check_view(View(title="a", layers=(), bounds=((27.7, 113.3), (27.5, 113.0)))),
        lambda: build_map(catalog, data, MapOptions(basemap="tianditu")), lambda: build_map(catalog, data, MapOptions(basemap="evil")),
    ]
    for call in calls:
        with pytest.raises(Exception) as exc:  # each is checked to be a LukouError below
            call()
        _bilingual(exc.value)
