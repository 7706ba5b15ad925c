"""The check page's inputs beside the map: the uploader of several files and the "check as" choice of pasted lines.

The uploader keeps every file given to it (a file added keeps the earlier ones); the files are read
one by one and checked together as one run, each project keeping its file (``source``) and each file its
provenance (SHA-256, encoding, CRS assumed). A file that cannot be read is named in its own error while
the others are checked. Several lines of coordinates are several points unless a line or a polygon is
asked for (:data:`lukou_geo.sitecheck.inputs.coords.SHAPES`); the choice applies to pasted text and to
coordinate TXT files, never to the 部标 TXT (its rings are its own).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from lukou_geo.errors import InputError
from lukou_geo.settings import get_settings
from lukou_geo.sitecheck import provenance
from lukou_geo.sitecheck.inputs import describe, read_bytes, upload_types
from lukou_geo.sitecheck.inputs import formats as input_formats
from lukou_geo.sitecheck.inputs.coords import SHAPES
from lukou_geo.sitecheck.inputs.encoding import decode_text
from lukou_geo.sitecheck.inputs.ingested import Ingested, merge
from lukou_geo.sitecheck.provenance import Provenance
from lukou_geo.text import t
from lukou_geo.ui import messages
from lukou_geo.ui.check_crs import needs_lonlat_choice

#: the page's function that checks an input and keeps the run: (projects, label, type, provenance)
Run = Callable[..., None]  # pages.check._run(ing, label, ptype, provenance, crs, sources)


def check_as(lang: str, key: str) -> str:
    """The "check as 点 / 线 / 面" choice (default 点): how several lines of coordinates are read."""
    return st.radio(t("check.paste_as", lang), SHAPES, format_func=lambda k: t(f"check.geom.{k}", lang), horizontal=True, key=key)


def _is_coordinate_txt(name: str, data: bytes) -> bool:
    """Whether an upload is a coordinate TXT (read line by line), not a 部标 TXT or a table."""
    candidates = input_formats.for_suffix(Path(name).suffix.lower())
    if len(candidates) < 2:
        return False
    try:
        text = decode_text(data, name, None, [])
    except InputError:
        return False
    return input_formats.choose(candidates, text).id == "coords"


def upload(lang: str, crs: str, encoding: str | None, ptype: str, run: Run) -> None:
    """The uploader (several files) and the check of the files given; errors and waits shown below it."""
    ups = st.file_uploader(describe(lang), type=upload_types(), key="check_upload", accept_multiple_files=True,
                           max_upload_size=max(1, get_settings().max_upload_bytes // 2**20))
    st.caption(t("check.upload_limit", lang, mb=max(1, get_settings().max_upload_bytes // 2**20)))
    files = [(up.name, up.getvalue()) for up in ups or []]
    if not files:
        return
    shape = check_as(lang, "check_upload_as") if any(_is_coordinate_txt(n, d) for n, d in files) else "point"
    digest = hashlib.sha256(repr([(n, hashlib.sha256(d).hexdigest()) for n, d in files]).encode()).hexdigest()
    digest += crs + str(encoding) + ptype + shape
    state = st.session_state
    if state.get("check_upload_done") != digest:  # a file added, removed or a choice changed: check the files again
        state["check_upload_done"] = digest
        state["check_upload_errors"], state["check_upload_wait"] = _check(files, lang, crs, encoding, ptype, shape, run)
    for name in state.get("check_upload_wait", []):
        messages.warning(t("check.lonlat_needed", lang, file=name))
    for err in state.get("check_upload_errors", []):
        messages.error(t("check.error", lang, err=err))


def _check(files: list[tuple[str, bytes]], lang: str, crs: str, encoding: str | None, ptype: str, shape: str,
           run: Run) -> tuple[list[str], list[str]]:
    """Read every file, check those read as one run; the errors (each naming its file) and the files waiting for the CRS step."""
    errors: list[str] = []
    waiting: list[str] = []
    read: list[tuple[str, Ingested, Provenance]] = []
    for name, data in files:
        try:
            ing = read_bytes(data, name, crs, encoding, ptype, shape)
        except InputError as exc:
            errors.append(exc.message(lang))
            continue
        if needs_lonlat_choice(ing.notes):
            waiting.append(name)  # checked once the source is chosen (the digest changes)
            continue
        read.append((name, ing, provenance.of_bytes(data, name, crs, encoding, ing.notes)))
    if read:
        label = t("check.list_sep", lang).join(r[0] for r in read)
        key = repr([(r[0], r[2].sha256) for r in read]) + crs + str(encoding) + ptype + shape
        runs = st.session_state.get("check_runs") or []
        if key == st.session_state.get("check_upload_checked") and runs and runs[-1].get("label") == label:
            return errors, waiting  # only a file that cannot be read was added: the files read are checked already
        st.session_state["check_upload_checked"] = key
        ing = read[0][1] if len(read) == 1 else merge([r[1] for r in read])
        sources = [(r[0], r[2].sha256, r[2].crs_recorded()) for r in read for _ in range(len(r[1].projects))]
        run(ing, label, ptype, provenance.combine([r[2] for r in read if len(r[1].projects)] or [read[0][2]]), crs, sources)
    return errors, waiting


def paste_shape(lang: str) -> str:
    """The paste form's "check as" choice (inside the form: it goes with the button press)."""
    return check_as(lang, "check_paste_as")


__all__ = ["SHAPES", "check_as", "paste_shape", "upload"]
