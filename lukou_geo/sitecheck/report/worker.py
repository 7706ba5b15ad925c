"""A second process that draws the report's maps and writes its HTML while the first one checks.

The maps need matplotlib, about 0.5 s of imports before anything is drawn, and drawing; the check
needs GeoPandas, the inputs and the context. The CLI imports GeoPandas (which both need) and then
starts this worker (``fork``), so the worker imports matplotlib on the other core while the first
process reads and checks; then it receives the result (what it uses, repeated texts once: :func:`pack_result`; 150 MB for
200,000 projects, 760 MB whole) and the check context (pickled), draws the
maps, **sends them back**, then writes the HTML and the XLSX into the report's staging folder. The first
process meanwhile writes the CSV and GeoJSON, loads fpdf2 and writes the PDF with those maps: the two processes then
finish about together (a one-point check: the worker drew and wrote everything, and was the longer
path by ≈ 1 s). Without ``fork`` (or if the worker dies) everything is written in the first process:
same files.
"""

from __future__ import annotations

import multiprocessing as mp
import pickle
import threading
import traceback
from pathlib import Path
from typing import Any

from lukou_geo.errors import LukouError


def _serve(conn: Any, parent_end: Any = None) -> None:
    """The worker: warm up, then draw one job's maps (sent back) and write its HTML and tables."""
    if parent_end is not None:
        # the fork copied the first process's end of the pipe: closed here, so that when the first process
        # dies (killed) the pipe ends and recv() below raises EOFError, instead of this worker waiting for ever
        parent_end.close()
    try:
        # the slow imports, done while the first process checks: matplotlib (through the map renderer),
        # which document.py loads lazily, and GeoPandas to unpickle the result
        import geopandas  # noqa: F401

        import lukou_geo.map.figure  # noqa: F401
        from lukou_geo.sitecheck.report import document

        job = conn.recv()
        if job is None:
            return
        packed, ctx, html, tables, title = pickle.loads(job)
        result = unpack_result(packed)
        maps = document.report_maps(result, ctx)
        conn.send(("maps", pickle.dumps(maps, protocol=pickle.HIGHEST_PROTOCOL)))
        if html is not None:
            document.export_html(result, ctx, html, title, maps=maps)
        from lukou_geo.sitecheck.report import write_tables

        for fmt, paths in tables.items():
            write_tables(result, fmt, paths, title)
        conn.send(("ok", ""))
    except BaseException as exc:
        msg = exc.message("zh") if isinstance(exc, LukouError) else "".join(traceback.format_exception_only(exc)).strip()
        try:
            conn.send(("error", msg))
        except OSError:
            pass
    finally:
        conn.close()


#: the zone rows' columns the worker's documents use beyond the report's (the maps find the zones by id)
_WORKER_ZONE_EXTRA = ("zone_id",)


def _pack_frame(df: Any, keep: Any) -> tuple[Any, dict[str, Any]]:
    """``df``'s columns ``keep`` for the pipe: a text column that repeats its texts as its distinct texts and
    the codes of its rows (rebuilt by :func:`_unpack_frame`), so a text is pickled once, not once per row."""
    import numpy as np
    import pandas as pd

    from lukou_geo.output.sinks import texts_repeat

    frame = df[[c for c in df.columns if c in keep]]
    packed: dict[str, Any] = {}
    for c in frame.columns:
        col = frame[c]
        text = pd.api.types.is_string_dtype(col) and not isinstance(col.dtype, pd.CategoricalDtype)
        if not text or len(col) < 1000 or not texts_repeat(col.to_numpy()):
            continue
        codes, uniques = pd.factorize(col)
        plain = isinstance(col.dtype, np.dtype)  # object (a str dtype's kind is "O" too)
        if plain and (codes < 0).any():  # None and NaN are both -1: kept as they are
            continue
        packed[c] = (col.dtype, codes.astype("int32"), list(uniques) if plain else uniques)
    return frame.drop(columns=list(packed)), packed


