"""The store's interface: what every backend (GeoPackage, PostGIS) offers the rest of the atlas.

The planner's own authoritative layers (三区三线, 三调 DLTB, 总规 用地用海, 控规) live here, not in
``geodata/``. One backend is chosen by one setting (``LUKOU_STORE``: empty → a GeoPackage in the
data dir; ``postgresql://…`` → PostGIS); the code above this interface does not know which.

Conventions
-----------
- Geometries are stored in WGS-84 lon/lat (EPSG:4326, the atlas's storage CRS) with a spatial
  index (GeoPackage R-tree, PostGIS GiST); areas are measured in EPSG:4547 and kept per feature
  in ``lk_area_m2`` at import.
- A layer's features carry the standard fields of :data:`STANDARD_FIELDS` (``lk_`` prefix,
  mapped from the delivery's own fields: DLBM → ``lk_code`` …) and every original field, under its
  original name.
- A layer is visible only once its catalogue row is written, in the same transaction as (or after)
  its features and tiles: a failed or interrupted import leaves the store as it was.
- Every write names the user who made it; provenance (file, sha256, source CRS, encoding, who,
  when) stays with the layer, and every write is logged (:meth:`Store.history`).
- Geometries keep the precision they were delivered with (the 6-decimal rounding of ``geodata/``
  files is not applied: a 部标 export must give back the surveyed coordinates).
- Vector tiles are stored as the tile builder wrote them: ``LayerInfo.tiles["encoding"]`` says
  ``"gzip"`` (the server sends them with ``Content-Encoding: gzip``) or ``"identity"``.
- A store's schema is versioned (``lk_meta.schema_version``, ``lk_migrations``); opening a store
  applies the migrations it lacks.

Changes to the first draft of this interface: the store (not the caller) numbers versions and
stamps the write time under its write lock; :meth:`Store.tile` returns the stored bytes (gzip,
as ``tiles["encoding"]`` says) unless ``gzipped=False``; :meth:`Store.identify` takes a tolerance
in metres (lines and points cannot be hit exactly); :class:`TableFilter` can select by field
values; :meth:`Store.read_features` takes a filter; :meth:`Store.history` and
:meth:`Store.schema_version` were added; a store is a context manager.
"""

from __future__ import annotations

import abc
import contextlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: `python -m lukou_geo` builds its parsers from this module without pandas
    import pandas as pd

#: Layer kinds: what the layer is, which decides its standard fields, styles and check rules.
KINDS: dict[str, tuple[str, str]] = {
    "dltb": ("三调地类图斑", "land-use parcels (三调 DLTB)"),
    "yjjbnt": ("永久基本农田", "permanent basic farmland"),
    "stbhhx": ("生态保护红线", "ecological protection red line"),
    "czkfbj": ("城镇开发边界", "urban development boundary"),
    "ghydyh": ("规划用地用海", "planned land and sea use (用地用海)"),
    "ghfq": ("规划分区", "planning zones (规划分区)"),
    "kg": ("控制性详细规划", "regulatory detailed plan (控规) plots"),
    "other": ("其他图层", "other layer"),
}

#: The standard fields every imported layer has (None where the delivery has no such field).
STANDARD_FIELDS: dict[str, str] = {
    "lk_fid": "feature number in the store (1…n, stable within a layer version)",
    "lk_code": "class code (DLBM, YDYHFLDM, GHFQDM, …)",
    "lk_name": "class name (DLMC, YDYHFLMC, GHFQMC, …)",
    "lk_code1": "level-1 class code (the code's first two characters)",
    "lk_bsm": "标识码 BSM",
    "lk_xzqdm": "行政区代码 XZQDM / ZLDWDM",
    "lk_ref_id": "the feature's own id in its delivery (TBBH, YJJBNTTBBH, HXBM, …)",
    "lk_ref_name": "the feature's own name (HXMC, …)",
    "lk_tbmj": "图斑面积 TBMJ (m², as delivered)",
    "lk_kcxs": "扣除系数 KCXS (田坎 coefficient, 0–1)",
    "lk_kcmj": "扣除面积 KCMJ (m², as delivered)",
    "lk_tbdlmj": "图斑地类面积 TBDLMJ (m², as delivered)",
    "lk_year": "data year",
    "lk_area_m2": "area measured in EPSG:4547 at import (m²)",
    "lk_repaired": "1 if make_valid changed the geometry at import",
}

