import pytest

from lukou_geo.errors import PlanRefError
from lukou_geo.plan.text import CHAPTER_STARTS, cite, read_plan


@pytest.fixture(scope="module")
def plan():
    return read_plan()


def test_every_chapter_start_points_at_its_opening_words(plan):
    for line, _num, _zh, _en, words in CHAPTER_STARTS:
        assert plan.para(line).text.startswith(words), (line, plan.para(line).text[:30])


def test_chapters_are_in_order_and_cover_the_text(plan):
    chapters = [p.chapter for p in plan.paragraphs]
    assert chapters == sorted(chapters)
    assert set(chapters) == {0, *range(1, 14)}


def test_boxes_are_attached_to_their_chapter(plan):
    boxes = {p.box: p.chapter for p in plan.paragraphs if p.box}
    assert len(boxes) >= 18
    for box, chapter in boxes.items():
        assert int(box.removeprefix("专栏").split("-")[0]) == chapter, box
    assert plan.para(301).box == "专栏9-1"
    assert plan.para(302).box is None


def test_cite_resolves_chapter_box_and_anchor(plan):
    c = cite(plan, 301, "启动建设南洲站和淦田站")
    assert (c.chapter, c.box, c.anchor) == (9, "专栏9-1", "p301")
    assert "第九章" in c.as_text() and "专栏9-1" in c.as_text() and "「启动建设南洲站和淦田站」" in c.as_text()


def test_cite_rejects_words_not_on_the_line(plan):
    with pytest.raises(PlanRefError, match="not on plan line 300"):
        cite(plan, 300, "启动建设南洲站和淦田站")
    with pytest.raises(PlanRefError, match="no line 9999"):
        cite(plan, 9999, "x")
    with pytest.raises(PlanRefError, match="empty quote"):
        cite(plan, 301, "  ")


def test_a_missing_plan_text_names_the_file_and_the_fix(tmp_path):
    from lukou_geo.errors import LukouError, PlanTextError

    missing = tmp_path / "plan.txt"
    with pytest.raises(PlanTextError, match="make data") as info:
        read_plan(missing)
    assert isinstance(info.value, LukouError) and isinstance(info.value, FileNotFoundError)  # old callers still catch it
    assert str(missing) in info.value.message("zh") and "不存在" in info.value.message("zh")
    assert str(missing) in info.value.message("en") and "not found" in info.value.message("en")
