"""The measure control: distances in km (m) and areas in 公顷 (亩) on any atlas map.

folium's MeasureControl (leaflet-measure 2.1.7, vendored from npm) with its custom-unit option:
1 公顷 = 10 000 m² and 1 公顷 = 15 亩, so 1 m² = 0.0015 亩. Leaflet-measure computes lengths and
areas on the sphere (geodesic), well within map accuracy at the district's scale.
"""

from __future__ import annotations

import folium
from folium.plugins import MeasureControl

from lukou_geo.settings import MU_PER_HECTARE

#: square metres → 亩
MU_PER_SQM = MU_PER_HECTARE / 10_000


def measure_units(lang: str = "zh") -> dict[str, dict[str, object]]:
    """leaflet-measure custom units: km, m, 公顷, 亩 (factor = units per metre or per m²).

    The names have no underscores: folium camel-cases option keys (``lk_mu`` → ``lkMu``) but not
    the values that name them, which would leave the control without units.
    """
    zh = lang == "zh"
    return {
        "lkkm": {"factor": 0.001, "display": "公里" if zh else "km", "decimals": 2},
        "lkm": {"factor": 1, "display": "米" if zh else "m", "decimals": 0},
        "lkha": {"factor": 0.0001, "display": "公顷" if zh else "ha (公顷)", "decimals": 2},
        "lkmu": {"factor": MU_PER_SQM, "display": "亩" if zh else "mu (亩)", "decimals": 1},
    }


def add_measure(m: folium.Map, lang: str = "zh") -> MeasureControl:
    """Add the measure control (top left) to ``m`` and return it."""
    ctl = MeasureControl(position="topleft", primary_length_unit="lkkm", secondary_length_unit="lkm",
                         primary_area_unit="lkha", secondary_area_unit="lkmu",
                         localization="cn" if lang == "zh" else "en", units=measure_units(lang))
    ctl.add_to(m)
    return ctl
