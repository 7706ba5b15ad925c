"""The code stays ruff-clean (ruff.toml)."""

import subprocess
import sys

from lukou_geo.settings import REPO_ROOT


def test_ruff_clean():
    out = subprocess.run([sys.executable, "-m", "ruff", "check", "lukou_geo", "tests", "tools", "benchmarks", "app.py", "streamlit_app.py"],
                         cwd=REPO_ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
