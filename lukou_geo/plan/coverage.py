"""Coverage of the plan by the map: per chapter and 专栏, the features citing it.

The links come from the features' own ``plan_para`` (their ``plan_ref``), so the report cannot
disagree with the map. Elements the plan names but that cannot be placed are declared in
``geodata_src/unplaced.toml`` (para, exact quote, reason) and listed beside the features, so a
section without features shows whether that is a decision or a gap.

``python -m lukou_geo coverage`` prints :func:`format_coverage` of :func:`build_coverage`.
"""

from __future__ import annotations

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


def _pad(text: str, width: int) -> str:
    """Left-justify to a display width (CJK characters count as two columns)."""
    out, w = "", 0
    for ch in text:
        cw = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        if w + cw > width:
            break
        out, w = out + ch, w + cw
    return out + " " * (width - w)


def format_coverage(secs: list[Section], plan: Plan, verbose: bool = False) -> str:
    """A plain-text report: one line per chapter/专栏 with counts, then (verbose) the features."""
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
    return "\n".join(lines)
