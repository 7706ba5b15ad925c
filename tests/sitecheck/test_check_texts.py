"""The site check's text columns are written once per distinct case and shared: they equal the texts
written project by project (the reasons, the nearby transport), on points, lines, polygons, projects
partly or wholly outside the district, and many project types."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from lukou_geo.sitecheck import check as check_mod
from lukou_geo.sitecheck.check import check_projects
from lukou_geo.sitecheck.context import default_context
from lukou_geo.sitecheck.verdict import ReasonWriter, group_rows

TYPES = ["新材料", "住宅", "物流", "商业", "农业", "一般工业", "酒店", "交通设施", "养殖", "电子信息", "装备制造", "", "火星基地",
         "New materials", "housing", "居住", "工业用地"]


@pytest.fixture(scope="module")
def ctx():
    return default_context()


def _varied(ctx, seed: int = 3) -> gpd.GeoDataFrame:
    """Points on every zone, squares of four sizes around them, squares on their edges, lines, random
    points / squares / lines / discs in and around the district (EPSG:4547 → WGS-84), random types."""
    rng = np.random.default_rng(seed)
    geoms = []
    for g in ctx.zone_geoms:
        p = shapely.point_on_surface(g)
        geoms.append(p)
        geoms += [shapely.box(p.x - h, p.y - h, p.x + h, p.y + h) for h in (50, 400, 1500, 4000)]
        geoms.append(shapely.LineString([(p.x - 2000, p.y), (p.x + 2000, p.y + 700)]))
        q = shapely.get_exterior_ring(shapely.get_parts(g)[0]).interpolate(rng.uniform(), normalized=True)
        geoms.append(shapely.box(q.x - 300, q.y - 300, q.x + 300, q.y + 300))
    caps = ctx.zones["fit_caps"].to_numpy(dtype=bool)
    for g in ctx.zone_geoms[caps]:  # just outside a protected zone: a few per cent of it (另有 … 请注意)
        ring = shapely.get_exterior_ring(shapely.get_parts(g.buffer(150))[0])
        for f, h in zip(rng.uniform(0, 1, 16), rng.uniform(165, 220, 16), strict=True):
            q = ring.interpolate(f, normalized=True)
            geoms.append(shapely.box(q.x - h, q.y - h, q.x + h, q.y + h))
    edge = ctx.district.boundary  # straddling the district's edge: 部分
    for f in rng.uniform(0, 1, 12):
        q = edge.interpolate(f, normalized=True)
        geoms.append(shapely.box(q.x - 700, q.y - 700, q.x + 700, q.y + 700))
    minx, miny, maxx, maxy = ctx.district.bounds
    n = 240
    x, y, h = rng.uniform(minx - 8000, maxx + 8000, n), rng.uniform(miny - 8000, maxy + 8000, n), rng.uniform(20, 3000, n)
    for i in range(n):
        geoms.append((shapely.Point(x[i], y[i]), shapely.box(x[i] - h[i], y[i] - h[i], x[i] + h[i], y[i] + h[i]),
                      shapely.LineString([(x[i] - h[i], y[i]), (x[i] + h[i], y[i] + h[i] / 2)]),
                      shapely.Point(x[i], y[i]).buffer(h[i], quad_segs=4))[i % 4])
    geoms += [geoms[0], geoms[1]]  # the same project twice
    ll = gpd.GeoSeries(geoms, crs="EPSG:4547").to_crs("EPSG:4326").values
    return gpd.GeoDataFrame({"name": [f"v{i}" for i in range(len(ll))], "ptype": np.array(TYPES, dtype=object)[rng.integers(0, len(TYPES), len(ll))],
                             "source": "t"}, geometry=ll, crs="EPSG:4326")


def _reasons_per_project(self, s, d, context_p, context_z):
    """The reasons as they were written before: one sentence per project and language."""
    context_of = {int(p): context_z[context_p == p] for p in np.unique(context_p)}
    cols = list(zip(range(len(s)), s["in_district"], s["district_share"], s["district_dist_km"], s["ptype"], s["ptype_input"],
                    s["zone_count"], strict=True))
    return {lg: np.array([self.reason(d, i, inside, dshare, dist, ptype, given, zc, context_of.get(i), lg)
                          for i, inside, dshare, dist, ptype, given, zc in cols], dtype=object) for lg in ("zh", "en")}


def _transport_per_project(pm, ctx):
    """The nearby transport as it was written before: a pandas groupby joining each project's names."""
    zh, en = np.full(len(pm), "", dtype=object), np.full(len(pm), "", dtype=object)
    ip, it = ctx.transport_tree.query(pm, predicate="dwithin", distance=check_mod.NEARBY_TRANSPORT_KM * 1000)
    if len(ip):
        d = shapely.distance(pm[ip], ctx.transport_geoms[it]) / 1000
        tdf = pd.DataFrame({"p": ip, "name": ctx.transport["name"].to_numpy()[it], "name_en": ctx.transport["name_en"].to_numpy()[it],
                            "d": d}).sort_values(["p", "d"])
        tdf = tdf.groupby("p").head(3)
        km = tdf["d"].map(lambda v: f"{v:.1f}")
        tdf["t"], tdf["t_en"] = tdf["name"] + "(" + km + " km)", tdf["name_en"] + " (" + km + " km)"
        joined = tdf.groupby("p").agg({"t": ";".join, "t_en": "; ".join})
        zh[joined.index.to_numpy()], en[joined.index.to_numpy()] = joined["t"].to_numpy(), joined["t_en"].to_numpy()
    return zh, en


