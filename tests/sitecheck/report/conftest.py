"""A checked result shared by the report tests: hostile names, a point outside the district, a polygon."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from lukou_geo.sitecheck.check import check_projects
from lukou_geo.sitecheck.context import default_context


@pytest.fixture(scope="package")
def checked():
    ctx = default_context()
    gdf = gpd.GeoDataFrame(
        {"name": ["<script>alert(1)</script>", "=HYPERLINK(\"http://x\")", "南洲厂房"], "ptype": ["住宅", "物流", "新材料"],
         "source": ["a", "b", "c"]},
        geometry=[Point(113.13, 27.70), Point(113.60, 27.70), box(113.145, 27.603, 113.150, 27.607)], crs="EPSG:4326")
    return ctx, check_projects(gdf, ctx)
