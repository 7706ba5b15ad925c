"""A project far outside the district is refused: MAX_KM_OUTSIDE_DISTRICT from the catalog's district layer."""

from __future__ import annotations

import json
import math

import numpy as np
import shapely
from shapely.geometry import Point, shape

from lukou_geo.settings import REPO_ROOT
from lukou_geo.sitecheck.inputs.district import MAX_KM_OUTSIDE_DISTRICT, district, too_far
from tests.sitecheck.inputs.helpers import LAT, LON


def _east(km: float) -> Point:
    fc = json.loads((REPO_ROOT / "geodata" / "district.geojson").read_text(encoding="utf-8"))
    c = shapely.get_coordinates(shape(fc["features"][0]["geometry"]))
    lon, lat = c[np.argmax(c[:, 0])]
    return Point(lon + km / (111.32 * math.cos(math.radians(lat))), lat)


def test_the_limit_is_50_km_and_the_district_comes_from_the_catalog() -> None:
    assert MAX_KM_OUTSIDE_DISTRICT == 50.0
    assert district().lonlat.contains(Point(LON, LAT))


def test_too_far() -> None:
    geoms = np.array(
        [Point(LON, LAT), _east(45), _east(55), Point(0, 0), shapely.box(-180, -90, 180, 90), shapely.box(LON, LAT, LON + 0.5, LAT + 0.01)]
    )
    far = too_far(geoms)
    assert sorted(far) == [2, 3, 4]
    assert "55 km" in far[2][0] or "54." in far[2][0]
    assert "约 12," in far[3][0]  # null island, great-circle km
    assert "伸出" in far[4][0]
    assert too_far(np.array([], dtype=object)) == {}


def test_the_district_file_follows_an_edited_catalog(tmp_path, monkeypatch) -> None:
    """The catalog is read once, not per check; an edit of a catalog file is seen at the next check."""
    import shutil

    from lukou_geo import catalog
    from lukou_geo.sitecheck.inputs import district as mod

    layers = tmp_path / "layers"
    shutil.copytree(REPO_ROOT / "layers", layers)
    (tmp_path / "geodata").mkdir()
    shutil.copy(REPO_ROOT / "geodata" / "district.geojson", tmp_path / "geodata" / "district.geojson")
    shutil.copy(REPO_ROOT / "geodata" / "district.geojson", tmp_path / "geodata" / "moved.geojson")
    monkeypatch.setenv("LUKOU_LAYERS_DIR", str(layers))
    reads = []
    real = catalog.read_catalog
    monkeypatch.setattr(catalog, "read_catalog", lambda *a, **k: reads.append(1) or real(*a, **k))
    assert mod._path() == tmp_path / "geodata" / "district.geojson"
    assert mod._path() == tmp_path / "geodata" / "district.geojson"
    assert len(reads) == 1
    admin = layers / "admin.toml"
    text = admin.read_text(encoding="utf-8")
    assert text.count('"geodata/district.geojson"') == 1
    admin.write_text(text.replace('"geodata/district.geojson"', '"geodata/moved.geojson"'), encoding="utf-8")
    assert mod._path() == tmp_path / "geodata" / "moved.geojson"
    assert len(reads) == 2
