"""KML coordinates GDAL would read silently wrong: ``nan,nan`` became (0, 0) and ``abc,27.6`` (0, 27.6).

GDAL's KML driver turns any text it cannot read as a number into 0. Before GDAL reads a KML,
:func:`scan` checks every ``<coordinates>`` element (each tuple two or three finite numbers) and
replaces a bad one by a marker GDAL keeps: vertices at (:data:`MARK`, :data:`MARK`) with the bad
element's number as their altitude. :func:`marked` finds the marker in a feature read back, so the
reader reports that placemark with the text it held, and reads the others.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import shapely

#: The marker's lon and lat: no position has them.
MARK = 999.0
_COORDINATES = re.compile(rb"(<(?:[\w.-]+:)?coordinates\b[^>]*>)(.*?)(</(?:[\w.-]+:)?coordinates\s*>)", re.S | re.I)
_NUMBER = re.compile(rb"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _tuple_ok(t: bytes) -> bool:
    parts = t.rstrip(b",").split(b",")
    return 2 <= len(parts) <= 3 and all(_NUMBER.fullmatch(p) and math.isfinite(float(p)) for p in parts)


def scan(data: bytes) -> tuple[bytes, list[str]]:
    """The KML with every bad ``<coordinates>`` replaced by the marker, and the bad texts (the marker's altitude indexes them)."""
    bad: list[str] = []

    def fix(m: re.Match[bytes]) -> bytes:
        tuples = re.sub(rb"\s*,\s*", b",", m.group(2).strip()).split()
        if all(_tuple_ok(t) for t in tuples):
            return m.group(0)
        mark = f"{MARK:g},{MARK:g},{len(bad)}".encode()
        bad.append(m.group(2).strip()[:60].decode("utf-8", errors="replace"))
        return m.group(1) + b" ".join([mark] * 4) + m.group(3)

    return _COORDINATES.sub(fix, data), bad


def marked(geom: Any) -> int | None:
    """The index of the bad text a feature read back holds (its marker's altitude), or None."""
    if geom is None or geom.is_empty:
        return None
    c = shapely.get_coordinates(geom, include_z=True)
    hit = (c[:, 0] == MARK) & (c[:, 1] == MARK)
    if not hit.any():
        return None
    z = c[hit][0, 2]
    return int(z) if np.isfinite(z) else 0
