"""The planner's own offline basemaps: MBTiles, PMTiles or GeoTIFF files registered in ``LUKOU_DATA_DIR/basemaps/``.

A bureau's 天地图 cache, its imagery or a vector basemap, packed as MBTiles (SQLite) or PMTiles, is
*registered*: copied into the data dir and listed in ``basemaps.json`` with its provenance (file,
sha256, source CRS, who, when). A GeoTIFF (``.tif``/``.tiff``: RGB, RGBA, paletted or single-band,
8-bit, in any CRS it declares, e.g. CGCS2000 GK EPSG:4526/4547, EPSG:4490, 4326, 3857) is converted
at registration into an MBTiles of PNG tiles in EPSG:3857 (GDAL's MBTiles driver through rasterio,
zoom levels ``LUKOU_BASEMAP_MINZOOM``–``LUKOU_BASEMAP_MAXZOOM`` at most, see :mod:`._geotiff`), and
its provenance names the GeoTIFF (file, sha256, CRS). A conversion writes to a temporary file in the
same folder, renamed only when complete, so a failure or an interruption leaves no half-written basemap;
a GeoTIFF without a CRS, a corrupt one, one that does not reach the district in the CRS it declares (a
wrong CRS) or one over the store's size limits (``LUKOU_STORE_MAX_FILE_MB``, ``LUKOU_STORE_MAX_EXPANDED_MB``
for its decoded pixels) raises :class:`~lukou_geo.errors.BasemapError` naming the file and the fix.

The server's ``/lk/basemap/{id}/{z}/{x}/{y}`` route reads the tiles (:func:`read_tile`); the atlas
offers a basemap in the basemap choice as ``local:<id>``. Nothing here touches the network.

Registering writes (an admin action: the 图层管理 page, ``python -m lukou_geo basemaps register``);
reading is what the routes do.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lukou_geo.errors import BasemapError
from lukou_geo.settings import get_settings

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
FORMATS = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp",
           "pbf": "application/vnd.mapbox-vector-tile", "mvt": "application/vnd.mapbox-vector-tile"}
_PMTILES_TYPES = {1: "pbf", 2: "png", 3: "jpg", 4: "webp"}
#: What can be registered: the tile containers as they are, GeoTIFFs converted to MBTiles.
SUFFIXES = (".mbtiles", ".pmtiles", ".tif", ".tiff")
GEOTIFF_SUFFIXES = (".tif", ".tiff")
_LOCK = threading.Lock()


@dataclass(frozen=True)
class BasemapInfo:
    """A registered basemap."""

    id: str
    title: str
    file: str  # name inside the basemaps folder
    container: str  # "mbtiles" | "pmtiles"
    format: str  # png | jpg | webp | pbf
    minzoom: int
    maxzoom: int
    bounds: tuple[float, float, float, float]
    attribution: str
    source_file: str
    sha256: str
    registered_by: str
    registered_at: str
    source_crs: str = ""  # the GeoTIFF's declared CRS; EPSG:3857 for MBTiles/PMTiles ("" in older registries)

    @property
    def vector(self) -> bool:
        return self.format in ("pbf", "mvt")

    @property
    def content_type(self) -> str:
        return FORMATS[self.format]


def basemaps_dir() -> Path:
    """``LUKOU_DATA_DIR/basemaps`` (read at call time)."""
    return get_settings().data_dir / "basemaps"


def _registry() -> Path:
    return basemaps_dir() / "basemaps.json"


def list_basemaps() -> list[BasemapInfo]:
    """Every registered basemap, in registration order (none when the folder does not exist)."""
    path = _registry()
    if not path.is_file():
        return []
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BasemapError(f"{path} 无法读取({exc}):请恢复或删除该文件", f"{path} cannot be read ({exc}): restore or delete it") from exc
    return [BasemapInfo(**{**e, "bounds": tuple(e["bounds"])}) for e in entries]


def get_basemap(basemap_id: str) -> BasemapInfo:
    for info in list_basemaps():
        if info.id == basemap_id:
            return info
    raise BasemapError(f"没有底图 {basemap_id}", f"no basemap {basemap_id!r}")


def _mbtiles_meta(path: Path) -> dict[str, Any]:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            meta = dict(con.execute("SELECT name, value FROM metadata").fetchall())
            zooms = con.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise BasemapError(f"{path.name} 不是 MBTiles 文件({exc})", f"{path.name} is not an MBTiles file ({exc})") from exc
    fmt = str(meta.get("format", "png")).lower()
    bounds = tuple(float(v) for v in str(meta.get("bounds", "-180,-85.0511,180,85.0511")).split(","))
    return {"format": fmt, "minzoom": int(meta.get("minzoom", zooms[0] or 0)), "maxzoom": int(meta.get("maxzoom", zooms[1] or 0)),
            "bounds": bounds, "title": str(meta.get("name", "")), "attribution": str(meta.get("attribution", ""))}


def _pmtiles_meta(path: Path) -> dict[str, Any]:
    from pmtiles.reader import MmapSource, Reader
    from pmtiles.tile import MagicNumberNotFound

    try:
        with path.open("rb") as fh:
            reader = Reader(MmapSource(fh))
            h = reader.header()
            try:
                meta = reader.metadata()
            except ValueError:
                meta = {}
    except (MagicNumberNotFound, ValueError, OSError) as exc:
        raise BasemapError(f"{path.name} 不是 PMTiles v3 文件({exc})", f"{path.name} is not a PMTiles v3 file ({exc})") from exc
    fmt = _PMTILES_TYPES.get(h["tile_type"].value)
    if fmt is None:
        raise BasemapError(f"{path.name}:不支持的瓦片类型 {h['tile_type'].name}", f"{path.name}: unsupported tile type {h['tile_type'].name}")
    bounds = (h["min_lon_e7"] / 1e7, h["min_lat_e7"] / 1e7, h["max_lon_e7"] / 1e7, h["max_lat_e7"] / 1e7)
    return {"format": fmt, "minzoom": h["min_zoom"], "maxzoom": h["max_zoom"], "bounds": bounds,
            "title": str(meta.get("name", "")), "attribution": str(meta.get("attribution", ""))}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def register_basemap(path: Path, *, user: str, basemap_id: str | None = None, title: str | None = None,
                     attribution: str | None = None, source_name: str | None = None,
                     progress: Callable[[float, str], None] | None = None) -> BasemapInfo:
    """Register an MBTiles/PMTiles file (copied) or a GeoTIFF (converted to MBTiles) and list it
    (replaces one of the same id).

    Parameters
    ----------
    path : the file on this machine (an upload saved, or a server path)
    user : who registers (recorded)
    basemap_id, title, attribution : default from the file's name and metadata
    source_name : the file's name as the user knows it (an upload's name), recorded and used in messages
    progress : ``progress(fraction, message)`` during a GeoTIFF's conversion

    Raises
    ------
    BasemapError
        The file is not MBTiles, PMTiles or GeoTIFF, is missing, the id is not ``[a-z0-9_-]``, its format
        is unknown; a GeoTIFF without a CRS, corrupt, not 8-bit or over the size limits.
    """
    path = Path(path)
    name = source_name or path.name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise BasemapError(f"{name}:底图须为 .mbtiles、.pmtiles 或 GeoTIFF(.tif / .tiff)文件",
                           f"{name}: a basemap must be an .mbtiles, .pmtiles or GeoTIFF (.tif / .tiff) file")
    if not path.is_file():
        raise BasemapError(f"找不到文件 {path}:请检查服务器上的路径", f"no file {path}: check the path on the server")
    bid = basemap_id or re.sub(r"[^a-z0-9_-]+", "-", Path(name).stem.lower()).strip("-")[:40] or "basemap"
    if not ID_RE.match(bid):
        raise BasemapError(f"底图编号 {bid} 只能含小写字母、数字、- 和 _", f"basemap id {bid!r}: use lower-case letters, digits, - and _")
    if suffix in GEOTIFF_SUFFIXES:
        return _register_geotiff(path, name, bid, user=user, title=title, attribution=attribution, progress=progress)
    container = suffix[1:]
    meta = _mbtiles_meta(path) if container == "mbtiles" else _pmtiles_meta(path)
    if meta["format"] not in FORMATS:
        raise BasemapError(f"{name}:不支持的瓦片格式 {meta['format']}", f"{name}: unsupported tile format {meta['format']!r}")
    from lukou_geo.map import _geotiff

    folder = basemaps_dir()
    folder.mkdir(parents=True, exist_ok=True)
    info = _info(bid, name, container, meta, path, user=user, title=title, attribution=attribution, source_crs="EPSG:3857")
    with contextlib.ExitStack() as stack:
        with _folder_lock(folder):
            _geotiff.remove_stale_parts(folder)
            tmp = stack.enter_context(_geotiff.held_part(folder, bid, container))
        try:
            shutil.copyfile(path, tmp)
        except OSError as exc:
            raise _write_error(folder, name, exc) from exc
        return _install(tmp, info)


def _write_error(folder: Path, name: str, exc: OSError) -> BasemapError:
    """A write into the basemaps folder failed (a full disk, no permission): nothing was registered, nothing lost."""
    return BasemapError(
        f"写入 {folder} 失败({exc}):{name} 未登记,原有底图及其登记不变;请检查该磁盘的剩余空间与写权限后重新登记",
        f"writing into {folder} failed ({exc}): {name} was not registered, and the basemaps there and their registry are as "
        "they were; check the disk's free space and the write permission, then register it again",
    )


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """The basemaps folder's writes serialised across threads and processes: an ``flock`` on the folder itself
    (two registrations at once would otherwise each write the registry they read: one of them lost)."""
    with _LOCK:
        fd = os.open(folder, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # dropped by the kernel when the process dies
            yield
        finally:
            os.close(fd)


def _install(part: Path, info: BasemapInfo) -> BasemapInfo:
    """Move the complete ``part`` in as ``info``'s file and list it, replacing a basemap of the same id.

    The file goes under a name no basemap is using (``dom.mbtiles``, else ``dom.2.mbtiles`` …), so until the
    registry names it (the commit: one rename) the old basemap, its file and the registry are as they were; a
    failure before that (a full disk) removes the new file. The old file goes once the registry is written.
    """
    folder = part.parent
    with _folder_lock(folder):
        stem, ext = info.file.rsplit(".", 1)
        file, k = info.file, 1
        while (folder / file).exists():
            k += 1
            file = f"{stem}.{k}.{ext}"
        info = replace(info, file=file)
        try:
            os.replace(part, folder / file)
            _list(info)
        except BaseException as exc:
            (folder / file).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise _write_error(folder, info.source_file, exc) from exc
            raise
    return info


def _info(bid: str, name: str, container: str, meta: dict[str, Any], source: Path, *, user: str, title: str | None,
          attribution: str | None, source_crs: str) -> BasemapInfo:
    return BasemapInfo(
        id=bid, title=title or meta["title"] or Path(name).stem, file=f"{bid}.{container}", container=container,
        format=meta["format"], minzoom=int(meta["minzoom"]), maxzoom=int(meta["maxzoom"]),
        bounds=tuple(meta["bounds"]), attribution=attribution if attribution is not None else meta["attribution"],
        source_file=name, sha256=_sha256(source), registered_by=user,
        registered_at=datetime.now(UTC).replace(microsecond=0).isoformat(), source_crs=source_crs,
    )


def _register_geotiff(path: Path, name: str, bid: str, *, user: str, title: str | None, attribution: str | None,
                      progress: Callable[[float, str], None] | None) -> BasemapInfo:
    """Convert a GeoTIFF into ``<id>.mbtiles`` beside the others: written under a temporary name, renamed when done."""
    from lukou_geo.map import _geotiff

    say = progress or (lambda fraction, message: None)
    say(0.0, f"检查 {name} / checking {name}")
    _geotiff.check_geotiff(path, name)  # before anything is written
    folder = basemaps_dir()
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    done = False
    try:
        with contextlib.ExitStack() as stack:  # a failure, or an interruption (KeyboardInterrupt too), leaves no part behind
            with _folder_lock(folder):
                _geotiff.remove_stale_parts(folder)  # those of a conversion killed earlier
                tmp = stack.enter_context(_geotiff.held_part(folder, bid))
            conv = _geotiff.convert_geotiff(path, tmp, name=name, title=title or Path(name).stem, progress=progress)
            meta = _mbtiles_meta(tmp)
            info = _info(bid, name, "mbtiles", {**meta, "title": ""}, path, user=user, title=title, attribution=attribution,
                         source_crs=conv["source_crs"])
            info = _install(tmp, info)
        done = True
    finally:
        if created and not done and not any(folder.iterdir()):
            folder.rmdir()  # nor a basemaps folder that was not there
    say(1.0, f"已登记 {name} / registered {name}")
    return info


def remove_basemap(basemap_id: str, user: str) -> None:
    """Unlist a basemap and delete its file (an admin action)."""
    get_basemap(basemap_id)  # none of that id: said before the folder is locked (it may not exist)
    with _folder_lock(basemaps_dir()):
        info = get_basemap(basemap_id)  # as listed now: a replacement meanwhile may have given it another file
        _write_registry([b for b in list_basemaps() if b.id != basemap_id])
        (basemaps_dir() / info.file).unlink(missing_ok=True)


def _list(info: BasemapInfo) -> None:
    """List ``info`` (its file already in place) instead of a basemap of the same id, whose other file goes."""
    before = [b for b in list_basemaps() if b.id == info.id]
    _write_registry([b for b in list_basemaps() if b.id != info.id] + [info])
    for old in before:
        if old.file != info.file:  # e.g. a PMTiles replaced by a GeoTIFF's MBTiles
            (basemaps_dir() / old.file).unlink(missing_ok=True)


def _write_registry(entries: list[BasemapInfo]) -> None:
    path = _registry()
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".json.part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump([asdict(e) for e in entries], fh, ensure_ascii=False, indent=1)
        os.replace(tmp, path)
    except BaseException:  # a full disk: the registry as it was, no part left
        Path(tmp).unlink(missing_ok=True)
        raise


def read_tile(info: BasemapInfo, z: int, x: int, y: int) -> bytes | None:
    """One tile (XYZ numbering) of a registered basemap as stored (a vector tile may be gzipped), or None."""
    path = basemaps_dir() / info.file
    if info.container == "mbtiles":
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                              (z, x, (1 << z) - 1 - y)).fetchone()
        finally:
            con.close()
        return bytes(row[0]) if row else None
    from pmtiles.reader import MmapSource, Reader

    with path.open("rb") as fh:
        data = Reader(MmapSource(fh)).get(z, x, y)
    return bytes(data) if data else None


def add_local_basemap(m: Any, basemap_id: str) -> Any:
    """Add a registered basemap to a folium map as its base tiles (raster: a tile layer; vector: a grey
    VectorGrid), served by this app's ``/lk/basemap/`` route; returns the layer element."""
    import folium
    from branca.element import MacroElement
    from folium.elements import JSCSSMixin
    from jinja2 import Template

    from lukou_geo.map.render import esc, script_json
    from lukou_geo.map.server import basemap_url

    info = get_basemap(basemap_id)
    url = basemap_url(info.id)
    attr = esc(f"{info.title} · {info.attribution}" if info.attribution else info.title)
    if not info.vector:
        layer = folium.TileLayer(tiles=url, attr=attr, name=esc(info.title), control=False, min_zoom=0, max_zoom=20,
                                 max_native_zoom=info.maxzoom, min_native_zoom=info.minzoom)
        layer.add_to(m)
        return layer

    class _VectorBasemap(JSCSSMixin, MacroElement):
        default_js = [("leaflet_vectorgrid", "https://cdn.jsdelivr.net/npm/leaflet.vectorgrid@1.3.0/dist/Leaflet.VectorGrid.bundled.js")]
        _template = Template("""
            {% macro script(this, kwargs) %}
            (function() {
                var c = {{ this.cfg }};
                var s = {fill: true, fillColor: "#e6e4dc", fillOpacity: 1, color: "#a7a49a", weight: 0.6};
                L.vectorGrid.protobuf(c.url, {rendererFactory: L.canvas.tile, interactive: false, attribution: c.attr,
                    maxNativeZoom: c.maxzoom, vectorTileLayerStyles: new Proxy({}, {get: function() { return s; }})})
                    .addTo({{ this._parent.get_name() }});
            })();
            {% endmacro %}
        """)

        def __init__(self) -> None:
            super().__init__()
            self._name = "VectorBasemap"
            self.cfg = script_json({"url": url, "attr": attr, "maxzoom": info.maxzoom})

    element = _VectorBasemap()
    element.add_to(m)
    return element
