"""The store's tables for the project register, the accounts and the audit log (migration 2).

Same tables in GeoPackage (SQLite) and PostGIS:

``lk_users``            one row per account: name, role (viewer | checker | admin), the password's
                        argon2 hash (empty for accounts that sign in through OIDC), active flag
``lk_projects``         the register: one row per registered project, its geometry (GeoJSON, WGS-84),
                        provenance and the snapshot of its last check (JSON)
``lk_project_history``  every status change and re-check of a project (append-only)
``lk_project_files``    the report files of a project's checks (bytes)
``lk_audit``            the audit log (append-only)

Append-only means: a trigger refuses every UPDATE and DELETE (and, on PostgreSQL, TRUNCATE) of
``lk_audit`` and ``lk_project_history``, whoever the client is.
"""

from __future__ import annotations

from typing import Any

APPEND_ONLY = ("lk_audit", "lk_project_history")


def migration_2(d: Any) -> list[str]:
    """Statements of migration 2 in dialect ``d`` (:class:`lukou_geo.store._sql.Dialect`)."""
    stmts = [
        """CREATE TABLE lk_users (
            name TEXT PRIMARY KEY, display TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ('viewer', 'checker', 'admin')),
            pw_hash TEXT NOT NULL, oidc_sub TEXT, active INTEGER NOT NULL, created TEXT NOT NULL, created_by TEXT NOT NULL,
            updated TEXT NOT NULL)""",
        f"""CREATE TABLE lk_projects (
            id {d.serial_pk}, name TEXT NOT NULL, ptype TEXT NOT NULL, applicant TEXT NOT NULL, town TEXT NOT NULL,
            verdict TEXT NOT NULL, status TEXT NOT NULL, geometry TEXT NOT NULL, lon {d.real}, lat {d.real},
            area_ha {d.real}, source_file TEXT NOT NULL, source_sha256 TEXT NOT NULL, source_crs TEXT NOT NULL,
            snapshot TEXT NOT NULL, checks INTEGER NOT NULL, created TEXT NOT NULL, created_by TEXT NOT NULL,
            updated TEXT NOT NULL, updated_by TEXT NOT NULL)""",
        "CREATE INDEX lk_projects_status ON lk_projects (status, created)",
        "CREATE INDEX lk_projects_verdict ON lk_projects (verdict, created)",
        "CREATE INDEX lk_projects_town ON lk_projects (town, created)",
        "CREATE INDEX lk_projects_ptype ON lk_projects (ptype, created)",
        "CREATE INDEX lk_projects_created ON lk_projects (created)",
        f"""CREATE TABLE lk_project_history (
            id {d.serial_pk}, project_id INTEGER NOT NULL, at TEXT NOT NULL, user_name TEXT NOT NULL, action TEXT NOT NULL,
            from_status TEXT, to_status TEXT, comment TEXT NOT NULL, detail TEXT NOT NULL)""",
        "CREATE INDEX lk_project_history_project ON lk_project_history (project_id, id)",
        f"""CREATE TABLE lk_project_files (
            project_id INTEGER NOT NULL, check_no INTEGER NOT NULL, name TEXT NOT NULL, sha256 TEXT NOT NULL,
            data {d.blob} NOT NULL, PRIMARY KEY (project_id, check_no, name))""",
        f"""CREATE TABLE lk_audit (
            id {d.serial_pk}, at TEXT NOT NULL, user_name TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,
            detail TEXT NOT NULL)""",
        "CREATE INDEX lk_audit_at ON lk_audit (at)",
    ]
    if d.name == "sqlite":
        for table in APPEND_ONLY:
            for op in ("UPDATE", "DELETE"):
                stmts.append(
                    f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: no {op}'); END")
    else:
        stmts.append(
            "CREATE OR REPLACE FUNCTION lk_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only: no %', TG_TABLE_NAME, TG_OP; END $$")
        for table in APPEND_ONLY:
            stmts.append(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                         "FOR EACH ROW EXECUTE FUNCTION lk_append_only()")
            stmts.append(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                         "FOR EACH STATEMENT EXECUTE FUNCTION lk_append_only()")
    return stmts
