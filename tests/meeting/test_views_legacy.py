"""Tests of lukou_geo.meeting.views_legacy on both stores: the views of an old ``atlas.sqlite3`` moved into
the store once, without loss (tokens, order, extents kept), a second start imports nothing again, and a
damaged old file is a message naming it, with nothing lost."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from lukou_geo.meeting import views_legacy
from lukou_geo.meeting.views import MIGRATED_OWNER, View, ViewStore, from_query
from lukou_geo.registry import audit
from lukou_geo.store import open_store
from tests.registry.helpers import team

#: the table of the old views file, as lukou_geo/meeting/views.py created it before views lived in the store
OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS views (
    id INTEGER PRIMARY KEY AUTOINCREMENT, token TEXT NOT NULL UNIQUE, title TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',
    layers TEXT NOT NULL, center TEXT, zoom REAL, bounds TEXT, lang TEXT NOT NULL DEFAULT 'zh',
    basemap TEXT NOT NULL DEFAULT 'vector', position INTEGER NOT NULL, created REAL NOT NULL, updated REAL NOT NULL);
"""

OLD_VIEWS = [
    # token, title, note, layers, center, zoom, bounds, lang, basemap, position
    ("tokAAAA1", "总体格局", "一核三镇", ["district", "core_area"], [27.6, 113.1], 11.0, None, "zh", "vector", 2),
    ("tokBBBB2", "交通 <b>x</b>", "", ["rail"], None, None, [[27.5, 113.0], [27.7, 113.2]], "en", "osm", 1),
    ("tokCCCC3", "生态", "湘江", ["district"], [27.55, 113.15], 12.5, None, "zh", "tianditu", 3),
]


def old_file(path: Path, views: list[tuple[str, list[str]]] | None = None) -> Path:
    """An ``atlas.sqlite3`` as the old views store wrote it (:data:`OLD_VIEWS`, or ``(title, layers)`` pairs)."""
    rows = OLD_VIEWS if views is None else [(f"old{i:05d}", title, "", layers, None, None, None, "zh", "vector", i + 1)
                                            for i, (title, layers) in enumerate(views)]
    con = sqlite3.connect(path)
    con.executescript(OLD_SCHEMA)
    for i, (tok, title, note, layers, center, zoom, bounds, lang, basemap, pos) in enumerate(rows):
        con.execute("INSERT INTO views (token, title, note, layers, center, zoom, bounds, lang, basemap, position, created, updated) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (tok, title, note, json.dumps(layers), json.dumps(center) if center else None, zoom,
                     json.dumps(bounds) if bounds else None, lang, basemap, pos, 1.7e9 + i, 1.7e9 + i))
    con.commit()
    con.close()
    return path


def test_old_views_are_moved_in_with_their_tokens_and_nothing_is_lost(store, tmp_path):
    path = old_file(tmp_path / "atlas.sqlite3")
    views = ViewStore(store, legacy=path)
    assert views.problem is None
    got = views.list()  # shared: everyone (anonymous too) sees them, in their old order
    assert [v.token for v in got] == ["tokBBBB2", "tokAAAA1", "tokCCCC3"]
    a = {v.token: v for v in got}
    assert a["tokAAAA1"].title == "总体格局" and a["tokAAAA1"].note == "一核三镇"
    assert a["tokAAAA1"].layers == ("district", "core_area") and a["tokAAAA1"].center == (27.6, 113.1) and a["tokAAAA1"].zoom == 11
    assert a["tokBBBB2"].title == "交通 <b>x</b>" and a["tokBBBB2"].bounds == ((27.5, 113.0), (27.7, 113.2))
    assert a["tokBBBB2"].lang == "en" and a["tokBBBB2"].basemap == "osm" and a["tokCCCC3"].basemap == "tianditu"
    assert all(v.owner == MIGRATED_OWNER and v.shared for v in got)
    assert a["tokAAAA1"].created == "2023-11-14T22:13:20Z"  # the old epoch seconds, in ISO 8601
    assert from_query({"view": "tokCCCC3"}, None, views).title == "生态"  # an old share link still works
    assert not path.exists() and (tmp_path / "atlas.sqlite3.migrated").exists()  # kept beside, renamed
    (entry,) = audit.entries(store, audit.AuditFilter(action="view.import"))
    assert entry["detail"]["imported"] == 3 and entry["target"] == "file:atlas.sqlite3"


