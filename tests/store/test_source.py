"""Opening deliveries: archives checked before extraction, layers listed, encodings detected, hashes."""

from __future__ import annotations

import struct
import zipfile

import pyogrio
import pytest

from lukou_geo.errors import InputError
from lukou_geo.store.source import dbf_encoding, open_source, sha256_of
from tests.sitecheck.inputs.helpers import windows_zip
from tests.store.layers import parcels, write, zip_bytes


def test_unsafe_archive_refused_before_writing(tmp_path):
    bad = tmp_path / "evil.zip"
    bad.write_bytes(zip_bytes({"../../escape.shp": b"x"}))
    with pytest.raises(InputError, match="不安全"), open_source(bad):
        pass
    assert not (tmp_path.parent / "escape.shp").exists()


def test_archive_expanding_beyond_the_limit(tmp_path, monkeypatch):
    big = tmp_path / "big.zip"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.geojson", b" " * (3 * 2**20))
    monkeypatch.setenv("LUKOU_STORE_MAX_EXPANDED_MB", "1")
    with pytest.raises(InputError, match="LUKOU_STORE_MAX_EXPANDED_MB"), open_source(big):
        pass


def test_archive_with_several_shapefiles_lists_them(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("DLTB", "XZQ"):
        pyogrio.write_dataframe(parcels(1, 1), src / f"{name}.shp", encoding="GBK")
    z = tmp_path / "two.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in src.iterdir():
            zf.write(p, p.name)
    with pytest.raises(InputError, match=r"DLTB.*XZQ"), open_source(z):
        pass
    with open_source(z, sublayer="XZQ") as s:
        assert (s.layer, s.driver, s.encoding, s.features) == ("XZQ", "ESRI Shapefile", "GBK", 1)


def test_zipped_gdb_without_its_folder(tmp_path):
    gdb = write(parcels(2, 1), "gdb", tmp_path / "g", crs="EPSG:4490")
    z = tmp_path / "flat.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in gdb.iterdir():
            zf.write(p, p.name)
    with open_source(z) as s:
        assert (s.driver, s.layer, s.features) == ("OpenFileGDB", "DLTB", 2)


@pytest.mark.parametrize(("cpg", "want"), [("936", "GBK"), ("UTF-8", "UTF-8"), ("gbk", "GBK"), (None, "GBK")])
def test_dbf_encoding(tmp_path, cpg, want):
    shp = tmp_path / "a.shp"
    pyogrio.write_dataframe(parcels(1, 1), shp, encoding=want if want != "UTF-8" else "UTF-8")
    shp.with_suffix(".cpg").unlink(missing_ok=True)
    if cpg:
        shp.with_suffix(".cpg").write_text(cpg)
    assert dbf_encoding(shp, "a.shp")[0] == want


def test_dbf_code_page_byte(tmp_path):
    shp = tmp_path / "a.shp"
    pyogrio.write_dataframe(parcels(1, 1).assign(DLMC="abc", ZLDWMC="abc", BZ="abc"), shp, encoding="GBK")
    shp.with_suffix(".cpg").unlink()
    raw = bytearray(shp.with_suffix(".dbf").read_bytes())
    raw[29] = 0x4D  # code page 936 in the header
    shp.with_suffix(".dbf").write_bytes(bytes(raw))
    enc, note = dbf_encoding(shp, "a.shp")
    assert enc == "GBK" and "代码页" in note


def test_sha256_of_a_folder_follows_its_content(tmp_path):
    gdb = write(parcels(1, 1), "gdb", tmp_path / "g", crs="EPSG:4490")
    first = sha256_of(gdb)
    assert first == sha256_of(gdb) and len(first) == 64
    next(p for p in gdb.iterdir() if p.suffix == ".gdbtable").open("ab").write(b"\0")
    assert sha256_of(gdb) != first


def test_unknown_and_missing(tmp_path):
    with pytest.raises(InputError, match="文件不存在"), open_source(tmp_path / "nope.gpkg"):
        pass
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "x.txt").write_text("x")
    with pytest.raises(InputError, match="FileGDB"), open_source(folder):
        pass


@pytest.mark.parametrize("utf8_flag", [False, True])
def test_windows_zip_with_gbk_member_names(tmp_path, utf8_flag):
    """A planner's folder zipped by Windows: GBK member names, no UTF-8 flag (or a false one). The layer,
    its files and the messages carry the Chinese names, not CP437 mojibake (╙└╛├╗∙▒╛┼⌐╠∩)."""
    src = tmp_path / "src"
    src.mkdir()
    pyogrio.write_dataframe(parcels(1, 1), src / "a.shp", encoding="GBK")
    files = {f"永农/永久基本农田{p.suffix}": p.read_bytes() for p in src.iterdir()}
    files |= {f"永农/地类图斑{p.suffix}": p.read_bytes() for p in src.iterdir()}
    z = tmp_path / "三区三线.zip"
    z.write_bytes(windows_zip(files, utf8_flag=utf8_flag))
    with pytest.raises(InputError, match=r"永久基本农田.*地类图斑|地类图斑.*永久基本农田"), open_source(z):
        pass
    with open_source(z, sublayer="永久基本农田") as s:
        assert (s.layer, s.dataset.name, s.dataset.parent.name, s.features) == ("永久基本农田", "永久基本农田.shp", "永农", 1)
    broken = bytearray(z.read_bytes())
    at = broken.rfind(b"PK\x01\x02")  # damage the last member's deflated data: the error names it
    (local,) = struct.unpack("<I", broken[at + 42 : at + 46])
    n, m = struct.unpack("<HH", broken[local + 26 : local + 30])
    start = local + 30 + n + m
    broken[start : start + 8] = b"\xff" * 8
    z.write_bytes(bytes(broken))
    with pytest.raises(InputError, match=r"压缩包中的 永农/地类图斑\.\w+ 已损坏"), open_source(z):
        pass
