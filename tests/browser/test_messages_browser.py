"""Texts from links and saved views render literally in the real app: no link, no image, no request out."""

from __future__ import annotations

from urllib.parse import quote

from lukou_geo.meeting.views import View, ViewStore
from lukou_geo.ui.messages import WORD_JOINER

ALERT = '[data-testid="stAlert"]'


def shown(locator) -> str:
    """The text a reader sees (the word joiners that break autolinks are invisible)."""
    return locator.inner_text().replace(WORD_JOINER, "")


def test_link_parameters_and_view_titles_show_as_written(page, app_url):
    # the page fixture also fails the test if the image below was fetched from outside
    title = "[会话已过期 请重新登录](http://evil.example)"
    page.goto(f"{app_url}/views?layers=district&title={quote(title)}")
    box = page.locator(ALERT, has_text="已从链接恢复视图")
    box.wait_for(timeout=60_000)
    assert title in shown(box)
    assert box.locator("a").count() == 0

    fid = "![x](http://evil.example/b.png) $x$ **b** :material/home: www.evil.example"
    page.goto(f"{app_url}/?feature={quote(fid)}")
    box = page.locator(ALERT, has_text="找不到要素")
    box.wait_for(timeout=60_000)
    assert fid in shown(box)
    assert box.locator("img, a, .katex, strong, span[role=img]").count() == 0

    store = ViewStore()  # the app's default store (the server runs with the same environment)
    view = store.save(View(title="![y](http://evil.example/c.png) [z](http://evil.example)", layers=("district",)), local=True)
    try:
        page.goto(f"{app_url}/views")
        label = page.locator('[data-testid="stExpander"] summary', has_text="evil.example").first
        label.wait_for(timeout=60_000)
        assert view.title in shown(label)
        assert label.locator("img, a").count() == 0
    finally:
        store.delete(int(view.id or 0), local=True)
