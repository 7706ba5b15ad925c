"""KML coordinates GDAL would read as 0 are found before GDAL reads the file."""

from __future__ import annotations

from shapely.geometry import Point

from lukou_geo.sitecheck.inputs import kml


def test_scan_marks_bad_coordinates_and_keeps_good_ones() -> None:
    data = (
        b"<kml><Placemark><Point><coordinates>113.1,27.6,0</coordinates></Point></Placemark>"
        b"<Placemark><Point><kml:coordinates>nan,nan</kml:coordinates></Point></Placemark>"
        b"<Placemark><Point><coordinates> 113.1 , 27.6 </coordinates></Point></Placemark>"
        b"<Placemark><Point><coordinates>abc,27.6 1e400,2</coordinates></Point></Placemark></kml>"
    )
    patched, bad = kml.scan(data)
    assert bad == ["nan,nan", "abc,27.6 1e400,2"]
    assert b"113.1,27.6,0" in patched and b"999,999,0" in patched and b"999,999,1" in patched and b" 113.1 , 27.6 " in patched


def test_marked() -> None:
    assert kml.marked(Point(999, 999, 1)) == 1 and kml.marked(Point(113.1, 27.6, 0)) is None and kml.marked(None) is None
