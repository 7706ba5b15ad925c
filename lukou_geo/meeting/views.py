"""Saved views: kept in the store (``lk_views``, beside the layers, the register and the audit log) and shareable links.

A view is the state of the map worth keeping: title, note, the layers shown, center/zoom and/or
bounds, language and basemap, with its **owner** (the account that saved it) and a **shared** flag.
Views live in the same store as the layers (GeoPackage in the data dir, or PostGIS by ``LUKOU_STORE``;
table ``lk_views``, store migration 3); the views of the old ``<data_dir>/atlas.sqlite3`` are moved in
on first use (:mod:`lukou_geo.meeting.views_legacy`: tokens kept, so old share links still work).

Who may do what (checked in the write's own transaction by :func:`lukou_geo.accounts.require`, action
``views.write``; a refusal changes nothing and is logged as ``denied`` in the audit log):

- **save** a view: a checker or an admin (a viewer browses, presents, opens shared views and links);
- **rename, share/unshare, move, delete**: the view's owner (checker or above) or an admin;
- **see**: a shared view everyone (also without an account); a private view its owner and the admins.
  A ``?view=<token>`` link to someone else's private view is a refusal (:class:`AccessError`, logged),
  which names neither the view's title nor its layers.
- **single-user mode** (a store without accounts, used from this machine: ``local=True``): everything,
  under the local user's name, as before accounts existed.

Saves, renames, share changes, moves and deletions are logged (``view.save``, ``view.edit``,
``view.delete``) in the same transaction as the write. Each write is one store transaction
(SQLite ``BEGIN IMMEDIATE``; on PostgreSQL an advisory lock), so two sessions saving at once are
serialised and both kept, each at its own place in the list.

A share link carries a view in its query parameters: ``?view=<token>`` for a saved view, or
explicitly ``?layers=a,b&c=lat,lon&z=zoom&lang=zh&basemap=vector`` (see :func:`to_query` /
:func:`from_query`), so a link works even on another installation of the atlas.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from lukou_geo import accounts
from lukou_geo.errors import AccessError, StoreError, ViewError
from lukou_geo.registry import audit
from lukou_geo.store._sql import now_iso
from lukou_geo.text import t

BASEMAPS = ("vector", "osm", "tianditu", "amap")
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{6,32}$")
#: the owner of the views moved in from the old ``atlas.sqlite3`` (no account has this name: only an admin changes them)
MIGRATED_OWNER = "(migrated)"
_VIEWS_LOCK = 0x4C4B0003  # PostgreSQL advisory lock of the view writes ("LK")


@dataclass(frozen=True)
class View:
    """A saved map state (``owner``, ``shared``, ``created``, ``updated`` are set by the store)."""

    title: str
    layers: tuple[str, ...]
    center: tuple[float, float] | None = None
    zoom: float | None = None
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None
    lang: str = "zh"
    basemap: str = "vector"
    note: str = ""
    id: int | None = None
    token: str = ""
    position: int = 0
    owner: str = ""
    shared: bool = True
    created: str = ""
    updated: str = ""


def check_view(view: View, known_layers: set[str] | None = None) -> View:
    """Validate a view's fields (and its layers against the catalog ids, if given)."""
    title = view.title.strip()
    if not title:
        raise ViewError("视图需要标题:请填写标题", "a view needs a title: enter one")
    if len(title) > 120:
        raise ViewError(f"标题过长({len(title)} 字,最多 120 字):请缩短", f"title too long ({len(title)} characters, max 120): shorten it")
    if known_layers is not None:
        unknown = [lid for lid in view.layers if lid not in known_layers]
        if unknown:
            raise ViewError(f"未知图层:{'、'.join(unknown)}(可能已改名或删除):请从图层列表中重新选择",
                            f"unknown layer(s): {', '.join(unknown)} (renamed or removed?): choose the layers again")
    if view.center is not None:
        lat, lon = view.center
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ViewError(f"中心点 {view.center} 超出范围:应为 纬度,经度(-90–90, -180–180)",
                            f"center {view.center} out of range: it must be lat,lon (-90–90, -180–180)")
    if view.zoom is not None and not 0 <= view.zoom <= 22:
        raise ViewError(f"缩放级别 {view.zoom} 应在 0–22 之间", f"zoom {view.zoom} must be 0–22")
    if view.bounds is not None:
        (s, w), (n, e) = view.bounds
        if not (-90 <= s < n <= 90 and -180 <= w < e <= 180):  # False for NaN too
            raise ViewError(f"范围 b={s:g},{w:g},{n:g},{e:g} 无效:应为 南,西,北,东(纬度 -90–90,经度 -180–180,南 < 北,西 < 东)",
                            f"extent b={s:g},{w:g},{n:g},{e:g} is invalid: it must be south,west,north,east "
                            "(lat -90–90, lon -180–180, south < north, west < east)")
    if view.lang not in ("zh", "en"):
        raise ViewError(f"语言 lang={view.lang!r} 应为 zh 或 en", f"lang {view.lang!r} must be zh or en")
    if view.basemap not in BASEMAPS:
        raise ViewError(f"底图 basemap={view.basemap!r} 应为 {'、'.join(BASEMAPS)} 之一",
                        f"basemap {view.basemap!r} must be one of {', '.join(BASEMAPS)}")
    return replace(view, title=title)