#: A layer id: ASCII, starts with a letter (it names tables and the tiles' MVT layer).
LAYER_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class FieldInfo:
    """One field of a layer: its original name and type, and the standard field it feeds (or "")."""

    name: str
    dtype: str
    standard: str = ""


@dataclass(frozen=True)
class LayerInfo:
    """A layer in the store, with its provenance."""

    id: str
    title: str
    kind: str
    geometry: str  # "point" | "line" | "polygon"
    features: int
    bounds: tuple[float, float, float, float]  # WGS-84 (minx, miny, maxx, maxy)
    source_file: str
    sha256: str
    source_crs: str
    encoding: str
    sublayer: str
    imported_at: str  # ISO 8601, UTC
    imported_by: str
    version: int  # 1 for the first import of this id, +1 for each re-import
    fields: tuple[FieldInfo, ...] = ()
    data_year: int | None = None
    repaired: int = 0
    dropped: int = 0
    outside: int = 0
    #: {"minzoom", "maxzoom", "count", "bytes", "encoding": "gzip" | "identity", "format": "pbf",
    #:  "layer": the MVT layer name inside the tiles, "attributes": [...]}; {} when the layer has no tiles
    tiles: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (``layers list --json``)."""
        return {
            "id": self.id, "title": self.title, "kind": self.kind, "geometry": self.geometry, "features": self.features,
            "bounds": list(self.bounds), "source_file": self.source_file, "sha256": self.sha256,
            "source_crs": self.source_crs, "encoding": self.encoding, "sublayer": self.sublayer,
            "imported_at": self.imported_at, "imported_by": self.imported_by, "version": self.version,
            "fields": [f.__dict__ for f in self.fields], "data_year": self.data_year,
            "repaired": self.repaired, "dropped": self.dropped, "outside": self.outside, "tiles": dict(self.tiles),
        }


@dataclass(frozen=True)
class ImportReport:
    """What an import did: the layer, and counts a planner checks before trusting it."""

    layer: LayerInfo
    read: int
    repaired: int
    dropped: int
    outside: int
    notes: tuple[str, ...] = ()
    seconds: float = 0.0


@dataclass(frozen=True)
class TableFilter:
    """Which features an attribute table or statistics query takes (all None: every feature)."""

    code_prefix: str | None = None  # lk_code starts with (e.g. "01" for 耕地, "0101")
    text: str | None = None  # a substring of lk_code, lk_name, lk_ref_id or lk_ref_name
    bbox: tuple[float, float, float, float] | None = None  # WGS-84
    #: (field, value) pairs the features must equal (field: a column of the layer, standard or original)
    equals: tuple[tuple[str, str], ...] = ()


#: The filter that takes every feature (the default of :meth:`Store.table` and :meth:`Store.class_stats`).
ALL_FEATURES = TableFilter()

Progress = Callable[[float, str], None]
TileRow = tuple[int, int, int, bytes]


def settle_tiles(info: LayerInfo, tiles: Any) -> tuple[LayerInfo, Iterable[TileRow]]:
    """The tiles a backend writes, and ``info`` with their description.

    ``tiles`` is either the rows ``(z, x, y, data)`` or a build still running beside the feature
    write (an object with ``result() -> (rows, description)``, :class:`lukou_geo.store.tiles.TileBuild`):
    the backend calls this after writing the features, so the two overlap."""
    if hasattr(tiles, "result"):
        rows, meta = tiles.result()
        return replace(info, tiles=meta), rows
    return info, tiles


class Store(abc.ABC):
    """One store of authoritative layers. Subclasses: GeoPackage and PostGIS."""

    #: "gpkg" or "postgis"
    backend: str = ""

    # -------------------------------------------------------------- catalogue
    @abc.abstractmethod
    def layers(self) -> list[LayerInfo]:
        """Every layer in the store, in import order."""

    @abc.abstractmethod
    def layer(self, layer_id: str) -> LayerInfo:
        """One layer; :class:`~lukou_geo.errors.StoreError` naming the id when there is none."""

    @abc.abstractmethod
    def remove_layer(self, layer_id: str, user: str) -> None:
        """Delete a layer with its features and tiles (atomic)."""

    # -------------------------------------------------------------- writing
    @abc.abstractmethod
    def write_layer(self, info: LayerInfo, features: Any, tiles: Iterable[tuple[int, int, int, bytes]] = (),
                    progress: Progress | None = None) -> LayerInfo:
        """Store a prepared layer (``features``: a GeoDataFrame in EPSG:4326 with the standard and
        original fields, ``lk_fid`` 1…n) and its vector tiles (z, x, y in the XYZ scheme, data as
        ``info.tiles["encoding"]`` says; or a tile build still running, settled by :func:`settle_tiles`
        once the features are written); replaces a layer of the same id. Atomic: until it
        returns, readers see the old layer (or none); a killed writer leaves the old layer.
        Returns the stored info: ``version`` (old + 1) and ``imported_at`` are the store's."""

    # -------------------------------------------------------------- reading
    @abc.abstractmethod
    def read_features(self, layer_id: str, bbox: tuple[float, float, float, float] | None = None,
                      columns: list[str] | None = None, fids: list[int] | None = None,
                      flt: TableFilter | None = None) -> Any:
        """Features as a GeoDataFrame (EPSG:4326) with ``lk_fid`` as a column, in ``lk_fid`` order;
        ``bbox`` (WGS-84) uses the spatial index; ``fids``, ``flt`` select further."""

    @abc.abstractmethod
    def identify(self, lon: float, lat: float, layer_ids: list[str] | None = None,
                 tolerance_m: float = 0.0) -> list[tuple[LayerInfo, dict[str, Any]]]:
        """Every feature under a point (WGS-84), per layer, with all its attributes (lk_area_m2 included);
        ``tolerance_m``: also features within that distance (for lines and points)."""

    @abc.abstractmethod
    def table(self, layer_id: str, flt: TableFilter = ALL_FEATURES, offset: int = 0, limit: int = 100,
              order: str = "lk_fid") -> tuple[pd.DataFrame, int]:
        """One page of a layer's attributes (no geometry) and the number of rows the filter selects.

        ``order``: a column of the layer, ``-column`` for descending."""

    @abc.abstractmethod
    def class_stats(self, layer_id: str, flt: TableFilter = ALL_FEATURES) -> pd.DataFrame:
        """Per class (lk_code, lk_name): ``count``, ``area_m2`` (lk_area_m2 summed), ``net_area_m2``
        (lk_area_m2 × (1 − lk_kcxs): net of 田坎) and ``tbdlmj_m2`` (TBDLMJ as delivered), largest first."""

    @abc.abstractmethod
    def tile(self, layer_id: str, z: int, x: int, y: int, *, gzipped: bool = True) -> bytes | None:
        """One vector tile (MVT) of a layer, or None where the layer has none; as stored (see
        ``LayerInfo.tiles["encoding"]``) or, with ``gzipped=False``, uncompressed."""

    @abc.abstractmethod
    def history(self, layer_id: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """The store's write log, newest first: ``at``, ``user``, ``action``, ``layer_id``, ``detail``."""

    @abc.abstractmethod
    def schema_version(self) -> int:
        """The schema version of the opened store (after its migrations)."""

    # -------------------------------------------------------------- the store's own records
    def transaction(self, write: bool = False) -> contextlib.AbstractContextManager[Any]:
        """One transaction on the store's record tables (register, accounts, audit: :mod:`lukou_geo.store._records`).

        Yields an object whose ``execute(sql, params)`` returns a cursor (``fetchone``, ``fetchall``);
        placeholders as :attr:`dialect` says. Committed when the block ends, rolled back when it raises;
        ``write=True`` takes the write lock at once (SQLite ``BEGIN IMMEDIATE``), so writers queue.
        Backends without record tables raise :class:`~lukou_geo.errors.StoreError`."""
        from lukou_geo.errors import StoreError

        raise StoreError(f"存储 {self!r} 不能保存项目库与账户:请使用 GeoPackage 或 PostGIS 存储",
                         f"the store {self!r} cannot keep the register and accounts: use a GeoPackage or PostGIS store")

    #: the SQL dialect of :meth:`transaction` (``lukou_geo.store._sql.SQLITE`` or ``POSTGRES``)
    dialect: Any = None

    # -------------------------------------------------------------- housekeeping
    @abc.abstractmethod
    def close(self) -> None:
        """Release connections."""

    def iter_layers(self) -> Iterator[LayerInfo]:
        yield from self.layers()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
