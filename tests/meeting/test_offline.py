"""Tests of lukou_geo.meeting.offline: the deck as one offline HTML file."""

from __future__ import annotations

import pytest

from lukou_geo.map.assets import find_external_urls
from lukou_geo.meeting.deck import read_deck
from lukou_geo.meeting.offline import export_deck_html


@pytest.fixture(scope="module")
def deck():
    return read_deck()


def test_deck_html_is_self_contained_and_small(catalog, data, deck):
    html = export_deck_html(catalog, data, deck, "zh")
    assert find_external_urls(html) == []
    assert "<script src=" not in html and "<link rel=\"stylesheet\"" not in html
    assert len(html.encode()) <= 3_000_000  # target for the default deck
    for slide in deck.slides:
        assert slide.title_zh in html
    assert "lkDeck" in html and "leaflet-measure" in html.lower()
    assert f"<title>{deck.title_zh}</title>" in html
