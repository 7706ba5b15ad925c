"""The hostile / broken corpus (tests/data/malformed, made by tests/data/make_malformed.py): every file
gives exactly its expected outcome — a clear error naming the file and the row, member or setting, or
the right projects — and never a traceback, a silently wrong position or a hang."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.sitecheck.inputs.corpus_probe import CORPUS, EXPECTED, corpus_paths, expected_outcome, probe


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return corpus_paths(tmp_path_factory.mktemp("large-corpus"))


def test_corpus_is_large_enough() -> None:
    assert len(EXPECTED) >= 150
    committed = {p.name for p in CORPUS.iterdir()} - {"expected.json"}
    assert committed == {n for n, e in EXPECTED.items() if not e.get("large")}
    assert all(p.stat().st_size < 300_000 for p in CORPUS.iterdir()), "large files are generated, not committed"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_gives_its_outcome(name: str, paths: dict[str, Path], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "scratch"  # this test's own temporary folder: other processes' checks do not show in it
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    outcome, detail = probe(paths[name], EXPECTED[name])
    assert outcome == expected_outcome(EXPECTED[name]), detail
    assert not any(n == "evil.txt" for n in os.listdir("/tmp")) and not (CORPUS.parent / "evil.txt").exists()
    assert not [n for n in os.listdir(scratch) if n.startswith("lukou-check-")]  # scratch folders removed
