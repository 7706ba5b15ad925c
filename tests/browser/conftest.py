"""Browser-test fixtures: Debian's Chromium through Playwright, with no way out.

Fixtures
--------
browser
    One Chromium per session, launched with :data:`CHROMIUM_ARGS`.
page
    A fresh context and page per test. Every request to a host other than the
    loopback (127.0.0.0/8, localhost, ::1) is aborted and recorded in
    ``blocked_requests``; uncaught page errors are recorded in ``page_errors``. At
    teardown the test fails if there was any page error, or any blocked request
    unless the test is marked ``@pytest.mark.allow_blocked_requests``.
blocked_requests, page_errors, console_errors
    The lists the ``page`` fixture fills (request the fixture to assert on them).
free_port
    A function: ``free_port()`` returns a TCP port free on 127.0.0.1.
serve_dir
    A function: ``serve_dir(folder)`` serves a folder over HTTP on 127.0.0.1 (a free
    port, for the rest of the test) and returns its base URL ``http://127.0.0.1:PORT/``.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import ipaddress
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from lukou_geo.settings import REPO_ROOT

#: Screenshots and the Streamlit log of browser tests (a CI artifact folder).
ARTIFACTS = REPO_ROOT / "artifacts"
#: The iframe st_folium draws the map in.
FRAME = 'iframe[title="streamlit_folium.st_folium"]'
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: URL schemes that never touch the network.
LOCAL_SCHEMES = {"data", "blob", "about", "file", "chrome", "chrome-extension"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in tests/browser/ is a browser test."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def is_local_url(url: str) -> bool:
    """True for a URL that stays on this machine (loopback host or a local scheme)."""
    parts = urlsplit(url)
    if parts.scheme.lower() in LOCAL_SCHEMES:
        return True
    host = (parts.hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture
def free_port() -> Callable[[], int]:
    """Return a function that returns a free TCP port on 127.0.0.1."""
    return _free_port


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def serve_dir() -> Iterator[Callable[[Path], str]]:
    """Serve folders over HTTP on 127.0.0.1 for the duration of the test."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def serve(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", _free_port()), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, launched once per session."""
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} not found: apt-get install -y chromium fonts-noto-cjk",
                    pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def blocked_requests() -> list[str]:
    """URLs the ``page`` fixture aborted because they would leave the machine."""
    return []


@pytest.fixture
def page_errors() -> list[str]:
    """Uncaught JavaScript errors seen by the ``page`` fixture."""
    return []


@pytest.fixture
def console_errors() -> list[str]:
    """``console.error`` messages seen by the ``page`` fixture (not failed on)."""
    return []


#: The window of the browser tests: ``LUKOU_VIEWPORTS`` (e.g. ``1280x1000,1366x768,1024x768``, as
#: ``make test-screens`` sets it) runs every browser test at each size; the default is 1280×1000.
DEFAULT_VIEWPORT = (1280, 1000)


def _viewports() -> list[tuple[int, int]]:
    raw = os.environ.get("LUKOU_VIEWPORTS", "").strip()
    if not raw:
        return [DEFAULT_VIEWPORT]
    out = []
    for part in raw.split(","):
        w, _, h = part.strip().lower().partition("x")
        out.append((int(w), int(h)))
    return out


@pytest.fixture(params=_viewports(), ids=lambda s: f"{s[0]}x{s[1]}")
def viewport(request: pytest.FixtureRequest) -> tuple[int, int]:
    """The size of the test's browser window (see :data:`DEFAULT_VIEWPORT`, ``LUKOU_VIEWPORTS``)."""
    return request.param


