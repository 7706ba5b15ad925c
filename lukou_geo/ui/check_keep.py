"""The check page's result across a reload: kept in this server process under a random token.

``st.session_state`` survives a switch to another page and back, not a reload (a reload is a new
session). So every run gets a token (:func:`keep`), the page writes the token of the result it shows
into its address (``?run=TOKEN``), and a new session that finds the token there takes the run back
(:func:`recall`). The address holds only the token, never the projects or the result. The last
:data:`KEEP` runs of all sessions are kept (the oldest go first); a server restart forgets them, and
the page then says the link's result is gone. Anyone with the address sees the result, as with a
saved view's share link: the token is 128 random bits.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from typing import Any

import streamlit as st

#: runs kept for a reload, across all sessions of this server
KEEP = 32
#: the query parameter that names the shown result
PARAM = "run"
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class _Kept:
    def __init__(self) -> None:
        self.runs: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.lock = threading.Lock()


@st.cache_resource(show_spinner=False)
def _kept() -> _Kept:
    return _Kept()


def keep(run: dict[str, Any]) -> str:
    """Keep ``run`` for a reload; its token (also set as ``run["token"]``)."""
    token = secrets.token_urlsafe(16)
    run["token"] = token
    k = _kept()
    with k.lock:
        k.runs[token] = run
        while len(k.runs) > KEEP:
            k.runs.popitem(last=False)
    return token


def recall(token: str | None) -> dict[str, Any] | None:
    """The run kept under ``token``, or None (no such token, or it is no longer kept)."""
    if not token or not _TOKEN_RE.match(token):
        return None
    k = _kept()
    with k.lock:
        run = k.runs.get(token)
        if run is not None:
            k.runs.move_to_end(token)
        return run


def show_in_address(run: dict[str, Any] | None) -> None:
    """Write the shown run's token into the address (remove it when no result is shown)."""
    token = run.get("token") if run else None
    if token:
        if st.query_params.get(PARAM) != token:
            st.query_params[PARAM] = token
    elif PARAM in st.query_params:
        del st.query_params[PARAM]
