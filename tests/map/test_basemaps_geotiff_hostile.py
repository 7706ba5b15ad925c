"""Hostile or odd GeoTIFFs offered as basemaps: each refused by name with the problem and the fix, leaving the
basemaps folder and its registry as they were (synthetic 合成 files written by rasterio)."""

from __future__ import annotations

import pytest

from lukou_geo.errors import BasemapError
from lukou_geo.map import basemaps
from tests.geotiffs import BOX


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LUKOU_DATA_DIR", str(tmp_path / "var"))
    return tmp_path / "var"


def _state(folder):
    return sorted((p.name, p.stat().st_size) for p in folder.iterdir()) if folder.exists() else None


def _refused(path, data_dir, *needles):
    before = _state(data_dir / "basemaps")
    with pytest.raises(BasemapError) as exc:
        basemaps.register_basemap(path, user="admin")
    err = exc.value
    for needle in (path.name, *needles):
        assert needle in err.message("zh") and needle in err.message("en"), (needle, err.message("en"))
    assert _state(data_dir / "basemaps") == before
    return err


def _tif(path, crs, transform, *, gcps=None, size=32):
    import numpy as np
    import rasterio

    with rasterio.open(path, "w", driver="GTiff", width=size, height=size, count=3, dtype="uint8", crs=crs,
                       transform=transform, gcps=gcps) as dst:
        dst.write(np.full((3, size, size), 100, np.uint8))
    return path


def test_an_engineering_crs_is_refused_as_a_crs_with_no_lon_lat_not_as_a_corrupt_file(tmp_path, data_dir):
    from rasterio.crs import CRS
    from rasterio.transform import from_bounds

    local = CRS.from_wkt('LOCAL_CS["site grid",LOCAL_DATUM["x",32767],UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]')
    err = _refused(_tif(tmp_path / "site.tif", local, from_bounds(0, 0, 1000, 1000, 32, 32)), data_dir, "site grid", "gdalwarp")
    assert "longitude/latitude" in err.message("en") and "经纬度" in err.message("zh")
    assert "corrupt" not in err.message("en") and "projjson" not in err.message("en")


def test_a_geotiff_across_the_antimeridian_names_where_it_lies(tmp_path, data_dir):
    from pyproj import Transformer
    from rasterio.transform import from_bounds

    tr = Transformer.from_crs(4326, 3832, always_xy=True)  # PDC Mercator, centred on 150°E
    (x0, y0), (x1, y1) = tr.transform(170, -20), tr.transform(-170, 0)
    err = _refused(_tif(tmp_path / "fiji.tif", "EPSG:3832", from_bounds(x0, y0, x1, y1, 32, 32)), data_dir)
    assert "not over the district" in err.message("en") and "lon 170.000" in err.message("en") and "经度 170.000" in err.message("zh")


def test_a_geotiff_with_control_points_only_is_told_to_be_rectified(tmp_path, data_dir):
    from rasterio.control import GroundControlPoint
    from rasterio.crs import CRS

    w, s, e, n = BOX
    gcps = [GroundControlPoint(0, 0, w, n), GroundControlPoint(32, 0, e, n), GroundControlPoint(0, 32, w, s),
            GroundControlPoint(32, 32, e, s)]
    path = _tif(tmp_path / "scan.tif", None, None, gcps=None)
    import rasterio

    with rasterio.open(path, "r+") as dst:
        dst.gcps = (gcps, CRS.from_epsg(4326))
    err = _refused(path, data_dir, "GCP", "gdalwarp")
    assert "declares no CRS" not in err.message("en")


def test_a_small_image_of_the_whole_globe_is_refused_before_its_tiles_fill_the_disk(tmp_path, data_dir):
    from rasterio.transform import from_bounds

    # 180×85 pixels (a few KB) over the globe: at the lowest level (zoom 10) the tiles would span 262,144 pixels a side
    world = _tif(tmp_path / "world.tif", "EPSG:4326", from_bounds(-180, -85, 180, 85, 64, 64), size=64)
    err = _refused(world, data_dir, "LUKOU_STORE_MAX_EXPANDED_MB", "gdalwarp -te", "262,144")
    assert "zoom 10" in err.message("en") and "第 10 级" in err.message("zh")


def test_an_image_within_the_limits_still_registers(tmp_path, data_dir, monkeypatch):
    from tests.geotiffs import write_geotiff

    monkeypatch.setenv("LUKOU_STORE_MAX_EXPANDED_MB", "1")  # its top level (zoom 11) is 297×333 pixels: 0.4 MB
    assert basemaps.register_basemap(write_geotiff(tmp_path / "ok.tif"), user="admin").maxzoom == 11