def store_error(path: Path | str, exc: BaseException) -> ViewError:
    """The :class:`ViewError` for a store file that cannot be used: names the file, the problem (disk full,
    read-only, damaged) and the fix, in Chinese and English."""
    text = str(exc)
    low = text.lower()
    code = getattr(exc, "sqlite_errorname", "")
    if code == "SQLITE_FULL" or "disk is full" in low or getattr(exc, "errno", None) == 28:
        key = "data.full"
    elif code.startswith("SQLITE_READONLY") or "readonly" in low or "read-only" in low or isinstance(exc, PermissionError):
        key = "data.readonly"
    elif code in ("SQLITE_NOTADB", "SQLITE_CORRUPT") or "not a database" in low or "malformed" in low:
        key = "data.corrupt"
    elif code.startswith("SQLITE_CANTOPEN") or "unable to open" in low or isinstance(exc, OSError):
        key = "data.unopenable"
    else:
        key = "data.error"
    return ViewError(t(key, "zh", file=path, err=text), t(key, "en", file=path, err=text))


_COLS = ("id, token, title, note, layers, center_lat, center_lon, zoom, south, west, north, east, lang, basemap, position, "
         "owner, shared, created, updated")


def _view(r: Any) -> View:
    center = (float(r[5]), float(r[6])) if r[5] is not None and r[6] is not None else None
    bounds = ((float(r[8]), float(r[9])), (float(r[10]), float(r[11]))) if r[8] is not None else None
    return View(id=int(r[0]), token=r[1], title=r[2], note=r[3], layers=tuple(json.loads(r[4])), center=center,
                zoom=float(r[7]) if r[7] is not None else None, bounds=bounds, lang=r[12], basemap=r[13],
                position=int(r[14]), owner=r[15], shared=bool(r[16]), created=r[17], updated=r[18])


def view_values(v: View) -> tuple[Any, ...]:
    """The stored columns ``title … basemap`` of a view (the order of :data:`INSERT_SQL`'s first ten)."""
    (s, w), (n, e) = v.bounds if v.bounds else ((None, None), (None, None))
    return (v.title, v.note, json.dumps(list(v.layers), ensure_ascii=False),
            v.center[0] if v.center else None, v.center[1] if v.center else None, v.zoom, s, w, n, e, v.lang, v.basemap)


def insert_sql(p: str, conflict: str = "") -> str:
    cols = ("token, title, note, layers, center_lat, center_lon, zoom, south, west, north, east, lang, basemap, position, "
            "owner, shared, created, updated, updated_by")
    return f"INSERT INTO lk_views ({cols}) VALUES ({', '.join([p] * 19)}){conflict}"


def lock_views(tx: Any, d: Any) -> None:
    """Queue the view writers (SQLite's ``BEGIN IMMEDIATE`` does already; PostgreSQL takes an advisory lock)."""
    if d.name == "postgres":
        tx.execute(f"SELECT pg_advisory_xact_lock({d.param})", (_VIEWS_LOCK,))


def _key_sql(key: int | str, p: str) -> tuple[str, Any]:
    if isinstance(key, int) and not isinstance(key, bool):
        return f"id = {p}", int(key)
    if not _TOKEN_RE.match(str(key)):
        raise ViewError(f"视图编号 {str(key)[:80]!r} 无效:请在视图列表中选择", f"invalid view id {str(key)[:80]!r}: choose one from the list")
    return f"token = {p}", str(key)


def _no_view(key: Any) -> ViewError:
    return ViewError(f"没有视图 {key!r}(可能已被删除):请在视图列表中选择",
                     f"no saved view {key!r} (it may have been deleted): choose one from the list")


def _private(token: str) -> AccessError:
    return AccessError("链接指向他人的私有视图:只有其所有者和管理员可以打开。请所有者把它设为“共享”后再分享链接。未作任何更改",
                       f"the link points to someone else's private view ({token}): only its owner and the admins may open it. "
                       "Ask the owner to share it, then share the link again. Nothing was changed")


