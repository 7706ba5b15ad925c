"""Reliability on both stores: ten processes registering and changing statuses at once lose nothing;
a process killed in the middle of its writes leaves the store consistent, and it opens again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from lukou_geo.registry import audit, records
from lukou_geo.settings import REPO_ROOT
from lukou_geo.store import open_store
from tests.registry.helpers import result, team


def _child(url: str, user: str, n: int, marker: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen([sys.executable, "-m", "tests.registry._child", url, user, str(n), str(marker)], cwd=REPO_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _consistent(store) -> tuple[int, int]:
    """Every project has its registration in its history and in the audit log, and its status is its last
    history entry; returns (projects, status changes)."""
    rows, total = records.list_projects(store, limit=1000)
    changes = 0
    for r in rows:
        p = records.show_project(store, r["id"])
        assert p["history"][0]["action"] == "register"
        assert p["history"][-1]["to"] == p["status"]
        changes += len(p["history"]) - 1
    regs = audit.entries(store, audit.AuditFilter(action="project.register"), limit=10_000)
    stats = audit.entries(store, audit.AuditFilter(action="project.status"), limit=10_000)
    assert sorted(int(e["target"].split(":")[1]) for e in regs) == sorted(r["id"] for r in rows)
    assert len(stats) == changes
    return total, changes


def test_ten_processes_at_once_lose_nothing(store_url, tmp_path):
    with open_store(store_url) as store:
        team(store)
    users = ["cho", "chen"] * 5
    n = 4
    procs = [_child(store_url, u, n, tmp_path / f"m{i}") for i, u in enumerate(users)]
    for p in procs:
        _out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-3000:]
    with open_store(store_url) as store:
        assert _consistent(store) == (10 * n, 10 * n)
        rows, _ = records.list_projects(store, limit=1000)
        assert sorted(r["name"] for r in rows) == sorted(f"{u}-{i}-1" for u in users for i in range(n))
        assert {r["status"] for r in rows} == {"核查中"}


def test_a_killed_writer_leaves_the_store_consistent(store_url, tmp_path):
    with open_store(store_url) as store:
        team(store)
    marker = tmp_path / "m"
    proc = _child(store_url, "cho", 10_000, marker)
    end = time.monotonic() + 120
    while not marker.exists() and proc.poll() is None and time.monotonic() < end:
        time.sleep(0.01)
    time.sleep(1.5)  # in the middle of its writes
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    with open_store(store_url) as store:  # opens again
        total, _ = _consistent(store)
        assert total >= 1
        (pid,) = records.register_check(store, "chen", result(1),
                                        source_file=__file__, source_crs="auto")
        assert records.show_project(store, pid)["status"] == "拟选址"
