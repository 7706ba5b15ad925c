"""Presentation decks: ordered views ("slides") of the atlas, declared as data in ``decks/*.toml``.

A slide is data: a title (zh/en), a short note, the catalog layers it shows (on top of the deck's
``base_layers``), an extent, optional feature ids to highlight, and quotes of the plan, each a
``(para, quote)`` pair checked against the plan text with :func:`lukou_geo.plan.text.cite`. The
presentation view, the exported offline HTML and the print layouts all read a :class:`Deck`.

Errors name the deck file, the slide and the field, and say how to fix it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape

from lukou_geo.catalog import Catalog
from lukou_geo.errors import DeckError, PlanRefError
from lukou_geo.plan.text import Citation, Plan, cite, read_plan
from lukou_geo.settings import get_settings

#: Extent keywords a slide may use instead of explicit ``[[s, w], [n, e]]`` bounds.
EXTENT_KEYWORDS = ("district", "layers")

Bounds = list[list[float]]


@dataclass(frozen=True)
class Slide:
    """One view of a deck."""

    id: str
    title_zh: str
    title_en: str
    layers: tuple[str, ...]
    extent: str | tuple[tuple[float, float], tuple[float, float]] = "district"
    note_zh: str = ""
    note_en: str = ""
    highlight: tuple[str, ...] = ()
    quotes: tuple[Citation, ...] = ()
    center: tuple[float, float] | None = None  # a saved view's exact center/zoom, if any
    zoom: float | None = None

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" or not self.title_en else self.title_en

    def note(self, lang: str) -> str:
        return self.note_zh if lang == "zh" or not self.note_en else self.note_en


@dataclass(frozen=True)
class Deck:
    """An ordered list of slides; ``base_layers`` are shown on every slide."""

    id: str
    title_zh: str
    title_en: str
    slides: tuple[Slide, ...]
    base_layers: tuple[str, ...] = ()
    origin: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" or not self.title_en else self.title_en

    def visible(self, slide: Slide) -> frozenset[str]:
        """The layers shown on ``slide``: the deck's base layers plus the slide's own."""
        return frozenset(self.base_layers) | frozenset(slide.layers)

    def layer_ids(self) -> list[str]:
        """Every layer any slide shows, base layers first, each once."""
        out: list[str] = []
        for lid in [*self.base_layers, *(lid for s in self.slides for lid in s.layers)]:
            if lid not in out:
                out.append(lid)
        return out


_SLIDE_KEYS = {"id", "title_zh", "title_en", "note_zh", "note_en", "layers", "extent", "highlight", "quote"}
_DECK_KEYS = {"id", "title_zh", "title_en", "base_layers"}


def _parse_extent(where: str, value: Any) -> str | tuple[tuple[float, float], tuple[float, float]]:
    if isinstance(value, str):
        if value not in EXTENT_KEYWORDS:
            raise DeckError(f"{where}:范围 extent {value!r} 应为 {'、'.join(EXTENT_KEYWORDS)} 之一或 [[南, 西], [北, 东]]",
                            f"{where}: extent {value!r} must be one of {', '.join(EXTENT_KEYWORDS)} "
                            "or [[south, west], [north, east]]")
        return value
    try:
        (s, w), (n, e) = value
        s, w, n, e = (float(x) for x in (s, w, n, e))
    except (TypeError, ValueError) as exc:
        raise DeckError(f"{where}:范围 extent 应为以度表示的 [[南, 西], [北, 东]],实为 {value!r}",
                        f"{where}: extent must be [[south, west], [north, east]] in degrees, got {value!r}") from exc
    if not (-90 <= s < n <= 90 and -180 <= w < e <= 180):
        raise DeckError(f"{where}:范围 extent {value!r} 应为 [[南, 西], [北, 东]],且南 < 北、西 < 东",
                        f"{where}: extent {value!r} is not [[south, west], [north, east]] with south < north, west < east")
    return ((s, w), (n, e))


def parse_deck(text: str, origin: str = "deck.toml", plan: Plan | None = None) -> Deck:
    """Parse and check a deck's TOML text (structure and plan quotes; see :func:`validate_deck`)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DeckError(f"{origin}:不是有效的 TOML({exc}):请修改该行的语法",
                        f"{origin}: not valid TOML ({exc}); fix the syntax at that line") from exc
    head = raw.get("deck")
    if not isinstance(head, dict):
        raise DeckError(f"{origin}:缺少 [deck] 表(id、title_zh、title_en、base_layers)",
                        f"{origin}: missing the [deck] table (id, title_zh, title_en, base_layers)")
    unknown = set(head) - _DECK_KEYS
    if unknown:
        raise DeckError(f"{origin} [deck]:未知的键 {sorted(unknown)};可用:{'、'.join(sorted(_DECK_KEYS))}",
                        f"{origin} [deck]: unknown key(s) {sorted(unknown)}; allowed: {', '.join(sorted(_DECK_KEYS))}")
    for key in ("id", "title_zh"):
        if not isinstance(head.get(key), str) or not head[key]:
            raise DeckError(f"{origin} [deck]:必须填写 {key!r}(非空文字)", f"{origin} [deck]: {key!r} is required (a non-empty string)")
    plan = plan or read_plan()
    slides: list[Slide] = []
    seen: set[str] = set()
    for i, rec in enumerate(raw.get("slide", []), start=1):
        slide = _parse_slide(f"{origin} [[slide]] #{i} ({rec.get('id', '?')})", rec, plan)
        if slide.id in seen:
            raise DeckError(f"{origin} [[slide]] #{i}:幻灯片编号 {slide.id!r} 重复:请给每张幻灯片不同的编号",
                            f"{origin} [[slide]] #{i} ({slide.id}): slide id {slide.id!r} is used twice; give each slide its own id")
        seen.add(slide.id)
        slides.append(slide)
    if not slides:
        raise DeckError(f"{origin}:没有 [[slide]] 记录:演示文稿至少需要一张幻灯片",
                        f"{origin}: no [[slide]] records; a deck needs at least one slide")
    return Deck(id=head["id"], title_zh=head["title_zh"], title_en=head.get("title_en", ""),
                slides=tuple(slides), base_layers=tuple(head.get("base_layers", ())), origin=origin)


