"""Opening a delivered file for import: which dataset and layer, its encoding, its hash.

Formats (declared once, in :mod:`.formats`): FileGDB (a ``.gdb`` folder, or zipped), zipped
shapefiles (GBK or UTF-8 ``.dbf``, with or without ``.cpg``), a ``.shp`` with its siblings,
GeoPackage, GeoJSON, KML and KMZ, FlatGeobuf.
Archives are checked (paths, entry count, declared and real expanded size) before anything is
written and extracted into a temporary folder that goes when the import ends.

Limits (``LUKOU_STORE_MAX_FILE_MB``, ``LUKOU_STORE_MAX_EXPANDED_MB``, ``LUKOU_STORE_MAX_FEATURES``)
are checked before the expensive step they guard: the file size before hashing or reading, the
archive's size before extracting, the feature count (from the layer's header) before reading.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import shutil
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pyogrio

from lukou_geo.errors import InputError
from lukou_geo.settings import Settings, get_settings
from lukou_geo.store import formats
from lukou_geo.text import t
from lukou_geo.zipnames import open_zip

_CPG = {"936": "GBK", "cp936": "GBK", "gbk": "GBK", "gb2312": "GBK", "gb18030": "GB18030", "65001": "UTF-8",
        "utf-8": "UTF-8", "utf8": "UTF-8", "ansi 936": "GBK"}


@dataclass
class Candidate:
    """One layer a delivery offers."""

    dataset: Path
    layer: str
    geometry: str | None
    features: int = -1


@dataclass
class Source:
    """The layer chosen from a delivery, ready for reading."""

    file: str  # the delivered file's name (for messages and provenance)
    path: Path
    sha256: str
    dataset: Path
    layer: str
    sublayer: str  # the layer's name as the delivery has it ("" when the file has one layer of its own name)
    driver: str
    encoding: str  # what the strings were decoded from (GBK, UTF-8, …)
    read_encoding: str | None  # what pyogrio decodes a shapefile's strings with (None: the format's own UTF-8)
    features: int
    notes: list[str] = field(default_factory=list)


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB"


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def sha256_of(path: Path) -> str:
    """sha256 of a file, or of a folder (its files' relative paths and contents, in order)."""
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for p in files:
        if path.is_dir():
            h.update(p.relative_to(path).as_posix().encode() + b"\0")
        with p.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    return h.hexdigest()


def _check_size(path: Path, file: str, s: Settings) -> None:
    size = _size(path)
    if size > s.store_max_file_bytes:
        raise InputError(
            file, f"文件 {_mb(size)},超过导入上限 {_mb(s.store_max_file_bytes)}",
            f"the file is {_mb(size)}, over the import limit of {_mb(s.store_max_file_bytes)}",
            "拆分图层,或调高环境变量 LUKOU_STORE_MAX_FILE_MB", "split the layer, or raise LUKOU_STORE_MAX_FILE_MB")
    if size == 0:
        raise InputError(file, "文件是空的", "the file is empty", "选择含数据的文件", "choose a file with data")


def _unsafe(name: str) -> bool:
    p = name.replace("\\", "/")
    return p.startswith("/") or re.match(r"^[a-zA-Z]:", p) is not None or ".." in PurePosixPath(p).parts


def extract(archive: Path, file: str, dest: Path, s: Settings) -> None:
    """Extract ``archive`` into ``dest`` after checking every path and the expanded size; a damaged
    (e.g. truncated) archive is an :class:`InputError` naming the member."""
    limit = s.store_max_expanded_bytes
    fix_zh, fix_en = "重新复制或重新压缩该文件后再导入", "copy or zip the file again, then import it"
    try:
        zf = open_zip(archive)  # members under their real names: GBK from Windows zips, not CP437 mojibake
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError, EOFError, ValueError, struct.error) as exc:
        raise InputError(file, f"不是完整的 zip 压缩包(可能传输中断或已损坏:{exc})",
                         f"not a complete zip archive (truncated or damaged: {exc})", fix_zh, fix_en) from exc
    with zf:
        infos = zf.infolist()
        bad = next((i.filename for i in infos if _unsafe(i.filename)), None)
        if bad:
            raise InputError(file, f"压缩包含有不安全的路径「{bad}」(绝对路径或 ..),已拒绝", f"unsafe path {bad!r} in the archive, refused",
                             "重新打包,只含相对路径", "zip it again with relative paths only")
        declared = sum(i.file_size for i in infos)
        if declared > limit or len(infos) > 100_000:
            raise InputError(file, f"压缩包解压后 {_mb(declared)}({len(infos)} 个文件),超过上限 {_mb(limit)}",
                             f"the archive expands to {_mb(declared)} ({len(infos)} files), over the {_mb(limit)} limit",
                             "拆分图层,或调高 LUKOU_STORE_MAX_EXPANDED_MB", "split the layer, or raise LUKOU_STORE_MAX_EXPANDED_MB")
        written = 0
        for info in infos:
            if info.is_dir():
                continue
            target = dest / PurePosixPath(info.filename.replace("\\", "/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as src, target.open("wb") as out:
                    while chunk := src.read(1 << 20):
                        written += len(chunk)
                        if written > limit:
                            raise InputError(file, f"解压后超过上限 {_mb(limit)}", f"expands beyond the {_mb(limit)} limit",
                                             "调高 LUKOU_STORE_MAX_EXPANDED_MB", "raise LUKOU_STORE_MAX_EXPANDED_MB")
                        out.write(chunk)
            except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, ValueError, zlib.error) as exc:  # zlib: damaged data
                raise InputError(file, f"压缩包中的 {info.filename} 已损坏、不完整或加密({exc})",
                                 f"{info.filename} in the archive is damaged, truncated or encrypted ({exc})", fix_zh, fix_en) from exc


def _datasets(folder: Path) -> list[Path]:
    """The datasets inside an extracted archive: ``.gdb`` folders, then data files outside them."""
    folders, data = formats.folder_suffixes(), formats.data_suffixes()
    gdbs = sorted(p for p in folder.rglob("*") if p.is_dir() and p.suffix.lower() in folders and "__MACOSX" not in p.parts)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in data
                   and "__MACOSX" not in p.parts and not any(g in p.parents for g in gdbs))
    if not gdbs and not files:
        for parent in sorted({p.parent for p in folder.rglob("*.gdbtable")}):  # a FileGDB zipped without its folder:
            home = parent / "data.gdb"  # GDAL knows a FileGDB by its folder's .gdb name
            home.mkdir()
            for f in parent.iterdir():
                if f.is_file():
                    f.rename(home / f.name)
            gdbs.append(home)
    return [*gdbs, *files]


