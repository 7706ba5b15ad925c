"""Project inputs for the site check (选址核查), in the formats and CRSs of Chinese practice.

Every reader returns an :class:`Ingested`: the projects as a GeoDataFrame in WGS-84 (columns
``name``, ``ptype``, ``source``, ``geometry``), the row-level problems as :class:`InputError`
objects, so the valid rows are still checked, and notes (the CRS used, repairs, what was skipped).
A whole input that cannot be read raises one :class:`InputError`. Messages are bilingual and name
the file, the row (a file line) or feature, member or setting, the problem and the fix.

The rules every input is held to: positions are never silently wrong (a CRS choice applies only to
inputs that declare none; ranges, swaps, NaN checked; a project over 50 km outside the district is a
row error), a file that is not what its name says is refused, and the limits of
:class:`lukou_geo.settings.Limits` hold before the expensive step.

The formats are declared once, in :mod:`.formats` (one record each: suffixes, names, what the file
holds, readers); the reader's dispatch, the uploader's types, the command line's help and the
"unsupported type" message read it. One module per format family:

- :mod:`.coords`   pasted or ``.txt`` coordinates (decimal, 度分秒, Gauss-Kruger X/Y, point numbers, altitudes)
- :mod:`.table`    CSV, pasted cells and XLSX with detected coordinate columns or a WKT column
  (:mod:`.table_points` its point rows a block at a time: plain cells with array operations, the others row by row)
- :mod:`.vector`   GeoJSON, GeoPackage, Shapefile, KML/KMZ, DXF through GDAL (pyogrio); :mod:`.kml` its NaN guard
- :mod:`.bubiao`   the 部标 界址点坐标 TXT
- :mod:`.crs_spec` the ``crs`` argument (:data:`CRS_CHOICES`) and the conversion to WGS-84 (declared CRSs, datums)
- :mod:`.rows`     the :class:`~.rows.Collector` every reader hands its rows to: the checks every project passes
- :mod:`.district` :data:`~.district.MAX_KM_OUTSIDE_DISTRICT` and the distance to the district
- :mod:`.sniff`    what a file's bytes hold, against the format its name claims
- :mod:`.archive`  zip safety (traversal, bombs, entry limits, member names, links)
- :mod:`.encoding` UTF-8 / GBK / UTF-16 detection of text and ``.dbf`` files
- :mod:`.read`     the entry points :func:`read_bytes`, :func:`read_path`, :func:`project_from_geojson`
"""

from __future__ import annotations

import importlib
from typing import Any

# The names below are loaded when first used (PEP 562), so a command that only needs the format
# registry or the CRS choices (the CLI's parser, the uploader's types) does not import GeoPandas.
_WHERE = {
    "InputError": "lukou_geo.errors",
    "safe_extract": ".archive",
    "read_bubiao_txt": ".bubiao",
    "parse_coordinate_line": ".coords",
    "read_coordinates_text": ".coords",
    "CRS_CHOICES": ".crs_choices",
    "DEFAULT_GK_ZONE": ".crs_spec",
    "CrsSpec": ".crs_spec",
    "parse_crs": ".crs_spec",
    "FORMATS": ".formats",
    "InputFormat": ".formats",
    "describe": ".formats",
    "upload_types": ".formats",
    "NAME_COLUMNS": ".ingested",
    "TYPE_COLUMNS": ".ingested",
    "Ingested": ".ingested",
    "project_from_geojson": ".read",
    "read_bytes": ".read",
    "read_path": ".read",
    "read_csv_bytes": ".table",
    "read_table": ".table",
    "read_xlsx_bytes": ".table",
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(where, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


__all__ = [
    "CRS_CHOICES",
    "DEFAULT_GK_ZONE",
    "FORMATS",
    "NAME_COLUMNS",
    "TYPE_COLUMNS",
    "CrsSpec",
    "Ingested",
    "InputError",
    "InputFormat",
    "describe",
    "parse_coordinate_line",
    "parse_crs",
    "project_from_geojson",
    "read_bubiao_txt",
    "read_bytes",
    "read_coordinates_text",
    "read_csv_bytes",
    "read_path",
    "read_table",
    "read_xlsx_bytes",
    "safe_extract",
    "upload_types",
]
