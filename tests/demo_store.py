"""Synthetic (合成) demo layers in a real store, imported the way a planner imports them.

:func:`parcels` is a 三调 DLTB delivery of square parcels south of 渌口镇 (fields DLBM, DLMC, TBBH, …,
codes cycling through :data:`DEMO_CODES`), :func:`redline` a one-block 生态保护红线. :func:`build_demo`
writes them through GDAL as a FileGDB (EPSG:4526, zone 38 with its prefix) and a zipped GBK shapefile
(EPSG:4490) and imports both with :func:`lukou_geo.store.importer.import_layer` into a GeoPackage store
(or any store URL, e.g. PostGIS), tiles and all. :func:`demo_store_path` makes the GeoPackage once per
process and copies it where a test wants it, so a test gets a fresh store in a second.

:class:`RecordingStore` is the real GeoPackage store that also notes the calls the tests assert on
(``identify``, ``table``, ``remove_layer``): "the page never asks for the whole layer".
"""

from __future__ import annotations

import functools
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd
from shapely.geometry import box

from lukou_geo.build.synthetic_write import write_delivery
from lukou_geo.store import open_store
from lukou_geo.store.base import ALL_FEATURES, Store, TableFilter
from lukou_geo.store.gpkg import GpkgStore

#: 三调 codes of the synthetic parcels, with their names (GB/T 21010 三调 working classes).
DEMO_CODES: tuple[tuple[str, str], ...] = (
    ("0101", "水田"), ("0103", "旱地"), ("0301", "乔木林地"), ("0702", "农村宅基地"),
    ("1006", "农村道路"), ("1104", "坑塘水面"), ("1203", "田坎"), ("0404", "其他草地"),
)
#: South-west corner and parcel size (degrees) of the demo grid: farmland south of 渌口镇.
DEMO_ORIGIN = (113.120, 27.660)
DEMO_STEP = 0.004
#: The demo store's layers: id → (title, kind, file written, who imported it).
DEMO_LAYERS = {
    "dltb_demo": ("合成三调地类图斑", "dltb", "DLTB_合成.gdb", "张工"),
    "hx_demo": ("合成生态保护红线", "stbhhx", "STBHHX_合成.zip", "李工"),
}


def parcels(nx: int, ny: int, origin: tuple[float, float] = DEMO_ORIGIN, step: float = DEMO_STEP,
            codes: tuple[tuple[str, str], ...] = DEMO_CODES) -> gpd.GeoDataFrame:
    """A synthetic (合成) DLTB delivery (EPSG:4326): ``nx × ny`` parcels row by row from the south-west,
    codes cycling through ``codes``; parcel k (from 0) is 图斑 ``TB{k+1:05d}`` and gets ``lk_fid`` k + 1."""
    x0, y0 = origin
    geoms, rows = [], []
    for j in range(ny):
        for i in range(nx):
            k = j * nx + i
            code, name = codes[(i + j) % len(codes)]
            geoms.append(box(x0 + i * step, y0 + j * step, x0 + (i + 0.96) * step, y0 + (j + 0.96) * step))
            rows.append({"BSM": f"430212{k + 1:012d}", "TBBH": f"TB{k + 1:05d}", "DLBM": code, "DLMC": name,
                         "ZLDWDM": "430212100201", "QSXZ": "30", "SJNF": 2023, "BZ": "合成 synthetic"})
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")
    gdf["SJNF"] = gdf["SJNF"].astype("int32")
    gdf["TBMJ"] = gdf.to_crs("EPSG:4547").area.round(2)
    return gdf


def redline(origin: tuple[float, float] = DEMO_ORIGIN, step: float = DEMO_STEP) -> gpd.GeoDataFrame:
    """A synthetic 生态保护红线 delivery: one block over the demo parcels' north-east quarter (code HX01)."""
    x0, y0 = origin
    geom = box(x0 + 6 * step, y0 + 6 * step, x0 + 12 * step, y0 + 12 * step)
    return gpd.GeoDataFrame([{"HXBM": "HX01", "HXMC": "合成 红线", "BZ": "合成 synthetic"}], geometry=[geom], crs="EPSG:4326")


