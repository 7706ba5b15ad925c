"""The code stays ruff-clean (ruff.toml)."""

import subprocess
import sys

from lukou_geo.settings import REPO_ROOT


def test_ruff_clean():
    out = subprocess.run([sys.executable, "-m", "ruff", "check", "lukou_geo", "tests", "tools", "benchmarks", "examples", "app.py",
                          "streamlit_app.py"],
                         cwd=REPO_ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_modules_are_small_enough_to_read_in_one_sitting():
    """Every module of the package is at most 800 lines (ruff's C901 keeps each function at McCabe ≤ 15)."""
    long = {str(p.relative_to(REPO_ROOT)): n for p in (REPO_ROOT / "lukou_geo").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 800}
    assert not long, long
