"""Snapshot every user-facing output of the site check and the meeting exports, and compare two snapshots.

Used to show that a refactor changes no output: run ``snapshot`` before and after, then ``compare``.

    python tools/report_snapshot.py snapshot OUT_DIR
    python tools/report_snapshot.py compare BEFORE_DIR AFTER_DIR

``snapshot`` writes deterministic synthetic inputs (seeded: points, polygons, lines, a 部标 TXT, a
GBK shapefile, KML, XLSX), runs the command-line check on each (every report format), records the
message of every file of the malformed corpus, and exports the default deck's print layouts and
offline HTML. ``compare`` checks CSV, GeoJSON and messages byte for byte, XLSX cell for cell (value
and bold), PDF text page by page, HTML text with embedded images masked, and reports images
(PNG, embedded maps) separately, since a renderer change shows there and nowhere else.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent  # the checkout measured; ``--repo`` picks another
BOX = (113.00, 27.35, 113.30, 27.80)  # inside the district's bounding box


def _inputs(folder: Path) -> list[Path]:
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely
    from pyproj import Transformer

    rng = np.random.default_rng(20261201)
    types = ["新材料", "住宅", "物流", "农业", "旅游", "工业", "", "不明类型", "养老", "能源"]
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    n = 400
    pts = pd.DataFrame({
        "项目名称": [f"点项目{i}" for i in range(n)],
        "经度": rng.uniform(BOX[0], BOX[2], n).round(6),
        "纬度": rng.uniform(BOX[1], BOX[3], n).round(6),
        "类型": rng.choice(types, n),
    })
    p = folder / "points.csv"
    pts.to_csv(p, index=False, encoding="utf-8")
    out.append(p)
    p = folder / "points.xlsx"
    pts.head(60).to_excel(p, index=False)
    out.append(p)
    to_m = Transformer.from_crs("EPSG:4326", "EPSG:4547", always_xy=True)
    polys, names, ptypes = [], [], []
    for i in range(240):
        lon, lat = rng.uniform(BOX[0], BOX[2]), rng.uniform(BOX[1], BOX[3])
        x, y = to_m.transform(lon, lat)
        size = float(rng.choice([80, 300, 1500, 6000]))
        kind = i % 3
        if kind == 0:
            g = shapely.box(x - size, y - size / 2, x + size, y + size / 2)
        elif kind == 1:
            g = shapely.affinity.rotate(shapely.box(x - size, y - size / 3, x + size, y + size / 3), float(rng.uniform(0, 90)))
        else:
            ang = np.sort(rng.uniform(0, 2 * np.pi, 14))
            r = size * rng.uniform(0.4, 1.0, 14)
            g = shapely.Polygon(np.c_[x + r * np.cos(ang), y + r * np.sin(ang)])
        polys.append(g)
        names.append(f"红线{i}")
        ptypes.append(types[i % len(types)])
    gdf = gpd.GeoDataFrame({"name": names, "type": ptypes}, geometry=polys, crs="EPSG:4547").to_crs("EPSG:4326")
    p = folder / "polygons.geojson"
    gdf.to_file(p, driver="GeoJSON")
    out.append(p)
    lines = []
    for _ in range(40):
        x0, y0 = to_m.transform(rng.uniform(BOX[0], BOX[2]), rng.uniform(BOX[1], BOX[3]))
        steps = rng.normal(0, 2000, (6, 2)).cumsum(axis=0)
        lines.append(shapely.LineString(np.c_[x0 + steps[:, 0], y0 + steps[:, 1]]))
    lgdf = gpd.GeoDataFrame({"name": [f"线路{i}" for i in range(40)], "type": ["物流"] * 40}, geometry=lines, crs="EPSG:4547")
    p = folder / "lines.geojson"
    lgdf.to_crs("EPSG:4326").to_file(p, driver="GeoJSON")
    out.append(p)
    shp = folder / "shp"
    shp.mkdir(exist_ok=True)
    gdf.head(30).to_crs("EPSG:4547").to_file(shp / "红线.shp", encoding="GBK")
    p = folder / "redlines_gbk.zip"
    with zipfile.ZipFile(p, "w") as z:  # fixed member dates: the same bytes in every snapshot
        for f in sorted(shp.iterdir()):
            if f.suffix != ".cpg":
                z.writestr(zipfile.ZipInfo(f.name, date_time=(2026, 1, 1, 0, 0, 0)), f.read_bytes())
    out.append(p)
    p = folder / "places.kml"
    gdf.head(20).to_file(p, driver="KML")
    out.append(p)
    # 部标 TXT: two parcels, zone 38 with the prefix, one with a hole
    x, y = to_m.transform(113.1475, 27.605)
    lines_txt = ["[属性描述]", "格式版本号=1.01", "坐标系=2000国家大地坐标系", "几度分带=3", "投影类型=高斯克吕格", "计量单位=米", "带号=38",
                 "[地块坐标]"]
    for k, (dx, use) in enumerate([(0, "工业用地"), (3000, "住宅用地")], start=1):
        outer = shapely.box(x + dx - 500, y - 500, x + dx + 500, y + 500).exterior.coords
        hole = shapely.box(x + dx - 100, y - 100, x + dx + 100, y + 100).exterior.coords
        lines_txt.append(f"{len(outer) + len(hole)},100.0,{k},地块{k},面,,{use},,@")
        lines_txt += [f"J{i},1,{n:.3f},{e + 38e6:.3f}" for i, (e, n) in enumerate(outer, 1)]
        lines_txt += [f"J{i},2,{n:.3f},{e + 38e6:.3f}" for i, (e, n) in enumerate(hole, 1)]
    p = folder / "界址点.txt"
    p.write_text("\n".join(lines_txt) + "\n", encoding="gbk")
    out.append(p)
    return out


#: Run with the clock stopped at one instant, so that the time printed in reports is the same in every
#: snapshot (a PDF's page header, drawn over its text, otherwise changes how the text extracts).
_FROZEN = r"""
import datetime as _d, importlib, pkgutil, runpy, sys, types
class _Frozen(_d.datetime):
    @classmethod
    def now(cls, tz=None):
        return cls(2026, 1, 1, 9, 0, 0, tzinfo=tz)
    @classmethod
    def today(cls):
        return cls(2026, 1, 1, 9, 0, 0)
