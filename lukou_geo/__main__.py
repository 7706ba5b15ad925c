"""Command line: ``python -m lukou_geo {build-data,validate,check,coverage,layers,basemaps,registry,users,audit}``.

Each command imports what it needs when it runs, so ``--help`` and light commands stay light.
"""

from __future__ import annotations

import argparse
import sys

from lukou_geo.errors import LukouError


def _build_data(args: argparse.Namespace) -> int:
    from lukou_geo.build.geodata import build_geodata
    from lukou_geo.build.sources import build_sources_md
    from lukou_geo.catalog import read_catalog, validate_data
    from lukou_geo.settings import REPO_ROOT

    for layer_id, n in build_geodata().items():
        print(f"{layer_id:20s} {n:4d}")
    catalog = read_catalog()
    data = validate_data(catalog)
    (REPO_ROOT / "geodata" / "SOURCES.md").write_text(build_sources_md(catalog, data), encoding="utf-8")
    print("geodata/SOURCES.md written")
    print(f"catalog OK: {len(catalog.layers)} layers, {sum(len(d['features']) for d in data.values())} features")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from lukou_geo.catalog import read_catalog, validate_data

    catalog = read_catalog()
    data = validate_data(catalog)
    print(f"catalog OK: {len(catalog.layers)} layers, {sum(len(d['features']) for d in data.values())} features")
    return 0


def _coverage(args: argparse.Namespace) -> int:
    from lukou_geo.catalog import read_catalog, validate_data
    from lukou_geo.plan.coverage import build_coverage, format_coverage, missing_named, read_unplaced
    from lukou_geo.plan.text import read_plan

    catalog = read_catalog()
    data = validate_data(catalog)
    plan = read_plan()
    unplaced = read_unplaced(plan)
    missing = missing_named(plan, data, unplaced)
    print(format_coverage(build_coverage(plan, catalog, data, unplaced), plan, args.verbose, missing))
    return 1 if missing else 0


def _check(args: argparse.Namespace) -> int:
    from lukou_geo.sitecheck.cli import run_check

    return run_check(args)


def main(argv: list[str] | None = None) -> int:
    from lukou_geo.map.cli import add_basemaps_parser
    from lukou_geo.registry.cli import add_record_parsers
    from lukou_geo.sitecheck.cli import add_check_parser
    from lukou_geo.store.cli import add_layers_parser

    parser = argparse.ArgumentParser(prog="python -m lukou_geo", description="Lukou Planning Atlas tools")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("build-data", help="rebuild geodata/ from the reference data and the plan sources").set_defaults(run=_build_data)
    sub.add_parser("validate", help="validate the catalog and every layer file").set_defaults(run=_validate)
    add_check_parser(sub)
    sub.choices["check"].set_defaults(run=_check)
    cov = sub.add_parser("coverage", help="per chapter and 专栏, the map features citing it; exit 1 when a road or "
                                          "project named in a 专栏 is neither placed nor declared unplaceable")
    cov.add_argument("-v", "--verbose", action="store_true", help="list every citing feature and unplaced element")
    cov.set_defaults(run=_coverage)
    add_layers_parser(sub)
    add_basemaps_parser(sub)
    add_record_parsers(sub)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (LukouError, FileNotFoundError) as exc:
        msg = exc.message("zh") if isinstance(exc, LukouError) else str(exc)
        print(f"error: {msg}", file=sys.stderr)
        return 2


def _exit(code: int) -> None:
    """Leave without the interpreter's teardown after ``check``: its report set is written, closed and
    committed (the manifest last) before :func:`main` returns, and unloading its ≈ 1,000 modules
    (GeoPandas, pandas, openpyxl …) took 0.5 s of a 3 s one-point check. Other commands exit normally."""
    import os

    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    rc = main()
    if len(sys.argv) > 1 and sys.argv[1] == "check":
        _exit(rc)
    sys.exit(rc)
