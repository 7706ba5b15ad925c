"""Accounts and roles, and the one authorisation check every write goes through.

Roles (each includes the one before): ``viewer`` (browse, present, open shared views), ``checker``
(check, register, change the status of own projects, save views and change own views), ``admin`` (layers, users, anyone's records,
the audit log). Passwords are hashed with argon2id (argon2-cffi); an account signing in through
the identity provider (Streamlit's OIDC ``st.login``) has no password and is matched by name
(the provider's e-mail).

:func:`authorize` decides; :func:`require` is what writers call inside their write transaction, so
the check and the write are atomic, and a refusal rolls the write back: nothing changes, and the
refusal itself is logged (``denied``) in a transaction of its own.

**Single-user mode.** A store with no account at all is a single-user installation: writes from
this machine (the CLI, or a server listening on loopback only: ``local=True``) are allowed and
recorded under the name given. The first account created must be an admin
(``python -m lukou_geo users add NAME --role admin``); from then on every write needs an active
account with the role. A server listening on the network never writes for anyone without an account.

**The CLI** runs with the rights of a shell on the server (it could open the store's file or
database directly), so ``--user NAME`` names the account without a password; the role checks still
apply, and every write is logged under that name.
"""

from __future__ import annotations

import getpass
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from lukou_geo.errors import AccessError
from lukou_geo.registry import audit
from lukou_geo.store._sql import now_iso

ROLES: tuple[str, ...] = ("viewer", "checker", "admin")
ROLE_NAMES: dict[str, tuple[str, str]] = {"viewer": ("浏览者", "viewer"), "checker": ("核查员", "checker"), "admin": ("管理员", "admin")}

#: Every write (and admin read): {action: (least role, own-only for roles below admin, zh, en)}.
ACTIONS: dict[str, tuple[str, bool, str, str]] = {
    "project.register": ("checker", False, "登记项目", "register a project"),
    "project.status": ("checker", True, "更改项目状态", "change a project's status"),
    "project.recheck": ("checker", True, "重新核查项目", "re-check a project"),
    "layers.import": ("admin", False, "导入图层", "import a layer"),
    "layers.remove": ("admin", False, "删除图层", "remove a layer"),
    "basemaps.register": ("admin", False, "登记底图", "register a basemap"),
    "basemaps.remove": ("admin", False, "删除底图", "remove a basemap"),
    "views.write": ("checker", True, "保存或修改视图", "save or change a view"),
    "users.admin": ("admin", False, "管理账户", "manage accounts"),
    "audit.read": ("admin", False, "查看审计日志", "read the audit log"),
}

_NAME_RE = re.compile(r"^[\w.@+-]{1,64}$")
MIN_PASSWORD = 8


@dataclass(frozen=True)
class Account:
    """An account (or, in single-user mode, the local user: ``single_user=True``)."""

    name: str
    display: str
    role: str
    active: bool = True
    oidc: bool = False
    single_user: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "display": self.display, "role": self.role, "active": self.active, "oidc": self.oidc}


def local_user() -> str:
    """The name of this machine's user: ``LUKOU_USER`` or the OS login."""
    name = os.environ.get("LUKOU_USER")
    if not name:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):
            name = "unknown"
    return name


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def _check_name(name: str) -> str:
    name = unicodedata.normalize("NFC", str(name or "").strip())
    if not _NAME_RE.match(name):
        raise AccessError(f"账户名「{name}」无效:1–64 个字母、数字、汉字或 . @ + - _,不含空格",
                          f"invalid account name {name!r}: 1–64 letters, digits, CJK or . @ + - _, no spaces")
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise AccessError(f"角色「{role}」无效:应为 viewer(浏览者)、checker(核查员)或 admin(管理员)",
                          f"invalid role {role!r}: use viewer, checker or admin")
    return role


def _check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise AccessError(f"密码至少 {MIN_PASSWORD} 个字符", f"a password needs at least {MIN_PASSWORD} characters")
    return password


_COLS = "name, display, role, active, pw_hash, oidc_sub"


def _account(row: Any) -> Account:
    return Account(name=row[0], display=row[1], role=row[2], active=bool(row[3]), oidc=not row[4])


def _get(tx: Any, d: Any, name: str, lock: bool = False) -> Any:
    tail = " FOR UPDATE" if lock and d.name == "postgres" else ""
    return tx.execute(f"SELECT {_COLS} FROM lk_users WHERE name = {d.param}{tail}", (name,)).fetchone()


def _count(tx: Any) -> int:
    return int(tx.execute("SELECT count(*) FROM lk_users").fetchone()[0])


def _refuse(zh: str, en: str) -> AccessError:
    return AccessError(zh + "。未作任何更改", en + ". Nothing was changed")


