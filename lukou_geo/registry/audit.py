"""The audit log: who did what, when, to which target (sign-ins, imports, registrations, status
changes, deletions, report exports, refusals).

Append-only: this module offers no update or delete, and the store refuses both with a trigger on
``lk_audit`` (:mod:`lukou_geo.store._records`). Entries written inside another write
(:func:`record`) commit or roll back with it, so the log never says something happened that did not.
CSV exports neutralise cells a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lukou_geo.store._sql import now_iso

#: Actions the log knows (others are kept as given).
ACTIONS: dict[str, tuple[str, str]] = {
    "sign_in": ("登录", "signed in"),
    "sign_in_failed": ("登录失败", "sign-in failed"),
    "sign_out": ("退出", "signed out"),
    "denied": ("拒绝操作", "refused"),
    "user.add": ("新增账户", "account added"),
    "user.role": ("更改角色", "role changed"),
    "user.active": ("启用/停用账户", "account (de)activated"),
    "user.password": ("更改密码", "password changed"),
    "layer.import": ("导入图层", "layer imported"),
    "layer.remove": ("删除图层", "layer removed"),
    "basemap.register": ("登记底图", "basemap registered"),
    "basemap.remove": ("删除底图", "basemap removed"),
    "project.register": ("登记项目", "project registered"),
    "project.status": ("更改状态", "status changed"),
    "project.recheck": ("重新核查", "project re-checked"),
    "report.export": ("导出报告", "report exported"),
    "view.save": ("保存视图", "view saved"),
    "view.edit": ("修改视图", "view changed"),
    "view.delete": ("删除视图", "view deleted"),
    "view.import": ("导入旧视图文件", "old views file imported"),
    "audit.export": ("导出审计日志", "audit log exported"),
}

COLUMNS = ("id", "at", "user", "action", "target", "detail")


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to list (None: any)."""

    user: str | None = None
    action: str | None = None  # an action or a prefix ending in "." ("project.")
    target: str | None = None
    since: str | None = None  # ISO 8601 (UTC), inclusive
    until: str | None = None  # exclusive


def record(tx: Any, dialect: Any, user: str, action: str, target: str = "", detail: dict[str, Any] | None = None) -> None:
    """Append an entry inside the open transaction ``tx`` (it commits or rolls back with the write)."""
    p = dialect.param
    tx.execute(f"INSERT INTO lk_audit (at, user_name, action, target, detail) VALUES ({p}, {p}, {p}, {p}, {p})",
               (now_iso(), str(user), action, str(target), json.dumps(detail or {}, ensure_ascii=False, default=str)))


def log(store: Any, user: str, action: str, target: str = "", detail: dict[str, Any] | None = None) -> None:
    """Append an entry in a transaction of its own."""
    with store.transaction(write=True) as tx:
        record(tx, store.dialect, user, action, target, detail)


def _where(store: Any, flt: AuditFilter) -> tuple[str, list[Any]]:
    p = store.dialect.param
    where, params = [], []
    if flt.user:
        where.append(f"user_name = {p}")
        params.append(flt.user)
    if flt.action:
        if flt.action.endswith("."):
            where.append(f"substr(action, 1, {len(flt.action)}) = {p}")
        else:
            where.append(f"action = {p}")
        params.append(flt.action)
    if flt.target:
        where.append(f"target = {p}")
        params.append(flt.target)
    if flt.since:
        where.append(f"at >= {p}")
        params.append(flt.since)
    if flt.until:
        where.append(f"at < {p}")
        params.append(flt.until)
    return (" WHERE " + " AND ".join(where)) if where else "", params


def entries(store: Any, flt: AuditFilter = AuditFilter(), limit: int = 1000, offset: int = 0) -> list[dict[str, Any]]:
    """Entries, newest first: ``id``, ``at``, ``user``, ``action``, ``target``, ``detail`` (a dict)."""
    p = store.dialect.param
    where, params = _where(store, flt)
    sql = f"SELECT id, at, user_name, action, target, detail FROM lk_audit{where} ORDER BY id DESC LIMIT {p} OFFSET {p}"
    with store.transaction() as tx:
        rows = tx.execute(sql, [*params, int(limit), int(offset)]).fetchall()
    return [dict(zip(COLUMNS, (int(r[0]), r[1], r[2], r[3], r[4], json.loads(r[5])), strict=True)) for r in rows]


def count(store: Any, flt: AuditFilter = AuditFilter()) -> int:
    """How many entries the filter selects."""
    where, params = _where(store, flt)
    with store.transaction() as tx:
        return int(tx.execute(f"SELECT count(*) FROM lk_audit{where}", params).fetchone()[0])


def users(store: Any) -> list[str]:
    """The user names the log holds (for the audit page's filter)."""
    with store.transaction() as tx:
        return [r[0] for r in tx.execute("SELECT DISTINCT user_name FROM lk_audit ORDER BY user_name").fetchall()]


_FORMULA = ("=", "+", "-", "@", "＝", "＋", "－", "＠")


def safe_cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as written: text that would start a formula (``= + - @``, full-width
    too, after leading spaces; or a tab / carriage return first) gets a leading apostrophe."""
    text = "" if value is None else str(value)
    if text[:1] in ("\t", "\r") or text.lstrip()[:1] in _FORMULA:
        return "'" + text
    return text


def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    """The entries as CSV text (UTF-8 with BOM when written, so Excel reads the Chinese)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["编号 id", "时间 at (UTC)", "用户 user", "操作 action", "对象 target", "详情 detail"])
    for r in rows:
        detail = r["detail"] if isinstance(r["detail"], str) else json.dumps(r["detail"], ensure_ascii=False, default=str)
        w.writerow([safe_cell(r["id"]), safe_cell(r["at"]), safe_cell(r["user"]), safe_cell(r["action"]),
                    safe_cell(r["target"]), safe_cell(detail)])
    return buf.getvalue()
