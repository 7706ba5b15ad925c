"""`make bench`: the first check on the 选址核查 page, in Chromium against the real app.

The page is opened in a fresh server process (nothing built yet: the check context is built on
first use) and is "up" when its map is drawn and the paste box is there. A planner then pastes
one point and presses 核查坐标; the figure is the time until the result header shows. Target: the
first check ≤ 1 s after the page is up. Reported beside it: a second check on the same page
(everything warm), and the page load itself.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from any folder

from _app import CHROMIUM, CHROMIUM_ARGS, FRAME, local_only, start_app
from _targets import Targets


def choose_lonlat(page) -> None:
    """Say where the lon/lat come from (the page checks degrees only once this is chosen), as a planner does first."""
    import re

    page.locator('[data-testid="stSelectbox"]').filter(has_text="经纬度坐标来自").click()
    page.get_by_role("option", name=re.compile("GPS")).click()
    page.wait_for_timeout(500)


def one_check(page, text: str, name: str) -> float:
    page.get_by_role("tab", name="粘贴坐标").click()
    page.get_by_label("项目名称").fill(name)
    page.get_by_label("每行一个点", exact=False).fill(text)
    t0 = time.perf_counter()  # the name and the points go with the press (one form)
    page.get_by_role("button", name="核查坐标").click()
    page.get_by_text(f"1. {name} — ", exact=False).first.wait_for(timeout=60_000)
    return time.perf_counter() - t0


def main() -> int:
    from playwright.sync_api import sync_playwright

    t = Targets("bench_check_page")
    proc, url = start_app()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            ctx = browser.new_context(viewport={"width": 1440, "height": 900})
            ctx.route("**/*", local_only)
            page = ctx.new_page()
            t0 = time.perf_counter()
            page.goto(url + "/check", wait_until="domcontentloaded")
            frame = page.wait_for_selector(FRAME, state="attached", timeout=120_000).content_frame()
            frame.wait_for_selector("path.leaflet-interactive", state="attached", timeout=120_000)
            page.get_by_role("tab", name="粘贴坐标").wait_for(timeout=60_000)
            t_up = time.perf_counter() - t0
            choose_lonlat(page)
            first = one_check(page, "113.1475,27.605", "甲项目")
            second = one_check(page, "113.1375,27.705", "乙项目")
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    print(f"\ncheck page up (map drawn) in {t_up:.2f} s; first check {first:.2f} s; second check {second:.2f} s")
    t.check("first check on the check page after it is up (s)", first, "<=", 1.0, f"second check {second:.2f} s")
    return t.exit_code()


if __name__ == "__main__":
    sys.exit(main())
