"""tools/npm_fetch.py: set-up without Node.js (no network in these tests)."""

import base64
import hashlib
import importlib.util
import io
import sys
import tarfile

import pytest

from lukou_geo.settings import REPO_ROOT

spec = importlib.util.spec_from_file_location("npm_fetch", REPO_ROOT / "tools" / "npm_fetch.py")
npm_fetch = importlib.util.module_from_spec(spec)
sys.modules["npm_fetch"] = npm_fetch
spec.loader.exec_module(npm_fetch)


def _tgz(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_tarball_url_plain_and_scoped():
    assert npm_fetch.tarball_url("https://r/", "leaflet", "1.9.3") == "https://r/leaflet/-/leaflet-1.9.3.tgz"
    assert npm_fetch.tarball_url("https://r", "@mapbox/polyline", "1.2.1") == "https://r/@mapbox/polyline/-/polyline-1.2.1.tgz"


def test_integrity_is_checked():
    data = b"abc"
    good = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    npm_fetch.check_integrity(data, good, "x")
    with pytest.raises(npm_fetch.FetchError, match="x: integrity mismatch"):
        npm_fetch.check_integrity(b"abd", good, "x")


def test_unpack_strips_top_folder_and_refuses_escapes(tmp_path):
    data = _tgz({"package/dist/a.js": b"1", "package/../../evil.js": b"2", "package/LICENSE": b"MIT"})
    dest = tmp_path / "node_modules" / "pkg"
    npm_fetch.unpack(data, dest)
    assert (dest / "dist" / "a.js").read_bytes() == b"1" and (dest / "LICENSE").exists()
    assert not (tmp_path / "evil.js").exists() and not (tmp_path / "node_modules" / "evil.js").exists()


def test_every_direct_dependency_is_pinned_with_integrity():
    import json

    deps = json.loads((REPO_ROOT / "package.json").read_text())["dependencies"]
    lock = json.loads((REPO_ROOT / "package-lock.json").read_text())["packages"]
    for name, version in deps.items():
        entry = lock[f"node_modules/{name}"]
        assert entry["version"] == version and entry["integrity"].startswith("sha512-"), name
