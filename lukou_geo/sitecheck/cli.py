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
    p.add_argument("--coords-as", "--paste-as", dest="coords_as", choices=("point", "line", "polygon"), default="point",
                   help="how the lines of a coordinate TXT are read: each line a point project (default), or the lines "
                        "of each block (between blank lines) one line or one polygon (red line); 部标 TXT keeps its rings")
    p.add_argument("--type", dest="ptype", default="", help="project type for rows without one, e.g. 新材料, 住宅, 物流")
    p.add_argument("--formats", default=None,
                   help="comma-separated formats to write (default xlsx,csv,geojson,html,pdf, and opinion = the 审查意见 "
                        "DOCX + PDF when imported layers are checked)")
    p.add_argument("--layers", default=None,
                   help="ID,ID,…: the plan's zone layers and imported layers to check against (default: the plan's zones "
                        "and every imported 三区三线 / DLTB layer; `layers list` shows the ids)")
    p.add_argument("--exception", dest="exceptions", default="",
                   help="recorded exceptions for every project, e.g. national_major (layers/rules/occupancy.toml)")
    p.add_argument("--title", default="选址核查报告", help="report title")
    from lukou_geo.registry.cli import add_register_options

    add_register_options(p)


def run_check(args: argparse.Namespace) -> int:
    """Read every input, check, write the reports; print the problems. Exit 0, 1 when an input or
    the report could not be written, 2 when nothing could be checked."""
    from lukou_geo.sitecheck.report import DOCUMENTS
    from lukou_geo.sitecheck.report.worker import DocumentWorker

    formats = tuple(f.strip() for f in (args.formats or "xlsx,csv,geojson,html,pdf,opinion").split(",") if f.strip())
    if getattr(args, "register", False):  # refused before the check, not after it
        from lukou_geo.registry.cli import may_register

        may_register(args)
    if set(DOCUMENTS) & set(formats):
        import geopandas  # noqa: F401  (both processes need it: imported once, before the fork, 0.6 s of CPU less)

        with DocumentWorker() as documents:  # started before the check: it imports matplotlib while this process checks
            return _run(args, formats, documents)
    return _run(args, formats, None)


def _run(args: argparse.Namespace, formats: tuple[str, ...], documents: Any) -> int:
    import geopandas as gpd
    import pandas as pd

    from lukou_geo.sitecheck import provenance
    from lukou_geo.sitecheck.check import check_projects
    from lukou_geo.sitecheck.context import get_context
    from lukou_geo.sitecheck.report import ReportError, export_all

    frames, provs, failed, crs_note = _read_inputs(args)
    projects = [f for f in frames if len(f)]
    if not projects:
        print("没有可核查的项目 / nothing to check", file=sys.stderr)
        return 2
    gdf = gpd.GeoDataFrame(pd.concat(projects, ignore_index=True), geometry="geometry", crs="EPSG:4326")
    from lukou_geo.sitecheck import occupancy as occ
    from lukou_geo.sitecheck import occupancy_store as occ_store

    store = occ_store.open_existing_store()
    try:
        zone_ids, store_ids = occ_store.resolve_layers(args.layers, get_context().catalog, store)
        box = tuple(float(v) for v in gdf.total_bounds)  # the projects' box: a few red lines read only their part
        layers = occ_store.load_layers(store, store_ids, bbox=box) if store_ids else []
    except InputError as exc:
        print(f"错误 error: {exc}", file=sys.stderr)
        return 2
    finally:
        if store is not None:
            store.close()
    ctx = get_context(layers=zone_ids)
    big = len(gdf) > 20_000

    def progress(f: float) -> None:
        if big:
            print(f"核查中 checking… {f:.0%}", file=sys.stderr)

    if layers:
        exc_ids = [e.strip() for e in args.exceptions.split(",") if e.strip()]
        result = occ.check_with_layers(gdf, ctx, layers, args.ptype, exceptions=exc_ids, progress=progress, chunk=20_000)
        result.crs_note = crs_note
        print("压占图层 layers: " + ", ".join(f"{m['id']} ({m['kind']}, {m['features']})" for m in result.occupancy.layers),
              file=sys.stderr)
    else:
        result = check_projects(gdf, ctx, args.ptype, progress=progress, chunk=20_000)
        formats = tuple(f for f in formats if f != "opinion" or args.formats)
    result.provenance = provenance.combine(provs)  # source files, SHA-256, encoding, CRS assumed: in every report
    try:
        written = export_all(result, ctx, args.out, formats, args.title, documents=documents)
    except ReportError as exc:
        print(f"错误 error: {exc.message('zh')} / {exc.message('en')}", file=sys.stderr)
        return 1
    for p in written:
        print(p)
    if getattr(args, "register", False):
        from lukou_geo.registry.cli import register_checked

        register_checked(args, result, ctx, written,
                         [(pv.source, pv.sha256, pv.crs_recorded()) for f, pv in zip(projects, provs, strict=True) for _ in range(len(f))])
    counts = result.summary["verdict"].value_counts().to_dict()
    print("结论 verdicts: " + ", ".join(f"{k} {v}" for k, v in counts.items()), file=sys.stderr)
    return 1 if failed else 0


def _read_inputs(args: argparse.Namespace) -> tuple[list[Any], list[Any], int, str]:
    """Read every input; print its problems and notes. The projects, their provenance, how many inputs
    failed and the note of the CRS assumed (for the 审查意见)."""
    from lukou_geo.sitecheck import provenance
    from lukou_geo.sitecheck.inputs import read_path

    frames, provs, failed = [], [], 0
    crs_note = provenance.crs_labels(args.crs)[0]
    for path in args.inputs:
        try:
            ing = read_path(path, args.crs, args.encoding, args.ptype, getattr(args, "coords_as", "point"))
        except InputError as exc:
            print(f"错误 error: {exc}", file=sys.stderr)
            failed += 1
            continue
        for e in ing.errors:
            print(f"跳过 skipped: {e}", file=sys.stderr)
        for n in ing.notes:
            print(f"说明 note: {n}", file=sys.stderr)
            if "坐标" in n or "CRS" in n:
                crs_note += f";{n}"
        frames.append(ing.projects)
        if len(ing.projects):
            provs.append(provenance.of_bytes(Path(path).read_bytes(), Path(path).name, args.crs, args.encoding, ing.notes))
        print(f"{path}: {len(ing.projects)} 个项目 projects, {len(ing.errors)} 个问题 problems", file=sys.stderr)
    return frames, provs, failed, crs_note
