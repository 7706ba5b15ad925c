"""The register on both stores: registration with its snapshot, listing with filters and pages, the
status workflow with its history, who may change what, and refusals that change nothing."""

from __future__ import annotations

import pytest

from lukou_geo.errors import AccessError, RegistryError
from lukou_geo.registry import audit, records
from tests.registry.helpers import counts, result, team


def _register(store, user="cho", n=1, **kw):
    return records.register_check(store, user, result(n, **kw), source_file=__file__, source_crs="EPSG:4490",
                                  applicant="渌口区城投", versions={"plan": {"zones": "abc"}, "store": {}})


def test_register_keeps_the_project_its_snapshot_and_provenance(store, tmp_path):
    team(store)
    report = tmp_path / "r.csv"
    report.write_text("a,b\n1,2\n", encoding="utf-8")
    ids = records.register_check(store, "cho", result(2), source_file=__file__, source_crs="EPSG:4490", applicant="城投",
                                 versions={"plan": {"zones": "abc"}}, reports=[report])
    assert len(ids) == 2
    p = records.show_project(store, ids[0])
    assert (p["name"], p["type"], p["town"], p["verdict"], p["status"], p["by"]) == ("项目1", "住宅", "渌口镇", "符合", "拟选址", "cho")
    assert p["applicant"] == "城投" and p["source_crs"] == "EPSG:4490" and len(p["source_sha256"]) == 64
    assert p["geometry"]["type"] == "Polygon"
    assert p["snapshot"]["summary"]["project_no"] == 1 and p["snapshot"]["zones"][0]["zone"] == "城镇发展区"
    assert p["snapshot"]["versions"] == {"plan": {"zones": "abc"}}
    assert p["history"][0]["to"] == "拟选址" and p["history"][0]["user"] == "cho"
    assert p["reports"] == [{"check": 1, "name": "r.csv", "sha256": p["reports"][0]["sha256"], "bytes": 8}]
    assert records.report_file(store, "vic", ids[0], "r.csv") == b"a,b\n1,2\n"
    assert [e["action"] for e in audit.entries(store, audit.AuditFilter(target=f"project:{ids[0]}"))] == ["report.export", "project.register"]


def test_status_workflow_with_history(store):
    team(store)
    (pid,) = _register(store)
    records.set_status(store, "cho", pid, "核查中", "资料齐全,开始核查")
    records.set_status(store, "cho", pid, "已出具意见", "意见已出具")
    with pytest.raises(RegistryError, match="已批复"):
        records.set_status(store, "cho", pid, "拟选址", "back")
    records.set_status(store, "ada", pid, "已批复", "批复文号 渌政〔2026〕1号")
    with pytest.raises(RegistryError, match="closed"):
        records.set_status(store, "ada", pid, "不予通过", "too late")
    p = records.show_project(store, pid)
    assert [(h["from"], h["to"], h["user"]) for h in p["history"]] == [
        (None, "拟选址", "cho"), ("拟选址", "核查中", "cho"), ("核查中", "已出具意见", "cho"), ("已出具意见", "已批复", "ada")]
    assert p["history"][-1]["comment"] == "批复文号 渌政〔2026〕1号" and p["updated_by"] == "ada" and p["next_statuses"] == []
    entries = audit.entries(store, audit.AuditFilter(action="project.status", target=f"project:{pid}"))
    assert [e["detail"]["to"] for e in entries] == ["已批复", "已出具意见", "核查中"]


def test_a_status_change_needs_a_comment_and_a_known_status(store):
    team(store)
    (pid,) = _register(store)
    with pytest.raises(RegistryError, match="comment"):
        records.set_status(store, "cho", pid, "核查中", "  ")
    with pytest.raises(RegistryError, match="invalid status"):
        records.set_status(store, "cho", pid, "done", "x")
    with pytest.raises(RegistryError, match="no project 999"):
        records.set_status(store, "cho", 999, "核查中", "x")
    assert records.show_project(store, pid)["status"] == "拟选址"


@pytest.mark.parametrize("who", ["vic", "chen", None, "ghost"])
def test_refused_status_changes_change_nothing(store, who):
    team(store)
    (pid,) = _register(store)
    before = counts(store)
    with pytest.raises(AccessError, match="Nothing was changed"):
        records.set_status(store, who, pid, "核查中", "mine now")
    after = counts(store)
    assert {k: v for k, v in after.items() if k != "lk_audit"} == {k: v for k, v in before.items() if k != "lk_audit"}
    assert after["lk_audit"] == before["lk_audit"] + 1
    assert audit.entries(store, limit=1)[0]["action"] == "denied"
    p = records.show_project(store, pid)
    assert p["status"] == "拟选址" and len(p["history"]) == 1


