"""Zip member names as written: GBK from Windows zips (flagged or not), UTF-8 from macOS, from bytes and from files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from lukou_geo.zipnames import open_zip
from tests.sitecheck.inputs.helpers import windows_zip

NAMES = ["红线地块/红线.shp", "红线地块/红线.dbf", "说明.txt", "plain.txt"]


@pytest.mark.parametrize(("codec", "flag"), [("gbk", False), ("gbk", True), ("utf-8", False), ("utf-8", True)])
@pytest.mark.parametrize("as_file", [False, True])
def test_member_names_are_the_real_names(tmp_path: Path, codec: str, flag: bool, as_file: bool) -> None:
    data = windows_zip({n: n.encode("utf-8") for n in NAMES}, codec=codec, utf8_flag=flag)
    if codec == "gbk" and not flag:  # the trap: zipfile alone reads the GBK bytes as CP437
        assert "红线地块/红线.shp" not in zipfile.ZipFile(io.BytesIO(data)).namelist()
    source: bytes | Path = data
    if as_file:
        source = tmp_path / "windows.zip"
        source.write_bytes(data)
    with open_zip(source) as zf:
        assert zf.namelist() == NAMES
        for name in NAMES:  # read by name: zipfile's index follows the names, the local headers still match
            assert zf.read(name) == name.encode("utf-8")
    if as_file:
        assert source.read_bytes() == data  # the delivery itself is never changed


def test_a_false_flag_on_a_file_is_cleared_in_a_copy_that_goes_with_the_archive(tmp_path: Path) -> None:
    path = tmp_path / "flagged.zip"
    path.write_bytes(windows_zip({"红线.kml": b"<kml/>"}, utf8_flag=True))
    zf = open_zip(path)
    copy = zf.fp
    assert zf.namelist() == ["红线.kml"] and copy is not None and not copy.closed
    zf.close()
    assert copy.closed
