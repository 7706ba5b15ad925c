"""Who is using this browser session, and the pages' one door to :func:`lukou_geo.accounts.authorize`.

The account lives in ``st.session_state`` (on the server: a browser cannot set it, whatever URL or form it
sends). Local accounts sign in with a password (:func:`sign_in`); when Streamlit's OIDC is configured
(``[auth]`` in ``.streamlit/secrets.toml``), ``st.login`` signs in and :func:`sync_oidc` maps the
provider's e-mail to an account. A store without accounts is a single-user installation, writable only
while the server listens on loopback (:func:`serves_loopback`; ``make run`` does by default).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from lukou_geo import accounts
from lukou_geo.errors import AccessError
from lukou_geo.layer_store import current_store

LOOPBACK = ("127.0.0.1", "localhost", "::1")
_KEY = "account"


def serves_loopback() -> bool:
    """Whether this server listens on this machine only (``--server.address 127.0.0.1``)."""
    return str(st.get_option("server.address") or "") in LOOPBACK


def records_store() -> Any:
    """The store when it keeps accounts and the register (None otherwise)."""
    s = current_store()
    return s if s is not None and getattr(s, "dialect", None) is not None else None


def account() -> dict[str, Any] | None:
    """The signed-in account (``name``, ``display``, ``role``) or None."""
    acc = st.session_state.get(_KEY)
    return dict(acc) if acc else None


def acting_user() -> str | None:
    acc = account()
    return acc["name"] if acc else None


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, AttributeError):
        return False
    except Exception as exc:  # Streamlit raises its own StreamlitSecretNotFoundError when no secrets file exists
        if type(exc).__name__.startswith("StreamlitSecret"):
            return False
        raise


def sync_oidc() -> None:
    """After ``st.login``: the provider's user becomes the session's account (or a clear refusal)."""
    if account() is not None or not oidc_configured() or not getattr(st.user, "is_logged_in", False):
        return
    s = records_store()
    if s is None:
        return
    acc = accounts.sign_in_oidc(s, str(st.user.get("email") or ""), str(st.user.get("sub") or ""))
    st.session_state[_KEY] = acc.as_dict()


def sign_in(name: str, password: str) -> dict[str, Any]:
    s = records_store()
    if s is None:
        raise AccessError("此安装没有账户存储,无需登录", "this installation keeps no accounts: no sign-in is needed")
    acc = accounts.sign_in(s, name, password)
    st.session_state[_KEY] = acc.as_dict()
    return acc.as_dict()


def sign_out() -> None:
    from lukou_geo.registry import audit

    acc = account()
    s = records_store()
    if acc and s is not None:
        audit.log(s, acc["name"], "sign_out", f"user:{acc['name']}")
    st.session_state.pop(_KEY, None)


def require(action: str, owner: str | None = None, target: str = "") -> accounts.Account:
    """The acting account if it may take ``action`` (server-side, logged when refused); else :class:`AccessError`."""
    s = records_store()
    if s is None:  # a store without record tables: single-user on loopback only
        if serves_loopback():
            return accounts.Account(name=accounts.local_user(), display=accounts.local_user(), role="admin", single_user=True)
        raise AccessError("此服务器对网络开放但没有账户存储,不能写入。未作任何更改",
                          "this server listens on the network but keeps no accounts, so it cannot write. Nothing was changed")
    return accounts.guarded(s, acting_user(), action, owner, local=serves_loopback(), target=target)


def browse_state() -> str:
    """Whether this session may browse: ``"account"`` (signed in), ``"local"`` (a server on loopback: this
    machine's user), ``"open"`` (no account store: nobody can sign in, writes are refused anyway),
    ``"anonymous"`` (a visitor not signed in, browsing as a viewer under ``LUKOU_ANONYMOUS_BROWSE=1``),
    ``"no_accounts"`` (a network server whose store has no account yet) or ``"sign_in"`` (sign in first)."""
    from lukou_geo.settings import get_settings

    if account() is not None:
        return "account"
    if serves_loopback():
        return "local"
    s = records_store()
    if s is None:
        return "open"
    if get_settings().anonymous_browse:
        return "anonymous"
    return "sign_in" if accounts.count_accounts(s) else "no_accounts"


def refusal(action: str, owner: str | None = None) -> AccessError | None:
    """Why the session may not take ``action`` (the server's own refusal, not logged: nothing was tried), or None."""
    s = records_store()
    if s is None:
        return None if serves_loopback() else AccessError("此服务器对网络开放但没有账户存储,不能写入",
                                                         "this server listens on the network but keeps no accounts, so it cannot write")
    try:
        with s.transaction() as tx:
            accounts.authorize(tx, s.dialect, acting_user(), action, owner, local=serves_loopback())
    except AccessError as exc:
        return exc
    return None


def shows(action: str, owner: str | None = None) -> bool:
    """Whether a page shows the form of ``action``: when the store allows it (:func:`allowed`), or when the
    session's account may by the role it signed in with (a role changed since then keeps its form on the
    page until the account signs in again; submitting it is refused by the server: :func:`require`)."""
    if allowed(action, owner):
        return True
    acc = account()
    if acc is None or acc.get("role") not in accounts.ROLES:
        return False
    need, own_only, _zh, _en = accounts.ACTIONS[action]
    if accounts.ROLES.index(acc["role"]) < accounts.ROLES.index(need):
        return False
    return not (own_only and owner is not None and owner != acc["name"] and acc["role"] != "admin")


def allowed(action: str, owner: str | None = None) -> bool:
    """Whether the session may take ``action`` (to decide what to show; writes still call :func:`require`)."""
    return refusal(action, owner) is None


def admin_store(action: str, lg: str) -> Any:
    """The records store for an admin page, or None after saying why not (no register kept here; the
    account may not ``action``). The page's reads and writes are still checked on the server."""
    from lukou_geo.text import t
    from lukou_geo.ui import messages

    s = records_store()
    if s is None:
        messages.info(t("admin.no_store", lg))
        return None
    if not allowed(action):
        messages.info(t("admin.only", lg))
        return None
    return s

