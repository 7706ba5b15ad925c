"""A child process for the concurrency test: ``python -m tests.meeting._views_child URL USER N MARKER GO``
touches MARKER, waits for the file GO, then saves N views as USER (an account of the store)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from lukou_geo.meeting.views import View, ViewStore
from lukou_geo.store import open_store


def main() -> int:
    url, user, n, marker, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]), Path(sys.argv[5])
    with open_store(url) as store:
        views = ViewStore(store, legacy=False)
        marker.touch()
        while not go.exists():
            time.sleep(0.01)
        for i in range(n):
            views.save(View(title=f"{user}{i}", layers=("district",)), user=user)
    return 0


if __name__ == "__main__":
    sys.exit(main())
