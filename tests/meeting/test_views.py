"""Tests of lukou_geo.meeting.views on both stores: saved views with an owner and a shared flag (who sees
what, who may change what, refusals that change nothing and are logged), restart, concurrency, share links."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from lukou_geo import accounts
from lukou_geo.errors import AccessError, ViewError
from lukou_geo.meeting.views import View, ViewStore, from_query, share_url, to_query
from lukou_geo.registry import audit
from lukou_geo.settings import REPO_ROOT
from lukou_geo.store import open_store
from tests.registry.helpers import team

KNOWN = {"district", "rail", "roads", "core_area"}


def _views(store) -> ViewStore:
    return ViewStore(store, legacy=False)


def _rows(store) -> list[tuple]:
    with store.transaction() as tx:
        return [tuple(r) for r in tx.execute("SELECT * FROM lk_views ORDER BY id").fetchall()]


def test_save_rename_reorder_delete_survive_a_restart(store_url):
    with open_store(store_url) as s:
        store = _views(s)
        a = store.save(View(title="格局", layers=("district", "core_area"), center=(27.6, 113.1), zoom=11), KNOWN, local=True)
        b = store.save(View(title="交通", layers=("rail",), bounds=((27.5, 113.0), (27.7, 113.2))), KNOWN, local=True)
        c = store.save(View(title="道路", layers=("roads",), lang="en", basemap="osm"), KNOWN, local=True)
        assert a.token and a.token != b.token and a.owner == accounts.local_user()
        store.rename(int(b.id), "交通项目", local=True)
        store.move(int(c.id), -2, local=True)
    with open_store(store_url) as s:  # a new handle: as after a restart
        again = _views(s)
        views = again.list(local=True)
        assert [v.title for v in views] == ["道路", "格局", "交通项目"]
        assert views[1].center == (27.6, 113.1) and views[1].zoom == 11
        assert views[2].bounds == ((27.5, 113.0), (27.7, 113.2))
        assert views[0].lang == "en" and views[0].basemap == "osm"
        again.reorder([int(a.id)], local=True)
        assert [v.title for v in again.list(local=True)] == ["格局", "道路", "交通项目"]
        again.delete(int(a.id), local=True)
        assert [v.title for v in again.list(local=True)] == ["道路", "交通项目"]
        assert again.get(b.token, local=True).title == "交通项目"
        with pytest.raises(ViewError):
            again.get(a.token, local=True)
        acts = [e["action"] for e in audit.entries(s)]
        assert acts.count("view.save") == 3 and acts.count("view.delete") == 1 and "view.edit" in acts


def test_invalid_views_are_refused(store):
    views = _views(store)
    with pytest.raises(ViewError, match="title"):
        views.save(View(title="  ", layers=("district",)), local=True)
    with pytest.raises(ViewError, match="unknown layer"):
        views.save(View(title="x", layers=("nope",)), KNOWN, local=True)
    with pytest.raises(ViewError):
        views.save(View(title="x", layers=(), zoom=40), local=True)
    assert views.list(local=True) == []


def test_owner_and_shared_decide_who_sees_a_view(store):
    team(store)  # admin ada, checkers cho and chen, viewer vic
    views = _views(store)
    pub = views.save(View(title="公开", layers=("district",)), user="cho")
    mine = views.save(View(title="秘密规划", layers=("rail",), shared=False), user="cho")
    assert pub.shared and not mine.shared and mine.owner == "cho"
    seen = {u: [v.title for v in views.list(user=u)] for u in ("cho", "chen", "vic", "ada", None)}
    assert seen == {"cho": ["公开", "秘密规划"], "chen": ["公开"], "vic": ["公开"], "ada": ["公开", "秘密规划"], None: ["公开"]}
    assert views.get(mine.token, user="cho").title == "秘密规划" and views.get(mine.token, user="ada").title == "秘密规划"
    assert views.get(pub.token, user=None).title == "公开"  # a shared view's link opens for anyone
    before = len(audit.entries(store))
    for u in ("chen", "vic", None):
        with pytest.raises(AccessError) as err:
            from_query({"view": mine.token}, KNOWN, views, user=u)
        text = err.value.zh + err.value.en
        assert "私有视图" in err.value.zh and "private view" in err.value.en
        assert "秘密" not in text and "rail" not in text  # neither the title nor the layers leak
    denied = audit.entries(store, audit.AuditFilter(action="denied"))
    assert len(audit.entries(store)) == before + 3 and {e["target"] for e in denied} == {f"view:{mine.token}"}
    assert {e["detail"]["action"] for e in denied} == {"views.open"}
    views.set_shared(mine.token, True, user="cho")
    assert views.get(mine.token, user="vic").title == "秘密规划"


#: who may do each write to a view of ``cho`` (save: a new view of one's own)
MATRIX = {"save": {"vic": False, "cho": True, "chen": True, "ada": True, None: False, "ghost": False},
          "rename": {"vic": False, "cho": True, "chen": False, "ada": True, None: False, "ghost": False},
          "share": {"vic": False, "cho": True, "chen": False, "ada": True, None: False, "ghost": False},
          "move": {"vic": False, "cho": True, "chen": False, "ada": True, None: False, "ghost": False},
          "delete": {"vic": False, "cho": True, "chen": False, "ada": True, None: False, "ghost": False}}


def _do(views: ViewStore, op: str, token: str, user):
    if op == "save":
        return views.save(View(title="新", layers=("district",)), user=user)
    if op == "rename":
        return views.rename(token, "改名", user=user)
    if op == "share":
        return views.set_shared(token, False, user=user)
    if op == "move":
        return views.move(token, -1, user=user)
    return views.delete(token, user=user)


@pytest.mark.parametrize("op", sorted(MATRIX))
def test_role_matrix_of_every_write_refusals_change_nothing_and_are_logged(store, op):
    team(store)
    views = _views(store)
    views.save(View(title="别人的", layers=("district",)), user="chen")
    target = views.save(View(title="cho 的", layers=("rail",)), user="cho")
    for user, ok in MATRIX[op].items():
        rows, n_audit = _rows(store), len(audit.entries(store, limit=10_000))
        if not ok:
            with pytest.raises(AccessError) as err:
                _do(views, op, target.token, user)
            assert err.value.zh and err.value.en and "Nothing was changed" in err.value.en
            assert _rows(store) == rows  # nothing changed
            (last,) = audit.entries(store, limit=1)
            assert len(audit.entries(store, limit=10_000)) == n_audit + 1
            assert last["action"] == "denied" and last["detail"]["action"] == "views.write"
            assert last["user"] == (user or "(anonymous)")
    for user, ok in MATRIX[op].items():  # then the allowed ones, each on a fresh view of cho's
        if ok:
            t = views.save(View(title="cho 的", layers=("rail",)), user="cho").token
            _do(views, op, t, user)
            (last,) = audit.entries(store, limit=1)
            assert last["user"] == user and last["action"] in ("view.save", "view.edit", "view.delete")


def test_migrated_views_are_changed_by_an_admin_only(store, tmp_path):
    from tests.meeting.test_views_legacy import old_file

    path = old_file(tmp_path / "atlas.sqlite3", [("旧一", ["district"])])
    team(store)
    views = ViewStore(store, legacy=path)
    (old,) = views.list(user="vic")
    assert old.owner == "(migrated)" and old.shared
    with pytest.raises(AccessError):
        views.rename(old.token, "x", user="cho")
    views.rename(old.token, "旧一(管理员改)", user="ada")
    assert views.get(old.token).title == "旧一(管理员改)"


def test_single_user_mode_only_on_this_machine_and_only_without_accounts(store):
    views = _views(store)
    v = views.save(View(title="单机", layers=("district",), shared=False), user="zhang", local=True)
    assert v.owner == "zhang"
    assert [x.title for x in views.list(local=True)] == ["单机"]  # the single user sees everything
    assert views.list() == []  # a server on the network without accounts: anonymous, private hidden
    with pytest.raises(AccessError, match="first admin"):
        views.save(View(title="网络", layers=("district",)), user="zhang")
    team(store)
    with pytest.raises(AccessError):
        views.rename(v.token, "x", user="zhang", local=True)  # accounts exist: local no longer writes
    views.rename(v.token, "管理员改", user="ada")
    assert [x.title for x in views.list(user="ada")] == ["管理员改"]


def test_two_threads_saving_at_once_are_both_kept(store):
    team(store)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(user: str) -> None:
        views = _views(store)
        barrier.wait()
        try:
            for i in range(15):
                views.save(View(title=f"{user}{i}", layers=("district",)), user=user)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in ("cho", "chen")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    views = _views(store).list(user="ada")
    assert {v.title for v in views} == {f"{n}{i}" for n in ("cho", "chen") for i in range(15)}
    assert len({v.position for v in views}) == 30  # no two got the same place


def test_two_processes_saving_at_once_are_both_kept(store_url, tmp_path):
    with open_store(store_url) as s:
        team(s)
        _views(s)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-m", "tests.meeting._views_child", store_url, u, "10", str(tmp_path / u), str(go)],
                              cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for u in ("cho", "chen")]
    deadline = time.time() + 120
    while not all((tmp_path / u).exists() for u in ("cho", "chen")) and time.time() < deadline:
        time.sleep(0.05)
    go.touch()  # both start saving at once
    for p in procs:
        _out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-3000:]
    with open_store(store_url) as s:
        views = _views(s).list(user="ada")
        assert sorted(v.title for v in views) == sorted(f"{n}{i}" for n in ("cho", "chen") for i in range(10))
        assert len({v.position for v in views}) == 20
        assert len(audit.entries(s, audit.AuditFilter(action="view.save"), limit=100)) == 20


def test_share_links_round_trip(store):
    views = _views(store)
    v = views.save(View(title="交通", layers=("rail", "roads"), center=(27.61234, 113.15678), zoom=11.5), KNOWN, local=True)
    assert to_query(v) == {"view": v.token}
    assert from_query({"view": v.token}, KNOWN, views).layers == ("rail", "roads")  # shared: opens for anyone
    q = to_query(v, explicit=True)
    assert q["layers"] == "rail,roads" and q["c"] == "27.61234,113.15678" and q["z"] == "11.5"
    back = from_query(q, KNOWN)
    assert back is not None
    assert back.layers == v.layers and back.center == v.center and back.zoom == v.zoom and back.title == "交通"
    url = share_url("http://localhost:8501/views", v, explicit=True)
    assert url.startswith("http://localhost:8501/views?layers=rail%2Croads&c=")
    assert from_query({}, KNOWN) is None
    with pytest.raises(ViewError, match="unknown layer"):
        from_query({"layers": "rail,evil"}, KNOWN)
    with pytest.raises(ViewError, match="c"):
        from_query({"layers": "rail", "c": "north"}, KNOWN)
    with pytest.raises(ViewError):
        from_query({"view": "../../etc"}, KNOWN, views)


def test_no_store_is_a_clear_message():
    with pytest.raises(ViewError, match="no store"):
        ViewStore(object())


def test_the_store_is_at_the_views_migration(store):
    assert store.schema_version() >= 3
    with store.transaction() as tx:
        names = [r[0] for r in tx.execute("SELECT name FROM lk_migrations ORDER BY version").fetchall()]
    assert "saved views with owner and shared flag" in names


def test_path_is_not_a_store(tmp_path: Path):
    with pytest.raises(ViewError):
        ViewStore(tmp_path / "s.sqlite3")
