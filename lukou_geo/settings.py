"""Typed project settings, read at call time (never cached at import).

Environment variables
---------------------
LUKOU_GEODATA_DIR   folder of the built layer data (default: ``geodata/`` in the repo)
LUKOU_LAYERS_DIR    folder of the layer catalog (default: ``layers/``)
LUKOU_PLAN_FILE     the plan text (default: ``geodata/plan/plan.txt``)
TIANDITU_KEY        天地图 token; the 天地图 basemap is offered only when it is set
LUKOU_MAX_UPLOAD_MB      size limit of one input file for the site check (default 50)
LUKOU_MAX_EXPANDED_MB    limit of what an uploaded archive (zip, KMZ) may expand to (default 200)
LUKOU_MAX_ROWS           most projects (rows, features) read from one input (default 200000)
LUKOU_DATA_DIR      writable folder of the app's own store (saved views; default: ``var/`` in the repo)
LUKOU_DECKS_DIR     folder of the presentation decks (default: ``decks/``)
LUKOU_CACHE_DIR     writable folder of files derived once from installed packages, e.g. the PDF font
                    (default: ``var/cache/`` in the repo; safe to delete, ``make setup`` rebuilds it)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

#: Storage CRS of every layer file.
STORAGE_CRS = "EPSG:4326"
#: Measuring CRS: CGCS2000 / 3-degree Gauss-Kruger CM 114E.
MEASURE_CRS = "EPSG:4547"
#: Coordinates are rounded to this many decimals in storage (≈0.1 m).
STORAGE_DECIMALS = 6
#: 1 公顷 = 15 亩.
MU_PER_HECTARE = 15.0
#: District adcode (渌口区).
DISTRICT_ADCODE = "430212"


@dataclass(frozen=True)
class Settings:
    """Resolved settings; build one with :func:`get_settings`."""

    geodata_dir: Path
    layers_dir: Path
    plan_file: Path
    tianditu_key: str | None
    max_upload_bytes: int = 50 * 2**20
    max_expanded_bytes: int = 200 * 2**20
    max_archive_entries: int = 2000
    max_rows: int = 200_000
    data_dir: Path = REPO_ROOT / "var"
    decks_dir: Path = REPO_ROOT / "decks"
    cache_dir: Path = REPO_ROOT / "var" / "cache"


def get_settings() -> Settings:
    """Read the settings from the environment now."""
    env = os.environ
    geodata = Path(env.get("LUKOU_GEODATA_DIR", REPO_ROOT / "geodata"))
    return Settings(
        geodata_dir=geodata,
        layers_dir=Path(env.get("LUKOU_LAYERS_DIR", REPO_ROOT / "layers")),
        plan_file=Path(env.get("LUKOU_PLAN_FILE", REPO_ROOT / "geodata" / "plan" / "plan.txt")),
        tianditu_key=env.get("TIANDITU_KEY") or None,
        max_upload_bytes=int(float(env.get("LUKOU_MAX_UPLOAD_MB", 50)) * 2**20),
        max_expanded_bytes=int(float(env.get("LUKOU_MAX_EXPANDED_MB", 200)) * 2**20),
        max_rows=int(env.get("LUKOU_MAX_ROWS", 200_000)),
        data_dir=Path(env.get("LUKOU_DATA_DIR", REPO_ROOT / "var")),
        decks_dir=Path(env.get("LUKOU_DECKS_DIR", REPO_ROOT / "decks")),
        cache_dir=Path(env.get("LUKOU_CACHE_DIR", REPO_ROOT / "var" / "cache")),
    )
