"""The synthetic (合成) DLTB: parcels that tile the area, with a delivery's fields and sound numbers."""

from __future__ import annotations

import numpy as np
import shapely

from lukou_geo.store.synthetic import synthetic_dltb, to_crs


def test_parcels_tile_the_area_with_delivery_fields():
    area = shapely.box(415_000, 3_065_000, 417_000, 3_066_000)
    gdf = synthetic_dltb(300, seed=3, boundary=area)
    assert 290 <= len(gdf) <= 300 and gdf.geometry.is_valid.all()
    assert abs(gdf.geometry.area.sum() - area.area) < 1.0  # no gaps, no overlaps
    assert {"BSM", "TBBH", "DLBM", "DLMC", "ZLDWDM", "TBMJ", "KCXS", "KCMJ", "TBDLMJ"} <= set(gdf.columns)
    assert np.allclose(gdf["TBDLMJ"], gdf["TBMJ"] - gdf["KCMJ"], atol=0.02)
    assert (gdf["KCXS"][~gdf["DLBM"].str.startswith("01")] == 0).all()
    assert set(gdf["BZ"]) == {"合成数据"}
    prefixed = to_crs(gdf, "EPSG:4526")
    assert prefixed.crs.to_epsg() == 4526 and prefixed.total_bounds[0] > 38_000_000