class _FrozenDate(_d.date):
    @classmethod
    def today(cls):
        return cls(2026, 1, 1)
_shim = types.ModuleType("datetime")
_shim.__dict__.update(_d.__dict__)
_shim.datetime, _shim.date = _Frozen, _FrozenDate
import lukou_geo
for _m in pkgutil.walk_packages(lukou_geo.__path__, "lukou_geo."):
    if ".ui" in _m.name:
        continue
    try:
        _mod = importlib.import_module(_m.name)
    except Exception:
        continue
    for _k, _v in list(vars(_mod).items()):
        if _v is _d:
            setattr(_mod, _k, _shim)
sys.argv = ["lukou_geo", *sys.argv[1:]]
runpy.run_module("lukou_geo", run_name="__main__")
"""


def _python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", _FROZEN.replace('runpy.run_module("lukou_geo", run_name="__main__")', code) if code else _FROZEN, *args]


def _run_cli(args: list[str], log: Path) -> None:
    r = subprocess.run(_python("", *args), cwd=REPO, capture_output=True, text=True)
    log.write_text(f"exit {r.returncode}\n--- stdout\n{r.stdout}\n--- stderr\n{r.stderr}", encoding="utf-8")


def _mask_paths(text: str, folder: Path) -> str:
    return text.replace(str(folder), "<DIR>")


PARTS = ("reports", "corpus", "meeting")


def snapshot(out: Path, parts: tuple[str, ...] = PARTS) -> None:
    out.mkdir(parents=True, exist_ok=True)
    if "reports" in parts:
        _reports(out)
    if "corpus" in parts:  # the malformed corpus: one line per file, the message in both languages
        corpus = REPO / "tests" / "data" / "malformed"
        msgs = subprocess.run(_python(_CORPUS_SCRIPT, str(corpus)), cwd=REPO, capture_output=True, text=True)
        (out / "malformed.txt").write_text(msgs.stdout + msgs.stderr, encoding="utf-8")
    if "meeting" in parts:
        meet = subprocess.run(_python(_MEETING_SCRIPT, str(out / "meeting")), cwd=REPO, capture_output=True, text=True)
        (out / "meeting.log").write_text(meet.stdout + meet.stderr, encoding="utf-8")


def _reports(out: Path) -> None:
    inputs = _inputs(out / "inputs")
    reports = out / "reports"
    reports.mkdir(exist_ok=True)
    for p in inputs:
        extra = ["--type", "新材料"] if p.suffix == ".txt" else []
        log = reports / f"{p.stem}.log"
        _run_cli(["check", str(p), "--out", str(reports / p.stem / "report.xlsx"), *extra], log)
        log.write_text(_mask_paths(log.read_text(encoding="utf-8"), out), encoding="utf-8")
    _run_cli(["check", *map(str, inputs), "--out", str(reports / "all" / "report.xlsx"), "--crs", "auto"], reports / "all.log")
    (reports / "all.log").write_text(_mask_paths((reports / "all.log").read_text(encoding="utf-8"), out), encoding="utf-8")


_CORPUS_SCRIPT = r"""
import json, os, sys
from pathlib import Path
corpus = Path(sys.argv[1])
expected = json.loads((corpus / "expected.json").read_text(encoding="utf-8"))
try:  # the layout of this session's end, of its start, of before the layout by job
    from lukou_geo.sitecheck.inputs import read_path
