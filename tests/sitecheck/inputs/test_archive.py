"""Zip safety: nothing is written outside the destination."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from lukou_geo.errors import InputError
from lukou_geo.sitecheck.inputs import read_bytes
from lukou_geo.sitecheck.inputs.archive import check_zip_safety, extract, find_in_dir, safe_extract
from tests.sitecheck.inputs.helpers import windows_zip


def test_zip_slip_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("ok.txt", "fine")
        zf.writestr("../../escape.txt", "bad")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    with pytest.raises(InputError, match="不安全的路径"):
        read_bytes(buf.getvalue(), "x.zip")
    assert not list(tmp_path.rglob("*.txt"))


def test_safe_extract_writes_the_members_and_find_in_dir_skips_macosx(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("sub/a.KML", "<kml/>")
        zf.writestr("__MACOSX/sub/._a.kml", "junk")
        zf.writestr("b.txt", "x")
    out = safe_extract(buf.getvalue(), "x.zip", tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in out) == ["__MACOSX/sub/._a.kml", "b.txt", "sub/a.KML"]
    assert find_in_dir(tmp_path, (".kml",)) == [tmp_path / "sub" / "a.KML"]



def _gbk_zip(flag: bool) -> bytes:
    """A zip whose member name is GBK bytes, flagged UTF-8 (as some Windows tools write it) or not."""
    name = "红线.kml".encode("gbk")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("Q" * len(name), "<kml/>")
    raw = bytearray(buf.getvalue().replace(b"Q" * len(name), name))
    if flag:
        for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            i = raw.find(sig)
            raw[i + off] |= 0x08  # bit 11 of the flags: names are UTF-8
    return bytes(raw)


@pytest.mark.parametrize("flag", [True, False])
def test_gbk_member_names_are_decoded(tmp_path: Path, flag: bool) -> None:
    ex = extract(_gbk_zip(flag), "x.zip", tmp_path)  # flagged: was a UnicodeDecodeError; unflagged: mojibake
    assert [p.name for p in ex.paths] == ["红线.kml"] and not ex.errors


def test_members_that_cannot_be_written_are_member_errors_and_the_rest_is_extracted(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("link.kml")
    link.external_attr = 0o120777 << 16
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(link, "/etc/passwd")
        zf.writestr("a.kml", "<kml/>")
        zf.writestr("a.kml/b.kml", "<kml/>")  # a folder where a file is
        zf.writestr("d" * 300 + "/c.kml", "<kml/>")  # a name part over 255 bytes
        zf.writestr("ok.kml", "<kml/>")
    ex = extract(buf.getvalue(), "x.zip", tmp_path / "plain")
    assert sorted(p.name for p in ex.paths) == ["a.kml", "ok.kml"]
    problems = " ".join(e.problem_zh for e in ex.errors)
    assert "符号链接" in problems and "无法写出" in problems and "255" in problems
    assert all(e.file == "x.zip" and "成员「" in e.problem_zh for e in ex.errors)
    safe = extract(buf.getvalue(), "x.zip", tmp_path / "safe", safe_names=True)  # what the readers use
    assert sorted(safe.name(p) for p in safe.paths) == ["a.kml", "a.kml/b.kml", "d" * 300 + "/c.kml", "ok.kml"]
    assert [e.problem_zh for e in safe.errors] == ["成员「link.kml」是符号链接,已跳过(不跟随压缩包中的链接)"]
    assert not (tmp_path / "safe" / "link.kml").exists()


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_safe_names_keep_a_shapefiles_siblings_together(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for ext in (".SHP", ".shx", ".dbf"):
            zf.writestr(f"`);alert(1);(`/红线{ext}", b"x")
        zf.writestr("p.shp", b"x")
        zf.writestr("p.shp", b"y")  # a repeated name
    ex = extract(buf.getvalue(), "x.zip", tmp_path, safe_names=True)
    stems = {(p.parent, p.stem) for p in ex.paths}
    assert len(stems) == 2 and {p.suffix for p in ex.paths} == {".shp", ".shx", ".dbf"}
    assert [e.problem_zh for e in ex.errors] == ["成员「p.shp」与前面的成员重名,已跳过(保留第一个)"]


def test_check_zip_safety_names_the_entry_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUKOU_MAX_ARCHIVE_ENTRIES", "1")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a", "1")
        zf.writestr("b", "2")
    with pytest.raises(InputError, match="LUKOU_MAX_ARCHIVE_ENTRIES"):
        check_zip_safety(buf.getvalue(), "x.zip")


def test_damaged_member_data_is_an_error_naming_the_member(tmp_path: Path) -> None:
    data = bytearray(windows_zip({"红线/红线.kml": b"<kml>" + b"x" * 4000 + b"</kml>"}))
    n, m = struct.unpack("<HH", data[26:30])
    data[30 + n + m : 30 + n + m + 8] = b"\xff" * 8  # the deflated bytes: zlib refuses them (was a zlib.error traceback)
    with pytest.raises(InputError, match=r"压缩包中的 红线/红线\.kml 已损坏"):
        extract(bytes(data), "x.zip", tmp_path)
