import pytest

from lukou_geo.catalog import read_catalog, validate_data
from lukou_geo.map.search import Entry, build_index, search, view_for


@pytest.fixture(scope="module")
def index():
    catalog = read_catalog()
    return build_index(catalog, validate_data(catalog))


def test_chinese_substring_finds_feature(index):
    hits = search(index, "南洲新区产业园")
    assert hits and hits[0].name == "南洲新区产业园" and hits[0].layer_id == "parks"


def test_english_case_insensitive(index):
    hits = search(index, "wantang")
    assert any("湾塘" in h.name for h in hits)


def test_exact_before_prefix_before_substring():
    e = lambda n: Entry("l", n, n, "", "schematic", (0, 0, 0, 0))
    index = [e("大湾塘"), e("湾塘工业园"), e("湾塘")]
    assert [h.name for h in search(index, "湾塘")] == ["湾塘", "湾塘工业园", "大湾塘"]


def test_all_words_match(index):
    assert any(h.name_en and "nanzhou" in h.name_en.lower() for h in search(index, "nanzhou park"))


def test_empty_and_unknown(index):
    assert search(index, "  ") == []
    assert search(index, "不存在的地名xyz") == []


def test_view_for_point_and_area():
    pt = Entry("l", "a", "a", "", "geocoded", (113.1, 27.6, 113.1, 27.6))
    assert view_for(pt) == ((27.6, 113.1), 14.0)
    district = Entry("l", "d", "d", "", "official", (112.97, 27.17, 113.32, 27.80))
    (lat, _lon), zoom = view_for(district)
    assert lat == pytest.approx(27.485) and 9 <= zoom <= 10.5
    small = Entry("l", "s", "s", "", "schematic", (113.14, 27.74, 113.16, 27.75))
    assert view_for(small)[1] > zoom
