"""Plan-fit verdicts: the zones' rules as a table, the overall verdict, the reasons in words.

Verdict of one zone for a project type: 符合 if the type is in the zone's ``fit_fits``, 冲突 if in
``fit_conflicts`` (a category such as 工业 stands for its types), otherwise ``fit_other`` (需关注).
Overall verdict of a project: 冲突 if any zone it touches says 冲突; otherwise the verdict of its
*deciding zone*: the smallest zone with a rule among those covering at least half of the project
(for points: containing it), or else the rule zone with the largest share; 需关注 when no zone
with a rule is touched, the type is missing or unknown, or the project lies outside the district.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from lukou_geo.errors import CatalogError
from lukou_geo.sitecheck.vocab import ProjectTypes

VERDICTS = ("符合", "需关注", "冲突")
VERDICT_EN = {"符合": "fits", "需关注": "needs attention", "冲突": "conflict", "": ""}
#: A zone covering at least this share of a project can decide its verdict.
DECIDING_SHARE = 0.5
NO_RULE, FITS, ATTN, CONFLICT = -1, 0, 1, 2
_CODE_TO_VERDICT = {FITS: "符合", ATTN: "需关注", CONFLICT: "冲突", NO_RULE: ""}
_VERDICT_TO_CODE = {"符合": FITS, "需关注": ATTN, "冲突": CONFLICT}
#: verdict names indexed by code (``NO_RULE`` = -1 is the last)
CODE_NAMES = np.array([_CODE_TO_VERDICT[c] for c in (FITS, ATTN, CONFLICT, NO_RULE)], dtype=object)


def verdict_table(zones: list[dict[str, Any]], vocab: ProjectTypes) -> tuple[np.ndarray, dict[str, int]]:
    """int8 [zone, type index (+1 for "no or unknown type")] of verdict codes, and the type index."""
    type_ids = list(vocab.types)
    type_index = {t: i for i, t in enumerate(type_ids)}
    table = np.full((len(zones), len(type_ids) + 1), NO_RULE, dtype=np.int8)
    for zi, z in enumerate(zones):
        if not z["has_rule"]:
            continue
        try:
            fits, conflicts = vocab.expand(z["fit_fits"]), vocab.expand(z["fit_conflicts"])
        except KeyError as exc:
            raise CatalogError(f"zone {z['id']} ({z['layer_id']}): fit names {exc} which is not in layers/project_types.toml") from exc
        table[zi, :] = _VERDICT_TO_CODE.get(z["fit_other"] or "需关注", ATTN)
        for t in fits:
            table[zi, type_index[t]] = FITS
        for t in conflicts:
            table[zi, type_index[t]] = CONFLICT
        table[zi, len(type_ids)] = ATTN  # no / unknown type
    return table, type_index


def rule_text(z: Any, lang: str) -> str:
    """A zone's rule in words (``z``: a zone record with has_rule, fit_fits, fit_conflicts, fit_other)."""
    if not z["has_rule"]:
        return "该分区规划未规定用途" if lang == "zh" else "the plan assigns this zone no functions"
    fits = "、".join(z["fit_fits"]) or "—"
    conf = "、".join(z["fit_conflicts"]) or "—"
    if lang == "zh":
        return f"符合:{fits};冲突:{conf};其他:{z['fit_other'] or '需关注'}"
    return f"fits: {', '.join(z['fit_fits']) or '—'}; conflicts: {', '.join(z['fit_conflicts']) or '—'}; other: {z['fit_other'] or '需关注'}"


def decide(
    n: int, zpi: np.ndarray, zzi: np.ndarray, pair_code: np.ndarray, share: np.ndarray, zone_area: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Overall verdict code and deciding zone (-1: none) of ``n`` projects from their zone pairs."""
    verdict = np.full(n, ATTN, dtype=np.int8)
    deciding = np.full(n, -1, dtype=np.int64)
    if not len(zpi):
        return verdict, deciding
    zarea = zone_area[zzi]
    has_rule = pair_code != NO_RULE
    pr = pd.DataFrame({
        "p": zpi[has_rule], "z": zzi[has_rule], "c": pair_code[has_rule],
        "big": share[has_rule] < DECIDING_SHARE - 1e-9, "neg_share": -share[has_rule], "area": zarea[has_rule],
    })
    pr = pr.sort_values(["p", "big", "area", "neg_share"]).drop_duplicates("p")
    deciding[pr["p"].to_numpy()] = pr["z"].to_numpy()
    verdict[pr["p"].to_numpy()] = pr["c"].to_numpy()
    bad = pair_code == CONFLICT
    conflict = np.zeros(n, dtype=bool)
    conflict[zpi[bad]] = True
    cpairs = pd.DataFrame({"p": zpi[bad], "z": zzi[bad], "area": zarea[bad]}).sort_values(["p", "area"]).drop_duplicates("p")
    verdict[conflict] = CONFLICT
    deciding[cpairs["p"].to_numpy()] = cpairs["z"].to_numpy()
    return verdict, deciding


class ReasonWriter:
    """The reason of each project's verdict in words, from per-zone texts prepared once per context."""

    def __init__(self, zones: pd.DataFrame, vocab: ProjectTypes) -> None:
        self.layer = zones["layer_zh"].to_numpy(dtype=object) if len(zones) else np.zeros(0, dtype=object)
        self.name = zones["name"].to_numpy(dtype=object) if len(zones) else np.zeros(0, dtype=object)
        self.ref = zones["fit_ref"].to_numpy(dtype=object) if len(zones) else np.zeros(0, dtype=object)
        recs = zones.to_dict("records") if len(zones) else []
        self.rule_zh = np.array([rule_text(z, "zh") for z in recs], dtype=object)
        self.fits = [vocab.expand(z["fit_fits"]) if z["has_rule"] else set() for z in recs]

    def reasons(self, s: pd.DataFrame, deciding: np.ndarray) -> list[str]:
        """One reason per summary row (``s``: in_district, district_share, district_dist_km, ptype,
        ptype_input, zone_count, verdict)."""
        cols = zip(s["in_district"], s["district_share"], s["district_dist_km"], s["ptype"], s["ptype_input"],
                   s["zone_count"], s["verdict"], deciding, strict=True)
        return [self._one(*c) for c in cols]

    def _one(self, inside: str, dshare: float, dist: float, ptype: str, given: str, zone_count: int, verdict: str, zi: int) -> str:
        if inside == "否":
            return f"项目不在渌口区内(距区界 {dist:.2f} km),规划分区不适用 / outside the district"
        parts = []
        if inside == "部分":
            parts.append(f"项目仅 {dshare:.0%} 在区内")
        if not ptype:
            parts.append(f"项目类型「{given}」不在类型表中,无法判定" if given else "未提供项目类型,无法判定是否符合")
        if zi < 0:
            parts.append("未涉及有用途规定的规划分区" if zone_count else "未落入任何规划分区")
            return ";".join(parts) or "需人工核查"
        t = ptype or "(未指定类型)"
        where = f"{self.layer[zi]}「{self.name[zi]}」"
        if verdict == "冲突":
            parts.append(f"「{t}」与{where}的规划用途冲突:{self.rule_zh[zi]};依据 {self.ref[zi]}")
        elif verdict == "符合" or (ptype and t in self.fits[zi]):
            parts.append(f"「{t}」符合{where}的规划用途;依据 {self.ref[zi]}")
        else:
            parts.append(f"「{t}」不在{where}的规划重点中,需关注:{self.rule_zh[zi]};依据 {self.ref[zi]}")
        return ";".join(parts)
