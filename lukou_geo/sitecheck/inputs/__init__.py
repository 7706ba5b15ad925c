"""Project inputs for the site check (选址核查), in the formats and CRSs of Chinese practice.

Every reader returns an :class:`Ingested`: the projects as a GeoDataFrame in WGS-84 (columns
``name``, ``ptype``, ``source``, ``geometry``) and the row-level problems as :class:`InputError`
objects, so the valid rows are still checked. A whole input that cannot be read raises one
:class:`InputError`. Messages are bilingual and name the file, the row, the field, the problem
and the fix.

The formats are declared once, in :mod:`.formats` (one record each: suffixes, names, what the file
holds, readers); the reader's dispatch, the uploader's types, the command line's help and the
"unsupported type" message read it. One module per format family:

- :mod:`.coords`   pasted or ``.txt`` coordinates (decimal, 度分秒, Gauss-Kruger X/Y)
- :mod:`.table`    CSV and XLSX with detected coordinate columns or a WKT column
- :mod:`.vector`   GeoJSON, GeoPackage, Shapefile, KML/KMZ, DXF through GDAL (pyogrio)
- :mod:`.bubiao`   the 部标 界址点坐标 TXT
- :mod:`.crs_spec` the ``crs`` argument (:data:`CRS_CHOICES`) and the conversion to WGS-84
- :mod:`.archive`  zip safety (traversal, bombs, entry limits)
- :mod:`.encoding` UTF-8 / GBK detection of text and ``.dbf`` files
- :mod:`.read`     the entry points :func:`read_bytes`, :func:`read_path`, :func:`project_from_geojson`
"""

from lukou_geo.errors import InputError
from lukou_geo.sitecheck.inputs.archive import safe_extract
from lukou_geo.sitecheck.inputs.bubiao import read_bubiao_txt
from lukou_geo.sitecheck.inputs.coords import parse_coordinate_line, read_coordinates_text
from lukou_geo.sitecheck.inputs.crs_spec import CRS_CHOICES, DEFAULT_GK_ZONE, CrsSpec, parse_crs
from lukou_geo.sitecheck.inputs.formats import FORMATS, InputFormat, describe, upload_types
from lukou_geo.sitecheck.inputs.ingested import NAME_COLUMNS, TYPE_COLUMNS, Ingested
from lukou_geo.sitecheck.inputs.read import project_from_geojson, read_bytes, read_path
from lukou_geo.sitecheck.inputs.table import read_csv_bytes, read_table, read_xlsx_bytes

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
