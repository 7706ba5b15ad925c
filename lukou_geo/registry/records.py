"""The register's records: registration, status changes with their history, listing and one project.

Statuses and the moves between them (``TRANSITIONS``): 拟选址 → 核查中 → 已出具意见 → 已批复 / 不予通过.
A change names who, when, from → to and why (a comment is required) and is kept in
``lk_project_history`` (append-only), with an audit entry in the same transaction.

A registration is one transaction per check: every project of the check, its snapshot (the summary
row, its zone rows, the versions of the layers checked against), the report files and the audit
entries land together or not at all.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lukou_geo.accounts import log_denial, require
from lukou_geo.errors import AccessError, RegistryError
from lukou_geo.registry import audit
from lukou_geo.store._sql import now_iso

STATUSES: tuple[str, ...] = ("拟选址", "核查中", "已出具意见", "已批复", "不予通过")
STATUS_EN: dict[str, str] = {"拟选址": "proposed site", "核查中": "under check", "已出具意见": "opinion issued",
                             "已批复": "approved", "不予通过": "rejected"}
TRANSITIONS: dict[str, tuple[str, ...]] = {"拟选址": ("核查中",), "核查中": ("已出具意见",), "已出具意见": ("已批复", "不予通过"),
                                           "已批复": (), "不予通过": ()}
#: The one colour of each status: the register's map layer, its legend and the project page's map.
STATUS_COLOURS: dict[str, str] = {"拟选址": "#1e88e5", "核查中": "#f9a825", "已出具意见": "#8e24aa", "已批复": "#2e7d32",
                                  "不予通过": "#c62828"}
FIRST_STATUS = STATUSES[0]
MAX_COMMENT = 2000
MAX_REPORT_BYTES = 50 * 2**20

#: the columns of ``registry list`` (JSON keys) and where they come from
LIST_COLUMNS: tuple[str, ...] = ("id", "name", "type", "verdict", "status", "town", "created", "updated", "by")
_LIST_SQL = "id, name, ptype, verdict, status, town, created, updated, created_by"
_ORDERS = {"created": "created", "-created": "created DESC", "updated": "updated", "-updated": "updated DESC",
           "id": "id", "-id": "id DESC", "name": "name", "-name": "name DESC"}


@dataclass(frozen=True)
class ProjectFilter:
    """Which projects the register's list shows (None or "": any)."""

    status: str | None = None
    verdict: str | None = None
    town: str | None = None
    ptype: str | None = None
    created_from: str | None = None  # ISO date or time (UTC), inclusive
    created_to: str | None = None  # exclusive
    text: str | None = None  # a substring of the name or the applicant
    by: str | None = None


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _records(frame: Any) -> list[dict[str, Any]]:
    """A DataFrame as JSON-ready records (NaN → null, numpy → Python)."""
    if frame is None or len(frame) == 0:
        return []
    return json.loads(frame.drop(columns=[c for c in frame.columns if c == "geometry"]).to_json(orient="records", force_ascii=False))


def layer_versions(ctx: Any = None, store: Any = None) -> dict[str, Any]:
    """The versions of the data a check read: the plan's layer files (sha256) and the store's layers (version, sha256)."""
    out: dict[str, Any] = {"plan": {}, "store": {}}
    if ctx is not None:
        from lukou_geo.settings import get_settings

        used = set(ctx.zones["layer_id"]) if len(ctx.zones) and "layer_id" in ctx.zones else set()
        root = get_settings().geodata_dir
        for layer in ctx.catalog.layers:
            if used and layer.id not in used:
                continue
            path = Path(layer.file) if Path(layer.file).is_absolute() else root.parent / layer.file
            if not path.is_file():
                path = root / Path(layer.file).name
            out["plan"][layer.id] = file_sha256(path)[:16] if path.is_file() else ""
    if store is not None:
        for info in store.layers():
            out["store"][info.id] = {"version": info.version, "sha256": info.sha256[:16]}
    return out


