"""The pages' access to the layer store: the store itself, cached class statistics and map specs."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from lukou_geo.layer_store import current_store
from lukou_geo.store.base import LayerInfo, Store, TableFilter


def store() -> Store | None:
    """The store of the planner's layers (None when this installation has none)."""
    return current_store()


def layers() -> list[LayerInfo]:
    s = store()
    return s.layers() if s is not None else []


@st.cache_data(show_spinner=False, max_entries=256, ttl=600)
def class_stats(layer_id: str, version: int, code_prefix: str | None = None, text: str | None = None) -> pd.DataFrame:
    """``Store.class_stats`` of a layer version (cached: a re-import is a new version)."""
    s = store()
    assert s is not None
    return s.class_stats(layer_id, TableFilter(code_prefix=code_prefix or None, text=text or None))


def tile_specs(lang: str, hidden: frozenset[str] = frozenset()) -> tuple[Any, ...]:
    """A map spec of every store layer (shown unless in ``hidden``), for :class:`~lukou_geo.map.render.MapOptions`."""
    from lukou_geo.map.elements.vector_tiles import layer_spec

    return tuple(layer_spec(info, class_stats(info.id, info.version), lang, show=info.id not in hidden)
                 for info in layers())
