"""The PostGIS store, chosen by ``LUKOU_STORE=postgresql://user@host:port/db[?schema=NAME]`` (psycopg 3).

Same tables as the GeoPackage store (:mod:`lukou_geo.store._sql`); a layer version's features in
``lk_f_<id>_v<n>`` with ``geom geometry(<type>, 4326)`` and a GiST index. A write is one
transaction (the feature table, its indexes, the tiles, the catalogue row, the log entry and the
drop of the old version), so a failed or killed import leaves nothing behind: the server rolls
the transaction back when its client goes away. Writes of the same layer id queue on an
advisory lock; writes of different ids run side by side.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import shapely

from lukou_geo.errors import StoreError
from lukou_geo.store import _sql
from lukou_geo.store._sql import POSTGRES
from lukou_geo.store.base import ALL_FEATURES, LayerInfo, Progress, Store, TableFilter

_MIGRATE_LOCK = 0x4C4B0001  # advisory lock keys ("LK")
_CATALOGUE_LOCK = 0x4C4B0002
_PG_GEOMETRY = {"polygon": "MultiPolygon", "line": "MultiLineString", "point": "Point"}
_PROGRESS_EVERY = 20_000  # rows between progress reports while copying features

q = POSTGRES.quote


def _safe_url(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{user}{host}{port}{parts.path}"


def _split_schema(url: str) -> tuple[str, str | None]:
    parts = urlsplit(url)
    query = parse_qsl(parts.query)
    schema = next((v for k, v in query if k == "schema"), None)
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, rest, parts.fragment)), schema


def _pg_type(dtype: Any) -> str:
    s = str(dtype).lower()
    if s.startswith(("int", "uint")):
        return "BIGINT"
    if s.startswith("float"):
        return "DOUBLE PRECISION"
    if s == "bool":
        return "BOOLEAN"
    if s.startswith("datetime64"):
        return "TIMESTAMP"
    return "TEXT"


def _lock_key(layer_id: str) -> int:
    return zlib.crc32(f"lukou:{layer_id}".encode()) - 2**31


class PostgisStore(Store):
    """A store in a PostgreSQL database with PostGIS."""

    backend = "postgis"

    def __init__(self, url: str) -> None:
        conninfo, self.schema = _split_schema(url)
        self.where = _safe_url(url) + (f"?schema={self.schema}" if self.schema else "")
        self._mutex = threading.RLock()
        self._columns: dict[str, list[str]] = {}
        try:
            self._con = psycopg.connect(conninfo, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(
                f"无法连接 PostGIS 存储 {self.where}({str(exc).strip()[:200]}):检查 LUKOU_STORE 的主机、端口、用户、数据库以及服务器是否运行",
                f"cannot connect to the PostGIS store {self.where} ({str(exc).strip()[:200]}): check host, port, user and "
                "database in LUKOU_STORE and that the server runs",
            ) from exc
        self._prepare()
        self._migrate()

    def __repr__(self) -> str:
        return f"PostgisStore({self.where!r})"

    # -------------------------------------------------------------- plumbing
    def _prepare(self) -> None:
        with self._mutex:
            try:
                if self.schema:
                    self._con.execute(f"CREATE SCHEMA IF NOT EXISTS {q(self.schema)}")
                    self._con.execute(f"SET search_path TO {q(self.schema)}, public")
                has = self._con.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone()
                if not has:
                    self._con.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            except psycopg.Error as exc:
                raise StoreError(
                    f"数据库 {self.where} 没有 PostGIS 扩展且无法创建({str(exc).strip()[:160]}):请管理员执行 CREATE EXTENSION postgis "
                    "(Debian:apt-get install postgresql-15-postgis-3)",
                    f"the database {self.where} has no PostGIS and it cannot be created ({str(exc).strip()[:160]}): "
                    "have an administrator run CREATE EXTENSION postgis (Debian: apt-get install postgresql-15-postgis-3)",
                ) from exc

    @contextlib.contextmanager
    def _tx(self) -> Iterator[psycopg.Cursor]:
        with self._mutex, self._con.transaction(), self._con.cursor() as cur:
            yield cur

    def _migrate(self) -> None:
        with self._tx() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATE_LOCK,))
            current = self._schema(cur)
            if current > _sql.SCHEMA_VERSION:
                raise StoreError(
                    f"图层存储 {self.where} 的结构版本 {current} 比本程序({_sql.SCHEMA_VERSION})新:请升级本程序",
                    f"the store {self.where} is at schema {current}, newer than this program ({_sql.SCHEMA_VERSION}): update the program",
                )
            for version, name, statements in _sql.MIGRATIONS:
                if version <= current:
                    continue
                for stmt in statements(POSTGRES):
                    cur.execute(stmt)
                cur.execute("INSERT INTO lk_migrations VALUES (%s, %s, %s)", (version, name, _sql.now_iso()))
                cur.execute("INSERT INTO lk_meta VALUES ('schema_version', %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                            (str(version),))

    def _schema(self, cur: psycopg.Cursor) -> int:
        cur.execute("SELECT to_regclass('lk_meta') IS NOT NULL")
        if not cur.fetchone()[0]:
            return 0
        cur.execute("SELECT value FROM lk_meta WHERE key = 'schema_version'")
        row = cur.fetchone()
        return int(row[0]) if row else 0

    def schema_version(self) -> int:
        with self._tx() as cur:
            return self._schema(cur)

    def _rows(self, cur: psycopg.Cursor, layer_id: str | None = None, lock: bool = False) -> list[tuple]:
        cols = ", ".join(_sql.LAYER_COLUMNS)
        if layer_id is None:
            cur.execute(f"SELECT {cols} FROM lk_layers ORDER BY ord, id")
        else:
            cur.execute(f"SELECT {cols} FROM lk_layers WHERE id = %s" + (" FOR UPDATE" if lock else ""), (layer_id,))
        return cur.fetchall()

    def _row(self, cur: psycopg.Cursor, layer_id: str) -> tuple:
        rows = self._rows(cur, layer_id)
        if not rows:
            raise _sql.no_layer(self.where, layer_id, [r[0] for r in self._rows(cur)])
        return rows[0]

    def _table_columns(self, cur: psycopg.Cursor, table: str) -> list[str]:
        if table not in self._columns:
            cur.execute("SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped "
                        "AND attname <> 'geom' ORDER BY attnum", (q(table).replace("%%", "%"),))
            self._columns[table] = [r[0] for r in cur.fetchall()]
        return self._columns[table]

    # -------------------------------------------------------------- catalogue
    def layers(self) -> list[LayerInfo]:
        with self._tx() as cur:
            return [_sql.info_from_row(r) for r in self._rows(cur)]

    def layer(self, layer_id: str) -> LayerInfo:
        with self._tx() as cur:
            return _sql.info_from_row(self._row(cur, layer_id))

    def remove_layer(self, layer_id: str, user: str) -> None:
        user = _sql.check_user(user)
        with self._tx() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_lock_key(layer_id),))
            row = self._row(cur, layer_id)
            table, tileset = _sql.row_table(row)
            cur.execute("DELETE FROM lk_layers WHERE id = %s", (layer_id,))
            cur.execute("DELETE FROM lk_tiles WHERE tileset = %s", (tileset,))
            cur.execute(f"DROP TABLE IF EXISTS {q(table)}")
            cur.execute(_sql.log_sql(POSTGRES), _sql.log_params(user, "remove", layer_id, {"version": row[17], "table": table}))

    # -------------------------------------------------------------- writing
    def write_layer(self, info: LayerInfo, features: Any, tiles: Iterable[tuple[int, int, int, bytes]] = (),
                    progress: Progress | None = None) -> LayerInfo:
        _sql.check_layer_id(info.id)
        user = _sql.check_user(info.imported_by)
        say = progress or (lambda f, m: None)
        try:
            with self._tx() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (_lock_key(info.id),))
                old = self._rows(cur, info.id, lock=True)
                version = (int(old[0][17]) + 1) if old else 1
                table = _sql.data_table(info.id, version)
                cur.execute(f"DROP TABLE IF EXISTS {q(table)}")  # a leftover of a crashed server, never a live version
                self._copy_features(cur, table, features, info.geometry, say)
                say(0.93, "建立索引 / indexing")
                cur.execute(f"CREATE INDEX ON {q(table)} USING GIST (geom)")
                std = ", ".join('lk_code COLLATE "C"' if c == "lk_code" else c for c in _sql.STD_INDEX)
                cur.execute(f"CREATE INDEX ON {q(table)} ({std})")
                cur.execute(f"ANALYZE {q(table)}")
                say(0.95, "写入瓦片与目录 / writing tiles and the catalogue")
                with cur.copy("COPY lk_tiles (tileset, z, x, y, data) FROM STDIN") as cp:
                    for z, x, y, data in tiles:
                        cp.write_row((table, z, x, y, data))
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (_CATALOGUE_LOCK,))
                cur.execute("SELECT coalesce(max(ord), 0) + 1 FROM lk_layers")
                next_ord = cur.fetchone()[0]
                stored = replace(info, version=version, imported_at=_sql.now_iso(), imported_by=user)
                row = _sql.layer_row(stored, old[0][1] if old else next_ord, table, table)
                cur.execute(_sql.upsert_layer_sql(POSTGRES), [row[c] for c in _sql.LAYER_COLUMNS])
                cur.execute(_sql.log_sql(POSTGRES), _sql.log_params(user, "import", info.id, {
                    "version": version, "features": info.features, "source_file": info.source_file, "sha256": info.sha256}))
                if old:
                    old_table, old_tiles = _sql.row_table(old[0])
                    cur.execute("DELETE FROM lk_tiles WHERE tileset = %s", (old_tiles,))
                    cur.execute(f"DROP TABLE IF EXISTS {q(old_table)}")
        except psycopg.Error as exc:
            raise StoreError(
                f"写入 PostGIS 存储 {self.where} 失败({str(exc).strip()[:200]}):存储未改变;检查数据库空间与权限后重试",
                f"writing to the PostGIS store {self.where} failed ({str(exc).strip()[:200]}); the store is unchanged: "
                "check the database's space and rights, then retry",
            ) from exc
        with self._mutex, contextlib.suppress(psycopg.Error):
            # outside the transaction: marks the pages all-visible, so pages and counts are index-only scans
            self._con.execute(f"VACUUM (ANALYZE) {q(table)}")
        say(1.0, "完成 / done")
        return stored

    def _copy_features(self, cur: psycopg.Cursor, table: str, gdf: gpd.GeoDataFrame, geometry: str, say: Progress) -> None:
        gtype = _PG_GEOMETRY.get(geometry, "Geometry")
        geoms = gdf.geometry.values
        if gtype.startswith("Multi"):
            single = shapely.get_type_id(geoms) == {"MultiPolygon": 3, "MultiLineString": 1}[gtype]
            geoms = np.array(geoms, dtype=object)
            geoms[single] = [shapely.multipolygons([g]) if gtype == "MultiPolygon" else shapely.multilinestrings([g]) for g in geoms[single]]
        elif (shapely.get_type_id(geoms) == 4).any():
            gtype = "Geometry"
        attrs = [c for c in gdf.columns if c != gdf.geometry.name]
        defs = ", ".join(f"{q(c)} {'BIGINT PRIMARY KEY' if c == 'lk_fid' else _pg_type(gdf[c].dtype)}" for c in attrs)
        cur.execute(f"CREATE TABLE {q(table)} ({defs}, geom geometry({gtype}, 4326))")
        wkb = shapely.to_wkb(shapely.set_srid(geoms, 4326), hex=True, include_srid=True)
        frame = pd.DataFrame(gdf[attrs]).astype(object)
        frame = frame.where(pd.notna(frame), None)
        n = len(frame)
        cols = ", ".join(q(c) for c in [*attrs, "geom"])
        with cur.copy(f"COPY {q(table)} ({cols}) FROM STDIN") as cp:
            for i, rec in enumerate(frame.itertuples(index=False, name=None)):
                cp.write_row((*rec, wkb[i]))
                if i % _PROGRESS_EVERY == _PROGRESS_EVERY - 1:
                    say(0.6 + 0.33 * (i + 1) / n, f"写入要素 / writing features {i + 1}/{n}")
        say(0.93, f"写入要素 / writing features {n}/{n}")

    # -------------------------------------------------------------- reading
    @staticmethod
    def _bbox_sql() -> str:
        return "geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)"

    def read_features(self, layer_id: str, bbox: tuple[float, float, float, float] | None = None,
                      columns: list[str] | None = None, fids: list[int] | None = None,
                      flt: TableFilter | None = None) -> gpd.GeoDataFrame:
        with self._tx() as cur:
            table, _ = _sql.row_table(self._row(cur, layer_id))
            cols = self._table_columns(cur, table)
            chosen = cols if columns is None else ["lk_fid", *(_sql.column(c, cols, layer_id) for c in columns if c not in ("lk_fid", "geometry"))]
            f = replace(flt or TableFilter(), bbox=bbox if bbox is not None else (flt.bbox if flt else None))
            where, params = _sql.where_sql(f, POSTGRES, cols, layer_id, self._bbox_sql, fids)
            cur.execute(f"SELECT {', '.join(q(c) for c in chosen)}, ST_AsBinary(geom) FROM {q(table)}{where} ORDER BY lk_fid", params)
            rows = cur.fetchall()
        df = pd.DataFrame([r[:-1] for r in rows], columns=chosen)
        geoms = shapely.from_wkb([bytes(r[-1]) if r[-1] is not None else None for r in rows])
        return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326")

    def identify(self, lon: float, lat: float, layer_ids: list[str] | None = None,
                 tolerance_m: float = 0.0) -> list[tuple[LayerInfo, dict[str, Any]]]:
        from lukou_geo.store._query import degree_box

        box = degree_box(lon, lat, tolerance_m)
        out: list[tuple[LayerInfo, dict[str, Any]]] = []
        pt = "ST_SetSRID(ST_MakePoint(%s, %s), 4326)"
        test = (f"ST_DWithin(ST_Transform(geom, 4547), ST_Transform({pt}, 4547), %s)" if tolerance_m > 0 else f"ST_Intersects(geom, {pt})")
        extra = [lon, lat, float(tolerance_m)] if tolerance_m > 0 else [lon, lat]
        with self._tx() as cur:
            rows = self._rows(cur) if layer_ids is None else [self._row(cur, i) for i in layer_ids]
            for row in rows:
                table, _ = _sql.row_table(row)
                cols = self._table_columns(cur, table)
                cur.execute(f"SELECT {', '.join(q(c) for c in cols)} FROM {q(table)} WHERE {self._bbox_sql()} AND {test} ORDER BY lk_fid",
                            [*box, *extra])
                found = cur.fetchall()
                if found:
                    info = _sql.info_from_row(row)
                    out += [(info, dict(zip(cols, r, strict=True))) for r in found]
        return out

    def table(self, layer_id: str, flt: TableFilter = ALL_FEATURES, offset: int = 0, limit: int = 100,
              order: str = "lk_fid") -> tuple[pd.DataFrame, int]:
        _sql.bad_page(offset, limit)
        with self._tx() as cur:
            row = self._row(cur, layer_id)
            table, _ = _sql.row_table(row)
            cols = self._table_columns(cur, table)
            where, params = _sql.where_sql(flt, POSTGRES, cols, layer_id, self._bbox_sql)
            total = int(row[5])  # the catalogue's feature count, when nothing is filtered
            if where:
                cur.execute(f"SELECT count(*) FROM {q(table)}{where}", params)
                total = cur.fetchone()[0]
            cur.execute(_sql.page_sql(table, cols, where, _sql.order_sql(order, cols, layer_id, POSTGRES), POSTGRES),
                        [*params, int(limit), int(offset)])
            rows = cur.fetchall()
        return pd.DataFrame(rows, columns=cols), int(total)

    def class_stats(self, layer_id: str, flt: TableFilter = ALL_FEATURES) -> pd.DataFrame:
        with self._tx() as cur:
            table, _ = _sql.row_table(self._row(cur, layer_id))
            cols = self._table_columns(cur, table)
            where, params = _sql.where_sql(flt, POSTGRES, cols, layer_id, self._bbox_sql)
            cur.execute(_sql.stats_sql(table, where), params)
            names = [d.name for d in cur.description]
            df = pd.DataFrame(cur.fetchall(), columns=names)
        for c in ("area_m2", "net_area_m2", "tbdlmj_m2"):
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
        df["count"] = df["count"].astype("int64")
        return df

    def tile(self, layer_id: str, z: int, x: int, y: int, *, gzipped: bool = True) -> bytes | None:
        with self._tx() as cur:
            cur.execute("SELECT t.data, l.tiles FROM lk_layers l JOIN lk_tiles t ON t.tileset = l.tileset "
                        "WHERE l.id = %s AND t.z = %s AND t.x = %s AND t.y = %s", (layer_id, z, x, y))
            row = cur.fetchone()
            if row is None:
                self._row(cur, layer_id)
                return None
        data = bytes(row[0])
        return data if gzipped or '"gzip"' not in row[1] else gzip.decompress(data)

    def history(self, layer_id: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        sql = "SELECT at, user_name, action, layer_id, detail FROM lk_log"
        args: list[Any] = []
        if layer_id is not None:
            sql += " WHERE layer_id = %s"
            args.append(layer_id)
        with self._tx() as cur:
            cur.execute(sql + " ORDER BY id DESC LIMIT %s", [*args, int(limit)])
            return _sql.history_rows(cur.fetchall())

    def close(self) -> None:
        with self._mutex, contextlib.suppress(psycopg.Error):
            self._con.close()
