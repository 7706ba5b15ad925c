"""The UI's current language; the texts themselves are in :mod:`lukou_geo.text`."""

from __future__ import annotations

import streamlit as st


def lang() -> str:
    """The current UI language ("zh" default, "en"): the session's choice, else ``?lang=``."""
    value = st.session_state.get("lang")
    if value not in ("zh", "en"):
        value = st.query_params.get("lang", "zh")
        if value not in ("zh", "en"):
            value = "zh"
        st.session_state["lang"] = value
    return value