def _candidates(datasets: list[Path], file: str) -> list[Candidate]:
    out: list[Candidate] = []
    for ds in datasets:
        try:
            layers = pyogrio.list_layers(ds)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            raise InputError(file, f"{ds.name} 无法读取({_short(exc)})", f"{ds.name} cannot be read ({_short(exc)})",
                             t("formats.check_complete", "zh", formats=formats.describe("zh")),
                             t("formats.check_complete", "en", formats=formats.describe("en"))) from exc
        for name, gtype in layers:
            if gtype is None:
                continue  # attribute tables (a FileGDB's, a GeoPackage's) are no layers to map
            out.append(Candidate(ds, str(name), str(gtype)))
    return out


def _short(exc: BaseException) -> str:
    text = str(exc).split("\n")[0]
    return re.sub(r"\S*lukou-import-[^/\s]+/?", "", text)[:200]


def _choose(cands: list[Candidate], sublayer: str | None, file: str) -> Candidate:
    if not cands:
        raise InputError(file, "文件中没有含几何的图层", "the file holds no layer with geometry",
                         "确认文件包含点、线或面要素", "check the file holds points, lines or polygons")
    if sublayer:
        match = [c for c in cands if c.layer.lower() == sublayer.lower() or c.dataset.stem.lower() == sublayer.lower()]
        if not match:
            raise InputError(file, f"没有名为「{sublayer}」的图层;文件中的图层:{'、'.join(c.layer for c in cands)}",
                             f"no layer named {sublayer!r}; the file has: {', '.join(c.layer for c in cands)}",
                             "用 --sublayer 选择其中之一", "choose one with --sublayer")
        return match[0]
    if len(cands) > 1:
        listing = []
        for c in cands:
            with contextlib.suppress(pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError):
                c.features = int(pyogrio.read_info(c.dataset, layer=c.layer)["features"])
            listing.append(f"{c.layer}({c.geometry},{c.features} 个要素 / features)")
        raise InputError(file, f"文件中有 {len(cands)} 个图层:{';'.join(listing)}",
                         f"the file has {len(cands)} layers: {'; '.join(listing)}",
                         "用 --sublayer 名称 选择要导入的图层(界面上在“子图层”中选择)", "choose one with --sublayer NAME")
    return cands[0]


def dbf_encoding(shp: Path, file: str) -> tuple[str, str]:
    """(encoding, note) of a shapefile's ``.dbf``: its ``.cpg``; else the code page in the header
    (0x4D = 936, GBK); else UTF-8 if the records decode as UTF-8, else GBK."""
    for cpg in (shp.with_suffix(".cpg"), shp.with_suffix(".CPG")):
        if cpg.exists():
            raw = cpg.read_bytes().decode("ascii", "ignore").strip().lower()
            enc = _CPG.get(raw, raw.upper() or "UTF-8")
            return enc, f"{file}:按 .cpg 读取属性({enc}) / attributes read as {enc} (.cpg)"
    dbf = next((p for p in (shp.with_suffix(".dbf"), shp.with_suffix(".DBF")) if p.exists()), None)
    if dbf is None:
        raise InputError(file, f"Shapefile {shp.name} 缺少 .dbf", f"the shapefile {shp.name} lacks its .dbf",
                         "把 .shp、.shx、.dbf、.prj(及 .cpg)一起打包", "zip .shp, .shx, .dbf, .prj (and .cpg) together")
    with dbf.open("rb") as fh:
        sample = fh.read(8 << 20)
    if len(sample) > 29 and sample[29] in (0x4D, 0x7A):
        return "GBK", f"{file}:没有 .cpg,按 .dbf 头的代码页读作 GBK / no .cpg: GBK from the .dbf code page"
    try:
        import codecs

        codecs.getincrementaldecoder("utf-8")().decode(sample[32:], final=False)
        return "UTF-8", f"{file}:没有 .cpg,属性可按 UTF-8 解码 / no .cpg: attributes decode as UTF-8"
    except UnicodeDecodeError:
        pass
    return "GBK", f"{file}:没有 .cpg,属性不是 UTF-8,按 GBK 读取 / no .cpg and not UTF-8: attributes read as GBK"


