"""The saved views of the old ``<data_dir>/atlas.sqlite3`` moved into the store, once, without loss.

Before views lived in the store (``lk_views``) they were kept in a SQLite file of their own,
``atlas.sqlite3`` in the data dir (table ``views``). The first time views are used
(:class:`lukou_geo.meeting.views.ViewStore`), that file's views are copied into the store in one
transaction:

- every view keeps its share **token** (old ``?view=…`` links still work), title, note, layers,
  extent, language, basemap, its order (after any views already in the store) and its times;
- its owner is :data:`~lukou_geo.meeting.views.MIGRATED_OWNER` (``(migrated)``: no account has that
  name, so only an admin, or the single user, changes them) and it is **shared** (everyone saw it before);
- the store notes the file's SHA-256 in ``lk_meta`` (``views_import:<sha256>``) with the import's audit
  entry (``view.import``), in the same transaction: the same file is never imported twice, even where it
  cannot be renamed; then the file is renamed ``atlas.sqlite3.migrated`` (kept, as a backup);
- a token already in the store is not imported again (a second copy of the file adds nothing).

A file that cannot be read (damaged, not a database, unreadable) is left exactly as it is and nothing is
imported: :attr:`LegacyImport.problem` is a :class:`~lukou_geo.errors.ViewError` naming the file and the fix,
which the pages show as a warning (the views already in the store still work).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lukou_geo.errors import LukouError, ViewError
from lukou_geo.registry import audit
from lukou_geo.settings import get_settings
from lukou_geo.text import t

_MEMO: dict[tuple[str, str, int, int], LegacyImport] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class LegacyImport:
    """What the import of an old views file did: ``imported`` views, ``skipped`` (tokens already in the
    store), ``already`` (this file was imported before), ``renamed_to`` (None: left in place), ``problem``."""

    path: Path
    imported: int = 0
    skipped: int = 0
    already: bool = False
    renamed_to: Path | None = None
    problem: ViewError | None = None


def legacy_path() -> Path:
    """Where the old views file is: ``<data_dir>/atlas.sqlite3``."""
    return get_settings().data_dir / "atlas.sqlite3"


def _stamp(value: Any) -> str:
    """An ISO 8601 UTC time from the old file's epoch seconds."""
    try:
        return _dt.datetime.fromtimestamp(float(value), _dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    except (TypeError, ValueError, OverflowError, OSError):
        return ""


def _unreadable(path: Path, err: str) -> ViewError:
    return ViewError(t("meeting.legacy_unreadable", "zh", file=path, err=err), t("meeting.legacy_unreadable", "en", file=path, err=err))


def read_legacy(path: Path) -> list[dict[str, Any]] | None:
    """The views of an old file, in their order (None: the file has no ``views`` table, so it is not one);
    :class:`ViewError` naming the file when it cannot be read."""
    try:
        data = path.read_bytes()  # a file we cannot read at all says so here (permissions)
        if data and not data.startswith(b"SQLite format 3\x00"):
            raise sqlite3.DatabaseError("file is not a database")
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            if not con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'views'").fetchone():
                return None
            rows = con.execute("SELECT token, title, note, layers, center, zoom, bounds, lang, basemap, position, created, updated "
                               "FROM views ORDER BY position, id").fetchall()
        finally:
            con.close()
        out = []
        for r in rows:
            center = json.loads(r[4]) if r[4] else None
            bounds = json.loads(r[6]) if r[6] else None
            layers = json.loads(r[3])
            if not isinstance(layers, list) or (center is not None and len(center) != 2) or (bounds is not None and len(bounds) != 2):
                raise ValueError(f"view {r[0]!r} has malformed layers, center or bounds")
            out.append({"token": str(r[0]), "title": str(r[1]), "note": str(r[2] or ""), "layers": [str(x) for x in layers],
                        "center": center, "zoom": r[5], "bounds": bounds, "lang": str(r[7] or "zh"),
                        "basemap": str(r[8] or "vector"), "created": _stamp(r[10]), "updated": _stamp(r[11])})
        return out
    except (sqlite3.Error, OSError, ValueError, TypeError) as exc:
        raise _unreadable(path, str(exc)) from exc


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy(store: Any, path: Path, views: list[dict[str, Any]], sha: str) -> tuple[int, int, bool]:
    """Copy ``views`` into the store in one transaction; (imported, skipped, already imported)."""
    from lukou_geo.meeting.views import MIGRATED_OWNER, View, insert_sql, lock_views, view_values
    from lukou_geo.store._sql import now_iso

    d = store.dialect
    p = d.param
    key = f"views_import:{sha}"
    with store.transaction(write=True) as tx:
        lock_views(tx, d)
        if tx.execute(f"SELECT 1 FROM lk_meta WHERE key = {p}", (key,)).fetchone():
            return 0, 0, True
        have = {r[0] for r in tx.execute("SELECT token FROM lk_views").fetchall()}
        pos = int(tx.execute("SELECT COALESCE(MAX(position), 0) FROM lk_views").fetchone()[0])
        now = now_iso()
        imported = skipped = 0
        for v in views:
            if v["token"] in have:
                skipped += 1
                continue
            pos += 1
            view = View(title=v["title"], note=v["note"], layers=tuple(v["layers"]),
                        center=tuple(v["center"]) if v["center"] else None, zoom=v["zoom"],  # type: ignore[arg-type]
                        bounds=tuple(tuple(b) for b in v["bounds"]) if v["bounds"] else None,  # type: ignore[arg-type]
                        lang=v["lang"], basemap=v["basemap"])
            tx.execute(insert_sql(p), (v["token"], *view_values(view), pos, MIGRATED_OWNER, 1,
                                       v["created"] or now, v["updated"] or now, MIGRATED_OWNER))
            have.add(v["token"])
            imported += 1
        tx.execute(f"INSERT INTO lk_meta (key, value) VALUES ({p}, {p})",
                   (key, json.dumps({"file": str(path), "at": now, "imported": imported, "skipped": skipped})))
        audit.record(tx, d, MIGRATED_OWNER, "view.import", f"file:{path.name}",
                     {"file": str(path), "sha256": sha, "imported": imported, "skipped": skipped,
                      "tokens": [v["token"] for v in views]})
    return imported, skipped, False


def _rename(path: Path) -> Path | None:
    target = path.with_name(path.name + ".migrated")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.migrated{n}")
    try:
        path.rename(target)
    except OSError:
        return None  # the store's note keeps it from being imported again
    for side in ("-journal", "-wal", "-shm"):
        extra = path.with_name(path.name + side)
        if extra.exists():
            try:
                extra.rename(target.with_name(target.name + side))
            except OSError:
                pass  # the renamed file is read-only copy material; a leftover journal beside the old name is harmless
    return target


def import_legacy(store: Any, path: Path | None = None) -> LegacyImport:
    """Move the views of the old file ``path`` (default :func:`legacy_path`) into ``store``, once; see the module doc.
    Cheap when there is no old file (the usual case after the first start)."""
    path = Path(path) if path is not None else legacy_path()
    try:
        st = path.stat()
    except OSError:
        return LegacyImport(path)
    memo = (repr(store), str(path.resolve()), st.st_mtime_ns, st.st_size)
    with _LOCK:
        if memo in _MEMO:
            return _MEMO[memo]
        try:
            views = read_legacy(path)
            if views is None:
                result = LegacyImport(path)
            else:
                imported, skipped, already = _copy(store, path, views, _sha256(path))
                result = LegacyImport(path, imported, skipped, already, _rename(path))
        except ViewError as exc:
            result = LegacyImport(path, problem=exc)
        except LukouError as exc:  # the store cannot be written: nothing imported, the file stays; try again next time
            return LegacyImport(path, problem=ViewError(exc.message("zh"), exc.message("en")))
        except OSError as exc:
            result = LegacyImport(path, problem=_unreadable(path, str(exc)))
        _MEMO[memo] = result
        return result
