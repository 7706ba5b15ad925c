"""The project-type vocabulary of the site check (``layers/project_types.toml``).

A user's type ("居住", "新材料产业园项目", "Logistics") is mapped to a type id by exact match on an
id, English name or synonym, else by the longest id or synonym contained in it; the plan's fit
rules name types or their categories (e.g. 工业).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from lukou_geo.errors import CatalogError
from lukou_geo.settings import get_settings


@dataclass(frozen=True)
class ProjectTypes:
    """The controlled vocabulary of project types (``layers/project_types.toml``)."""

    types: dict[str, dict[str, Any]]  # id -> {en, category, synonyms}
    categories: dict[str, dict[str, Any]]  # id -> {en}

    def canonical(self, value: str | None) -> str:
        """The type id a user's value means ("" when empty or unknown).

        Exact match on id, English name or synonym (case-insensitive), else the longest id or
        synonym contained in the value (e.g. 新材料产业园项目 → 新材料).
        """
        v = (value or "").strip().lower()
        if not v:
            return ""
        lookup = self._lookup()
        if v in lookup:
            return lookup[v]
        best = ""
        best_len = 1
        for key, tid in lookup.items():
            if len(key) > best_len and key in v:
                best, best_len = tid, len(key)
        return best

    @lru_cache(maxsize=1)  # noqa: B019 - the vocabulary is immutable and few
    def _lookup(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for tid, rec in self.types.items():
            for key in (tid, rec.get("en", ""), *rec.get("synonyms", [])):
                if key:
                    out.setdefault(key.strip().lower(), tid)
        return out

    def expand(self, names: list[str]) -> set[str]:
        """Type ids named by a fit list (categories expanded)."""
        out: set[str] = set()
        for n in names:
            if n in self.types:
                out.add(n)
            elif n in self.categories:
                out |= {t for t, rec in self.types.items() if rec.get("category") == n}
            else:
                raise KeyError(n)
        return out

    def label(self, tid: str, lang: str = "zh") -> str:
        if not tid:
            return ""
        return tid if lang == "zh" else self.types[tid].get("en", tid)

    def __hash__(self) -> int:
        return id(self)


def read_project_types(path: Path | None = None) -> ProjectTypes:
    """Read and validate the vocabulary; :class:`CatalogError` names the entry and the fix."""
    p = Path(path) if path else get_settings().layers_dir / "project_types.toml"
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CatalogError(f"{p}: missing; it lists the project types of the site check") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{p.name}: not valid TOML ({exc})") from exc
    cats = {c["id"]: c for c in data.get("category", [])}
    types: dict[str, dict[str, Any]] = {}
    for i, rec in enumerate(data.get("type", []), start=1):
        where = f"{p.name} [[type]] #{i} ({rec.get('id', '?')})"
        unknown = set(rec) - {"id", "en", "category", "synonyms"}
        if unknown or "id" not in rec or "en" not in rec:
            raise CatalogError(f"{where}: needs id and en (and optional category, synonyms); unknown keys {sorted(unknown)}")
        if rec.get("category") and rec["category"] not in cats:
            raise CatalogError(f"{where}: category {rec['category']!r} is not a [[category]] id ({', '.join(cats)})")
        if rec["id"] in types or rec["id"] in cats:
            raise CatalogError(f"{where}: id {rec['id']!r} is used twice")
        types[rec["id"]] = rec
    return ProjectTypes(types, cats)
