"""Text encodings: UTF-8 with or without BOM, GBK, a chosen encoding; the code page of a .dbf."""

from __future__ import annotations

from pathlib import Path

import pytest

from lukou_geo.errors import InputError
from lukou_geo.sitecheck.inputs.encoding import dbf_encoding, decode_text


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "gbk"])
def test_decode_text_detects(codec: str) -> None:
    assert decode_text("名称,经度\n".encode(codec), "a.csv", None) == "名称,经度\n"


def test_decode_text_with_a_wrong_chosen_encoding_names_the_fix() -> None:
    with pytest.raises(InputError, match="不能按 ascii 解码") as err:
        decode_text("名称".encode("gbk"), "a.csv", "ascii")
    assert "UTF-8 或 GBK" in str(err.value)


def test_dbf_encoding(tmp_path: Path) -> None:
    header = bytearray(32)
    header[29] = 0x4D  # code page byte: GBK
    (tmp_path / "gbk.dbf").write_bytes(bytes(header))
    assert dbf_encoding(tmp_path / "gbk.dbf") == "GBK"
    (tmp_path / "utf8.dbf").write_bytes(bytes(32) + "地块".encode())
    assert dbf_encoding(tmp_path / "utf8.dbf") == "UTF-8"
    (tmp_path / "plain.dbf").write_bytes(bytes(32) + "地块".encode("gbk"))
    assert dbf_encoding(tmp_path / "plain.dbf") == "GBK"


def test_a_utf8_bom_before_a_gbk_body_is_read_as_gbk_with_a_note() -> None:
    notes: list[str] = []
    assert decode_text(b"\xef\xbb\xbf" + "名称,经度\n".encode("gbk"), "a.csv", None, notes) == "名称,经度\n"
    assert notes and "GBK" in notes[0] and notes[0].startswith("a.csv")


def test_utf16_with_its_bom_is_excel_unicode_text() -> None:
    assert decode_text("名称\t经度\n".encode("utf-16"), "a.txt", None) == "名称\t经度\n"
    with pytest.raises(InputError, match="文本编码无法识别"):
        decode_text(b"\xff\xfe\x00\xd8\x00\xdc\x81", "a.txt", None)
