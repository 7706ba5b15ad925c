"""Text encodings of the inputs: UTF-8 (with or without BOM) or GBK, in text files and in ``.dbf`` tables."""

from __future__ import annotations

from pathlib import Path

from lukou_geo.errors import InputError


def _unknown(file: str) -> InputError:
    return InputError(
        file,
        "文本编码无法识别(既不是 UTF-8 也不是 GBK)",
        "unknown text encoding (neither UTF-8 nor GBK)",
        "另存为 UTF-8 的 CSV",
        "save the file as UTF-8 CSV",
    )


def _after_bom(data: bytes, file: str, notes: list[str] | None) -> str:
    """A text behind a UTF-8 BOM: UTF-8, or a GBK body some tools put behind a BOM (with a note)."""
    try:
        return data[3:].decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data[3:].decode("gb18030")
    except UnicodeDecodeError as exc:
        raise _unknown(file) from exc
    if notes is not None:
        notes.append(f"{file}:文件以 UTF-8 标记(BOM)开头,但内容是 GBK 编码,已按 GBK 读取 / a UTF-8 BOM precedes a GBK body: read as GBK")
    return text


def decode_text(data: bytes, file: str, encoding: str | None, notes: list[str] | None = None) -> str:
    """The text of a CSV or TXT: in ``encoding`` when given, else by its BOM (UTF-8, UTF-16), else UTF-8, else
    GB18030 (a superset of GBK). A UTF-8 BOM before a GBK body is read as GBK, with a note in ``notes``."""
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(
                file,
                f"不能按 {encoding} 解码({exc})",
                f"cannot decode as {encoding} ({exc})",
                "选择正确的编码(UTF-8 或 GBK)",
                "choose the right encoding (UTF-8 or GBK)",
            ) from exc
    if data.startswith(b"\xef\xbb\xbf"):
        return _after_bom(data, file, notes)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" is UTF-16 with a BOM
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _unknown(file) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise _unknown(file) from exc


def dbf_encoding(dbf: Path) -> str:
    """Encoding of a .dbf without a .cpg: code page byte 29 (0x4D = GBK), else try UTF-8, else GBK."""
    raw = dbf.read_bytes()
    if len(raw) > 29 and raw[29] in (0x4D, 0x7A):
        return "GBK"
    try:
        raw[32:].decode("utf-8")
        return "UTF-8"
    except UnicodeDecodeError:
        return "GBK"
