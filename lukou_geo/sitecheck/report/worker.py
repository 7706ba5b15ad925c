"""A second process that writes the HTML and PDF reports while the first one checks.

The documents need matplotlib (maps) and fpdf2 (PDF), about 1.4 s of imports before anything is
drawn, and drawing; the check needs GeoPandas, the inputs and the context. The CLI starts this
worker (``fork``) before its own heavy imports, so the worker imports and builds its context on the
other core while the first process imports, reads and checks; then it receives the result and
the check context (pickled: a few hundred KB), draws the maps and writes the files into the
report's staging folder. Without ``fork`` (or if the worker dies) the
documents are written in the first process as before: same files.
"""

from __future__ import annotations

import multiprocessing as mp
import pickle
import traceback
from pathlib import Path
from typing import Any

from lukou_geo.errors import LukouError


def _serve(conn: Any) -> None:
    """The worker: warm up, then write one job's documents and report back."""
    try:
        # the slow imports, done while the first process checks: fpdf2 and matplotlib (through the map
        # renderer), which document.py loads lazily, and GeoPandas to unpickle the result
        import fpdf  # noqa: F401
        import geopandas  # noqa: F401

        import lukou_geo.map.figure  # noqa: F401
        from lukou_geo.sitecheck.report import (
            document,  # noqa: F401
            write_documents,
        )

        job = conn.recv()
        if job is None:
            return
        result, ctx, files, title = pickle.loads(job)
        write_documents(result, ctx, files, title)
        conn.send(("ok", ""))
    except BaseException as exc:
        msg = exc.message("zh") if isinstance(exc, LukouError) else "".join(traceback.format_exception_only(exc)).strip()
        try:
            conn.send(("error", msg))
        except OSError:
            pass
    finally:
        conn.close()


class _Pending:
    def __init__(self, worker: DocumentWorker) -> None:
        self.worker = worker

    def wait(self) -> None:
        self.worker._wait()


class DocumentWorker:
    """Writes a report's documents in a forked process; use as a context manager."""

    def __init__(self) -> None:
        self._conn: Any = None
        self._proc: Any = None
        self._fallback: tuple[Any, Any, dict[str, Path], str] | None = None

    def __enter__(self) -> DocumentWorker:
        try:
            ctx = mp.get_context("fork")
        except ValueError:  # no fork on this platform: the documents are written in-process
            return self
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child,), daemon=True)
        self._proc.start()
        child.close()
        return self

    def submit(self, result: Any, ctx: Any, files: dict[str, Path], title: str) -> _Pending:
        """Hand a job over (returns at once); :meth:`_Pending.wait` waits for the files."""
        self._fallback = (result, ctx, files, title)
        if self._proc is not None:
            try:
                self._conn.send(pickle.dumps((result, ctx, files, title), protocol=pickle.HIGHEST_PROTOCOL))
            except OSError:  # the worker died before the job: write here
                self._stop()
        return _Pending(self)

    def _wait(self) -> None:
        reply = None
        if self._proc is not None:
            try:
                reply = self._conn.recv()
            except (EOFError, OSError):
                reply = None
        if reply is not None and reply[0] == "error":
            raise LukouError(f"报告文档未写成:{reply[1]}", f"the report documents were not written: {reply[1]}")
        if reply is None and self._fallback is not None:  # no worker, or it died: same files, here
            from lukou_geo.sitecheck.report import write_documents

            result, ctx, files, title = self._fallback
            write_documents(result, ctx, files, title)
        self._fallback = None

    def _stop(self) -> None:
        if self._proc is not None:
            if self._proc.is_alive():
                try:
                    self._conn.send(None)
                except OSError:
                    pass
            self._proc.join(timeout=5)
            if self._proc.is_alive():
                self._proc.terminate()
            self._conn.close()
            self._proc = None

    def __exit__(self, *exc: object) -> None:
        self._stop()