def authorize(tx: Any, d: Any, user: str | None, action: str, owner: str | None = None, local: bool = False) -> Account:
    """The account ``user`` if it may take ``action`` (on a record of ``owner``), else :class:`AccessError`.

    Reads inside the caller's transaction ``tx`` (dialect ``d``); see the module doc for single-user mode."""
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}; add it to lukou_geo.accounts.ACTIONS")
    need, own_only, what_zh, what_en = ACTIONS[action]
    if _count(tx) == 0:
        if local:
            name = str(user or local_user()).strip() or local_user()
            return Account(name=name, display=name, role="admin", single_user=True)
        raise _refuse(f"此服务器尚无账户,不能{what_zh}:请在服务器上用 python -m lukou_geo users add 姓名 --role admin 建立第一个管理员",
                      f"this server has no accounts yet, so it cannot {what_en}: create the first admin on the server with "
                      "python -m lukou_geo users add NAME --role admin")
    if not user:
        raise _refuse(f"请先登录再{what_zh}", f"sign in to {what_en}")
    row = _get(tx, d, str(user))
    if row is None or not row[3]:
        state = "不存在" if row is None else "已停用"
        state_en = "does not exist" if row is None else "is deactivated"
        raise _refuse(f"账户「{user}」{state},不能{what_zh}", f"the account {user!r} {state_en}, so it cannot {what_en}")
    acc = _account(row)
    if ROLES.index(acc.role) < ROLES.index(need):
        zh_need, en_need = ROLE_NAMES[need]
        raise _refuse(f"账户「{acc.name}」是{ROLE_NAMES[acc.role][0]},{what_zh}需要{zh_need}或以上角色;请联系管理员",
                      f"the account {acc.name!r} is a {acc.role}; to {what_en} needs the {en_need} role or above: ask an admin")
    if own_only and owner is not None and owner != acc.name and acc.role != "admin":
        raise _refuse(f"这条记录属于「{owner}」,账户「{acc.name}」只能{what_zh}自己的记录(管理员可改任何人的)",
                      f"this record belongs to {owner!r}; {acc.name!r} may only {what_en} of its own (an admin may change anyone's)")
    return acc


def require(store: Any, tx: Any, user: str | None, action: str, owner: str | None = None, local: bool = False,
            target: str = "") -> Account:
    """:func:`authorize` inside a write; a refusal is logged (``denied``) after the write's rollback."""
    try:
        return authorize(tx, store.dialect, user, action, owner, local)
    except AccessError as exc:
        exc.audit_entry = (str(user or "(anonymous)"), target, {"action": action, "owner": owner, "why": exc.en})  # type: ignore[attr-defined]
        raise


def log_denial(store: Any, exc: AccessError) -> None:
    """Write the ``denied`` entry of a refusal raised by :func:`require` (after its transaction rolled back)."""
    entry = getattr(exc, "audit_entry", None)
    if entry is not None:
        audit.log(store, entry[0], "denied", entry[1], entry[2])


def guarded(store: Any, user: str | None, action: str, owner: str | None = None, local: bool = False,
            target: str = "") -> Account:
    """Authorise in a read transaction of its own (for writes that are not to the record tables, e.g.
    a layer import); logs a refusal."""
    try:
        with store.transaction() as tx:
            return require(store, tx, user, action, owner, local, target)
    except AccessError as exc:
        log_denial(store, exc)
        raise


# ------------------------------------------------------------------------------ accounts


def count_accounts(store: Any) -> int:
    with store.transaction() as tx:
        return _count(tx)


def list_accounts(store: Any) -> list[Account]:
    with store.transaction() as tx:
        return [_account(r) for r in tx.execute(f"SELECT {_COLS} FROM lk_users ORDER BY name").fetchall()]


def get_account(store: Any, name: str) -> Account | None:
    with store.transaction() as tx:
        row = _get(tx, store.dialect, name)
    return _account(row) if row else None


def add_account(store: Any, actor: str | None, name: str, role: str, password: str | None = None, display: str = "",
                local: bool = False) -> Account:
    """Create an account (``password=None``: signs in through the identity provider only).

    The first account of a store must be an admin and may be created only locally (the CLI); later
    ones need an admin."""
    name, role = _check_name(name), _check_role(role)
    pw_hash = _hasher().hash(_check_password(password)) if password is not None else ""
    d = store.dialect
    try:
        with store.transaction(write=True) as tx:
            first = _count(tx) == 0
            if first:
                if not local:
                    raise _refuse("第一个账户只能在服务器上用命令行建立", "the first account can only be created on the server, with the CLI")
                if role != "admin":
                    raise _refuse("第一个账户必须是管理员(--role admin)", "the first account must be an admin (--role admin)")
                by = str(actor or name)
            else:
                by = require(store, tx, actor, "users.admin", local=local, target=f"user:{name}").name
            if _get(tx, d, name) is not None:
                raise _refuse(f"账户「{name}」已存在", f"the account {name!r} exists already")
            now = now_iso()
            p = d.param
            tx.execute(f"INSERT INTO lk_users (name, display, role, pw_hash, oidc_sub, active, created, created_by, updated) "
                       f"VALUES ({p}, {p}, {p}, {p}, NULL, 1, {p}, {p}, {p})", (name, display.strip() or name, role, pw_hash, now, by, now))
            audit.record(tx, d, by, "user.add", f"user:{name}", {"role": role, "password": bool(pw_hash), "first": first})
    except AccessError as exc:
        log_denial(store, exc)
        raise
    return Account(name=name, display=display.strip() or name, role=role, oidc=not pw_hash)


