"""lukou_geo.sitecheck.report.export_all: a report is written as one set or not at all; the document worker."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from lukou_geo.errors import LukouError
from lukou_geo.sitecheck import report
from lukou_geo.sitecheck.report import ReportError, export_all, manifest_path
from lukou_geo.sitecheck.report.worker import DocumentWorker

FILES = ["r.xlsx", "r.csv", "r_zones.csv", "r.geojson", "r.html", "r.pdf"]


def _old_report(folder: Path) -> dict[str, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    old = {name: f"old {name}".encode() for name in FILES}
    for name, data in old.items():
        (folder / name).write_bytes(data)
    return old


def test_every_file_and_a_manifest_of_them(checked, tmp_path: Path) -> None:
    ctx, res = checked
    written = export_all(res, ctx, tmp_path / "out" / "r.xlsx")
    assert sorted(p.name for p in written) == sorted(FILES)
    man = json.loads(manifest_path(tmp_path / "out" / "r.xlsx").read_text(encoding="utf-8"))
    assert {e["file"] for e in man["files"]} == set(FILES)
    for e in man["files"]:
        data = (tmp_path / "out" / e["file"]).read_bytes()
        assert e["bytes"] == len(data) and e["sha256"] == hashlib.sha256(data).hexdigest()
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".report-")]  # no staging left


def test_a_failed_writer_leaves_the_earlier_report_as_it_was(checked, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx, res = checked
    out = tmp_path / "out"
    old = _old_report(out)

    def full_disk(*_a, **_k):
        raise OSError(28, "No space left on device", "r.pdf")

    monkeypatch.setattr("lukou_geo.sitecheck.report.document.export_pdf", full_disk)
    with pytest.raises(ReportError) as err:
        export_all(res, ctx, out / "r.xlsx")
    assert "r.pdf" in err.value.message("zh") and "No space left" in err.value.message("en")
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == old  # nothing replaced, nothing added
    assert not [p for p in out.iterdir() if p.name.startswith(".report-")]


def test_an_interrupted_commit_leaves_no_manifest(checked, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed while the files are moved into place: the set may be mixed, but it has no manifest,
    so it reads as incomplete (the previous manifest is removed before the first move)."""
    ctx, res = checked
    out = tmp_path / "out"
    export_all(res, ctx, out / "r.xlsx")
    assert manifest_path(out / "r.xlsx").exists()
    real, moved = os.replace, []

    def dying_replace(src, dst):
        if moved:
            raise KeyboardInterrupt  # the process dies after the first move
        moved.append(dst)
        real(src, dst)

    monkeypatch.setattr(report.os, "replace", dying_replace)
    with pytest.raises(KeyboardInterrupt):
        export_all(res, ctx, out / "r.xlsx")
    assert not manifest_path(out / "r.xlsx").exists()


def test_the_worker_writes_the_same_documents(checked, tmp_path: Path) -> None:
    ctx, res = checked
    export_all(res, ctx, tmp_path / "here" / "r.xlsx", ("xlsx", "html", "pdf"))
    with DocumentWorker() as worker:
        assert worker._proc is not None and worker._proc.is_alive()  # a second process
        export_all(res, ctx, tmp_path / "there" / "r.xlsx", ("xlsx", "html", "pdf"), documents=worker)
    # the worker wrote the XLSX: the same sheets and cells (but the time of writing, which may differ by a minute)
    assert _cells(tmp_path / "here" / "r.xlsx") == _cells(tmp_path / "there" / "r.xlsx")
    here, there = (tmp_path / "here" / "r.html").read_text(encoding="utf-8"), (tmp_path / "there" / "r.html").read_text(encoding="utf-8")
    cut = here.index("生成时间")  # the time of writing may differ by a minute
    assert here[:cut] == there[:cut] and here[cut + 30 :] == there[cut + 30 :]
    # the PDF is written here with the maps the worker drew and sent back: same pages, text and images
    from pypdf import PdfReader

    a, b = (PdfReader(tmp_path / d / "r.pdf") for d in ("here", "there"))
    assert len(a.pages) == len(b.pages) > 1
    for pa, pb in zip(a.pages, b.pages, strict=True):
        ta, tb = pa.extract_text(), pb.extract_text()
        assert ta.split("生成时间")[0] == tb.split("生成时间")[0]
        assert [i.data for i in pa.images] == [i.data for i in pb.images]
    assert sum(len(p.images) for p in b.pages) >= 2  # the overview and the project's map


def test_a_dead_worker_falls_back_to_writing_here(checked, tmp_path: Path) -> None:
    ctx, res = checked
    with DocumentWorker() as worker:
        worker._proc.kill()
        worker._proc.join()
        written = export_all(res, ctx, tmp_path / "r.xlsx", ("xlsx", "html", "pdf"), documents=worker)
    assert [p.suffix for p in written] == [".xlsx", ".html", ".pdf"] and all(p.stat().st_size > 1000 for p in written)
    assert written[2].read_bytes()[:5] == b"%PDF-" and written[0].read_bytes()[:2] == b"PK"


def test_a_worker_error_is_a_message(checked, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx, res = checked

    def broken(*_a, **_k):
        raise ValueError("the renderer failed")

    monkeypatch.setattr("lukou_geo.sitecheck.report.document.export_html", broken)  # the worker is forked after this
    with DocumentWorker() as worker, pytest.raises(LukouError) as err:
        export_all(res, ctx, tmp_path / "r.xlsx", ("html",), documents=worker)
    assert "the renderer failed" in err.value.message("en")
    assert not (tmp_path / "r.html").exists()


def _cells(path: Path) -> dict[str, list[list[object]]]:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    return {name: [[c.value for c in row] for row in wb[name].iter_rows() if "生成时间" not in str(row[0].value)]
            for name in wb.sheetnames}