def _mbtiles(tmp_path):
    """A small MBTiles (a converted synthetic GeoTIFF) to register by copy."""
    import shutil

    from tests.geotiffs import write_geotiff

    basemaps.register_basemap(write_geotiff(tmp_path / "seed.tif"), user="admin")
    src = tmp_path / "seed.mbtiles"
    shutil.copyfile(basemaps.basemaps_dir() / "seed.mbtiles", src)
    return src


def test_two_processes_registering_at_once_lose_no_registration(tmp_path, data_dir):
    import os
    import subprocess
    import sys

    src = _mbtiles(tmp_path)
    code = ("import sys, time; from pathlib import Path; from lukou_geo.map import basemaps\n"
            "write = basemaps._write_registry\n"  # a slow disk: the registry read, then written 50 ms later
            "basemaps._write_registry = lambda entries: (time.sleep(0.05), write(entries))\n"
            "for i in range(12): basemaps.register_basemap(Path(sys.argv[1]), user='u', basemap_id=f'{sys.argv[2]}-{i}')")
    env = {**os.environ, "LUKOU_DATA_DIR": str(data_dir)}
    procs = [subprocess.Popen([sys.executable, "-c", code, str(src), p], env=env, cwd=os.getcwd()) for p in ("a", "b")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    listed = {b.id for b in basemaps.list_basemaps()}
    assert listed == {"seed"} | {f"{p}-{i}" for p in "ab" for i in range(12)}
    assert all((data_dir / "basemaps" / f"{b}.mbtiles").is_file() for b in listed)


def test_a_full_disk_while_replacing_a_basemap_leaves_the_old_one_as_it_was(tmp_path, data_dir, monkeypatch):
    import errno

    from tests.geotiffs import write_geotiff

    old = basemaps.register_basemap(write_geotiff(tmp_path / "dom.tif", size=256), user="admin")
    folder = data_dir / "basemaps"
    before, old_bytes = _state(folder), (folder / old.file).read_bytes()

    real = basemaps._write_registry

    def full(entries):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(basemaps, "_write_registry", full)
    with pytest.raises(BasemapError, match="No space") as exc:
        basemaps.register_basemap(write_geotiff(tmp_path / "dom2.tif", size=512), user="admin", basemap_id="dom")
    assert "dom2.tif" in exc.value.message("en") and "free space" in exc.value.message("en") and "未登记" in exc.value.message("zh")
    assert _state(folder) == before and (folder / old.file).read_bytes() == old_bytes
    assert basemaps.get_basemap("dom") == old
    monkeypatch.setattr(basemaps, "_write_registry", real)
    new = basemaps.register_basemap(write_geotiff(tmp_path / "dom2.tif", size=512), user="admin", basemap_id="dom")
    assert new.file == "dom.2.mbtiles" and [b.file for b in basemaps.list_basemaps()] == ["dom.2.mbtiles"]
    assert sorted(p.name for p in folder.iterdir()) == ["basemaps.json", "dom.2.mbtiles"]  # the old file went after


def test_the_parts_of_a_killed_conversion_go_at_the_next_registration_and_a_running_ones_stay(tmp_path, data_dir):
    import os
    import subprocess
    import sys

    from lukou_geo.map import _geotiff
    from tests.geotiffs import write_geotiff

    basemaps.register_basemap(write_geotiff(tmp_path / "ok.tif"), user="admin")
    folder = data_dir / "basemaps"
    before = _state(folder)
    killed = ("import os, signal, sys; from pathlib import Path; from lukou_geo.map import _geotiff\n"
              "with _geotiff.held_part(Path(sys.argv[1]), 'big') as part:\n"
              "    for name in (part, Path(str(part) + '-journal'), part.with_suffix('.partial_tiles.db')):\n"
              "        name.write_bytes(b'x' * 1000)\n"
              "    os.kill(os.getpid(), signal.SIGKILL)\n")
    assert subprocess.run([sys.executable, "-c", killed, str(folder)], cwd=os.getcwd()).returncode == -9
    left = sorted(p.name for p in folder.iterdir() if p.name.startswith(".big."))
    assert len(left) == 4 and any(n.endswith(".partial_tiles.db") for n in left)  # what kill -9 leaves
    with _geotiff.held_part(folder, "running") as running:  # a conversion in progress meanwhile (this process)
        running.write_bytes(b"y")
        basemaps.register_basemap(write_geotiff(tmp_path / "next.tif"), user="admin")
        assert running.exists()
    assert not [p for p in folder.iterdir() if p.name.startswith((".big.", ".running."))]
    assert sorted(p.name for p in folder.iterdir()) == sorted({n for n, _ in before} | {"next.mbtiles"})


@pytest.mark.parametrize("count", [2, 4])
def test_a_last_band_not_marked_alpha_is_refused_not_drawn_as_transparency(tmp_path, data_dir, count):
    import numpy as np
    import rasterio
    from rasterio.transform import from_bounds

    path = tmp_path / f"bgrn{count}.tif"  # e.g. 4-band imagery B G R NIR, written as plain bands (MINISBLACK)
    with rasterio.open(path, "w", driver="GTiff", width=32, height=32, count=count, dtype="uint8", crs="EPSG:4326",
                       transform=from_bounds(*BOX, 32, 32), photometric="MINISBLACK") as dst:
        dst.write(np.full((count, 32, 32), 100, np.uint8))
    err = _refused(path, data_dir, f"-colorinterp_{count} alpha", "gdal_translate -b 1")
    assert "alpha" in err.message("en") and "透明度" in err.message("zh")
    with rasterio.open(path, "r+") as dst:  # marked as alpha: drawn with it
        dst.colorinterp = [*dst.colorinterp[:-1], rasterio.enums.ColorInterp.alpha]
    assert basemaps.register_basemap(path, user="admin").format == "png"


def test_a_disk_that_fills_during_the_conversion_is_refused_not_registered_without_tiles(tmp_path, data_dir):
    """GDAL's MBTiles driver drops its tiles when a write fails and returns as if done: the errors it signals meanwhile
    refuse the registration (the disk filled by a file-size limit on a child process: 1 MB where the tiles need ≈ 3)."""
    import os
    import subprocess
    import sys

    from tests.geotiffs import write_geotiff

    basemaps.register_basemap(write_geotiff(tmp_path / "ok.tif"), user="admin")
    before = _state(data_dir / "basemaps")
    big = write_geotiff(tmp_path / "big.tif", size=2048)
    code = ("import resource, signal, sys; from pathlib import Path; from lukou_geo.map import basemaps\n"
            "from lukou_geo.errors import BasemapError\n"
            "signal.signal(signal.SIGXFSZ, signal.SIG_IGN); resource.setrlimit(resource.RLIMIT_FSIZE, (2**20, 2**20))\n"
            "try:\n    basemaps.register_basemap(Path(sys.argv[1]), user='admin')\n"
            "except BasemapError as exc:\n    print(exc.message('en')); print(exc.message('zh')); sys.exit(3)\n")
    run = subprocess.run([sys.executable, "-c", code, str(big)], env={**os.environ, "LUKOU_DATA_DIR": str(data_dir)},
                         cwd=os.getcwd(), capture_output=True, text=True, timeout=300)
    assert run.returncode == 3, run.stderr[-2000:]
    assert "big.tif" in run.stdout and "GDAL signalled an error" in run.stdout and "free some space" in run.stdout
    assert "磁盘" in run.stdout and "未登记" in run.stdout
    assert _state(data_dir / "basemaps") == before and [b.id for b in basemaps.list_basemaps()] == ["ok"]


def test_listening_to_gdal_leaves_the_rasterio_logger_as_it_was_whatever_the_threads(tmp_path):
    import logging
    import threading

    from lukou_geo.map._geotiff import _gdal_failures

    logger = logging.getLogger("rasterio._env")
    level = logger.level
    inner_entered, outer_may_leave = threading.Event(), threading.Event()
    still = []

    def other():  # a conversion in another thread, which outlives the first
        with _gdal_failures(tmp_path / "b.mbtiles"):
            inner_entered.set()
            outer_may_leave.wait(5)
            still.append(logger.isEnabledFor(logging.INFO))  # still listening after the first left

    with _gdal_failures(tmp_path / "a.mbtiles") as failures:
        t = threading.Thread(target=other)
        t.start()
        inner_entered.wait(5)
        logger.info("GDAL signalled an error: err_no=1, msg='database or disk is full'")
    outer_may_leave.set()
    t.join(5)
    assert failures == ["'database or disk is full'"] and still == [True]
    assert logger.level == level and not logger.filters


def test_removing_a_basemap_replaced_just_before_removes_its_new_file(tmp_path, data_dir, monkeypatch):
    import contextlib

    from tests.geotiffs import write_geotiff

    basemaps.register_basemap(write_geotiff(tmp_path / "dom.tif"), user="admin")
    real, replaced = basemaps._folder_lock, []

    @contextlib.contextmanager
    def late(folder):  # another process replaces the basemap while remove waits for the lock
        if not replaced:
            replaced.append(None)
            replaced[0] = basemaps.register_basemap(write_geotiff(tmp_path / "dom2.tif"), user="admin", basemap_id="dom")
        with real(folder):
            yield

    monkeypatch.setattr(basemaps, "_folder_lock", late)
    basemaps.remove_basemap("dom", "admin")
    assert replaced[0].file == "dom.2.mbtiles" and basemaps.list_basemaps() == []
    assert sorted(p.name for p in (data_dir / "basemaps").iterdir()) == ["basemaps.json"]  # no orphaned file
