"""One import in a process of its own, for the tests of kill -9 and of simultaneous imports.

``python -m tests.store._child URL PATH LAYER_ID MODE MARKER``; MODE: ``hang`` (stop for good while
writing features: the parent kills it), ``race`` (say when writing starts, go on: the parent kills
it at once), ``slow`` (pause at every batch, so that two children overlap), ``plain``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main() -> int:
    url, path, layer_id, mode, marker = sys.argv[1:6]
    from lukou_geo.store import gpkg, open_store, postgis
    from lukou_geo.store.importer import import_layer

    gpkg._BATCH = 50  # many small GDAL writes: a kill lands inside one of them
    postgis._PROGRESS_EVERY = 50

    def progress(fraction: float, message: str) -> None:
        if "写入要素" not in message or fraction >= 0.93:
            return
        Path(marker).write_text("writing")
        if mode == "hang":
            time.sleep(600)
        elif mode == "slow":
            time.sleep(0.05)

    with open_store(url) as store:
        import_layer(store, path, layer_id=layer_id, user=f"child-{layer_id}", tiles=False, progress=progress)
    Path(marker).write_text("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
