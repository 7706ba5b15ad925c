"""The register end to end in Chromium, against app.py served with a GeoPackage store that has accounts
(made with the accounts API, as ``python -m lukou_geo users add`` does): a checker signs in, checks a red
line, registers it and changes its status; a viewer signs in and cannot change it (the page says why);
the checker's still-open form, submitted after an admin made the checker a viewer (a replayed form), is
refused on the server with a clear message and changes nothing; the admin sees the registration, the
status change and the refusal on the 审计日志 page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, FRAME, choose, choose_lonlat, serve_app, wait_idle, wait_map

RED_LINE = "113.140, 27.600\n113.146, 27.600\n113.146, 27.605\n113.140, 27.605"
NAME = "南洲<b>红线</b>"


@pytest.fixture  # one per test, so one per viewport of `make test-screens`: each run starts from a register with no project yet
def team_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    from lukou_geo.store import open_store
    from tests.registry.helpers import team

    data = tmp_path_factory.mktemp("registry-app-var")
    path = data / "store.gpkg"
    s = open_store(str(path))
    team(s)  # ada (admin), cho and chen (checkers), vic (viewer): passwords NAME-password
    s.close()
    with serve_app({"LUKOU_STORE": str(path), "LUKOU_DATA_DIR": str(data)}, "streamlit_registry.log") as url:
        yield url, path


def _sign_in(page, url: str, name: str) -> None:
    page.goto(url + "/signin", wait_until="domcontentloaded")
    page.get_by_label("账户名").fill(name)
    page.get_by_label("密码").fill(f"{name}-password")
    page.get_by_role("button", name="登录").click()
    page.get_by_text(re.compile(f"已登录.{{0,2}}{name}")).first.wait_for(timeout=60_000)  # (a word joiner may follow the colon)


def _nav(page, title: str) -> None:
    nav = page.locator('[data-testid="stSidebarNav"]')
    more = nav.get_by_text(re.compile(r"^View \d+ more$"))
    if more.count():  # more than twelve pages (an admin's): the menu starts folded
        more.first.click()
    nav.get_by_role("link", name=title).first.click()


def _sign_out(page) -> None:
    _nav(page, "登录")
    page.get_by_role("button", name="退出登录").click()
    page.get_by_label("账户名").wait_for(timeout=60_000)


def _status_line(page, status: str) -> None:
    page.get_by_text(re.compile(f"状态: {status} ·")).first.wait_for(timeout=60_000)


def _click_the_point(page) -> None:
    """Click the register's point on the 项目库 map (its place from the map itself)."""
    frame = page.wait_for_selector(FRAME, state="attached", timeout=60_000).content_frame()
    frame.wait_for_selector(".leaflet-container[data-lk-register='1']", state="attached", timeout=60_000)
    frame.wait_for_selector(".lk-register-legend", timeout=30_000)
    xy = frame.evaluate("""() => { const m = window.map, p = m.lkRegister.points[0];
                                   const q = m.latLngToContainerPoint([p[1], p[0]]); return [q.x, q.y]; }""")
    frame.locator(".leaflet-container").click(position={"x": xy[0], "y": xy[1]})
    frame.wait_for_selector(".leaflet-tooltip", timeout=10_000)  # the point's tooltip: the cursor is on it


