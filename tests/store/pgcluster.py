"""A throw-away PostgreSQL + PostGIS cluster for tests and measurements.

``initdb`` into a temporary folder (as the ``postgres`` user when run as root: PostgreSQL refuses
to run as root), ``pg_ctl -D DIR -o "-p PORT -c listen_addresses=127.0.0.1" -w start``,
``CREATE EXTENSION postgis``; :meth:`Cluster.stop` stops it and removes the folder.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = "apt-get install -y postgresql postgresql-15-postgis-3"


class ClusterUnavailable(RuntimeError):
    """PostgreSQL or PostGIS is not installed here (the message says how to install them)."""


def pg_bindir() -> Path:
    for cand in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(cand, "pg_ctl").exists() and Path(cand, "initdb").exists():
            return Path(cand)
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    raise ClusterUnavailable(f"PostgreSQL is not installed (no initdb/pg_ctl): {INSTALL_HINT}")


def postgis_available(bindir: Path) -> bool:
    version = bindir.parent.name  # /usr/lib/postgresql/15/bin → 15
    return bool(glob.glob(f"/usr/share/postgresql/{version}/extension/postgis.control")) or bool(
        glob.glob("/usr/share/postgresql/*/extension/postgis.control"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    bindir: Path
    datadir: Path
    port: int
    as_user: list[str]

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/lukou_test"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_user, *args], capture_output=True, text=True, timeout=120)

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


def start_cluster() -> Cluster:
    """Start a cluster on a free port with a database ``lukou_test`` that has PostGIS."""
    bindir = pg_bindir()
    if not postgis_available(bindir):
        raise ClusterUnavailable(f"PostGIS is not installed: {INSTALL_HINT}")
    root = Path(tempfile.mkdtemp(prefix="lukou-pg-"))
    datadir = root / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    os.chmod(root, 0o700)
    port = _free_port()
    cluster = Cluster(bindir, datadir, port, as_user)
    steps = [
        [str(bindir / "initdb"), "-D", str(datadir), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"],
        [str(bindir / "pg_ctl"), "-D", str(datadir), "-l", str(root / "log"), "-w", "-o",
         f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={root} -c fsync=off", "start"],
        [str(bindir / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-c", "CREATE DATABASE lukou_test"],
        [str(bindir / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "lukou_test", "-c", "CREATE EXTENSION postgis"],
    ]
    for cmd in steps:
        out = cluster._run(*cmd)
        if out.returncode != 0:
            log = (root / "log").read_text(errors="replace")[-2000:] if (root / "log").exists() else ""
            cluster.stop()
            raise ClusterUnavailable(f"{' '.join(cmd[:1])} failed: {out.stderr.strip()} {log}")
    return cluster
