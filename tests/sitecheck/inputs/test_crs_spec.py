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


def test_every_conversion_notes_the_crs_used() -> None:
    from lukou_geo.sitecheck.inputs.crs_spec import to_wgs84_geoms

    notes: list[str] = []
    to_wgs84_geoms(np.array([Point(113.1, 27.6)]), parse_crs("gcj02"), "f", notes)
    to_wgs84_geoms(np.array([Point(38512000, 3066000)]), parse_crs("auto"), "f", notes)
    assert any("所用坐标系 GCJ-02" in n for n in notes) and any("带号 38" in n and "EPSG:4547" in n for n in notes)


@pytest.mark.parametrize("code,datum", [(4214, "Beijing 1954"), (4610, "Xian 1980"), (2435, "Beijing 1954"), (2383, "Xian 1980")])
def test_other_datums_are_converted_by_pyproj_with_a_note_of_its_accuracy(code: int, datum: str) -> None:
    from pyproj import CRS, Transformer

    from lukou_geo.sitecheck.inputs.crs_spec import declared_to_wgs84

    src = CRS.from_epsg(code)
    pt = (113.1475, 27.605) if src.is_geographic else Transformer.from_crs(4326, code, always_xy=True).transform(113.1475, 27.605)
    notes: list[str] = []
    out = declared_to_wgs84(np.array([Point(*pt)]), src, "f", notes)
    assert out[0].distance(Point(113.1475, 27.605)) < 1e-6  # pyproj's ballpark transformation here: no shift
    assert any(datum in n and "零偏移" in n for n in notes)


def test_cgcs2000_needs_no_datum_note() -> None:
    from lukou_geo.sitecheck.inputs.crs_spec import declared_to_wgs84

    notes: list[str] = []
    declared_to_wgs84(np.array([Point(113.1, 27.6)]), "EPSG:4490", "f", notes)
    assert len(notes) == 1 and "EPSG:4490" in notes[0]


def test_a_gauss_kruger_datum_of_a_bubiao_file() -> None:
    from lukou_geo.sitecheck.inputs.crs_spec import CrsSpec, to_wgs84_geoms

    notes: list[str] = []
    out = to_wgs84_geoms(np.array([Point(38512000, 3066000)]), CrsSpec("gk", zone=38, datum="xian80"), "f", notes)
    assert any("EPSG:2383" in n for n in notes) and abs(out[0].x - 114.12) < 0.01