@pytest.mark.parametrize("who", ["vic", None, "ghost"])
def test_refused_registrations_change_nothing(store, who):
    team(store)
    before = counts(store)
    with pytest.raises(AccessError):
        _register(store, who, n=3)
    after = counts(store)
    assert after["lk_projects"] == before["lk_projects"] == 0 and after["lk_project_history"] == 0
    assert after["lk_audit"] == before["lk_audit"] + 1


def test_list_filters_and_pages(store):
    team(store)
    _register(store, "cho", n=3, verdict="符合", town="渌口镇", ptype="住宅")
    _register(store, "chen", n=2, name="物流园", verdict="不符合", town="南洲镇", ptype="物流")
    (last,) = _register(store, "cho", n=1, name="龙门", verdict="需关注", town="龙船镇", ptype="新材料")
    records.set_status(store, "cho", last, "核查中", "go")
    rows, total = records.list_projects(store)
    assert total == 6 and rows[0]["id"] == last and list(rows[0]) == list(records.LIST_COLUMNS)
    assert rows[0]["status"] == "核查中" and rows[0]["by"] == "cho"
    F = records.ProjectFilter
    assert records.list_projects(store, F(verdict="不符合"))[1] == 2
    assert records.list_projects(store, F(town="渌口镇", ptype="住宅"))[1] == 3
    assert records.list_projects(store, F(status="核查中"))[0][0]["name"] == "龙门1"
    assert records.list_projects(store, F(text="物流"))[1] == 2
    assert records.list_projects(store, F(text="城投"))[1] == 6  # the applicant
    assert records.list_projects(store, F(by="chen"))[1] == 2
    assert records.list_projects(store, F(created_from="2000-01-01", created_to="2000-01-02"))[1] == 0
    page1, _ = records.list_projects(store, offset=0, limit=4, order="id")
    page2, _ = records.list_projects(store, offset=4, limit=4, order="id")
    assert [r["id"] for r in page1 + page2] == sorted(r["id"] for r in rows)
    with pytest.raises(RegistryError):
        records.list_projects(store, order="name; DROP TABLE lk_projects")
    with pytest.raises(RegistryError):
        records.list_projects(store, limit=0)
    f = records.facets(store)
    assert f["status"] == sorted(["拟选址", "核查中"]) and "南洲镇" in f["town"]


def test_other_users_see_each_others_projects(store_url):
    """Two planners, two connections (two store objects) to one store."""
    from lukou_geo.store import open_store

    with open_store(store_url) as a, open_store(store_url) as b:
        team(a)
        (pid,) = _register(a, "cho")
        rows, _ = records.list_projects(b)
        assert [r["id"] for r in rows] == [pid]
        with pytest.raises(AccessError, match="belongs to 'cho'"):
            records.set_status(b, "chen", pid, "核查中", "not mine")
        records.set_status(b, "ada", pid, "核查中", "admin takes it")
        assert records.show_project(a, pid)["status"] == "核查中"


def test_recheck_keeps_the_previous_check_and_says_what_changed(store):
    team(store)
    (pid,) = _register(store)
    assert records.recheck(store, "cho", pid, result(1), versions={"plan": {"zones": "abc"}, "store": {}}) == {}
    new = result(1, verdict="不符合", town="南洲镇")
    new.zones.loc[0, "share"] = 0.75
    changed = records.recheck(store, "cho", pid, new, versions={"plan": {"zones": "def"}, "store": {}})
    assert changed["verdict"] == {"from": "符合", "to": "不符合"} and changed["township"] == {"from": "渌口镇", "to": "南洲镇"}
    assert changed["zones"]["share"] == {"/城镇发展区": {"from": 0.5, "to": 0.75}}
    assert changed["versions"] == {"plan": {"zones": {"from": "abc", "to": "def"}}}
    p = records.show_project(store, pid)
    assert (p["verdict"], p["town"], p["checks"], p["status"]) == ("不符合", "南洲镇", 3, "拟选址")
    assert p["history"][-1]["action"] == "recheck" and p["history"][-1]["detail"]["previous"]["summary"]["verdict"] == "符合"
    with pytest.raises(AccessError):
        records.recheck(store, "chen", pid, new)
    assert records.show_project(store, pid)["checks"] == 3
