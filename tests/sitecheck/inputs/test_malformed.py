"""The malformed / hostile corpus (tests/data/malformed, made by tests/data/make_malformed.py):
every file yields a clear message naming the file, and never a crash."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from lukou_geo.errors import InputError
from lukou_geo.sitecheck.inputs import read_path

CORPUS = Path(__file__).resolve().parents[2] / "data" / "malformed"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def test_corpus_is_large_enough() -> None:
    assert len(EXPECTED) >= 30
    assert {p.name for p in CORPUS.iterdir()} - {"expected.json"} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_file_gives_a_clear_message(name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    exp = EXPECTED[name]
    for k, v in exp["env"].items():
        monkeypatch.setenv(k, v)
    before = set(os.listdir("/tmp"))
    if exp["kind"] == "file":
        with pytest.raises(InputError) as err:
            read_path(CORPUS / name, exp["crs"])
        msg = str(err.value)
        assert exp["words"] in msg, msg
        assert name in msg  # names the file
        assert " / " in msg and ("Fix:" in msg or "。" in msg)  # bilingual, with the fix
    else:
        ing = read_path(CORPUS / name, exp["crs"])
        msgs = [str(e) for e in ing.errors]
        assert any(exp["words"] in m for m in msgs), msgs
        assert all(name in m for m in msgs)
        assert len(ing.projects) == exp["valid"]
    assert not any(n == "evil.txt" for n in os.listdir("/tmp")) and not (CORPUS.parent / "evil.txt").exists()
    assert not (set(os.listdir("/tmp")) - before - {p for p in os.listdir("/tmp") if not p.startswith("lukou-check-")})
