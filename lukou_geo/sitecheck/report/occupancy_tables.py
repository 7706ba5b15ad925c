"""The 压占 tables of a check result: ``<stem>_classes.csv`` and the XLSX sheets 压占分类, 三线协调, 压占规则, 细小图斑.

Cells are made safe for spreadsheets the way :mod:`lukou_geo.sitecheck.report.tables` does it
(a text starting with ``= + - @`` is written as text).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from lukou_geo.sitecheck.occupancy import CLASS_COLUMNS, FEATURE_COLUMNS, FINDING_COLUMNS, Occupancy
from lukou_geo.sitecheck.report.tables import _append_table, _safe_frame, labelled

#: the columns of ``report_classes.csv`` (the issue's list; 公顷 and 亩 are of the net area)
CSV_CLASS_KEYS = ("project_no", "project", "layer", "layer_kind", "level", "code", "name", "gross_m2", "net_m2", "ha", "mu",
                  "tbmj_m2", "tbdlmj_m2", "compatible")
SLIVER_COLUMNS: dict[str, tuple[str, str]] = {
    "project_no": ("序号", "No."), "project": ("项目名称", "Project"), "layer": ("图层", "Layer"),
    "ref_id": ("编号", "Id"), "code": ("分类代码", "Code"), "gross_m2": ("面积(平方米)", "Area (m²)"),
}


def class_table(occ: Occupancy, lang: str = "zh") -> pd.DataFrame:
    """The per project × layer × class rows with their column labels."""
    cols = {k: CLASS_COLUMNS[k] for k in CSV_CLASS_KEYS}
    return labelled(occ.classes, cols, lang)


def export_classes_csv(result: Any, path: str | Path) -> Path:
    """``report_classes.csv``: one row per project × layer × class (UTF-8 with BOM, formula-safe)."""
    occ = getattr(result, "occupancy", None)
    df = class_table(occ) if occ is not None else pd.DataFrame(columns=[CLASS_COLUMNS[k][0] for k in CSV_CLASS_KEYS])
    p = Path(path)
    _safe_frame(df).to_csv(p, index=False, encoding="utf-8-sig")
    return p


def add_sheets(wb: Any, result: Any) -> None:
    """The 压占 sheets of the workbook (nothing when the check ran against the plan's zones only)."""
    occ = getattr(result, "occupancy", None)
    if occ is None:
        return
    _append_table(wb.create_sheet("压占分类"), class_table(occ))
    _append_table(wb.create_sheet("三线协调"), labelled(occ.features, FEATURE_COLUMNS))
    _append_table(wb.create_sheet("压占规则"), labelled(occ.findings, FINDING_COLUMNS))
    sl = occ.slivers
    _append_table(wb.create_sheet("细小图斑"), labelled(sl, SLIVER_COLUMNS))
    versions = pd.DataFrame(
        [[m["title"], m["id"], m["kind"], m["features"], m["year"], m["source_file"], m["source_crs"], m["sha256"]]
         for m in occ.layers],
        columns=["图层", "编号", "类型", "要素数", "年份", "来源文件", "源坐标系", "SHA-256"],
    )
    _append_table(wb.create_sheet("数据版本"), versions)  # file names and titles are planners' text: made safe
