"""Write ``layers/classes/*.csv`` from the reference data in ``shared/data/`` (the result is committed).

Usage::

    python tools/derive_classes.py [--shared DIR]   # default: $LUKOU_SHARED_DIR or ../shared

The tables keep the codes, names, levels and colours as the reference data has them (RGB as
``#RRGGBB``), say which colours 附录B lists (``appendix_B``) and which are the parent's
(``inherited``), and add each 三调 code's 三大类 (:func:`lukou_geo.classes.sandiao_category`).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from lukou_geo.classes import SANDIAO_HEADER, YDYH_2020_HEADER, YDYH_HEADER, sandiao_category  # noqa: E402


def _csv(header: str, fields: list[str], rows: list[list[object]]) -> str:
    buf = io.StringIO()
    buf.write(header)
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(fields)
    writer.writerows(rows)
    return buf.getvalue()


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def derive(shared_data: Path) -> dict[str, str]:
    """{file name: text} of the three tables, from ``shared/data``."""
    ydyh = [[r["code"], r["name"], r["level"], r["hex"].upper(),
             "appendix_B" if r["colour_source"] == "appendix_B" else "inherited"]
            for r in _rows(shared_data / "ydyh_2023.csv")]
    sandiao = []
    for r in _rows(shared_data / "sandiao_codes.csv"):
        hexc = "#" + "".join(f"{int(v):02X}" for v in r["rgb"].split(",")) if r["rgb"] else ""
        sandiao.append([r["code"], r["name"], 1 if len(r["code"]) == 2 else 2, hexc, r["colour_sources_agree"],
                        sandiao_category(r["code"])])
    mapping = [[r["code_2020_trial"], r["code_2023"], r["name_2023"], r["changed"]]
               for r in _rows(shared_data / "ydyh_2020_to_2023.csv")]
    return {
        "ydyh_2023.csv": _csv(YDYH_HEADER, ["code", "name", "level", "colour", "colour_source"], ydyh),
        "sandiao.csv": _csv(SANDIAO_HEADER, ["code", "name", "level", "colour", "colour_sources_agree", "category"], sandiao),
        "ydyh_2020_to_2023.csv": _csv(YDYH_2020_HEADER, ["code_2020", "code_2023", "name_2023", "changed"], mapping),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path(os.environ.get("LUKOU_SHARED_DIR", REPO_ROOT.parent / "shared")))
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "layers" / "classes")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in derive(args.shared / "data").items():
        (args.out / name).write_text(text, encoding="utf-8")
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
