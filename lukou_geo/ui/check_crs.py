"""The check page's CRS step: where lon/lat coordinates come from is a required, remembered choice.

GCJ-02 (高德) and WGS-84 cannot be told apart by the numbers (they differ by ~600 m here), so under
自动识别 an input in degrees is not checked until the planner has said where its coordinates come from.
The choice (高德 first: that is where planners' points come from) is remembered for the session, also
when the page is left and opened again (Streamlit forgets a widget's value when it is not drawn).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from lukou_geo.sitecheck.inputs.crs_spec import DegreesGuessed
from lukou_geo.sitecheck.provenance import LONLAT_SOURCES
from lukou_geo.text import t

#: The page's CRS choices in the order shown: auto, then the lon/lat sources with 高德 first, then the projected ones.
CRS_ORDER: tuple[str, ...] = ("auto", "gcj02", "wgs84", "bd09", "gk", "gk-zone:38", "gk-cm:114")
_SAVED = "check_lonlat_saved"


def _remember() -> None:
    st.session_state[_SAVED] = st.session_state.get("check_lonlat")


def lonlat_selector(container: Any, lang: str) -> str | None:
    """The required "lon/lat coordinates come from" selector (in ``container``); the choice, or None before one is made."""
    saved = st.session_state.get(_SAVED)
    choice = container.selectbox(
        t("check.lonlat", lang), LONLAT_SOURCES, index=LONLAT_SOURCES.index(saved) if saved in LONLAT_SOURCES else None,
        placeholder=t("check.lonlat_ph", lang), format_func=lambda k: t(f"check.lonlat.{k}", lang), key="check_lonlat",
        on_change=_remember,
    )
    if choice is not None:
        st.session_state[_SAVED] = choice
    return choice


def crs_argument(crs: str, lonlat: str | None) -> str:
    """The ``crs`` argument of the readers: ``auto:<source>`` once the lon/lat source is chosen."""
    return f"auto:{lonlat}" if crs == "auto" and lonlat else crs


def needs_lonlat_choice(notes: list[str]) -> bool:
    """Whether a reader took degrees as WGS-84 only because no source was chosen (the input waits for the choice)."""
    return any(isinstance(n, DegreesGuessed) for n in notes)


def uploader_in_language(lang: str) -> None:
    """Streamlit's own uploader texts ("Upload", "200MB per file • CSV…") in the page's language.

    Streamlit writes them in English whatever the page's language (and the default limit's "200MB"
    contradicted the app's); the page names the types in the uploader's label and the limit in a caption
    below it, so the drop zone's instructions are hidden and the button reads :func:`t` ``check.upload_button``.
    The CSS is the app's own; the button text goes in as a CSS string, without the characters that could
    end the string or the style element (Markdown would eat a CSS escape's backslash).
    """
    label = '"' + "".join(ch for ch in t("check.upload_button", lang) if ch not in '"\\<>\n{};') + '"'
    # the browse button only: the files given sit in the drop zone too, each with its delete button
    button = '[data-testid="stFileUploaderDropzone"] button:not([data-testid="stFileChip"] button)'
    st.markdown(
        "<style>"
        '[data-testid="stFileUploaderDropzoneInstructions"]{display:none}'
        f"{button},{button} *{{font-size:0 !important}}"
        f"{button}::after{{content:{label};font-size:14px}}"
        "</style>",
        unsafe_allow_html=True,
    )


__all__ = ["CRS_ORDER", "crs_argument", "lonlat_selector", "needs_lonlat_choice", "uploader_in_language"]
