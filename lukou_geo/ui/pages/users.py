"""The 账户管理 page (admins): the accounts, adding one, changing a role, (de)activating.

Every write goes through the functions the CLI uses (:mod:`lukou_geo.accounts`), which authorise the
acting account inside the write's transaction (``users.admin``), log a refusal and change nothing then:
a form replayed by someone who is not an admin is refused on the server, whatever the browser sends.
The page shows its forms only to admins (:func:`lukou_geo.ui.session.allowed`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lukou_geo import accounts
from lukou_geo.errors import AccessError
from lukou_geo.text import t
from lukou_geo.ui import messages, session
from lukou_geo.ui.i18n import lang


def _role(role: str, lg: str) -> str:
    zh, en = accounts.ROLE_NAMES.get(role, (role, role))
    return zh if lg == "zh" else en


def _table(s, lg: str) -> list[accounts.Account]:
    accs = accounts.list_accounts(s)
    yes, no = t("admin.yes", lg), t("admin.no", lg)
    st.dataframe(pd.DataFrame([{
        t("admin.col_name", lg): a.name, t("admin.col_display", lg): a.display, t("admin.col_role", lg): _role(a.role, lg),
        t("admin.col_active", lg): yes if a.active else no,
        t("admin.col_method", lg): t("admin.method_oidc" if a.oidc else "admin.method_password", lg),
    } for a in accs]), hide_index=True, width="stretch")  # st.dataframe shows text as text
    return accs


def _add(s, lg: str) -> None:
    st.markdown(f"##### {t('admin.add_head', lg)}")
    with st.form("users_add_form"):
        c1, c2, c3 = st.columns(3)
        name = c1.text_input(t("admin.add_name", lg), key="users_add_name", max_chars=64)
        display = c2.text_input(t("admin.add_display", lg), key="users_add_display", max_chars=100)
        role = c3.selectbox(t("admin.add_role", lg), list(accounts.ROLES), key="users_add_role", format_func=lambda r: _role(r, lg))
        password = st.text_input(t("admin.add_password", lg), type="password", key="users_add_password")
        go = st.form_submit_button(t("admin.add_go", lg))
    if go:
        acc = accounts.add_account(s, session.acting_user(), name, role, password or None, display, local=session.serves_loopback())
        st.session_state["users_done"] = t("admin.added", lg, name=acc.name, role=_role(acc.role, lg))
        st.rerun()


def _edit(s, accs: list[accounts.Account], lg: str) -> None:
    if not accs:
        return
    st.markdown(f"##### {t('admin.edit_head', lg)}")
    names = [a.name for a in accs]
    pick = st.selectbox(t("admin.edit_pick", lg), names, key="users_pick")
    acc = next(a for a in accs if a.name == pick)
    with st.form("users_role_form"):
        role = st.selectbox(t("admin.add_role", lg), list(accounts.ROLES), index=accounts.ROLES.index(acc.role),
                            key="users_role", format_func=lambda r: _role(r, lg))
        go = st.form_submit_button(t("admin.role_go", lg))
    if go:
        accounts.set_role(s, session.acting_user(), pick, role, local=session.serves_loopback())
        st.session_state["users_done"] = t("admin.role_done", lg, name=pick, role=_role(role, lg))
        st.rerun()
    with st.form("users_active_form"):
        go = st.form_submit_button(t("admin.active_off" if acc.active else "admin.active_on", lg))
    if go:
        accounts.set_active(s, session.acting_user(), pick, not acc.active, local=session.serves_loopback())
        st.session_state["users_done"] = t("admin.active_done_off" if acc.active else "admin.active_done_on", lg, name=pick)
        st.rerun()


def render() -> None:
    lg = lang()
    st.subheader(t("page.users", lg))
    s = session.admin_store("users.admin", lg)
    if s is None:
        return
    st.caption(t("admin.users_intro", lg))
    done = st.session_state.pop("users_done", None)
    if done:
        messages.success(done)
    accs = _table(s, lg)
    for form in (lambda: _add(s, lg), lambda: _edit(s, accs, lg)):
        try:
            form()
        except AccessError as exc:  # refused on the server (logged), or a bad name/role/password: nothing changed
            messages.error(exc.message(lg))
