"""The plan reader's pure helpers: navigation, the features each paragraph places, escaped HTML.

Links between the text and the map come only from the features' own citations
(``plan_para`` + ``plan_quote``, built from each feature's ``plan_ref``), never from a second list:
a paragraph links to every feature citing it, and a feature's popup links back to its paragraph
(``reader?p={line}#p{line}``).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from lukou_geo.catalog import Catalog
from lukou_geo.plan.text import Plan


@dataclass(frozen=True)
class FeatureLink:
    """A map feature citing a paragraph."""

    layer_id: str
    feature_id: str
    name: str
    name_en: str
    quote: str
    precision: str

    def label(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name


@dataclass(frozen=True)
class NavItem:
    """One entry of the reader's navigation: a chapter or a 专栏 (``box``)."""

    chapter: int
    box: str | None
    title: str
    first_line: int


def feature_links(catalog: Catalog, data: dict[str, dict[str, Any]]) -> dict[int, list[FeatureLink]]:
    """{plan line: [features citing it]} over every catalog layer, in catalog order."""
    out: dict[int, list[FeatureLink]] = {}
    for layer in catalog.layers:
        for feat in data.get(layer.id, {}).get("features", []):
            p = feat["properties"]
            if not p.get("plan_para"):
                continue
            out.setdefault(int(p["plan_para"]), []).append(FeatureLink(
                layer.id, p["id"], p["name"], p.get("name_en", ""), p.get("plan_quote", ""), p["precision"]))
    return out


def navigation(plan: Plan, lang: str = "zh") -> list[NavItem]:
    """Chapters and their 专栏 in reading order (front matter included)."""
    items: list[NavItem] = []
    seen: set[tuple[int, str | None]] = set()
    for p in plan.paragraphs:
        if (p.chapter, None) not in seen:
            seen.add((p.chapter, None))
            items.append(NavItem(p.chapter, None, plan.chapter_title(p.chapter, lang), p.line))
        if p.box and (p.chapter, p.box) not in seen:
            seen.add((p.chapter, p.box))
            title = p.text.split("|")[0].strip()
            items.append(NavItem(p.chapter, p.box, title.replace("专栏", "Box ", 1) if lang == "en" else title, p.line))
    return items


def chapter_lines(plan: Plan, chapter: int) -> list[int]:
    """The non-empty lines of a chapter (its 专栏 included)."""
    return [p.line for p in plan.paragraphs if p.chapter == chapter and p.text.strip()]


def locate(plan: Plan, line: int) -> int:
    """The chapter a line belongs to (for ``reader?p=N``); 0 when out of range."""
    try:
        return plan.para(line).chapter
    except ValueError:
        return 0


def quote_spans(text: str, quotes: list[str]) -> list[tuple[str, bool]]:
    """Split ``text`` into (segment, is_quoted) pieces, marking every occurrence of the quotes.

    Overlapping or adjacent quotes merge into one marked span.
    """
    marks = [False] * len(text)
    for q in quotes:
        if not q:
            continue
        start = text.find(q)
        while start >= 0:
            for i in range(start, start + len(q)):
                marks[i] = True
            start = text.find(q, start + 1)
    out: list[tuple[str, bool]] = []
    for ch, m in zip(text, marks, strict=True):
        if out and out[-1][1] == m:
            out[-1] = (out[-1][0] + ch, m)
        else:
            out.append((ch, m))
    return out


def atlas_href(feature_id: str, lang: str) -> str:
    """Relative link from a page of the app to the map, zoomed to and highlighting a feature."""
    return "./?" + urlencode({"feature": feature_id, "lang": lang})  # the atlas is the default page: "/"


def reader_href(line: int, lang: str | None = None) -> str:
    """Relative link from a page of the app to a paragraph of the reader."""
    q = {"p": line, **({"lang": lang} if lang else {})}
    return "./reader?" + urlencode(q) + f"#p{line}"


def paragraph_html(plan: Plan, line: int, links: list[FeatureLink], lang: str, catalog: Catalog,
                   highlight: bool = False) -> str:
    """One paragraph as escaped HTML: anchor ``p{line}``, quoted words marked, links to the map."""
    p = plan.para(line)
    body = "".join(
        f'<mark class="lk-q">{html.escape(seg)}</mark>' if quoted else html.escape(seg)
        for seg, quoted in quote_spans(p.text, [lk.quote for lk in links])
    )
    cls = "lk-para lk-box" if p.box else "lk-para"
    if highlight:
        cls += " lk-target"
    out = [f'<div class="{cls}" id="p{line}" data-line="{line}">'
           f'<a class="lk-num" href="#p{line}">¶{line}</a> {body}']
    if links:
        out.append('<div class="lk-links">')
        for lk in links:
            layer = catalog.layer(lk.layer_id).title(lang)
            out.append(
                f'<a class="lk-feature" target="_self" data-feature="{html.escape(lk.feature_id, quote=True)}" '
                f'href="{html.escape(atlas_href(lk.feature_id, lang), quote=True)}">'
                f"◆ {html.escape(lk.label(lang))}</a> <span class=\"lk-layer\">{html.escape(layer)}</span>"
            )
        out.append("</div>")
    out.append("</div>")
    return "".join(out)


READER_CSS = """
<style>
.lk-para { margin: 0 0 .7em; line-height: 1.75; scroll-margin-top: 4rem; }
.lk-box { background: #f5f7fa; border-left: 3px solid #90a4ae; padding: 4px 8px; white-space: pre-wrap; }
.lk-num { color: #90a4ae; font-size: .8em; text-decoration: none; margin-right: 4px; }
mark.lk-q { background: #fff3b0; padding: 0 1px; }
.lk-target { outline: 2px solid #ffb300; outline-offset: 3px; }
.lk-links { margin: .2em 0 0 1.5em; font-size: .9em; }
.lk-feature { margin-right: 4px; }
.lk-layer { color: #78909c; font-size: .85em; margin-right: 12px; }
</style>
"""
