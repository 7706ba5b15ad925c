"""A small check result (the shape of :class:`lukou_geo.sitecheck.check.CheckResult`) and accounts."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from lukou_geo import accounts


def result(n: int = 1, name: str = "项目", verdict: str = "符合", town: str = "渌口镇", ptype: str = "住宅") -> Any:
    summary = pd.DataFrame({
        "project_no": list(range(1, n + 1)), "name": [f"{name}{i}" for i in range(1, n + 1)], "ptype": [ptype] * n,
        "township": [town] * n, "verdict": [verdict] * n, "area_ha": [1.5] * n, "lon": [113.1] * n, "lat": [27.6] * n,
    })
    zones = pd.DataFrame({"project_no": list(range(1, n + 1)), "zone": ["城镇发展区"] * n, "share": [0.5] * n})
    geoms = [shapely.box(113.1 + i * 1e-3, 27.6, 113.1005 + i * 1e-3, 27.6005) for i in range(n)]
    return SimpleNamespace(summary=summary, zones=zones, projects=gpd.GeoDataFrame(geometry=geoms, crs="EPSG:4326"))


def team(store: Any) -> None:
    """admin ``ada``, checkers ``cho`` and ``chen``, viewer ``vic`` (passwords NAME + '-password')."""
    accounts.add_account(store, "root", "ada", "admin", "ada-password", local=True)
    for name, role in (("cho", "checker"), ("chen", "checker"), ("vic", "viewer")):
        accounts.add_account(store, "ada", name, role, f"{name}-password")


def counts(store: Any) -> dict[str, int]:
    out = {}
    with store.transaction() as tx:
        for t in ("lk_users", "lk_projects", "lk_project_history", "lk_project_files", "lk_audit"):
            out[t] = int(tx.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
    return out
