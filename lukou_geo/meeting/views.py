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
        raise ViewError("视图需要标题 / a view needs a title")
    if len(title) > 120:
        raise ViewError("标题过长(最多 120 字) / title too long (max 120 characters)")
    if known_layers is not None:
        unknown = [lid for lid in view.layers if lid not in known_layers]
        if unknown:
            raise ViewError(f"未知图层 / unknown layer(s): {', '.join(unknown)}")
    if view.center is not None:
        lat, lon = view.center
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ViewError(f"中心点超出范围 / center {view.center} out of range (lat, lon)")
    if view.zoom is not None and not 0 <= view.zoom <= 22:
        raise ViewError(f"缩放级别 {view.zoom} 应在 0–22 / zoom must be 0–22")
    if view.lang not in ("zh", "en"):
        raise ViewError(f"lang {view.lang!r} must be zh or en")
    if view.basemap not in BASEMAPS:
        raise ViewError(f"basemap {view.basemap!r} must be one of {', '.join(BASEMAPS)}")
    return replace(view, title=title)


def store_path() -> Path:
    return get_settings().data_dir / "atlas.sqlite3"


class ViewStore:
    """The saved views in one SQLite file (default :func:`store_path`)."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else store_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=30)
        try:
            con.execute("PRAGMA busy_timeout = 30000")
            con.executescript(_SCHEMA)  # CREATE TABLE IF NOT EXISTS: safe from any number of sessions
        finally:
            con.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        # One connection per operation (Streamlit runs sessions in threads); BEGIN IMMEDIATE
        # takes the write lock at once, so concurrent writers queue (busy timeout) instead of
        # failing or overwriting each other's position numbers.
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            con.execute("PRAGMA busy_timeout = 30000")
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
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
        with self._tx() as con:
            rows = con.execute(f"SELECT {self._COLS} FROM views ORDER BY position, id").fetchall()
        return [self._row(r) for r in rows]

    def get(self, key: int | str) -> View:
        """A view by id or share token; :class:`ViewError` if there is none."""
        col = "id" if isinstance(key, int) else "token"
        with self._tx() as con:
            r = con.execute(f"SELECT {self._COLS} FROM views WHERE {col} = ?", (key,)).fetchone()
        if r is None:
            raise ViewError(f"没有这个视图 / no saved view {key!r} (it may have been deleted)")
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
            raise ViewError(f"没有这个视图 / no saved view {view_id}")

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
            raise ViewError(f"没有这个视图 / no saved view {view_id}")
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
        raise ViewError(f"链接参数 {name}={value!r} 应为 {n} 个逗号分隔的数 / "
                        f"link parameter {name} must be {n} comma-separated numbers")
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
            raise ViewError(f"链接中的视图编号无效 / invalid view id {token!r} in the link")
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
