"""Command line: ``python -m lukou_geo build-data``."""

from __future__ import annotations

import argparse
import sys

from lukou_geo.build.geodata import build_geodata
from lukou_geo.build.sources import build_sources_md
from lukou_geo.catalog import read_catalog, validate_data
from lukou_geo.errors import BuildError, CatalogError
from lukou_geo.settings import REPO_ROOT
from lukou_geo.sitecheck.cli import add_check_parser, run_check


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lukou_geo", description="Lukou Planning Atlas tools")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("build-data", help="rebuild geodata/ from the reference data and the plan sources")
    sub.add_parser("validate", help="validate the catalog and every layer file")
    add_check_parser(sub)
    cov = sub.add_parser("coverage", help="per chapter and 专栏, the map features citing it")
    cov.add_argument("-v", "--verbose", action="store_true", help="list every citing feature and unplaced element")
    args = parser.parse_args(argv)
    if args.cmd == "check":
        return run_check(args)
    if args.cmd == "coverage":
        return _coverage(args.verbose)
    try:
        if args.cmd == "build-data":
            counts = build_geodata()
            for layer_id, n in counts.items():
                print(f"{layer_id:20s} {n:4d}")
        catalog = read_catalog()
        data = validate_data(catalog)
        if args.cmd == "build-data":
            (REPO_ROOT / "geodata" / "SOURCES.md").write_text(build_sources_md(catalog, data), encoding="utf-8")
            print("geodata/SOURCES.md written")
        print(f"catalog OK: {len(catalog.layers)} layers, {sum(len(d['features']) for d in data.values())} features")
    except (BuildError, CatalogError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _coverage(verbose: bool) -> int:
    from lukou_geo.errors import PlanRefError
    from lukou_geo.plan.coverage import build_coverage, format_coverage, read_unplaced
    from lukou_geo.plan.text import read_plan

    try:
        catalog = read_catalog()
        data = validate_data(catalog)
        plan = read_plan()
        print(format_coverage(build_coverage(plan, catalog, data, read_unplaced(plan)), plan, verbose))
    except (CatalogError, FileNotFoundError, PlanRefError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
