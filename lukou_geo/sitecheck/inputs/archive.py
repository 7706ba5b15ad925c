"""Zip archives (zipped Shapefiles, KMZ, XLSX) opened safely.

Python's zipfile checks neither paths nor expanded size before writing, so this module refuses
absolute and ``..`` paths, too many entries and archives that declare (or, while writing, turn out
to hold) more than ``LUKOU_MAX_EXPANDED_MB``: nothing is written outside the destination.

Member names are decoded as their writer meant them (:func:`lukou_geo.zipnames.open_zip`: GBK names
with or without a false UTF-8 flag, UTF-8 names without one), instead of a traceback or mojibake.
The readers extract to short safe names (:func:`extract` with ``safe_names``: one folder per member
folder, one stem per member stem, so a shapefile's siblings stay together), so a member's name never
reaches the file system or GDAL: a 300-character folder, a file and a folder of the same name, a name
GDAL would parse (```);alert(1);(```) are all read. A member that cannot be written is a member error
naming it, and the other members are still read: a symbolic link, a repeated name, a path the system
refuses.
"""

from __future__ import annotations

import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lukou_geo.errors import InputError
from lukou_geo.settings import get_limits
from lukou_geo.zipnames import open_zip

_NAME_MAX_BYTES = 255  # one path component, as Linux, macOS and Windows file systems allow


def _bad_member(name: str) -> bool:
    p = name.replace("\\", "/")
    return p.startswith("/") or re.match(r"^[a-zA-Z]:", p) is not None or ".." in PurePosixPath(p).parts


def _open(data: bytes, file: str) -> zipfile.ZipFile:
    try:
        return open_zip(data)
    except (zipfile.BadZipFile, UnicodeDecodeError, ValueError, OSError, EOFError, struct.error) as exc:
        raise InputError(file, "不是有效的 zip 压缩包", "not a valid zip archive", "重新压缩后上传", "zip the files again") from exc


def check_zip_safety(data: bytes, file: str) -> zipfile.ZipFile:
    """The archive, opened (close it), once its entry count, every path and the declared expanded size are within the limits."""
    s = get_limits()
    zf = _open(data, file)
    infos = zf.infolist()
    try:
        if len(infos) > s.max_archive_entries:
            raise InputError(
                file,
                f"压缩包有 {len(infos)} 个文件,超过上限 {s.max_archive_entries}",
                f"{len(infos)} entries exceed {s.max_archive_entries}",
                "只打包需要的文件,或设置 LUKOU_MAX_ARCHIVE_ENTRIES",
                "zip only the files needed, or raise LUKOU_MAX_ARCHIVE_ENTRIES",
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
                "上传更小的文件,或设置 LUKOU_MAX_EXPANDED_MB",
                "upload a smaller archive, or raise LUKOU_MAX_EXPANDED_MB",
            )
    except InputError:
        zf.close()
        raise
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
                        "上传更小的文件,或设置 LUKOU_MAX_EXPANDED_MB",
                        "upload a smaller archive, or raise LUKOU_MAX_EXPANDED_MB",
                    )
                dst.write(chunk)
    except (zipfile.BadZipFile, EOFError, RuntimeError, ValueError, zlib.error) as exc:  # zlib: damaged data
        raise InputError(
            file,
            f"压缩包中的 {info.filename} 已损坏或加密({exc})",
            f"{info.filename} is damaged or encrypted ({exc})",
            "重新压缩(不加密)后上传",
            "zip it again without a password",
        ) from exc
    return written


def member_error(file: str, member: str, problem_zh: str, problem_en: str, fix_zh: str, fix_en: str) -> InputError:
    """The error of one member of an archive, naming it."""
    return InputError(file, f"成员「{member}」{problem_zh}", f"member {member!r} {problem_en}", fix_zh, fix_en)


@dataclass
class Extracted:
    """What an extraction wrote (with each file's member name), the members it could not write (errors)
    and those it was not asked for."""

    paths: list[Path] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    names: dict[Path, str] = field(default_factory=dict)

    def name(self, path: Path) -> str:
        """The member name a written file came from."""
        return self.names.get(path, path.name)


