"""Plan-fit verdicts: the zones' rules as a table, the overall verdict, the reasons in sentences.

**One zone** says, for a project type: 符合 if the type is in the zone's ``fit_fits`` (the plan's words
name it for the zone), 冲突 if in ``fit_conflicts`` (only where the plan's words exclude it, e.g.
湾塘 "退二进三"), otherwise ``fit_other`` (需关注). A zone the plan's words protect (``caps``: the
ecological barriers, the planned micro-wetlands) says 需关注 *with weight* (code :data:`CAUTION`) for
every type it does not list. A category (工业) stands for its types. Zones of ``check = "context"``
layers (the 八基地, the childcare and medical-elderly programmes, which the plan places only by town)
never judge: they are named in the reason as context.

**Overall**, per project, the worst zone weighted by what the plan says:

1. 冲突 when a zone whose rule says 冲突 for the type covers at least :data:`CAP_SHARE` of the project
   (points: contains it); a conflicting zone touching less makes it 需关注;
2. else 需关注 when a protected (``caps``) zone covers at least :data:`CAP_SHARE` of it, whatever a
   development zone around it says (a parcel 64 % inside the 渌江 barrier is not 符合 because the
   南洲 park names its industry);
3. else the verdict of the *deciding zone*: the smallest zone with a rule among those covering at
   least :data:`DECIDING_SHARE` of the project (the most specific words), or else the rule zone with
   the largest share;
4. 需关注 when no zone with a rule is touched, the type is missing or unknown, or the project lies
   outside the district (set by the caller).

The reason says which case applied, quoting the zone's words (Chinese: the plan's own; English: the
rule's ``quote_en`` rendering) with chapter and ¶, in a sentence or two; every text is from
:mod:`lukou_geo.text` (``check.reason.*``, ``check.rule.*``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lukou_geo.errors import CatalogError
from lukou_geo.plan.text import chapter_of, chapter_short
from lukou_geo.sitecheck.labels import pct
from lukou_geo.sitecheck.vocab import ProjectTypes
from lukou_geo.text import t

VERDICTS = ("符合", "需关注", "冲突")
#: the verdicts in English (from lukou_geo.text ``check.verdict.*``)
VERDICT_EN = {"符合": t("check.verdict.fits", "en"), "需关注": t("check.verdict.attention", "en"),
              "冲突": t("check.verdict.conflict", "en"), "": ""}
#: A zone covering at least this share of a project can decide its verdict.
DECIDING_SHARE = 0.5
#: A conflicting or protected zone covering at least this share of a project caps its verdict
#: (冲突, resp. at most 需关注); less of it is named in the reason.
CAP_SHARE = 0.10
NO_RULE, FITS, ATTN, CONFLICT, CAUTION = -1, 0, 1, 2, 3
_CODE_TO_VERDICT = {FITS: "符合", ATTN: "需关注", CONFLICT: "冲突", CAUTION: "需关注", NO_RULE: ""}
_VERDICT_TO_CODE = {"符合": FITS, "需关注": ATTN, "冲突": CONFLICT}
#: verdict names indexed by code (``NO_RULE`` = -1 is the last)
CODE_NAMES = np.array([_CODE_TO_VERDICT[c] for c in (FITS, ATTN, CONFLICT, CAUTION, NO_RULE)], dtype=object)
#: how the overall verdict came about (:attr:`Decision.why`)
WHY_NONE, WHY_ZONE, WHY_CONFLICT, WHY_CONFLICT_MINOR, WHY_CAPPED = -1, 0, 1, 2, 3


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
        other = _VERDICT_TO_CODE.get(z["fit_other"] or "需关注", ATTN)
        if other == ATTN and z["fit_caps"]:
            other = CAUTION
        table[zi, :] = other
        for t_ in fits:
            table[zi, type_index[t_]] = FITS
        for t_ in conflicts:
            table[zi, type_index[t_]] = CONFLICT
        table[zi, len(type_ids)] = CAUTION if z["fit_caps"] else ATTN  # no / unknown type
    return table, type_index


@dataclass
class Decision:
    """The overall verdict of ``n`` projects and what decided it (arrays of length n; -1 = none)."""

    verdict: np.ndarray  # int8 code: FITS, ATTN or CONFLICT
    deciding: np.ndarray  # the zone the reason leads with
    lead_code: np.ndarray  # that zone's own code for the project's type
    lead_share: np.ndarray  # its share of the project
    why: np.ndarray  # WHY_*
    basis: np.ndarray  # the deciding zone by share alone; when a protected zone capped the verdict, the zone naming the type
    basis_code: np.ndarray
    touch: np.ndarray  # a protected zone covering less than CAP_SHARE (named in the reason)
    touch_share: np.ndarray


def _first(df: pd.DataFrame, by: list[str], ascending: list[bool]) -> pd.DataFrame:
    return df.sort_values(["p", *by], ascending=[True, *ascending]).drop_duplicates("p")


def decide(n: int, zpi: np.ndarray, zzi: np.ndarray, pair_code: np.ndarray, share: np.ndarray, zone_area: np.ndarray) -> Decision:
    """The overall verdict of ``n`` projects from their (project, zone) pairs (see the module docstring)."""
    d = Decision(*(np.full(n, v, dtype=np.int64) for v in (ATTN, -1, NO_RULE)), np.zeros(n), np.full(n, WHY_NONE, np.int64),
                 np.full(n, -1, np.int64), np.full(n, NO_RULE, np.int64), np.full(n, -1, np.int64), np.zeros(n))
    rule = pair_code != NO_RULE
    if not rule.any():
        d.verdict = d.verdict.astype(np.int8)
        return d
    pr = pd.DataFrame({"p": zpi[rule], "z": zzi[rule], "c": pair_code[rule].astype(np.int64), "s": share[rule],
                       "area": zone_area[zzi[rule]]})
    pr["big"] = pr["s"] < DECIDING_SHARE - 1e-9
    base = _first(pr, ["big", "area", "s"], [True, True, False])
    p = base["p"].to_numpy()
    d.basis[p], d.basis_code[p] = base["z"].to_numpy(), base["c"].to_numpy()
    d.deciding[p], d.lead_code[p], d.lead_share[p] = base["z"].to_numpy(), base["c"].to_numpy(), base["s"].to_numpy()
    d.verdict[p] = np.where(base["c"].to_numpy() == CAUTION, ATTN, base["c"].to_numpy())
    d.why[p] = WHY_ZONE
    caution = _first(pr[pr["c"] == CAUTION], ["s", "area"], [False, True])
    weak = caution[caution["s"] < CAP_SHARE - 1e-9]
    d.touch[weak["p"].to_numpy()], d.touch_share[weak["p"].to_numpy()] = weak["z"].to_numpy(), weak["s"].to_numpy()
    strong = caution[caution["s"] >= CAP_SHARE - 1e-9]
    _lead(d, strong, ATTN, WHY_CAPPED)
    fits = _first(pr[(pr["c"] == FITS) & pr["p"].isin(strong["p"])], ["big", "area", "s"], [True, True, False])
    d.basis[fits["p"].to_numpy()], d.basis_code[fits["p"].to_numpy()] = fits["z"].to_numpy(), FITS  # the zone it overrides
    conflict = _first(pr[pr["c"] == CONFLICT], ["s", "area"], [False, True])
    _lead(d, conflict[conflict["s"] < CAP_SHARE - 1e-9], ATTN, WHY_CONFLICT_MINOR)
    _lead(d, conflict[conflict["s"] >= CAP_SHARE - 1e-9], CONFLICT, WHY_CONFLICT)
    d.touch[d.touch == d.deciding] = -1
    d.verdict = d.verdict.astype(np.int8)
    return d


def _lead(d: Decision, rows: pd.DataFrame, verdict: int, why: int) -> None:
    """Let the zones of ``rows`` (one per project) decide those projects, with ``verdict``."""
    p = rows["p"].to_numpy()
    d.deciding[p], d.lead_code[p], d.lead_share[p] = rows["z"].to_numpy(), rows["c"].to_numpy(), rows["s"].to_numpy()
    d.verdict[p], d.why[p] = verdict, why


# ------------------------------------------------------------------------------ words


def _clip(text: str, n: int, lang: str) -> str:
    """``text`` cut to about ``n`` characters at a pause (、,;。 or a space), with an ellipsis."""
    if len(text) <= n:
        return text
    pauses = "、,;。,;" if lang == "zh" else ",; "
    cut = max(text.rfind(ch, 0, n) for ch in pauses)
    head = text[: cut if cut > n // 2 else n]
    while head and head[-1] in ",;、, ":
        head = head[:-1]
    return head + ("……" if lang == "zh" else "…")


def cite_text(para: Any, lang: str) -> str:
    """A paragraph cited as a reason does: ``第四章 ¶156`` / ``Ch. 4, ¶156`` ("" without a paragraph)."""
    if para is None or para != para or not int(para):
        return ""
    return t("check.cite", lang, chapter=chapter_short(chapter_of(int(para)), lang), para=int(para))


def _pct_digits(share: float) -> str:
    """What :func:`lukou_geo.sitecheck.labels.pct` writes of ``share`` (the number only)."""
    return f"{float(share) * 100:.1f}"


def text_ids(values: np.ndarray, used: np.ndarray, write: Any) -> np.ndarray:
    """Per row, an id of ``write(value)`` where ``used`` (-1 elsewhere): rows with equal ids read alike.

    Each distinct value (by its bits) is written once."""
    ids = np.full(len(values), -1, dtype=np.int64)
    if used.any():
        bits, uniq = pd.factorize(np.ascontiguousarray(values[used], dtype=np.float64).view(np.int64))
        words, _ = pd.factorize(np.array([write(v) for v in uniq.view(np.float64).tolist()], dtype=object))
        ids[used] = words[bits]
    return ids


def _list_ids(p: np.ndarray, z: np.ndarray, n: int) -> np.ndarray:
    """Per row (0…n-1), an id of its list of ``z`` (pairs sorted by ``p``): equal ids, equal lists (0: none)."""
    ids = np.zeros(n, dtype=np.int64)
    if not len(p):
        return ids
    starts = np.flatnonzero(np.r_[True, p[1:] != p[:-1]])
    rank = np.arange(len(p)) - np.repeat(starts, np.diff(np.r_[starts, len(p)]))
    step = int(z.max()) + 2
    used = 1
    for r in range(int(rank.max()) + 1):  # extend the lists one zone at a time: ids stay unique across lengths
        sel = rank == r
        new, uniq = pd.factorize(ids[p[sel]] * step + z[sel] + 1)
        ids[p[sel]] = new + used
        used += len(uniq)
    return ids


def group_rows(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows equal in every column share a group: (the group of each row, the first row of each group).

    Groups are numbered in the order of their first row. Float columns compare by their bits
    (-0.0 and 0.0 are two groups), so rows in one group hold the very same values. Integer columns
    are packed into one number while it fits in 62 bits, then factorised.
    """
    n = len(columns[0]) if columns else 0
    group, span = np.zeros(n, dtype=np.int64), 1
    for col in columns:
        ids, k = _codes(np.asarray(col))
        if span * k >= 1 << 62:
            group, uniq = pd.factorize(group)
            span = len(uniq)
        group, span = group * k + ids, span * k
    group, _ = pd.factorize(group)
    if not n:
        return group.astype(np.int64), np.zeros(0, dtype=np.int64)
    new = np.r_[True, group[1:] > np.maximum.accumulate(group)[:-1]]
    return group.astype(np.int64), np.flatnonzero(new)


