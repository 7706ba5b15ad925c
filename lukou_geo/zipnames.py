"""Zip member names as their writer meant them (the site check's uploads and the store's imports).

Windows' own zip tool and most Chinese planners' tools write member names in GBK without the UTF-8
flag (bit 11, 0x800); Python's zipfile then reads them as CP437 (``║∞╧▀.shp`` for ``红线.shp``).
Some tools set the flag on GBK names, and zipfile raises ``UnicodeDecodeError`` opening the archive.
:func:`open_zip` gives every member its real name: an unflagged name is read as UTF-8 when it is
(macOS writes UTF-8 without the flag), else as GBK (GB18030), else kept as CP437; a flag on a name
that is not UTF-8 is cleared first. zipfile's ``metadata_encoding`` (one codec for every member)
would misread the UTF-8 names of the other case. Only ``ZipInfo.filename`` changes, so zipfile's
own check of the local headers (against ``orig_filename``) still holds.
"""

from __future__ import annotations

import io
import mmap
import shutil
import struct
import tempfile
import zipfile
from pathlib import Path
from typing import IO

UTF8_FLAG = 0x800


def clear_false_utf8_flags(buf: bytearray | mmap.mmap) -> None:
    """Clear, in place, the UTF-8 flag of members whose names are not UTF-8 (central and local headers)."""
    eocd = buf.rfind(b"PK\x05\x06")
    if eocd < 0 or len(buf) < eocd + 22:
        return
    count, size, offset = struct.unpack("<HII", buf[eocd + 10 : eocd + 20])
    concat = eocd - size - offset  # bytes before the archive (a self-extractor's stub)
    pos = offset + concat
    for _ in range(count):
        if buf[pos : pos + 4] != b"PK\x01\x02":
            break
        (flags,) = struct.unpack("<H", buf[pos + 8 : pos + 10])
        n, m, k = struct.unpack("<HHH", buf[pos + 28 : pos + 34])
        (local,) = struct.unpack("<I", buf[pos + 42 : pos + 46])
        name = bytes(buf[pos + 46 : pos + 46 + n])
        if flags & UTF8_FLAG:
            try:
                name.decode("utf-8")
            except UnicodeDecodeError:
                buf[pos + 8 : pos + 10] = struct.pack("<H", flags & ~UTF8_FLAG)
                lp = local + concat
                if buf[lp : lp + 4] == b"PK\x03\x04":
                    (lflags,) = struct.unpack("<H", buf[lp + 6 : lp + 8])
                    buf[lp + 6 : lp + 8] = struct.pack("<H", lflags & ~UTF8_FLAG)
        pos += 46 + n + m + k


def decode_member_names(zf: zipfile.ZipFile) -> None:
    """Give unflagged members their real names: the raw bytes as UTF-8, else GBK (GB18030), else CP437 as read."""
    for info in zf.infolist():
        if info.flag_bits & UTF8_FLAG:
            continue
        raw = info.orig_filename.encode("cp437")
        for codec in ("utf-8", "gb18030"):
            try:
                info.filename = raw.decode(codec)
                break
            except UnicodeDecodeError:
                continue
    # zipfile's name index (getinfo, open by name) follows the decoded names
    zf.NameToInfo = {info.filename: info for info in zf.infolist()}


class _CopyZip(zipfile.ZipFile):
    """A ZipFile over a temporary copy of an archive, which goes when the archive is closed."""

    def __init__(self, copy: IO[bytes]) -> None:
        self._copy = copy
        super().__init__(copy)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._copy.close()


def _flags_cleared(source: bytes | Path) -> zipfile.ZipFile:
    """The archive with the false UTF-8 flags cleared, in memory for bytes, in a temporary copy for a file."""
    if isinstance(source, bytes):
        buf = bytearray(source)
        clear_false_utf8_flags(buf)
        return zipfile.ZipFile(io.BytesIO(bytes(buf)))
    copy = tempfile.TemporaryFile()  # closed with the archive (_CopyZip)
    try:
        with Path(source).open("rb") as fh:
            shutil.copyfileobj(fh, copy, 1 << 20)
        copy.flush()
        with mmap.mmap(copy.fileno(), 0) as mm:
            clear_false_utf8_flags(mm)
        copy.seek(0)
        return _CopyZip(copy)
    except BaseException:
        copy.close()
        raise


def open_zip(source: bytes | Path) -> zipfile.ZipFile:
    """The archive (bytes or a file), every member under its real name; ``zipfile.BadZipFile`` and
    the other errors of :class:`zipfile.ZipFile` pass through for the caller's message."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except UnicodeDecodeError:  # a member flagged UTF-8 whose name is GBK
        zf = _flags_cleared(source)
    decode_member_names(zf)
    return zf