except ImportError:
    try:
        from lukou_geo.sitecheck.inputs.ingest import read_path  # the layout of this session's start
    except ImportError:
        from lukou_geo.ingest import read_path
try:
    from lukou_geo.errors import InputError as Err
except ImportError:
    from lukou_geo.ingest import InputError as Err
for name in sorted(expected):
    spec = expected[name]
    old = dict(os.environ)
    os.environ.update(spec.get("env", {}))
    try:
        ing = read_path(corpus / name, spec.get("crs", "auto"))
        zh = " / ".join(e.message("zh") for e in ing.errors)
        en = " / ".join(e.message("en") for e in ing.errors)
        print(name, "OK", len(ing.projects), "|", zh, "|", en, "|", " / ".join(ing.notes))
    except Err as exc:
        print(name, "ERROR", "|", exc.message("zh"), "|", exc.message("en"))
    os.environ.clear(); os.environ.update(old)
"""

_MEETING_SCRIPT = r"""
import sys
from pathlib import Path
out = Path(sys.argv[1]); out.mkdir(parents=True, exist_ok=True)
from lukou_geo.catalog import read_catalog, validate_data
try:  # the layout of this session's end, of its start, of before the layout by job
    from lukou_geo.meeting.deck import read_deck
    from lukou_geo.meeting.printing import export_print, spec_for_slide
    from lukou_geo.meeting.offline import export_deck_html
except ImportError:
    try:
        from lukou_geo.meeting.deck import read_deck
        from lukou_geo.meeting.export import export_print, spec_for_slide, export_deck_html
    except ImportError:
        from lukou_geo.deck import read_deck
        from lukou_geo.export import export_print, spec_for_slide, export_deck_html
cat = read_catalog(); data = validate_data(cat); deck = read_deck("default")
for lang in ("zh", "en"):
    (out / f"deck_{lang}.html").write_text(export_deck_html(cat, data, deck, lang), encoding="utf-8")
