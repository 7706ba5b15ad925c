"""The store's table of saved views (migration 3): the same in GeoPackage (SQLite) and PostGIS.

``lk_views``  one row per saved view: its share ``token`` (kept when views are migrated from the old
              ``atlas.sqlite3``, so old links still work), title, note, layers (JSON list), centre
              (lat, lon) and zoom and/or bounds (south, west, north, east), language, basemap, its
              ``position`` in the list, its ``owner`` (the account that saved it) and ``shared``
              (1: every user sees it; 0: only its owner and the admins), created/updated (ISO 8601,
              UTC) and who changed it last.

Reads and writes go through :mod:`lukou_geo.meeting.views`.
"""

from __future__ import annotations

from typing import Any


def migration_3(d: Any) -> list[str]:
    """Statements of migration 3 in dialect ``d`` (:class:`lukou_geo.store._sql.Dialect`)."""
    return [
        f"""CREATE TABLE lk_views (
            id {d.serial_pk}, token TEXT NOT NULL UNIQUE, title TEXT NOT NULL, note TEXT NOT NULL, layers TEXT NOT NULL,
            center_lat {d.real}, center_lon {d.real}, zoom {d.real},
            south {d.real}, west {d.real}, north {d.real}, east {d.real},
            lang TEXT NOT NULL, basemap TEXT NOT NULL, position INTEGER NOT NULL,
            owner TEXT NOT NULL, shared INTEGER NOT NULL CHECK (shared IN (0, 1)),
            created TEXT NOT NULL, updated TEXT NOT NULL, updated_by TEXT NOT NULL)""",
        "CREATE INDEX lk_views_position ON lk_views (position, id)",
        "CREATE INDEX lk_views_owner ON lk_views (owner)",
    ]
