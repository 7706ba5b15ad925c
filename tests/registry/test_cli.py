"""The command line: users, check --register, registry list/show/status/report, audit list/export, and the
role check of every write it offers (layers import/remove included)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from lukou_geo.__main__ import main
from tests.registry.helpers import counts


@pytest.fixture
def env(store_url, monkeypatch, tmp_path):
    # the GeoPackage: the default one of the data dir; PostGIS: LUKOU_STORE
    monkeypatch.setenv("LUKOU_STORE", store_url if store_url.startswith("postgresql") else "")
    monkeypatch.setenv("LUKOU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("LUKOU_USER", "ada")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(capsys, *argv, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    rc = main(list(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


def _team(capsys, monkeypatch):
    for name, role, actor in (("ada", "admin", "root"), ("cho", "checker", "ada"), ("chen", "checker", "ada"), ("vic", "viewer", "ada")):
        rc, _, err = _run(capsys, "users", "add", name, "--role", role, "--password-stdin", "--user", actor,
                          stdin=f"{name}-password\n", monkeypatch=monkeypatch)
        assert rc == 0, err


def _store():
    from lukou_geo.store import open_store

    return open_store()


def test_check_register_list_show_status_audit(env, capsys, monkeypatch):
    _team(capsys, monkeypatch)
    src = env / "p.csv"
    src.write_text("name,lon,lat,type\n测试项目,113.10,27.60,住宅\n=cmd(),113.12,27.61,物流\n", encoding="utf-8")
    rc, out, err = _run(capsys, "check", str(src), "--out", str(env / "out" / "r.csv"), "--formats", "csv", "--register",
                        "--user", "cho", "--applicant", "城投")
    assert rc == 0, err
    assert "registered as 1, 2" in err
    rc, out, _ = _run(capsys, "registry", "list", "--json")
    rows = json.loads(out)
    assert [r["name"] for r in rows] == ["=cmd()", "测试项目"] and set(rows[0]) == {
        "id", "name", "type", "verdict", "status", "town", "created", "updated", "by"}
    assert rows[0]["by"] == "cho" and rows[0]["status"] == "拟选址" and rows[0]["type"] == "物流"
    rc, out, _ = _run(capsys, "registry", "show", "1", "--json")
    p = json.loads(out)
    assert p["applicant"] == "城投" and p["source_file"] == "p.csv" and len(p["source_sha256"]) == 64
    assert p["snapshot"]["summary"]["name"] == "测试项目" and {f["name"] for f in p["reports"]} >= {"r.csv"}
    assert "plan" in p["snapshot"]["versions"]
    # a viewer is refused, on the command line as anywhere
    rc, _, err = _run(capsys, "registry", "status", "1", "核查中", "--comment", "x", "--user", "vic")
    assert rc == 2 and "浏览者" in err
    rc, _, err = _run(capsys, "registry", "status", "1", "核查中", "--comment", "not mine", "--user", "chen")
    assert rc == 2 and "cho" in err
    rc, _, err = _run(capsys, "registry", "status", "1", "核查中", "--comment", "资料齐全", "--user", "cho")
    assert rc == 0, err
    rc, out, _ = _run(capsys, "registry", "show", "1")
    assert "拟选址 → 核查中  资料齐全" in out
    rc, out, err = _run(capsys, "registry", "recheck", "1", "--user", "cho", "--json")
    assert rc == 0 and json.loads(out) == {}, err  # the same data as at registration: nothing changed
    rc, _, err = _run(capsys, "registry", "recheck", "1", "--user", "vic")
    assert rc == 2
    rc, _, _ = _run(capsys, "registry", "report", "1", "r.csv", "--out", str(env / "copy.csv"), "--user", "vic")
    assert rc == 0 and (env / "copy.csv").read_bytes() == (env / "out" / "r.csv").read_bytes()
    # the audit log: admin only; CSV formula-safe
    rc, _, err = _run(capsys, "audit", "list", "--user", "cho")
    assert rc == 2
    rc, out, _ = _run(capsys, "audit", "list", "--json", "--target", "project:1")
    acts = [e["action"] for e in json.loads(out)]
    assert acts == ["report.export", "denied", "project.recheck", "project.status", "denied", "denied", "project.register"]
    rc, _, _ = _run(capsys, "audit", "export", "--out", str(env / "audit.csv"))
    rows = list(csv.reader(io.StringIO((env / "audit.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "编号 id" and len(rows) > 8
    assert all(not c.lstrip().startswith(("=", "+", "-", "@")) for r in rows for c in r)


def test_check_register_refused_before_the_check(env, capsys, monkeypatch):
    _team(capsys, monkeypatch)
    src = env / "p.csv"
    src.write_text("name,lon,lat\nA,113.10,27.60\n", encoding="utf-8")
    before = counts(_store())
    rc, _, err = _run(capsys, "check", str(src), "--out", str(env / "out" / "r.csv"), "--formats", "csv", "--register", "--user", "vic")
    assert rc == 2 and "浏览者" in err
    assert not (env / "out" / "r.csv").exists()
    after = counts(_store())
    assert after["lk_projects"] == before["lk_projects"] == 0 and after["lk_audit"] == before["lk_audit"] + 1


@pytest.mark.parametrize("argv", [
    ("layers", "remove", "dltb", "--user", "cho"),
    ("layers", "import", "nowhere.gpkg", "--user", "vic"),
    ("users", "add", "eve", "--role", "admin", "--oidc", "--user", "cho"),
    ("users", "role", "vic", "admin", "--user", "vic"),
    ("users", "deactivate", "ada", "--user", "chen"),
    ("audit", "export", "--out", "a.csv", "--user", "cho"),
])
def test_every_cli_write_is_authorised(env, capsys, monkeypatch, argv):
    _team(capsys, monkeypatch)
    before = counts(_store())
    rc, _, err = _run(capsys, *argv)
    assert rc == 2 and "未作任何更改" in err, err
    after = counts(_store())
    assert {k: v for k, v in after.items() if k != "lk_audit"} == {k: v for k, v in before.items() if k != "lk_audit"}
    assert after["lk_audit"] == before["lk_audit"] + 1
    assert not (env / "a.csv").exists()


def test_first_admin_and_single_user_mode(env, capsys, monkeypatch):
    rc, _, err = _run(capsys, "users", "add", "cho", "--role", "checker", "--password-stdin", stdin="cho-password\n", monkeypatch=monkeypatch)
    assert rc == 2 and "admin" in err
    rc, _, err = _run(capsys, "users", "add", "ada", "--role", "admin", "--password-stdin", stdin="short\n", monkeypatch=monkeypatch)
    assert rc == 2 and "8" in err
    rc, out, _ = _run(capsys, "users", "list", "--json")
    assert json.loads(out) == []
    rc, _, err = _run(capsys, "users", "add", "ada", "--role", "admin", "--password-stdin", stdin="ada-password\n", monkeypatch=monkeypatch)
    assert rc == 0, err
    rc, out, _ = _run(capsys, "users", "list", "--json")
    assert json.loads(out) == [{"name": "ada", "display": "ada", "role": "admin", "active": True, "oidc": False}]


def test_a_corrupted_store_is_a_clear_message(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LUKOU_STORE", "")
    monkeypatch.setenv("LUKOU_DATA_DIR", str(tmp_path))
    (tmp_path / "store.gpkg").write_bytes(b"not a database" * 400)
    for argv in (("registry", "list"), ("users", "list"), ("registry", "status", "1", "核查中", "--comment", "x")):
        rc, _, err = _run(capsys, *argv)
        assert rc == 2 and "无法打开图层存储" in err and "Traceback" not in err


def test_check_register_of_several_inputs_keeps_each_projects_own_source(env, capsys, monkeypatch):
    """check A B --register: each project records its own file, sha256 and the CRS assumed for it."""
    import hashlib

    _team(capsys, monkeypatch)
    a, b = env / "a.csv", env / "b.csv"
    a.write_text("name,lon,lat\n甲,113.10,27.60\n", encoding="utf-8")
    b.write_text("name,x,y\n乙,38404640.0,3053730.0\n", encoding="utf-8")  # GK zone 38 with the zone prefix
    rc, _, err = _run(capsys, "check", str(a), str(b), "--crs", "auto:gcj02", "--out", str(env / "out" / "r.csv"),
                      "--formats", "csv", "--register", "--user", "cho")
    assert rc == 0, err
    shown = {}
    for pid in (1, 2):
        rc, out, _ = _run(capsys, "registry", "show", str(pid), "--json")
        p = json.loads(out)
        shown[p["name"]] = p
    assert shown["甲"]["source_file"] == "a.csv" and shown["乙"]["source_file"] == "b.csv"
    assert shown["甲"]["source_sha256"] == hashlib.sha256(a.read_bytes()).hexdigest()
    assert shown["乙"]["source_sha256"] == hashlib.sha256(b.read_bytes()).hexdigest()
    assert "高德" in shown["甲"]["source_crs"]  # the lon/lat source chosen, not the argument "auto:gcj02"
    assert "带号" in shown["乙"]["source_crs"] or "4526" in shown["乙"]["source_crs"], shown["乙"]["source_crs"]
