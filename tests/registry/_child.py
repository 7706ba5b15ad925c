"""A child process for the reliability tests: ``python -m tests.registry._child URL USER N MARKER``
registers N projects one by one, moving each to 核查中 right after (``MARKER`` is touched when it starts)."""

from __future__ import annotations

import sys
from pathlib import Path

from lukou_geo.registry import records
from lukou_geo.store import open_store
from tests.registry.helpers import result


def main() -> int:
    url, user, n, marker = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    with open_store(url) as store:
        marker.touch()
        for i in range(n):
            (pid,) = records.register_check(store, user, result(1, name=f"{user}-{i}-"), source_file=__file__, source_crs="auto")
            records.set_status(store, user, pid, "核查中", f"{user} {i}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
