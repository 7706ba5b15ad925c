"""Message boxes whose text is shown as written: the one way the pages put text in a box.

``st.error``, ``st.warning``, ``st.info`` and ``st.success`` (and expander labels) render their
text as Markdown, so a file name, a cell value, a view title or a ``?title=`` parameter holding
``[会话已过期](http://evil.example)`` would become a link, ``![](http://evil.example/b.png)`` an image
fetched from outside, ``$x$`` LaTeX. These helpers backslash-escape every character Markdown (and
Streamlit's extensions: LaTeX, ``:colour[...]``) gives a meaning, so it shows literally.

Backslashes do not stop GitHub-flavoured autolinks: Streamlit's renderer finds ``http://``,
``https://``, ``www.`` and ``name@host.tld`` in the text after parsing (escapes already resolved) and
makes them links; nor do they stop ``:material/home:`` icons. So a WORD JOINER (U+2060, invisible, no
line break) goes after each ``http``/``https`` that precedes ``://``, each ``www`` that precedes ``.``,
each ``@`` and each ``:`` that precedes a letter: the text looks the same, and no link or icon is made
(a copied URL carries the invisible character).

Text the app itself writes as Markdown (a link to the plan reader) is passed as :class:`Markdown`
and kept as it is.
"""

from __future__ import annotations

import re

import streamlit as st

#: Characters with a meaning in Markdown, GitHub-flavoured Markdown (tables, strikethrough)
#: or Streamlit's Markdown (LaTeX ``$``, ``:red[...]``); CommonMark lets any of them be
#: backslash-escaped.
SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>~$:=&@")
#: Invisible, breaks no line: put inside what the renderer would turn into a link or an icon.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"https?(?=://)|www(?=\.)|@|:(?=[a-z])", re.IGNORECASE)


class Markdown(str):
    """Text already written as Markdown by the app (never from data or a user): not escaped."""


def escape(text: object) -> Markdown:
    """``text`` shown as written: Markdown specials escaped, autolinks and icons broken (a :class:`Markdown` as it is)."""
    if isinstance(text, Markdown):
        return text
    unlinked = _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, str(text))
    return Markdown("".join("\\" + ch if ch in SPECIAL else ch for ch in unlinked))


def _body(parts: tuple[object, ...]) -> str:
    return "".join(escape(p) for p in parts)


#: The icon argument of every box: blank means no icon, and Streamlit then does not look for one at the
#: start of the text. Without it, a text starting with an emoji (a project name from a file) loses the
#: emoji to the box's icon, and the first box of the process with any non-ASCII text imports Streamlit's
#: emoji catalogue and compiles its regex (0.3 s, paid by the first check on the check page).
NO_ICON = " "


def error(*parts: object) -> None:
    """An error box showing ``parts`` (joined) as written."""
    st.error(_body(parts), icon=NO_ICON)


def warning(*parts: object) -> None:
    """A warning box showing ``parts`` (joined) as written."""
    st.warning(_body(parts), icon=NO_ICON)


def info(*parts: object) -> None:
    """An info box showing ``parts`` (joined) as written; :class:`Markdown` parts stay Markdown."""
    st.info(_body(parts), icon=NO_ICON)


def success(*parts: object) -> None:
    """A success box showing ``parts`` (joined) as written."""
    st.success(_body(parts), icon=NO_ICON)