@pytest.mark.parametrize("default_type,chunk", [("", 10_000), ("新材料", 97)])
def test_shared_texts_equal_the_texts_written_per_project(ctx, monkeypatch, default_type: str, chunk: int) -> None:
    projects = _varied(ctx)
    fast = check_projects(projects, ctx, default_type, chunk=chunk)
    monkeypatch.setattr(ReasonWriter, "reasons", _reasons_per_project)
    monkeypatch.setattr(check_mod, "_transport", _transport_per_project)
    slow = check_projects(projects, ctx, default_type, chunk=chunk)
    s = fast.summary
    # the set covers every case a reason has
    assert set(s["in_district"]) == {"是", "部分", "否"} and set(s["geom_kind"]) == {"点", "线", "面"}
    assert set(s["verdict"]) == {"符合", "需关注", "冲突"} and (s["transport"] == "").any() and s["transport"].str.count(";").eq(2).any()
    for words in ("不在渌口区内", "在区内", "有 ", "另有", "不参与判定", "至多为需关注", "冲突部分不足", "不在类型表中"):
        assert s["reason"].str.contains(words).any(), words
    pd.testing.assert_frame_equal(s, slow.summary, check_exact=True)
    pd.testing.assert_frame_equal(fast.zones, slow.zones, check_exact=True)


def test_group_rows_groups_equal_rows_only() -> None:
    group, first = group_rows(np.array([1, 1, 2, 1]), np.array(["a", "a", "a", "b"], dtype=object),
                              np.array([0.0, 0.0, 0.0, 0.0]))
    assert group.tolist() == [0, 0, 1, 2] and first.tolist() == [0, 2, 3]
    group, _ = group_rows(np.array([0.0, -0.0, np.nan, np.nan, 0.1 + 0.2, 0.3]))
    assert group.tolist() == [0, 1, 2, 2, 3, 4]  # by the bits: -0.0 and 0.0, 0.1 + 0.2 and 0.3 differ as text
    group, first = group_rows(np.zeros(0, np.int64))
    assert not len(group) and not len(first)


def test_distances_written_with_one_decimal_like_python() -> None:
    rng = np.random.default_rng(0)
    v = np.r_[rng.uniform(0, 5, 20_000), np.arange(500) / 100 + 0.05, np.arange(5001) / 1000, [0.05, 0.25, -0.0, 1e7, np.inf, np.nan]]
    w = check_mod._one_decimal(v)
    assert [f"{x:.1f}" for x in v.tolist()] == [f"{x:.1f}" for x in w.tolist()]
    assert len(np.unique(w[:20_000])) <= 51