def register_check(store: Any, user: str | None, result: Any, *, source_file: str = "", source_crs: str = "", applicant: str = "",
                   versions: dict[str, Any] | None = None, reports: list[str | Path] | tuple = (), local: bool = False,
                   source_sha256: str | None = None, sources: list[tuple[str, str, str]] | None = None) -> list[int]:
    """Register every project of a check result (:class:`~lukou_geo.sitecheck.check.CheckResult`); returns their ids.

    ``source_file``: the input (its sha256 is recorded; ``source_sha256`` gives it for an input that is not a
    file here, e.g. an upload on the check page, whose name ``source_file`` then is) and ``source_crs`` the CRS
    assumed, for every project; or ``sources``: per project (in ``project_no`` order) its own (file name,
    sha256, CRS assumed), for a check of several inputs. ``reports``: the report files written for the check
    (kept in the store, each at most 50 MB)."""
    import shapely

    if source_sha256 is not None:  # a name as given (an upload's, or a label of pasted text: may hold a "/")
        sha, source_name = str(source_sha256), str(source_file)
    else:
        sha = file_sha256(source_file) if source_file and Path(source_file).is_file() else ""
        source_name = Path(source_file).name if source_file else ""
    own = (source_name, sha, str(source_crs or ""))
    files = []
    for p in reports:
        data = Path(p).read_bytes()
        if len(data) > MAX_REPORT_BYTES:
            raise RegistryError(f"报告文件 {p} 超过 50 MB,未登记", f"the report file {p} is over 50 MB; nothing was registered")
        files.append((Path(p).name, hashlib.sha256(data).hexdigest(), data))
    summary = result.summary.reset_index(drop=True)
    geoms = result.projects.geometry.to_numpy()
    rows = _records(summary)
    zones = result.zones
    by_project: dict[Any, list[dict[str, Any]]] = {}
    if len(zones) and "project_no" in zones:
        for rec in _records(zones):
            by_project.setdefault(rec["project_no"], []).append(rec)
    now = now_iso()
    d = store.dialect
    p = d.param
    ids: list[int] = []
    try:
        with store.transaction(write=True) as tx:
            who = require(store, tx, user, "project.register", local=local, target="project:new").name
            for i, row in enumerate(rows):
                no = row.get("project_no", i + 1)
                src = sources[int(no) - 1] if sources and 0 < int(no) <= len(sources) else own
                zrows = by_project.get(no, [])
                snap = {"checked_at": now, "checked_by": who, "summary": row, "zones": zrows, "versions": versions or {},
                        "reports": [f[0] for f in files]}
                area = row.get("area_ha")
                values = (str(row.get("name") or f"项目{no}"), str(row.get("ptype") or ""), str(applicant or ""),
                          str(row.get("township") or ""), str(row.get("verdict") or ""), FIRST_STATUS,
                          shapely.to_geojson(geoms[i]) if i < len(geoms) and geoms[i] is not None else "null",
                          row.get("lon"), row.get("lat"), area if isinstance(area, (int, float)) else None,
                          src[0], src[1], src[2],
                          json.dumps(snap, ensure_ascii=False, default=str), 1, now, who, now, who)
                pid = int(tx.execute(
                    "INSERT INTO lk_projects (name, ptype, applicant, town, verdict, status, geometry, lon, lat, area_ha, "
                    "source_file, source_sha256, source_crs, snapshot, checks, created, created_by, updated, updated_by) "
                    f"VALUES ({', '.join([p] * 19)}) RETURNING id", values).fetchone()[0])
                ids.append(pid)
                tx.execute("INSERT INTO lk_project_history (project_id, at, user_name, action, from_status, to_status, comment, detail) "
                           f"VALUES ({p}, {p}, {p}, 'register', NULL, {p}, {p}, {p})",
                           (pid, now, who, FIRST_STATUS, "登记 / registered",
                            json.dumps({"verdict": values[4], "source_sha256": src[1]}, ensure_ascii=False)))
                for name, fsha, data in files:
                    tx.execute(f"INSERT INTO lk_project_files VALUES ({p}, 1, {p}, {p}, {p})", (pid, name, fsha, data))
                audit.record(tx, d, who, "project.register", f"project:{pid}",
                             {"name": values[0], "verdict": values[4], "source_file": src[0], "source_sha256": src[1]})
    except AccessError as exc:
        log_denial(store, exc)
        raise
    return ids


def _where(flt: ProjectFilter, p: str, d: Any) -> tuple[str, list[Any]]:
    parts, params = [], []
    for col, value in (("status", flt.status), ("verdict", flt.verdict), ("town", flt.town), ("ptype", flt.ptype),
                       ("created_by", flt.by)):
        if value:
            parts.append(f"{col} = {p}")
            params.append(value)
    if flt.created_from:
        parts.append(f"created >= {p}")
        params.append(flt.created_from)
    if flt.created_to:
        parts.append(f"created < {p}")
        params.append(flt.created_to)
    if flt.text:
        fn = "instr" if d.name == "sqlite" else "strpos"
        parts.append(f"({fn}(name, {p}) > 0 OR {fn}(applicant, {p}) > 0)")
        params += [flt.text, flt.text]
    return (" WHERE " + " AND ".join(parts)) if parts else "", params


