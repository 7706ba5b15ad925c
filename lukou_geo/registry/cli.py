"""``python -m lukou_geo {registry,users,audit}`` and ``check … --register``: the register, the accounts
and the audit log from the command line.

The CLI acts with a shell's rights on the server: ``--user NAME`` (default ``LUKOU_USER`` or the login
name) names the account, without a password; the role checks of :mod:`lukou_geo.accounts` apply
and every write is logged under that name.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

_USER_HELP = "操作人账户(默认 LUKOU_USER 或登录名)/ the acting account (default LUKOU_USER or the login name)"


def _user(args: argparse.Namespace) -> str:
    from lukou_geo.accounts import local_user

    return getattr(args, "user", None) or local_user()


def add_record_parsers(sub: Any) -> None:
    """Add ``registry``, ``users`` and ``audit`` to the main parser's subparsers."""
    reg = sub.add_parser("registry", help="项目库:列出、查看、更改状态 / the project register")
    rsub = reg.add_subparsers(dest="registry_cmd", required=True)
    lst = rsub.add_parser("list", help="列出项目 / list projects")
    lst.add_argument("--json", action="store_true")
    for opt in ("status", "verdict", "town", "type", "text", "by"):
        lst.add_argument(f"--{opt}", default=None)
    lst.add_argument("--from", dest="created_from", default=None, help="登记日期起(含)/ created on or after (ISO date)")
    lst.add_argument("--to", dest="created_to", default=None, help="登记日期止(不含)/ created before (ISO date)")
    lst.add_argument("--limit", type=int, default=50)
    lst.add_argument("--offset", type=int, default=0)
    lst.set_defaults(run=run_list)
    show = rsub.add_parser("show", help="查看一个项目(快照、历史、报告)/ one project")
    show.add_argument("project_id", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(run=run_show)
    stat = rsub.add_parser("status", help="更改项目状态 / change a project's status")
    stat.add_argument("project_id", type=int)
    stat.add_argument("to_status", help="拟选址 | 核查中 | 已出具意见 | 已批复 | 不予通过")
    stat.add_argument("--comment", required=True, help="理由 / why")
    stat.add_argument("--user", default=None, help=_USER_HELP)
    stat.set_defaults(run=run_status)
    rc = rsub.add_parser("recheck", help="按今天的图层重新核查并列出变化 / re-check against today's layers, show what changed")
    rc.add_argument("project_id", type=int)
    rc.add_argument("--user", default=None, help=_USER_HELP)
    rc.add_argument("--json", action="store_true")
    rc.set_defaults(run=run_recheck)
    rep = rsub.add_parser("report", help="导出项目的报告文件 / export a stored report file")
    rep.add_argument("project_id", type=int)
    rep.add_argument("name", help="文件名,见 registry show / the file's name (see registry show)")
    rep.add_argument("--out", required=True)
    rep.add_argument("--user", default=None, help=_USER_HELP)
    rep.set_defaults(run=run_report)

    users = sub.add_parser("users", help="账户:新增、列出、角色、停用 / accounts")
    usub = users.add_subparsers(dest="users_cmd", required=True)
    add = usub.add_parser("add", help="新增账户(第一个须为管理员)/ add an account (the first must be an admin)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=("viewer", "checker", "admin"))
    add.add_argument("--display", default="")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读密码 / read the password from stdin")
    add.add_argument("--oidc", action="store_true", help="只用身份提供方登录,无密码 / identity-provider sign-in only")
    add.add_argument("--user", default=None, help=_USER_HELP)
    add.set_defaults(run=run_user_add)
    ul = usub.add_parser("list", help="列出账户 / list accounts")
    ul.add_argument("--json", action="store_true")
    ul.set_defaults(run=run_user_list)
    role = usub.add_parser("role", help="更改角色 / change a role")
    role.add_argument("name")
    role.add_argument("role", choices=("viewer", "checker", "admin"))
    role.add_argument("--user", default=None, help=_USER_HELP)
    role.set_defaults(run=run_user_role)
    for verb, active in (("deactivate", False), ("activate", True)):
        p = usub.add_parser(verb, help=("停用" if not active else "启用") + "账户 / " + verb + " an account")
        p.add_argument("name")
        p.add_argument("--user", default=None, help=_USER_HELP)
        p.set_defaults(run=run_user_active, active=active)

    aud = sub.add_parser("audit", help="审计日志:列出、导出 CSV / the audit log")
    asub = aud.add_subparsers(dest="audit_cmd", required=True)
    for name in ("list", "export"):
        a = asub.add_parser(name, help="列出 / list" if name == "list" else "导出 CSV / export as CSV")
        a.add_argument("--by", default=None, help="只看此用户 / one user's entries")
        a.add_argument("--action", default=None, help="操作,或以 . 结尾的前缀(project.)/ an action or a prefix ending in .")
        a.add_argument("--target", default=None, help="对象,如 project:12 / e.g. project:12")
        a.add_argument("--since", default=None)
        a.add_argument("--limit", type=int, default=1000 if name == "list" else 1_000_000)
        a.add_argument("--user", default=None, help=_USER_HELP)
        if name == "list":
            a.add_argument("--json", action="store_true")
            a.set_defaults(run=run_audit_list)
        else:
            a.add_argument("--out", required=True, help="CSV 文件 / the CSV file")
            a.set_defaults(run=run_audit_export)


def _open() -> Any:
    from lukou_geo.store import open_store

    return open_store()


def run_list(args: argparse.Namespace) -> int:
    from lukou_geo.registry.records import LIST_COLUMNS, ProjectFilter, list_projects

    flt = ProjectFilter(status=args.status, verdict=args.verdict, town=args.town, ptype=args.type, text=args.text, by=args.by,
                        created_from=args.created_from, created_to=args.created_to)
    with _open() as store:
        rows, total = list_projects(store, flt, offset=args.offset, limit=args.limit)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    print(f"共 {total} 个项目 / {total} projects", file=sys.stderr)
    print("\t".join(LIST_COLUMNS))
    for r in rows:
        print("\t".join(str(r[c]) for c in LIST_COLUMNS))
    return 0


def run_show(args: argparse.Namespace) -> int:
    from lukou_geo.registry.records import show_project

    with _open() as store:
        proj = show_project(store, args.project_id)
    if args.json:
        print(json.dumps(proj, ensure_ascii=False, indent=1, default=str))
        return 0
    print(f"#{proj['id']} {proj['name']}  {proj['type']}  {proj['town']}")
    print(f"结论 verdict: {proj['verdict']}   状态 status: {proj['status']} ({proj['status_en']})")
    print(f"来源 source: {proj['source_file']} sha256 {proj['source_sha256']}  CRS {proj['source_crs']}")
    print(f"登记 created: {proj['created']} by {proj['by']}   更新 updated: {proj['updated']} by {proj['updated_by']}")
    print("历史 history:")
    for h in proj["history"]:
        print(f"  {h['at']}  {h['user']}  {h['from'] or '—'} → {h['to'] or '—'}  {h['comment']}")
    for f in proj["reports"]:
        print(f"报告 report: {f['name']} ({f['bytes']} bytes, sha256 {f['sha256'][:12]})")
    return 0


def run_status(args: argparse.Namespace) -> int:
    from lukou_geo.registry.records import set_status

    with _open() as store:
        h = set_status(store, _user(args), args.project_id, args.to_status, args.comment, local=True)
    print(f"项目 {args.project_id}:{h['from']} → {h['to']}({h['user']},{h['at']})/ project {args.project_id}: {h['from']} → {h['to']}")
    return 0


def run_recheck(args: argparse.Namespace) -> int:
    import geopandas as gpd
    import shapely

    from lukou_geo.accounts import guarded
    from lukou_geo.registry.records import layer_versions, recheck, show_project
    from lukou_geo.sitecheck.check import check_projects
    from lukou_geo.sitecheck.context import get_context

    with _open() as store:
        proj = show_project(store, args.project_id)
        guarded(store, _user(args), "project.recheck", owner=proj["by"], local=True, target=f"project:{args.project_id}")
        geom = shapely.from_geojson(json.dumps(proj["geometry"]))
        gdf = gpd.GeoDataFrame({"name": [proj["name"]], "ptype": [proj["type"]], "source": [proj["source_file"]]},
                               geometry=[geom], crs="EPSG:4326")
        ctx = get_context()
        result = check_projects(gdf, ctx, proj["type"])
        changed = recheck(store, _user(args), args.project_id, result, versions=layer_versions(ctx, store), local=True)
    if args.json:
        print(json.dumps(changed, ensure_ascii=False, indent=1))
    elif not changed:
        print(f"项目 {args.project_id}:与上次核查相比没有变化 / project {args.project_id}: nothing changed since its last check")
    else:
        for key, value in changed.items():
            print(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    return 0


def run_report(args: argparse.Namespace) -> int:
    from lukou_geo.registry.records import report_file

    with _open() as store:
        data = report_file(store, _user(args), args.project_id, args.name)
    Path(args.out).write_bytes(data)
    print(args.out)
    return 0


def _password(args: argparse.Namespace) -> str | None:
    if args.oidc:
        return None
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    from lukou_geo.errors import AccessError

    if not sys.stdin.isatty():
        raise AccessError("请用 --password-stdin 从标准输入提供密码,或用 --oidc", "give the password on stdin with --password-stdin, or use --oidc")
    first, again = getpass.getpass("密码 / password: "), getpass.getpass("再输一次 / again: ")
    if first != again:
        raise AccessError("两次输入的密码不一致", "the two passwords differ")
    return first


def run_user_add(args: argparse.Namespace) -> int:
    from lukou_geo.accounts import add_account

    password = _password(args)
    with _open() as store:
        acc = add_account(store, _user(args), args.name, args.role, password, args.display, local=True)
    print(f"已建立账户 {acc.name}({acc.role})/ account {acc.name} added ({acc.role})")
    return 0


def run_user_list(args: argparse.Namespace) -> int:
    from lukou_geo.accounts import list_accounts

    with _open() as store:
        accs = list_accounts(store)
    if args.json:
        print(json.dumps([a.as_dict() for a in accs], ensure_ascii=False, indent=1))
        return 0
    for a in accs:
        print(f"{a.name}\t{a.role}\t{'active' if a.active else 'inactive'}\t{'oidc' if a.oidc else 'password'}\t{a.display}")
    return 0


def run_user_role(args: argparse.Namespace) -> int:
    from lukou_geo.accounts import set_role

    with _open() as store:
        set_role(store, _user(args), args.name, args.role, local=True)
    print(f"{args.name}: {args.role}")
    return 0


def run_user_active(args: argparse.Namespace) -> int:
    from lukou_geo.accounts import set_active

    with _open() as store:
        set_active(store, _user(args), args.name, args.active, local=True)
    print(f"{args.name}: {'active' if args.active else 'inactive'}")
    return 0


def _audit_rows(args: argparse.Namespace, store: Any) -> list[dict[str, Any]]:
    from lukou_geo.accounts import guarded
    from lukou_geo.registry.audit import AuditFilter, entries

    guarded(store, _user(args), "audit.read", local=True, target="audit")
    return entries(store, AuditFilter(user=args.by, action=args.action, target=args.target, since=args.since), limit=args.limit)


def run_audit_list(args: argparse.Namespace) -> int:
    with _open() as store:
        rows = _audit_rows(args, store)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        print(f"{r['id']}\t{r['at']}\t{r['user']}\t{r['action']}\t{r['target']}\t{json.dumps(r['detail'], ensure_ascii=False)}")
    return 0


def run_audit_export(args: argparse.Namespace) -> int:
    from lukou_geo.registry import audit

    with _open() as store:
        rows = _audit_rows(args, store)
        Path(args.out).write_text(audit.to_csv(rows), encoding="utf-8-sig", newline="")
        audit.log(store, _user(args), "audit.export", "audit", {"rows": len(rows), "file": Path(args.out).name})
    print(args.out)
    return 0


# ------------------------------------------------------------------------------ check --register


def add_register_options(p: argparse.ArgumentParser) -> None:
    """``check``'s options for registering the checked projects."""
    p.add_argument("--register", action="store_true", help="把核查的项目登记到项目库 / register the checked projects")
    p.add_argument("--user", default=None, help=_USER_HELP)
    p.add_argument("--applicant", default="", help="申请单位 / the applicant")


def register_checked(args: argparse.Namespace, result: Any, ctx: Any, written: list[Any],
                     sources: list[tuple[str, str, str]]) -> list[int]:
    """Register a check's projects (``check --register``); prints and returns their ids. ``sources``: per
    project its input file's name, sha256 and the CRS assumed for it (each input of several its own)."""
    from lukou_geo.registry.records import layer_versions, register_check

    with _open() as store:
        versions = layer_versions(ctx, store)
        ids = register_check(store, _user(args), result, sources=sources, applicant=args.applicant,
                             versions=versions, reports=[p for p in written if Path(p).is_file()], local=True)
    print(f"已登记到项目库:{', '.join(map(str, ids))} / registered as {', '.join(map(str, ids))}", file=sys.stderr)
    return ids


def may_register(args: argparse.Namespace) -> None:
    """Refuse ``check --register`` for an account that may not register, before the check runs."""
    from lukou_geo.accounts import guarded

    with _open() as store:
        guarded(store, _user(args), "project.register", local=True, target="project:new")
