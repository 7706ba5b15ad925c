"""The 压占 rules as data: ``layers/rules/occupancy.toml`` (each rule with the text of its basis).

A rule names a layer kind (``yjjbnt``, ``stbhhx``, ``czkfbj``, ``dltb``, ``ghydyh``, ``ghfq``), the
project types it applies to (ids or categories of ``layers/project_types.toml``; ``*`` for all), its
verdict, and the verdict when one of its recorded exceptions applies. The compatibility tables say
which 用地用海 level-1 codes and which 规划分区 a project type fits. The plan's own zone rules are
not here (they stay in the plan's elements).
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lukou_geo.errors import CatalogError
from lukou_geo.settings import get_settings

VERDICTS = ("符合", "需关注", "冲突")
#: verdict → severity (the worst finding decides a project's 压占结论)
SEVERITY = {"": 0, "符合": 0, "需关注": 1, "冲突": 2}
VERDICT_EN = {"符合": "fits", "需关注": "attention", "冲突": "conflict", "": ""}


@dataclass(frozen=True)
class Exception_:
    id: str
    title_zh: str
    title_en: str
    source: str
    basis: str


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    applies_to: tuple[str, ...]
    verdict: str
    verdict_with_exception: str
    exceptions: tuple[str, ...]
    title_zh: str
    title_en: str
    source: str
    basis: str
    codes: tuple[str, ...] = ()  # code prefixes the rule looks at (dltb); () = every feature

    def basis_text(self) -> str:
        return f"{self.source}:{self.basis}"


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]
    exceptions: dict[str, Exception_]
    sliver_m2: float
    sliver_share: float
    compat: dict[str, dict[str, tuple[str, ...]]]
    path: str = ""

    def for_kind(self, kind: str) -> list[Rule]:
        return [r for r in self.rules if r.kind == kind]


def rules_path() -> Path:
    return get_settings().layers_dir / "rules" / "occupancy.toml"


def read_rules(path: Path | None = None) -> Rules:
    """Read and validate the rules file (default ``layers/rules/occupancy.toml``), cached per modification."""
    p = Path(path or rules_path())
    try:
        mtime = p.stat().st_mtime_ns
    except OSError as exc:
        raise CatalogError(f"压占规则文件 {p} 无法读取:{exc.strerror};恢复 layers/rules/occupancy.toml",
                           f"the occupancy rules file {p} cannot be read: {exc.strerror}; restore layers/rules/occupancy.toml") from exc
    return _read(str(p), mtime)


@functools.lru_cache(maxsize=4)
def _read(path: str, mtime: int) -> Rules:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"压占规则文件 {path} 格式错误:{exc}", f"the occupancy rules file {path} is not valid TOML: {exc}") from exc
    excs = {}
    for i, e in enumerate(data.get("exception", [])):
        _need(e, ("id", "title_zh", "title_en", "source", "basis"), path, f"exception #{i + 1}")
        excs[e["id"]] = Exception_(e["id"], e["title_zh"], e["title_en"], e["source"], e["basis"])
    rules = []
    for i, r in enumerate(data.get("rule", [])):
        where = f"rule #{i + 1} ({r.get('id', '?')})"
        _need(r, ("id", "kind", "verdict", "title_zh", "title_en", "source", "basis"), path, where)
        for key in ("verdict", "verdict_with_exception"):
            if r.get(key, r["verdict"]) not in VERDICTS:
                raise CatalogError(f"{path} {where}:{key} = {r.get(key)!r} 不是 {'/'.join(VERDICTS)} 之一",
                                   f"{path} {where}: {key} = {r.get(key)!r} is not one of {', '.join(VERDICTS)}")
        bad = [x for x in r.get("exceptions", []) if x not in excs]
        if bad:
            raise CatalogError(f"{path} {where}:例外 {bad[0]!r} 未在 [[exception]] 中定义",
                               f"{path} {where}: exception {bad[0]!r} is not an [[exception]] id")
        rules.append(Rule(r["id"], r["kind"], tuple(r.get("applies_to", ["*"])), r["verdict"],
                          r.get("verdict_with_exception", r["verdict"]), tuple(r.get("exceptions", [])), r["title_zh"],
                          r["title_en"], r["source"], r["basis"], tuple(r.get("codes", []))))
    sl = data.get("sliver", {})
    compat = {k: {t: tuple(v) for t, v in tbl.items()} for k, tbl in data.get("compat", {}).items()}
    return Rules(tuple(rules), excs, float(sl.get("min_m2", 1.0)), float(sl.get("min_share", 0.0001)), compat, path)


def _need(rec: dict[str, Any], keys: tuple[str, ...], path: str, where: str) -> None:
    missing = [k for k in keys if not rec.get(k)]
    if missing:
        raise CatalogError(f"{path} {where}:缺少 {', '.join(missing)}", f"{path} {where}: missing {', '.join(missing)}")


def type_keys(ptype: str, vocab: Any) -> tuple[str, ...]:
    """The names a project type is matched by in the rules: its id and its category."""
    if not ptype:
        return ()
    rec = vocab.types.get(ptype, {}) if vocab is not None else {}
    cat = rec.get("category", "")
    return tuple(k for k in (ptype, cat) if k)


def applies(rule: Rule, keys: tuple[str, ...]) -> bool:
    """Whether ``rule`` applies to a project whose type has the names ``keys`` (:func:`type_keys`)."""
    return "*" in rule.applies_to or any(k in rule.applies_to for k in keys)


def compatible(rules: Rules, kind: str, keys: tuple[str, ...], code: str, name: str) -> bool | None:
    """Whether a class (``code``, ``name``) of a ``kind`` layer (ghydyh, ghfq) fits the project type;
    None when the table says nothing of the type (no verdict)."""
    table = rules.compat.get(kind, {})
    allowed = next((table[k] for k in keys if k in table), None)
    if allowed is None:
        return None
    if kind == "ghydyh":
        return str(code)[:2] in allowed
    return any(a in str(name) for a in allowed)
