"""The GeoPackage store: one ``.gpkg`` file in the data dir (``LUKOU_DATA_DIR``, default ``var/``).

Features are written and read through GDAL (pyogrio), one GeoPackage feature table per layer
version with its R-tree index (``rtree_<table>_geom``). The store's own tables (see
:mod:`lukou_geo.store._sql`) are plain SQLite tables in the same file, used through ``sqlite3``
in WAL mode, so readers never wait for a writer.

Writes are serialised across processes by an exclusive ``flock`` on ``<file>.lock`` (the kernel
drops it when a writer dies, even by ``kill -9``). A write puts the features in a new table,
then in one SQLite transaction the tiles and the catalogue row: that commit is the moment the
new version becomes visible. Tables that no catalogue row names (left by a killed import) are
dropped the next time a writer holds the lock.

Point queries (:meth:`GpkgStore.identify`) and attribute pages go straight to SQLite: the R-tree
gives the candidates, the GeoPackage geometry blob (a short header + WKB, GeoPackage 1.4 §2.1.3)
is decoded by Shapely.

Two SQLite libraries share this process: Python's ``sqlite3`` and the copy linked into GDAL. A
process must never hold the same database open in both (closing it in one drops the other's
POSIX locks and its WAL files: "disk I/O error", or worse, corruption — sqlite.org/howtocorrupt
§2.2). So every store operation on a file holds that file's process-wide lock, ``sqlite3``
connections live only inside one operation, and GDAL is called with none open.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from lukou_geo.errors import StoreError
from lukou_geo.store import _sql
from lukou_geo.store._sql import SQLITE, quote
from lukou_geo.store.base import ALL_FEATURES, LayerInfo, Progress, Store, TableFilter, settle_tiles

_PATH_LOCKS: dict[str, threading.RLock] = {}
_PATH_LOCKS_GUARD = threading.Lock()


def _path_lock(path: Path) -> threading.RLock:
    """The process-wide lock of one store file (shared by every GpkgStore of that file)."""
    key = str(path.resolve())
    with _PATH_LOCKS_GUARD:
        return _PATH_LOCKS.setdefault(key, threading.RLock())
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
_GEOMETRY_TYPES = {"polygon": "MultiPolygon", "line": "MultiLineString", "point": "Point"}


def gpkg_wkb(blob: bytes) -> bytes | None:
    """The WKB inside a GeoPackage geometry blob (None for an empty geometry)."""
    if blob is None or len(blob) < 8 or blob[:2] != b"GP":
        return None
    flags = blob[3]
    if flags & 0x10:  # empty geometry
        return None
    return bytes(blob[8 + _ENVELOPE_BYTES.get((flags >> 1) & 0x07, 0):])


def decode_geometries(blobs: Iterable[bytes]) -> np.ndarray:
    return shapely.from_wkb([gpkg_wkb(b) for b in blobs])


class GpkgStore(Store):
    """A store in one GeoPackage file."""

    backend = "gpkg"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._columns: dict[str, list[str]] = {}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._mutex = _path_lock(self.path)
            with self._mutex:
                if not self.path.exists():
                    with self._write_lock():
                        if not self.path.exists():
                            self._create()
                with self._connect() as con:
                    if con.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                        with self._write_lock():
                            con.execute("PRAGMA journal_mode = WAL")
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"无法打开图层存储 {self.path}({exc}):检查数据目录(LUKOU_DATA_DIR)是否存在且可写",
                f"cannot open the layer store {self.path} ({exc}): check the data dir (LUKOU_DATA_DIR) exists and is writable",
            ) from exc
        self._migrate()
        with self._write_lock(blocking=False) as got:
            if got:
                self._drop_orphans()

    # -------------------------------------------------------------- plumbing
    def __repr__(self) -> str:
        return f"GpkgStore({str(self.path)!r})"

    @contextlib.contextmanager
    def _write_lock(self, blocking: bool = True) -> Iterator[bool]:
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A sqlite3 connection for one operation (held with the file's process lock; see the module doc)."""
        with self._mutex:
            con = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            try:
                con.execute("PRAGMA busy_timeout = 60000")
                yield con
            finally:
                con.close()

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One consistent snapshot (catalogue row and features from the same commit)."""
        with self._connect() as con:
            con.execute("BEGIN")
            try:
                yield con
            finally:
                con.execute("COMMIT")

    def _create(self) -> None:
        import pyogrio  # GDAL only where features are read or written: listing layers or records needs SQLite alone

        # GDAL makes the file a GeoPackage (application id, gpkg_* tables); its seed table goes again
        pyogrio.write_dataframe(pd.DataFrame({"seed": [1]}), self.path, layer="lk_seed", driver="GPKG")
        with self._connect() as con:
            con.execute("PRAGMA journal_mode = WAL")
            _drop_table(con, "lk_seed")

    def _migrate(self) -> None:
        current = self._schema()
        if current == _sql.SCHEMA_VERSION:
            return
        if current > _sql.SCHEMA_VERSION:
            raise StoreError(
                f"图层存储 {self.path} 的结构版本 {current} 比本程序({_sql.SCHEMA_VERSION})新:请升级本程序",
                f"the store {self.path} is at schema {current}, newer than this program ({_sql.SCHEMA_VERSION}): update the program",
            )
        with self._write_lock():
            for version, name, statements in _sql.MIGRATIONS:
                if version <= self._schema():
                    continue
                with self._tx() as con:
                    for stmt in statements(SQLITE):
                        con.execute(stmt)
                    con.execute("INSERT INTO lk_migrations VALUES (?, ?, ?)", (version, name, _sql.now_iso()))
                    con.execute("INSERT INTO lk_meta VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                (str(version),))

    def _schema(self) -> int:
        with self._connect() as con:
            has = con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'lk_meta'").fetchone()
            if not has:
                return 0
            row = con.execute("SELECT value FROM lk_meta WHERE key = 'schema_version'").fetchone()
            return int(row[0]) if row else 0

    def schema_version(self) -> int:
        return self._schema()

    def _drop_orphans(self) -> None:
        """Drop feature tables and tilesets no catalogue row names (call with the write lock)."""
        with self._read() as con:
            used = {r[0] for r in con.execute("SELECT data_table FROM lk_layers")}
            tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'lk_f_%'")]
            sets = [r[0] for r in con.execute("SELECT DISTINCT tileset FROM lk_tiles")]
        for t in tables:
            if _sql.is_data_table(t) and t not in used:
                with self._tx() as con:
                    _drop_table(con, t)
        for ts in sets:
            if ts not in used:
                with self._tx() as con:
                    con.execute("DELETE FROM lk_tiles WHERE tileset = ?", (ts,))

    def _rows(self, con: sqlite3.Connection, layer_id: str | None = None) -> list[tuple]:
        cols = ", ".join(_sql.LAYER_COLUMNS)
        if layer_id is None:
            return con.execute(f"SELECT {cols} FROM lk_layers ORDER BY ord").fetchall()
        return con.execute(f"SELECT {cols} FROM lk_layers WHERE id = ?", (layer_id,)).fetchall()

    def _row(self, con: sqlite3.Connection, layer_id: str) -> tuple:
        rows = self._rows(con, layer_id)
        if not rows:
            raise _sql.no_layer(str(self.path), layer_id, [r[0] for r in self._rows(con)])
        return rows[0]

    def _table_columns(self, con: sqlite3.Connection, table: str) -> list[str]:
        if table not in self._columns:
            self._columns[table] = [r[1] for r in con.execute(f"PRAGMA table_info({quote(table)})") if r[1] != "geom"]
        return self._columns[table]

    @staticmethod
    def _has_index(con: sqlite3.Connection, name: str) -> bool:
        return con.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).fetchone() is not None

    # -------------------------------------------------------------- catalogue
    def layers(self) -> list[LayerInfo]:
        with self._read() as con:
            return [_sql.info_from_row(r) for r in self._rows(con)]

    def layer(self, layer_id: str) -> LayerInfo:
        with self._read() as con:
            return _sql.info_from_row(self._row(con, layer_id))

    def remove_layer(self, layer_id: str, user: str) -> None:
        user = _sql.check_user(user)
        with self._write_lock():
            with self._tx() as con:
                row = self._row(con, layer_id)
                table, tileset = _sql.row_table(row)
                con.execute("DELETE FROM lk_layers WHERE id = ?", (layer_id,))
                con.execute("DELETE FROM lk_tiles WHERE tileset = ?", (tileset,))
                con.execute(_sql.log_sql(SQLITE), _sql.log_params(user, "remove", layer_id, {"version": row[17], "table": table}))
                _drop_table(con, table)

    # -------------------------------------------------------------- writing
    def write_layer(self, info: LayerInfo, features: Any, tiles: Iterable[tuple[int, int, int, bytes]] = (),
                    progress: Progress | None = None) -> LayerInfo:
        _sql.check_layer_id(info.id)
        user = _sql.check_user(info.imported_by)
        say = progress or (lambda f, m: None)
        with self._mutex, self._write_lock():
            self._drop_orphans()
            with self._read() as con:
                old = self._rows(con, info.id)
                next_ord = con.execute("SELECT coalesce(max(ord), 0) + 1 FROM lk_layers").fetchone()[0]
            version = (int(old[0][17]) + 1) if old else 1
            table = _sql.data_table(info.id, version)
            self._write_features(table, features, info.geometry, say)
            say(0.93, "建立索引 / indexing")
            with self._tx() as con:
                con.execute(f"CREATE INDEX {quote(table + '_fid')} ON {quote(table)} (lk_fid)")  # narrow: pages skip rows on it
                con.execute(f"CREATE INDEX {quote(table + '_std')} ON {quote(table)} ({', '.join(_sql.STD_INDEX)})")
            info, tiles = settle_tiles(info, tiles)
            stored = replace(info, version=version, imported_at=_sql.now_iso(), imported_by=user)
            say(0.95, "写入瓦片与目录 / writing tiles and the catalogue")
            with self._tx() as con:
                con.executemany("INSERT INTO lk_tiles VALUES (?, ?, ?, ?, ?)", ((table, z, x, y, data) for z, x, y, data in tiles))
                row = _sql.layer_row(stored, old[0][1] if old else next_ord, table, table)
                con.execute(_sql.upsert_layer_sql(SQLITE), [row[c] for c in _sql.LAYER_COLUMNS])
                con.execute(_sql.log_sql(SQLITE), _sql.log_params(user, "import", info.id, {
                    "version": version, "features": info.features, "source_file": info.source_file, "sha256": info.sha256}))
            if old:
                old_table, old_tiles = _sql.row_table(old[0])
                with self._tx() as con:
                    con.execute("DELETE FROM lk_tiles WHERE tileset = ?", (old_tiles,))
                    _drop_table(con, old_table)
        say(1.0, "完成 / done")
        return stored

    def _write_features(self, table: str, gdf: gpd.GeoDataFrame, geometry: str, say: Progress) -> None:
        import pyogrio

        n = len(gdf)
        gtype = _GEOMETRY_TYPES.get(geometry, "Unknown")
        if geometry == "point" and any(t == "MultiPoint" for t in gdf.geom_type.unique()):
            gtype = "MultiPoint"
        try:
            # one write: GDAL fills the R-tree in bulk when the layer is closed (appending batches would
            # update it row by row through its triggers)
            say(0.6, f"写入要素 / writing features {n}")
            pyogrio.write_dataframe(gdf, self.path, layer=table, driver="GPKG", use_arrow=True, geometry_type=gtype,
                                    promote_to_multi=gtype.startswith("Multi"),
                                    layer_options={"FID": "lk_fid", "GEOMETRY_NAME": "geom", "SPATIAL_INDEX": "YES"})
            say(0.9, f"写入要素 / writing features {n}/{n}")
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError, ValueError) as exc:
            raise StoreError(
                f"写入图层存储 {self.path} 失败({exc}):存储未改变;检查磁盘空间与权限后重试",
                f"writing to the store {self.path} failed ({exc}); the store is unchanged: check disk space and permissions, then retry",
            ) from exc

    # -------------------------------------------------------------- reading
    def _bbox_sql(self, table: str) -> str:
        return (f"lk_fid IN (SELECT id FROM {quote('rtree_' + table + '_geom')} "
                "WHERE maxx >= ? AND maxy >= ? AND minx <= ? AND miny <= ?)")

    def _bbox_params(self, bbox: tuple[float, float, float, float]) -> list[float]:
        return [float(v) for v in bbox]

    def read_features(self, layer_id: str, bbox: tuple[float, float, float, float] | None = None,
                      columns: list[str] | None = None, fids: list[int] | None = None,
                      flt: TableFilter | None = None) -> gpd.GeoDataFrame:
        with self._mutex:
            return self._read_features(layer_id, bbox, columns, fids, flt)

    def _read_features(self, layer_id: str, bbox: tuple[float, float, float, float] | None, columns: list[str] | None,
                       fids: list[int] | None, flt: TableFilter | None) -> gpd.GeoDataFrame:
        import pyogrio

        with self._read() as con:
            table, _ = _sql.row_table(self._row(con, layer_id))
            cols = self._table_columns(con, table)
            chosen = None if columns is None else [_sql.column(c, cols, layer_id) for c in columns if c not in ("lk_fid", "geometry")]
            wanted = None
            if bbox is not None or fids is not None or flt is not None:
                f = replace(flt or TableFilter(), bbox=bbox if bbox is not None else (flt.bbox if flt else None))
                where, params = _sql.where_sql(f, SQLITE, cols, layer_id, lambda: self._bbox_sql(table), fids)
                wanted = [r[0] for r in con.execute(f"SELECT lk_fid FROM {quote(table)}{where} ORDER BY lk_fid", params)]
        if wanted is not None and not wanted:
            empty = pyogrio.read_dataframe(self.path, layer=table, columns=chosen, max_features=1, fid_as_index=True)
            return _with_fid(empty).iloc[:0]
        gdf = pyogrio.read_dataframe(self.path, layer=table, columns=chosen, fids=wanted, fid_as_index=True,
                                     use_arrow=wanted is None)
        return _with_fid(gdf).sort_values("lk_fid", ignore_index=True)

    def identify(self, lon: float, lat: float, layer_ids: list[str] | None = None,
                 tolerance_m: float = 0.0) -> list[tuple[LayerInfo, dict[str, Any]]]:
        from lukou_geo.store._query import degree_box, hits

        box = degree_box(lon, lat, tolerance_m)
        out: list[tuple[LayerInfo, dict[str, Any]]] = []
        with self._read() as con:
            rows = self._rows(con) if layer_ids is None else [self._row(con, i) for i in layer_ids]
            for row in rows:
                table, _ = _sql.row_table(row)
                cols = self._table_columns(con, table)
                sel = ", ".join(quote(c) for c in cols)
                cand = con.execute(
                    f"SELECT geom, {sel} FROM {quote(table)} WHERE {self._bbox_sql(table)} ORDER BY lk_fid", box).fetchall()
                if not cand:
                    continue
                geoms = decode_geometries([c[0] for c in cand])
                info = _sql.info_from_row(row)
                for k in hits(geoms, lon, lat, tolerance_m):
                    out.append((info, dict(zip(cols, cand[k][1:], strict=True))))
        return out

    def table(self, layer_id: str, flt: TableFilter = ALL_FEATURES, offset: int = 0, limit: int = 100,
              order: str = "lk_fid") -> tuple[pd.DataFrame, int]:
        _sql.bad_page(offset, limit)
        with self._read() as con:
            row = self._row(con, layer_id)
            table, _ = _sql.row_table(row)
            cols = self._table_columns(con, table)
            where, params = _sql.where_sql(flt, SQLITE, cols, layer_id, lambda: self._bbox_sql(table))
            total = con.execute(f"SELECT count(*) FROM {quote(table)}{where}", params).fetchone()[0] if where else int(row[5])
            by = _sql.order_sql(order, cols, layer_id, SQLITE)
            plain = not where and order.lstrip("+") == "lk_fid"
            hint = f" INDEXED BY {quote(table + '_fid')}" if plain and self._has_index(con, table + "_fid") else ""
            rows = con.execute(_sql.page_sql(table, cols, where, by, SQLITE, hint), [*params, int(limit), int(offset)]).fetchall()
        return pd.DataFrame(rows, columns=cols), int(total)

    def class_stats(self, layer_id: str, flt: TableFilter = ALL_FEATURES) -> pd.DataFrame:
        with self._read() as con:
            table, _ = _sql.row_table(self._row(con, layer_id))
            cols = self._table_columns(con, table)
            where, params = _sql.where_sql(flt, SQLITE, cols, layer_id, lambda: self._bbox_sql(table))
            cur = con.execute(_sql.stats_sql(table, where), params)
            names = [d[0] for d in cur.description]
            return pd.DataFrame(cur.fetchall(), columns=names)

    def tile(self, layer_id: str, z: int, x: int, y: int, *, gzipped: bool = True) -> bytes | None:
        with self._read() as con:
            row = con.execute("SELECT t.data, l.tiles FROM lk_layers l JOIN lk_tiles t ON t.tileset = l.tileset "
                              "WHERE l.id = ? AND t.z = ? AND t.x = ? AND t.y = ?", (layer_id, z, x, y)).fetchone()
            if row is None:
                self._row(con, layer_id)  # a StoreError when the layer itself is unknown
                return None
        data = bytes(row[0])
        return data if gzipped or '"gzip"' not in row[1] else gzip.decompress(data)

    def history(self, layer_id: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        sql = "SELECT at, user_name, action, layer_id, detail FROM lk_log"
        args: list[Any] = []
        if layer_id is not None:
            sql += " WHERE layer_id = ?"
            args.append(layer_id)
        with self._read() as con:
            return _sql.history_rows(con.execute(sql + " ORDER BY id DESC LIMIT ?", [*args, int(limit)]).fetchall())

    dialect = SQLITE

    @contextlib.contextmanager
    def transaction(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A transaction on the record tables (see :meth:`Store.transaction`); SQLite's own lock
        serialises writers across processes (BEGIN IMMEDIATE, busy timeout 60 s)."""
        try:
            with (self._tx() if write else self._read()) as con:
                yield con
        except sqlite3.Error as exc:
            raise StoreError(f"图层存储 {self.path} 读写失败({exc}):未作任何更改",
                             f"the store {self.path} failed ({exc}); nothing was changed") from exc

    def close(self) -> None:
        """Nothing stays open between operations; kept for the interface."""


def _with_fid(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    gdf = gdf.rename_axis("lk_fid").reset_index()
    gdf["lk_fid"] = gdf["lk_fid"].astype("int64")
    return gdf


def _drop_table(con: sqlite3.Connection, table: str) -> None:
    """Drop a GeoPackage table with its R-tree and its rows in the gpkg_* registers."""
    con.execute(f"DROP TABLE IF EXISTS {quote('rtree_' + table + '_geom')}")
    con.execute(f"DROP TABLE IF EXISTS {quote(table)}")
    registers = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'gpkg_%'")}
    for reg in ("gpkg_geometry_columns", "gpkg_extensions", "gpkg_ogr_contents", "gpkg_contents"):
        if reg in registers:
            con.execute(f"DELETE FROM {reg} WHERE lower(table_name) = lower(?)", (table,))
