"""Tests of lukou_geo.meeting.views: the saved-views store (restart, concurrency) and share links."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest

from lukou_geo.errors import ViewError
from lukou_geo.meeting.views import View, ViewStore, from_query, share_url, to_query

KNOWN = {"district", "rail", "roads", "core_area"}


def test_save_rename_reorder_delete_survive_a_restart(tmp_path: Path):
    store = ViewStore(tmp_path / "s.sqlite3")
    a = store.save(View(title="格局", layers=("district", "core_area"), center=(27.6, 113.1), zoom=11), KNOWN)
    b = store.save(View(title="交通", layers=("rail",), bounds=((27.5, 113.0), (27.7, 113.2))), KNOWN)
    c = store.save(View(title="道路", layers=("roads",), lang="en", basemap="osm"), KNOWN)
    assert a.token and a.token != b.token
    store.rename(int(b.id), "交通项目")
    store.move(int(c.id), -2)
    again = ViewStore(tmp_path / "s.sqlite3")  # a new handle: as after a restart
    views = again.list()
    assert [v.title for v in views] == ["道路", "格局", "交通项目"]
    assert views[1].center == (27.6, 113.1) and views[1].zoom == 11
    assert views[2].bounds == ((27.5, 113.0), (27.7, 113.2))
    assert views[0].lang == "en" and views[0].basemap == "osm"
    again.reorder([int(a.id)])
    assert [v.title for v in again.list()] == ["格局", "道路", "交通项目"]
    again.delete(int(a.id))
    assert [v.title for v in ViewStore(tmp_path / "s.sqlite3").list()] == ["道路", "交通项目"]
    assert again.get(b.token).title == "交通项目"
    with pytest.raises(ViewError):
        again.get(a.token)


def test_invalid_views_are_refused(tmp_path: Path):
    store = ViewStore(tmp_path / "s.sqlite3")
    with pytest.raises(ViewError, match="title"):
        store.save(View(title="  ", layers=("district",)))
    with pytest.raises(ViewError, match="unknown layer"):
        store.save(View(title="x", layers=("nope",)), KNOWN)
    with pytest.raises(ViewError):
        store.save(View(title="x", layers=(), zoom=40))
    assert store.list() == []


def test_two_threads_saving_at_once_are_both_kept(tmp_path: Path):
    path = tmp_path / "s.sqlite3"
    ViewStore(path)
    barrier = threading.Barrier(2)

    def work(name: str) -> None:
        store = ViewStore(path)
        barrier.wait()
        for i in range(15):
            store.save(View(title=f"{name}{i}", layers=("district",)))

    threads = [threading.Thread(target=work, args=(n,)) for n in ("甲", "乙")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    views = ViewStore(path).list()
    assert len(views) == 30
    assert {v.title for v in views} == {f"{n}{i}" for n in ("甲", "乙") for i in range(15)}
    assert len({v.position for v in views}) == 30  # no two got the same place


def _save_in_process(path: str, name: str, barrier: object) -> None:
    store = ViewStore(Path(path))
    barrier.wait()  # type: ignore[attr-defined]
    for i in range(10):
        store.save(View(title=f"{name}{i}", layers=("district",)))


def test_two_processes_saving_at_once_are_both_kept(tmp_path: Path):
    path = tmp_path / "s.sqlite3"
    ViewStore(path)
    # fork, not spawn: a spawned child re-runs sys.modules["__main__"], which an earlier AppTest in
    # the same session leaves pointing at its temporary page script
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_save_in_process, args=(str(path), n, barrier)) for n in ("p", "q")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0, f"saving process exited with {p.exitcode}"
    titles = [v.title for v in ViewStore(path).list()]
    assert sorted(titles) == sorted(f"{n}{i}" for n in ("p", "q") for i in range(10))


def test_share_links_round_trip(tmp_path: Path):
    store = ViewStore(tmp_path / "s.sqlite3")
    v = store.save(View(title="交通", layers=("rail", "roads"), center=(27.61234, 113.15678), zoom=11.5), KNOWN)
    assert to_query(v) == {"view": v.token}
    assert from_query({"view": v.token}, KNOWN, store).layers == ("rail", "roads")
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
        from_query({"view": "../../etc"}, KNOWN, store)
