"""Imports in other processes, on both backends: killed with SIGKILL while writing (the store opens
and the old layer is intact), and several at once (all land)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lukou_geo.settings import REPO_ROOT
from lukou_geo.store import open_store
from lukou_geo.store.importer import import_layer
from tests.store.layers import parcels, write


def _child(url: str, path: Path, layer_id: str, mode: str, marker: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen([sys.executable, "-m", "tests.store._child", url, str(path), layer_id, mode, str(marker)],
                            cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(marker: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if marker.exists():
            return
        if proc.poll() is not None:
            pytest.fail(f"the child ended before writing: {proc.communicate()[1][-2000:]}")
        time.sleep(0.01)
    proc.kill()
    pytest.fail("the child never started writing")


@pytest.fixture
def seeded(store_url, tmp_path):
    """A store with ``dltb`` version 1 (6 parcels); the big file a child will import over it."""
    small = write(parcels(3, 2), "gpkg", tmp_path / "small", crs="EPSG:4547")
    with open_store(store_url) as st:
        import_layer(st, small, layer_id="dltb", user="t", tiles=False)
        before = (st.layer("dltb"), st.table("dltb")[0])
    big = write(parcels(60, 50), "gpkg", tmp_path / "big", crs="EPSG:4547")
    return before, big


@pytest.mark.parametrize("mode", ["hang", "race"])
def test_import_killed_while_writing_leaves_the_old_layer(store_url, seeded, tmp_path, mode):
    (info, page), big = seeded
    marker = tmp_path / "marker"
    proc = _child(store_url, big, "dltb", mode, marker)
    _wait_for(marker, proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL or marker.read_text() == "done"
    killed_midway = marker.read_text() != "done"
    with open_store(store_url) as st:
        assert [i.id for i in st.layers()] == ["dltb"]
        if killed_midway:
            assert st.layer("dltb") == info
            assert st.table("dltb")[0].equals(page)
            assert len(st.read_features("dltb")) == 6
            if st.backend == "gpkg":  # the half-written table is gone (dropped when the store opened)
                assert _feature_tables(store_url) == {"lk_f_dltb_v1"}
        # the store takes a new import after the crash
        rep = import_layer(st, big, layer_id="dltb", user="t", tiles=False)
        assert rep.layer.features == 3000 and rep.layer.version == (2 if killed_midway else 3)
        assert st.table("dltb")[1] == 3000


def _feature_tables(path: str) -> set[str]:
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE 'lk_f_%' OR name LIKE 'rtree_lk_f_%')")
        return {r[0] for r in rows if not r[0].startswith("rtree_") or r[0].endswith("_geom")} - {
            f"rtree_{t}_geom" for t in ("lk_f_dltb_v1",)}
    finally:
        con.close()


def test_imports_at_once_all_land(store_url, tmp_path):
    files = {lid: write(parcels(20, 10 + k), "gpkg", tmp_path / lid, crs="EPSG:4547") for k, lid in enumerate(["a", "b"])}
    with open_store(store_url):
        pass  # created and migrated before the race
    procs = []
    for k, (lid, path) in enumerate([("a", files["a"]), ("b", files["b"]), ("same", files["a"]), ("same", files["b"])]):
        procs.append(_child(store_url, path, lid, "slow", tmp_path / f"m{k}"))
    for p in procs:
        _out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-3000:]
    with open_store(store_url) as st:
        assert sorted(i.id for i in st.layers()) == ["a", "b", "same"]
        assert st.layer("a").features == 200 and st.layer("b").features == 220
        assert st.layer("same").version == 2 and st.layer("same").features in (200, 220)
        assert st.table("same")[1] == st.layer("same").features
        assert sum(h["action"] == "import" for h in st.history()) == 4
