"""Writing the site check's reports: tables (:mod:`.tables`: XLSX, CSV, GeoJSON) and documents
(:mod:`.document`: HTML, PDF, with map images drawn once for both).

A report is written **atomically as a set**: every file goes to a staging folder beside the
target, and only when all are written are they moved into place (``os.replace``, one rename per
file on the same file system), after the previous set's manifest is removed; the manifest
``<stem>.manifest.json`` (files, sizes, sha256, time) is written last. So a failed or killed run
never destroys an earlier report, and a set of files without its manifest is recognisably
incomplete. The maps and the HTML may be drawn by a :class:`~.worker.DocumentWorker` (a second process
the CLI starts before its heavy imports), the PDF then written here with its maps.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from lukou_geo.errors import LukouError

FORMATS = ("xlsx", "csv", "geojson", "html", "pdf")
DOCUMENTS = ("html", "pdf")
#: the tables a :class:`~.worker.DocumentWorker` writes after its maps and the HTML: the XLSX (openpyxl's
#: import and the workbook, ≈ 0.6 s, while this process writes the PDF; one-point CLI, medians of 9
#: interleaved: 3.64 s against 3.94 s with the XLSX written here)
WORKER_TABLES = ("xlsx",)
#: written on request: the 审查意见 (DOCX + PDF, :mod:`.opinion`) of a check against imported layers
EXTRA_FORMATS = ("opinion",)


class ReportError(LukouError, OSError):
    """A report could not be written; the message names the file and the cause. Earlier reports are intact."""


def report_files(out: str | Path, formats: tuple[str, ...]) -> dict[str, list[Path]]:
    """The files each format writes next to ``out`` (its stem names them)."""
    unknown = [f for f in formats if f not in FORMATS + EXTRA_FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r}; choose from {', '.join(FORMATS + EXTRA_FORMATS)}")
    out = Path(out)
    stem = out.with_suffix("") if out.suffix else out
    files = {f: [stem.with_suffix(f".{f}")] for f in formats}
    if "csv" in files:
        files["csv"].append(stem.parent / (stem.name + "_zones.csv"))
    if "opinion" in files:
        files["opinion"] = [stem.parent / (stem.name + "_opinion.docx"), stem.parent / (stem.name + "_opinion.pdf")]
    return files


def manifest_path(out: str | Path) -> Path:
    out = Path(out)
    stem = out.with_suffix("") if out.suffix else out
    return stem.parent / (stem.name + ".manifest.json")


def write_tables(result: Any, fmt: str, paths: list[Path], title: str) -> None:
    from lukou_geo.sitecheck.report.tables import export_csv, export_geojson, export_xlsx

    if fmt == "xlsx":
        export_xlsx(result, paths[0], title)
    elif fmt == "csv":
        export_csv(result, paths[0])
        export_csv(result, paths[1], "zones")
        if len(paths) > 2:
            from lukou_geo.sitecheck.report.occupancy_tables import export_classes_csv

            export_classes_csv(result, paths[2])
    else:
        export_geojson(result, paths[0])


def write_documents(result: Any, ctx: Any, files: dict[str, Path], title: str) -> None:
    """The HTML and/or PDF (``files``: format → path), the maps drawn once for both."""
    from lukou_geo.sitecheck.report.document import export_html, export_pdf, report_maps

    maps = report_maps(result, ctx)
    if "html" in files:
        export_html(result, ctx, files["html"], title, maps=maps)
    if "pdf" in files:
        export_pdf(result, ctx, files["pdf"], title, maps=maps)


def _documents_with(pending: Any, result: Any, ctx: Any, docs: dict[str, Path], title: str,
                    there: dict[str, list[Path]]) -> None:
    """The documents of a job handed to a worker: it draws the maps and writes the HTML and the tables
    ``there``; the PDF is written here with its maps (fpdf2 loads and the first page is laid out while
    the worker draws). A worker that died: everything here."""
    if "pdf" in docs:
        from lukou_geo.sitecheck.report.document import export_pdf

        export_pdf(result, ctx, docs["pdf"], title, maps=pending.maps)  # maps=None (no worker): drawn there
    if not pending.wait():  # the worker is gone: the PDF is written (with maps drawn there if none came), the rest here
        rest = {f: p for f, p in docs.items() if f != "pdf"}
        if rest:
            write_documents(result, ctx, rest, title)
        for f, paths in there.items():
            write_tables(result, f, paths, title)


def _staged(stage: Path, final: Path) -> Path:
    return stage / final.name


def _commit(stage: Path, finals: list[Path], manifest: Path) -> None:
    """Move the staged files into place, the manifest last (the old one first removed)."""
    entries = []
    for p in finals:
        data = _staged(stage, p).read_bytes()
        entries.append({"file": p.name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    manifest.unlink(missing_ok=True)
    for p in finals:
        os.replace(_staged(stage, p), p)
    body = {"written": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "files": entries}
    tmp = stage / manifest.name
    tmp.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, manifest)


def export_all(result: Any, ctx: Any, out: str | Path, formats: tuple[str, ...] = FORMATS, title: str = "选址核查报告",
               documents: Any = None) -> list[Path]:
    """Write every format next to ``out`` as one set (see the module docstring); return the paths.

    ``documents``: a started :class:`~.worker.DocumentWorker` to write the HTML and PDF in parallel
    with the tables (else they are written here). Raises :class:`ReportError` naming what could not
    be written; nothing of an earlier report is lost then.
    """
    files = report_files(out, formats)
    if "csv" in files and getattr(result, "occupancy", None) is not None:
        files["csv"].append(files["csv"][0].parent / (files["csv"][0].stem + "_classes.csv"))
    finals = [p for f in formats for p in files[f]]
    target = finals[0].parent
    try:
        target.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".report-", dir=target))
    except OSError as exc:
        raise ReportError(f"报告目录 {target} 无法写入:{exc.strerror or exc}。换一个可写的 --out 目录",
                          f"cannot write the report folder {target}: {exc.strerror or exc}. Choose a writable --out folder") from exc
    try:
        docs = {f: _staged(stage, files[f][0]) for f in DOCUMENTS if f in files}
        pending, there = None, {}
        if documents is not None and docs:
            there = {f: [_staged(stage, p) for p in files[f]] for f in WORKER_TABLES if f in files}
            pending = documents.submit(result, ctx, docs.get("html"), title, there)
        for f in formats:
            if f in EXTRA_FORMATS:
                from lukou_geo.sitecheck.report.opinion import export_opinion

                export_opinion(result, ctx, *[_staged(stage, p) for p in files[f]], title=title)
            elif f not in DOCUMENTS and f not in there:
                write_tables(result, f, [_staged(stage, p) for p in files[f]], title)
        if pending is not None:
            _documents_with(pending, result, ctx, docs, title, there)
        elif docs:
            write_documents(result, ctx, docs, title)
        _commit(stage, finals, manifest_path(out))
    except OSError as exc:
        name = getattr(exc, "filename", None) or target
        raise ReportError(f"报告未写成({name}:{exc.strerror or exc});此前的报告未被改动。检查磁盘空间和写权限后重试",
                          f"the report was not written ({name}: {exc.strerror or exc}); earlier reports are untouched. "
                          "Check the disk space and permissions, then run again") from exc
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return finals
