"""The layer catalog: declarative records in ``layers/*.toml``, validated.

``layers/groups.toml`` lists the theme groups; every other ``layers/*.toml`` holds ``[[layer]]``
records. Renderer, legend, search and the data page read only this catalog. Validation errors
name the file, the record and the field, and say how to fix it.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lukou_geo.errors import CatalogError
from lukou_geo.settings import get_settings
from lukou_geo.text import LANGS, t

PRECISIONS: tuple[str, ...] = ("official", "geocoded", "approximate", "schematic")
#: {precision: {lang: label}}, read from :mod:`lukou_geo.text` (``precision.*``) for the print export.
PRECISION_LABELS: dict[str, dict[str, str]] = {p: {lg: t(f"precision.{p}", lg) for lg in LANGS} for p in PRECISIONS}
GEOMETRIES: tuple[str, ...] = ("point", "line", "polygon")
ROLES: tuple[str, ...] = ("overlay", "context")
#: Parts a layer plays in the site check (`check` key; `true` means "zone"): "zone" layers judge a
#: project's type by their features' `fit` rules; "context" layers (areas the plan only names by town,
#: such as the 八基地) are listed in the result and the reason but never judge; "axis" and "transport"
#: layers give distances.
CHECK_ROLES: tuple[str, ...] = ("zone", "context", "axis", "transport")
REQUIRED_FEATURE_PROPS: tuple[str, ...] = ("id", "name", "name_en", "plan_ref", "precision")

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")

_LAYER_REQUIRED = {
    "id": str, "title_zh": str, "title_en": str, "group": str, "file": str, "geometry": str,
    "style": dict, "source": str, "source_zh": str, "licence": str,
}
_LAYER_OPTIONAL: dict[str, Any] = {
    "legend_zh": str, "legend_en": str, "popup": list, "visible": bool, "order": int, "role": str,
    "search": bool, "label": bool, "description_zh": str, "description_en": str, "crs": str,
    "check": (bool, str), "licence_zh": str,
}
_STYLE_KEYS: dict[str, Any] = {
    "color": str, "weight": (int, float), "fill_color": str, "fill_opacity": (int, float),
    "opacity": (int, float), "radius": (int, float), "stroke": bool,
}
_GROUP_REQUIRED = {"id": str, "title_zh": str, "title_en": str, "order": int}


@dataclass(frozen=True)
class Group:
    id: str
    title_zh: str
    title_en: str
    order: int

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


@dataclass(frozen=True)
class Layer:
    """One catalog record."""

    id: str
    title_zh: str
    title_en: str
    group: str
    file: str
    geometry: str
    style: dict[str, Any]
    source: str  # English, as SOURCES.md gives it
    licence: str
    source_zh: str = ""  # the same facts (documents, versions, codes) in Chinese
    licence_zh: str = ""  # only where the licence line has words beyond its name
    legend_zh: str = ""
    legend_en: str = ""
    popup: tuple[str, ...] = ()
    visible: bool = False
    order: int = 100
    role: str = "overlay"
    search: bool = True
    label: bool = False
    description_zh: str = ""
    description_en: str = ""
    crs: str = "EPSG:4326 (WGS-84)"
    check: str = ""  # "" or one of CHECK_ROLES
    origin: str = ""  # "layers/x.toml" – for messages

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def source_text(self, lang: str) -> str:
        """The source line in ``lang`` (the print map, the data page)."""
        return (self.source_zh or self.source) if lang == "zh" else self.source

    def licence_text(self, lang: str) -> str:
        """The licence line in ``lang``."""
        return (self.licence_zh or self.licence) if lang == "zh" else self.licence

    def legend(self, lang: str) -> str:
        text = self.legend_zh if lang == "zh" else self.legend_en
        return text or self.title(lang)


@dataclass(frozen=True)
class Catalog:
    groups: tuple[Group, ...]
    layers: tuple[Layer, ...]
    root: Path = field(default=Path("."))
    fields: dict[str, dict[str, str]] = field(default_factory=dict)
    #: the folder the catalog was read from (groups.toml, the layer files, project_types.toml)
    layers_dir: Path | None = None

    def field_label(self, key: str, lang: str) -> tuple[str, str]:
        """(label, unit) of an attribute key; the key itself when fields.toml has no entry."""
        f = self.fields.get(key)
        if not f:
            return key, ""
        return f.get(lang, f.get("zh", key)), f.get("unit", "")

    def layer(self, layer_id: str) -> Layer:
        for lyr in self.layers:
            if lyr.id == layer_id:
                return lyr
        raise KeyError(f"no layer {layer_id!r} in the catalog")

    def group(self, group_id: str) -> Group:
        for g in self.groups:
            if g.id == group_id:
                return g
        raise KeyError(f"no group {group_id!r} in the catalog")

    def layers_in(self, group_id: str) -> list[Layer]:
        return sorted((lyr for lyr in self.layers if lyr.group == group_id), key=lambda lyr: (lyr.order, lyr.id))

    def path(self, layer: Layer) -> Path:
        return self.root / layer.file


def _check_types(where: str, record: dict, required: dict, optional: dict) -> None:
    for key in record:
        if key not in required and key not in optional:
            allowed = ", ".join(sorted([*required, *optional]))
            raise CatalogError(f"{where}: unknown key {key!r}; allowed keys: {allowed}")
    for key in required:
        if key not in record:
            raise CatalogError(f"{where}: missing required key {key!r}")
    for key, value in record.items():
        typ = required.get(key, optional.get(key))
        if typ is not None and not isinstance(value, typ):
            raise CatalogError(f"{where}: key {key!r} must be {getattr(typ, '__name__', typ)}, got {value!r}")


def _validate_layer(where: str, rec: dict, group_ids: set[str]) -> Layer:
    _check_types(where, rec, _LAYER_REQUIRED, _LAYER_OPTIONAL)
    if not _ID_RE.match(rec["id"]):
        raise CatalogError(f"{where}: id {rec['id']!r} must be lower-case ascii letters, digits and _")
    if rec["group"] not in group_ids:
        raise CatalogError(f"{where}: group {rec['group']!r} is not in layers/groups.toml ({', '.join(sorted(group_ids))})")
    if rec["geometry"] not in GEOMETRIES:
        raise CatalogError(f"{where}: geometry {rec['geometry']!r} must be one of {', '.join(GEOMETRIES)}")
    if rec.get("role", "overlay") not in ROLES:
        raise CatalogError(f"{where}: role {rec['role']!r} must be one of {', '.join(ROLES)}")
    for key, value in rec["style"].items():
        if key not in _STYLE_KEYS:
            raise CatalogError(
                f"{where}: unknown style key {key!r}; allowed: {', '.join(_STYLE_KEYS)} "
                "(dash patterns come from each feature's precision and cannot be set here)"
            )
        if not isinstance(value, _STYLE_KEYS[key]):
            raise CatalogError(f"{where}: style.{key} has the wrong type: {value!r}")
        if key in ("color", "fill_color") and not _COLOR_RE.match(value):
            raise CatalogError(f"{where}: style.{key} {value!r} must be a #rrggbb colour")
    if "color" not in rec["style"]:
        raise CatalogError(f"{where}: style.color is required (the legend swatch uses it)")
    fields = {k: v for k, v in rec.items() if k != "popup"}
    check = rec.get("check", "")
    fields["check"] = ("zone" if check else "") if isinstance(check, bool) else check
    if fields["check"] not in ("", *CHECK_ROLES):
        raise CatalogError(f"{where}: check {check!r} must be true or one of {', '.join(CHECK_ROLES)}")
    return Layer(**fields, popup=tuple(rec.get("popup", ())), origin=where.split(" ")[0])


def read_catalog(layers_dir: Path | None = None, root: Path | None = None) -> Catalog:
    """Read and validate every catalog file (records only; see :func:`validate_data` for files).

    Parameters
    ----------
    layers_dir : folder with ``groups.toml`` and the layer files (default: settings)
    root : folder the records' ``file`` paths are relative to (default: the repository root)
    """
    s = get_settings()
    ldir = Path(layers_dir) if layers_dir else s.layers_dir
    root = Path(root) if root else ldir.parent
    gfile = ldir / "groups.toml"
    if not gfile.exists():
        raise CatalogError(f"{gfile}: missing; it lists the theme groups as [[group]] records")
    groups: list[Group] = []
    for i, rec in enumerate(_load_toml(gfile).get("group", [])):
        where = f"{gfile.name} [[group]] #{i + 1} ({rec.get('id', '?')})"
        _check_types(where, rec, _GROUP_REQUIRED, {})
        groups.append(Group(**rec))
    group_ids = {g.id for g in groups}
    layers: list[Layer] = []
    seen: dict[str, str] = {}
    fields: dict[str, dict[str, str]] = {}
    ffile = ldir / "fields.toml"
    if ffile.exists():
        for key, rec in _load_toml(ffile).get("fields", {}).items():
            if not isinstance(rec, dict) or "zh" not in rec or "en" not in rec:
                raise CatalogError(f"fields.toml [fields.{key}]: needs zh and en labels (and an optional unit)")
            unknown = set(rec) - {"zh", "en", "unit"}
            if unknown:
                raise CatalogError(f"fields.toml [fields.{key}]: unknown key(s) {sorted(unknown)}; allowed: zh, en, unit")
            fields[key] = rec
    for f in sorted(ldir.glob("*.toml")):
        if f.name in ("groups.toml", "fields.toml", "project_types.toml"):
            continue
        data = _load_toml(f)
        extra = set(data) - {"layer"}
        if extra:
            raise CatalogError(f"{f.name}: unknown top-level key(s) {sorted(extra)}; use [[layer]] records")
        for i, rec in enumerate(data.get("layer", [])):
            where = f"{f.name} [[layer]] #{i + 1} ({rec.get('id', '?')})"
            lyr = _validate_layer(where, rec, group_ids)
            if lyr.id in seen:
                raise CatalogError(f"{where}: id {lyr.id!r} is already used in {seen[lyr.id]}")
            seen[lyr.id] = f.name
            layers.append(lyr)
    if not layers:
        raise CatalogError(f"{ldir}: no [[layer]] records found")
    groups.sort(key=lambda g: g.order)
    layers.sort(key=lambda lyr: (lyr.order, lyr.id))
    return Catalog(tuple(groups), tuple(layers), root, fields, ldir)


def _load_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path.name}: not valid TOML ({exc}); fix the syntax at that line") from exc


def read_layer_geojson(catalog: Catalog, layer: Layer) -> dict:
    """Read one layer file as a GeoJSON dict and validate its features.

    Raises
    ------
    CatalogError
        naming the layer and the feature, when the file is missing or a feature lacks a
        required property, has an unknown precision, or the wrong geometry type.
    """
    path = catalog.path(layer)
    if not path.exists():
        raise CatalogError(
            f"layer {layer.id!r} ({layer.origin}): data file {layer.file} not found; "
            "run `make data` or fix the record's `file`"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CatalogError(f"layer {layer.id!r}: {layer.file} is not valid JSON ({exc})") from exc
    if data.get("type") != "FeatureCollection":
        raise CatalogError(f"layer {layer.id!r}: {layer.file} must be a GeoJSON FeatureCollection")
    allowed = {
        "point": {"Point", "MultiPoint"},
        "line": {"LineString", "MultiLineString"},
        "polygon": {"Polygon", "MultiPolygon"},
    }[layer.geometry]
    ids: set[str] = set()
    for n, feat in enumerate(data.get("features", []), start=1):
        props = feat.get("properties") or {}
        fid = props.get("id", f"#{n}")
        for key in REQUIRED_FEATURE_PROPS:
            if props.get(key) in (None, ""):
                raise CatalogError(
                    f"layer {layer.id!r} ({layer.file}), feature {fid}: missing {key!r}; "
                    "every feature needs id, name, name_en, plan_ref and precision"
                )
        if props["precision"] not in PRECISIONS:
            raise CatalogError(
                f"layer {layer.id!r}, feature {fid}: precision {props['precision']!r} "
                f"must be one of {', '.join(PRECISIONS)}"
            )
        gtype = (feat.get("geometry") or {}).get("type")
        if gtype not in allowed:
            raise CatalogError(
                f"layer {layer.id!r}, feature {fid}: geometry {gtype} does not fit the layer's "
                f"geometry {layer.geometry!r} ({', '.join(sorted(allowed))})"
            )
        if fid in ids:
            raise CatalogError(f"layer {layer.id!r}: feature id {fid!r} appears twice")
        ids.add(fid)
    return data


def validate_data(catalog: Catalog) -> dict[str, dict]:
    """Read every layer file; return {layer id: GeoJSON}. Raises :class:`CatalogError`."""
    return {lyr.id: read_layer_geojson(catalog, lyr) for lyr in catalog.layers}
