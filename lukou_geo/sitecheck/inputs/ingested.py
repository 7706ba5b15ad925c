"""What every reader returns: the projects of one input, with the problems and notes met on the way,
and the column vocabulary (name, type) that readers of tables and vector attributes share."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from lukou_geo.errors import InputError

NAME_COLUMNS = ("名称", "项目名称", "项目", "地块名称", "xmmc", "dkmc", "name", "project", "title", "标题")
TYPE_COLUMNS = (
    "类型", "项目类型", "产业类型", "产业类别", "行业", "行业类别", "产业", "用地性质", "用地类型", "用途", "地块用途",
    "type", "category", "ptype", "kind",
)  # fmt: skip
#: what ``strip`` takes off a name or type: spaces and line ends only (control characters are kept as written)
_BLANKS = " \t\r\n\u3000"


@dataclass
class Ingested:
    """Projects read from one input, plus the problems met on the way.

    ``projects`` is a GeoDataFrame in WGS-84 with the columns ``name``, ``ptype``, ``source`` and
    ``geometry``; ``errors`` are the row-level problems (the valid rows are still checked).
    """

    projects: gpd.GeoDataFrame
    errors: list[InputError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @staticmethod
    def empty_frame() -> gpd.GeoDataFrame:
        """A projects frame with no rows."""
        return gpd.GeoDataFrame({"name": [], "ptype": [], "source": []}, geometry=[], crs="EPSG:4326")

    @classmethod
    def empty(cls, errors: list[InputError] | None = None, notes: list[str] | None = None) -> Ingested:
        """No projects (with the problems and notes that left none)."""
        return cls(cls.empty_frame(), list(errors or []), list(notes or []))


def merge(parts: list[Ingested]) -> Ingested:
    """One :class:`Ingested` of several (the files of an archive), in order."""
    frames = [p.projects for p in parts if len(p.projects)]
    gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs="EPSG:4326") if frames else Ingested.empty_frame()
    return Ingested(gdf, [e for p in parts for e in p.errors], list(dict.fromkeys(n for p in parts for n in p.notes)))


def norm_col(c: Any) -> str:
    """A column name for matching: lower case, no spaces or underscores, no bracketed unit (``经度(°)`` → ``经度``)."""
    s = str(c).strip().lower().replace(" ", "").replace("_", "")
    return re.sub(r"[((\[【].*?[))\]】]", "", s)


def find_col(cols: dict[str, str], names: Iterable[str]) -> str | None:
    """The first of ``names`` among ``cols`` (normalised name → column), or None."""
    for n in names:
        key = norm_col(n)
        if key in cols:
            return cols[key]
    return None


def pick(row: dict[str, Any], names: Iterable[str]) -> str:
    """The first non-empty value of a column among ``names`` in a record, or ""."""
    cols = {norm_col(k): k for k in row}
    for n in names:
        k = cols.get(norm_col(n))
        v = row[k] if k is not None else None
        if v is not None and not (isinstance(v, float) and v != v) and str(v).strip(_BLANKS) and str(v) != "nan":
            return str(v).strip(_BLANKS)
    return ""
