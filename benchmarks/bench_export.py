"""`make bench` (meeting mode): exported deck size, its time to first drawn feature from file://
against the live app's presentation page in the same run, and print export times.

Printed as figures and ratios; targets (exit 1 when one is missed): deck HTML ≤ 3 MB; first feature
from file:// no slower than the live app, i.e. ratio ≤ 1.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from any folder

from _targets import Targets
from _timing import timed

from lukou_geo.catalog import read_catalog, validate_data
from lukou_geo.meeting.deck import read_deck
from lukou_geo.meeting.offline import export_deck_html
from lukou_geo.meeting.printing import export_print, spec_for_slide

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
FRAME = 'iframe[title="streamlit_folium.st_folium"]'
REPEAT = 3


def start_app() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.enableStaticServing", "true", "--browser.gatherUsageStats",
         "false", "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "TIANDITU_KEY": ""})
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("streamlit did not start")


def first_feature_times(file_url: str, app_url: str) -> tuple[float, float]:
    """Median seconds from navigation to the first drawn feature: exported file, live app."""
    from playwright.sync_api import sync_playwright

    f_times, a_times = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(REPEAT):
            ctx = browser.new_context(viewport={"width": 1280, "height": 800}, offline=True)
            page = ctx.new_page()
            t0 = time.perf_counter()
            page.goto(file_url, wait_until="commit")
            page.wait_for_selector("path.leaflet-interactive", state="attached", timeout=60000)
            f_times.append(time.perf_counter() - t0)
            ctx.close()
            ctx = browser.new_context(viewport={"width": 1280, "height": 800})
            ctx.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
            page = ctx.new_page()
            t0 = time.perf_counter()
            page.goto(app_url, wait_until="commit")
            page.frame_locator(FRAME).locator("path.leaflet-interactive").first.wait_for(state="attached",
                                                                                        timeout=60000)
            a_times.append(time.perf_counter() - t0)
            ctx.close()
        browser.close()
    return statistics.median(f_times), statistics.median(a_times)


def main() -> int:
    catalog = read_catalog()
    data = validate_data(catalog)
    deck = read_deck()
    t_html, html = timed(lambda: export_deck_html(catalog, data, deck, "zh"), REPEAT)
    size = len(html.encode("utf-8"))
    print(f"deck: {len(deck.slides)} slides ({', '.join(s.title_zh for s in deck.slides)})")
    print(f"exported deck HTML: {size / 1e6:.2f} MB (target ≤ 3 MB: {'ok' if size <= 3e6 else 'OVER'}), "
          f"built in {t_html:.2f} s")
    for paper, orient in (("A4", "landscape"), ("A3", "landscape"), ("A3", "portrait")):
        spec = spec_for_slide(deck, 0, data, "zh", paper=paper, orientation=orient, dpi=150)
        t_pdf, pdf = timed(lambda spec=spec: export_print(catalog, data, spec, "pdf"), REPEAT)
        t_png, png = timed(lambda spec=spec: export_print(catalog, data, spec, "png"), REPEAT)
        print(f"print {paper} {orient} @150 dpi: PDF {len(pdf) / 1e6:.2f} MB in {t_pdf:.2f} s; "
              f"PNG {len(png) / 1e6:.2f} MB in {t_png:.2f} s (ratio to deck HTML export: "
              f"PDF {t_pdf / t_html:.1f}×, PNG {t_png / t_html:.1f}×)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deck.html"
        path.write_text(html, encoding="utf-8")
        proc, url = start_app()
        try:
            t_file, t_app = first_feature_times(path.as_uri(), url + "/present")
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    print(f"time to first drawn feature: exported file:// {t_file * 1000:.0f} ms, live app /present "
          f"{t_app * 1000:.0f} ms; ratio file/app = {t_file / t_app:.2f} (target ≤ 1)")
    t = Targets("bench_export")
    t.check("offline deck HTML (MB)", size / 1e6, "<=", 3.0)
    t.check("first drawn feature: file:// ÷ live app", t_file / t_app, "<=", 1.0)
    return t.exit_code()


if __name__ == "__main__":
    raise SystemExit(main())
