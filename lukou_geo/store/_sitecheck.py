"""The site check's CRS choices and 部标 reader, wherever its inputs package keeps them.

The store takes a CRS the way the site check does (``--crs``: :data:`CRS_CHOICES`,
:func:`parse_crs`) and writes the 部标 TXT the site check reads. The inputs package is being split
into modules (``crs_spec``, ``bubiao``); before that split everything is in ``ingest``.
"""

from __future__ import annotations

try:
    from lukou_geo.sitecheck.inputs.bubiao import read_bubiao_txt
    from lukou_geo.sitecheck.inputs.crs_spec import CRS_CHOICES, CrsSpec, parse_crs, to_wgs84_geoms
except ImportError:  # one module before the split
    from lukou_geo.sitecheck.inputs.ingest import CRS_CHOICES, CrsSpec, parse_crs, read_bubiao_txt
    from lukou_geo.sitecheck.inputs.ingest import _to_wgs84_geoms as to_wgs84_geoms

__all__ = ["CRS_CHOICES", "CrsSpec", "parse_crs", "read_bubiao_txt", "to_wgs84_geoms"]
