"""Write the hostile / broken input corpus of the site check into tests/data/malformed/.

Run ``python tests/data/make_malformed.py``; it also writes ``expected.json``: for every file the CRS
and environment to read it with and its exact outcome (:class:`corpus_kit.Expect`): a clear error
naming the file and the row, member or setting, or the projects it must give (count, positions within
a tolerance, names, types, areas). Small files are committed; the large ones (``large``: a 30 MB name,
a 100,000-vertex polygon) are written by :func:`write_large` when the tests run.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent / "malformed"
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[2]))  # the repository: lukou_geo

import corpus_cases  # noqa: E402
from corpus_kit import Expect  # noqa: E402

Cases = dict[str, tuple[bytes | str | Callable[[], bytes], Expect]]


def cases() -> Cases:
    """Every corpus file: name → (bytes, or a function writing them for a large file; the expected outcome)."""
    out: Cases = {}
    for group in corpus_cases.GROUPS:
        for name, data, exp in group():
            assert name not in out, name
            out[name] = (data, exp)
    return out


def _bytes(data: bytes | str | Callable[[], bytes]) -> bytes:
    if callable(data):
        data = data()
    return data.encode("utf-8") if isinstance(data, str) else data


def write_large(dest: Path) -> dict[str, Path]:
    """Write the large files into ``dest``; their paths by name."""
    dest.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, (data, exp) in cases().items():
        if exp.large:
            path = dest / name
            path.write_bytes(_bytes(data))
            paths[name] = path
    return paths


def build() -> dict[str, dict[str, object]]:
    HERE.mkdir(parents=True, exist_ok=True)
    for old in HERE.iterdir():
        old.unlink()
    expect = {}
    for name, (data, exp) in cases().items():
        expect[name] = exp.to_json()
        if not exp.large:
            (HERE / name).write_bytes(_bytes(data))
    (HERE / "expected.json").write_text(json.dumps(expect, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return expect


if __name__ == "__main__":
    print(f"{len(build())} files described in {HERE / 'expected.json'}")
