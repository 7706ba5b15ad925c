"""Snapshot every user-facing output of the site check and the meeting exports, and compare two snapshots.

Used to show that a refactor changes no output: run ``snapshot`` before and after, then ``compare``.

    python tools/report_snapshot.py snapshot OUT_DIR
    python tools/report_snapshot.py compare BEFORE_DIR AFTER_DIR

``snapshot`` writes deterministic synthetic inputs (seeded: points, polygons, lines, a 部标 TXT, a
GBK shapefile, KML, XLSX), runs the command-line check on each (every report format), records the
message of every file of the malformed corpus, and exports the default deck's print layouts and
offline HTML. Beside the PDFs of each run it logs every line of text fpdf2 lays out, with its page and
position (``pdf_text.jsonl``).

``compare`` checks CSV, GeoJSON and messages byte for byte, the text logs with dates masked, zip archives member by
member, XLSX cell for cell (value and bold), PDF text page by page, HTML text with embedded images and
folium's random element ids masked, and reports images (PNG, embedded maps) separately, since a
renderer change shows there and nowhere else. A PDF whose text, as pypdf extracts it, differs only in
NUL characters, or differs while both snapshots logged the same laid-out text, is listed apart and
counted as the same: pypdf misreads fpdf2's CFF (OpenType) fonts (a NUL before each character, and
characters past a document's 255th turned into others).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent  # the checkout measured; ``snapshot --repo`` picks another
_PDF_LOG = "pdf_text.jsonl"  # beside the PDFs of a run: every text line as laid out (see _PDF_LOG_HOOK)
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
    with zipfile.ZipFile(p, "w") as z:
        for f in sorted(shp.iterdir()):
            if f.suffix != ".cpg":
                z.write(f, f.name)
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


#: Run before the code under test: logs every line of text fpdf2 lays out in a PDF as [page, x, y, text]
#: (mm) into $SNAPSHOT_PDF_LOG, so two snapshots can be compared on the text as written, whatever a
#: PDF reader makes of the fonts (pypdf reads 2-byte codes of CFF fonts as single bytes: NULs, and
#: characters past the 255th of a document turned into others).
_PDF_LOG_HOOK = r"""
import atexit, json, os, pathlib, types
import fpdf
_log = []
_render, _text = fpdf.FPDF._render_styled_text_line, fpdf.FPDF.text
def _live(pdf):  # fpdf2 replaces _out by a lambda while it measures (dry runs)
    return isinstance(pdf._out, types.MethodType)
def _render_logged(self, text_line, *args, **kwargs):
    s = "".join(f.string for f in text_line.fragments)
    if s and _live(self):
        _log.append([self.page, round(self.x, 2), round(self.y, 2), s])
    return _render(self, text_line, *args, **kwargs)
def _text_logged(self, x, y, text="", *args, **kwargs):
    if _live(self):
        _log.append([self.page, round(x, 2), round(y, 2), text])
    return _text(self, x, y, text, *args, **kwargs)