def _parse_slide(where: str, rec: dict[str, Any], plan: Plan) -> Slide:
    unknown = set(rec) - _SLIDE_KEYS
    if unknown:
        raise DeckError(f"{where}:未知的键 {sorted(unknown)};可用:{'、'.join(sorted(_SLIDE_KEYS))}",
                        f"{where}: unknown key(s) {sorted(unknown)}; allowed: {', '.join(sorted(_SLIDE_KEYS))}")
    for key in ("id", "title_zh"):
        if not isinstance(rec.get(key), str) or not rec[key]:
            raise DeckError(f"{where}:必须填写 {key!r}(非空文字)", f"{where}: {key!r} is required (a non-empty string)")
    layers = rec.get("layers")
    if not isinstance(layers, list) or not layers or not all(isinstance(x, str) for x in layers):
        raise DeckError(f"{where}:layers 应为图层编号的非空列表", f"{where}: 'layers' must be a non-empty list of catalog layer ids")
    quotes = []
    for k, q in enumerate(rec.get("quote", []), start=1):
        if not isinstance(q, dict) or not isinstance(q.get("para"), int) or not isinstance(q.get("quote"), str):
            raise DeckError(f"{where} 引文 #{k}:需要 para = <规划文本行号> 和 quote = \"<规划原文>\"",
                            f"{where} quote #{k}: needs para = <plan line number> and quote = \"<the plan's words>\"")
        try:
            quotes.append(cite(plan, q["para"], q["quote"]))
        except PlanRefError as exc:
            raise DeckError(f"{where} 引文 #{k}:{exc.message('zh')}", f"{where} quote #{k}: {exc.message('en')}") from exc
    return Slide(
        id=rec["id"], title_zh=rec["title_zh"], title_en=rec.get("title_en", ""),
        layers=tuple(layers), extent=_parse_extent(where, rec.get("extent", "district")),
        note_zh=rec.get("note_zh", ""), note_en=rec.get("note_en", ""),
        highlight=tuple(rec.get("highlight", ())), quotes=tuple(quotes),
    )


def deck_path(deck_id: str = "default") -> Path:
    return get_settings().decks_dir / f"{deck_id}.toml"


def list_decks() -> list[str]:
    """Ids of the decks in the decks folder (``default`` first)."""
    ids = sorted(p.stem for p in get_settings().decks_dir.glob("*.toml"))
    return sorted(ids, key=lambda i: (i != "default", i))


