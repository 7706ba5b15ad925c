"""Coverage of the plan by the map: per chapter and 专栏, the features citing it.

The links come from the features' own ``plan_para`` (their ``plan_ref``), so the report cannot
disagree with the map. Elements the plan names but that cannot be placed are declared in
``geodata_src/unplaced.toml`` (para, exact quote, reason) and listed beside the features, so a
section without features shows whether that is a decision or a gap.

Within the 专栏 (the plan's project lists), every named built thing (a road, railway, link, waterway,
port, station: :data:`NAMED_SUFFIXES`) must be on the map or declared unplaceable:
:func:`named_elements` finds the names, :func:`missing_named` those that are neither, and the report
ends with them (the CLI then exits 1).

``python -m lukou_geo coverage`` prints :func:`format_coverage` of :func:`build_coverage`.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lukou_geo.catalog import Catalog
from lukou_geo.errors import PlanRefError
from lukou_geo.plan.text import Plan, cite
from lukou_geo.settings import REPO_ROOT

UNPLACED_FILE = REPO_ROOT / "geodata_src" / "unplaced.toml"
#: 专栏 that are indicator tables: shown on the indicators page, not as map features.
INDICATOR_BOXES = ("专栏1-1", "专栏2-1")


#: Endings of the names of built things in the 专栏 that must be placed or declared.
NAMED_SUFFIXES: tuple[str, ...] = ("公路", "铁路", "专用线", "连接线", "高速", "航道", "码头", "作业区", "港区", "站")
_ITEM_SPLIT = re.compile(r"[、;;,,。|]|和|及")
_VERBS = ("新建改造", "新建", "改建", "改造", "启动实施", "启动建设", "实施", "推进", "积极谋划", "加快推进", "加快", "提级改造", "建成为",
          "建成", "扎实推进", "在全区", "按标准", "若干处")
_LEADING = re.compile(r"^(" + "|".join(_VERBS) + r")+")
_NAMED = re.compile(r"^(?P<name>.{1,40}?(" + "|".join(NAMED_SUFFIXES) + r"))(建设|工程|项目)?$")
_DASHES = str.maketrans({"—": "-", "–": "-", "－": "-"})


@dataclass(frozen=True)
class CitingFeature:
    layer_id: str
    feature_id: str
    name: str
    para: int


@dataclass(frozen=True)
class Unplaced:
    para: int
    quote: str
    reason: str


@dataclass
class Section:
    """A chapter's own paragraphs (``box`` None) or one 专栏 of that chapter."""

    chapter: int
    box: str | None
    title: str
    lines: tuple[int, ...]
    features: list[CitingFeature] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``placed`` (has features), ``indicators`` (an indicator table), ``unplaceable`` (only
        declared unplaced elements) or ``none`` (nothing in it names a place)."""
        if self.features:
            return "placed"
        if self.box in INDICATOR_BOXES:
            return "indicators"
        return "unplaceable" if self.unplaced else "none"


def read_unplaced(plan: Plan, path: Path | None = None) -> list[Unplaced]:
    """The declared unplaceable elements; each quote is checked against its plan line.

    Raises
    ------
    PlanRefError
        naming the file and entry when a quote is not the plan's words on that line.
    """
    p = Path(path) if path else UNPLACED_FILE
    if not p.exists():
        return []
    out = []
    for n, rec in enumerate(tomllib.loads(p.read_text(encoding="utf-8")).get("element", []), start=1):
        try:
            c = cite(plan, int(rec["para"]), str(rec["quote"]))
        except (PlanRefError, KeyError) as exc:
            raise PlanRefError(f"{p.name} [[element]] #{n}: {exc}") from exc
        out.append(Unplaced(c.line, c.quote, str(rec.get("reason", ""))))
    return out


def sections(plan: Plan) -> list[Section]:
    """Chapters (their own paragraphs) and 专栏, in reading order."""
    out: dict[tuple[int, str | None], Section] = {}
    for p in plan.paragraphs:
        if not p.text.strip():
            continue
        key = (p.chapter, p.box)
        if key not in out:
            title = p.box or plan.chapter_title(p.chapter)
            if p.box:
                title = p.text.split("|")[0].strip()
            out[key] = Section(p.chapter, p.box, title, ())
        out[key].lines = (*out[key].lines, p.line)
    return list(out.values())


def build_coverage(plan: Plan, catalog: Catalog, data: dict[str, dict[str, Any]],
                   unplaced: list[Unplaced] | None = None) -> list[Section]:
    """Every section of the plan with the features citing it and the declared unplaced elements."""
    secs = sections(plan)
    by_key = {(s.chapter, s.box): s for s in secs}
    for layer in catalog.layers:
        for feat in data.get(layer.id, {}).get("features", []):
            props = feat["properties"]
            para = props.get("plan_para")
            if not para:
                continue
            p = plan.para(int(para))
            by_key[(p.chapter, p.box)].features.append(
                CitingFeature(layer.id, props["id"], props["name"], int(para)))
    for u in unplaced or []:
        p = plan.para(u.para)
        by_key[(p.chapter, p.box)].unplaced.append(u)
    return secs


def _named_item(item: str) -> str:
    """The name in one listed item of a 专栏 ("新建S330渌口区泉龙村至古岳峰公路" → "S330渌口区泉龙村至古岳峰公路"),
    or "" when the item names no built thing."""
    item = re.sub(r"^\d+\.", "", item.strip())
    if "建设" in item[2:-2]:  # "按一级站标准建设渌口区客运南站": the name follows the verb
        item = item.rsplit("建设", 1)[1]
    item = _LEADING.sub("", item)
    m = _NAMED.match(item)
    return m.group("name") if m and len(m.group("name")) >= 3 else ""


def named_elements(plan: Plan) -> list[tuple[int, str]]:
    """(line, name) of every built thing named in a 专栏 (see :data:`NAMED_SUFFIXES`), in reading order."""
    out: list[tuple[int, str]] = []
    for p in plan.paragraphs:
        if not p.box or p.box in INDICATOR_BOXES:
            continue
        for item in _ITEM_SPLIT.split(p.text):
            name = _named_item(item)
            if name and (p.line, name) not in out:
                out.append((p.line, name))
    return out


def missing_named(plan: Plan, data: dict[str, dict[str, Any]], unplaced: list[Unplaced]) -> list[tuple[int, str]]:
    """The named elements of :func:`named_elements` that no feature (its name, the plan words it quotes,
    its description of what it holds) and no declared unplaced element mentions."""
    texts = [u.quote for u in unplaced]
    for fc in data.values():
        for f in fc.get("features", []):
            props = f["properties"]
            texts.append(f"{props.get('name', '')} {props.get('plan_quote', '')} {props.get('description', '')}")
    known = "\n".join(texts).translate(_DASHES)
    return [(line, name) for line, name in named_elements(plan) if name.translate(_DASHES) not in known]


def _pad(text: str, width: int) -> str:
    """Left-justify to a display width (CJK characters count as two columns)."""
    out, w = "", 0
    for ch in text:
        cw = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        if w + cw > width:
            break
        out, w = out + ch, w + cw
    return out + " " * (width - w)


def format_coverage(secs: list[Section], plan: Plan, verbose: bool = False, missing: list[tuple[int, str]] | None = None) -> str:
    """A plain-text report: one line per chapter/专栏 with counts, then (verbose) the features; at the end
    the ``missing`` named elements (:func:`missing_named`), if any."""
    lines = [f"{_pad('section', 40)} {'lines':>5s} {'features':>8s} {'layers':>6s} {'unplaced':>8s}  status"]
    for s in secs:
        label = s.title if s.box else plan.chapter_title(s.chapter)
        label = _pad(("  " if s.box else "") + label, 40)
        layers = len({f.layer_id for f in s.features})
        lines.append(f"{label} {len(s.lines):5d} {len(s.features):8d} {layers:6d} {len(s.unplaced):8d}  {s.status}")
        if verbose:
            for f in sorted(s.features, key=lambda f: f.para):
                lines.append(f"      ¶{f.para:<4d} {f.layer_id}/{f.feature_id}  {f.name}")
            for u in s.unplaced:
                lines.append(f"      ¶{u.para:<4d} (not placed) {u.quote[:30]} — {u.reason}")
    total = sum(len(s.features) for s in secs)
    lines.append(f"{len(secs)} sections; {total} citing features; "
                 f"{sum(1 for s in secs if s.status == 'placed')} sections with features, "
                 f"{sum(1 for s in secs if s.status == 'indicators')} indicator tables, "
                 f"{sum(1 for s in secs if s.status == 'unplaceable')} with only unplaceable elements, "
                 f"{sum(1 for s in secs if s.status == 'none')} with neither")
    for line, name in missing or []:
        lines.append(f"MISSING ¶{line} {name}: named in a 专栏 but neither on the map nor in geodata_src/unplaced.toml")
    return "\n".join(lines)