for i in (0, 2):
    for fmt in ("pdf", "png"):
        spec = spec_for_slide(deck, i, data, "zh")
        (out / f"slide{i}.{fmt}").write_bytes(export_print(cat, data, spec, fmt))
print("meeting OK")
"""


# ------------------------------------------------------------------------------ compare

_IMG = re.compile(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=]+")
_DATE = re.compile(r"20\d\d-\d\d-\d\d( ?\d\d:\d\d(:\d\d)?)?|20\d\d年\d{1,2}月\d{1,2}日")
_FOLIUM_ID = re.compile(r"_[0-9a-f]{32}\b")  # folium's random element names


def _xlsx_cells(path: Path) -> list[tuple]:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    cells = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    v = _DATE.sub("<DATE>", c.value) if isinstance(c.value, str) else c.value
                    cells.append((ws.title, c.coordinate, v, bool(c.font and c.font.b)))
    return cells


def _pdf_text(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [_DATE.sub("<DATE>", re.sub(r"[\s\x00]+", "", p.extract_text() or "")) for p in PdfReader(str(path)).pages]


def _chars(text: str) -> Counter:
    return Counter(c for c in text if not (c.isdigit() or c in ":-"))


def _digest(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()[:12]


def compare(before: Path, after: Path) -> int:
    same, differ, images = 0, [], []
    files = sorted({p.relative_to(before) for p in before.rglob("*") if p.is_file()} |
                   {p.relative_to(after) for p in after.rglob("*") if p.is_file()})
    for rel in files:
        a, b = before / rel, after / rel
        if not a.exists() or not b.exists():
            differ.append(f"{rel}: only in {'after' if b.exists() else 'before'}")
            continue
        suf = rel.suffix.lower()
        if suf == ".xlsx":
            ok = _xlsx_cells(a) == _xlsx_cells(b)
        elif suf == ".pdf":
            ta, tb = _pdf_text(a), _pdf_text(b)
            ok = ta == tb
            if not ok and len(ta) == len(tb) and all(_chars(x) == _chars(y) for x, y in zip(ta, tb, strict=True)):
                # the report's page header holds the time it was written and is drawn over the page's text,
                # so text extraction interleaves the two: same characters page by page, time digits aside
                ok = True
                images.append(f"{rel}: same characters on every page (extraction order differs with the time in the header)")
            elif ok and a.read_bytes() != b.read_bytes():
                images.append(f"{rel}: same text, different bytes (drawing/images)")
        elif suf == ".png":
            ok = True
            if a.read_bytes() != b.read_bytes():
                images.append(f"{rel}: PNG differs ({_digest(a.read_bytes())} → {_digest(b.read_bytes())})")
        elif suf == ".html":
            ta, tb = a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
            def norm(t: str) -> str:
                return _FOLIUM_ID.sub("_ID", _DATE.sub("<DATE>", _IMG.sub("<IMG>", t)))

            ok = norm(ta) == norm(tb)
            if ok and _IMG.findall(ta) != _IMG.findall(tb):
                images.append(f"{rel}: same text, embedded images differ")
        else:
            ok = a.read_bytes() == b.read_bytes()
        if ok:
            same += 1
        else:
            differ.append(f"{rel}: differs")
    print(f"{same} files the same, {len(differ)} different, {len(images)} with image-only changes")
    for line in differ + images:
        print("  " + line)
    return 1 if differ else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("snapshot")
    s.add_argument("out", type=Path)
    s.add_argument("--repo", type=Path, default=None, help="the checkout to run (default: this one), e.g. a worktree of an older commit")
    s.add_argument("--parts", default=",".join(PARTS), help="comma-separated: " + ", ".join(PARTS))
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = ap.parse_args()
    if args.cmd == "snapshot":
        global REPO
        REPO = (args.repo or REPO).resolve()
        snapshot(args.out.resolve(), tuple(p for p in args.parts.split(",") if p))
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())

