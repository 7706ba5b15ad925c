"""The 审计日志 page (admins): the audit log filtered by user, action, target and date, 50 entries a page,
and its export as CSV (cells that a spreadsheet would run as a formula neutralised:
:func:`lukou_geo.registry.audit.to_csv`). Reading and exporting are ``audit.read``, authorised on the
server on every run (:func:`lukou_geo.ui.session.require`: a refusal is logged); an export is logged too.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import streamlit as st

from lukou_geo.registry import audit
from lukou_geo.text import t
from lukou_geo.ui import messages, session
from lukou_geo.ui.i18n import lang

PAGE_ROWS = 50
#: most entries one CSV export holds
MAX_EXPORT = 1_000_000


def _action_label(action: str, lg: str) -> str:
    names = audit.ACTIONS.get(action)
    if not action:
        return t("admin.any", lg)
    return f"{names[0] if lg == 'zh' else names[1]} ({action})" if names else action


def _filter(s, lg: str) -> audit.AuditFilter:
    c1, c2, c3 = st.columns([1, 1, 1])
    users = ["", *audit.users(s)]
    user = c1.selectbox(t("admin.f_user", lg), users, key="audit_user", format_func=lambda v: v or t("admin.any", lg))
    actions = ["", *audit.ACTIONS, "project.", "user.", "layer.", "view."]
    action = c2.selectbox(t("admin.f_action", lg), actions, key="audit_action", format_func=lambda v: _action_label(v, lg))
    target = c3.text_input(t("admin.f_target", lg), key="audit_target", max_chars=200).strip()
    c4, c5 = st.columns(2)
    d_from = c4.date_input(t("admin.f_from", lg), value=None, key="audit_from")
    d_to = c5.date_input(t("admin.f_to", lg), value=None, key="audit_to")
    return audit.AuditFilter(user=user or None, action=action or None, target=target or None,
                             since=d_from.isoformat() if d_from else None,
                             until=(pd.Timestamp(d_to) + pd.Timedelta(days=1)).date().isoformat() if d_to else None)


def _frame(rows: list[dict], lg: str) -> pd.DataFrame:
    return pd.DataFrame([{
        t("admin.col_id", lg): r["id"], t("admin.col_at", lg): r["at"], t("admin.col_user", lg): r["user"],
        t("admin.col_action", lg): _action_label(r["action"], lg), t("admin.col_target", lg): r["target"],
        t("admin.col_detail", lg): json.dumps(r["detail"], ensure_ascii=False, default=str),
    } for r in rows])


def _export(s, flt: audit.AuditFilter, total: int, lg: str) -> None:
    if st.button(t("admin.export", lg, n=min(total, MAX_EXPORT)), key="audit_export"):
        session.require("audit.read", target="audit")
        rows = audit.entries(s, flt, limit=MAX_EXPORT)
        st.session_state["audit_csv"] = (flt, audit.to_csv(rows).encode("utf-8-sig"))  # BOM: Excel reads the Chinese
        audit.log(s, session.acting_user() or "(anonymous)", "audit.export", "audit",
                  {"rows": len(rows), "filter": {k: v for k, v in vars(flt).items() if v}})
    made = st.session_state.get("audit_csv")
    if made is not None and made[0] == flt:  # the file of the filter shown
        st.download_button(t("admin.download", lg), made[1], file_name="审计日志.csv", mime="text/csv", key="audit_download")


def render() -> None:
    lg = lang()
    st.subheader(t("page.audit", lg))
    s = session.admin_store("audit.read", lg)
    if s is None:
        return
    st.caption(t("admin.audit_intro", lg))
    flt = _filter(s, lg)
    session.require("audit.read", target="audit")  # the read itself, on the server (a refusal is logged)
    total = audit.count(s, flt)
    if not total:
        messages.info(t("admin.empty", lg))
        return
    pages = max(1, math.ceil(total / PAGE_ROWS))
    page = int(st.number_input(t("admin.page", lg, pages=pages), min_value=1, max_value=pages, value=1, key="audit_page"))
    rows = audit.entries(s, flt, limit=PAGE_ROWS, offset=(page - 1) * PAGE_ROWS)
    st.caption(t("admin.rows", lg, a=(page - 1) * PAGE_ROWS + 1, b=(page - 1) * PAGE_ROWS + len(rows), n=total))
    st.dataframe(_frame(rows, lg), hide_index=True, width="stretch")  # st.dataframe shows text as text
    _export(s, flt, total, lg)
