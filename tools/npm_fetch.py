"""Install the direct npm dependencies into ``node_modules/`` without Node.js.

Used by ``tools/vendor_assets.py --install`` when ``npm`` is not on the machine: a fresh Debian
with only Python 3.11 can then still set up the atlas. It reads the exact versions and sha512
``integrity`` hashes from ``package-lock.json``, downloads each tarball from the npm registry
(``NPM_CONFIG_REGISTRY`` or https://registry.npmjs.org/), checks the hash and unpacks it. Only
the packages named in ``package.json`` are fetched: the vendoring step copies files from those
alone (their own dependencies are build tools). pip/npm offer no such "install from lockfile
without node" command, hence this small script.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


class FetchError(RuntimeError):
    """A package could not be fetched or failed its integrity check."""


def tarball_url(registry: str, name: str, version: str) -> str:
    base = name.split("/")[-1]
    return f"{registry.rstrip('/')}/{name}/-/{base}-{version}.tgz"


def check_integrity(data: bytes, integrity: str, name: str) -> None:
    algo, _, digest = integrity.partition("-")
    if algo not in ("sha512", "sha384", "sha256", "sha1"):
        raise FetchError(f"{name}: unsupported integrity algorithm {algo!r}")
    got = base64.b64encode(hashlib.new(algo, data).digest()).decode()
    if got != digest:
        raise FetchError(f"{name}: integrity mismatch (the download is not what package-lock.json pins)")


def unpack(data: bytes, dest: Path) -> None:
    """Unpack an npm tarball's ``package/`` folder into ``dest`` (no links, no paths outside)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            parts = Path(member.name).parts
            if len(parts) < 2:  # the tarball's top folder itself ("package/" for most packages)
                continue
            rel = Path(*parts[1:])
            if rel.is_absolute() or ".." in rel.parts:
                continue
            if member.isdir():
                (dest / rel).mkdir(parents=True, exist_ok=True)
            elif member.isfile():
                (dest / rel).parent.mkdir(parents=True, exist_ok=True)
                src = tar.extractfile(member)
                if src is not None:
                    (dest / rel).write_bytes(src.read())


def fetch_all(repo: Path = REPO_ROOT, registry: str | None = None) -> list[str]:
    """Fetch every direct dependency of ``repo``'s package.json; return "name@version" strings."""
    registry = registry or os.environ.get("NPM_CONFIG_REGISTRY") or "https://registry.npmjs.org/"
    deps = json.loads((repo / "package.json").read_text(encoding="utf-8")).get("dependencies", {})
    lock = json.loads((repo / "package-lock.json").read_text(encoding="utf-8")).get("packages", {})
    done = []
    for name in sorted(deps):
        entry = lock.get(f"node_modules/{name}")
        if not entry or "version" not in entry or "integrity" not in entry:
            raise FetchError(f"package-lock.json has no version/integrity for {name}: run `npm install` once to fix the lockfile")
        url = entry.get("resolved") or tarball_url(registry, name, entry["version"])
        try:
            with urllib.request.urlopen(url, timeout=60) as resp:
                data = resp.read()
        except OSError as exc:
            raise FetchError(f"{name}@{entry['version']}: cannot download {url} ({exc})") from exc
        check_integrity(data, entry["integrity"], name)
        unpack(data, repo / "node_modules" / name)
        done.append(f"{name}@{entry['version']}")
    return done


def main() -> int:
    try:
        for item in fetch_all():
            print(f"fetched {item}")
    except FetchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
