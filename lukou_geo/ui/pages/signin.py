"""The 登录 page: local accounts (name + password), or the identity provider when OIDC is configured."""

from __future__ import annotations

import streamlit as st

from lukou_geo.accounts import ROLE_NAMES
from lukou_geo.text import t
from lukou_geo.ui import messages, session
from lukou_geo.ui.i18n import lang


def render() -> None:
    lg = lang()
    st.subheader(t("page.signin", lg))
    session.sync_oidc()
    acc = session.account()
    s = session.records_store()
    if acc:
        role = ROLE_NAMES[acc["role"]][0 if lg == "zh" else 1]
        messages.info(t("signin.as", lg, name=acc["display"], role=role))
        if st.button(t("signin.out", lg), key="signout"):
            session.sign_out()
            if session.oidc_configured() and getattr(st.user, "is_logged_in", False):
                st.logout()
            st.rerun()
        return
    state = session.browse_state()
    if state == "no_accounts":
        messages.warning(t("signin.network_no_accounts", lg))
        return
    if state == "sign_in":
        messages.info(t("signin.required", lg))
    if s is not None:
        from lukou_geo.accounts import count_accounts

        if count_accounts(s) == 0:
            messages.info(t("signin.single", lg))
            return
    with st.form("signin_form"):
        name = st.text_input(t("signin.name", lg), key="signin_name")
        password = st.text_input(t("signin.password", lg), type="password", key="signin_password")
        go = st.form_submit_button(t("signin.go", lg))
    if go:
        session.sign_in(name, password)  # an AccessError is shown by the frame's guard
        st.rerun()
    if session.oidc_configured() and st.button(t("signin.oidc", lg), key="signin_oidc"):
        st.login()
