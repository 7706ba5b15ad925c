"""The registry of input formats: every suffix it declares is read by its reader, the uploader, the
command line and the "unsupported type" message follow it, and no other module declares suffixes."""

from __future__ import annotations

import argparse
import ast
import inspect
import io
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString

from lukou_geo.errors import InputError
from lukou_geo.settings import REPO_ROOT
from lukou_geo.sitecheck.cli import add_check_parser
from lukou_geo.sitecheck.inputs import formats, read_bytes, read_path
from lukou_geo.sitecheck.inputs.formats import FORMATS
from lukou_geo.sitecheck.report import export_all
from tests.sitecheck.inputs.helpers import LAT, LON, red_line_frame, square_4547, zip_dir

# ------------------------------------------------------------------------------ a small valid file per (format, suffix)


def _gdal(tmp: Path, name: str, driver: str) -> Path:
    path = tmp / name
    red_line_frame().to_file(path, driver=driver, engine="pyogrio")
    return path


def _xlsx(tmp: Path, suffix: str) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["名称", "经度", "纬度"])
    wb.active.append(["A", LON, LAT])
    buf = io.BytesIO()
    wb.save(buf)
    path = tmp / f"p{suffix}"
    if suffix == ".xlsm":  # a macro-enabled workbook: the same parts, another content type
        xlsx = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
        xlsm = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
        with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == "[Content_Types].xml":
                    assert xlsx in data
                    data = data.replace(xlsx, xlsm)
                dst.writestr(info, data)
    else:
        path.write_bytes(buf.getvalue())
    return path


def _shapefile(tmp: Path) -> Path:
    folder = tmp / "shp"
    folder.mkdir()
    red_line_frame("EPSG:4547").to_file(folder / "p.shp", engine="pyogrio", encoding="GBK")
    return folder / "p.shp"


def _zip(tmp: Path) -> Path:
    path = tmp / "p.zip"
    path.write_bytes(zip_dir(_shapefile(tmp).parent))
    return path


def _kmz(tmp: Path) -> Path:
    kml = _gdal(tmp, "doc.kml", "KML")
    path = tmp / "p.kmz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(kml, "doc.kml")
    return path


def _dxf(tmp: Path) -> Path:
    path = tmp / "p.dxf"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "'crs' was not provided": a DXF records no CRS
        gpd.GeoDataFrame(geometry=[LineString(square_4547().exterior.coords)]).to_file(path, driver="DXF", engine="pyogrio")
    return path


def _bubiao(tmp: Path) -> Path:
    lines = ["[属性描述]", "几度分带=3", "带号=38", "[地块坐标]", "5,100.0,1,一号地块,面,,工业用地,,@"]
    lines += [f"J{i},1,{n:.3f},{e + 38e6:.3f}" for i, (e, n) in enumerate(square_4547().exterior.coords, 1)]
    path = tmp / "p.txt"
    path.write_text("\n".join(lines) + "\n", encoding="gbk")
    return path


def _coords(tmp: Path) -> Path:
    path = tmp / "p.txt"
    path.write_text(f"{LON},{LAT}\n", encoding="utf-8")
    return path


def _csv(tmp: Path) -> Path:
    path = tmp / "p.csv"
    path.write_text(f"名称,经度,纬度\nA,{LON},{LAT}\n", encoding="utf-8")
    return path


#: (format id, suffix) → (a file maker, the crs to read it with)
SAMPLES: dict[tuple[str, str], tuple[Callable[[Path], Path], str]] = {
    ("csv", ".csv"): (_csv, "auto"),
    ("xlsx", ".xlsx"): (lambda t: _xlsx(t, ".xlsx"), "auto"),
    ("xlsx", ".xlsm"): (lambda t: _xlsx(t, ".xlsm"), "auto"),
    ("geojson", ".geojson"): (lambda t: _gdal(t, "p.geojson", "GeoJSON"), "auto"),
    ("geojson", ".json"): (lambda t: _gdal(t, "p.json", "GeoJSON"), "auto"),
    ("gpkg", ".gpkg"): (lambda t: _gdal(t, "p.gpkg", "GPKG"), "auto"),
    ("shapefile", ".zip"): (_zip, "auto"),
    ("shapefile", ".shp"): (_shapefile, "auto"),
    ("kml", ".kml"): (lambda t: _gdal(t, "p.kml", "KML"), "auto"),
    ("kml", ".kmz"): (_kmz, "auto"),
    ("dxf", ".dxf"): (_dxf, "gk-cm:114"),
    ("bubiao", ".txt"): (_bubiao, "auto"),
    ("coords", ".txt"): (_coords, "auto"),
}


