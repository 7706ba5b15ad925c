"""Zip safety: nothing is written outside the destination."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from lukou_geo.errors import InputError
from lukou_geo.sitecheck.inputs import read_bytes
from lukou_geo.sitecheck.inputs.archive import find_in_dir, safe_extract


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