def list_projects(store: Any, flt: ProjectFilter = ProjectFilter(), offset: int = 0, limit: int = 50,
                  order: str = "-created") -> tuple[list[dict[str, Any]], int]:
    """One page of the register (keys :data:`LIST_COLUMNS`) and the number of projects the filter selects."""
    if order not in _ORDERS:
        raise RegistryError(f"排序「{order}」无效:可用 {', '.join(_ORDERS)}", f"invalid order {order!r}: use one of {', '.join(_ORDERS)}")
    if offset < 0 or not 0 < limit <= 1000:
        raise RegistryError(f"分页参数无效(offset={offset}, limit={limit}):limit 应为 1–1000",
                            f"invalid page (offset={offset}, limit={limit}): limit must be 1–1000")
    d = store.dialect
    where, params = _where(flt, d.param, d)
    with store.transaction() as tx:
        total = int(tx.execute(f"SELECT count(*) FROM lk_projects{where}", params).fetchone()[0])
        rows = tx.execute(f"SELECT {_LIST_SQL} FROM lk_projects{where} ORDER BY {_ORDERS[order]}, id DESC "
                          f"LIMIT {d.param} OFFSET {d.param}", [*params, int(limit), int(offset)]).fetchall()
    return [dict(zip(LIST_COLUMNS, (int(r[0]), *r[1:]), strict=True)) for r in rows], total


def project_points(store: Any, flt: ProjectFilter = ProjectFilter(), limit: int = 20_000) -> tuple[list[dict[str, Any]], int]:
    """The projects the filter selects as points for a map: ``id``, ``name``, ``status``, ``lon``, ``lat`` (the
    project's centre as checked; no geometry), newest first, at most ``limit``; and how many the filter selects."""
    d = store.dialect
    where, params = _where(flt, d.param, d)
    cond = " AND ".join(c for c in (where.removeprefix(" WHERE "), "lon IS NOT NULL", "lat IS NOT NULL") if c)
    with store.transaction() as tx:
        total = int(tx.execute(f"SELECT count(*) FROM lk_projects WHERE {cond}", params).fetchone()[0])
        rows = tx.execute(f"SELECT id, name, status, lon, lat FROM lk_projects WHERE {cond} ORDER BY created DESC, id DESC "
                          f"LIMIT {d.param}", [*params, int(limit)]).fetchall()
    return [{"id": int(r[0]), "name": r[1], "status": r[2], "lon": float(r[3]), "lat": float(r[4])} for r in rows], total


def facets(store: Any) -> dict[str, list[str]]:
    """The values present in the register for the list's filters (status, verdict, town, type)."""
    out = {}
    with store.transaction() as tx:
        for key, col in (("status", "status"), ("verdict", "verdict"), ("town", "town"), ("type", "ptype")):
            out[key] = [r[0] for r in tx.execute(f"SELECT DISTINCT {col} FROM lk_projects ORDER BY {col}").fetchall()]
    return out


def _no_project(pid: Any) -> RegistryError:
    return RegistryError(f"项目库中没有编号为 {pid} 的项目(用 python -m lukou_geo registry list 查看)",
                         f"the register has no project {pid} (see python -m lukou_geo registry list)")


_SHOW_COLS = ("id", "name", "type", "applicant", "town", "verdict", "status", "geometry", "lon", "lat", "area_ha", "source_file",
              "source_sha256", "source_crs", "snapshot", "checks", "created", "by", "updated", "updated_by")