class _SafeNames:
    """Short names for members: ``d<k>/s<j><suffix>``, one folder per member folder, one stem per (folder, stem)."""

    def __init__(self, dest: Path) -> None:
        self.dest, self.dirs, self.stems = dest, {}, {}  # type: ignore[var-annotated]

    def __call__(self, member: str) -> Path:
        p = PurePosixPath(member.replace("\\", "/"))
        d = self.dirs.setdefault(str(p.parent), len(self.dirs))
        stem = p.name[: -len(p.suffix)] if p.suffix else p.name
        j = self.stems.setdefault((d, stem), len(self.stems))
        return self.dest / f"d{d}" / f"s{j}{p.suffix.lower()}"


def _member_problem(info: zipfile.ZipInfo, target: Path, dest: Path, written: set[Path]) -> tuple[str, str] | None:
    """Why a member cannot be written to ``target`` (zh, en), or None."""
    if stat.S_ISLNK(info.external_attr >> 16):
        return "是符号链接,已跳过(不跟随压缩包中的链接)", "is a symbolic link: skipped (links in archives are not followed)"
    long = [p for p in target.relative_to(dest).parts if len(p.encode("utf-8")) > _NAME_MAX_BYTES]
    if long:
        return (
            f"的名称中有一段长 {len(long[0].encode('utf-8'))} 字节,超过文件系统的 {_NAME_MAX_BYTES} 字节,已跳过",
            f"has a name part {len(long[0].encode('utf-8'))} bytes long, over the file system's {_NAME_MAX_BYTES}: skipped",
        )
    if target in written:
        return "与前面的成员重名,已跳过(保留第一个)", "repeats an earlier member's name: skipped (the first is kept)"
    if not target.resolve().is_relative_to(dest.resolve()):
        return "指向解压目录之外,已跳过", "points outside the extraction folder: skipped"
    return None


def extract(data: bytes, file: str, dest: Path, wanted: Iterable[str] | None = None, safe_names: bool = False) -> Extracted:
    """Extract the members of a zip (those whose suffix is in ``wanted``, any case; all when None) into ``dest``;
    ``safe_names``: under short generated names (see the module docstring), macOS's ``__MACOSX`` left out.

    The archive is refused whole (:class:`InputError`, nothing written) for absolute or ``..`` paths
    and a declared size over the limit; while writing, the real bytes are counted so an archive that
    lies about its sizes is stopped at the limit too. A member that cannot be written is a member error.
    """
    keep = tuple(s.lower() for s in wanted) if wanted is not None else None
    out = Extracted()
    limit = get_limits().max_expanded_bytes
    written = 0
    done: set[Path] = set()
    safe = _SafeNames(dest) if safe_names else None
    with check_zip_safety(data, file) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            member = PurePosixPath(info.filename.replace("\\", "/"))
            if (keep is not None and member.suffix.lower() not in keep) or (safe is not None and "__MACOSX" in member.parts):
                out.skipped.append(info.filename)
                continue
            target = safe(info.filename) if safe is not None else dest / member
            problem = _member_problem(info, target, dest, done)
            if problem is None:
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    written = _copy_member(zf, info, target, file, written, limit)
                except OSError as exc:  # a file where a folder is needed, or the reverse; a path the system refuses
                    problem = (f"无法写出({exc.strerror or exc}),已跳过", f"cannot be written ({exc.strerror or exc}): skipped")
            if problem is not None:
                out.errors.append(
                    member_error(file, info.filename, *problem, "重新打包,用简短、唯一的文件名", "zip it again with short, unique names")
                )
                continue
            done.add(target)
            out.paths.append(target)
            out.names[target] = info.filename
    return out


def safe_extract(data: bytes, file: str, dest: Path) -> list[Path]:
    """Extract every member of a zip into ``dest`` (see :func:`extract`); a member that cannot be written raises its error."""
    ex = extract(data, file, dest)
    if ex.errors:
        raise ex.errors[0]
    return ex.paths


def find_in_dir(folder: Path, suffixes: Iterable[str]) -> list[Path]:
    """The files under an extracted ``folder`` whose suffix (any case) is one of ``suffixes``, sorted; macOS's ``__MACOSX`` left out."""
    wanted = tuple(suffixes)
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in wanted and "__MACOSX" not in p.relative_to(folder).parts)