def test_samples_cover_every_suffix_of_the_registry() -> None:
    assert set(SAMPLES) == {(f.id, s) for f in FORMATS for s in f.suffixes}


@pytest.mark.parametrize("format_id,suffix", sorted(SAMPLES))
def test_every_suffix_is_read_by_its_reader(tmp_path: Path, format_id: str, suffix: str) -> None:
    make, crs = SAMPLES[format_id, suffix]
    path = make(tmp_path)
    assert path.suffix == suffix
    fmt = formats.get(format_id)
    candidates = formats.for_suffix(suffix)
    assert fmt in candidates
    if len(candidates) > 1:  # a shared suffix: the content tells the formats apart
        assert formats.choose(candidates, path.read_text(encoding="gbk" if format_id == "bubiao" else "utf-8")) is fmt
    if fmt.companions and suffix in fmt.path_readers:  # a .shp is read on disk beside its companions; its bytes alone are refused
        assert formats.companion_reader(path) is fmt.path_reader(suffix)
        ing = read_path(path, crs)
        with pytest.raises(InputError, match=r"单独的 \.shp 不够"):
            fmt.reader(suffix)(path.read_bytes(), path.name, crs=crs, encoding=None, ptype="")
    else:
        ing = fmt.reader(suffix)(path.read_bytes(), path.name, crs=crs, encoding=None, ptype="")
        via_dispatch = read_bytes(path.read_bytes(), path.name, crs)
        assert via_dispatch.projects.to_wkt().equals(ing.projects.to_wkt())
    assert len(ing.projects) == 1 and not ing.errors, ing.errors
    c = ing.projects.geometry[0].centroid
    assert abs(c.x - LON) < 1e-3 and abs(c.y - LAT) < 1e-3


def test_every_reader_resolves() -> None:
    for f in FORMATS:
        for s in f.suffixes:
            assert callable(f.reader(s)), (f.id, s)
        for s in f.path_readers:
            assert s in f.readers and callable(f.path_reader(s)), (f.id, s)


def test_suffixes_are_lower_case_with_a_dot_and_ids_unique() -> None:
    assert len({f.id for f in FORMATS}) == len(FORMATS)
    for f in FORMATS:
        assert f.suffixes and all(s.startswith(".") and s == s.lower() for s in f.suffixes), f.id
    shared = [s for s in formats.suffixes() if len(formats.for_suffix(s)) > 1]
    for s in shared:  # formats sharing a suffix carry markers, but one (the fallback)
        assert sum(not f.markers for f in formats.for_suffix(s)) == 1, s


# ------------------------------------------------------------------------------ the uploader, the CLI, the message


def test_upload_types_are_the_registry_suffixes() -> None:
    expected = list(dict.fromkeys(s.removeprefix(".") for f in FORMATS for s in f.suffixes))
    assert formats.upload_types() == expected
    assert "xlsm" in expected and "xls" not in expected


def test_check_page_offers_upload_types() -> None:
    tree = ast.parse((REPO_ROOT / "lukou_geo" / "ui" / "check_upload.py").read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "file_uploader"]
    assert calls
    for call in calls:
        (kw,) = [k for k in call.keywords if k.arg == "type"]
        assert ast.unparse(kw.value) == "upload_types()"