@dataclass(frozen=True)
class Reader:
    """Who reads the views: ``name`` (None: anonymous) and whether they see every view (an admin, single-user mode)."""

    name: str | None
    sees_all: bool


def reader(tx: Any, d: Any, user: str | None, local: bool) -> Reader:
    """The reader ``user`` is, inside the transaction ``tx``: an inactive or unknown account reads as anonymous."""
    if int(tx.execute("SELECT count(*) FROM lk_users").fetchone()[0]) == 0:
        if local:
            return Reader(str(user or accounts.local_user()), True)
        return Reader(None, False)
    if not user:
        return Reader(None, False)
    row = tx.execute(f"SELECT role, active FROM lk_users WHERE name = {d.param}", (str(user),)).fetchone()
    if row is None or not row[1]:
        return Reader(None, False)
    return Reader(str(user), row[0] == "admin")


def _visible(r: Reader, p: str) -> tuple[str, list[Any]]:
    if r.sees_all:
        return "", []
    if r.name is None:
        return " WHERE shared = 1", []
    return f" WHERE (shared = 1 OR owner = {p})", [r.name]


class ViewStore:
    """The saved views of a store (default: :func:`lukou_geo.layer_store.current_store`).

    Every method takes the acting ``user`` (an account name, or None) and ``local`` (this machine:
    the CLI or a server on loopback, for single-user mode). Reads show what that user may see;
    writes are authorised inside their transaction. On first use the views of the old
    ``atlas.sqlite3`` (``legacy``, default ``<data_dir>/atlas.sqlite3``; ``False``: none) are moved
    in; a file that cannot be read is :attr:`problem` (a :class:`ViewError` naming it), and nothing is lost.
    """

    def __init__(self, store: Any = None, legacy: Path | str | bool | None = None) -> None:
        if store is None:
            from lukou_geo.layer_store import current_store

            store = current_store()
        if store is None or getattr(store, "dialect", None) is None:
            raise ViewError("此安装没有可保存视图的存储(GeoPackage 或 PostGIS):请检查 LUKOU_STORE 与 LUKOU_DATA_DIR",
                            "this installation has no store that keeps views (GeoPackage or PostGIS): check LUKOU_STORE and LUKOU_DATA_DIR")
        self.store = store
        self.where = str(getattr(store, "path", "") or getattr(store, "where", "") or repr(store))
        self.problem: ViewError | None = None
        if legacy is not False:
            from lukou_geo.meeting.views_legacy import import_legacy, legacy_path

            path = legacy_path() if legacy in (None, True) else Path(str(legacy))
            self.problem = import_legacy(store, path).problem

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[Any]:
        try:
            with self.store.transaction(write=write) as tx:
                if write:
                    lock_views(tx, self.store.dialect)
                yield tx
        except StoreError as exc:
            if isinstance(exc.__cause__, sqlite3.Error):  # disk full, read-only, damaged: say which and the fix
                raise store_error(self.where, exc.__cause__) from exc
            raise

    def list(self, user: str | None = None, local: bool = False) -> list[View]:
        """The views ``user`` may see, in presentation order."""
        d = self.store.dialect
        with self._tx() as tx:
            where, params = _visible(reader(tx, d, user, local), d.param)
            rows = tx.execute(f"SELECT {_COLS} FROM lk_views{where} ORDER BY position, id", params).fetchall()
        return [_view(r) for r in rows]

    def get(self, key: int | str, user: str | None = None, local: bool = False) -> View:
        """A view by id or share token; :class:`ViewError` if there is none, :class:`AccessError` (logged) if it
        is someone else's private view."""
        d = self.store.dialect
        cond, arg = _key_sql(key, d.param)
        with self._tx() as tx:
            row = tx.execute(f"SELECT {_COLS} FROM lk_views WHERE {cond}", (arg,)).fetchone()
            who = reader(tx, d, user, local)
        if row is None:
            raise _no_view(key)
        v = _view(row)
        if not (v.shared or who.sees_all or (who.name is not None and who.name == v.owner)):
            exc = _private(v.token)
            audit.log(self.store, str(user or "(anonymous)"), "denied", f"view:{v.token}",
                      {"action": "views.open", "owner": v.owner, "why": exc.en})
            raise exc
        return v

    def _write(self, key: int | str, user: str | None, local: bool, action: str, change: Any) -> View:
        """Authorise ``user`` on the view ``key`` and apply ``change(tx, view, who) -> detail`` with its audit entry."""
        d = self.store.dialect
        cond, arg = _key_sql(key, d.param)
        lock = " FOR UPDATE" if d.name == "postgres" else ""
        try:
            with self._tx(write=True) as tx:
                row = tx.execute(f"SELECT {_COLS} FROM lk_views WHERE {cond}{lock}", (arg,)).fetchone()
                if row is None:
                    raise _no_view(key)
                v = _view(row)
                who = accounts.require(self.store, tx, user, "views.write", owner=v.owner, local=local,
                                       target=f"view:{v.token}").name
                detail = change(tx, v, who)
                audit.record(tx, d, who, action, f"view:{v.token}", {"title": v.title, **detail})
        except AccessError as exc:
            accounts.log_denial(self.store, exc)
            raise
        return v

    def save(self, view: View, known_layers: set[str] | None = None, user: str | None = None, local: bool = False) -> View:
        """Save a new view (owned by ``user``, shared as ``view.shared`` says) at the end of the list;
        returns it with its id, share token and owner."""
        v = check_view(view, known_layers)
        d = self.store.dialect
        p = d.param
        now = now_iso()
        token = secrets.token_urlsafe(6)
        try:
            with self._tx(write=True) as tx:
                who = accounts.require(self.store, tx, user, "views.write", local=local, target="view:new").name
                pos = int(tx.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM lk_views").fetchone()[0])
                row = tx.execute(insert_sql(p) + " RETURNING id",
                                 (token, *view_values(v), pos, who, 1 if v.shared else 0, now, now, who)).fetchone()
                audit.record(tx, d, who, "view.save", f"view:{token}",
                             {"title": v.title, "shared": bool(v.shared), "layers": list(v.layers)})
        except AccessError as exc:
            accounts.log_denial(self.store, exc)
            raise
        return replace(v, id=int(row[0]), token=token, position=pos, owner=who, created=now, updated=now)

    def rename(self, key: int | str, title: str, user: str | None = None, local: bool = False) -> None:
        new = check_view(View(title=title, layers=())).title
        p = self.store.dialect.param

        def change(tx: Any, v: View, who: str) -> dict[str, Any]:
            tx.execute(f"UPDATE lk_views SET title = {p}, updated = {p}, updated_by = {p} WHERE id = {p}", (new, now_iso(), who, v.id))
            return {"from": v.title, "to": new}

        self._write(key, user, local, "view.edit", change)

    def set_shared(self, key: int | str, shared: bool, user: str | None = None, local: bool = False) -> None:
        """Share a view with everyone (True) or keep it to its owner and the admins (False)."""
        p = self.store.dialect.param

        def change(tx: Any, v: View, who: str) -> dict[str, Any]:
            tx.execute(f"UPDATE lk_views SET shared = {p}, updated = {p}, updated_by = {p} WHERE id = {p}",
                       (1 if shared else 0, now_iso(), who, v.id))
            return {"shared": {"from": v.shared, "to": bool(shared)}}

        self._write(key, user, local, "view.edit", change)

    def delete(self, key: int | str, user: str | None = None, local: bool = False) -> None:
        p = self.store.dialect.param

        def change(tx: Any, v: View, who: str) -> dict[str, Any]:
            tx.execute(f"DELETE FROM lk_views WHERE id = {p}", (v.id,))
            return {"owner": v.owner, "shared": v.shared, "layers": list(v.layers)}

        self._write(key, user, local, "view.delete", change)

    def move(self, key: int | str, delta: int, user: str | None = None, local: bool = False) -> None:
        """Move a view ``delta`` places up (negative) or down (positive) the list ``user`` sees (the views
        ``user`` does not see keep their places among the others)."""
        d = self.store.dialect

        def change(tx: Any, v: View, who: str) -> dict[str, Any]:
            where, params = _visible(reader(tx, d, user, local), d.param)
            seen = [int(r[0]) for r in tx.execute(f"SELECT id FROM lk_views{where} ORDER BY position, id", params).fetchall()]
            if v.id not in seen:
                seen.append(int(v.id or 0))
            i = seen.index(int(v.id or 0))
            j = max(0, min(len(seen) - 1, i + int(delta)))
            if i != j:
                order = [int(r[0]) for r in tx.execute("SELECT id FROM lk_views ORDER BY position, id").fetchall()]
                order.remove(int(v.id or 0))
                k = order.index(seen[j])
                order.insert(k if j < i else k + 1, int(v.id or 0))
                _renumber(tx, d, order)
            return {"moved": j - i}

        self._write(key, user, local, "view.edit", change)

    def reorder(self, ids: list[int], user: str | None = None, local: bool = False) -> None:
        """Put the views ``ids`` first, in that order (the others keep their order, after them); ``user`` must
        be allowed to change every view named (one transaction: all or nothing)."""
        d = self.store.dialect
        p = d.param
        try:
            with self._tx(write=True) as tx:
                existing = [int(r[0]) for r in tx.execute("SELECT id FROM lk_views ORDER BY position, id").fetchall()]
                named = [int(i) for i in ids if int(i) in existing]
                who = ""
                for vid in named:
                    owner, token = tx.execute(f"SELECT owner, token FROM lk_views WHERE id = {p}", (vid,)).fetchone()
                    who = accounts.require(self.store, tx, user, "views.write", owner=owner, local=local,
                                           target=f"view:{token}").name
                if named:
                    _renumber(tx, d, named + [i for i in existing if i not in named])
                    audit.record(tx, d, who, "view.edit", "views", {"reordered": named})
        except AccessError as exc:
            accounts.log_denial(self.store, exc)
            raise


def _renumber(tx: Any, d: Any, order: list[int]) -> None:
    p = d.param
    current = {int(r[0]): int(r[1]) for r in tx.execute("SELECT id, position FROM lk_views").fetchall()}
    for pos, vid in enumerate(order, start=1):
        if current.get(vid) != pos:
            tx.execute(f"UPDATE lk_views SET position = {p} WHERE id = {p}", (pos, vid))


# ----------------------------------------------------------------------------- share links


def to_query(view: View, explicit: bool = False) -> dict[str, str]:
    """Query parameters that restore ``view``: ``{"view": token}`` for a saved view, or the
    explicit form (``layers``, ``c``, ``z``, ``b``, ``lang``, ``basemap``, ``title``)."""
    if view.token and not explicit:
        return {"view": view.token}
    q: dict[str, str] = {"layers": ",".join(view.layers)}
    if view.center is not None:
        q["c"] = f"{view.center[0]:.5f},{view.center[1]:.5f}"
    if view.zoom is not None:
        q["z"] = f"{view.zoom:g}"
    if view.bounds is not None and view.center is None:
        (s, w), (n, e) = view.bounds
        q["b"] = f"{s:.5f},{w:.5f},{n:.5f},{e:.5f}"
    q["lang"] = view.lang
    q["basemap"] = view.basemap
    if view.title:
        q["title"] = view.title
    return q


def share_url(base_url: str, view: View, explicit: bool = False) -> str:
    """``base_url`` (e.g. ``http://host:8501/views``) with the view's query parameters."""
    return f"{base_url}?{urlencode(to_query(view, explicit))}"


def _floats(name: str, value: str, n: int) -> list[float]:
    try:
        out = [float(x) for x in value.split(",")]
    except ValueError:
        out = []
    if len(out) != n:
        raise ViewError(f"链接参数 {name}={value[:80]!r} 应为 {n} 个逗号分隔的数",
                        f"link parameter {name}={value[:80]!r} must be {n} comma-separated numbers")
    return out


def from_query(params: Mapping[str, Any], known_layers: set[str] | None = None,
               store: ViewStore | None = None, user: str | None = None, local: bool = False) -> View | None:
    """The view a link's query parameters describe, or None when they describe none.

    ``view=<token>`` looks the view up in ``store`` as ``user`` may see it (someone else's private view:
    :class:`AccessError`); otherwise ``layers`` (comma-separated ids)
    with optional ``c=lat,lon``, ``z``, ``b=s,w,n,e``, ``lang``, ``basemap``, ``title``.
    Unknown layer ids raise :class:`ViewError` naming them.
    """
    token = params.get("view")
    if token:
        if not _TOKEN_RE.match(str(token)):
            raise ViewError(f"链接中的视图编号 {str(token)[:80]!r} 无效:请向分享者要一个新链接",
                          f"invalid view id {str(token)[:80]!r} in the link: ask for a new link")
        return (store or ViewStore()).get(str(token), user=user, local=local)
    if "layers" not in params:
        return None
    layers = tuple(x for x in str(params["layers"]).split(",") if x)
    center = tuple(_floats("c", str(params["c"]), 2)) if params.get("c") else None
    zoom = _floats("z", str(params["z"]), 1)[0] if params.get("z") else None
    bounds = None
    if params.get("b"):
        s, w, n, e = _floats("b", str(params["b"]), 4)
        bounds = ((s, w), (n, e))
    view = View(title=str(params.get("title") or "共享视图 / shared view"), layers=layers,
                center=center, zoom=zoom, bounds=bounds,  # type: ignore[arg-type]
                lang=str(params.get("lang", "zh")), basemap=str(params.get("basemap", "vector")))
    return check_view(view, known_layers)