def _codes(col: np.ndarray) -> tuple[np.ndarray, int]:
    """``col`` as codes 0…k-1 (equal values, equal codes) and k."""
    if col.dtype.kind in "biu" and len(col):
        col = col.astype(np.int64)
        lo, hi = int(col.min()), int(col.max())
        if hi - lo < 1 << 31:
            return col - lo, hi - lo + 1
    if col.dtype.kind == "f":
        col = np.ascontiguousarray(col, dtype=np.float64).view(np.int64)
    ids, uniq = pd.factorize(col, use_na_sentinel=False)
    return ids.astype(np.int64), max(len(uniq), 1)


def _type_list(names: list[str], vocab: ProjectTypes, lang: str) -> str:
    out = []
    for name in names:
        if name in vocab.categories:
            label = name.removesuffix("类") if lang == "zh" else vocab.categories[name].get("en", name).lower()
            out.append(t("check.category", lang, name=label))
        else:
            label = vocab.label(name, lang)
            out.append(label if lang == "zh" else label[:1].lower() + label[1:])
    return t("check.list_sep", lang).join(out)


def rule_text(z: Any, lang: str, vocab: ProjectTypes) -> str:
    """A zone's rule in a sentence (``z``: a zone record with has_rule, context, fit_fits, fit_conflicts,
    fit_other, fit_caps)."""
    if z.get("context"):
        return t("check.rule.context", lang)
    if not z["has_rule"]:
        return t("check.rule.none", lang)
    parts = []
    if z["fit_fits"]:
        parts.append(t("check.rule.uses", lang, types=_type_list(z["fit_fits"], vocab, lang)))
    if z["fit_conflicts"]:
        parts.append(t("check.rule.conflicts", lang, types=_type_list(z["fit_conflicts"], vocab, lang)))
    if z["fit_caps"]:
        parts.append(t("check.rule.caps" if parts else "check.rule.caps_all", lang, cap=pct(CAP_SHARE, lang)))
    elif (z["fit_other"] or "需关注") == "需关注":
        parts.append(t("check.rule.other", lang))
    return t("check.rule.sep", lang).join(parts) + t("check.rule.end", lang)


