"""The audit log: append-only in the store itself (both backends), filters, and a formula-safe CSV export."""

from __future__ import annotations

import csv
import io

import pytest

from lukou_geo.errors import StoreError
from lukou_geo.registry import audit


def test_append_only_in_the_store(store):
    audit.log(store, "ada", "layer.import", "layer:dltb", {"version": 1})
    p = store.dialect.param
    with store.transaction(write=True) as tx:  # row triggers: the tables need a row to refuse its change
        tx.execute("INSERT INTO lk_project_history (project_id, at, user_name, action, from_status, to_status, comment, detail) "
                   f"VALUES (1, {p}, 'ada', 'status', NULL, NULL, 'c', '{{}}')", ("2026-01-01T00:00:00Z",))
    for sql in ("UPDATE lk_audit SET user_name = 'eve'", "DELETE FROM lk_audit",
                "UPDATE lk_project_history SET comment = 'x'", "DELETE FROM lk_project_history"):
        with pytest.raises(StoreError, match="append-only"), store.transaction(write=True) as tx:
            tx.execute(sql)
    if store.backend == "postgis":
        with pytest.raises(StoreError, match="append-only"), store.transaction(write=True) as tx:
            tx.execute("TRUNCATE lk_audit")
    (e,) = audit.entries(store)
    assert (e["user"], e["action"], e["target"], e["detail"]) == ("ada", "layer.import", "layer:dltb", {"version": 1})
    assert not any(hasattr(audit, n) for n in ("update", "delete", "remove", "clear"))


def test_filters(store):
    for user, action, target in (("ada", "sign_in", "user:ada"), ("cho", "project.register", "project:1"),
                                 ("cho", "project.status", "project:1"), ("vic", "denied", "project:1")):
        audit.log(store, user, action, target)
    F = audit.AuditFilter
    assert [e["action"] for e in audit.entries(store, F(user="cho"))] == ["project.status", "project.register"]
    assert len(audit.entries(store, F(action="project."))) == 2
    assert len(audit.entries(store, F(target="project:1"))) == 3
    assert audit.entries(store, F(since="2999-01-01")) == []
    assert [e["id"] for e in audit.entries(store, limit=2, offset=1)] == [3, 2]


@pytest.mark.parametrize("evil", ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "  =1", "＝1", "\t=1", "\r=1"])
def test_csv_neutralises_formulas(evil):
    text = audit.to_csv([{"id": 1, "at": "2026-01-01T00:00:00Z", "user": evil, "action": "sign_in_failed", "target": evil,
                          "detail": {"name": evil}}])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][2] == "'" + evil and rows[1][4] == "'" + evil
    assert rows[1][5].startswith("{")  # JSON detail: harmless first character


def test_csv_keeps_plain_text():
    assert audit.safe_cell("张三") == "张三" and audit.safe_cell(12) == "12" and audit.safe_cell(None) == ""
