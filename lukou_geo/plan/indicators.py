"""The plan's indicator tables (专栏1-1 and 专栏2-1): read, parse, judge, link to the map.

Data: ``geodata/indicators/box_1_1.csv`` and ``box_2_1.csv`` (every printed cell kept as text,
plus the numbers parsed from it) and ``geodata/indicators/tables.toml`` (titles, table notes and
the map layers each spatial indicator concerns).

Reading of the printed cells (:func:`parse_cell`)
------------------------------------------------
- ``—`` or an empty (merged) cell: no value;
- ``[1.5]``: a five-year cumulative value (the table's note: "[ ]为五年累计数");
- ``6%``, ``>85``: the number, with its comparator kept;
- anything else (``10:52:38``, ``完成省市下达任务``): text only, no number.

Met or not (十三五, :func:`verdict`)
-----------------------------------
Each row is judged on every comparison the table allows, all "higher is better":
the 2020 level against the 2020 target level, and the printed growth against the target growth
(cumulative against cumulative; a yearly rate against the target annual average, noting that the
printed result is the 2020 rate, not the five-year average). The row is ``met`` when every
comparison is met, ``not_met`` when none is, ``partly`` when mixed, and ``not_comparable`` when
no comparison is possible (structure ratios, qualitative targets, a cumulative target against a
single-year figure).

Path (十四五, :func:`path`)
--------------------------
2020 value → 2025 target, the annual growth printed in the table, and the compound annual growth
the two values require: ``(v2025 / v2020) ** (1/5) - 1``.
"""

from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lukou_geo import text as _text
from lukou_geo.errors import IndicatorError
from lukou_geo.settings import get_settings

NONE_MARKS = ("", "—", "-", "–")
_NUM = re.compile(r"^(?P<cmp>[<>≥≤]?)(?P<num>-?\d+(?:\.\d+)?)%?$")
_CUM = re.compile(r"^\[(?P<num>-?\d+(?:\.\d+)?)\]$")
#: The verdicts of a 十三五 row; their labels are ``verdict.<status>`` in :mod:`lukou_geo.text`.
VERDICTS = ("met", "partly", "not_met", "not_comparable")


@dataclass(frozen=True)
class Cell:
    """One printed cell: its text and the number read from it."""

    text: str
    value: float | None = None
    cumulative: bool = False
    comparator: str = ""


def parse_cell(text: str) -> Cell:
    """Read a printed cell (see the module docstring)."""
    t = text.strip()
    if t in NONE_MARKS:
        return Cell(t)
    m = _CUM.match(t)
    if m:
        return Cell(t, float(m["num"]), cumulative=True)
    m = _NUM.match(t)
    if m:
        return Cell(t, float(m["num"]), comparator=m["cmp"])
    return Cell(t)


@dataclass(frozen=True)
class Row:
    """One printed row: ``cells`` maps each printed column header to its text."""

    table: str
    category: str
    no: int
    name: str
    unit: str
    cells: dict[str, str]
    plan_line: int
    note: str
    numbers: dict[str, float | None]


def indicators_dir() -> Path:
    return get_settings().geodata_dir / "indicators"


def read_meta(folder: Path | None = None) -> dict[str, Any]:
    path = (folder or indicators_dir()) / "tables.toml"
    if not path.exists():
        raise _missing(path, "指标表的元数据(标题、注释、地图链接)", "the indicator tables' metadata (titles, notes, map links)")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _missing(path: Path, what_zh: str, what_en: str) -> IndicatorError:
    return IndicatorError(
        f"{path} 不存在({what_zh}):从仓库恢复 geodata/indicators/,或把 LUKOU_GEODATA_DIR 指向含 indicators/ 的目录",
        f"{path} missing ({what_en}): restore geodata/indicators/ from the repository, "
        "or point LUKOU_GEODATA_DIR at a folder holding indicators/",
    )


#: English-named columns holding numbers parsed from the printed cells, per table.
NUMBER_COLUMNS = {
    "1-1": ("target_level", "target_growth", "result_level", "result_growth"),
    "2-1": ("value_2020", "target_2025", "annual_growth"),
}


def _table_path(table: str, folder: Path | None) -> Path:
    meta = read_meta(folder)
    if table not in meta.get("table", {}):
        raise IndicatorError(f"tables.toml has no [table.\"{table}\"]; choose one of {', '.join(meta.get('table', {}))}")
    path = (folder or indicators_dir()) / meta["table"][table]["file"]
    if not path.exists():
        raise _missing(path, f"专栏{table} 的指标表", f"the indicator table of Box {table}")
    return path


