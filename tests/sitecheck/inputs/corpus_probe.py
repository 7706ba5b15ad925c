"""Read one file of the hostile / broken corpus and judge the outcome against its expectation.

Outcomes: ``clear error`` (an InputError naming the file or setting, bilingual, with the fix, and the
expected words, row and place), ``correct result`` (the expected projects: count, positions, names,
types, areas; row errors as expected), ``unclear error`` (an InputError missing one of those),
``silent wrong`` (projects where an error was expected, or not the expected ones), ``traceback`` (any
other exception) and ``hang`` (past the time limit). ``python -m tests.sitecheck.inputs.corpus_probe``
prints the figures for the whole corpus.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import geopandas as gpd

from lukou_geo import crs as ccrs
from lukou_geo.errors import InputError
from lukou_geo.sitecheck.inputs import read_path

DATA = Path(__file__).resolve().parents[2] / "data"
CORPUS = DATA / "malformed"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
#: a file read longer than this (s) hangs
HANG_S = 30.0
CLEAR, CORRECT, UNCLEAR, WRONG, TRACEBACK, HANG = "clear error", "correct result", "unclear error", "silent wrong", "traceback", "hang"


class _Hang(Exception):
    pass


@contextmanager
def _limit(seconds: float):
    def stop(*_: Any) -> None:
        raise _Hang

    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@contextmanager
def _env(env: dict[str, str]):
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def message_problems(msg: str, names: tuple[str, ...]) -> list[str]:
    """What a message lacks: naming one of ``names``, both languages, the fix; and what it must not hold."""
    out = []
    if not any(n in msg for n in names):
        out.append(f"names none of {names}")
    zh, sep, en = msg.partition(" / ")
    if not sep or not en:
        out.append("not bilingual")
    if "Fix:" not in en and "。" not in zh:
        out.append("no fix")
    if "?." in msg:
        out.append("'?.' before the fix")
    if re.search(r"\d\.\d+e[+-]\d\d", msg):
        out.append("scientific notation")
    return out


def _error_outcome(exc: InputError, name: str, exp: dict[str, Any]) -> tuple[str, str]:
    msg = str(exc)
    if exp["kind"] != "file":
        return WRONG if exp["kind"] == "ok" else UNCLEAR, f"unexpected file error: {msg[:300]}"
    names = (exp["where"],) if exp.get("where", "").startswith("LUKOU_") else (name,)
    problems = message_problems(msg, names)
    if exp.get("words", "") not in msg:
        problems.append(f"lacks {exp['words']!r}")
    if exp.get("where") and exp["where"] not in msg:
        problems.append(f"lacks the place {exp['where']!r}")
    return (UNCLEAR, "; ".join(problems) + f": {msg[:300]}") if problems else (CLEAR, msg[:200])


def _projects_problems(ing: Any, exp: dict[str, Any]) -> list[str]:
    p = ing.projects
    out = []
    if len(p) != exp.get("projects", 0):
        out.append(f"{len(p)} projects, expected {exp.get('projects', 0)}")
        return out
    for i, (lon, lat, tol) in enumerate(exp.get("at") or []):
        c = p.geometry.iloc[i].centroid
        d = float(ccrs.haversine_m(c.x, c.y, lon, lat))
        if d > tol:
            out.append(f"project {i + 1} is {d:.2f} m from where it is ({c.x:.6f}, {c.y:.6f})")
    if exp.get("names") is not None and list(p["name"]) != exp["names"]:
        out.append(f"names {[n[:40] for n in p['name']]}")
    if exp.get("ptypes") is not None and list(p["ptype"]) != exp["ptypes"]:
        out.append(f"types {list(p['ptype'])}")
    for i, ha in enumerate(exp.get("area_ha") or []):
        got = float(gpd.GeoSeries([p.geometry.iloc[i]], crs="EPSG:4326").to_crs("EPSG:4547").area.iloc[0]) / 1e4
        if abs(got - ha) > max(1e-3 * ha, 1e-6):
            out.append(f"project {i + 1} has {got:.4f} ha, not {ha}")
    if exp.get("note") and not any(exp["note"] in n for n in ing.notes):
        out.append(f"no note with {exp['note']!r}: {ing.notes}")
    return out


def _rows_problems(ing: Any, name: str, exp: dict[str, Any]) -> list[str]:
    msgs = [str(e) for e in ing.errors]
    if exp["kind"] == "ok":
        return [f"row errors {msgs[:3]}"] if msgs else []
    out = [f"{m[:200]}: {'; '.join(pr)}" for m in msgs if (pr := message_problems(m, (name,)))]
    if exp.get("errors") is not None and len(msgs) != exp["errors"]:
        out.append(f"{len(msgs)} row errors, expected {exp['errors']}: {[m[:150] for m in msgs]}")
    if not any(exp.get("words", "") in m for m in msgs):
        out.append(f"no row error with {exp.get('words')!r}: {[m[:150] for m in msgs]}")
    if exp.get("row") is not None and not any(e.row == exp["row"] for e in ing.errors):
        out.append(f"no error names row {exp['row']}: {[e.row for e in ing.errors]}")
    if exp.get("where") and not any(exp["where"] in m for m in msgs):
        out.append(f"no error names {exp['where']!r}")
    return out


def probe(path: Path, exp: dict[str, Any]) -> tuple[str, str]:
    """(outcome, detail) of reading ``path`` as ``exp`` says."""
    name = path.name
    try:
        with _env(exp.get("env", {})), _limit(HANG_S):
            ing = read_path(path, exp.get("crs", "auto"), coords_as=exp.get("shape") or "point")
    except _Hang:
        return HANG, f"over {HANG_S:g} s"
    except InputError as exc:
        return _error_outcome(exc, name, exp)
    except Exception as exc:
        return TRACEBACK, f"{type(exc).__name__}: {str(exc)[:300]}"
    if exp["kind"] == "file":
        return WRONG, f"no error: {len(ing.projects)} projects"
    wrong = _projects_problems(ing, exp)
    if wrong:
        return WRONG, "; ".join(wrong)
    unclear = _rows_problems(ing, name, exp)
    return (UNCLEAR, "; ".join(unclear)) if unclear else (CORRECT, f"{len(ing.projects)} projects, {len(ing.errors)} row errors")


def expected_outcome(exp: dict[str, Any]) -> str:
    return CLEAR if exp["kind"] == "file" else CORRECT


def corpus_paths(large_dir: Path) -> dict[str, Path]:
    """Every corpus file's path (the large ones written into ``large_dir``)."""
    sys.path.insert(0, str(DATA))
    import make_malformed

    large = make_malformed.write_large(large_dir)
    return {n: large.get(n, CORPUS / n) for n in EXPECTED}


def figures() -> dict[str, Any]:
    """The corpus figures: files tried, and how many gave each outcome (with the names of the bad ones)."""
    with tempfile.TemporaryDirectory() as d:
        paths = corpus_paths(Path(d))
        counts: Counter[str] = Counter()
        bad: dict[str, str] = {}
        slowest = (0.0, "")
        for n, p in paths.items():
            t = time.perf_counter()
            outcome, detail = probe(p, EXPECTED[n])
            slowest = max(slowest, (time.perf_counter() - t, n))
            counts[outcome] += 1
            if outcome != expected_outcome(EXPECTED[n]):
                bad[n] = f"{outcome}: {detail}"
    return {
        "files tried": len(paths),
        **{k: counts.get(k, 0) for k in (CLEAR, CORRECT, UNCLEAR, WRONG, TRACEBACK, HANG)},
        "slowest": f"{slowest[1]} {slowest[0]:.1f} s",
        "not as expected": bad,
    }


if __name__ == "__main__":
    print(json.dumps(figures(), ensure_ascii=False, indent=1))
