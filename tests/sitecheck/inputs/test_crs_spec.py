"""The ``crs`` argument and the conversion of geometries to WGS-84."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import Point

from lukou_geo.errors import InputError
from lukou_geo.sitecheck.inputs import parse_crs, read_coordinates_text
from tests.sitecheck.inputs.helpers import LAT, LON, TO_4547


def test_gk_without_prefix_needs_zone_when_gk_chosen() -> None:
    x, y = TO_4547.transform(LON, LAT)
    with pytest.raises(InputError, match="带号"):
        read_coordinates_text(f"{y:.1f},{x:.1f}", "gk")


@pytest.mark.parametrize("spec,zone", [("gk-zone:38", 38), ("gk-cm:114", 38), ("EPSG:4526", 38), ("EPSG:4547", 38)])
def test_parse_crs_gk(spec: str, zone: int) -> None:
    assert parse_crs(spec).zone == zone


def test_parse_crs_rejects_unknown() -> None:
    with pytest.raises(InputError, match="无法识别的坐标系"):
        parse_crs("mars")


def test_shapely_transform_keeps_points() -> None:
    arr = np.array([Point(LON, LAT)], dtype=object)
    assert shapely.get_coordinates(arr).shape == (1, 2)
