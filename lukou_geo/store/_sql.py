"""What both backends share: the schema and its migrations, catalogue rows, and query SQL.

The store's own tables (the same in GeoPackage and PostGIS):

``lk_meta``        key → value; ``schema_version`` is the schema the store is at
``lk_migrations``  every migration applied: version, name, applied_at
``lk_layers``      the layer catalogue: one row per layer (its current version), with provenance;
                   ``data_table`` names the feature table, ``tileset`` the rows of ``lk_tiles``
``lk_tiles``       vector tiles: tileset, z, x, y (XYZ scheme), data (as ``tiles.encoding`` says)
``lk_log``         every write: at, user_name, action, layer_id, detail (JSON)

Migration 2 adds the register, accounts and audit log (:mod:`lukou_geo.store._records`), migration 3
the saved views (:mod:`lukou_geo.store._views`).

A layer's features live in ``lk_f_<id>_v<version>`` (``lk_fid`` primary key, ``geom`` in EPSG:4326
with a spatial index, the standard ``lk_*`` fields, then the original fields under their names).
A new version is written beside the old one and becomes visible when its catalogue row is
written; the old table is dropped after, and tables no row names (a killed import) are dropped
the next time the store writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lukou_geo.errors import StoreError
from lukou_geo.store._records import migration_2
from lukou_geo.store._views import migration_3
from lukou_geo.store.base import LAYER_ID_RE, FieldInfo, LayerInfo, TableFilter

#: Columns of ``lk_layers``, in order (``fields`` and ``tiles`` hold JSON).
LAYER_COLUMNS: tuple[str, ...] = (
    "id", "ord", "title", "kind", "geometry", "features", "minx", "miny", "maxx", "maxy", "source_file", "sha256",
    "source_crs", "encoding", "sublayer", "imported_at", "imported_by", "version", "data_table", "tileset", "fields",
    "data_year", "repaired", "dropped", "outside", "tiles",
)


@dataclass(frozen=True)
class Dialect:
    """The SQL that differs between SQLite (GeoPackage) and PostgreSQL."""

    name: str
    param: str  # "?" or "%s"
    real: str  # a double-precision column type
    blob: str
    serial_pk: str  # an auto-numbered integer primary key

    def quote(self, name: str) -> str:
        """A quoted identifier; psycopg reads ``%`` as a placeholder, so it is doubled there."""
        q = quote(name)
        return q.replace("%", "%%") if self.param == "%s" else q


SQLITE = Dialect("sqlite", "?", "REAL", "BLOB", "INTEGER PRIMARY KEY AUTOINCREMENT")
POSTGRES = Dialect("postgres", "%s", "DOUBLE PRECISION", "BYTEA", "BIGSERIAL PRIMARY KEY")


def _migration_1(d: Dialect) -> list[str]:
    return [
        "CREATE TABLE IF NOT EXISTS lk_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS lk_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        f"""CREATE TABLE lk_layers (
            id TEXT PRIMARY KEY, ord INTEGER NOT NULL, title TEXT NOT NULL, kind TEXT NOT NULL, geometry TEXT NOT NULL,
            features INTEGER NOT NULL, minx {d.real}, miny {d.real}, maxx {d.real}, maxy {d.real},
            source_file TEXT NOT NULL, sha256 TEXT NOT NULL, source_crs TEXT NOT NULL, encoding TEXT NOT NULL,
            sublayer TEXT NOT NULL, imported_at TEXT NOT NULL, imported_by TEXT NOT NULL, version INTEGER NOT NULL,
            data_table TEXT NOT NULL, tileset TEXT NOT NULL, fields TEXT NOT NULL, data_year INTEGER,
            repaired INTEGER NOT NULL, dropped INTEGER NOT NULL, outside INTEGER NOT NULL, tiles TEXT NOT NULL)""",
        f"""CREATE TABLE lk_tiles (tileset TEXT NOT NULL, z INTEGER NOT NULL, x INTEGER NOT NULL, y INTEGER NOT NULL,
            data {d.blob} NOT NULL, PRIMARY KEY (tileset, z, x, y))""",
        f"""CREATE TABLE lk_log (id {d.serial_pk}, at TEXT NOT NULL, user_name TEXT NOT NULL, action TEXT NOT NULL,
            layer_id TEXT, detail TEXT NOT NULL)""",
        "CREATE INDEX lk_log_layer ON lk_log (layer_id)",
    ]


#: (version, name, statements for a dialect). Append new migrations; never change an applied one.
MIGRATIONS: tuple[tuple[int, str, Callable[[Dialect], list[str]]], ...] = (
    (1, "layer catalogue, vector tiles, write log", _migration_1),
    (2, "project register, accounts, audit log", migration_2),
    (3, "saved views with owner and shared flag", migration_3),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def check_layer_id(layer_id: str) -> str:
    if not isinstance(layer_id, str) or not LAYER_ID_RE.match(layer_id):
        raise StoreError(
            f"图层编号「{layer_id}」无效:只能用小写英文字母、数字和下划线,以字母开头,最多40个字符(例如 dltb_2023)",
            f"invalid layer id {layer_id!r}: use lowercase ASCII letters, digits and _, starting with a letter, at most 40 (e.g. dltb_2023)",
        )
    return layer_id


def data_table(layer_id: str, version: int) -> str:
    return f"lk_f_{layer_id}_v{version}"


def quote(name: str) -> str:
    """A quoted SQL identifier (column names come from deliveries: 中文, spaces, quotes)."""
    return '"' + str(name).replace('"', '""') + '"'


def no_layer(store: str, layer_id: str, known: Sequence[str]) -> StoreError:
    have = "、".join(known) if known else "(无 / none)"
    return StoreError(
        f"{store} 中没有图层「{layer_id}」。现有图层:{have}。用 python -m lukou_geo layers list 查看",
        f"{store} has no layer {layer_id!r}; it has: {', '.join(known) or '(none)'}. See python -m lukou_geo layers list",
    )


# ------------------------------------------------------------------------------ catalogue rows


def layer_row(info: LayerInfo, ord_: int, table: str, tileset: str) -> dict[str, Any]:
    b = info.bounds
    return {
        "id": info.id, "ord": ord_, "title": info.title, "kind": info.kind, "geometry": info.geometry,
        "features": int(info.features), "minx": b[0], "miny": b[1], "maxx": b[2], "maxy": b[3],
        "source_file": info.source_file, "sha256": info.sha256, "source_crs": info.source_crs, "encoding": info.encoding,
        "sublayer": info.sublayer, "imported_at": info.imported_at, "imported_by": info.imported_by,
        "version": int(info.version), "data_table": table, "tileset": tileset,
        "fields": json.dumps([f.__dict__ for f in info.fields], ensure_ascii=False),
        "data_year": info.data_year, "repaired": int(info.repaired), "dropped": int(info.dropped),
        "outside": int(info.outside), "tiles": json.dumps(info.tiles, ensure_ascii=False),
    }


def info_from_row(row: Sequence[Any]) -> LayerInfo:
    r = dict(zip(LAYER_COLUMNS, row, strict=True))
    return LayerInfo(
        id=r["id"], title=r["title"], kind=r["kind"], geometry=r["geometry"], features=int(r["features"]),
        bounds=(r["minx"], r["miny"], r["maxx"], r["maxy"]), source_file=r["source_file"], sha256=r["sha256"],
        source_crs=r["source_crs"], encoding=r["encoding"], sublayer=r["sublayer"], imported_at=r["imported_at"],
        imported_by=r["imported_by"], version=int(r["version"]),
        fields=tuple(FieldInfo(**f) for f in json.loads(r["fields"])), data_year=r["data_year"],
        repaired=int(r["repaired"]), dropped=int(r["dropped"]), outside=int(r["outside"]), tiles=json.loads(r["tiles"]),
    )


def row_table(row: Sequence[Any]) -> tuple[str, str]:
    """(data_table, tileset) of a catalogue row."""
    r = dict(zip(LAYER_COLUMNS, row, strict=True))
    return r["data_table"], r["tileset"]


def upsert_layer_sql(d: Dialect) -> str:
    cols = ", ".join(LAYER_COLUMNS)
    marks = ", ".join([d.param] * len(LAYER_COLUMNS))
    sets = ", ".join(f"{c} = excluded.{c}" for c in LAYER_COLUMNS if c != "id")
    return f"INSERT INTO lk_layers ({cols}) VALUES ({marks}) ON CONFLICT (id) DO UPDATE SET {sets}"


def log_sql(d: Dialect) -> str:
    p = d.param
    return f"INSERT INTO lk_log (at, user_name, action, layer_id, detail) VALUES ({p}, {p}, {p}, {p}, {p})"


def log_params(user: str, action: str, layer_id: str | None, detail: dict[str, Any]) -> tuple[Any, ...]:
    return (now_iso(), user, action, layer_id, json.dumps(detail, ensure_ascii=False, default=str))


def history_rows(rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    return [{"at": r[0], "user": r[1], "action": r[2], "layer_id": r[3], "detail": json.loads(r[4])} for r in rows]


def check_user(user: str) -> str:
    if not isinstance(user, str) or not user.strip():
        raise StoreError("写入存储必须注明操作人(--user 姓名)", "a write to the store must name its user (--user NAME)")
    return user.strip()


# ------------------------------------------------------------------------------ queries


def column(name: str, columns: Sequence[str], layer_id: str) -> str:
    lookup = {c.lower(): c for c in columns}
    col = lookup.get(str(name).lower())
    if col is None:
        raise StoreError(
            f"图层「{layer_id}」没有字段「{name}」。可用字段:{'、'.join(columns)}",
            f"layer {layer_id!r} has no field {name!r}; its fields: {', '.join(columns)}",
        )
    return col


def where_sql(flt: TableFilter | None, d: Dialect, columns: Sequence[str], layer_id: str,
              bbox_sql: Callable[[], str], fids: Sequence[int] | None = None) -> tuple[str, list[Any]]:
    """``WHERE …`` (or "") and its parameters for a filter; ``bbox_sql()`` gives the backend's
    spatial-index test of four parameters (minx, miny, maxx, maxy)."""
    p = d.param
    parts: list[str] = []
    params: list[Any] = []
    flt = flt or TableFilter()
    if flt.code_prefix:  # a range the index on lk_code answers (bytewise order: PostgreSQL's index is COLLATE "C")
        code = "lk_code" if d.name == "sqlite" else 'lk_code COLLATE "C"'
        parts.append(f"{code} >= {p} AND {code} < {p}")
        params += [flt.code_prefix, flt.code_prefix[:-1] + chr(ord(flt.code_prefix[-1]) + 1)]
    if flt.text:
        fn = "instr" if d.name == "sqlite" else "strpos"
        ors = [f"{fn}(coalesce({c}, ''), {p}) > 0" for c in ("lk_code", "lk_name", "lk_ref_id", "lk_ref_name")]
        parts.append("(" + " OR ".join(ors) + ")")
        params += [flt.text] * 4
    for name, value in flt.equals:
        col = column(name, columns, layer_id)
        parts.append(f"CAST({d.quote(col)} AS TEXT) = {p}")
        params.append(str(value))
    if flt.bbox is not None:
        minx, miny, maxx, maxy = (float(v) for v in flt.bbox)
        parts.append(bbox_sql())
        params += [minx, miny, maxx, maxy]
    if fids is not None:
        ids = [int(f) for f in fids]
        parts.append(f"lk_fid IN ({', '.join(str(i) for i in ids) or 'NULL'})")
    return ((" WHERE " + " AND ".join(parts)) if parts else "", params)


def order_sql(order: str, columns: Sequence[str], layer_id: str, d: Dialect) -> str:
    desc = order.startswith("-")
    col = column(order.lstrip("-+") or "lk_fid", columns, layer_id)
    tail = ", lk_fid" if col != "lk_fid" else ""
    return f" ORDER BY {d.quote(col)} {'DESC' if desc else 'ASC'} NULLS LAST{tail}"


#: The columns of the index every feature table gets: it covers the class statistics, the text
#: search and the code filter, so they never read the geometry.
STD_INDEX = ("lk_code", "lk_name", "lk_area_m2", "lk_kcxs", "lk_tbdlmj", "lk_ref_id", "lk_ref_name")


def page_sql(table: str, cols: Sequence[str], where: str, order: str, d: Dialect, hint: str = "") -> str:
    """One page in two steps: the page's ``lk_fid`` from an index (no geometry read for the rows
    skipped), then those rows."""
    p = d.param
    sel = ", ".join(d.quote(c) for c in cols)
    inner = f"SELECT lk_fid FROM {d.quote(table)}{hint}{where}{order} LIMIT {p} OFFSET {p}"
    return f"SELECT {sel} FROM {d.quote(table)} WHERE lk_fid IN ({inner}){order}"


def stats_sql(table: str, where: str) -> str:
    return (
        "SELECT lk_code, lk_name, count(*) AS count, sum(lk_area_m2) AS area_m2, "
        "sum(lk_area_m2 * (1 - coalesce(lk_kcxs, 0))) AS net_area_m2, sum(lk_tbdlmj) AS tbdlmj_m2 "
        f"FROM {quote(table)}{where} GROUP BY lk_code, lk_name ORDER BY area_m2 DESC, lk_code"
    )


def bad_page(offset: int, limit: int) -> None:
    if offset < 0 or not 0 < limit <= 10_000:
        raise StoreError(f"分页参数无效(offset={offset}, limit={limit}):limit 应为 1–10000",
                         f"invalid page (offset={offset}, limit={limit}): limit must be 1–10000")


_TABLE_RE = re.compile(r"^lk_f_([a-z][a-z0-9_]*)_v(\d+)$")


def is_data_table(name: str) -> bool:
    return bool(_TABLE_RE.match(name))
