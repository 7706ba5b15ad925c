"""Tests of lukou_geo.meeting.deck: the default deck, validation against the catalog and the plan."""

from __future__ import annotations

import pytest

from lukou_geo.meeting.deck import (
    DeckError,
    bounds_of,
    deck_from_views,
    parse_deck,
    read_deck,
    slide_bounds,
    validate_deck,
)
from lukou_geo.meeting.views import View
from lukou_geo.plan.text import read_plan

STORY = ["一核三镇", "一区三园", "三园八基地", "服务业", "交通", "生态"]


def test_default_deck_tells_the_plans_story_in_order(catalog, data):
    deck = read_deck("default")
    assert [s.id for s in deck.slides] == ["structure", "industry", "agriculture", "services", "transport", "ecology"]
    for slide, words in zip(deck.slides, STORY, strict=True):
        text = slide.title_zh + "".join(q.quote for q in slide.quotes)
        assert words in text, (slide.id, words)
    validate_deck(deck, catalog, data)  # every layer id is in the catalog, every highlight a feature


def test_every_slide_quotes_the_plan_verbatim():
    plan = read_plan()
    deck = read_deck("default")
    for slide in deck.slides:
        assert slide.quotes, slide.id
        assert slide.title_en and slide.note_zh and slide.note_en
        for q in slide.quotes:
            assert q.quote in plan.para(q.line).text
            assert q.label("zh").endswith(f"¶{q.line}")


def test_deck_layers_are_catalog_layers(catalog):
    known = {lyr.id for lyr in catalog.layers}
    deck = read_deck("default")
    assert set(deck.layer_ids()) <= known
    assert {"district", "xiang_river"} <= set(deck.base_layers)


DECK = """
[deck]
id = "t"
title_zh = "测试"
base_layers = ["district"]
[[slide]]
id = "a"
title_zh = "甲"
layers = ["rail"]
extent = {extent}
highlight = [{highlight}]
[[slide.quote]]
para = 117
quote = "{quote}"
"""


def _deck(extent='"district"', highlight="", quote="一核三镇,两轴多片"):
    return parse_deck(DECK.format(extent=extent, highlight=highlight, quote=quote), origin="t.toml")


def test_a_misquote_names_the_slide_and_line():
    with pytest.raises(DeckError, match=r"t.toml \[\[slide\]\] #1 \(a\) quote #1: quote 「不在这里」 is not on plan line 117"):
        _deck(quote="不在这里")


def test_unknown_layer_and_highlight_are_reported(catalog, data):
    deck = _deck(highlight='"no_such_feature"')
    with pytest.raises(DeckError, match="highlight 'no_such_feature'"):
        validate_deck(deck, catalog, data)
    bad = parse_deck(DECK.format(extent='"district"', highlight="", quote="一核三镇").replace('["rail"]', '["nope"]'))
    with pytest.raises(DeckError, match="layer 'nope' is not in the catalog"):
        validate_deck(bad, catalog)


@pytest.mark.parametrize("extent", ['"somewhere"', "[[28, 113], [27, 114]]", "[1, 2]"])
def test_bad_extents_are_rejected(extent):
    with pytest.raises(DeckError, match="extent"):
        _deck(extent=extent)


def test_slide_bounds(data):
    district = bounds_of([data["district"]])
    assert slide_bounds(_deck().slides[0], data) == district
    explicit = _deck(extent="[[27.5, 113.0], [27.7, 113.2]]").slides[0]
    assert slide_bounds(explicit, data) == [[27.5, 113.0], [27.7, 113.2]]
    industry = read_deck().slides[1]
    (s, _w), (n, _e) = slide_bounds(industry, data)
    (ds, _dw), (dn, _de) = district
    assert ds <= s < n <= dn + 0.05 and (n - s) < (dn - ds)  # "layers" fits the parks, tighter than the district


def test_saved_views_make_a_deck():
    views = [View(title="一", layers=("district",), center=(27.6, 113.1), zoom=11, id=1),
             View(title="二", layers=("rail",), bounds=((27.5, 113.0), (27.7, 113.2)), id=2)]
    deck = deck_from_views(views)
    assert [s.title_zh for s in deck.slides] == ["一", "二"]
    assert deck.slides[0].center == (27.6, 113.1) and deck.slides[1].extent == ((27.5, 113.0), (27.7, 113.2))
    with pytest.raises(DeckError):
        deck_from_views([])
