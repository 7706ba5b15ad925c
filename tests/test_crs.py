import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from lukou_geo import crs

# published coordinate of the 渌口镇 seat (shared/data/README.md) and the csv's GCJ-02 original
LUKOU_WGS = (113.13718, 27.7085)
LUKOU_CSV_WGS = (113.137231, 27.708511)
LUKOU_CSV_GCJ = (113.143046, 27.705382)


def test_gcj02_to_wgs84_matches_reference_vector():
    lon, lat = crs.gcj02_to_wgs84(*LUKOU_CSV_GCJ)
    assert crs.haversine_m(lon, lat, *LUKOU_CSV_WGS) < 1.0
    assert crs.haversine_m(lon, lat, *LUKOU_WGS) < 10.0


def test_offset_at_lukou_is_about_660m():
    glon, glat = crs.wgs84_to_gcj02(*LUKOU_WGS)
    assert glon - LUKOU_WGS[0] == pytest.approx(0.0058, abs=0.0002)
    assert glat - LUKOU_WGS[1] == pytest.approx(-0.0031, abs=0.0002)
    assert 600 < crs.haversine_m(glon, glat, *LUKOU_WGS) < 720


@settings(max_examples=200, deadline=None)
@given(st.floats(112.5, 113.8), st.floats(26.9, 28.1))
def test_round_trip_gcj02_under_1m(lon, lat):
    back = crs.gcj02_to_wgs84(*crs.wgs84_to_gcj02(lon, lat))
    assert crs.haversine_m(*back, lon, lat) < 1.0


@settings(max_examples=200, deadline=None)
@given(st.floats(112.5, 113.8), st.floats(26.9, 28.1))
def test_round_trip_bd09_under_1m(lon, lat):
    back = crs.bd09_to_wgs84(*crs.wgs84_to_bd09(lon, lat))
    assert crs.haversine_m(*back, lon, lat) < 1.0


def test_vectorised_equals_scalar():
    lons = np.linspace(112.97, 113.32, 50)
    lats = np.linspace(27.2, 27.8, 50)
    vl, va = crs.gcj02_to_wgs84(lons, lats)
    for i in (0, 17, 49):
        sl, sa = crs.gcj02_to_wgs84(lons[i], lats[i])
        assert vl[i] == pytest.approx(float(sl), abs=1e-12) and va[i] == pytest.approx(float(sa), abs=1e-12)


def test_outside_china_unchanged():
    lon, lat = crs.wgs84_to_gcj02(2.35, 48.85)
    assert (float(lon), float(lat)) == (2.35, 48.85)


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match="shape"):
        crs.gcj02_to_wgs84([1.0, 2.0], [3.0])


def test_transform_geometry_moves_every_vertex():
    poly = shapely.box(113.10, 27.60, 113.20, 27.70)
    moved = crs.transform_geometry(poly, crs.gcj02_to_wgs84)
    a = shapely.get_coordinates(poly)
    b = shapely.get_coordinates(moved)
    assert a.shape == b.shape
    assert np.all(np.abs(a[:, 0] - b[:, 0] - 0.0058) < 0.0003)


def test_to_metric_equals_geopandas_and_is_cheap_in_a_new_thread() -> None:
    """The per-thread transformer gives bit-identical EPSG:4547 coordinates to GeoPandas' to_crs and
    needs no PROJ database lookup in a new thread (≈ 0.4 s each; Streamlit runs every rerun in one)."""
    import threading

    import geopandas as gpd

    rng = np.random.default_rng(3)
    pts = shapely.points(rng.uniform(112.9, 113.4, 500), rng.uniform(27.3, 27.9, 500))
    polys = shapely.buffer(pts, 0.01)
    ours = crs.to_metric(polys)
    theirs = gpd.GeoSeries(polys, crs="EPSG:4326").to_crs("EPSG:4547").values.to_numpy()
    assert np.array_equal(shapely.get_coordinates(ours), shapely.get_coordinates(theirs))
    back = crs.to_lonlat(ours)
    assert np.allclose(shapely.get_coordinates(back), shapely.get_coordinates(polys), atol=1e-9)
    # a new thread builds its transformer from the resolved pipeline, not by a CRS lookup
    from pyproj import Transformer

    calls: list[str] = []
    real = Transformer.from_crs
    seen: list[Exception] = []

    def spy(*a, **k):
        calls.append("from_crs")
        return real(*a, **k)

    def run() -> None:
        try:
            crs.to_metric(pts[:1])
        except Exception as exc:
            seen.append(exc)

    Transformer.from_crs = spy  # type: ignore[method-assign]
    try:
        th = threading.Thread(target=run)
        th.start()
        th.join()
    finally:
        Transformer.from_crs = real  # type: ignore[method-assign]
    assert not seen and calls == []