@pytest.fixture
def page(
    browser: object,
    request: pytest.FixtureRequest,
    blocked_requests: list[str],
    page_errors: list[str],
    console_errors: list[str],
    viewport: tuple[int, int],
) -> Iterator[object]:
    """A page in a fresh context (window ``viewport``) where every non-loopback request is aborted."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})  # type: ignore[attr-defined]

    def guard(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if is_local_url(url):
            route.continue_()  # type: ignore[attr-defined]
        else:
            blocked_requests.append(url)
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", guard)
    pg = context.new_page()
    pg.on("pageerror", lambda exc: page_errors.append(str(exc)))
    pg.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    yield pg
    context.close()
    problems = []
    if page_errors:
        problems.append("page errors:\n  " + "\n  ".join(page_errors))
    if blocked_requests and request.node.get_closest_marker("allow_blocked_requests") is None:
        problems.append("requests that would have left the machine (blocked):\n  "
                        + "\n  ".join(blocked_requests))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not become healthy in time")


def _start_app(env: dict[str, str], log_name: str) -> tuple[subprocess.Popen, str, object]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ARTIFACTS.mkdir(exist_ok=True)
    fh = (ARTIFACTS / log_name).open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.enableStaticServing", "true",
         "--browser.gatherUsageStats", "false", "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=REPO_ROOT, stdout=fh, stderr=subprocess.STDOUT, env={**os.environ, "TIANDITU_KEY": "", **env},
    )
    return proc, f"http://127.0.0.1:{port}", fh


@contextlib.contextmanager
def serve_app(env: dict[str, str], log_name: str) -> Iterator[str]:
    """app.py served with ``env`` on a free loopback port, healthy, until the block ends (output in artifacts/)."""
    proc, url, fh = _start_app(env, log_name)
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        fh.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """A real Streamlit server running app.py on a free loopback port (one per test session)."""
    with serve_app({}, "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def store_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """app.py again, with a GeoPackage store of the synthetic demo layers (``tests.demo_store``, imported by the
    importer) and an empty data dir."""
    from tests.demo_store import demo_store_path

    data_dir = tmp_path_factory.mktemp("store-app-var")
    path = demo_store_path(tmp_path_factory.mktemp("store-app-store"))
    with serve_app({"LUKOU_STORE": str(path), "LUKOU_DATA_DIR": str(data_dir), "LUKOU_USER": "测试管理员"},
                   "streamlit_store.log") as url:
        yield url


def unfold_panels(frame: object) -> None:
    """Unfold the map's layer list and legend (they start folded on a small map: lukou_geo.map.elements.screen)."""
    frame.evaluate(  # type: ignore[attr-defined]
        """() => document.querySelectorAll('.leaflet-control-layers, .lk-legend')
                  .forEach(e => { e.dataset.lkFolded = '1'; e.classList.remove('lk-collapsed'); })""")


def fold_panels(frame: object) -> None:
    """Fold the map's layer list and legend again (so that they cover nothing a test clicks or samples)."""
    frame.evaluate(  # type: ignore[attr-defined]
        """() => document.querySelectorAll('.leaflet-control-layers, .lk-legend')
                  .forEach(e => { e.dataset.lkFolded = '1'; e.classList.add('lk-collapsed'); })""")


def wait_idle(page: object, settle_ms: int = 300) -> None:
    """Wait until the app's script run is over (Streamlit's status widget is empty), then ``settle_ms``: a
    download button clicked while the run that drew it is still going can miss its first click (seen 1
    in 3 on the 审查意见 DOCX; a planner's click comes later than a test's)."""
    page.wait_for_function(  # type: ignore[attr-defined]
        """() => { const s = document.querySelector('[data-testid="stStatusWidget"]');
                   return !s || !s.innerText.trim(); }""", timeout=60_000)
    page.wait_for_timeout(settle_ms)  # type: ignore[attr-defined]


def wait_map(page: object, test: str, timeout: float = 60_000) -> None:
    """Wait until ``test`` (JavaScript ``w => bool``, ``w`` the map iframe's window) holds for a map on the page.

    Polled from the app's page, which re-finds the iframes at every poll, rather than in the ``content_frame()``
    of the iframe first found: after a reload or a page switch the map's iframe is first 0 px high (until
    Leaflet runs), then partly below a 768 px window's bottom, and a wait polled in that frame (on its
    animation frames) sometimes never saw the map it drew (60 s; the same test held at once when evaluated
    after the timeout).
    """
    page.wait_for_function(  # type: ignore[attr-defined]
        f"""(sel) => [...document.querySelectorAll(sel)].some(f => {{
                 const w = f.contentWindow; if (!w) return false;
                 try {{ return !!(({test})(w)); }} catch (e) {{ return false; }} }})""",
        arg=FRAME, timeout=timeout)


def choose(page: object, box: object, option: object, exact: bool = False) -> None:
    """Open the selectbox ``box`` (a locator) and click its option ``option`` (a name or a pattern).

    The box is scrolled into view and two animation frames are awaited before the click: Streamlit's
    selectbox (React Aria) closes its list when the page scrolls, and the scroll event of the scroll
    Playwright's click makes itself (a box below the window's bottom, as at 768 px high) can arrive after
    the press opened the list, which then shuts again at once (a planner scrolls first, then clicks).
    """
    box.scroll_into_view_if_needed()  # type: ignore[attr-defined]
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")  # type: ignore[attr-defined]
    box.click()  # type: ignore[attr-defined]
    page.get_by_role("option", name=option, exact=exact).click()  # type: ignore[attr-defined]


def choose_lonlat(page: object, source: str = "GPS") -> None:
    """On the check page, say where lon/lat coordinates come from (required before degrees are checked)."""
    import re

    choose(page, page.locator('[data-testid="stSelectbox"]').filter(has_text="经纬度坐标来自"), re.compile(source))  # type: ignore[attr-defined]
    page.wait_for_timeout(500)  # type: ignore[attr-defined]
