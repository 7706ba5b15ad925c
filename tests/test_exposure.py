"""Safe defaults for exposure: the app serves this machine only unless told otherwise, shows clients no
tracebacks, and refuses oversized uploads in the uploader itself (before the upload)."""

from __future__ import annotations

import re
import tomllib

from lukou_geo.settings import REPO_ROOT


def test_streamlit_config_serves_loopback_and_hides_error_details() -> None:
    cfg = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["server"]["address"] == "127.0.0.1"
    assert cfg["client"]["showErrorDetails"] == "none"
    assert cfg["browser"]["gatherUsageStats"] is False


def test_make_run_binds_the_host_setting() -> None:
    make = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^HOST \?= 127\.0\.0\.1$", make, re.M)
    run = make[make.index("\nrun:") + 1 :].splitlines()[1]
    assert "--server.address $(HOST)" in run


def test_the_check_uploader_carries_the_apps_limit() -> None:
    src = (REPO_ROOT / "lukou_geo" / "ui" / "check_upload.py").read_text(encoding="utf-8")
    call = src[src.index("st.file_uploader(describe(lang)"):]
    call = call[: call.index(")\n")]
    assert "max_upload_size=" in call and "max_upload_bytes" in call
