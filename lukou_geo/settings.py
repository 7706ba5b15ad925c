"""Typed project settings, read at call time (never cached at import).

Environment variables
---------------------
LUKOU_GEODATA_DIR   folder of the built layer data (default: ``geodata/`` in the repo)
LUKOU_LAYERS_DIR    folder of the layer catalog (default: ``layers/``)
LUKOU_PLAN_FILE     the plan text (default: ``geodata/plan/plan.txt``)
TIANDITU_KEY        天地图 token; the 天地图 basemap is offered only when it is set
Limits of the site check's inputs (see :class:`Limits`; each a positive number, checked when it is read)
LUKOU_MAX_UPLOAD_MB         size of one input file (default 50)
LUKOU_MAX_EXPANDED_MB       what an archive (zip, KMZ, XLSX) may expand to (default 200)
LUKOU_MAX_ARCHIVE_ENTRIES   entries of one archive (default 2000)
LUKOU_MAX_ROWS              projects (rows, features) read from one input (default 200000)
LUKOU_MAX_VERTICES          vertices of one project's geometry (default 20000)
LUKOU_MAX_TOTAL_VERTICES    vertices of all the projects of one input (default 1000000)
LUKOU_MAX_LINE_CHARS        characters of one line of a text input (CSV, TXT; default 1000000)
LUKOU_MAX_CELL_CHARS        characters of one table cell (CSV, XLSX; default 1000000)
LUKOU_MAX_NAME_CHARS        characters of a project's name or type (default 1000)
LUKOU_DATA_DIR      writable folder of the app's own store (saved views; default: ``var/`` in the repo)
LUKOU_DECKS_DIR     folder of the presentation decks (default: ``decks/``)
LUKOU_CACHE_DIR     writable folder of files derived once from installed packages, e.g. the PDF font
                    (default: ``var/cache/`` in the repo; safe to delete, ``make setup`` rebuilds it)
LUKOU_STORE         the store of imported layers: empty → ``<LUKOU_DATA_DIR>/store.gpkg`` (GeoPackage);
                    a path ending in ``.gpkg`` → that GeoPackage; ``postgresql://user@host:port/db`` → PostGIS
                    (``?schema=NAME`` puts the store's tables in that schema)
LUKOU_ANONYMOUS_BROWSE  ``1`` (or true/yes/on): on a server open to the network, a visitor who has not signed in
                    browses the plan pages and presents as a viewer (a public display machine); off by default,
                    when such a visitor sees only the sign-in page. Writes always need a sign-in.
LUKOU_STORE_MAX_FILE_MB       largest file (or ``.gdb`` folder) a layer import accepts (default 2048)
LUKOU_STORE_MAX_EXPANDED_MB   most an imported archive may expand to (default 8192)
LUKOU_STORE_MAX_FEATURES      most features one imported layer may have (default 1000000)
    The two size limits also hold a GeoTIFF registered as a basemap: the file, and its decoded pixels.
LUKOU_BASEMAP_MINZOOM   lowest zoom level built when a GeoTIFF is registered as a basemap (default 10, the whole district)
LUKOU_BASEMAP_MAXZOOM   highest zoom level built from a GeoTIFF (default 18): finer imagery is resampled to it

A numeric setting that is not a positive number raises :class:`~lukou_geo.errors.SettingsError`
naming the variable, the value and the fix.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, fields
from pathlib import Path

from lukou_geo.errors import InputError, SettingsError

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
    data_dir: Path = REPO_ROOT / "var"
    decks_dir: Path = REPO_ROOT / "decks"
    cache_dir: Path = REPO_ROOT / "var" / "cache"
    store: str = ""
    store_max_file_bytes: int = 2048 * 2**20
    store_max_expanded_bytes: int = 8192 * 2**20
    store_max_features: int = 1_000_000
    anonymous_browse: bool = False
    basemap_minzoom: int = 10
    basemap_maxzoom: int = 18

    @property
    def store_url(self) -> str:
        """Where the store is: a ``postgresql://`` URL or the path of a GeoPackage."""
        return self.store or str(self.data_dir / "store.gpkg")

    # The input limits, read (and checked) when asked for: a bad limit fails the site check's
    # inputs with a message naming the variable, not every page that reads a setting.
    @property
    def max_upload_bytes(self) -> int:
        return get_limits().max_upload_bytes

    @property
    def max_expanded_bytes(self) -> int:
        return get_limits().max_expanded_bytes

    @property
    def max_archive_entries(self) -> int:
        return get_limits().max_archive_entries

    @property
    def max_rows(self) -> int:
        return get_limits().max_rows


def _number(env: os._Environ[str] | dict[str, str], name: str, default: float, integer: bool = False) -> float:
    """A positive number from ``env[name]`` (``default`` when unset or empty)."""
    raw = env.get(name, "")
    if not str(raw).strip():
        return default
    try:
        value = float(str(raw).strip())
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf") or (integer and value != int(value)):
        kind_zh, kind_en = ("正整数", "a positive whole number") if integer else ("正数", "a positive number")
        shown = str(int(default)) if default == int(default) else str(default)
        raise SettingsError(
            f"环境变量 {name}={raw!r} 无效:应为{kind_zh}(默认 {shown});请改正或删除该变量",
            f"environment variable {name}={raw!r} is invalid: it must be {kind_en} (default {shown}); fix or unset it",
        )
    return value


def _store(env: os._Environ[str] | dict[str, str]) -> str:
    raw = env.get("LUKOU_STORE", "").strip()
    if not raw or raw.startswith(("postgresql://", "postgres://")) or raw.lower().endswith(".gpkg"):
        return raw
    raise SettingsError(
        f"环境变量 LUKOU_STORE={raw!r} 无效:应为空(数据目录中的 GeoPackage)、以 .gpkg 结尾的文件路径或 postgresql://用户@主机:端口/数据库",
        f"environment variable LUKOU_STORE={raw!r} is invalid: leave it empty (a GeoPackage in the data dir), "
        "give a path ending in .gpkg, or postgresql://user@host:port/dbname",
    )