def show_project(store: Any, pid: int) -> dict[str, Any]:
    """One project with its snapshot, its history (oldest first) and its report files (name, sha256, bytes)."""
    d = store.dialect
    p = d.param
    with store.transaction() as tx:
        row = tx.execute("SELECT id, name, ptype, applicant, town, verdict, status, geometry, lon, lat, area_ha, source_file, "
                         "source_sha256, source_crs, snapshot, checks, created, created_by, updated, updated_by "
                         f"FROM lk_projects WHERE id = {p}", (int(pid),)).fetchone()
        if row is None:
            raise _no_project(pid)
        hist = tx.execute("SELECT at, user_name, action, from_status, to_status, comment, detail FROM lk_project_history "
                          f"WHERE project_id = {p} ORDER BY id", (int(pid),)).fetchall()
        files = tx.execute(f"SELECT check_no, name, sha256, length(data) FROM lk_project_files WHERE project_id = {p} "
                           "ORDER BY check_no, name", (int(pid),)).fetchall()
    out = dict(zip(_SHOW_COLS, row, strict=True))
    out["id"] = int(out["id"])
    out["geometry"] = json.loads(out["geometry"])
    out["snapshot"] = json.loads(out["snapshot"])
    out["status_en"] = STATUS_EN.get(out["status"], "")
    out["next_statuses"] = list(TRANSITIONS.get(out["status"], ()))
    out["history"] = [{"at": h[0], "user": h[1], "action": h[2], "from": h[3], "to": h[4], "comment": h[5],
                       "detail": json.loads(h[6])} for h in hist]
    out["reports"] = [{"check": int(f[0]), "name": f[1], "sha256": f[2], "bytes": int(f[3])} for f in files]
    return out


def set_status(store: Any, user: str | None, pid: int, to_status: str, comment: str, local: bool = False) -> dict[str, Any]:
    """Move a project to ``to_status`` with a comment (why); returns the history entry. Authorised as
    ``project.status`` on the project's owner (its registrant)."""
    comment = str(comment or "").strip()
    if to_status not in STATUSES:
        raise RegistryError(f"状态「{to_status}」无效:应为 {'、'.join(STATUSES)}", f"invalid status {to_status!r}: use one of {', '.join(STATUSES)}")
    d = store.dialect
    p = d.param
    lock = " FOR UPDATE" if d.name == "postgres" else ""
    try:
        with store.transaction(write=True) as tx:
            row = tx.execute(f"SELECT status, created_by FROM lk_projects WHERE id = {p}{lock}", (int(pid),)).fetchone()
            if row is None:
                raise _no_project(pid)
            who = require(store, tx, user, "project.status", owner=row[1], local=local, target=f"project:{pid}").name
            if not comment:
                raise RegistryError("更改状态须写明理由(--comment)", "a status change needs a comment saying why (--comment)")
            if len(comment) > MAX_COMMENT:
                raise RegistryError(f"理由过长(最多 {MAX_COMMENT} 字)", f"the comment is too long (at most {MAX_COMMENT} characters)")
            allowed = TRANSITIONS.get(row[0], ())
            if to_status not in allowed:
                nxt = "、".join(allowed) or "(无:已结束 / none: closed)"
                raise RegistryError(f"项目 {pid} 的状态是「{row[0]}」,不能改为「{to_status}」;可改为:{nxt}",
                                    f"project {pid} is {row[0]} ({STATUS_EN[row[0]]}); it cannot move to {to_status}; "
                                    f"allowed: {', '.join(allowed) or 'none (closed)'}")
            now = now_iso()
            tx.execute(f"UPDATE lk_projects SET status = {p}, updated = {p}, updated_by = {p} WHERE id = {p}", (to_status, now, who, int(pid)))
            tx.execute("INSERT INTO lk_project_history (project_id, at, user_name, action, from_status, to_status, comment, detail) "
                       f"VALUES ({p}, {p}, {p}, 'status', {p}, {p}, {p}, '{{}}')", (int(pid), now, who, row[0], to_status, comment))
            audit.record(tx, d, who, "project.status", f"project:{pid}", {"from": row[0], "to": to_status, "comment": comment})
    except AccessError as exc:
        log_denial(store, exc)
        raise
    return {"at": now, "user": who, "from": row[0], "to": to_status, "comment": comment}


def report_file(store: Any, user: str | None, pid: int, name: str, check_no: int | None = None) -> bytes:
    """The bytes of a stored report file (the latest check's unless ``check_no``); the export is logged."""
    d = store.dialect
    p = d.param
    with store.transaction() as tx:
        sql = f"SELECT data, check_no FROM lk_project_files WHERE project_id = {p} AND name = {p}"
        args: list[Any] = [int(pid), name]
        if check_no is not None:
            sql += f" AND check_no = {p}"
            args.append(int(check_no))
        row = tx.execute(sql + " ORDER BY check_no DESC", args).fetchone()
    if row is None:
        raise RegistryError(f"项目 {pid} 没有报告文件「{name}」", f"project {pid} has no report file {name!r}")
    audit.log(store, str(user or "(anonymous)"), "report.export", f"project:{pid}", {"file": name, "check": int(row[1])})
    return bytes(row[0])


