"""lukou_geo.ui.messages: text from users and files shows as written, never as links, images or LaTeX."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from lukou_geo.meeting.views import View, ViewStore
from lukou_geo.ui.messages import SPECIAL, WORD_JOINER, Markdown, escape

HOSTILE = [
    "[会话已过期 请重新登录](http://evil.example)",
    "![x](http://evil.example/b.png)",
    "![](http://evil/beacon.png)",
    "<http://evil.example>",
    "www.evil.example",
    "$x$ and $$y$$",
    "**bold** __b__ *i* `code` ~~s~~",
    ":red[red] :material/home:",
    "# heading",
    "1. list",
    "- item",
    "| a | b |",
    "a\\b &amp; x@evil.example HTTPS://EVIL.EXAMPLE",
]
#: What Streamlit's renderer (remark-gfm) turns into links in a text node, after escapes are resolved.
GFM_AUTOLINKS = (re.compile(r"(https?://|www(?=\.))([-.\w]+)", re.IGNORECASE), re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)"))


def text_node(md: str) -> str:
    """The text CommonMark makes of literal characters and backslash escapes."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", md)


def unescape(md: str) -> str:
    """What a reader sees (the word joiners are invisible)."""
    return text_node(md).replace(WORD_JOINER, "")


def literal_only(md: str) -> bool:
    """True when every Markdown special character of ``md`` is backslash-escaped."""
    i = 0
    while i < len(md):
        if md[i] == "\\":
            if i + 1 >= len(md) or md[i + 1] not in SPECIAL:
                return False
            i += 2
            continue
        if md[i] in SPECIAL:
            return False
        i += 1
    return True


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_leaves_no_markdown(text):
    md = escape(text)
    assert literal_only(md), md
    assert unescape(md) == text
    assert not any(p.search(text_node(md)) for p in GFM_AUTOLINKS), md
    assert ":material/" not in text_node(md) and ":red[" not in text_node(md)
    assert escape(md) == md  # already Markdown: kept as it is


def test_escape_examples():
    assert escape("[x](http://evil)") == "\\[x\\]\\(http\u2060\\://evil\\)"
    assert escape("![](a.png)") == r"\!\[\]\(a\.png\)"
    assert escape("$x$ **b**") == r"\$x\$ \*\*b\*\*"
    assert escape("渌口区 南洲新区") == "渌口区 南洲新区"
    assert escape(Markdown("[plan](./reader?p=1)")) == "[plan](./reader?p=1)"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LUKOU_DATA_DIR", str(tmp_path))
    return tmp_path


def _views():
    from lukou_geo.ui.frame import guard
    from lukou_geo.ui.pages.views import render

    guard(render)()


def _atlas():
    from lukou_geo.ui.frame import guard
    from lukou_geo.ui.pages.atlas import render

    guard(render)()


def test_share_link_title_shows_literally(data_dir):
    title = "[会话已过期 请重新登录](http://evil.example)"
    at = AppTest.from_function(_views, default_timeout=60)
    at.query_params["layers"] = "district"
    at.query_params["title"] = title
    at.run()
    assert not at.exception
    (box,) = at.success
    assert box.value == "已从链接恢复视图「" + escape(title) + "」"
    assert literal_only(box.value.removeprefix("已从链接恢复视图「").removesuffix("」"))


def test_saved_view_title_shows_literally(data_dir):
    title = "![x](http://evil.example/b.png)"
    ViewStore().save(View(title=title, layers=("district",)), local=True)
    at = AppTest.from_function(_views, default_timeout=60).run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert any(label.startswith(f"1. {escape(title)} · ") for label in labels)
    assert not any("![x](" in label for label in labels)


def test_feature_parameter_shows_literally():
    fid = "![x](http://evil.example/b.png)"
    at = AppTest.from_function(_atlas, default_timeout=60)
    at.query_params["feature"] = fid
    at.run()
    assert not at.exception
    (box,) = at.warning
    assert escape(fid) in box.value and "![x](" not in box.value


def _boxes():
    from lukou_geo.ui import messages

    messages.info("🚨 项目名称")
    messages.error("⚠️ 文件")


def test_a_leading_emoji_stays_in_the_text():
    """A name from a file that starts with an emoji is shown as written, not taken for the box's icon."""
    at = AppTest.from_function(_boxes, default_timeout=60).run()
    assert not at.exception
    assert at.info[0].value == "🚨 项目名称" and not at.info[0].icon
    assert at.error[0].value == "⚠️ 文件" and not at.error[0].icon


def test_a_box_does_not_load_the_emoji_catalogue(tmp_path):
    """The first box of a process with Chinese text cost the first check 0.3 s (Streamlit's emoji regex)."""
    import subprocess
    import sys

    from lukou_geo.settings import REPO_ROOT

    script = tmp_path / "boxes.py"
    script.write_text(
        "import sys\nfrom streamlit.testing.v1 import AppTest\n\n\n"
        "def page():\n    from lukou_geo.ui import messages\n\n    messages.info('已假定坐标系:高德')\n\n\n"
        "at = AppTest.from_function(page).run()\nassert not at.exception and at.info\n"
        "print('streamlit.emojis' in sys.modules)\n", encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=REPO_ROOT,
                         env={**__import__("os").environ, "PYTHONPATH": str(REPO_ROOT)})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "False"