def _resolve(path: Path, file: str, tmp: Path, s: Settings) -> list[Path]:
    suffix = path.suffix.lower()
    if path.is_dir():
        if suffix in formats.folder_suffixes() or list(path.glob("*.gdbtable")):
            return [path]
        raise InputError(file, "是一个文件夹,但不是 FileGDB(.gdb)", "is a folder but not a FileGDB (.gdb)",
                         "选择 .gdb 文件夹,或把文件打包为 zip", "choose a .gdb folder or zip the files")
    if suffix in formats.archive_suffixes():
        extract(path, file, tmp, s)
        found = _datasets(tmp)
        if not found and list(tmp.rglob("*.dbf")):
            raise InputError(file, "压缩包中的 Shapefile 缺少 .shp", "the shapefile in the archive lacks its .shp",
                             "把 .shp、.shx、.dbf、.prj 一起打包", "zip .shp, .shx, .dbf and .prj together")
        if not found:
            inside = "、".join(formats.folder_suffixes() + formats.data_suffixes())
            raise InputError(file, t("formats.archive_empty", "zh", suffixes=inside),
                             t("formats.archive_empty", "en", suffixes=inside.replace("、", ", ")),
                             t("formats.archive_fix", "zh"), t("formats.archive_fix", "en"))
        return found
    if suffix in formats.data_suffixes():
        return [path]
    raise formats.unsupported(file, suffix)


@contextlib.contextmanager
def open_source(path: str | Path, sublayer: str | None = None, encoding: str | None = None) -> Iterator[Source]:
    """The layer to import from a delivery, with its temporary files removed afterwards."""
    p = Path(path)
    file = p.name or str(p)
    s = get_settings()
    if not p.exists():
        raise InputError(file, "文件不存在", "no such file", f"检查路径 {p}", f"check the path {p}")
    _check_size(p, file, s)
    tmp = Path(tempfile.mkdtemp(prefix="lukou-import-"))
    try:
        digest = sha256_of(p)
        cand = _choose(_candidates(_resolve(p, file, tmp, s), file), sublayer, file)
        yield _source(p, file, digest, cand, encoding, s)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _source(p: Path, file: str, digest: str, cand: Candidate, encoding: str | None, s: Settings) -> Source:
    notes: list[str] = []
    try:
        info = pyogrio.read_info(cand.dataset, layer=cand.layer, force_feature_count=True)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise InputError(file, f"图层 {cand.layer} 无法读取({_short(exc)})", f"layer {cand.layer} cannot be read ({_short(exc)})",
                         "检查文件是否完整", "check the file is complete") from exc
    n = int(info["features"])
    if n > s.store_max_features:
        raise InputError(file, f"图层 {cand.layer} 有 {n} 个要素,超过上限 {s.store_max_features}",
                         f"layer {cand.layer} has {n} features, over the limit of {s.store_max_features}",
                         "拆分图层,或调高 LUKOU_STORE_MAX_FEATURES", "split the layer, or raise LUKOU_STORE_MAX_FEATURES")
    driver = str(info.get("driver") or "")
    fmt = formats.by_driver(driver)
    if fmt is not None and fmt.id == "shapefile":
        enc, note = dbf_encoding(cand.dataset, file)
        if encoding:
            enc, note = encoding.upper(), f"{file}:按指定编码 {encoding} 读取 / read as {encoding} (as chosen)"
        read_enc = enc
        notes.append(note)
    else:
        enc, read_enc = "UTF-8", None
        if encoding and encoding.upper().replace("-", "") != "UTF8":
            notes.append(f"{file}:{driver} 文件的文字总是 UTF-8,忽略 --encoding {encoding} / {driver} text is UTF-8: --encoding ignored")
    own_name = cand.layer.lower() in (p.stem.lower(), cand.dataset.stem.lower())
    return Source(file=file, path=p, sha256=digest, dataset=cand.dataset, layer=cand.layer,
                  sublayer="" if own_name and not (fmt is not None and fmt.folder) else cand.layer, driver=driver,
                  encoding=enc, read_encoding=read_enc, features=n, notes=notes)
