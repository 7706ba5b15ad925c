"""Saved views: the app's embedded store (SQLite in the data folder) and shareable links.

A view is the state of the map worth keeping: title, note, the layers shown, center/zoom and/or
bounds, language and basemap. Views are kept in ``<data_dir>/atlas.sqlite3`` (``LUKOU_DATA_DIR``,
default ``var/``), so nothing is lost on restart. Each write is one ``BEGIN IMMEDIATE``
transaction on a connection opened for it, with a busy timeout, so two browser sessions (two
threads or processes) saving at once are serialised by SQLite and both kept.

A share link carries a view in its query parameters: ``?view=<token>`` for a saved view, or
explicitly ``?layers=a,b&c=lat,lon&z=zoom&lang=zh&basemap=vector`` (see :func:`to_query` /
:func:`from_query`), so a link works even on another installation of the atlas.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from lukou_geo.errors import ViewError
from lukou_geo.settings import get_settings
from lukou_geo.text import t

BASEMAPS = ("vector", "osm", "tianditu", "amap")
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{6,32}$")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS views (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    layers TEXT NOT NULL,
    center TEXT,
    zoom REAL,
    bounds TEXT,
    lang TEXT NOT NULL DEFAULT 'zh',
    basemap TEXT NOT NULL DEFAULT 'vector',
    position INTEGER NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
"""


@dataclass(frozen=True)
class View:
    """A saved map state."""

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


def store_path() -> Path:
    return get_settings().data_dir / "atlas.sqlite3"


def store_error(path: Path, exc: BaseException) -> ViewError:
    """The :class:`ViewError` for a data file that cannot be used: names the file, the problem (disk full,
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


class ViewStore:
    """The saved views in one SQLite file (default :func:`store_path`).

    A file that cannot be used (disk full, read-only, damaged, not a database) raises :class:`ViewError`
    naming it and the fix (:func:`store_error`); reading works from a read-only file or folder.
    """

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else store_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path, timeout=30)
            try:
                con.execute("PRAGMA busy_timeout = 30000")
                if not con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'views'").fetchone():
                    con.executescript(_SCHEMA)  # CREATE TABLE IF NOT EXISTS: safe from any number of sessions
            finally:
                con.close()
        except (sqlite3.Error, OSError) as exc:
            raise store_error(self.path, exc) from exc

    @contextmanager
    def _tx(self, write: bool = True) -> Iterator[sqlite3.Connection]:
        # One connection per operation (Streamlit runs sessions in threads); BEGIN IMMEDIATE
        # takes the write lock at once, so concurrent writers queue (busy timeout) instead of
        # failing or overwriting each other's position numbers. Reads take no write lock.
        try:
            con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except sqlite3.Error as exc:
            raise store_error(self.path, exc) from exc
        try:
            con.execute("PRAGMA busy_timeout = 30000")
            con.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield con
            except BaseException:
                # SQLite may have rolled back already (a full disk does): then there is nothing to
                # roll back, and the error to report is the first one
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        except sqlite3.Error as exc:
            raise store_error(self.path, exc) from exc
        finally:
            con.close()

    @staticmethod
    def _row(r: tuple) -> View:
        # columns in the order of _COLS
        center = tuple(json.loads(r[4])) if r[4] else None
        bounds = tuple(tuple(x) for x in json.loads(r[6])) if r[6] else None
        return View(id=r[0], token=r[1], title=r[2], note=r[3], center=center, zoom=r[5],  # type: ignore[arg-type]
                    bounds=bounds, lang=r[7], basemap=r[8], layers=tuple(json.loads(r[9])), position=r[10])  # type: ignore[arg-type]

    _COLS = "id, token, title, note, center, zoom, bounds, lang, basemap, layers, position"

    def list(self) -> list[View]:
        """Every saved view, in presentation order."""
        with self._tx(write=False) as con:
            rows = con.execute(f"SELECT {self._COLS} FROM views ORDER BY position, id").fetchall()
        return [self._row(r) for r in rows]

    def get(self, key: int | str) -> View:
        """A view by id or share token; :class:`ViewError` if there is none."""
        col = "id" if isinstance(key, int) else "token"
        with self._tx(write=False) as con:
            r = con.execute(f"SELECT {self._COLS} FROM views WHERE {col} = ?", (key,)).fetchone()
        if r is None:
            raise ViewError(f"没有视图 {key!r}(可能已被删除):请在视图列表中选择",
                            f"no saved view {key!r} (it may have been deleted): choose one from the list")
        return self._row(r)

    def save(self, view: View, known_layers: set[str] | None = None) -> View:
        """Save a new view at the end of the list; returns it with its id and share token."""
        v = check_view(view, known_layers)
        now = time.time()
        token = secrets.token_urlsafe(6)
        with self._tx() as con:
            pos = con.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM views").fetchone()[0]
            cur = con.execute(
                "INSERT INTO views (token, title, note, layers, center, zoom, bounds, lang, basemap, position, created, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (token, v.title, v.note, json.dumps(list(v.layers)),
                 json.dumps(list(v.center)) if v.center else None, v.zoom,
                 json.dumps([list(x) for x in v.bounds]) if v.bounds else None,
                 v.lang, v.basemap, pos, now, now),
            )
            new_id = int(cur.lastrowid or 0)
        return replace(v, id=new_id, token=token, position=pos)

    def rename(self, view_id: int, title: str) -> None:
        check_view(View(title=title, layers=()))
        with self._tx() as con:
            n = con.execute("UPDATE views SET title = ?, updated = ? WHERE id = ?",
                            (title.strip(), time.time(), view_id)).rowcount
        if not n:
            raise ViewError(f"没有视图 {view_id}(可能已被删除)", f"no saved view {view_id} (it may have been deleted)")

    def delete(self, view_id: int) -> None:
        with self._tx() as con:
            con.execute("DELETE FROM views WHERE id = ?", (view_id,))

    def reorder(self, ids: list[int]) -> None:
        """Put the views in the order of ``ids`` (views not named keep their order, after them)."""
        with self._tx() as con:
            existing = [r[0] for r in con.execute("SELECT id FROM views ORDER BY position, id")]
            order = [i for i in ids if i in existing] + [i for i in existing if i not in ids]
            for pos, vid in enumerate(order, start=1):
                con.execute("UPDATE views SET position = ? WHERE id = ?", (pos, vid))

    def move(self, view_id: int, delta: int) -> None:
        """Move a view ``delta`` places up (negative) or down (positive) the list."""
        ids = [v.id for v in self.list() if v.id is not None]
        if view_id not in ids:
            raise ViewError(f"没有视图 {view_id}(可能已被删除)", f"no saved view {view_id} (it may have been deleted)")
        i = ids.index(view_id)
        j = max(0, min(len(ids) - 1, i + delta))
        ids.insert(j, ids.pop(i))
        self.reorder(ids)


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
               store: ViewStore | None = None) -> View | None:
    """The view a link's query parameters describe, or None when they describe none.

    ``view=<token>`` looks the view up in ``store``; otherwise ``layers`` (comma-separated ids)
    with optional ``c=lat,lon``, ``z``, ``b=s,w,n,e``, ``lang``, ``basemap``, ``title``.
    Unknown layer ids raise :class:`ViewError` naming them.
    """
    token = params.get("view")
    if token:
        if not _TOKEN_RE.match(str(token)):
            raise ViewError(f"链接中的视图编号 {str(token)[:80]!r} 无效:请向分享者要一个新链接",
                          f"invalid view id {str(token)[:80]!r} in the link: ask for a new link")
        return (store or ViewStore()).get(str(token))
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