def _zone_set(snapshot: dict[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for z in snapshot.get("zones", []):
        key = f"{z.get('layer', '')}/{z.get('zone', '')}"
        share = z.get("share")
        out[key] = round(float(share), 3) if isinstance(share, (int, float)) else 0.0
    return out


def changes_between(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What changed from one check's snapshot to the next: verdict, town, zones (added, removed, share
    changed) and the versions of the data checked against."""
    o, n = old.get("summary", {}), new.get("summary", {})
    out: dict[str, Any] = {}
    for key in ("verdict", "township", "deciding_zone", "zone_count"):
        if o.get(key) != n.get(key):
            out[key] = {"from": o.get(key), "to": n.get(key)}
    oz, nz = _zone_set(old), _zone_set(new)
    zones = {"added": sorted(set(nz) - set(oz)), "removed": sorted(set(oz) - set(nz)),
             "share": {k: {"from": oz[k], "to": nz[k]} for k in sorted(set(oz) & set(nz)) if oz[k] != nz[k]}}
    if any(zones.values()):
        out["zones"] = zones
    ov, nv = old.get("versions", {}), new.get("versions", {})
    vers = {}
    for part in sorted(set(ov) | set(nv)):
        a, b = ov.get(part, {}) or {}, nv.get(part, {}) or {}
        diff = {k: {"from": a.get(k), "to": b.get(k)} for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)}
        if diff:
            vers[part] = diff
    if vers:
        out["versions"] = vers
    return out


def recheck(store: Any, user: str | None, pid: int, result: Any, *, versions: dict[str, Any] | None = None,
            reports: list[str | Path] | tuple = (), local: bool = False) -> dict[str, Any]:
    """Record a new check of a registered project (``result``: the check of its geometry against today's
    layers): the snapshot, verdict and town are replaced, the previous stay in the history with what
    changed (:func:`changes_between`); returns those changes. Authorised as ``project.recheck``."""
    files = []
    for p in reports:
        data = Path(p).read_bytes()
        files.append((Path(p).name, hashlib.sha256(data).hexdigest(), data))
    row = _records(result.summary.reset_index(drop=True).iloc[:1])[0]
    zones = _records(result.zones)
    d = store.dialect
    p = d.param
    lock = " FOR UPDATE" if d.name == "postgres" else ""
    try:
        with store.transaction(write=True) as tx:
            cur = tx.execute(f"SELECT snapshot, created_by, checks, status FROM lk_projects WHERE id = {p}{lock}", (int(pid),)).fetchone()
            if cur is None:
                raise _no_project(pid)
            who = require(store, tx, user, "project.recheck", owner=cur[1], local=local, target=f"project:{pid}").name
            now = now_iso()
            old = json.loads(cur[0])
            new = {"checked_at": now, "checked_by": who, "summary": row, "zones": zones, "versions": versions or {},
                   "reports": [f[0] for f in files]}
            changed = changes_between(old, new)
            check_no = int(cur[2]) + 1
            tx.execute(f"UPDATE lk_projects SET verdict = {p}, town = {p}, snapshot = {p}, checks = {p}, updated = {p}, updated_by = {p} "
                       f"WHERE id = {p}", (str(row.get("verdict") or ""), str(row.get("township") or ""),
                                           json.dumps(new, ensure_ascii=False, default=str), check_no, now, who, int(pid)))
            tx.execute("INSERT INTO lk_project_history (project_id, at, user_name, action, from_status, to_status, comment, detail) "
                       f"VALUES ({p}, {p}, {p}, 'recheck', {p}, {p}, {p}, {p})",
                       (int(pid), now, who, cur[3], cur[3], f"第 {check_no} 次核查 / check {check_no}",
                        json.dumps({"changes": changed, "previous": old}, ensure_ascii=False, default=str)))
            for name, fsha, data in files:
                tx.execute(f"INSERT INTO lk_project_files VALUES ({p}, {p}, {p}, {p}, {p})", (int(pid), check_no, name, fsha, data))
            audit.record(tx, d, who, "project.recheck", f"project:{pid}", {"check": check_no, "changes": changed})
    except AccessError as exc:
        log_denial(store, exc)
        raise
    return changed
