"""A GeoTIFF turned into an MBTiles basemap, through GDAL (the one bundled in the rasterio wheel).

Why a conversion at registration and not tiles cut on the fly (rio-tiler): the converted MBTiles goes
down the path every other basemap takes (``read_tile``, the ``/lk/basemap/`` route, the map), a
tile request costs one SQLite read instead of a warp of the source, the work and its failures happen
once in front of the admin who registers the file rather than in every planner's map, and the app
needs the source file no more. The price is the disk the tiles take and the wait at registration.

The conversion is GDAL's own (what ``gdal_translate -of MBTILES`` then ``gdaladdo`` do): the
source is warped to EPSG:3857 on the tile grid of its zoom level (a ``WarpedVRT``, so the zoom can
be capped and the warp resampled), written by the MBTiles driver as PNG tiles with an alpha band
(transparent outside the image), then its overviews are built down to the level where the image fits
one tile; levels below that, down to ``LUKOU_BASEMAP_MINZOOM``, are warped from the lowest one and
their tiles added to the same file. A paletted band is expanded to RGBA by the driver. Nothing here
decodes or resamples a pixel by hand.

Progress: the steps (check, tiling the top level, overviews, lower levels) and, while the top level is
written (most of the time: 23 of 32 s for a 6000×6000 image here), the MB written every second
(:func:`_watched`), since rasterio passes no progress callback to GDAL.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import logging
import math
import os
import shutil
import sqlite3
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lukou_geo.errors import BasemapError, SettingsError
from lukou_geo.settings import get_settings

Progress = Callable[[float, str], None]

#: Width of the EPSG:3857 world (metres) and its north-west corner.
_WORLD = 2 * math.pi * 6378137.0
_ORIGIN = -_WORLD / 2
#: Highest zoom level LUKOU_BASEMAP_MAXZOOM may ask for.
MAX_ZOOM = 22


def _res(z: int) -> float:
    """Metres per pixel of 256-pixel tiles at zoom ``z`` in EPSG:3857."""
    return _WORLD / 256 / (1 << z)


def crs_label(crs: Any) -> str:
    """``EPSG:n`` when the CRS has an EPSG code, else its name (as the layer import records it), else its PROJ string."""
    from pyproj import CRS

    epsg = crs.to_epsg()
    if epsg:
        return f"EPSG:{epsg}"
    name = CRS.from_wkt(crs.to_wkt()).name
    return name if name and name.lower() != "unknown" else crs.to_proj4()[:300]  # a CRS of no name: its PROJ string


def _zoom_range() -> tuple[int, int]:
    s = get_settings()
    lo, hi = s.basemap_minzoom, s.basemap_maxzoom
    if hi > MAX_ZOOM or lo > hi:
        raise SettingsError(
            f"环境变量 LUKOU_BASEMAP_MINZOOM={lo}、LUKOU_BASEMAP_MAXZOOM={hi} 无效:须 最低级别 ≤ 最高级别 ≤ {MAX_ZOOM};请改正或删除",
            f"LUKOU_BASEMAP_MINZOOM={lo} and LUKOU_BASEMAP_MAXZOOM={hi} are invalid: they need min ≤ max ≤ {MAX_ZOOM}; fix or unset them",
        )
    return lo, hi


def _open_errors() -> tuple[type[BaseException], ...]:
    from rasterio._err import CPLE_BaseError  # GDAL's own errors; rasterio re-raises most as RasterioIOError
    from rasterio.errors import RasterioError

    return (RasterioError, CPLE_BaseError)


def check_geotiff(path: Path, name: str) -> dict[str, Any]:
    """Open and check a GeoTIFF before anything is written; what the conversion needs to know.

    Raises
    ------
    BasemapError
        Not readable as a GeoTIFF, no CRS, not 8-bit, not 1–4 bands, or bigger than the store's size limits.
    """
    import rasterio
    from rasterio.enums import ColorInterp
    from rasterio.errors import NotGeoreferencedWarning

    s = get_settings()
    size = path.stat().st_size
    if size > s.store_max_file_bytes:
        raise BasemapError(
            f"{name}:文件 {size / 2**20:,.0f} MB,超过上限 {s.store_max_file_bytes / 2**20:,.0f} MB;"
            "请裁剪或压缩(如 gdal_translate -co COMPRESS=JPEG)后再登记,或调高环境变量 LUKOU_STORE_MAX_FILE_MB",
            f"{name}: the file is {size / 2**20:,.0f} MB, over the limit of {s.store_max_file_bytes / 2**20:,.0f} MB; "
            "clip or compress it (e.g. gdal_translate -co COMPRESS=JPEG) first, or raise LUKOU_STORE_MAX_FILE_MB",
        )
    try:
        with warnings.catch_warnings():  # an image without georeferencing is refused below, by name
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            src = rasterio.open(path)
        with src:
            info = {"georeferenced": not src.transform.is_identity, "lonlat": _lonlat_bounds(src),
                    "driver": src.driver, "crs": src.crs, "count": src.count, "dtypes": src.dtypes,
                    "width": src.width, "height": src.height,
                    "palette": src.count >= 1 and src.colorinterp[0] == ColorInterp.palette,
                    "gcps": bool(src.gcps[0]), "last_band": src.colorinterp[-1] if src.count else None}
    except _open_errors() as exc:
        raise BasemapError(
            f"{name} 无法作为 GeoTIFF 读取(文件损坏或不完整:{exc}):请重新导出或重新复制该文件后再登记",
            f"{name} cannot be read as a GeoTIFF (the file is corrupt or incomplete: {exc}): export or copy it again, then register it",
        ) from exc
    if info["driver"] != "GTiff":
        raise BasemapError(f"{name} 不是 GeoTIFF 文件(GDAL 识别为 {info['driver']}):请导出为 GeoTIFF",
                           f"{name} is not a GeoTIFF (GDAL reads it as {info['driver']}): export it as a GeoTIFF")
    if info["gcps"] and not info["georeferenced"]:
        raise BasemapError(
            f"{name} 只有控制点(GCP),没有地理参考(仿射变换),无法直接切片:请先用 gdalwarp -t_srs EPSG:4547 {name} 输出.tif"
            " 纠正后登记纠正后的文件",
            f"{name} is georeferenced by control points (GCPs) only, with no geotransform, so it cannot be tiled as it is: "
            f"rectify it first (gdalwarp -t_srs EPSG:4547 {name} out.tif), then register the rectified file",
        )
    if info["crs"] is None:
        raise BasemapError(
            f"{name} 未声明坐标系,无法放到地图上:请在导出时写入坐标系(如 gdal_edit.py -a_srs EPSG:4547 {name};"
            "2000 国家大地坐标系高斯 3 度带 38 带为 EPSG:4526,中央经线 114° 为 EPSG:4547)后再登记",
            f"{name} declares no CRS, so it cannot be placed on the map: write its CRS into the file "
            f"(e.g. gdal_edit.py -a_srs EPSG:4547 {name}; CGCS2000 GK zone 38 is EPSG:4526, CM 114°E is EPSG:4547), then register it",
        )
    if not info["georeferenced"]:
        raise BasemapError(
            f"{name} 没有地理参考(仿射变换),无法放到地图上:请导出带地理参考的 GeoTIFF(或在文件旁放同名 .tfw),"
            "或用 gdal_translate -a_ullr 左 上 右 下 写入范围后再登记",
            f"{name} has no georeferencing (geotransform), so it cannot be placed on the map: export a georeferenced GeoTIFF "
            "(or put a .tfw of the same name beside it), or write its extent with gdal_translate -a_ullr ulx uly lrx lry, then register it",
        )
    _check_place(info["lonlat"], name, info["crs"])
    if info["count"] not in (1, 2, 3, 4) or set(info["dtypes"]) != {"uint8"}:
        raise BasemapError(
            f"{name}:底图须为 8 位(Byte)的 RGB、RGBA、调色板或单波段影像,该文件为 {info['count']} 个 {info['dtypes'][0]} 波段;"
            "请先用 gdal_translate -ot Byte -scale(或 -b 1 -b 2 -b 3 选波段)转换",
            f"{name}: a basemap must be 8-bit (Byte) RGB, RGBA, paletted or single-band; this file has {info['count']} "
            f"band(s) of {info['dtypes'][0]}: convert it with gdal_translate -ot Byte -scale (or pick bands with -b 1 -b 2 -b 3)",
        )
    if info["count"] in (2, 4) and info["last_band"] != ColorInterp.alpha:
        # drawn as grey + alpha or RGBA, its last band would make the image transparent where it is dark (a
        # near-infrared band of 4-band imagery, say B G R NIR): refused unless the file marks it as alpha
        n, keep = info["count"], "-b 1" if info["count"] == 2 else "-b 1 -b 2 -b 3"
        what = info["last_band"].name if info["last_band"] is not None else "?"
        raise BasemapError(
            f"{name}:共 {n} 个波段,第 {n} 波段未标为透明度(alpha,现为 {what}),可能是近红外等数据波段,直接显示会使影像部分透明:"
            f"请选出显示用的波段(gdal_translate {keep},注意 RGB 顺序),或它确为透明度时标明(gdal_edit.py -colorinterp_{n} alpha {name})"
            "后再登记",
            f"{name} has {n} bands and band {n} is not marked as alpha (it is {what}): it may be a data band such as near-infrared, "
            f"and drawn as transparency it would hide parts of the image. Pick the bands to show (gdal_translate {keep}, minding "
            f"the RGB order), or if it is the transparency mark it so (gdal_edit.py -colorinterp_{n} alpha {name}), then register it",
        )
    decoded = info["width"] * info["height"] * 4
    if decoded > s.store_max_expanded_bytes:
        raise BasemapError(
            f"{name}:影像 {info['width']}×{info['height']} 像素,解码后约 {decoded / 2**20:,.0f} MB,超过上限 "
            f"{s.store_max_expanded_bytes / 2**20:,.0f} MB;请裁剪或降低分辨率(gdal_translate -outsize)后再登记,"
            "或调高环境变量 LUKOU_STORE_MAX_EXPANDED_MB",
            f"{name}: the image is {info['width']}×{info['height']} pixels, about {decoded / 2**20:,.0f} MB decoded, over the "
            f"limit of {s.store_max_expanded_bytes / 2**20:,.0f} MB; clip it or lower its resolution (gdal_translate -outsize) "
            "first, or raise LUKOU_STORE_MAX_EXPANDED_MB",
        )
    return info


def _lonlat_bounds(src: Any) -> tuple[float, ...] | None:
    """The image's extent in lon/lat: None when it has no CRS, ``()`` when its CRS has no way to lon/lat, NaN when
    its corners do not transform."""
    from rasterio.errors import CRSError
    from rasterio.warp import transform_bounds

    if src.crs is None or src.transform.is_identity:
        return None
    try:
        bounds = tuple(transform_bounds(src.crs, "EPSG:4326", *src.bounds, densify_pts=21))
    except (CRSError, ValueError):
        return (math.nan,) * 4
    except _open_errors():  # an engineering (local) CRS: GDAL finds no operation to lon/lat at all
        return ()
    return bounds


def _check_place(bounds: tuple[float, ...] | None, name: str, crs: Any = None) -> None:
    """Refuse an image that does not reach the district: its CRS is wrong (e.g. a zone-38 easting declared as CM 114°)."""
    import shapely

    from lukou_geo.store.prepare import district_zone

    if bounds is None:
        return
    zone = district_zone()
    finite = bool(bounds) and all(math.isfinite(v) for v in bounds) and -180 <= min(bounds[0], bounds[2]) and max(bounds[0], bounds[2]) <= 180 \
        and -90 <= bounds[1] <= bounds[3] <= 90  # west > east: across the antimeridian, so not over the district
    if finite and bounds[0] <= bounds[2] and (zone is None or shapely.box(*bounds).intersects(zone)):
        return
    if not bounds:
        label = crs_label(crs) if crs is not None else "?"
        raise BasemapError(
            f"{name} 声明的坐标系({label})无法换算为经纬度(如独立坐标系、工程坐标系),无法放到地图上:"
            f"请先用 gdalwarp -t_srs EPSG:4547 {name} 输出.tif 转换到国家坐标系(或改正声明的坐标系)后再登记",
            f"{name} declares a CRS ({label}) that cannot be converted to longitude/latitude (a local or engineering CRS), "
            f"so it cannot be placed on the map: warp it to a national CRS first (gdalwarp -t_srs EPSG:4547 {name} out.tif) "
            "or fix the CRS it declares, then register it",
        )
    where = (f"经度 {bounds[0]:.3f}–{bounds[2]:.3f}、纬度 {bounds[1]:.3f}–{bounds[3]:.3f}" if finite else "地球范围之外")
    where_en = (f"lon {bounds[0]:.3f}–{bounds[2]:.3f}, lat {bounds[1]:.3f}–{bounds[3]:.3f}" if finite else "off the globe")
    raise BasemapError(
        f"{name} 按其声明的坐标系位于{where},不在渌口区范围内:请检查坐标系(横坐标带 38 带号前缀为 EPSG:4526,"
        "中央经线 114° 不带带号为 EPSG:4547,经纬度为 EPSG:4490)并改正后再登记",
        f"{name} lies at {where_en} in the CRS it declares, not over the district: check its CRS (a zone-38 easting with the "
        "zone prefix is EPSG:4526, CM 114°E without it EPSG:4547, lon/lat EPSG:4490) and fix it, then register it",
    )


def _grid(src: Any, z: int) -> dict[str, Any]:
    """Transform and size of ``src`` warped to EPSG:3857 at zoom ``z``, snapped outwards to its pixel grid."""
    from affine import Affine
    from rasterio.warp import transform_bounds

    west, south, east, north = transform_bounds(src.crs, "EPSG:3857", *src.bounds, densify_pts=21)
    res = _res(z)
    col0, col1 = math.floor((west - _ORIGIN) / res), math.ceil((east - _ORIGIN) / res)
    row0, row1 = math.floor((-_ORIGIN - north) / res), math.ceil((-_ORIGIN - south) / res)
    return {"transform": Affine(res, 0, _ORIGIN + col0 * res, 0, -res, -_ORIGIN - row0 * res),
            "width": max(1, col1 - col0), "height": max(1, row1 - row0)}


def native_zoom(src: Any) -> int:
    """The zoom level nearest the source's resolution once in EPSG:3857 (GDAL's ``ZOOM_LEVEL_STRATEGY=AUTO``)."""
    from rasterio.warp import calculate_default_transform

    transform, _, _ = calculate_default_transform(src.crs, "EPSG:3857", src.width, src.height, *src.bounds)
    return max(0, round(math.log2(_WORLD / 256 / abs(transform.a))))


def _check_tiles_size(src: Any, z: int, name: str) -> None:
    """Refuse, before anything is written, a top level whose tiles would decode to more than the store's limit:
    a small image over a wide area (the whole globe at zoom 10 is 2.6 × 10¹¹ bytes) is a small file but no small basemap."""
    grid = _grid(src, z)
    decoded, limit = grid["width"] * grid["height"] * 4, get_settings().store_max_expanded_bytes
    if decoded <= limit:
        return
    raise BasemapError(
        f"{name}:在第 {z} 级切片将达 {grid['width']:,}×{grid['height']:,} 像素,解码后约 {decoded / 2**20:,.0f} MB,超过上限 "
        f"{limit / 2**20:,.0f} MB:影像范围远大于渌口区(或分辨率过高)。请先裁剪到渌口区(gdalwarp -te 112.9 27.1 113.4 27.9 "
        "-te_srs EPSG:4326),或调低环境变量 LUKOU_BASEMAP_MINZOOM / LUKOU_BASEMAP_MAXZOOM,或调高 LUKOU_STORE_MAX_EXPANDED_MB",
        f"{name}: at zoom {z} its tiles would span {grid['width']:,}×{grid['height']:,} pixels, about {decoded / 2**20:,.0f} MB "
        f"decoded, over the limit of {limit / 2**20:,.0f} MB: the image reaches far beyond the district (or is very fine). Clip it "
        "to the district first (gdalwarp -te 112.9 27.1 113.4 27.9 -te_srs EPSG:4326), or lower LUKOU_BASEMAP_MINZOOM / "
        "LUKOU_BASEMAP_MAXZOOM, or raise LUKOU_STORE_MAX_EXPANDED_MB",
    )


def _watched(work: Callable[[], None], dst: Path, say: Progress, span: tuple[float, float], what: tuple[str, str],
             expected_bytes: float) -> None:
    """Run ``work`` (one GDAL call, which takes no progress callback through rasterio) in a thread and report,
    every second, how many MB it has written to ``dst`` (its size on disk: the file is never opened meanwhile,
    so GDAL's SQLite writes are never kept waiting). The fraction within ``span`` is an estimate from
    ``expected_bytes``; the MB are measured. An interruption waits for the GDAL call to end (it cannot be
    cancelled) before it goes on, so the caller's clean-up never races GDAL's writes."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed to the calling thread, raised there
            failure.append(exc)

    worker = threading.Thread(target=run, name=f"lukou-geotiff-{dst.name}", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(1.0)
            if worker.is_alive():
                size = sum(p.stat().st_size for p in (dst, dst.with_name(dst.name + "-journal")) if p.exists())
                share = min(size / max(expected_bytes, 1.0), 0.95)
                mb = f"{size / 2**20:,.1f}"
                say(span[0] + (span[1] - span[0]) * share, f"{what[0]}:已写入 {mb} MB / {what[1]}: {mb} MB written")
    except BaseException:
        worker.join()
        raise
    if failure:
        raise failure[0]


def _write_level(src: Any, z: int, dst: Path, name: str, *, paletted: bool, say: Progress | None = None,
                 span: tuple[float, float] = (0.0, 1.0), what: tuple[str, str] = ("", "")) -> None:
    """``src`` warped to zoom ``z`` and written as a new MBTiles ``dst`` by GDAL's MBTiles driver."""
    import rasterio.shutil
    from rasterio.enums import Resampling
    from rasterio.vrt import WarpedVRT

    resampling = Resampling.nearest if paletted else Resampling.bilinear
    # An alpha band makes what lies outside the image transparent, but a paletted band with one beside it
    # would be written as grey: it keeps its colour table alone (the driver expands it), and its nodata if any.
    alpha = src.count in (1, 3) and not paletted
    grid = _grid(src, z)
    with WarpedVRT(src, crs="EPSG:3857", resampling=resampling, add_alpha=alpha, **grid) as vrt:
        def copy() -> None:
            rasterio.shutil.copy(vrt, dst, driver="MBTiles", NAME=name, TYPE="baselayer", TILE_FORMAT="PNG",
                                 RESAMPLING=resampling.name.upper())

        # PNG tiles of imagery take about half of their RGBA pixels (an estimate for the progress only)
        _watched(copy, dst, say or (lambda fraction, message: None), span, what, grid["width"] * grid["height"] * 2)


@contextlib.contextmanager
def _gdal_failures(dst: Path) -> Iterator[list[str]]:
    """The errors GDAL signals while it writes ``dst`` without failing the call (rasterio logs them, "GDAL signalled an
    error", at INFO on ``rasterio._env``): a full disk makes the MBTiles driver drop its tiles and return as if done.

    Only this conversion's threads are listened to (the calling one and :func:`_watched`'s worker for ``dst``); the
    logger's level is lowered meanwhile, and a filter drops again what it would not have let through before.
    """
    logger, caller, worker = logging.getLogger("rasterio._env"), threading.get_ident(), f"lukou-geotiff-{dst.name}"
    failures: list[str] = []
    with _LISTENING_LOCK:  # conversions in other threads listen too: the first sets the level, the last restores it
        if not _LISTENING["count"]:
            _LISTENING.update(level=logger.level, enabled=logger.getEffectiveLevel())
            logger.setLevel(min(_LISTENING["enabled"], logging.INFO))
        _LISTENING["count"] += 1
    enabled = _LISTENING["enabled"]

    def listen(record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO and (record.thread == caller or record.threadName == worker):
            message = record.getMessage()
            if message.startswith("GDAL signalled an error"):
                failures.append(message.partition("msg=")[2] or message)
        return record.levelno >= enabled

    logger.addFilter(listen)
    try:
        yield failures
    finally:
        logger.removeFilter(listen)
        with _LISTENING_LOCK:
            _LISTENING["count"] -= 1
            if not _LISTENING["count"]:
                logger.setLevel(_LISTENING["level"])


_LISTENING_LOCK = threading.Lock()
_LISTENING = {"count": 0, "level": logging.NOTSET, "enabled": logging.WARNING}


def convert_geotiff(path: Path, dst: Path, *, name: str, title: str, progress: Progress | None = None) -> dict[str, Any]:
    """Write ``path`` (a checked GeoTIFF) as the MBTiles ``dst`` (which must not exist); its metadata.

    On any failure ``dst`` may be left half-written: the caller writes to a temporary name and removes it.
    """
    import rasterio
    from rasterio.enums import Resampling

    say = progress or (lambda fraction, message: None)
    info = check_geotiff(path, name)
    lo, hi = _zoom_range()
    try:
        with _gdal_failures(dst) as failures, rasterio.open(path) as src:
            native = native_zoom(src)
            top = min(max(native, lo), hi)
            _check_tiles_size(src, top, name)
            what = (f"切片 {name}:第 {top} 级", f"tiling {name}: zoom {top}")
            say(0.1, f"{what[0]} / {what[1]}")
            _write_level(src, top, dst, title, paletted=info["palette"], say=say, span=(0.1, 0.6), what=what)
            _raise_failures(failures, dst, name)
        factors = [2**k for k in range(1, top - lo + 1)]
        if factors:
            what = (f"金字塔 {name}:第 {top - 1}–{lo} 级", f"overviews of {name}: zoom {top - 1} to {lo}")
            say(0.6, f"{what[0]} / {what[1]}")
            # GDAL builds the levels while the image is bigger than a tile. No MB are reported meanwhile:
            # rasterio 1.4's build_overviews keeps the GIL (measured: no report in 10 s of a 36-megapixel image).
            with _gdal_failures(dst) as failures:
                with rasterio.open(dst, "r+") as out:
                    out.build_overviews(factors, Resampling.average)
                _raise_failures(failures, dst, name)
        bottom = _lowest_zoom(dst)
        if bottom is None:  # GDAL wrote no tile at all and said nothing
            _raise_failures(["no tile written / 未写入任何瓦片"], dst, name)
        for z in range(bottom - 1, lo - 1, -1):  # the image fits one tile already: warp the level below from it
            say(0.9, f"金字塔 {name}:第 {z} 级 / overviews of {name}: zoom {z}")
            part = dst.with_name(f"{dst.name}.z{z}.mbtiles")
            try:
                with _gdal_failures(part) as failures:
                    with rasterio.open(dst) as level:
                        _write_level(level, z, part, title, paletted=False)
                    _raise_failures(failures, dst, name)
                _merge_tiles(dst, part, z)
            finally:
                _unlink(part)
    except sqlite3.Error as exc:  # adding a level's tiles: the disk full, say
        _raise_failures([str(exc)], dst, name)
    except _open_errors() as exc:
        raise BasemapError(
            f"{name} 转换为瓦片失败(文件损坏或不完整:{exc}):请重新导出或重新复制该文件后再登记",
            f"{name} could not be converted to tiles (the file is corrupt or incomplete: {exc}): export or copy it again, then register it",
        ) from exc
    return {"native_zoom": native, "source_crs": crs_label(info["crs"]), "palette": info["palette"]}


def _raise_failures(failures: list[str], dst: Path, name: str) -> None:
    """A conversion during which GDAL signalled errors is not a basemap: refused, naming the first and the free disk."""
    if not failures:
        return
    free = shutil.disk_usage(dst.parent).free / 2**20
    raise BasemapError(
        f"{name} 转换为瓦片时 GDAL 报错({failures[0]}),瓦片不完整,未登记:{dst.parent} 所在磁盘剩余 {free:,.0f} MB;"
        "磁盘已满时请腾出空间后重新登记,否则请重新导出该文件后再登记",
        f"{name}: GDAL signalled an error while writing its tiles ({failures[0]}), so they are incomplete and nothing was "
        f"registered: the disk of {dst.parent} has {free:,.0f} MB free; if it is full, free some space and register it again, "
        "else export the file again, then register it",
    )


def _lowest_zoom(path: Path) -> int | None:
    con = sqlite3.connect(path)
    try:
        low = con.execute("SELECT min(zoom_level) FROM tiles").fetchone()[0]
        return None if low is None else int(low)
    finally:
        con.close()


def _merge_tiles(dst: Path, part: Path, z: int) -> None:
    """Add the zoom-``z`` tiles of ``part`` to ``dst`` and lower its ``minzoom``."""
    con = sqlite3.connect(dst)
    try:
        con.execute("ATTACH DATABASE ? AS part", (str(part),))
        with con:
            con.execute("INSERT OR REPLACE INTO tiles SELECT zoom_level, tile_column, tile_row, tile_data FROM part.tiles "
                        "WHERE zoom_level = ?", (z,))
            con.execute("UPDATE metadata SET value = ? WHERE name = 'minzoom'", (str(z),))
        con.execute("DETACH DATABASE part")
    finally:
        con.close()


def _unlink(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-journal")):
        p.unlink(missing_ok=True)


@contextlib.contextmanager
def held_part(folder: Path, stem: str, suffix: str = "mbtiles") -> Iterator[Path]:
    """A fresh name ``.<stem>.XXXX.part.<suffix>`` in ``folder`` (never a registered basemap's) for a write in progress.

    The write is *held* by an ``flock`` on ``.<stem>.XXXX.part.lock`` while the caller runs; at the end, whatever
    happened, every file of that name goes (the part, its SQLite journal, GDAL's ``.partial_tiles.db``, a level being
    added) and the lock too. The kernel drops the lock when the process dies, even by ``kill -9``, which is how
    :func:`remove_stale_parts` tells a dead write's files from a running one's. Create it holding the folder's lock.
    """
    fd, lock = tempfile.mkstemp(dir=folder, prefix=f".{stem}.", suffix=".part.lock")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield Path(lock[: -len("lock")] + suffix)
        finally:
            _remove_part_files(Path(lock))
    finally:
        os.close(fd)


def _remove_part_files(lock: Path) -> None:
    for p in lock.parent.glob(glob.escape(lock.name[: -len("lock")]) + "*"):
        if p != lock:
            p.unlink(missing_ok=True)
    lock.unlink(missing_ok=True)


def remove_stale_parts(folder: Path) -> list[str]:
    """Remove the files of writes whose process died (``kill -9``, a power cut): those whose lock nobody holds.

    A write in progress, in this process or another, holds its lock and keeps its files, however long it takes.
    Returns the names of the locks whose files went. Call it holding the folder's lock.
    """
    gone = []
    for lock in folder.glob(".*.part.lock"):
        try:
            fd = os.open(lock, os.O_RDWR)
        except FileNotFoundError:  # its write just ended
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # still being written
                continue
            _remove_part_files(lock)
            gone.append(lock.name)
        finally:
            os.close(fd)
    return gone
