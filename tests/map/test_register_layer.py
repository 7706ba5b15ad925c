"""The register's map layer (lukou_geo/map/elements/register.py): compact points, status colours from the
one table, names as data (never script text), the click read back from st_folium's tooltip."""

from __future__ import annotations

import json
import re

import folium

from lukou_geo.map.elements.register import RegisterLayer, StatusLegend, add_register, clicked_project, status_rows
from lukou_geo.registry.records import STATUS_COLOURS, STATUSES

HOSTILE = '</script><img src=x onerror=alert(1)>${alert(2)}{{ x }}\\'


def _html(points, lang="zh") -> str:
    m = folium.Map(tiles=None)
    add_register(m, points, lang)
    return m.get_root().render()


def test_every_status_has_one_colour_and_a_label_in_both_languages():
    assert list(STATUS_COLOURS) == list(STATUSES) and len(set(STATUS_COLOURS.values())) == len(STATUSES)
    zh, en = status_rows("zh"), status_rows("en")
    assert [r["label"] for r in zh] == list(STATUSES)
    assert en[3]["label"] == "approved (已批复)" and en[3]["color"] == STATUS_COLOURS["已批复"]


def test_points_are_compact_and_names_stay_data():
    pts = [{"id": 7, "name": HOSTILE, "status": "已批复", "lon": 113.1234567, "lat": 27.6543219},
           {"id": 8, "name": "渌口物流园", "status": "拟选址", "lon": 113.2, "lat": 27.5}]
    html = _html(pts)
    assert "</script><img" not in html
    assert html.count("<script") == html.count("</script>")  # no script closed early
    assert "onerror=alert(1)>" not in html
    data = json.loads(re.search(r"var DATA = (\{.*?\});\n", html).group(1).replace("{\\u007b", "{{"))
    assert data["pts"] == [[113.12346, 27.65432, 3, 7], [113.2, 27.5, 0, 8]]
    assert data["names"] == [HOSTILE, "渌口物流园"]
    assert data["statuses"][3]["color"] == STATUS_COLOURS["已批复"]
    assert "textContent" in html and "innerHTML" not in html


def test_ten_thousand_projects_are_points_not_polygons():
    pts = [{"id": i, "name": f"项目{i}", "status": STATUSES[i % 5], "lon": 113.0 + (i % 100) * 1e-3, "lat": 27.5 + (i // 100) * 1e-3}
           for i in range(10_000)]
    layer = RegisterLayer(pts, "zh")
    assert len(layer.data_json) < 600_000  # ≈ 50 bytes a project
    assert "coordinates" not in layer.data_json


def test_the_legend_alone_and_the_click():
    m = folium.Map(tiles=None)
    StatusLegend("en").add_to(m)
    html = m.get_root().render()
    assert "lk-register-legend" in html and "Project status" in html
    assert clicked_project({"last_object_clicked_tooltip": "#12 渌口物流园 · 拟选址"}) == 12
    assert clicked_project({"last_object_clicked_tooltip": "渌口镇"}) is None
    assert clicked_project({}) is None and clicked_project(None) is None