def read_deck(deck_id: str = "default", path: Path | None = None, plan: Plan | None = None) -> Deck:
    """Read a deck by id (``decks/<id>.toml``) or from ``path``; structure and quotes checked."""
    p = Path(path) if path else deck_path(deck_id)
    if not p.exists():
        raise DeckError(f"找不到演示文稿文件 {p}:演示文稿以 <id>.toml 存放在 {get_settings().decks_dir}",
                        f"deck file {p} not found; decks live in {get_settings().decks_dir} as <id>.toml")
    return parse_deck(p.read_text(encoding="utf-8"), origin=p.name, plan=plan)


def validate_deck(deck: Deck, catalog: Catalog, data: dict[str, dict[str, Any]] | None = None) -> None:
    """Check every layer id against the catalog and, with ``data``, every highlight id against
    the features of the slide's layers.

    Raises
    ------
    DeckError
        naming the deck file, the slide and the unknown id.
    """
    known = {lyr.id for lyr in catalog.layers}
    for lid in deck.base_layers:
        if lid not in known:
            raise DeckError(f"{deck.origin} [deck]:底图层 {lid!r} 不在图层目录(layers/*.toml)中",
                            f"{deck.origin} [deck]: base layer {lid!r} is not in the catalog (layers/*.toml)")
    for slide in deck.slides:
        where = f"{deck.origin} slide {slide.id!r}"
        for lid in slide.layers:
            if lid not in known:
                raise DeckError(f"{where}:图层 {lid!r} 不在图层目录(layers/*.toml)中;可用:{'、'.join(sorted(known))}",
                                f"{where}: layer {lid!r} is not in the catalog (layers/*.toml); "
                                f"use one of: {', '.join(sorted(known))}")
        if data is None:
            continue
        fids = {f["properties"]["id"] for lid in deck.visible(slide) if lid in data for f in data[lid]["features"]}
        for fid in slide.highlight:
            if fid not in fids:
                raise DeckError(f"{where}:突出显示的 {fid!r} 不是本张幻灯片图层({'、'.join(sorted(deck.visible(slide)))})中的要素",
                                f"{where}: highlight {fid!r} is not a feature of the slide's layers "
                                f"({', '.join(sorted(deck.visible(slide)))})")


def bounds_of(fcs: list[dict[str, Any]]) -> Bounds:
    """[[s, w], [n, e]] of the features of some FeatureCollections."""
    geoms = [shape(f["geometry"]) for fc in fcs for f in fc["features"]]
    if not geoms:
        raise ValueError("no features to fit")
    minx, miny, maxx, maxy = shapely.total_bounds(np.array(geoms, dtype=object))
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def slide_bounds(slide: Slide, data: dict[str, dict[str, Any]]) -> Bounds:
    """The slide's extent as [[s, w], [n, e]] (WGS-84)."""
    if slide.extent == "district":
        return bounds_of([data["district"]])
    if slide.extent == "layers":
        fcs = [data[lid] for lid in slide.layers if lid in data and data[lid]["features"]]
        return bounds_of(fcs) if fcs else bounds_of([data["district"]])
    (s, w), (n, e) = slide.extent  # type: ignore[misc]
    return [[s, w], [n, e]]


def slide_from_view(view: Any) -> Slide:
    """A slide from a saved view (:class:`lukou_geo.meeting.views.View`)."""
    extent: Any = "district"
    if view.bounds:
        (s, w), (n, e) = view.bounds
        extent = ((s, w), (n, e))
    return Slide(id=f"view_{view.id}", title_zh=view.title, title_en=view.title, layers=tuple(view.layers),
                 extent=extent, note_zh=view.note, note_en=view.note,
                 center=tuple(view.center) if view.center else None, zoom=view.zoom)


def deck_from_views(views: list[Any], title_zh: str = "我的视图", title_en: str = "My views") -> Deck:
    """A deck whose slides are saved views, in their saved order."""
    if not views:
        raise DeckError("还没有保存的视图:请先在视图页把当前地图保存为视图", "no saved views yet: save the current map as a view first")
    return Deck(id="views", title_zh=title_zh, title_en=title_en,
                slides=tuple(slide_from_view(v) for v in views), origin="saved views")
