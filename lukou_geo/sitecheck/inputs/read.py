"""The entry points: a file's bytes or a file on disk, read by the format its suffix is registered with,
and a project drawn on the map.

Before a reader runs, the file's size is checked against ``LUKOU_MAX_UPLOAD_MB`` and its content
against its suffix (:mod:`.sniff`): a PDF named ``.txt`` or a KML named ``.txt`` is refused with what it
holds and the fix, not read as coordinates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import shapely

from lukou_geo.errors import InputError
from lukou_geo.settings import get_limits
from lukou_geo.sitecheck.inputs import formats
from lukou_geo.sitecheck.inputs.crs_spec import CrsSpec, parse_crs, to_wgs84_geoms
from lukou_geo.sitecheck.inputs.encoding import decode_text
from lukou_geo.sitecheck.inputs.ingested import Ingested
from lukou_geo.sitecheck.inputs.rows import Collector, Where
from lukou_geo.sitecheck.inputs.sniff import content_kind


def _check_size(size: int, limit: int, file: str) -> None:
    if size > limit:
        raise InputError(
            file,
            f"文件超过大小上限({size / 2**20:.1f} MB > {limit / 2**20:g} MB)",
            f"the file exceeds the size limit ({size / 2**20:.1f} MB > {limit / 2**20:g} MB)",
            "拆分文件后分批核查,或设置 LUKOU_MAX_UPLOAD_MB",
            "split it and check in batches, or raise LUKOU_MAX_UPLOAD_MB",
        )


def read_bytes(data: bytes, filename: str, crs: str | None = "auto", encoding: str | None = None, ptype: str = "",
               coords_as: str = "point") -> Ingested:
    """Read an uploaded file (the app) or a file's bytes; the format follows the file name.

    The suffix picks the format in :data:`~lukou_geo.sitecheck.inputs.formats.FORMATS`; formats
    sharing a suffix (the 部标 TXT and coordinate text) are told apart by the text's markers.
    ``coords_as`` (:data:`~lukou_geo.sitecheck.inputs.coords.SHAPES`) is how a coordinate TXT's lines are
    read: each a point (the default), or each block one line or polygon; other formats keep their shapes.

    Raises
    ------
    InputError
        the file is too big, of an unknown kind, or cannot be read at all (row-level problems
        are returned in ``Ingested.errors`` instead).
    """
    file = Path(filename).name or "upload"
    _check_size(len(data), get_limits().max_upload_bytes, file)
    if not data.strip():
        raise InputError(file, "文件是空的", "the file is empty", "选择含数据的文件", "choose a file with data")
    suffix = Path(file).suffix.lower()
    parse_crs(crs)  # fail early on a bad choice
    candidates = formats.for_suffix(suffix)
    if not candidates:
        raise formats.unsupported(file)
    if (wrong := formats.mismatch(file, suffix, content_kind(data))) is not None:
        raise wrong
    fmt = candidates[0] if len(candidates) == 1 else formats.choose(candidates, decode_text(data, file, encoding))
    shape = {"shape": coords_as} if fmt.id == "coords" else {}  # the one format whose lines have no shape of their own
    return fmt.reader(suffix)(data, file, crs=crs, encoding=encoding, ptype=ptype, **shape)


def read_path(path: str | Path, crs: str | None = "auto", encoding: str | None = None, ptype: str = "",
              coords_as: str = "point") -> Ingested:
    """Read a file from disk (the CLI): a shapefile's siblings are read with it; ``coords_as`` as in :func:`read_bytes`."""
    p = Path(path)
    if not p.exists():
        raise InputError(p.name, "文件不存在", "no such file", f"检查路径 {p}", f"check the path {p}")
    _check_size(p.stat().st_size, get_limits().max_upload_bytes, p.name)
    reader = formats.companion_reader(p)
    if reader is not None:
        return reader(p, p.name, parse_crs(crs, p.name), ptype, encoding)
    return read_bytes(p.read_bytes(), p.name, crs, encoding, ptype, coords_as)


def project_from_geojson(geom: dict[str, Any], name: str, ptype: str = "", source: str = "地图") -> Ingested:
    """A project drawn or clicked on the map (GeoJSON geometry in WGS-84)."""
    from shapely.geometry import shape

    try:
        g = shape(geom)
    except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.GEOSException) as exc:
        raise InputError(source, "绘制的图形无法识别", "the drawn shape cannot be read", "重新绘制", "draw it again") from exc
    if g.is_empty:
        raise InputError(source, "图形为空", "empty shape", "重新绘制", "draw it again")
    rows = Collector(source)
    rows.add(g, Where(), name, ptype)
    ing = rows.finish(lambda _t, arr: to_wgs84_geoms(arr, CrsSpec("lonlat"), source, []), lambda _w: name)
    if ing.errors:
        raise ing.errors[0]
    return ing
