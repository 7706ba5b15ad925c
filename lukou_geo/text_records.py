"""The texts of the register, the accounts and the audit log pages: part of :data:`lukou_geo.text.TEXT`
(which takes them in; read them with :func:`lukou_geo.text.t`), kept in a file of their own so that
``text.py`` stays readable. Namespaces: ``registry`` (the 项目库 page, its map and the check page's
registration), ``admin`` (the 账户管理 and 审计日志 pages), ``signin`` (sign-in and anonymous browsing).
Chinese first. Imports nothing.
"""

from __future__ import annotations

TEXT_RECORDS: dict[str, dict[str, str]] = {
    # the check page's registration (lukou_geo/ui/check_register.py)
    "registry.reg_head": {"zh": "登记到项目库", "en": "Register in the project register"},
    "registry.reg_what": {
        "zh": "登记内容:项目名称、类型、申请单位、几何、源文件及其 SHA-256、假定坐标系、结论与分区表的快照、所用图层版本以及报告文件。",
        "en": "Registered: name, type, applicant, geometry, the source file and its SHA-256, the CRS assumed, a snapshot of "
              "the result (verdict, zone tables, layer versions) and the report files.",
    },
    "registry.reg_applicant": {"zh": "申请单位", "en": "Applicant"},
    "registry.reg_go": {"zh": "登记 {n} 个项目", "en": "Register {n} project(s)"},
    "registry.reg_busy": {"zh": "正在写报告文件并登记…", "en": "Writing the report files and registering…"},
    "registry.reg_done": {"zh": "已登记到项目库:", "en": "Registered in the project register:"},
    "registry.reg_signin": {
        "zh": "以核查员或管理员身份登录后,可把本次核查登记到项目库",
        "en": "Sign in as a checker or an admin to register this check in the project register",
    },
    "registry.reg_more": {"zh": "另有 {n} 个项目,见项目库", "en": "{n} more: see the project register"},
    # the register on a map (lukou_geo/map/elements/register.py, lukou_geo/ui/pages/registry.py)
    "registry.map_head": {"zh": "项目分布(按状态着色)", "en": "Projects on the map (coloured by status)"},
    "registry.map_legend": {"zh": "项目状态", "en": "Project status"},
    "registry.map_count": {
        "zh": "地图上显示筛选出的 {n} 个项目的位置点(项目中心);点击一点打开该项目",
        "en": "The map shows the {n} projects of the filter as points (their centres); click one to open it",
    },
    "registry.map_capped": {
        "zh": "筛选出 {n} 个项目,地图只画前 {k} 个:请缩小筛选范围",
        "en": "{n} projects match; the map draws the first {k}: narrow the filter",
    },
    "registry.map_project": {"zh": "项目位置", "en": "Where it is"},
    "registry.map_no_geometry": {"zh": "此项目没有几何", "en": "This project has no geometry"},
    # the 账户管理 page (lukou_geo/ui/pages/users.py)
    "page.users": {"zh": "账户管理", "en": "Accounts"},
    "page.audit": {"zh": "审计日志", "en": "Audit log"},
    "admin.only": {"zh": "此页仅限管理员:请以管理员身份登录", "en": "This page is for admins: sign in as an admin"},
    "admin.no_store": {
        "zh": "此安装没有账户存储(需要 GeoPackage 或 PostGIS 存储)",
        "en": "This installation keeps no accounts (it needs a GeoPackage or PostGIS store)",
    },
    "admin.users_intro": {
        "zh": "账户与角色:浏览者(浏览、演示)、核查员(核查、登记、改自己的项目)、管理员(图层、账户、任何人的记录、审计日志)。",
        "en": "Accounts and roles: viewer (browse, present), checker (check, register, change own projects), "
              "admin (layers, accounts, anyone's records, the audit log).",
    },
    "admin.col_name": {"zh": "账户名", "en": "Account"},
    "admin.col_display": {"zh": "显示名", "en": "Display name"},
    "admin.col_role": {"zh": "角色", "en": "Role"},
    "admin.col_active": {"zh": "启用", "en": "Active"},
    "admin.col_method": {"zh": "登录方式", "en": "Sign-in"},
    "admin.method_password": {"zh": "密码", "en": "password"},
    "admin.method_oidc": {"zh": "单位身份", "en": "identity provider"},
    "admin.add_head": {"zh": "新增账户", "en": "Add an account"},
    "admin.add_name": {"zh": "账户名", "en": "Account name"},
    "admin.add_display": {"zh": "显示名(可空)", "en": "Display name (optional)"},
    "admin.add_role": {"zh": "角色", "en": "Role"},
    "admin.add_password": {
        "zh": "初始密码(至少 8 个字符;留空:只能用单位身份登录)",
        "en": "Initial password (at least 8 characters; empty: identity-provider sign-in only)",
    },
    "admin.add_go": {"zh": "新增账户", "en": "Add the account"},
    "admin.added": {"zh": "已新增账户「{name}」({role})", "en": "Account {name} added ({role})"},
    "admin.edit_head": {"zh": "更改账户", "en": "Change an account"},
    "admin.edit_pick": {"zh": "账户", "en": "Account"},
    "admin.role_go": {"zh": "更改角色", "en": "Change the role"},
    "admin.role_done": {"zh": "「{name}」的角色已改为{role}", "en": "{name} is now {role}"},
    "admin.active_off": {"zh": "停用此账户", "en": "Deactivate this account"},
    "admin.active_on": {"zh": "启用此账户", "en": "Activate this account"},
    "admin.active_done_off": {"zh": "已停用「{name}」", "en": "{name} deactivated"},
    "admin.active_done_on": {"zh": "已启用「{name}」", "en": "{name} activated"},
    "admin.yes": {"zh": "是", "en": "yes"},
    "admin.no": {"zh": "否", "en": "no"},
    # the 审计日志 page (lukou_geo/ui/pages/audit_log.py)
    "admin.audit_intro": {
        "zh": "谁在何时做了什么:登录、导入、登记、状态更改、删除、报告导出与被拒绝的操作。日志只增不改。",
        "en": "Who did what, when: sign-ins, imports, registrations, status changes, deletions, report exports and "
              "refused actions. The log is append-only.",
    },
    "admin.f_user": {"zh": "用户", "en": "User"},
    "admin.f_action": {"zh": "操作", "en": "Action"},
    "admin.f_target": {"zh": "对象(如 project:12)", "en": "Target (e.g. project:12)"},
    "admin.f_from": {"zh": "日期起", "en": "From"},
    "admin.f_to": {"zh": "日期止", "en": "Until"},
    "admin.any": {"zh": "(全部)", "en": "(any)"},
    "admin.page": {"zh": "页码(共 {pages} 页)", "en": "Page (of {pages})"},
    "admin.rows": {"zh": "第 {a}–{b} 条,共 {n} 条", "en": "Entries {a}–{b} of {n}"},
    "admin.empty": {"zh": "没有符合条件的记录", "en": "No entry matches"},
    "admin.export": {"zh": "导出 CSV({n} 条)", "en": "Export as CSV ({n} entries)"},
    "admin.download": {"zh": "下载 审计日志.csv", "en": "Download the CSV"},
    "admin.col_id": {"zh": "编号", "en": "No."},
    "admin.col_at": {"zh": "时间(UTC)", "en": "When (UTC)"},
    "admin.col_user": {"zh": "用户", "en": "User"},
    "admin.col_action": {"zh": "操作", "en": "Action"},
    "admin.col_target": {"zh": "对象", "en": "Target"},
    "admin.col_detail": {"zh": "详情", "en": "Detail"},
    # sign-in and anonymous browsing (lukou_geo/ui/frame.py, lukou_geo/ui/session.py)
    "signin.required": {
        "zh": "请先登录:此服务器对网络开放,浏览需要账户(管理员可设置 LUKOU_ANONYMOUS_BROWSE=1 允许公开浏览)",
        "en": "Please sign in: this server is open to the network and browsing needs an account "
              "(an admin can allow public browsing with LUKOU_ANONYMOUS_BROWSE=1)",
    },
    "signin.anonymous": {"zh": "公开浏览:未登录,以浏览者身份查看", "en": "Public browsing: not signed in, viewing as a viewer"},
    "signin.network_no_accounts": {
        "zh": "此服务器对网络开放,但存储中还没有账户:请在服务器上用 python -m lukou_geo users add 姓名 --role admin 建立第一个管理员",
        "en": "This server is open to the network but the store has no accounts yet: create the first admin on the server "
              "with python -m lukou_geo users add NAME --role admin",
    },
}
