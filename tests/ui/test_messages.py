"""lukou_geo.ui.messages: text from users and files shows as written, never as links, images or LaTeX."""

from __future__ import annotations

import re

import pytest

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
