"""Write the synthetic sample (合成示例) of authoritative layers over 渌口区.

    python examples/make_sample.py                      # the small default: 3,000 parcels into examples/sample/
    python examples/make_sample.py --n-dltb 150000 --out /tmp/sample150k   # the benchmark size

Nothing written is real data: see the README.txt written beside the files. The files are not committed
(examples/sample/ is in .gitignore); this script makes them again, the same for the same seed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from lukou_geo.build.synthetic import SEED
from lukou_geo.build.synthetic_write import layer_counts, write_sample

SMALL = 3000


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Write the synthetic sample (合成示例) of 三调 / 三区三线 layers over 渌口区.")
    p.add_argument("--small", action="store_true", help=f"the small default sample ({SMALL:,} DLTB parcels)")
    p.add_argument("--n-dltb", type=int, default=None, help=f"DLTB parcels (default {SMALL:,}; 150000 for the benchmarks)")
    p.add_argument("--n-yjjbnt", type=int, default=None, help="永久基本农田 parcels (default: a fifth of --n-dltb)")
    p.add_argument("--n-stbhhx", type=int, default=30, help="生态保护红线 hill patches (plus the 湘江 reaches; default 30)")
    p.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "sample", help="output folder (default examples/sample)")
    args = p.parse_args(argv)
    if args.small and args.n_dltb not in (None, SMALL):
        p.error("--small and --n-dltb exclude each other")
    n = args.n_dltb or SMALL
    t0 = time.perf_counter()
    paths = write_sample(args.out, n_dltb=n, seed=args.seed, n_yjjbnt=args.n_yjjbnt, n_stbhhx=args.n_stbhhx)
    took = time.perf_counter() - t0
    for key, count in layer_counts(paths).items():
        print(f"{key:48s} {count:8,d} features")
    for key in ("redlines", "readme"):
        print(f"{paths[key].name}")
    print(f"合成示例 written to {args.out} in {took:.1f} s (seed {args.seed}, {n:,} parcels): synthetic, not real data")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