def test_checker_registers_viewer_is_refused_admin_sees_it_all(browser, team_app, viewport) -> None:
    url, path = team_app
    ctx_a = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    ctx_b = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    errors: list[str] = []
    for ctx in (ctx_a, ctx_b):
        ctx.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url or "localhost" in r.request.url else r.abort())
    a, b = ctx_a.new_page(), ctx_b.new_page()
    for pg in (a, b):
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        # the checker: sign in, check a red line, register it
        _sign_in(a, url, "cho")
        _nav(a, "选址核查")
        a.get_by_text("选址核查").first.wait_for(timeout=60_000)
        choose_lonlat(a, "GPS")
        a.get_by_role("tab", name="粘贴坐标").click()
        a.get_by_label("项目名称").fill(NAME)
        a.locator('[data-testid="stTabPanel"] textarea').last.fill(RED_LINE)
        a.locator('[data-testid="stRadio"]').get_by_text("面", exact=True).click()  # the corners of one red line
        a.get_by_role("button", name="核查坐标").click()
        a.get_by_text(f"{NAME} — ").first.wait_for(timeout=90_000)
        wait_idle(a)
        a.get_by_label("申请单位").fill("株洲某新材料公司")
        a.get_by_role("button", name="登记 1 个项目").click()
        a.get_by_text("已登记到项目库").first.wait_for(timeout=90_000)
        a.screenshot(path=str(ARTIFACTS / "registry_registered.png"), full_page=True)
        # the link to its page (in the session: still signed in), its map and the status change
        a.get_by_role("link", name=re.compile(r"^#\d+ 南洲")).first.click()  # (a "/" in the pattern ends Playwright's)
        a.get_by_text(re.compile(r"#\d+ " + re.escape(NAME))).first.wait_for(timeout=60_000)
        _status_line(a, "拟选址")
        wait_map(a, "w => { let n = 0; w.map && w.map.eachLayer(l => { if (l.lkProject) n++; }); return n > 0; }")
        wait_idle(a)
        a.get_by_label("理由(必填)").fill("资料齐全,开始核查")
        a.get_by_role("button", name="提交").click()
        _status_line(a, "核查中")
        # the comment is in the history table, drawn on a canvas: its text is in the grid's accessible
        # (hidden) table; a text wait needs a visible element and failed whenever nothing else showed it
        a.wait_for_function("""(w) => Array.from(document.querySelectorAll('[data-testid="stDataFrame"]'))
            .some(g => g.textContent.includes(w))""", arg="资料齐全,开始核查", timeout=30_000)
        wait_idle(a)
        a.get_by_label("理由(必填)").fill("stale form")  # the next form, left open

        # the admin makes the checker a viewer; the checker's open form is then a viewer's replay
        _sign_in(b, url, "ada")
        _nav(b, "账户管理")
        b.get_by_text("新增账户").first.wait_for(timeout=60_000)
        choose(b, b.locator('[data-testid="stSelectbox"]').filter(has_text="账户").last, "cho", exact=True)
        wait_idle(b)
        choose(b, b.locator('[data-testid="stForm"]').filter(has_text="更改角色").locator('[data-testid="stSelectbox"]'), "浏览者")
        b.get_by_role("button", name="更改角色").click()
        b.get_by_text("「cho」的角色已改为浏览者").first.wait_for(timeout=60_000)

        a.get_by_role("button", name="提交").click()
        a.get_by_text(re.compile("浏览者.*未作任何更改")).first.wait_for(timeout=60_000)
        _status_line(a, "核查中")
        a.screenshot(path=str(ARTIFACTS / "registry_refused.png"), full_page=True)

        # a viewer signs in, opens the project from the map: no form, and the page says why
        _sign_out(a)
        _sign_in(a, url, "vic")
        _nav(a, "项目库")
        a.get_by_text("项目分布").first.wait_for(timeout=60_000)
        _click_the_point(a)
        _status_line(a, "核查中")
        a.get_by_text(re.compile("账户「vic」是浏览者")).first.wait_for(timeout=60_000)
        assert a.get_by_label("理由(必填)").count() == 0

        # the admin's audit log: the registration, the status change and the refusal
        _nav(b, "审计日志")
        b.get_by_text(re.compile(r"共 \d+ 条")).first.wait_for(timeout=60_000)
        wait_idle(b)
        grid = b.locator('[data-testid="stDataFrame"]').first
        grid.wait_for(timeout=30_000)
        b.get_by_role("button", name=re.compile("导出 CSV")).click()
        wait_idle(b)
        with b.expect_download() as dl:
            b.get_by_role("button", name="下载 审计日志.csv").click()
        text = Path(dl.value.path()).read_text(encoding="utf-8-sig")
        assert "project.register" in text and "project.status" in text and "user.role" in text
        denied = [line for line in text.splitlines() if ",denied," in line]
        assert any("cho" in line and "project.status" in line for line in denied), denied
        b.screenshot(path=str(ARTIFACTS / "registry_audit.png"), full_page=True)
    except Exception:
        for name, pg in (("a", a), ("b", b)):
            pg.screenshot(path=str(ARTIFACTS / f"registry_failed_{name}.png"), full_page=True)
        raise
    finally:
        ctx_a.close()
        ctx_b.close()
    assert not errors, errors
    # and the store says the same
    from lukou_geo.registry import records
    from lukou_geo.store import open_store

    s = open_store(str(path))
    try:
        rows, total = records.list_projects(s)
        assert total == 1 and rows[0]["status"] == "核查中" and rows[0]["name"] == NAME
        p = records.show_project(s, rows[0]["id"])
        assert [h["to"] for h in p["history"]] == ["拟选址", "核查中"] and p["source_crs"].startswith("自动识别:经纬度按 GPS") and p["source_sha256"]
    finally:
        s.close()
