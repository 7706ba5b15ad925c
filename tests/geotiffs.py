"""Small synthetic (合成) GeoTIFFs over the district, written by rasterio (GDAL) in the CRSs planners receive.

The image covers 113.00–113.20°E, 27.40–27.60°N (inside the district, 112.97–113.32°E, 27.17–27.80°N):
its west half is :data:`WEST` and its east half :data:`EAST`, so a tile's pixel at a known place can be
checked for its colour after reprojection.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

BOX = (113.0, 27.4, 113.2, 27.6)
WEST, EAST = (255, 0, 0), (0, 0, 255)  # RGB halves
PALETTE = {0: (255, 0, 0, 255), 1: (0, 160, 0, 255)}  # paletted: index 0 west, 1 east
GREY = 200
#: Places well inside each half.
WEST_POINT, EAST_POINT = (113.05, 27.5), (113.15, 27.5)


def write_geotiff(path: Path, crs: str | None = "EPSG:4547", mode: str = "rgb", size: int = 256) -> Path:
    """A ``size``×``size`` GeoTIFF of :data:`BOX` in ``crs`` (``None``: georeferenced but no CRS declared).

    ``mode``: ``rgb`` (3 bands), ``rgba`` (4), ``palette`` (1 band with a colour table) or ``grey`` (1 band).
    """
    import rasterio
    from pyproj import Transformer
    from rasterio.transform import from_bounds

    tr = Transformer.from_crs("EPSG:4326", crs or "EPSG:4547", always_xy=True)
    xs, ys = tr.transform([BOX[0], BOX[2], BOX[0], BOX[2]], [BOX[1], BOX[1], BOX[3], BOX[3]])
    transform = from_bounds(min(xs), min(ys), max(xs), max(ys), size, size)
    half = size // 2
    if mode in ("rgb", "rgba"):
        data = np.zeros((4 if mode == "rgba" else 3, size, size), np.uint8)
        for band in range(3):
            data[band, :, :half], data[band, :, half:] = WEST[band], EAST[band]
        if mode == "rgba":
            data[3] = 255
    elif mode == "palette":
        data = np.zeros((1, size, size), np.uint8)
        data[0, :, half:] = 1
    elif mode == "grey":
        data = np.full((1, size, size), GREY, np.uint8)
    else:
        raise ValueError(mode)
    with rasterio.open(path, "w", driver="GTiff", width=size, height=size, count=len(data), dtype="uint8",
                       crs=crs, transform=transform) as dst:
        dst.write(data)
        if mode == "palette":
            dst.write_colormap(1, PALETTE)
    return path


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int, int]:
    """XYZ tile ``(x, y)`` holding ``(lon, lat)`` at zoom ``z`` and the pixel ``(px, py)`` in it."""
    import math

    n = 1 << z
    fx = (lon + 180.0) / 360.0 * n
    fy = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n
    x, y = int(fx), int(fy)
    return x, y, int((fx - x) * 256), int((fy - y) * 256)
