"""Zip archives (zipped Shapefiles, KMZ, XLSX) opened safely.

Python's zipfile checks neither paths nor expanded size before writing, so this module refuses
absolute and ``..`` paths, too many entries and archives that declare (or, while writing, turn out
to hold) more than ``LUKOU_MAX_EXPANDED_MB``: nothing is written outside the destination.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from lukou_geo.errors import InputError
from lukou_geo.settings import get_settings


def _bad_member(name: str) -> bool:
    p = name.replace("\\", "/")
    return p.startswith("/") or re.match(r"^[a-zA-Z]:", p) is not None or ".." in PurePosixPath(p).parts


def check_zip_safety(data: bytes, file: str) -> zipfile.ZipFile:
    """The archive, opened, once its entry count, every path and the declared expanded size are within the limits."""
    s = get_settings()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise InputError(file, "不是有效的 zip 压缩包", "not a valid zip archive", "重新压缩后上传", "zip the files again") from exc
    infos = zf.infolist()
    if len(infos) > s.max_archive_entries:
        raise InputError(
            file,
            f"压缩包有 {len(infos)} 个文件,超过上限 {s.max_archive_entries}",
            f"{len(infos)} entries exceed {s.max_archive_entries}",
            "只打包需要的文件",
            "zip only the files needed",
        )
    for info in infos:
        if _bad_member(info.filename):
            raise InputError(
                file,
                f"压缩包含有不安全的路径「{info.filename}」(绝对路径或 ..),已拒绝,未写入任何文件",
                f"unsafe path {info.filename!r} (absolute or ..) refused; nothing was written",
                "重新打包,只含相对路径",
                "re-create the archive with relative paths only",
            )
    total = sum(i.file_size for i in infos)
    if total > s.max_expanded_bytes:
        raise InputError(
            file,
            f"解压后 {total / 2**20:.0f} MB,超过上限 {s.max_expanded_bytes / 2**20:.0f} MB",
            f"expands to {total / 2**20:.0f} MB, over the {s.max_expanded_bytes / 2**20:.0f} MB limit",
            "上传更小的文件",
            "upload a smaller archive",
        )
    return zf


def _copy_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, file: str, written: int, limit: int) -> int:
    """Write one entry to ``target``, counting the real bytes; the running total, or :class:`InputError` past ``limit``."""
    try:
        with zf.open(info) as src, target.open("wb") as dst:
            while chunk := src.read(1 << 20):
                written += len(chunk)
                if written > limit:
                    raise InputError(
                        file,
                        f"解压后超过上限 {limit / 2**20:.0f} MB",
                        f"expands beyond the {limit / 2**20:.0f} MB limit",
                        "上传更小的文件",
                        "upload a smaller archive",
                    )
                dst.write(chunk)
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as exc:
        raise InputError(
            file,
            f"压缩包中的 {info.filename} 已损坏或加密({exc})",
            f"{info.filename} is damaged or encrypted ({exc})",
            "重新压缩(不加密)后上传",
            "zip it again without a password",
        ) from exc
    return written


def safe_extract(data: bytes, file: str, dest: Path) -> list[Path]:
    """Extract a zip into ``dest`` after checking every path and the expanded size.

    Refuses (raising :class:`InputError`, with nothing written) absolute or ``..`` paths and
    archives whose entries declare more than the limit; while writing, counts the real bytes so an
    archive that lies about its sizes is stopped at the limit too.
    """
    zf = check_zip_safety(data, file)
    limit = get_settings().max_expanded_bytes
    written = 0
    out: list[Path] = []
    with zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            target = dest / PurePosixPath(info.filename.replace("\\", "/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            written = _copy_member(zf, info, target, file, written, limit)
            out.append(target)
    return out


def find_in_dir(folder: Path, suffixes: Iterable[str]) -> list[Path]:
    """The files under an extracted ``folder`` whose suffix (any case) is one of ``suffixes``, sorted; macOS's ``__MACOSX`` left out."""
    wanted = tuple(suffixes)
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in wanted and "__MACOSX" not in p.parts)