def _update(store: Any, actor: str | None, name: str, action: str, sets: dict[str, Any], detail: dict[str, Any],
            local: bool, self_ok: bool = False) -> None:
    d = store.dialect
    p = d.param
    try:
        with store.transaction(write=True) as tx:
            row = _get(tx, d, name, lock=True)
            if self_ok and actor == name and row is not None:
                by = name
            else:
                by = require(store, tx, actor, "users.admin", local=local, target=f"user:{name}").name
            if row is None:
                raise _refuse(f"没有账户「{name}」", f"there is no account {name!r}")
            if action in ("user.role", "user.active") and row[2] == "admin":
                demoted = sets.get("role", "admin") != "admin" or sets.get("active", 1) == 0
                admins = tx.execute("SELECT count(*) FROM lk_users WHERE role = 'admin' AND active = 1").fetchone()[0]
                if demoted and int(admins) <= 1:
                    raise _refuse("这是最后一个启用的管理员,不能降级或停用", "this is the last active admin: it cannot be demoted or deactivated")
            cols = ", ".join(f"{k} = {p}" for k in sets)
            tx.execute(f"UPDATE lk_users SET {cols}, updated = {p} WHERE name = {p}", (*sets.values(), now_iso(), name))
            audit.record(tx, d, by, action, f"user:{name}", detail)
    except AccessError as exc:
        log_denial(store, exc)
        raise


def set_role(store: Any, actor: str | None, name: str, role: str, local: bool = False) -> None:
    role = _check_role(role)
    _update(store, actor, name, "user.role", {"role": role}, {"role": role}, local)


def set_active(store: Any, actor: str | None, name: str, active: bool, local: bool = False) -> None:
    _update(store, actor, name, "user.active", {"active": 1 if active else 0}, {"active": bool(active)}, local)


def set_password(store: Any, actor: str | None, name: str, password: str, local: bool = False) -> None:
    """Set a password (the account itself or an admin)."""
    h = _hasher().hash(_check_password(password))
    _update(store, actor, name, "user.password", {"pw_hash": h}, {}, local, self_ok=True)


_DUMMY: list[str] = []


def sign_in(store: Any, name: str, password: str) -> Account:
    """The account whose name and password these are; :class:`AccessError` (the same message whether
    the name or the password was wrong) otherwise. Both outcomes are logged."""
    from argon2.exceptions import InvalidHashError, VerificationError

    ph = _hasher()
    name = unicodedata.normalize("NFC", str(name or "").strip())
    with store.transaction() as tx:
        row = _get(tx, store.dialect, name)
    ok = False
    if row is not None and row[4]:
        try:
            ok = ph.verify(row[4], password or "")
        except (VerificationError, InvalidHashError):
            ok = False
    else:  # the same work for an unknown name
        if not _DUMMY:
            _DUMMY.append(ph.hash("lukou-dummy-password"))
        try:
            ph.verify(_DUMMY[0], (password or "") + "x")
        except VerificationError:
            pass
    if not ok or not row[3]:
        audit.log(store, name or "(empty)", "sign_in_failed", f"user:{name}", {"method": "password"})
        raise AccessError("账户名或密码不正确,或账户已停用", "wrong account name or password, or the account is deactivated")
    if ph.check_needs_rehash(row[4]):
        with store.transaction(write=True) as tx:
            tx.execute(f"UPDATE lk_users SET pw_hash = {store.dialect.param} WHERE name = {store.dialect.param}", (ph.hash(password), name))
    audit.log(store, name, "sign_in", f"user:{name}", {"method": "password"})
    return _account(row)


def sign_in_oidc(store: Any, email: str, subject: str = "") -> Account:
    """The account an identity-provider sign-in (``st.user``) maps to: the account named by its e-mail.
    Unknown or deactivated: :class:`AccessError` (an admin adds the account first)."""
    name = unicodedata.normalize("NFC", str(email or "").strip())
    with store.transaction() as tx:
        row = _get(tx, store.dialect, name) if name else None
    if row is None or not row[3]:
        audit.log(store, name or "(empty)", "sign_in_failed", f"user:{name}", {"method": "oidc", "sub": subject})
        raise AccessError(f"身份提供方登录的「{name}」在本系统没有启用的账户:请管理员先建立该账户",
                          f"{name!r} signed in with the identity provider but has no active account here: ask an admin to add it")
    audit.log(store, name, "sign_in", f"user:{name}", {"method": "oidc", "sub": subject})
    return _account(row)
