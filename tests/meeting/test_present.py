"""Tests of lukou_geo.meeting.present, lukou_geo.map.measure and lukou_geo.meeting.compare (generated maps)."""

from __future__ import annotations

import re

import pytest

from lukou_geo.map import assets
from lukou_geo.map.measure import MU_PER_SQM, measure_units
from lukou_geo.map.render import MapOptions, build_map
from lukou_geo.meeting.compare import build_compare, compare_html
from lukou_geo.meeting.deck import read_deck
from lukou_geo.meeting.present import build_deck_map, deck_data, slides_data


def test_deck_map_knows_every_slide(catalog, data):
    deck = read_deck()
    m = build_deck_map(catalog, data, deck, "zh", start=2)
    html = m.get_root().render()
    slides = slides_data(deck, deck_data(deck, data), "zh")
    assert [s["id"] for s in slides] == [s.id for s in deck.slides]
    assert slides[0]["layers"] == sorted(deck.visible(deck.slides[0]))
    assert all(s["quotes"] and len(s["bounds"]) == 2 for s in slides)
    assert ["parks", "park_wantang"] in slides[1]["highlight"]
    assert "window.lkDeck" in html and "PageDown" in html and "show(2)" in html
    assert '"services"' in html
    # only the deck's layers are drawn (smaller export)
    drawn = set(re.findall(r'"id":"([a-z_]+)","kind"', html))
    assert drawn == set(deck.layer_ids()) | {"district"}


def test_measure_control_uses_km_hectare_and_mu(catalog, data):
    assert MU_PER_SQM == pytest.approx(15 / 10_000)
    units = measure_units("zh")
    assert units["lkha"]["display"] == "公顷" and units["lkmu"]["display"] == "亩"
    html = build_map(catalog, data, MapOptions()).get_root().render()
    assert "new L.Control.Measure(" in html
    block = re.search(r"new L\.Control\.Measure\((.*?)\);", html, re.S).group(1)
    assert re.search(r'"primaryAreaUnit":\s*"lkha"', block) and re.search(r'"secondaryAreaUnit":\s*"lkmu"', block)
    assert re.search(r'"primaryLengthUnit":\s*"lkkm"', block) and "0.0015" in block and '"lkmu": {' in block
    assert "new L.Control.Measure(" not in build_map(catalog, data, MapOptions(measure=False)).get_root().render()


def test_compare_builds_two_synced_local_maps(catalog, data):
    dual = build_compare(catalog, data, frozenset({"district", "core_area"}), frozenset({"district", "rail"}),
                         "格局", "交通")
    assets.localize(dual, assets.LOCAL_BASE_APP)
    html = compare_html(dual)
    assert assets.find_external_urls(html) == []
    assert html.count("L.map(") == 2 and ".sync(" in html
    assert "格局" in html and "交通" in html