@dataclass
class _ZoneWords:
    """What the sentences say of each zone, in one language (arrays indexed by zone)."""

    name: list[str]
    extent: list[str]
    words: list[str]
    cite: list[str]
    rule: list[str]
    plan_words: list[str]


class ReasonWriter:
    """The reason of each project's verdict, in Chinese and English, from per-zone texts prepared once
    per context."""

    #: the number of context zones named in a reason before "and n more"
    CONTEXT_NAMES = 3

    def __init__(self, zones: pd.DataFrame, vocab: ProjectTypes) -> None:
        self.vocab = vocab
        recs = zones.to_dict("records") if len(zones) else []
        self.context = np.array([bool(z.get("context")) for z in recs], dtype=bool)
        self.words = {lg: self._zone_words(recs, lg) for lg in ("zh", "en")}

    def _zone_words(self, recs: list[dict[str, Any]], lang: str) -> _ZoneWords:
        zh = lang == "zh"
        w = _ZoneWords([], [], [], [], [], [])
        for z in recs:
            para = z.get("fit_para") if z["has_rule"] else z.get("plan_para")
            quote = (z.get("fit_quote") if zh else z.get("fit_quote_en")) or ""
            w.name.append(z["name"] if zh or not z.get("name_en") else z["name_en"])
            w.extent.append(t(f"check.extent.{z['precision']}", lang) if z.get("precision") else "")
            w.words.append(t("check.quote", lang, q=_clip(quote, 48 if zh else 160, lang)) if quote else "")
            w.cite.append(cite_text(para, lang))
            w.rule.append(rule_text(z, lang, self.vocab))
            if zh:
                w.plan_words.append(z.get("fit_ref") or z.get("plan_ref") or "")
            else:
                w.plan_words.append(w.cite[-1] + (": " + t("check.quote", lang, q=quote) if quote else ""))
        return w

    def reasons(self, s: pd.DataFrame, d: Decision, context_p: np.ndarray, context_z: np.ndarray) -> dict[str, np.ndarray]:
        """The reason of every summary row, by language (``"zh"``, ``"en"``: object arrays).

        ``s``: in_district, district_share, district_dist_km, ptype, ptype_input, zone_count;
        ``context_p``, ``context_z``: the (row, context zone) pairs, sorted by row, then zone. Each
        distinct case (rows alike in everything their reason says: the case, the zones, the type,
        the percentages as written) is written once by :meth:`reason` and shared by its rows.
        """
        n = len(s)
        if not n:
            return {lg: np.array([], dtype=object) for lg in ("zh", "en")}
        inside = s["in_district"].to_numpy(dtype=object)
        dshare, dist = s["district_share"].to_numpy(dtype=np.float64), s["district_dist_km"].to_numpy(dtype=np.float64)
        ptype, given = s["ptype"].to_numpy(dtype=object), s["ptype_input"].to_numpy(dtype=object)
        zone_count = s["zone_count"].to_numpy()
        group, first = group_rows(
            inside, ptype, given, zone_count != 0, d.deciding, d.lead_code, d.why, d.basis, d.basis_code, d.touch,
            text_ids(dist, inside == "否", lambda v: f"{v:.2f}"),
            text_ids(dshare, inside == "部分", _pct_digits),
            text_ids(d.lead_share, d.lead_share < 0.999, _pct_digits),
            text_ids(d.touch_share, d.touch >= 0, _pct_digits),
            _list_ids(context_p, context_z, n),
        )
        lo, hi = np.searchsorted(context_p, first, "left"), np.searchsorted(context_p, first, "right")
        out = {}
        for lg in ("zh", "en"):
            texts = np.array([self.reason(d, int(i), inside[i], float(dshare[i]), float(dist[i]), ptype[i], given[i],
                                          int(zone_count[i]), context_z[a:b], lg) for i, a, b in zip(first, lo, hi, strict=True)],
                             dtype=object)
            out[lg] = texts[group]
        return out

    def reason(self, d: Decision, i: int, inside: str, dshare: float, dist: float, ptype: str, given: str, zone_count: int,
               context: np.ndarray | None, lang: str) -> str:
        """The reason of project row ``i`` (of ``d``) in ``lang``; ``context``: the context zones it lies in."""
        if inside == "否":
            return t("check.reason.outside", lang, km=f"{dist:.2f}")
        parts = [t("check.reason.partly_inside", lang, pct=pct(dshare, lang))] if inside == "部分" else []
        if not ptype:
            parts.append(t("check.reason.unknown_type", lang, given=given) if given else t("check.reason.no_type", lang))
        zi = int(d.deciding[i])
        if zi < 0:
            parts.append(t("check.reason.no_rule_zone" if zone_count else "check.reason.no_zone", lang))
        else:
            parts.append(self._lead(d, i, zi, ptype, lang))
            parts += self._after(d, i, zi, lang)
        if context is not None and len(context):
            parts.append(self._context(context, lang))
        return ("" if lang == "zh" else " ").join(parts)

    def _lead(self, d: Decision, i: int, zi: int, ptype: str, lang: str) -> str:
        w = self.words[lang]
        share = float(d.lead_share[i])
        part = t("check.part", lang, pct=pct(share, lang)) if share < 0.999 else ""
        args = {"part": part, "zone": w.name[zi], "extent": w.extent[zi], "words": w.words[zi], "cite": w.cite[zi]}
        if not ptype:
            return t("check.reason.located", lang, **args)
        key = {FITS: "fits", CONFLICT: "conflict", CAUTION: "caution"}.get(int(d.lead_code[i]), "not_named")
        return t(f"check.reason.{key}", lang, type=self.vocab.label(ptype, lang), **args)

    def _after(self, d: Decision, i: int, zi: int, lang: str) -> list[str]:
        w = self.words[lang]
        out = []
        why, basis = int(d.why[i]), int(d.basis[i])
        if why == WHY_CAPPED and basis >= 0 and basis != zi and int(d.basis_code[i]) == FITS:
            out.append(t("check.reason.capped", lang, zone=w.name[basis], cite=w.cite[basis], cap=pct(CAP_SHARE, lang)))
        elif why == WHY_CONFLICT_MINOR:
            out.append(t("check.reason.conflict_minor", lang, cap=pct(CAP_SHARE, lang)))
        touch = int(d.touch[i])
        if touch >= 0:
            out.append(t("check.reason.touch", lang, pct=pct(float(d.touch_share[i]), lang), zone=w.name[touch],
                         extent=w.extent[touch], cite=w.cite[touch]))
        return out

    def _context(self, zones: np.ndarray, lang: str) -> str:
        names = list(dict.fromkeys(self.words[lang].name[int(z)] for z in zones))
        shown = t("check.list_sep", lang).join(names[: self.CONTEXT_NAMES])
        if len(names) > self.CONTEXT_NAMES:
            shown = t("check.names_more", lang, names=shown, n=len(names))
        return t("check.reason.context", lang, names=shown)

    def rules(self, lang: str) -> np.ndarray:
        """The rule sentence of every zone in ``lang``."""
        return np.array(self.words[lang].rule, dtype=object)

    def plan_words(self, lang: str) -> np.ndarray:
        """The plan's words behind every zone's rule (English: the citation and the rule's rendering)."""
        return np.array(self.words[lang].plan_words, dtype=object)
