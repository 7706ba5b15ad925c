"""lukou_geo.ui.check_keep: runs kept for a reload, under random tokens, the oldest dropped first."""

from __future__ import annotations

from lukou_geo.ui import check_keep


def test_tokens_are_random_and_only_the_last_runs_are_kept():
    runs = [{"label": str(i)} for i in range(check_keep.KEEP + 3)]
    tokens = [check_keep.keep(r) for r in runs]
    assert len(set(tokens)) == len(tokens) and all(r["token"] == tok for r, tok in zip(runs, tokens, strict=True))
    assert check_keep.recall(tokens[-1]) is runs[-1]
    assert all(check_keep.recall(tok) is None for tok in tokens[:3])  # the oldest went first
    assert check_keep.recall(tokens[3]) is runs[3]
    for bad in ("", None, "../../etc/passwd", "x" * 200, tokens[-1] + "!"):
        assert check_keep.recall(bad) is None