def test_cli_help_lists_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="lukou_geo")
    add_check_parser(parser.add_subparsers())
    with pytest.raises(SystemExit):
        parser.parse_args(["check", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert formats.describe("en") in text
    assert formats.describe("en", suffixes=True) in text


def test_describe_names_every_format() -> None:
    for lang in ("zh", "en"):
        for f in FORMATS:
            assert (f.label_zh if lang == "zh" else f.label_en) in formats.describe(lang)
            assert (f.holds_zh if lang == "zh" else f.holds_en) in formats.describe(lang, holds=True)
    assert formats.describe("en") == "CSV, XLSX, GeoJSON, GPKG, zipped Shapefile, KML/KMZ, DXF, 部标 TXT, coordinate TXT"


@pytest.mark.parametrize("name", ["plan.doc", "plan.PDF", "plan"])
def test_unknown_suffix_gets_the_registry_message(name: str) -> None:
    with pytest.raises(InputError) as err:
        read_bytes(b"something", name)
    e = err.value
    assert "不支持的文件类型" in e.problem_zh and "unsupported file type" in e.problem_en
    assert str(e) == str(formats.unsupported(name))
    for f in FORMATS:
        if f.listed:
            assert f.label_zh in e.fix_zh and f.label_en in e.fix_en
    # word for word what the reader said before the registry
    assert e.fix_zh == "支持 CSV、XLSX、GeoJSON、GPKG、zip(Shapefile)、KML/KMZ、DXF、部标TXT"
    assert e.fix_en == "use CSV, XLSX, GeoJSON, GPKG, zipped Shapefile, KML/KMZ, DXF or 部标 TXT"


def test_refused_suffix_gets_its_own_message() -> None:
    with pytest.raises(InputError, match=r"不支持旧版 \.xls"):
        read_bytes(b"\xd0\xcf\x11\xe0", "old.XLS")


# ------------------------------------------------------------------------------ one place declares the suffixes


def _output_formats() -> set[str]:
    """The report formats (xlsx, csv, geojson, ...): output names, not input suffixes."""
    return set(inspect.signature(export_all).parameters["formats"].default)


def suffix_declarations(source: str) -> list[tuple[int, str]]:
    """(line, text) of every collection literal or comparison in ``source`` that names input suffixes.

    A collection (tuple, list, set, dict keys) or a comparison naming a registry suffix with its dot
    (".kml", ".csv", the refused ".xls", the shapefile's ".dbf"), or a collection naming, without the dot,
    a suffix that is no report format ("kml", "gpkg", "txt": the uploader's types).
    """
    dotted = {s for f in FORMATS for s in (*f.suffixes, *f.companions)} | set(formats.REFUSED)
    bare = {s.removeprefix(".") for s in formats.suffixes()} - _output_formats()

    def strings(nodes: list[ast.expr | None]) -> list[str]:
        return [n.value.lower() for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)]

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            values = strings(node.elts)
        elif isinstance(node, ast.Dict):
            values = strings(node.keys)
        elif isinstance(node, ast.Compare):
            values = [v for v in strings([node.left, *node.comparators]) if v in dotted]
        else:
            continue
        if set(values) & dotted or set(values) & bare:
            found.append((node.lineno, ast.get_source_segment(source, node) or ""))
    return found


def test_no_other_module_declares_input_suffixes() -> None:
    package = REPO_ROOT / "lukou_geo"
    registry = package / "sitecheck" / "inputs" / "formats.py"
    # layers (not projects) are imported and exported by the store, with a registry of its own
    store_registry = package / "store" / "formats.py"
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{line}: {text[:80]}"
        for path in sorted(package.rglob("*.py"))
        if path not in (registry, store_registry)
        for line, text in suffix_declarations(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, ("input suffixes are declared in lukou_geo/sitecheck/inputs/formats.py (projects) and "
                           "lukou_geo/store/formats.py (layers) only:\n" + "\n".join(offenders))


@pytest.mark.parametrize(
    "source",
    [
        'VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip")',
        'if suffix in (".xlsx", ".xlsm"):\n    pass',
        'if suffix == ".csv":\n    pass',
        '_UPLOAD_TYPES = ["csv", "xlsx", "geojson", "kml", "txt"]',
        'x = {".kml": "KML 中没有几何"}',
    ],
)
def test_the_scan_finds_declarations(source: str) -> None:
    assert suffix_declarations(source)


def test_the_scan_leaves_report_formats_alone() -> None:
    assert not suffix_declarations('FORMATS = ("xlsx", "csv", "geojson", "html", "pdf")\np.with_suffix(".xlsx")')
