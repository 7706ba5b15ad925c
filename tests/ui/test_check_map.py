"""The check page's map pick (lukou_geo.ui.check_map): a click is a point, a drawing is the drawing."""

from __future__ import annotations

from lukou_geo.ui.check_map import map_pick

DISC = {"type": "Polygon", "coordinates": [[[113.12, 27.47], [113.15, 27.47], [113.15, 27.50], [113.12, 27.47]]]}
DRAWN = {"type": "Polygon", "coordinates": [[[113.0, 27.6], [113.1, 27.6], [113.1, 27.7], [113.0, 27.6]]]}


def _out(click=None, active=None, drawings=(), on_object=None):
    return {"last_clicked": click, "last_active_drawing": {"type": "Feature", "geometry": active} if active else None,
            "last_object_clicked": on_object, "all_drawings": [{"type": "Feature", "geometry": g} for g in drawings]}


def test_a_click_on_a_plan_feature_is_a_point_at_the_click():
    seen: dict = {}
    assert map_pick(_out(), seen) is None
    # st_folium reports the clicked plan feature as last_active_drawing: it is not what is checked
    pick = map_pick(_out(on_object={"lat": 27.478, "lng": 113.128}, active=DISC), seen)
    assert pick == {"type": "Point", "coordinates": [113.128, 27.478]}
    # then a click on the basemap
    assert map_pick(_out(click={"lat": 27.5, "lng": 113.2}, on_object={"lat": 27.478, "lng": 113.128}, active=DISC), seen) == {
        "type": "Point", "coordinates": [113.2, 27.5]}


def test_a_shape_drawn_with_the_tools_is_checked_as_drawn_then_a_click_is_a_point_again():
    seen: dict = {}
    map_pick(_out(), seen)
    assert map_pick(_out(click={"lat": 27.61, "lng": 113.01}, active=DRAWN, drawings=[DRAWN]), seen) == DRAWN
    assert map_pick(_out(click={"lat": 27.61, "lng": 113.01}, active=DRAWN, drawings=[DRAWN]), seen) == DRAWN  # a rerun
    pick = map_pick(_out(click={"lat": 27.61, "lng": 113.01}, on_object={"lat": 27.48, "lng": 113.13}, active=DISC, drawings=[DRAWN]), seen)
    assert pick == {"type": "Point", "coordinates": [113.13, 27.48]}
    # a click on the drawn shape selects it again
    assert map_pick(_out(click={"lat": 27.61, "lng": 113.01}, on_object={"lat": 27.65, "lng": 113.05}, active=DRAWN, drawings=[DRAWN]), seen) == DRAWN
    # every drawing deleted: nothing left to check
    assert map_pick(_out(click={"lat": 27.61, "lng": 113.01}, on_object={"lat": 27.65, "lng": 113.05}, active=DRAWN, drawings=[]), seen) is None