def read_table(table: str, folder: Path | None = None) -> list[Row]:
    """Every row of table ``"1-1"`` or ``"2-1"``, printed cells as text."""
    path = _table_path(table, folder)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        printed = fields[: fields.index("plan_line")]
        rows = []
        for n, rec in enumerate(reader, start=2):
            try:
                numbers = {k: (float(rec[k]) if rec[k] else None) for k in NUMBER_COLUMNS[table]}
                rows.append(Row(table, rec[printed[0]], int(rec[printed[1]]), rec[printed[2]], rec[printed[3]],
                                {k: rec[k] for k in printed[4:]}, int(rec["plan_line"]), rec.get("note", ""), numbers))
            except (KeyError, ValueError) as exc:
                raise IndicatorError(f"{path.name} row {n}: {exc}") from exc
    return rows


def printed_header(table: str, folder: Path | None = None) -> list[str]:
    path = _table_path(table, folder)
    with path.open(encoding="utf-8", newline="") as fh:
        fields = next(csv.reader(fh))
    return fields[: fields.index("plan_line")]


@dataclass(frozen=True)
class Comparison:
    basis: str  # "level", "cumulative" or "annual"
    target: float
    result: float
    met: bool

    @property
    def ratio(self) -> float | None:
        return self.result / self.target if self.target else None


@dataclass(frozen=True)
class Verdict:
    status: str
    comparisons: tuple[Comparison, ...]

    def label(self, lang: str) -> str:
        return _text.t(f"verdict.{self.status}", lang)


def verdict(row: Row) -> Verdict:
    """Met or not for a 十三五 row (table 1-1); see the module docstring."""
    if row.table != "1-1":
        raise IndicatorError(f"verdict() judges table 1-1 rows, not {row.table}")
    c = list(row.cells.values())
    t_level, t_growth, r_level, r_growth = (parse_cell(x) for x in c[:4])
    comps: list[Comparison] = []
    if t_level.value is not None and r_level.value is not None and not t_level.cumulative:
        comps.append(Comparison("level", t_level.value, r_level.value, r_level.value >= t_level.value))
    if t_growth.value is not None and r_growth.value is not None and t_growth.cumulative == r_growth.cumulative:
        basis = "cumulative" if t_growth.cumulative else "annual"
        comps.append(Comparison(basis, t_growth.value, r_growth.value, r_growth.value >= t_growth.value))
    if not comps:
        return Verdict("not_comparable", ())
    met = [x.met for x in comps]
    status = "met" if all(met) else "not_met" if not any(met) else "partly"
    return Verdict(status, tuple(comps))


@dataclass(frozen=True)
class Path2025:
    v2020: float | None
    v2025: float | None
    printed_growth: Cell
    required_growth: float | None  # percent per year, compound; None for a floor/ceiling like ">85"
    target_text: str


def path(row: Row) -> Path2025:
    """2020 → 2025 path of a 十四五 row (table 2-1); see the module docstring."""
    if row.table != "2-1":
        raise IndicatorError(f"path() reads table 2-1 rows, not {row.table}")
    c = list(row.cells.values())
    a, b, g = parse_cell(c[0]), parse_cell(c[1]), parse_cell(c[2])
    required = None
    if a.value and b.value is not None and a.value > 0 and b.value > 0 and not b.comparator:
        required = round(((b.value / a.value) ** (1 / 5) - 1) * 100, 2)
    return Path2025(a.value, b.value, g, required, b.text)


def attribute(row: Row) -> str:
    """预期性 / 约束性 of a 十四五 row."""
    return list(row.cells.values())[3]


def map_links(folder: Path | None = None) -> dict[tuple[str, int], dict[str, Any]]:
    """{(table, 序号): {"layers": [...], "note_zh": ..., "note_en": ...}} from tables.toml."""
    return {(rec["table"], int(rec["no"])): rec for rec in read_meta(folder).get("link", [])}


def atlas_layers_href(layers: list[str], lang: str) -> str:
    """Relative link to the map with these layers switched on."""
    from urllib.parse import urlencode

    return "./?" + urlencode({"layers": ",".join(layers), "lang": lang})  # the atlas is the default page: "/"
