"""Shared bits of the meeting-mode pages (present, views, compare): loaders, print export.

Their texts are ``meeting.*`` in :mod:`lukou_geo.text`.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import streamlit as st

from lukou_geo.errors import DeckError, LukouError, StoreError, ViewError
from lukou_geo.meeting.deck import Deck, deck_from_views, list_decks, read_deck, validate_deck
from lukou_geo.meeting.printing import PAPER_MM, PrintSpec, export_print
from lukou_geo.meeting.views import View, ViewStore
from lukou_geo.settings import get_settings
from lukou_geo.text import t
from lukou_geo.ui import messages
from lukou_geo.ui.i18n import lang
from lukou_geo.ui.state import load_catalog, load_data


@st.cache_resource(show_spinner=False)
def _deck_cached(deck_id: str, mtime: float) -> Deck:
    deck = read_deck(deck_id)
    validate_deck(deck, load_catalog(), load_data())
    return deck


def load_deck(deck_id: str) -> Deck:
    """A validated deck by id, or ``views`` for the saved views as a deck."""
    if deck_id == "views":
        return deck_from_views(view_store().list(**reader()))
    from lukou_geo.meeting.deck import deck_path

    p = deck_path(deck_id)
    return _deck_cached(deck_id, p.stat().st_mtime if p.exists() else 0.0)


def deck_choices() -> list[str]:
    """The decks of the decks folder, and ``views`` when there are saved views; :class:`DeckError` if neither."""
    ids = list_decks()
    if saved_views():
        ids.append("views")
    if not ids:
        folder = get_settings().decks_dir
        raise DeckError(f"{folder} 中没有演示文稿:放入 <id>.toml(参照仓库的 decks/default.toml),或先保存视图",
                        f"no decks in {folder}: add a <id>.toml deck (see decks/default.toml in the repository) or save a view")
    return ids


def view_store() -> ViewStore:
    """The saved views of the store (a new handle each time; the store itself is opened once per process)."""
    return ViewStore()


def warn_problem(vs: ViewStore) -> None:
    """A warning naming the old ``atlas.sqlite3`` when its views could not be moved into the store."""
    if vs.problem is not None:
        lg = lang()
        messages.warning(t("data.views_unavailable", lg, err=vs.problem.message(lg)))


def reader() -> dict[str, Any]:
    """Who this session reads and writes views as: ``user`` (the signed-in account or None) and ``local``
    (single-user mode on a loopback server); the store checks every write against them."""
    from lukou_geo.ui import session

    return {"user": session.acting_user(), "local": session.serves_loopback()}


def saved_views() -> list[View]:
    """The saved views this session may see, or none with a warning naming the file and the fix when the
    store cannot be read (damaged, unreadable): the decks and the rest of the page still work."""
    try:
        vs = view_store()
        warn_problem(vs)
        return vs.list(**reader())
    except (ViewError, StoreError) as exc:
        lg = lang()
        messages.warning(t("data.views_unavailable", lg, err=exc.message(lg)))
        return []


def print_controls(spec_of: Any, key: str) -> None:
    """Paper/orientation choice and PNG/PDF downloads of ``spec_of(paper, orientation)``.

    A print that cannot be made (no layer visible, no CJK font...) is a message below the controls,
    and the downloads of an earlier print are withdrawn: they no longer match the choice.
    """
    lg = lang()
    c1, c2, c3 = st.columns([1, 1, 2])
    paper = c1.selectbox(t("meeting.paper", lg), list(PAPER_MM), index=1, key=f"{key}_paper")
    orient = c2.selectbox(t("meeting.orientation", lg), ["landscape", "portrait"],
                          format_func=lambda o: t(f"meeting.{o}", lg), key=f"{key}_orient")
    if c3.button(t("meeting.make_print", lg), key=f"{key}_make"):
        spec: PrintSpec = spec_of(paper, orient)
        catalog, data = load_catalog(), load_data()
        try:
            with st.spinner("…"):
                st.session_state[f"{key}_out"] = (
                    export_print(catalog, data, spec, "pdf"), export_print(catalog, data, spec, "png"), paper, orient,
                )
        except LukouError as exc:
            st.session_state.pop(f"{key}_out", None)
            messages.error(exc.message(lg))
    out = st.session_state.get(f"{key}_out")
    if out:
        pdf, png, p, o = out
        stamp = _dt.date.today().isoformat()
        d1, d2 = st.columns(2)
        d1.download_button(t("meeting.dl_pdf", lg), pdf, file_name=f"lukou-{key}-{p}-{o}-{stamp}.pdf", mime="application/pdf",
                           key=f"{key}_dl_pdf")
        d2.download_button(t("meeting.dl_png", lg), png, file_name=f"lukou-{key}-{p}-{o}-{stamp}.png", mime="image/png",
                           key=f"{key}_dl_png")
