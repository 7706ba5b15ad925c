"""The entry points: a file's bytes or a file on disk, read by the format its suffix is registered with,
and a project drawn on the map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

from lukou_geo.errors import InputError
from lukou_geo.settings import get_settings
from lukou_geo.sitecheck.inputs import formats
from lukou_geo.sitecheck.inputs.crs_spec import parse_crs
from lukou_geo.sitecheck.inputs.encoding import decode_text
from lukou_geo.sitecheck.inputs.ingested import Ingested


def _check_size(size: int, limit: int, file: str) -> None:
    if size > limit:
        raise InputError(
            file,
            f"文件超过大小上限({size / 2**20:.1f} MB > {limit / 2**20:.0f} MB)",
            f"the file exceeds the size limit ({size / 2**20:.1f} MB > {limit / 2**20:.0f} MB)",
            "拆分文件后分批核查",
            "split it and check in batches",
        )


def read_bytes(data: bytes, filename: str, crs: str | None = "auto", encoding: str | None = None, ptype: str = "") -> Ingested:
    """Read an uploaded file (the app) or a file's bytes; the format follows the file name.

    The suffix picks the format in :data:`~lukou_geo.sitecheck.inputs.formats.FORMATS`; formats
    sharing a suffix (the 部标 TXT and coordinate text) are told apart by the text's markers.

    Raises
    ------
    InputError
        the file is too big, of an unknown kind, or cannot be read at all (row-level problems
        are returned in ``Ingested.errors`` instead).
    """
    file = Path(filename).name or "upload"
    _check_size(len(data), get_settings().max_upload_bytes, file)
    if not data:
        raise InputError(file, "文件是空的", "the file is empty", "选择含数据的文件", "choose a file with data")
    suffix = Path(file).suffix.lower()
    parse_crs(crs)  # fail early on a bad choice
    candidates = formats.for_suffix(suffix)
    if not candidates:
        raise formats.unsupported(file)
    fmt = candidates[0] if len(candidates) == 1 else formats.choose(candidates, decode_text(data, file, encoding))
    return fmt.reader(suffix)(data, file, crs=crs, encoding=encoding, ptype=ptype)


def read_path(path: str | Path, crs: str | None = "auto", encoding: str | None = None, ptype: str = "") -> Ingested:
    """Read a file from disk (the CLI): a shapefile's siblings are read with it."""
    p = Path(path)
    if not p.exists():
        raise InputError(p.name, "文件不存在", "no such file", f"检查路径 {p}", f"check the path {p}")
    _check_size(p.stat().st_size, get_settings().max_upload_bytes, p.name)
    reader = formats.companion_reader(p)
    if reader is not None:
        return reader(p, p.name, parse_crs(crs, p.name), ptype, encoding)
    return read_bytes(p.read_bytes(), p.name, crs, encoding, ptype)


def project_from_geojson(geom: dict[str, Any], name: str, ptype: str = "", source: str = "地图") -> Ingested:
    """A project drawn or clicked on the map (GeoJSON geometry in WGS-84)."""
    from shapely.geometry import shape

    try:
        g = shape(geom)
    except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.GEOSException) as exc:
        raise InputError(source, "绘制的图形无法识别", "the drawn shape cannot be read", "重新绘制", "draw it again") from exc
    if g.is_empty:
        raise InputError(source, "图形为空", "empty shape", "重新绘制", "draw it again")
    if not g.is_valid:
        g = shapely.make_valid(g)
    return Ingested(gpd.GeoDataFrame({"name": [name], "ptype": [ptype], "source": [source]}, geometry=[g], crs="EPSG:4326"))
