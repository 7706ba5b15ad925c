"""Benchmark: the whole report set of a one-project site check (XLSX, CSV, GeoJSON, HTML and PDF with
their maps), each run in a fresh (cold) Python process, as the command line writes it.

Every part is timed in the child process after ``import geopandas`` (not counted): the check's own
context and check (not part of the report, shown apart), then the report's imports (matplotlib's
object API, fpdf2, openpyxl, the report modules), the maps (drawn once), and each format. The
baseline, measured in the same run, is the same report with the PDF font cache missing
(``LUKOU_CACHE_DIR`` pointed at an empty folder: the full OpenType font, subset at output).

    python benchmarks/bench_report.py [--runs 5] [--before PATH]

``--before`` also times another checkout (e.g. ``git archive`` of an older commit), in the same run. Target:
the report set in ≤ 0.8 s beyond ``import geopandas``; the exit status is 1 when it is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 0.8
PARTS = ("imports", "maps", "xlsx", "csv", "geojson", "html", "pdf")

_CHILD = r"""
import json, sys, tempfile, time
from pathlib import Path
T = time.perf_counter
import geopandas as gpd
from shapely.geometry import box
out = {}
t = T()
from lukou_geo.sitecheck.check import check_projects
from lukou_geo.sitecheck.context import default_context
ctx = default_context()
gdf = gpd.GeoDataFrame({"name": ["南洲厂房"], "ptype": ["新材料"], "source": ["bench"]},
                       geometry=[box(113.145, 27.603, 113.150, 27.607)], crs="EPSG:4326")
res = check_projects(gdf, ctx)
out["check (apart)"] = T() - t
start = t = T()
import matplotlib.figure, matplotlib.backends.backend_agg, fpdf, openpyxl  # noqa: E401
try:
    from lukou_geo.sitecheck.report.tables import export_csv, export_geojson, export_xlsx
    from lukou_geo.sitecheck.report.document import export_html, export_pdf, report_maps
    import lukou_geo.map.figure, lukou_geo.output.pdf  # noqa: E401
    new = True
except ImportError:  # a checkout from before the split
    import matplotlib.pyplot  # noqa: F401
    from lukou_geo.sitecheck.report.document import export_html, export_pdf
    from lukou_geo.sitecheck.report.tables import export_csv, export_geojson, export_xlsx
    new = False
out["imports"] = T() - t
d = Path(tempfile.mkdtemp())
t = T()
maps = report_maps(res, ctx) if new else None
out["maps"] = T() - t
t = T(); export_xlsx(res, d / "r.xlsx"); out["xlsx"] = T() - t
t = T(); export_csv(res, d / "r.csv"); export_csv(res, d / "r_zones.csv", "zones"); out["csv"] = T() - t
t = T(); export_geojson(res, d / "r.geojson"); out["geojson"] = T() - t
kw = {"maps": maps} if new else {}
t = T(); export_html(res, ctx, d / "r.html", **kw); out["html"] = T() - t
t = T(); export_pdf(res, ctx, d / "r.pdf", **kw); out["pdf"] = T() - t
out["report set"] = T() - start
print(json.dumps(out))
"""


def _child(repo: Path, env: dict[str, str]) -> dict[str, float]:
    r = subprocess.run([sys.executable, "-c", _CHILD], cwd=repo, capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(repo), **env})
    if r.returncode:
        raise SystemExit(f"child failed:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def _interleaved(configs: list[tuple[str, Path, dict[str, str]]], n: int) -> dict[str, list[dict[str, float]]]:
    """``n`` cold runs of each configuration, taken in turn (A B C A B C …) so that the load of a shared
    machine weighs on all alike."""
    rows: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in configs}
    for _ in range(n):
        for name, repo, env in configs:
            rows[name].append(_child(repo, env))
    return rows


def _show(name: str, rows: list[dict[str, float]]) -> float:
    keys = [k for k in (*PARTS, "report set", "check (apart)") if k in rows[0]]
    med = {k: statistics.median(r[k] for r in rows) for k in keys}
    best = {k: min(r[k] for r in rows) for k in keys}
    print(f"{name} ({len(rows)} cold runs), seconds, median (min):")
    print("  " + "  ".join(f"{k} {med[k]:.3f} ({best[k]:.3f})" for k in keys))
    return med["report set"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--before", type=Path, default=None, help="also time this checkout (e.g. `git archive` of an older commit)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as empty:
        base, cur = "baseline: no PDF font cache (full OpenType font)", "report set with the PDF font cache"
        configs = [(base, ROOT, {"LUKOU_CACHE_DIR": empty}), (cur, ROOT, {})]
        if args.before:
            configs.insert(0, (f"before: {args.before}", args.before, {}))
        rows = _interleaved(configs, args.runs)
    med = {name: _show(name, r) for name, r in rows.items()}
    now = med[cur]
    print(f"ratio to the baseline: {now / med[base]:.2f}; report set {now:.3f} s, target ≤ {TARGET_S} s: "
          f"{'ok' if now <= TARGET_S else 'MISSED'}")
    return 0 if now <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
