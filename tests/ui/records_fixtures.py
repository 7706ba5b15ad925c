"""Helpers of the register / accounts / audit page tests (their fixtures are in tests/ui/conftest.py)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def signed_in(at: AppTest, name: str, role: str) -> AppTest:
    """``at`` with ``name`` signed in (the session state the sign-in page writes)."""
    at.session_state["account"] = {"name": name, "display": name, "role": role, "active": True, "oidc": False}
    return at
