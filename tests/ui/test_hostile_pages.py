"""Every page opened with hostile URL parameters, and the meeting pages over a damaged, read-only or full
data folder: a clear message (naming the parameter or the file and the fix), never an exception."""

from __future__ import annotations

import sqlite3

import pytest
from streamlit.testing.v1 import AppTest

from lukou_geo.meeting.views import View, ViewStore


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LUKOU_DATA_DIR", str(tmp_path))
    return tmp_path




def _open(name: str, params: dict[str, str]) -> AppTest:
    at = AppTest.from_function(_RUNNERS[name], default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def _views():
    from lukou_geo.ui.frame import guard
    from lukou_geo.ui.pages.views import render

    guard(render)()


def _present():
    from lukou_geo.ui.frame import guard
    from lukou_geo.ui.pages.present import render

    guard(render)()


def _compare():
    from lukou_geo.ui.frame import guard
    from lukou_geo.ui.pages.compare import render

    guard(render)()


def _atlas():
    from lukou_geo.ui.frame import guard
    from lukou_geo.ui.pages.atlas import render

    guard(render)()


def _reader():
    from lukou_geo.ui.frame import guard
    from lukou_geo.ui.pages.reader import render

    guard(render)()


_RUNNERS = {"views": _views, "present": _present, "compare": _compare, "atlas": _atlas, "reader": _reader}

HOSTILE_B = ["27.7,113.3,27.5,113.0", "27.6,113.1,27.6,113.1", "nan,nan,nan,nan", "1e308,1e308,-1e308,-1e308",
             "-1e308,-1e308,1e308,1e308", "inf,0,1,2", "1,2,3", "a,b,c,d", "27.5,113.0,95,113.3"]


def _texts(at: AppTest) -> str:
    return " ".join(str(e.value) for kind in (at.error, at.warning, at.info, at.success) for e in kind).replace("\\", "")


@pytest.mark.parametrize("b", HOSTILE_B)
def test_views_page_refuses_a_bad_extent_with_a_message(b: str) -> None:
    at = _open("views", {"layers": "district", "b": b})
    assert not at.exception
    assert at.warning and "b=" in _texts(at), b


def test_a_link_warning_stays_on_reruns() -> None:
    at = _open("views", {"layers": "district", "b": "nan,nan,nan,nan"})
    first = _texts(at)
    assert "b=" in first
    at.run()
    at.run()
    assert not at.exception and _texts(at) == first


@pytest.mark.parametrize("params", [
    {"layers": "district", "c": "nan,nan"}, {"layers": "district", "c": "1e999,0"}, {"layers": "district", "z": "nan"},
    {"layers": "district", "z": "-1e308"}, {"layers": "no_such,<img src=x>"}, {"layers": "district", "lang": "xx"},
    {"layers": "district", "basemap": "evil"}, {"view": "../../etc/passwd"}, {"view": "AAAAAAAAAA"},
    {"layers": "district", "title": "![x](http://evil.example/b.png) [会话已过期](http://evil.example)"},
    {"layers": "district", "title": "t" * 5000},
])
def test_views_page_takes_hostile_links(params: dict[str, str]) -> None:
    at = _open("views", params)
    assert not at.exception
    assert not [m for m in at.markdown if "evil.example" in m.value and "](" in m.value]


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The slide (0-based) each drawn deck map starts on: the page's number box is inside the deck's card."""
    from lukou_geo.ui.pages import present

    starts: list[int] = []
    real = present.build_deck_map

    def recording(*args, **kwargs):
        starts.append(kwargs.get("start", 0))
        return real(*args, **kwargs)

    monkeypatch.setattr(present, "build_deck_map", recording)
    return starts


@pytest.mark.parametrize("slide", ["²", "٣", "-1", "0", "99999999999", "1e3", " 2", "abc", "NaN"])
def test_present_page_takes_a_bad_slide_number(slide: str, started: list[int]) -> None:
    at = _open("present", {"slide": slide})
    assert not at.exception
    assert at.warning and "slide=" in _texts(at), slide
    assert started == [0]


def test_present_page_takes_a_good_slide_number(started: list[int]) -> None:
    at = _open("present", {"slide": "3"})
    assert not at.exception and not at.warning
    assert started == [2]


@pytest.mark.parametrize("params", [{"feature": "<img src=x onerror=alert(1)>"}, {"feature": "${alert(1)}"},
                                    {"layers": "../../x,district"}, {"lk_layer": "x", "lk_fid": "²"},
                                    {"lang": "<script>"}, {"feature": "[a](http://evil.example)"}])
def test_atlas_page_takes_hostile_links(params: dict[str, str]) -> None:
    at = _open("atlas", params)
    assert not at.exception


@pytest.mark.parametrize("p", ["²", "٣", "-5", "0", "10" * 30, "1_0", "nan", "<b>"])
def test_reader_page_takes_a_bad_paragraph(p: str) -> None:
    at = _open("reader", {"p": p})
    assert not at.exception


# ------------------------------------------------------------------ a damaged, read-only or full data folder

def _corrupt(data_dir):
    (data_dir / "atlas.sqlite3").write_bytes(b"this is not a database" * 100)


@pytest.fixture(autouse=True)
def fresh_store():
    from lukou_geo import layer_store

    layer_store.reset()
    yield
    layer_store.reset()


@pytest.mark.parametrize("page", ["views", "present", "compare"])
def test_a_damaged_old_views_file_is_a_message_naming_the_file(page: str, data_dir) -> None:
    _corrupt(data_dir)
    at = _open(page, {})
    assert not at.exception
    text = _texts(at)
    assert "atlas.sqlite3" in text and "移走" in text, text
    assert (data_dir / "atlas.sqlite3").read_bytes() == b"this is not a database" * 100  # left as it was


@pytest.mark.parametrize("page", ["views", "present", "compare"])
def test_a_damaged_store_is_a_message_naming_the_file(page: str, data_dir) -> None:
    (data_dir / "store.gpkg").write_bytes(b"this is not a database" * 100)
    at = _open(page, {})
    assert not at.exception
    text = _texts(at)
    assert "store.gpkg" in text and "LUKOU_DATA_DIR" in text, text


def test_present_keeps_the_default_deck_when_the_store_is_damaged(data_dir) -> None:
    _corrupt(data_dir)
    at = _open("present", {})
    assert not at.exception and not at.error
    assert at.selectbox(key="present_deck").value == "default"


def test_views_store_errors_are_bilingual_and_name_the_fix(data_dir, monkeypatch) -> None:
    from lukou_geo.errors import ViewError

    store = ViewStore()
    store.save(View(title="甲", layers=("district",)), local=True)
    real = sqlite3.connect

    class Full:
        def __init__(self, con):
            self.con = con

        def __getattr__(self, name):
            return getattr(self.con, name)

        def execute(self, sql, *a):
            if sql.startswith("INSERT"):
                raise sqlite3.OperationalError("database or disk is full")
            return self.con.execute(sql, *a)

    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: Full(real(*a, **k)))
    with pytest.raises(ViewError) as exc:
        store.save(View(title="乙", layers=("district",)), local=True)
    assert "磁盘已满" in exc.value.message("zh") and "disk" in exc.value.message("en")
    assert "store.gpkg" in exc.value.message("zh") and "rollback" not in str(exc.value)
    monkeypatch.setattr(sqlite3, "connect", real)
    assert [v.title for v in store.list(local=True)] == ["甲"]  # nothing half-written


def test_a_read_only_data_folder_is_a_clear_message(data_dir) -> None:
    import os

    from lukou_geo.errors import LukouError

    store = ViewStore()
    store.save(View(title="甲", layers=("district",)), local=True)
    files = [p for p in data_dir.iterdir() if p.is_file()]
    for p in files:
        os.chmod(p, 0o444)
    os.chmod(data_dir, 0o555)
    try:
        if os.access(data_dir / "store.gpkg", os.W_OK):
            pytest.skip("running as a user who may write anywhere (root)")
        with pytest.raises(LukouError) as exc:
            ViewStore().save(View(title="乙", layers=("district",)), local=True)
        assert "store.gpkg" in exc.value.message("zh") and "Traceback" not in exc.value.message("en")
    finally:
        os.chmod(data_dir, 0o755)
        for p in files:
            os.chmod(p, 0o644)
    assert [v.title for v in ViewStore().list(local=True)] == ["甲"]


def test_an_unwritable_data_folder_is_named(tmp_path, monkeypatch) -> None:
    from lukou_geo import layer_store
    from lukou_geo.errors import LukouError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("LUKOU_DATA_DIR", str(blocker / "sub"))
    layer_store.reset()
    with pytest.raises(LukouError, match="LUKOU_DATA_DIR"):
        ViewStore()