_TRUE, _FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def _flag(env: os._Environ[str] | dict[str, str], name: str) -> bool:
    raw = str(env.get(name, "")).strip().lower()
    if raw in _TRUE or raw in _FALSE:
        return raw in _TRUE
    raise SettingsError(f"环境变量 {name}={raw!r} 无效:应为 1(开启)或 0(关闭);请改正或删除该变量",
                        f"environment variable {name}={raw!r} is invalid: use 1 (on) or 0 (off); fix or unset it")


def get_settings() -> Settings:
    """Read the settings from the environment now (:class:`SettingsError` names a bad variable)."""
    env = os.environ
    geodata = Path(env.get("LUKOU_GEODATA_DIR", REPO_ROOT / "geodata"))
    mb = 2**20
    return Settings(
        geodata_dir=geodata,
        layers_dir=Path(env.get("LUKOU_LAYERS_DIR", REPO_ROOT / "layers")),
        plan_file=Path(env.get("LUKOU_PLAN_FILE", REPO_ROOT / "geodata" / "plan" / "plan.txt")),
        tianditu_key=env.get("TIANDITU_KEY") or None,
        data_dir=Path(env.get("LUKOU_DATA_DIR", REPO_ROOT / "var")),
        decks_dir=Path(env.get("LUKOU_DECKS_DIR", REPO_ROOT / "decks")),
        cache_dir=Path(env.get("LUKOU_CACHE_DIR", REPO_ROOT / "var" / "cache")),
        store=_store(env),
        store_max_file_bytes=int(_number(env, "LUKOU_STORE_MAX_FILE_MB", 2048) * mb),
        store_max_expanded_bytes=int(_number(env, "LUKOU_STORE_MAX_EXPANDED_MB", 8192) * mb),
        store_max_features=int(_number(env, "LUKOU_STORE_MAX_FEATURES", 1_000_000, integer=True)),
        anonymous_browse=_flag(env, "LUKOU_ANONYMOUS_BROWSE"),
        basemap_minzoom=int(_number(env, "LUKOU_BASEMAP_MINZOOM", 10, integer=True)),
        basemap_maxzoom=int(_number(env, "LUKOU_BASEMAP_MAXZOOM", 18, integer=True)),
    )


# ------------------------------------------------------------------------------ limits of the site check's inputs


@dataclass(frozen=True)
class Limits:
    """The limits every input of the site check is held to, before the step they protect.

    Each comes from an environment variable (the module docstring lists them with their defaults);
    sizes are in MB (2**20 bytes, decimals allowed), the others are whole counts.
    """

    max_upload_bytes: int = 50 * 2**20
    max_expanded_bytes: int = 200 * 2**20
    max_archive_entries: int = 2000
    max_rows: int = 200_000
    max_vertices: int = 20_000
    max_total_vertices: int = 1_000_000
    max_line_chars: int = 1_000_000
    max_cell_chars: int = 1_000_000
    max_name_chars: int = 1000


#: Limit field → (environment variable, unit: "MB" or "" for a count).
LIMIT_VARIABLES: dict[str, tuple[str, str]] = {
    "max_upload_bytes": ("LUKOU_MAX_UPLOAD_MB", "MB"),
    "max_expanded_bytes": ("LUKOU_MAX_EXPANDED_MB", "MB"),
    "max_archive_entries": ("LUKOU_MAX_ARCHIVE_ENTRIES", ""),
    "max_rows": ("LUKOU_MAX_ROWS", ""),
    "max_vertices": ("LUKOU_MAX_VERTICES", ""),
    "max_total_vertices": ("LUKOU_MAX_TOTAL_VERTICES", ""),
    "max_line_chars": ("LUKOU_MAX_LINE_CHARS", ""),
    "max_cell_chars": ("LUKOU_MAX_CELL_CHARS", ""),
    "max_name_chars": ("LUKOU_MAX_NAME_CHARS", ""),
}


def _limit(name: str, raw: str, unit: str, default: int) -> int:
    """One limit from its variable's text; :class:`InputError` naming the variable when it is no positive number."""
    shown = f"{default / 2**20:g}" if unit else str(default)
    try:
        value = float(raw.strip().replace("_", ""))
    except ValueError:
        value = math.nan
    whole = unit or (math.isfinite(value) and value == int(value))
    if not math.isfinite(value) or value <= 0 or not whole:
        kind_zh, kind_en = ("正数(MB,可带小数)", "a positive number of MB") if unit else ("正整数", "a positive whole number")
        raise InputError(
            name,
            f"设置值「{raw[:40]}」无效:上限须为{kind_zh};0 或负数不表示“不限”",
            f"the setting {raw[:40]!r} is invalid: a limit must be {kind_en}; 0 or a negative value does not mean 'no limit'",
            f"改为{kind_zh},例如 {name}={shown}(默认值),或删除该环境变量以用默认值",
            f"set it to {kind_en}, e.g. {name}={shown} (the default), or unset it to use the default",
        )
    return max(1, int(value * 2**20)) if unit else int(value)


def get_limits() -> Limits:
    """The input limits from the environment, now; :class:`InputError` names a variable that is set wrongly."""
    env = os.environ
    defaults = Limits()
    values = {}
    for f in fields(Limits):
        var, unit = LIMIT_VARIABLES[f.name]
        raw = env.get(var)
        default = getattr(defaults, f.name)
        values[f.name] = default if raw is None or not raw.strip() else _limit(var, raw, unit, default)
    return Limits(**values)