def test_a_second_start_imports_nothing_again(store, tmp_path):
    path = old_file(tmp_path / "atlas.sqlite3")
    first = views_legacy.import_legacy(store, path)
    assert first.imported == 3 and first.renamed_to is not None
    ViewStore(store, legacy=path).delete("tokAAAA1", local=True)  # a user deletes a migrated view
    # the same file back in place (a backup restored, a folder that could not be renamed): not imported again
    first.renamed_to.rename(path)
    views_legacy._MEMO.clear()  # as in a new process
    again = views_legacy.import_legacy(store, path)
    assert again.already and again.imported == 0
    assert sorted(v.token for v in ViewStore(store, legacy=False).list()) == ["tokBBBB2", "tokCCCC3"]
    assert len(audit.entries(store, audit.AuditFilter(action="view.import"))) == 1


def test_a_copy_of_the_file_with_more_views_adds_only_the_new_ones(store, tmp_path):
    path = old_file(tmp_path / "atlas.sqlite3")
    views_legacy.import_legacy(store, path)
    (tmp_path / "other").mkdir()
    second = old_file(tmp_path / "other" / "atlas.sqlite3")
    con = sqlite3.connect(second)
    con.execute("INSERT INTO views (token, title, layers, position, created, updated) VALUES ('tokDDDD4', '新', '[\"rail\"]', 9, 0, 0)")
    con.commit()
    con.close()
    res = views_legacy.import_legacy(store, second)
    assert (res.imported, res.skipped) == (1, 3)
    assert [v.token for v in ViewStore(store, legacy=False).list()][-1] == "tokDDDD4"


def test_views_saved_before_the_import_stay_first(store, tmp_path):
    ViewStore(store, legacy=False).save(View(title="新视图", layers=("district",)), local=True)
    path = old_file(tmp_path / "atlas.sqlite3")
    titles = [v.title for v in ViewStore(store, legacy=path).list(local=True)]
    assert titles == ["新视图", "交通 <b>x</b>", "总体格局", "生态"]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "bad_row"])
def test_a_damaged_old_file_is_a_message_naming_it_and_nothing_is_lost(store, tmp_path, damage):
    path = tmp_path / "atlas.sqlite3"
    if damage == "garbage":
        path.write_bytes(b"this is not a database" * 100)
    elif damage == "truncated":
        data = old_file(tmp_path / "full.sqlite3").read_bytes()
        path.write_bytes(data[:len(data) // 3] + b"\0" * 100)
    else:
        old_file(path)
        con = sqlite3.connect(path)
        con.execute("UPDATE views SET layers = 'not json' WHERE token = 'tokCCCC3'")
        con.commit()
        con.close()
    before = path.read_bytes()
    views = ViewStore(store, legacy=path)
    assert views.problem is not None
    zh, en = views.problem.message("zh"), views.problem.message("en")
    assert str(path) in zh and str(path) in en and "移走" in zh and "move it away" in en
    assert "Traceback" not in zh + en
    assert views.list(local=True) == []  # nothing imported, nothing half-imported
    assert path.read_bytes() == before  # the file is left exactly as it was
    assert not (tmp_path / "atlas.sqlite3.migrated").exists()
    views.save(View(title="照常", layers=("district",)), local=True)  # the views in the store still work
    assert [v.title for v in views.list(local=True)] == ["照常"]


def test_a_file_without_a_views_table_is_left_alone(store, tmp_path):
    path = tmp_path / "atlas.sqlite3"
    sqlite3.connect(path).execute("CREATE TABLE other (x)").connection.commit()
    res = views_legacy.import_legacy(store, path)
    assert res.problem is None and res.imported == 0 and path.exists()


def test_migrated_views_with_accounts_are_shared_and_belong_to_nobody(store_url, tmp_path):
    with open_store(store_url) as s:
        team(s)
        path = old_file(tmp_path / "atlas.sqlite3")
        views = ViewStore(s, legacy=path)
        assert len(views.list(user="vic")) == 3
    with open_store(store_url) as s:  # a restart keeps them
        assert len(ViewStore(s, legacy=path).list()) == 3