fpdf.FPDF._render_styled_text_line, fpdf.FPDF.text = _render_logged, _text_logged
@atexit.register
def _write():
    path = pathlib.Path(os.environ["SNAPSHOT_PDF_LOG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _log), encoding="utf-8")
"""
_RUN_CLI = "\nimport runpy\nrunpy.run_module('lukou_geo', run_name='__main__', alter_sys=True)\n"
#: Run first: the clock stopped at one instant in every lukou_geo module, so the time a report prints is
#: the same in every snapshot.
_FROZEN_CLOCK = r"""
import datetime as _d, importlib, pkgutil, types
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
"""


def _run_cli(args: list[str], log: Path, pdf_log: Path) -> None:
    env = {**os.environ, "SNAPSHOT_PDF_LOG": str(pdf_log)}
    code = _FROZEN_CLOCK + _PDF_LOG_HOOK + _RUN_CLI
    r = subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, capture_output=True, text=True, env=env)
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
        msgs = subprocess.run([sys.executable, "-c", _CORPUS_SCRIPT, str(corpus)], cwd=REPO, capture_output=True, text=True)
        (out / "malformed.txt").write_text(msgs.stdout + msgs.stderr, encoding="utf-8")
    if "meeting" in parts:
        meet = subprocess.run([sys.executable, "-c", _FROZEN_CLOCK + _PDF_LOG_HOOK + _MEETING_SCRIPT, str(out / "meeting")], cwd=REPO,
                              capture_output=True, text=True, env={**os.environ, "SNAPSHOT_PDF_LOG": str(out / "meeting" / _PDF_LOG)})
        (out / "meeting.log").write_text(meet.stdout + meet.stderr, encoding="utf-8")


def _reports(out: Path) -> None:
    inputs = _inputs(out / "inputs")
    reports = out / "reports"
    reports.mkdir(exist_ok=True)
    for p in inputs:
        extra = ["--type", "新材料"] if p.suffix == ".txt" else []
        log = reports / f"{p.stem}.log"
        _run_cli(["check", str(p), "--out", str(reports / p.stem / "report.xlsx"), *extra], log, reports / p.stem / _PDF_LOG)
        log.write_text(_mask_paths(log.read_text(encoding="utf-8"), out), encoding="utf-8")
    _run_cli(["check", *map(str, inputs), "--out", str(reports / "all" / "report.xlsx"), "--crs", "auto"], reports / "all.log",
             reports / "all" / _PDF_LOG)
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
        from lukou_geo.sitecheck.inputs.ingest import read_path
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
_DATE = re.compile(r"20\d\d-\d\d-\d\d( \d\d:\d\d(:\d\d)?)?|20\d\d年\d{1,2}月\d{1,2}日")
#: folium names every element of a map with a random 32-digit hex id (map_…, feature_group_…)
_FOLIUM_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")


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


def _pdf_text(path: Path, strip_nul: bool = False) -> list[str]:
    from pypdf import PdfReader

    pages = [p.extract_text() or "" for p in PdfReader(str(path)).pages]
    return [_DATE.sub("<DATE>", t.replace("\x00", "") if strip_nul else t) for t in pages]


def _same_log(before: Path, after: Path, rel: Path) -> bool:
    """Whether both snapshots logged the PDF's text (``_PDF_LOG`` beside it) and the logs agree."""
    a, b = before / rel.parent / _PDF_LOG, after / rel.parent / _PDF_LOG
    if not a.is_file() or not b.is_file():
        return False
    return _DATE.sub("<DATE>", a.read_text(encoding="utf-8")) == _DATE.sub("<DATE>", b.read_text(encoding="utf-8"))


def _html_text(text: str) -> str:
    return _FOLIUM_ID.sub("<ID>", _DATE.sub("<DATE>", _IMG.sub("<IMG>", text)))


def _zip_members(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as z:
        return [(name, z.read(name)) for name in z.namelist()]


def _digest(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()[:12]


def _compare_pdf(a: Path, b: Path, rel: Path, before: Path, after: Path, notes: dict[str, list[str]]) -> bool:
    ok = _pdf_text(a) == _pdf_text(b)
    if not ok and _pdf_text(a, strip_nul=True) == _pdf_text(b, strip_nul=True):
        # pypdf reads fpdf2's text in a CFF (OpenType) font with a NUL before each character and the same
        # text in a TrueType font without (NULs also hide dates from the date mask): compared without
        # NULs, the characters, their order and their pages agree
        ok = True
        notes["nul"].append(f"{rel}: same text once pypdf's NUL padding is removed")
    elif not ok and _same_log(before, after, rel):
        ok = True
        notes["logged"].append(f"{rel}: pypdf reads it otherwise, but fpdf2 laid out the same text at the same places")
    if ok and a.read_bytes() != b.read_bytes():
        notes["images"].append(f"{rel}: same text, different bytes (drawing/images)")
    return ok


def _compare_file(a: Path, b: Path, rel: Path, before: Path, after: Path, notes: dict[str, list[str]]) -> bool:
    suf = rel.suffix.lower()
    if suf == ".xlsx":
        return _xlsx_cells(a) == _xlsx_cells(b)
    if suf == ".pdf":
        return _compare_pdf(a, b, rel, before, after, notes)
    if suf == ".png":
        if a.read_bytes() != b.read_bytes():
            notes["images"].append(f"{rel}: PNG differs ({_digest(a.read_bytes())} → {_digest(b.read_bytes())})")
        return True
    if suf == ".html":
        ta, tb = a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
        ok = _html_text(ta) == _html_text(tb)
        if ok and _IMG.findall(ta) != _IMG.findall(tb):
            notes["images"].append(f"{rel}: same text, embedded images differ")
        return ok
    if suf == ".jsonl":
        return _DATE.sub("<DATE>", a.read_text(encoding="utf-8")) == _DATE.sub("<DATE>", b.read_text(encoding="utf-8"))
    if suf == ".zip":
        return _zip_members(a) == _zip_members(b)  # member names and bytes: the archive's timestamps vary
    return a.read_bytes() == b.read_bytes()


def compare(before: Path, after: Path) -> int:
    same, differ = 0, []
    notes: dict[str, list[str]] = {"images": [], "nul": [], "logged": []}
    files = sorted({p.relative_to(before) for p in before.rglob("*") if p.is_file()} |
                   {p.relative_to(after) for p in after.rglob("*") if p.is_file()})
    for rel in files:
        a, b = before / rel, after / rel
        if not a.exists() or not b.exists():
            differ.append(f"{rel}: only in {'after' if b.exists() else 'before'}")
        elif _compare_file(a, b, rel, before, after, notes):
            same += 1
        else:
            differ.append(f"{rel}: differs")
    print(f"{same} files the same, {len(differ)} different, {len(notes['images'])} with image-only changes")
    for line in differ + notes["images"]:
        print("  " + line)
    heads = {"nul": "PDF files whose extracted text differs only in NUL characters (counted as the same):",
             "logged": f"PDF files whose extracted text differs but whose {_PDF_LOG} is the same (counted as the same):"}
    for key, head in heads.items():
        if notes[key]:
            print(f"{len(notes[key])} {head}")
            for line in notes[key]:
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

