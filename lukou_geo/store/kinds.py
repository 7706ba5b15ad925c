"""What a delivered layer is (its kind) and how its fields map onto the standard fields.

Both are data: :data:`KIND_RULES` recognises a kind from the layer's name and its field names
(the names real 三区三线 / 三调 deliveries use, see ``shared/data/README.md``), and
:data:`FIELD_MAP` lists, per standard field, the delivery fields that feed it (per kind first,
then for every kind). Names match case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lukou_geo.store.base import KINDS


@dataclass(frozen=True)
class KindRule:
    kind: str
    layer_words: tuple[str, ...] = ()  # substrings of the (upper-cased) layer or file name
    fields_any: tuple[str, ...] = ()  # any of these fields
    field_prefixes: tuple[str, ...] = ()  # a field starting with one of these


#: In order: the first rule that matches wins; layer names are tried before fields.
KIND_RULES: tuple[KindRule, ...] = (
    KindRule("yjjbnt", ("YJJBNT", "永久基本农田", "基本农田"), field_prefixes=("YJJBNT",)),
    KindRule("stbhhx", ("STBHHX", "生态保护红线", "生态红线"), fields_any=("HXMC", "HXBM", "HXLX")),
    KindRule("czkfbj", ("CZKFBJ", "城镇开发边界", "开发边界")),
    KindRule("kg", ("KZXXXGH", "KGDK", "控规", "控制性详细规划"), fields_any=("RJL", "JZMD", "LDL", "JZXG")),
    KindRule("dltb", ("DLTB", "地类图斑"), fields_any=("DLBM",)),
    KindRule("ghydyh", ("YDYH", "用地用海"), fields_any=("YDYHFLDM",)),
    KindRule("ghfq", ("GHFQ", "规划分区"), fields_any=("GHFQDM",)),
)

#: Standard field → delivery fields, per kind ("*": every kind, tried after the kind's own).
FIELD_MAP: dict[str, dict[str, tuple[str, ...]]] = {
    "lk_code": {
        "stbhhx": ("HXLX", "HXBM"), "czkfbj": ("GHFQDM",), "ghfq": ("GHFQDM",), "ghydyh": ("YDYHFLDM",),
        "kg": ("YDYHFLDM", "YDDM", "YDXZDM", "YDXZ"),
        "*": ("DLBM", "YDYHFLDM", "GHFQDM", "YDDM", "FLDM", "CODE"),
    },
    "lk_name": {
        "stbhhx": ("HXLXMC", "HXMC"), "czkfbj": ("GHFQMC",), "ghfq": ("GHFQMC",), "ghydyh": ("YDYHFLMC",),
        "kg": ("YDYHFLMC", "YDMC", "YDXZMC"),
        "*": ("DLMC", "YDYHFLMC", "GHFQMC", "YDMC", "FLMC"),
    },
    "lk_bsm": {"*": ("BSM",)},
    "lk_xzqdm": {"*": ("XZQDM", "ZLDWDM", "QSDWDM")},
    "lk_ref_id": {
        "yjjbnt": ("YJJBNTTBBH", "TBBH"), "stbhhx": ("HXBM",), "kg": ("DKBH", "DKDM"),
        "*": ("TBBH", "DKBH", "YJJBNTTBBH", "HXBM", "BH"),
    },
    "lk_ref_name": {"*": ("HXMC", "DKMC", "TBMC", "MC", "NAME", "名称")},
    "lk_tbmj": {"yjjbnt": ("YJJBNTMJ", "TBMJ"), "*": ("TBMJ", "YJJBNTMJ", "MJ", "DKMJ", "YDMJ")},
    "lk_kcxs": {"*": ("KCXS",)},
    "lk_kcmj": {"*": ("KCMJ",)},
    "lk_tbdlmj": {"*": ("TBDLMJ",)},
    "lk_year": {"*": ("SJNF", "NF", "YEAR", "GXSJ", "BGRQ")},
}
NUMERIC_FIELDS = ("lk_tbmj", "lk_kcxs", "lk_kcmj", "lk_tbdlmj")

#: Tile zoom range per kind: (first, highest last). Parcels from z10 (the district view; the map scales z10 tiles
#: down to z8); the last zoom is the first from there whose tiles hold few enough vertices (tiles.pyramid), at most
#: z14, and beyond it the map over-zooms the vectors (vector_tiles.js). Each zoom level costs tippecanoe about
#: 1.1 s at 150,000 parcels (z10–z14 8.3 s, z10–z13 7.0 s). Zones, being few and large, from z6.
TILE_ZOOMS: dict[str, tuple[int, int]] = {
    "dltb": (10, 14), "yjjbnt": (10, 14), "ghydyh": (10, 14), "kg": (10, 16),
    "stbhhx": (6, 14), "czkfbj": (6, 14), "ghfq": (6, 14), "other": (6, 15),
}


def guess_kind(layer_name: str, fields: Iterable[str], file_name: str = "") -> str:
    """The kind a layer's name (or its file's) and fields suggest, else ``"other"``."""
    upper = {str(f).upper() for f in fields}
    for names in (layer_name.upper(), file_name.upper()):
        for rule in KIND_RULES:
            if names and any(w.upper() in names for w in rule.layer_words):
                return rule.kind
    for rule in KIND_RULES:
        if upper & set(rule.fields_any) or any(f.startswith(rule.field_prefixes) for f in upper if rule.field_prefixes):
            return rule.kind
    return "other"


def check_kind(kind: str | None) -> str | None:
    if kind is not None and kind not in KINDS:
        from lukou_geo.errors import StoreError

        raise StoreError(f"图层类型「{kind}」无效,可选:{'、'.join(KINDS)}", f"invalid kind {kind!r}; choose one of {', '.join(KINDS)}")
    return kind


def field_mapping(kind: str, fields: Sequence[str]) -> dict[str, str]:
    """{standard field: delivery field} for the fields the delivery has."""
    lookup = {str(f).upper(): str(f) for f in fields}
    out: dict[str, str] = {}
    for std, per_kind in FIELD_MAP.items():
        for cand in (*per_kind.get(kind, ()), *per_kind.get("*", ())):
            if cand.upper() in lookup:
                out[std] = lookup[cand.upper()]
                break
    return out


def code_strings(values: pd.Series) -> pd.Series:
    """Class codes as text: numbers lose their leading zero in some deliveries (0101 → 101); they get it back."""
    if pd.api.types.is_numeric_dtype(values):
        def fmt(v: float) -> str | None:
            if pd.isna(v):
                return None
            s = str(int(v)) if float(v) == int(v) else str(v)
            return s.zfill(len(s) + len(s) % 2)
        return pd.Series([fmt(v) for v in values], index=values.index, dtype=object)
    text = values if pd.api.types.is_string_dtype(values) else values.map(lambda v: None if pd.isna(v) else str(v))
    text = text.astype("str").str.strip() if not pd.api.types.is_string_dtype(text) else text.str.strip()
    text = text.where(text.notna() & (text.str.len() > 0))
    return pd.Series(text.to_numpy(dtype=object, na_value=None), index=values.index, dtype=object)


_YEAR = re.compile(r"(20\d\d|19\d\d)")


def years(values: pd.Series) -> pd.Series:
    """A year from a year, a date or a text holding one (20220101, 2022-12-31 …)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.year.astype("Int64")

    def one(v: object) -> float:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return np.nan
        m = _YEAR.search(str(v))
        return float(m.group(1)) if m else np.nan

    return pd.Series([one(v) for v in values], index=values.index).astype("Int64")


def year_in_name(*names: str) -> int | None:
    for n in names:
        m = _YEAR.search(n or "")
        if m:
            return int(m.group(1))
    return None
