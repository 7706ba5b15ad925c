"""`make bench`: the documented row limit through the command line, with every report.

``python -m lukou_geo check projects.csv --out report.xlsx`` — the path users run — on a CSV of
200,000 point projects (``LUKOU_MAX_ROWS``' default) spread over the district, writing every report
format the CLI writes by default (XLSX, CSV, GeoJSON, HTML, PDF). Target (issue 15): ≤ 60 s wall on
this machine class (2 cores). The baseline, measured in the same run, is the same command on a tenth
of the rows: the ratio shows how the time grows with the rows (10 would be linear).

    python benchmarks/bench_cli_limit.py [--rows 200000] [--target 60]

The exit status is 1 when the target is missed or the command fails.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from any folder

from _targets import Targets

PTYPES = ("新材料", "住宅", "物流", "商业", "农业")


def write_projects(path: Path, n: int, seed: int = 15) -> None:
    """``n`` point projects inside the district (synthetic, named 合成项目…), as UTF-8 CSV."""
    district = shapely.from_geojson((ROOT / "geodata" / "district.geojson").read_text(encoding="utf-8"))
    geom = shapely.union_all(shapely.get_parts(district)) if shapely.get_type_id(district) == 7 else district
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = shapely.bounds(geom)
    pts = np.empty((0, 2))
    shapely.prepare(geom)
    while len(pts) < n:
        cand = np.column_stack([rng.uniform(minx, maxx, 2 * n), rng.uniform(miny, maxy, 2 * n)])
        pts = np.vstack([pts, cand[shapely.contains_xy(geom, cand[:, 0], cand[:, 1])]])
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["项目名称", "经度", "纬度", "类型"])
        for i, (x, y) in enumerate(pts[:n]):
            w.writerow([f"合成项目{i + 1}", f"{x:.6f}", f"{y:.6f}", PTYPES[i % len(PTYPES)]])


def run_cli(csv_path: Path, out: Path) -> tuple[float, dict]:
    """Wall time of the CLI check of ``csv_path`` with every report, and its manifest."""
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "lukou_geo", "check", str(csv_path), "--out", str(out)], cwd=ROOT,
                       capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - t0
    if r.returncode:
        raise SystemExit(f"the CLI failed ({r.returncode}):\n{r.stderr[-3000:]}")
    manifest = json.loads(out.with_suffix(".manifest.json").read_text(encoding="utf-8"))
    return wall, manifest


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--target", type=float, default=60.0)
    args = ap.parse_args()
    targets = Targets("CLI at the row limit")
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        base_n = max(args.rows // 10, 1)
        write_projects(d / "base.csv", base_n)
        write_projects(d / "full.csv", args.rows)
        base, _ = run_cli(d / "base.csv", d / "base" / "report.xlsx")
        full, manifest = run_cli(d / "full.csv", d / "full" / "report.xlsx")
        files = manifest.get("files", manifest)
        print(f"baseline: {base_n:,} rows in {base:.1f} s; {args.rows:,} rows in {full:.1f} s "
              f"(ratio {full / base:.1f} for 10× the rows); files: {', '.join(sorted(map(str, files)))}")
        print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        targets.check(f"{args.rows:,} rows through the CLI with every report (s)", full, "<=", args.target)
    return targets.exit_code()


if __name__ == "__main__":
    raise SystemExit(main())
