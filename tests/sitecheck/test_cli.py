"""``python -m lukou_geo check``: the batch CLI writes every report file and reports bad rows."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from lukou_geo.__main__ import main
from lukou_geo.settings import REPO_ROOT


def test_cli_check_csv_and_txt(tmp_path: Path, capsys) -> None:
    csv = tmp_path / "projects.csv"
    csv.write_text("名称,经度,纬度,类型\n南洲厂房,113.1475,27.605,新材料\n坏行,1131.37,27.7,住宅\n", encoding="gbk")
    txt = tmp_path / "pts.txt"
    txt.write_text("113.13,27.70\n", encoding="utf-8")
    rc = main(["check", str(csv), str(txt), "--out", str(tmp_path / "out" / "report.xlsx"), "--type", "住宅"])
    _out, err = capsys.readouterr()
    assert rc == 0
    for suffix in (".xlsx", ".csv", ".geojson", ".html", ".pdf"):
        assert (tmp_path / "out" / f"report{suffix}").is_file()
    assert (tmp_path / "out" / "report_zones.csv").is_file()
    assert "第3行 经度" in err and "1131.37" in err
    assert "符合" in err


def test_cli_bad_file_exit_code(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "x.doc"
    bad.write_text("x")
    assert main(["check", str(bad), "--out", str(tmp_path / "r.xlsx")]) == 2
    assert "不支持的文件类型" in capsys.readouterr().err


def test_cli_runs_as_module(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("lng,lat\n113.1475,27.605\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "lukou_geo", "check", str(f), "--out", str(tmp_path / "r.xlsx"), "--formats", "xlsx,csv",
                        "--crs", "wgs84"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "r.xlsx").is_file() and (tmp_path / "r.csv").is_file()


def test_cli_as_module_keeps_its_exit_code_and_messages(tmp_path: Path) -> None:
    """``check`` leaves without the interpreter's teardown (lukou_geo.__main__._exit): the exit code and
    every line written to stdout/stderr still arrive."""
    bad = tmp_path / "x.doc"
    bad.write_text("x")
    r = subprocess.run([sys.executable, "-m", "lukou_geo", "check", str(bad), "--out", str(tmp_path / "r.xlsx")],
                       cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "不支持的文件类型" in r.stderr and "没有可核查的项目" in r.stderr
    f = tmp_path / "a.csv"
    f.write_text("lng,lat\n113.1475,27.605\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "lukou_geo", "check", str(f), "--out", str(tmp_path / "o" / "r.xlsx"),
                        "--crs", "wgs84"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1].endswith("r.pdf") and "结论 verdicts" in r.stderr  # the last lines, flushed
    assert (tmp_path / "o" / "r.manifest.json").is_file()


def test_killing_the_cli_while_it_writes_keeps_the_earlier_report(tmp_path: Path) -> None:
    """SIGKILL during the second run (once its staging folder holds a file): the first report is intact."""
    import hashlib
    import json
    import os
    import signal
    import time

    csv = tmp_path / "projects.csv"
    csv.write_text("名称,经度,纬度,类型\n南洲厂房,113.1475,27.605,新材料\n", encoding="utf-8")
    out = tmp_path / "out" / "report.xlsx"
    cmd = [sys.executable, "-m", "lukou_geo", "check", str(csv), "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    assert subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True).returncode == 0
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.parent.iterdir() if p.is_file()}
    manifest = json.loads(out.with_suffix(".manifest.json").read_text(encoding="utf-8"))
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 600
    while time.time() < deadline and proc.poll() is None:
        if any(any(d.iterdir()) for d in out.parent.glob(".report-*") if d.is_dir()):
            break
        time.sleep(0.02)
    if proc.poll() is not None:
        import pytest

        pytest.skip("the run finished before a file was staged")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.parent.iterdir() if p.is_file()}
    assert after == before
    assert json.loads(out.with_suffix(".manifest.json").read_text(encoding="utf-8")) == manifest
    # the report worker the killed run forked does not outlive it (it held the pipe's other end and waited for ever)
    deadline = time.time() + 30
    while time.time() < deadline and _processes_naming(str(csv)):
        time.sleep(0.2)
    assert _processes_naming(str(csv)) == []


def _processes_naming(arg: str) -> list[int]:
    """The live processes whose command line holds ``arg`` (Linux /proc)."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                state = (d / "stat").read_bytes().rsplit(b") ", 1)[1][:1]  # Z: exited, not yet reaped
                if arg.encode() in (d / "cmdline").read_bytes() and state != b"Z":
                    out.append(int(d.name))
            except OSError:
                continue
    return out


def test_cli_reads_coordinate_lines_as_points_unless_told(tmp_path: Path, capsys) -> None:
    """Issue 14.13: ``--coords-as polygon`` (alias ``--paste-as``) makes a coordinate TXT's lines one red line."""
    import pandas as pd

    from lukou_geo.sitecheck.cli import add_check_parser
    from lukou_geo.sitecheck.inputs.coords import SHAPES

    txt = tmp_path / "corners.txt"
    txt.write_text("113.14,27.60\n113.15,27.60\n113.15,27.61\n113.14,27.61\n", encoding="utf-8")
    base = ["check", str(txt), "--formats", "csv", "--crs", "wgs84"]
    assert main([*base, "--out", str(tmp_path / "a" / "r.xlsx")]) == 0
    assert "corners.txt: 4 个项目" in capsys.readouterr().err
    assert main([*base, "--out", str(tmp_path / "b" / "r.xlsx"), "--coords-as", "polygon"]) == 0
    assert "corners.txt: 1 个项目" in capsys.readouterr().err
    assert main([*base, "--out", str(tmp_path / "c" / "r.xlsx"), "--paste-as", "line"]) == 0
    assert len(pd.read_csv(tmp_path / "c" / "r.csv")) == 1
    parser = argparse.ArgumentParser()
    add_check_parser(parser.add_subparsers())
    check = parser._subparsers._group_actions[0].choices["check"]
    assert next(a.choices for a in check._actions if a.dest == "coords_as") == SHAPES  # the CLI's choices are the reader's
