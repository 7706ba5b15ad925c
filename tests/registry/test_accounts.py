"""Accounts and roles on both stores: the first admin, hashing, sign-in, and the role check of every action."""

from __future__ import annotations

import pytest

from lukou_geo import accounts
from lukou_geo.errors import AccessError
from lukou_geo.registry import audit
from tests.registry.helpers import counts, team


def test_the_first_account_is_a_local_admin(store):
    with pytest.raises(AccessError, match="admin"):
        accounts.add_account(store, "x", "cho", "checker", "cho-password", local=True)
    with pytest.raises(AccessError, match="server"):
        accounts.add_account(store, "x", "ada", "admin", "ada-password", local=False)
    assert accounts.count_accounts(store) == 0
    accounts.add_account(store, "root", "ada", "admin", "ada-password", local=True)
    assert [a.name for a in accounts.list_accounts(store)] == ["ada"]
    # from now on only an admin adds accounts, locally or not
    with pytest.raises(AccessError):
        accounts.add_account(store, "nobody", "eve", "admin", "eve-password", local=True)
    accounts.add_account(store, "ada", "cho", "checker", "cho-password")


def test_passwords_are_argon2_hashes_and_sign_in_is_logged(store):
    team(store)
    with store.transaction() as tx:
        h = tx.execute("SELECT pw_hash FROM lk_users WHERE name = 'cho'").fetchone()[0]
    assert h.startswith("$argon2id$") and "cho-password" not in h
    assert accounts.sign_in(store, "cho", "cho-password").role == "checker"
    for name, pw in (("cho", "wrong-password"), ("nobody", "cho-password"), ("", "")):
        with pytest.raises(AccessError, match="wrong account name or password"):
            accounts.sign_in(store, name, pw)
    acts = [e["action"] for e in audit.entries(store, audit.AuditFilter(action="sign_in"))]
    fails = [e["action"] for e in audit.entries(store, audit.AuditFilter(action="sign_in_failed"))]
    assert acts == ["sign_in"] and len(fails) == 3
    with pytest.raises(AccessError, match="8"):
        accounts.add_account(store, "ada", "shorty", "viewer", "short")


def test_deactivated_accounts_cannot_sign_in_or_write(store):
    team(store)
    accounts.set_active(store, "ada", "cho", False)
    with pytest.raises(AccessError):
        accounts.sign_in(store, "cho", "cho-password")
    with store.transaction() as tx, pytest.raises(AccessError, match="deactivated"):
        accounts.authorize(tx, store.dialect, "cho", "project.register")
    accounts.set_active(store, "ada", "cho", True)
    assert accounts.sign_in(store, "cho", "cho-password").name == "cho"


def test_the_last_admin_stays(store):
    team(store)
    with pytest.raises(AccessError, match="last active admin"):
        accounts.set_role(store, "ada", "ada", "viewer")
    with pytest.raises(AccessError, match="last active admin"):
        accounts.set_active(store, "ada", "ada", False)
    accounts.set_role(store, "ada", "cho", "admin")
    accounts.set_role(store, "cho", "ada", "viewer")
    assert accounts.get_account(store, "ada").role == "viewer"


#: who may do what (on a record of ``cho`` for the own-only actions)
MATRIX = {
    "project.register": {"vic": False, "cho": True, "chen": True, "ada": True},
    "project.status": {"vic": False, "cho": True, "chen": False, "ada": True},
    "project.recheck": {"vic": False, "cho": True, "chen": False, "ada": True},
    "layers.import": {"vic": False, "cho": False, "chen": False, "ada": True},
    "layers.remove": {"vic": False, "cho": False, "chen": False, "ada": True},
    "basemaps.register": {"vic": False, "cho": False, "chen": False, "ada": True},
    "basemaps.remove": {"vic": False, "cho": False, "chen": False, "ada": True},
    "views.write": {"vic": False, "cho": True, "chen": False, "ada": True},
    "users.admin": {"vic": False, "cho": False, "chen": False, "ada": True},
    "audit.read": {"vic": False, "cho": False, "chen": False, "ada": True},
}


def test_every_action_has_its_rule():
    assert set(MATRIX) == set(accounts.ACTIONS)


@pytest.mark.parametrize("action", sorted(MATRIX))
def test_role_matrix(store, action):
    team(store)
    for user, ok in MATRIX[action].items():
        with store.transaction() as tx:
            if ok:
                assert accounts.authorize(tx, store.dialect, user, action, owner="cho").name == user
            else:
                with pytest.raises(AccessError) as err:
                    accounts.authorize(tx, store.dialect, user, action, owner="cho")
                assert err.value.zh and err.value.en and err.value.zh != err.value.en
        with store.transaction() as tx, pytest.raises(AccessError):
            accounts.authorize(tx, store.dialect, None, action)  # not signed in
        with store.transaction() as tx, pytest.raises(AccessError):
            accounts.authorize(tx, store.dialect, "ghost", action)  # no such account


def test_single_user_mode_only_without_accounts_and_only_locally(store):
    with store.transaction() as tx:
        acc = accounts.authorize(tx, store.dialect, "zhang", "layers.import", local=True)
        assert acc.single_user and acc.name == "zhang"
        with pytest.raises(AccessError, match="first admin"):
            accounts.authorize(tx, store.dialect, "zhang", "layers.import", local=False)
    team(store)
    with store.transaction() as tx, pytest.raises(AccessError):
        accounts.authorize(tx, store.dialect, "zhang", "layers.import", local=True)


def test_a_refused_user_admin_changes_nothing_and_is_logged(store):
    team(store)
    before = counts(store)
    for call in (lambda: accounts.add_account(store, "cho", "eve", "admin", "eve-password"),
                 lambda: accounts.set_role(store, "vic", "vic", "admin"),
                 lambda: accounts.set_active(store, "chen", "ada", False),
                 lambda: accounts.set_password(store, "cho", "ada", "new-password")):
        with pytest.raises(AccessError, match="Nothing was changed"):
            call()
    after = counts(store)
    assert after["lk_users"] == before["lk_users"] and after["lk_audit"] == before["lk_audit"] + 4
    assert accounts.get_account(store, "vic").role == "viewer" and accounts.get_account(store, "ada").active
    assert accounts.sign_in(store, "ada", "ada-password")
    accounts.set_password(store, "cho", "cho", "cho-new-password")  # one's own password
    assert accounts.sign_in(store, "cho", "cho-new-password")
