"""Admin actions: the one place where the actions that change the store or the data dir are named.

Pages ask :func:`allowed` before they show an admin form, call :func:`require` when the form is
submitted (the server-side check of :mod:`lukou_geo.accounts`, whatever the browser sent) and pass
:func:`user` as the name every write records.
"""

from __future__ import annotations

import getpass
import os

import streamlit as st

#: Every admin action: {action: what it does}.
ADMIN_ACTIONS: dict[str, str] = {
    "layers.import": "import a layer into the store (lukou_geo.store.importer.import_layer)",
    "layers.remove": "remove a layer from the store (Store.remove_layer)",
    "basemaps.register": "register an MBTiles/PMTiles/GeoTIFF basemap in LUKOU_DATA_DIR/basemaps",
    "basemaps.remove": "remove a registered basemap",
}


def allowed(action: str) -> bool:
    """Whether the current session may take ``action`` (an admin, or single-user mode on loopback)."""
    if action not in ADMIN_ACTIONS:
        raise KeyError(f"unknown admin action {action!r}; add it to lukou_geo.ui.admin.ADMIN_ACTIONS")
    from lukou_geo.ui import session

    return session.allowed(action)


def require(action: str, target: str = "") -> str:
    """The server-side check when an admin form is submitted: the acting name, or :class:`~lukou_geo.errors.AccessError`."""
    if action not in ADMIN_ACTIONS:
        raise KeyError(f"unknown admin action {action!r}; add it to lukou_geo.ui.admin.ADMIN_ACTIONS")
    from lukou_geo.ui import session

    return session.require(action, target=target).name


def record(action: str, target: str, detail: dict | None = None) -> None:
    """An audit entry for a done admin action (when the store keeps the audit log)."""
    from lukou_geo.registry import audit
    from lukou_geo.ui import session

    s = session.records_store()
    if s is not None:
        audit.log(s, user(), action, target, detail)


def user() -> str:
    """The name a write records: the signed-in account, else (single-user mode) ``LUKOU_USER`` or the OS user."""
    acc = st.session_state.get("account")
    if acc:
        return str(acc["name"])
    name = st.session_state.get("user") or os.environ.get("LUKOU_USER")
    if not name:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):
            name = "unknown"
    return str(name)
