"""How the site check's results read in a table, in a language.

The summary and the zone rows keep their data: verdict and yes/no codes in Chinese (符合, 部分, 面…),
precision flags (``schematic``…), shares as fractions (0.639). This module turns them into what a
table shows: the column headings (:data:`SUMMARY_COLUMNS`, :data:`ZONE_COLUMNS`, from
:mod:`lukou_geo.text` ``check.sum.*`` / ``check.zone.*``), the values in the table's language
(示意 / schematic, 需关注 / needs attention) and, for text tables (the page, the HTML and the PDF),
shares as percentages (63.9 %) and missing values as empty cells, never "None" or "nan". A column
``<key>_en`` (e.g. ``reason_en``) stands in for ``<key>`` in English. CSV and XLSX keep numbers
(:func:`table` with ``text=False``; the XLSX formats share cells as percent).
"""

from __future__ import annotations

import math
from typing import Any

from lukou_geo.text import t

#: Summary columns in report order: key → (Chinese, English) heading.
SUMMARY_KEYS: tuple[str, ...] = (
    "project_no", "name", "ptype_input", "ptype", "geom_kind", "area_ha", "area_mu", "length_km", "lon", "lat",
    "in_district", "district_share", "district_dist_km", "township", "zone_count", "verdict", "deciding_zone",
    "reason", "axis", "axis_km", "transport", "source", "given",
)
ZONE_KEYS: tuple[str, ...] = (
    "project_no", "project", "layer", "zone", "precision", "overlap_ha", "overlap_mu", "overlap_km", "share",
    "verdict", "rule", "plan_words",
)
SUMMARY_COLUMNS: dict[str, tuple[str, str]] = {k: (t(f"check.sum.{k}", "zh"), t(f"check.sum.{k}", "en")) for k in SUMMARY_KEYS}
ZONE_COLUMNS: dict[str, tuple[str, str]] = {k: (t(f"check.zone.{k}", "zh"), t(f"check.zone.{k}", "en")) for k in ZONE_KEYS}
#: Columns holding a fraction of the project (shown as a percentage).
SHARE_COLUMNS: tuple[str, ...] = ("district_share", "share")

_VALUE_KEYS: dict[str, dict[str, str]] = {
    "verdict": {"符合": "check.verdict.fits", "需关注": "check.verdict.attention", "冲突": "check.verdict.conflict"},
    "in_district": {"是": "check.inside.yes", "部分": "check.inside.partly", "否": "check.inside.no"},
    "geom_kind": {"面": "check.geom.polygon", "线": "check.geom.line", "点": "check.geom.point"},
    "precision": {p: f"precision.{p}_short" for p in ("official", "geocoded", "approximate", "schematic")},
}
_LABELS: dict[tuple[str, str], dict[Any, str]] = {
    (col, lg): {v: t(key, lg) for v, key in keys.items()} for col, keys in _VALUE_KEYS.items() for lg in ("zh", "en")
}


def pct(share: float, lang: str = "zh") -> str:
    """A fraction as a percentage with one decimal: 0.6389 → ``63.9 %`` ("" when missing)."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return ""
    return t("check.pct", lang, v=f"{float(share) * 100:.1f}")


def verdict_label(verdict: str, lang: str = "zh") -> str:
    """符合 / 需关注 / 冲突 in ``lang`` (fits / needs attention / conflict)."""
    return _LABELS[("verdict", lang)].get(verdict, verdict)


def precision_label(precision: str, lang: str = "zh") -> str:
    """The short precision label of a table cell: 示意 / 近似 / 官方 / 定位 (schematic, …)."""
    return _LABELS[("precision", lang)].get(precision, precision)


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _cell(v: Any) -> str:
    return "" if _missing(v) else str(v)


def table(df: Any, columns: dict[str, tuple[str, str]], lang: str = "zh", text: bool = False) -> Any:
    """``df``'s columns named in ``columns`` (in that order), headed in ``lang``.

    Values read in ``lang`` (verdicts, yes/no, geometry kinds, precision); in English a column
    ``<key>_en`` replaces ``<key>``. ``text=True`` makes every cell a string: shares as percentages,
    missing values empty. ``text=False`` keeps numbers (CSV, XLSX).
    """
    keep = [c for c in columns if c in df.columns]
    out = df[keep].copy()
    for c in keep:
        if lang == "en" and f"{c}_en" in df.columns:
            out[c] = df[f"{c}_en"].to_numpy()
        labels = _LABELS.get((c, lang))
        if labels is not None:
            out[c] = [labels.get(v, v) if not _missing(v) else "" for v in out[c].to_numpy()]
        if text:
            out[c] = [pct(v, lang) for v in out[c].to_numpy()] if c in SHARE_COLUMNS else [_cell(v) for v in out[c].to_numpy()]
    out.columns = [columns[c][0 if lang == "zh" else 1] for c in keep]
    return out
