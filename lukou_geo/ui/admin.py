"""Admin actions: the one place where the actions that change the store or the data dir are named.

Access control comes in a later issue; until then every user may take them. Pages ask
:func:`allowed` before they show an admin form and pass :func:`user` as the name every write records,
so the guard, when it comes, goes here and nowhere else.
"""

from __future__ import annotations

import getpass
import os

import streamlit as st

#: Every admin action: {action: what it does}.
ADMIN_ACTIONS: dict[str, str] = {
    "layers.import": "import a layer into the store (lukou_geo.store.importer.import_layer)",
    "layers.remove": "remove a layer from the store (Store.remove_layer)",
    "basemaps.register": "register an MBTiles/PMTiles basemap in LUKOU_DATA_DIR/basemaps",
    "basemaps.remove": "remove a registered basemap",
}


def allowed(action: str) -> bool:
    """Whether the current user may take ``action`` (every one may, until accounts and roles arrive)."""
    if action not in ADMIN_ACTIONS:
        raise KeyError(f"unknown admin action {action!r}; add it to lukou_geo.ui.admin.ADMIN_ACTIONS")
    return True


def user() -> str:
    """The name a write records: the session's user (set by a later login), ``LUKOU_USER``, or the OS user."""
    name = st.session_state.get("user") or os.environ.get("LUKOU_USER")
    if not name:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):
            name = "unknown"
    return str(name)