def _unpack_frame(frame: Any, packed: dict[str, Any], order: list[str]) -> Any:
    import numpy as np
    import pandas as pd

    out = frame.copy()
    for c, (dtype, codes, uniques) in packed.items():
        if isinstance(dtype, np.dtype):
            table = np.empty(len(uniques), dtype=object)
            table[:] = uniques
            out[c] = pd.Series(table[codes], index=out.index, dtype=object)  # not inferred as str
        else:
            out[c] = pd.array(uniques, dtype=dtype).take(codes, allow_fill=True)
    return out[order]


def pack_result(result: Any) -> Any:
    """What the worker needs of a check result (the Chinese reports' columns, the projects' geometries),
    with repeated texts sent once: a 200,000-project result is ≈ 760 MB pickled whole."""
    import copy

    from lukou_geo.sitecheck.check import SUMMARY_COLUMNS, ZONE_COLUMNS

    out = copy.copy(result)
    keep_z = (*ZONE_COLUMNS, *_WORKER_ZONE_EXTRA)
    out.summary = (_pack_frame(result.summary, SUMMARY_COLUMNS), [c for c in result.summary.columns if c in SUMMARY_COLUMNS])
    out.zones = (_pack_frame(result.zones, keep_z), [c for c in result.zones.columns if c in keep_z])
    out.projects = result.projects[[result.projects.geometry.name]]
    return out


def unpack_result(packed: Any) -> Any:
    """The result :func:`pack_result` packed, its frames rebuilt (the same values and types)."""
    out = packed
    (frame, cols), order = out.summary
    out.summary = _unpack_frame(frame, cols, order)
    (frame, cols), order = out.zones
    out.zones = _unpack_frame(frame, cols, order)
    return out


class Pending:
    """A job handed to the worker: :meth:`maps` (the drawn maps, or None when the worker is gone) and
    :meth:`wait` (the HTML written)."""

    def __init__(self, worker: DocumentWorker, sender: threading.Thread | None) -> None:
        self.worker, self.sender = worker, sender
        self._maps: Any = None
        self._got_maps = False

    def _reply(self) -> tuple[str, Any] | None:
        if self.sender is not None:
            self.sender.join()
        if self.worker._proc is None:
            return None
        try:
            return self.worker._conn.recv()
        except (EOFError, OSError):
            return None

    def maps(self) -> Any:
        if not self._got_maps:
            self._got_maps = True
            reply = self._reply()
            self._check(reply)
            self._maps = pickle.loads(reply[1]) if reply is not None else None
            if reply is None:
                self.worker._stop()
        return self._maps

    def wait(self) -> bool:
        """Wait for the HTML; True when the worker wrote it, False when the caller must (the worker is gone)."""
        if self.maps() is None:
            return False
        reply = self._reply()
        self._check(reply)
        if reply is None:
            self.worker._stop()
        return reply is not None

    @staticmethod
    def _check(reply: tuple[str, Any] | None) -> None:
        if reply is not None and reply[0] == "error":
            raise LukouError(f"报告文档未写成:{reply[1]}", f"the report documents were not written: {reply[1]}")


class DocumentWorker:
    """Draws a report's maps and writes its HTML in a forked process; use as a context manager."""

    def __init__(self) -> None:
        self._conn: Any = None
        self._proc: Any = None

    def __enter__(self) -> DocumentWorker:
        try:
            ctx = mp.get_context("fork")
        except ValueError:  # no fork on this platform: the documents are written in-process
            return self
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child, self._conn), daemon=True)
        self._proc.start()
        child.close()
        return self

    def submit(self, result: Any, ctx: Any, html: Path | None, title: str,
               tables: dict[str, list[Path]] | None = None) -> Pending:
        """Hand a job over: draw the maps (sent back), then write ``html`` and ``tables`` (format → paths, as
        :func:`~lukou_geo.sitecheck.report.write_tables` takes them). Returns at once: the job is sent from a
        thread while the worker may still be importing, so this process goes on writing."""
        if self._proc is None:
            return Pending(self, None)
        payload = pickle.dumps((pack_result(result), ctx, html, tables or {}, title), protocol=pickle.HIGHEST_PROTOCOL)

        def send() -> None:
            try:
                self._conn.send(payload)
            except OSError:  # the worker died before the job: its reply is then missing, and the caller writes
                pass

        sender = threading.Thread(target=send, name="lukou-report-job", daemon=True)
        sender.start()
        return Pending(self, sender)

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
