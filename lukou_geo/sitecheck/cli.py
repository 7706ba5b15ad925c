"""``python -m lukou_geo check INPUT... --out report.xlsx``: the batch site check."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from lukou_geo.errors import InputError
from lukou_geo.sitecheck.inputs import CRS_CHOICES, describe


def add_check_parser(sub: Any) -> None:
    """Register the ``check`` subcommand."""
    p = sub.add_parser(
        "check",
        help="check project locations against the plan's zones (选址核查)",
        description=f"Check projects ({describe('en')}) against the plan's zones and write the report in every format next to --out.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="input files: " + describe("en", suffixes=True))
    p.add_argument("--out", required=True, help="report path, e.g. report.xlsx (its stem names the .csv/.geojson/.html/.pdf)")
    p.add_argument("--crs", default="auto", help="CRS of inputs without one: " + ", ".join(CRS_CHOICES)
                   + " or EPSG:nnnn; auto:gcj02, auto:wgs84 or auto:bd09 say where degrees come from (default auto: degrees "
                   "taken as WGS-84, with a note)")
    p.add_argument("--encoding", default=None, help="text/attribute encoding, e.g. GBK or UTF-8 (default: detected)")
    p.add_argument("--type", dest="ptype", default="", help="project type for rows without one, e.g. 新材料, 住宅, 物流")
    p.add_argument("--formats", default="xlsx,csv,geojson,html,pdf", help="comma-separated formats to write")
    p.add_argument("--title", default="选址核查报告", help="report title")


def run_check(args: argparse.Namespace) -> int:
    """Read every input, check, write the reports; print the problems. Exit 0, 1 when an input or
    the report could not be written, 2 when nothing could be checked."""
    from lukou_geo.sitecheck.report import DOCUMENTS
    from lukou_geo.sitecheck.report.worker import DocumentWorker

    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    if set(DOCUMENTS) & set(formats):
        with DocumentWorker() as documents:  # started first: it imports and waits while this process checks
            return _run(args, formats, documents)
    return _run(args, formats, None)


def _run(args: argparse.Namespace, formats: tuple[str, ...], documents: Any) -> int:
    import geopandas as gpd
    import pandas as pd

    from lukou_geo.sitecheck import provenance
    from lukou_geo.sitecheck.check import check_projects
    from lukou_geo.sitecheck.context import get_context
    from lukou_geo.sitecheck.inputs import read_path
    from lukou_geo.sitecheck.report import ReportError, export_all

    frames, provs, failed = [], [], 0
    for path in args.inputs:
        try:
            ing = read_path(path, args.crs, args.encoding, args.ptype)
        except InputError as exc:
            print(f"错误 error: {exc}", file=sys.stderr)
            failed += 1
            continue
        for e in ing.errors:
            print(f"跳过 skipped: {e}", file=sys.stderr)
        for n in ing.notes:
            print(f"说明 note: {n}", file=sys.stderr)
        frames.append(ing.projects)
        if len(ing.projects):
            provs.append(provenance.of_bytes(Path(path).read_bytes(), Path(path).name, args.crs, args.encoding, ing.notes))
        print(f"{path}: {len(ing.projects)} 个项目 projects, {len(ing.errors)} 个问题 problems", file=sys.stderr)
    projects = [f for f in frames if len(f)]
    if not projects:
        print("没有可核查的项目 / nothing to check", file=sys.stderr)
        return 2
    gdf = gpd.GeoDataFrame(pd.concat(projects, ignore_index=True), geometry="geometry", crs="EPSG:4326")
    ctx = get_context()
    big = len(gdf) > 20_000

    def progress(f: float) -> None:
        if big:
            print(f"核查中 checking… {f:.0%}", file=sys.stderr)

    result = check_projects(gdf, ctx, args.ptype, progress=progress, chunk=20_000)
    result.provenance = provenance.combine(provs)  # source files, SHA-256, encoding, CRS assumed: in every report
    try:
        written = export_all(result, ctx, args.out, formats, args.title, documents=documents)
    except ReportError as exc:
        print(f"错误 error: {exc.message('zh')} / {exc.message('en')}", file=sys.stderr)
        return 1
    for p in written:
        print(p)
    counts = result.summary["verdict"].value_counts().to_dict()
    print("结论 verdicts: " + ", ".join(f"{k} {v}" for k, v in counts.items()), file=sys.stderr)
    return 1 if failed else 0
