"""Targets of the benchmarks: each measured figure is checked against its limit, printed, and a
missed target makes the script exit non-zero (so ``make bench`` fails)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field

_OPS: dict[str, Callable[[float, float], bool]] = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt, "==": operator.eq}


@dataclass
class Targets:
    """Collects (name, value, op, limit) checks; :meth:`exit_code` is 1 when any was missed."""

    title: str
    results: list[tuple[str, float, str, float, bool, str]] = field(default_factory=list)

    def check(self, name: str, value: float, op: str, limit: float, note: str = "") -> bool:
        ok = bool(_OPS[op](value, limit))
        self.results.append((name, value, op, limit, ok, note))
        print(f"  [{'met' if ok else 'MISSED'}] {name}: {value:,.3f} (target {op} {limit:,.3f}){'  ' + note if note else ''}")
        return ok

    @property
    def missed(self) -> list[str]:
        return [r[0] for r in self.results if not r[4]]

    def exit_code(self) -> int:
        if self.missed:
            print(f"{self.title}: TARGETS MISSED: {', '.join(self.missed)}")
            return 1
        print(f"{self.title}: all {len(self.results)} targets met")
        return 0
