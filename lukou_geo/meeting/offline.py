"""The deck as one offline HTML file, for meetings with no network.

:func:`export_deck_html` — the presentation map (:mod:`lukou_geo.meeting.present`) with every script,
stylesheet and the layer data inlined (:func:`lukou_geo.map.assets.render_standalone`): it opens
from ``file://`` or a USB stick with no network and steps through the deck with the keyboard.
"""

from __future__ import annotations

import html
from typing import Any

from lukou_geo.catalog import Catalog
from lukou_geo.map import assets
from lukou_geo.meeting.deck import Deck
from lukou_geo.meeting.present import build_deck_map


def export_deck_html(catalog: Catalog, data: dict[str, dict[str, Any]], deck: Deck, lang: str = "zh") -> str:
    """The deck as one self-contained HTML page (vector basemap; no request leaves the file).

    Raises
    ------
    lukou_geo.map.assets.AssetError
        when a script or stylesheet has no vendored copy, or the page would load anything
        from outside.
    """
    m = build_deck_map(catalog, data, deck, lang=lang, basemap="vector", measure=True)
    page = assets.render_standalone(m)
    title = f"<title>{html.escape(deck.title(lang), quote=True)}</title>"
    page = page.replace("<head>", "<head>\n" + title, 1)
    external = assets.find_external_urls(page)
    if external:
        raise assets.AssetError(f"the exported deck would load {external}; it must be self-contained")
    return page
