"""Synthetic (合成) authoritative layers for tests and measurements: never real survey data.

:func:`synthetic_dltb` makes a 三调-like DLTB layer: ``n`` parcels that tile the district (Voronoi
cells of random points inside the boundary, clipped to it, edges segmentized so a parcel has
20–40 vertices like real ones), with the fields of a real delivery (BSM, TBBH, DLBM, DLMC, QSXZ,
ZLDWDM, ZLDWMC, TBMJ, KCXS, KCMJ, TBDLMJ, SJNF), class codes drawn with plausible weights, and
areas measured in EPSG:4547. Every record says it is synthetic (``BZ`` = 合成数据). Write it
with :func:`write_synthetic` in the formats planners receive (FileGDB, zipped GBK shapefile,
GeoPackage) and CRSs (EPSG:4490, 4526 with the zone prefix, 4547).

Command line: ``python -m lukou_geo.store.synthetic --n 150000 --out dltb.gdb [--crs EPSG:4490]``.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

#: (code, name, weight): 三调 classes with rough shares of a hilly Hunan county.
DLTB_CLASSES: tuple[tuple[str, str, float], ...] = (
    ("0101", "水田", 0.22), ("0102", "水浇地", 0.01), ("0103", "旱地", 0.05), ("0201", "果园", 0.02),
    ("0202", "茶园", 0.01), ("0301", "乔木林地", 0.30), ("0302", "竹林地", 0.03), ("0305", "灌木林地", 0.03),
    ("0307", "其他林地", 0.04), ("0404", "其他草地", 0.02), ("0601", "工业用地", 0.02), ("0702", "农村宅基地", 0.09),
    ("0701", "城镇住宅用地", 0.02), ("1003", "公路用地", 0.02), ("1006", "农村道路", 0.04), ("1101", "河流水面", 0.01),
    ("1104", "坑塘水面", 0.05), ("1107", "沟渠", 0.01), ("1202", "设施农用地", 0.01),
)
_TOWNS = ("渌口镇", "淦田镇", "古岳峰镇", "龙门镇", "龙船镇", "朱亭镇", "南洲镇", "南阳桥乡")


def district_boundary_metric() -> shapely.Geometry:
    """The district boundary (``geodata/district.geojson``) in EPSG:4547."""
    from lukou_geo.catalog import read_catalog
    from lukou_geo.crs import to_metric

    catalog = read_catalog()
    gdf = pyogrio.read_dataframe(catalog.path(catalog.layer("district")))
    return shapely.union_all(to_metric(gdf.geometry.values))


def synthetic_dltb(n: int, seed: int = 0, boundary: shapely.Geometry | None = None, segment_m: float = 12.0) -> gpd.GeoDataFrame:
    """``n`` synthetic 三调 parcels tiling ``boundary`` (default: the district), in EPSG:4547."""
    rng = np.random.default_rng(seed)
    area = boundary if boundary is not None else district_boundary_metric()
    minx, miny, maxx, maxy = area.bounds
    shapely.prepare(area)
    pts = np.empty((0, 2))
    while len(pts) < n:
        cand = rng.uniform((minx, miny), (maxx, maxy), size=(int((n - len(pts)) * 1.6) + 16, 2))
        pts = np.vstack([pts, cand[shapely.contains_xy(area, cand[:, 0], cand[:, 1])]])
    pts = pts[:n]
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=shapely.box(minx, miny, maxx, maxy)))
    # the cell of every point, in point order (voronoi_polygons returns them in no set order)
    tree = shapely.STRtree(cells)
    pidx, cidx = tree.query(shapely.points(pts), predicate="within")
    order = np.full(n, -1)
    order[pidx] = cidx
    cells = cells[order[order >= 0]]
    inner = shapely.contains_properly(area, cells)
    cells[~inner] = shapely.intersection(cells[~inner], area)
    for i in np.flatnonzero(shapely.get_type_id(cells) == 7):  # a clip can leave stray lines or points beside the polygon
        parts = [g for g in shapely.get_parts(cells[i]) if shapely.get_type_id(g) in (3, 6)]
        cells[i] = shapely.union_all(parts) if parts else shapely.Polygon()
    cells = shapely.segmentize(cells, segment_m)
    cells = cells[~shapely.is_empty(cells) & np.isin(shapely.get_type_id(cells), (3, 6))]
    return _dltb_attributes(cells, rng)


def _dltb_attributes(cells: np.ndarray, rng: np.random.Generator) -> gpd.GeoDataFrame:
    m = len(cells)
    weights = np.array([w for _, _, w in DLTB_CLASSES])
    pick = rng.choice(len(DLTB_CLASSES), size=m, p=weights / weights.sum())
    codes = np.array([c for c, _, _ in DLTB_CLASSES])[pick]
    names = np.array([nm for _, nm, _ in DLTB_CLASSES])[pick]
    tbmj = np.round(shapely.area(cells), 2)
    farmland = np.char.startswith(codes.astype(str), "01")
    kcxs = np.where(farmland, rng.choice([0.0, 0.05, 0.08, 0.11, 0.15], size=m), 0.0)
    kcmj = np.round(tbmj * kcxs, 2)
    town = rng.integers(0, len(_TOWNS), size=m)
    village = rng.integers(1, 30, size=m)
    return gpd.GeoDataFrame(
        {
            "BSM": [f"4302122022{i:08d}" for i in range(1, m + 1)],
            "TBBH": [str(i) for i in range(1, m + 1)],
            "DLBM": codes,
            "DLMC": names,
            "QSXZ": np.where(rng.random(m) < 0.9, "30", "20"),
            "ZLDWDM": [f"430212{100 + t:03d}{v:03d}0000000" for t, v in zip(town, village, strict=True)],
            "ZLDWMC": [f"{_TOWNS[t]}第{v}村" for t, v in zip(town, village, strict=True)],
            "TBMJ": tbmj,
            "KCXS": kcxs,
            "KCMJ": kcmj,
            "TBDLMJ": np.round(tbmj - kcmj, 2),
            "SJNF": np.full(m, 2022, dtype=np.int32),
            "BZ": np.full(m, "合成数据", dtype=object),
        },
        geometry=cells,
        crs="EPSG:4547",
    )


def to_crs(gdf: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """``gdf`` (EPSG:4547) in ``crs``; EPSG:4526 is the same projection with the zone-38 prefix."""
    if crs.upper() == "EPSG:4526":
        moved = shapely.transform(gdf.geometry.values, lambda c: c + np.array([38_000_000.0, 0.0]))
        return gdf.set_geometry(gpd.GeoSeries(moved, crs="EPSG:4526"), crs="EPSG:4526")
    return gdf.to_crs(crs)


def write_synthetic(gdf: gpd.GeoDataFrame, out: str | Path, layer: str = "DLTB", crs: str | None = None) -> Path:
    """Write ``gdf`` as FileGDB (``.gdb``), zipped GBK shapefile (``.zip``), GeoPackage, GeoJSON or FlatGeobuf."""
    out = Path(out)
    frame = to_crs(gdf, crs) if crs else gdf
    suffix = out.suffix.lower()
    if out.exists():
        shutil.rmtree(out) if out.is_dir() else out.unlink()
    if suffix == ".gdb":
        pyogrio.write_dataframe(frame, out, layer=layer, driver="OpenFileGDB", geometry_type="MultiPolygon", promote_to_multi=True)
    elif suffix == ".zip":
        with tempfile.TemporaryDirectory() as tmp:
            shp = Path(tmp) / f"{layer}.shp"
            pyogrio.write_dataframe(frame, shp, encoding="GBK")
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
                for part in sorted(Path(tmp).iterdir()):
                    zf.write(part, part.name)
    else:
        pyogrio.write_dataframe(frame, out, layer=layer)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="write a synthetic (合成) 三调 DLTB layer")
    ap.add_argument("--n", type=int, default=150_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--crs", default="EPSG:4490")
    ap.add_argument("--out", required=True, help="x.gdb, x.zip (GBK shapefile), x.gpkg, x.geojson")
    args = ap.parse_args(argv)
    gdf = synthetic_dltb(args.n, args.seed)
    print(write_synthetic(gdf, args.out, crs=args.crs), len(gdf))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
