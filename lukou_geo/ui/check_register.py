"""The check page's 登记到项目库: a shown check result registered in the project register.

What the CLI's ``check --register`` keeps (:func:`lukou_geo.registry.cli.register_checked`) is kept here
too, through the same :func:`lukou_geo.registry.records.register_check`: every project of the run (name,
type, geometry), the applicant typed in the form, the source (the uploaded file's name and its SHA-256,
or the pasted text's), the CRS the check assumed, the snapshot (verdict, zone tables, the versions of the
layers checked against) and the report files (XLSX, CSV, GeoJSON, and the HTML and PDF once made).

The button is shown only to who may register (:func:`lukou_geo.ui.session.allowed`); the write itself is
authorised on the server inside the registration's transaction (``records.register_check`` calls
:func:`lukou_geo.accounts.require`), so a replayed form from a viewer is refused, logged, and changes
nothing; the refusal is shown as a message.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from lukou_geo.errors import AccessError, RegistryError
from lukou_geo.text import t
from lukou_geo.ui import links, messages, session

#: report files written from a run for the register (the table formats; the documents when made)
TABLE_FORMATS = ("xlsx", "csv", "geojson")
#: the file name in the register of each document the page made (run["files"]: the report, the 审查意见)
DOCUMENT_NAMES = {"html": "选址核查.html", "pdf": "选址核查.pdf", "opinion_docx": "审查意见.docx", "opinion_pdf": "审查意见.pdf"}
#: links to the registered projects shown under the form (the rest: the register's list)
SHOWN_LINKS = 20


def _report_files(run: dict[str, Any], table_file: Callable[[Any, str], Callable[[], bytes]], folder: Path) -> list[Path]:
    out = []
    for fmt in TABLE_FORMATS:
        p = folder / f"选址核查.{fmt}"
        p.write_bytes(table_file(run["result"], fmt)())
        out.append(p)
    for fmt, data in run.get("files", {}).items():
        if isinstance(data, bytes | bytearray) and data:
            p = folder / DOCUMENT_NAMES.get(fmt, f"选址核查.{fmt}")
            p.write_bytes(bytes(data))
            out.append(p)
    return out


def register(run: dict[str, Any], applicant: str, table_file: Callable[[Any, str], Callable[[], bytes]],
             context: Callable[[], Any]) -> list[int]:
    """Register the projects of ``run`` as the session's account; their ids (also kept in ``run["registered"]``).

    :class:`~lukou_geo.errors.AccessError` when the account may not register (checked on the server, logged)."""
    from lukou_geo.registry.records import layer_versions, register_check

    s = session.records_store()
    if s is None:
        raise RegistryError("此安装没有项目库存储,不能登记", "this installation keeps no register: nothing was registered")
    prov = run.get("provenance")
    source = getattr(prov, "source", None) or str(run.get("label") or "")
    sha = getattr(prov, "sha256", "") or ""
    crs = prov.crs_recorded() if hasattr(prov, "crs_recorded") else str(run.get("crs") or "")  # as the CLI records it
    with tempfile.TemporaryDirectory(prefix="lk-register-") as d:
        ids = register_check(s, session.acting_user(), run["result"], source_file=source, source_sha256=sha,
                             source_crs=crs, sources=run.get("sources"), applicant=applicant.strip(),
                             versions=layer_versions(context(), s), reports=_report_files(run, table_file, Path(d)),
                             local=session.serves_loopback())
    run["registered"] = ids
    return ids


def _links(run: dict[str, Any], lg: str) -> None:
    ids = run.get("registered") or []
    names = run["result"].summary["name"].astype(str).tolist()
    messages.success(t("registry.reg_done", lg) + " " + ", ".join(f"#{i}" for i in ids))
    for i, pid in enumerate(ids[:SHOWN_LINKS]):
        links.page_link("registry", f"#{pid} {names[i] if i < len(names) else ''}", {"project": str(pid)})
    if len(ids) > SHOWN_LINKS:
        st.caption(t("registry.reg_more", lg, n=len(ids) - SHOWN_LINKS))


def panel(run: dict[str, Any], lg: str, table_file: Callable[[Any, str], Callable[[], bytes]], context: Callable[[], Any]) -> None:
    """The register part under a shown result: the form, or links to what this run registered."""
    if session.records_store() is None:
        return
    st.markdown(f"**{t('registry.reg_head', lg)}**")
    if run.get("registered"):
        _links(run, lg)
        return
    if not session.allowed("project.register"):
        st.caption(t("registry.reg_signin", lg))
        return
    st.caption(t("registry.reg_what", lg))
    n = len(run["result"].summary)
    with st.form(f"check_register_form_{run.get('token', id(run))}", border=False):
        applicant = st.text_input(t("registry.reg_applicant", lg), key=f"check_reg_applicant_{id(run)}", max_chars=200)
        go = st.form_submit_button(t("registry.reg_go", lg, n=n), key=f"check_reg_go_{id(run)}")
    if go:
        try:
            with st.spinner(t("registry.reg_busy", lg)):
                register(run, applicant, table_file, context)
        except AccessError as exc:  # refused on the server (and logged): say so, the page goes on
            messages.error(exc.message(lg))
            return
        st.rerun()  # drawn again: the links instead of the form


__all__ = ["panel", "register"]