def write_demo(folder: Path, dltb: gpd.GeoDataFrame | None = None) -> dict[str, Path]:
    """The two deliveries as planners receive them: {layer id: file}."""
    folder.mkdir(parents=True, exist_ok=True)
    d = dltb if dltb is not None else parcels(12, 12)
    return {
        "dltb_demo": write_delivery(d, folder / DEMO_LAYERS["dltb_demo"][2], layer="DLTB", crs="EPSG:4526"),
        "hx_demo": write_delivery(redline(), folder / DEMO_LAYERS["hx_demo"][2], layer="STBHHX", crs="EPSG:4490"),
    }


def build_demo(store: Store, folder: Path, dltb: gpd.GeoDataFrame | None = None, titles: dict[str, str] | None = None) -> None:
    """Import the demo deliveries (written into ``folder``) into ``store`` through the importer."""
    from lukou_geo.store.importer import import_layer

    for layer_id, path in write_demo(folder, dltb).items():
        title, kind, _, user = DEMO_LAYERS[layer_id]
        import_layer(store, path, layer_id=layer_id, title=(titles or {}).get(layer_id, title), kind=kind, user=user)


@functools.lru_cache(maxsize=4)
def _template(hostile_bz: str = "") -> Path:
    folder = Path(tempfile.mkdtemp(prefix="lukou-demo-store-"))
    d = parcels(12, 12)
    titles = {}
    if hostile_bz:
        d.loc[5 * 12 + 5, "BZ"] = hostile_bz
        titles["dltb_demo"] = "合成三调 " + hostile_bz
    path = folder / "store.gpkg"
    store = GpkgStore(path)
    build_demo(store, folder / "deliveries", d, titles)
    store.close()
    with sqlite3.connect(path) as con:  # one self-contained file to copy
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def demo_store_path(dest: Path, hostile_bz: str = "") -> Path:
    """A fresh copy of the demo GeoPackage store at ``dest`` (a folder); returns the GeoPackage's path.

    ``hostile_bz``: text put into parcel (5, 5)'s ``BZ`` and the DLTB's title (escaping tests)."""
    dest.mkdir(parents=True, exist_ok=True)
    out = dest / "store.gpkg"
    shutil.copyfile(_template(hostile_bz), out)
    return out


class RecordingStore(GpkgStore):
    """The GeoPackage store, noting ``(method, args)`` of the calls tests assert on in :attr:`calls`."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(path)
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def identify(self, lon: float, lat: float, layer_ids: list[str] | None = None, tolerance_m: float = 0.0) -> Any:
        self.calls.append(("identify", (lon, lat, tuple(layer_ids or ()))))
        return super().identify(lon, lat, layer_ids, tolerance_m)

    def table(self, layer_id: str, flt: TableFilter = ALL_FEATURES, offset: int = 0, limit: int = 100,
              order: str = "lk_fid") -> Any:
        self.calls.append(("table", (layer_id, flt, offset, limit, order)))
        return super().table(layer_id, flt, offset=offset, limit=limit, order=order)

    def remove_layer(self, layer_id: str, user: str) -> None:
        self.calls.append(("remove_layer", (layer_id, user)))
        super().remove_layer(layer_id, user)


def recording_store() -> RecordingStore:
    """``LUKOU_STORE_FACTORY=tests.demo_store:recording_store``: a :class:`RecordingStore` of the GeoPackage
    ``LUKOU_STORE`` names."""
    from lukou_geo.settings import get_settings

    return RecordingStore(get_settings().store_url)


def tile_keys(store: GpkgStore, layer_id: str) -> list[tuple[int, int, int]]:
    """The (z, x, y) of every stored tile of a layer (read from the GeoPackage's own tables)."""
    with sqlite3.connect(store.path) as con:
        rows = con.execute("SELECT t.z, t.x, t.y FROM lk_tiles t JOIN lk_layers l ON t.tileset = l.tileset WHERE l.id = ? "
                           "ORDER BY t.z, t.x, t.y", (layer_id,)).fetchall()
    return [(int(z), int(x), int(y)) for z, x, y in rows]


def open_demo(url: str) -> Store:
    """The store at ``url`` (PostGIS URL or GeoPackage path), with the demo layers imported when it has none."""
    store = open_store(url)
    if not store.layers():
        build_demo(store, Path(tempfile.mkdtemp(prefix="lukou-demo-deliveries-")))
    return store
