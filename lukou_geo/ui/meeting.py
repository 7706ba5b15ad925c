"""Shared bits of the meeting-mode pages (present, views, compare): texts, loaders, print export."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import streamlit as st

from lukou_geo.errors import DeckError
from lukou_geo.meeting.deck import Deck, deck_from_views, list_decks, read_deck, validate_deck
from lukou_geo.meeting.printing import PAPER_MM, PrintSpec, export_print
from lukou_geo.meeting.views import ViewStore
from lukou_geo.ui.i18n import lang
from lukou_geo.ui.state import load_catalog, load_data

TEXT: dict[str, dict[str, str]] = {
    "page_present": {"zh": "演示", "en": "Present"},
    "page_views": {"zh": "视图", "en": "Views"},
    "page_compare": {"zh": "对比", "en": "Compare"},
    "deck": {"zh": "演示文稿", "en": "Deck"},
    "deck_views": {"zh": "我的视图(按保存顺序)", "en": "My saved views (in order)"},
    "start": {"zh": "从第几页开始", "en": "Start at slide"},
    "hide_chrome": {"zh": "全屏演示(隐藏应用界面)", "en": "Presentation mode (hide the app's chrome)"},
    "present_help": {
        "zh": "用 ←/→ 或 PageUp/PageDown(翻页笔)翻页;Home/End 到首页/末页。浏览器 F11 全屏。",
        "en": "Step with ←/→ or PageUp/PageDown (a clicker); Home/End for first/last. F11 for full screen.",
    },
    "exit": {"zh": "退出演示", "en": "Exit presentation"},
    "dl_html": {"zh": "下载离线演示 HTML", "en": "Download offline deck (HTML)"},
    "make_html": {"zh": "生成离线演示 HTML", "en": "Build offline deck (HTML)"},
    "print": {"zh": "打印图(PNG/PDF)", "en": "Print map (PNG/PDF)"},
    "paper": {"zh": "纸张", "en": "Paper"},
    "orientation": {"zh": "方向", "en": "Orientation"},
    "landscape": {"zh": "横向", "en": "Landscape"},
    "portrait": {"zh": "纵向", "en": "Portrait"},
    "make_print": {"zh": "生成打印图", "en": "Build print layout"},
    "dl_pdf": {"zh": "下载 PDF", "en": "Download PDF"},
    "dl_png": {"zh": "下载 PNG", "en": "Download PNG"},
    "slide": {"zh": "页", "en": "Slide"},
    "views_intro": {
        "zh": "在侧栏选择图层、平移缩放地图,然后把当前地图保存为视图;视图保存在本机,重启后仍在,可重命名、排序、删除、分享链接,也可作为演示文稿播放。",
        "en": "Choose layers in the sidebar, pan and zoom, then save the current map as a view. Views are stored "
              "on this machine (kept across restarts); rename, reorder, delete, share a link, or present them.",
    },
    "layers": {"zh": "显示的图层", "en": "Layers shown"},
    "save_title": {"zh": "视图标题", "en": "View title"},
    "save_note": {"zh": "备注(可选)", "en": "Note (optional)"},
    "save": {"zh": "保存当前地图为视图", "en": "Save the current map as a view"},
    "saved": {"zh": "已保存视图「{t}」", "en": "Saved view “{t}”"},
    "no_views": {"zh": "还没有保存的视图。", "en": "No saved views yet."},
    "saved_views": {"zh": "已保存的视图", "en": "Saved views"},
    "open": {"zh": "打开", "en": "Open"},
    "up": {"zh": "上移", "en": "Up"},
    "down": {"zh": "下移", "en": "Down"},
    "delete": {"zh": "删除", "en": "Delete"},
    "rename": {"zh": "重命名", "en": "Rename"},
    "share": {"zh": "分享链接", "en": "Share link"},
    "restored": {"zh": "已从链接恢复视图「{t}」", "en": "Restored the view “{t}” from the link"},
    "link_error": {"zh": "链接中的视图无法恢复:{err}", "en": "The link's view cannot be restored: {err}"},
    "compare_intro": {
        "zh": "左右两幅地图同步平移缩放,各自显示一组图层:可选演示页、已保存视图或自定图层。",
        "en": "Two maps that pan and zoom together, each with its own layer set: a deck slide, a saved view or your own.",
    },
    "left": {"zh": "左图", "en": "Left"},
    "right": {"zh": "右图", "en": "Right"},
    "custom": {"zh": "自定图层", "en": "Custom layers"},
    "measure_hint": {
        "zh": "地图左上角的测量工具可量距离(公里、米)和面积(公顷、亩;1 公顷 = 15 亩)。",
        "en": "The measure tool (top left of the map) gives distances (km, m) and areas (公顷 ha, 亩 mu; 1 ha = 15 mu).",
    },
}


def tx(key: str, **fmt: str) -> str:
    text = TEXT[key][lang()]
    return text.format(**fmt) if fmt else text


@st.cache_resource(show_spinner=False)
def _deck_cached(deck_id: str, mtime: float) -> Deck:
    deck = read_deck(deck_id)
    validate_deck(deck, load_catalog(), load_data())
    return deck


def load_deck(deck_id: str) -> Deck:
    """A validated deck by id, or ``views`` for the saved views as a deck."""
    if deck_id == "views":
        return deck_from_views(view_store().list())
    from lukou_geo.meeting.deck import deck_path

    p = deck_path(deck_id)
    return _deck_cached(deck_id, p.stat().st_mtime if p.exists() else 0.0)


def deck_choices() -> list[str]:
    ids = list_decks()
    try:
        if view_store().list():
            ids.append("views")
    except DeckError:
        pass
    return ids


def view_store() -> ViewStore:
    """The saved-views store (a new handle each time: it opens a connection per operation)."""
    return ViewStore()


def print_controls(spec_of: Any, key: str) -> None:
    """Paper/orientation choice and PNG/PDF downloads of ``spec_of(paper, orientation)``."""
    c1, c2, c3 = st.columns([1, 1, 2])
    paper = c1.selectbox(tx("paper"), list(PAPER_MM), index=1, key=f"{key}_paper")
    orient = c2.selectbox(tx("orientation"), ["landscape", "portrait"], format_func=tx, key=f"{key}_orient")
    if c3.button(tx("make_print"), key=f"{key}_make"):
        spec: PrintSpec = spec_of(paper, orient)
        catalog, data = load_catalog(), load_data()
        with st.spinner("…"):
            st.session_state[f"{key}_out"] = (
                export_print(catalog, data, spec, "pdf"), export_print(catalog, data, spec, "png"), paper, orient,
            )
    out = st.session_state.get(f"{key}_out")
    if out:
        pdf, png, p, o = out
        stamp = _dt.date.today().isoformat()
        d1, d2 = st.columns(2)
        d1.download_button(tx("dl_pdf"), pdf, file_name=f"lukou-{key}-{p}-{o}-{stamp}.pdf", mime="application/pdf",
                           key=f"{key}_dl_pdf")
        d2.download_button(tx("dl_png"), png, file_name=f"lukou-{key}-{p}-{o}-{stamp}.png", mime="image/png",
                           key=f"{key}_dl_png")
