"""The plan reader's helpers and the coverage report: links resolve both ways from the features' plan_ref."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from lukou_geo.map.render import layer_blob
from lukou_geo.map.search import build_index
from lukou_geo.plan.coverage import build_coverage, format_coverage, missing_named, named_elements, read_unplaced, sections
from lukou_geo.plan.reader import (
    atlas_href,
    chapter_lines,
    feature_links,
    locate,
    navigation,
    paragraph_html,
    quote_spans,
    reader_href,
)
from lukou_geo.plan.text import read_plan


@pytest.fixture(scope="module")
def plan():
    return read_plan()


def test_every_plan_ref_links_both_ways(plan, catalog, data):
    links = feature_links(catalog, data)
    index = {e.feature_id: e for e in build_index(catalog, data)}
    n = 0
    for lyr in catalog.layers:
        blob = {f[0]: f for f in layer_blob(data[lyr.id], lyr, catalog, "zh")["features"]}
        for feat in data[lyr.id]["features"]:
            p = feat["properties"]
            if not p.get("plan_para"):
                continue
            line = p["plan_para"]
            # map → text: the popup's anchor is the cited paragraph, which the reader renders with that id
            assert blob[p["id"]][3][7] == f"p{line}"
            chapter = locate(plan, line)
            assert line in chapter_lines(plan, chapter)
            page = paragraph_html(plan, line, links[line], "zh", catalog)
            assert f'id="p{line}"' in page
            # text → map: the paragraph links to the feature, and the atlas can resolve the id
            href = html.unescape(re.search(rf'data-feature="{re.escape(p["id"])}" href="([^"]+)"', page).group(1))
            assert parse_qs(urlsplit(href).query)["feature"] == [p["id"]]
            assert index[p["id"]].layer_id == lyr.id
            # the quoted words are marked in the paragraph
            spans = quote_spans(plan.para(line).text, [lk.quote for lk in links[line]])
            assert any(p["plan_quote"] in seg for seg, marked in spans if marked), p["id"]
            n += 1
    assert n > 150


def test_quotes_are_marked_and_text_escaped(plan, catalog):
    spans = quote_spans("abcdef", ["bc", "cd", "zz"])
    assert spans == [("a", False), ("bcd", True), ("ef", False)]
    out = paragraph_html(plan, 225, [], "zh", catalog)
    assert "<mark" not in out and "¶225" in out
    from lukou_geo.plan.reader import FeatureLink

    evil = FeatureLink("tourism_sites", 'x"><script>', "<b>伏波庙</b>", "", "毛泽东考察湖南农民运动旧址", "schematic")
    out = paragraph_html(plan, 225, [evil], "zh", catalog)
    assert "<script>" not in out and "<b>伏波庙</b>" not in out and "&lt;b&gt;" in out
    assert '<mark class="lk-q">毛泽东考察湖南农民运动旧址</mark>' in out


def test_navigation_lists_every_chapter_and_box(plan):
    nav = navigation(plan)
    chapters = [n for n in nav if n.box is None]
    assert [n.chapter for n in chapters] == list(range(0, 14))
    boxes = [n.box for n in nav if n.box]
    assert boxes[0] == "专栏1-1" and "专栏7-2" in boxes and boxes[-1] == "专栏11-2" and len(boxes) == 18
    assert all(plan.para(n.first_line).box == n.box for n in nav if n.box)
    assert navigation(plan, "en")[2].title.startswith("Box 1-1")


def test_hrefs():
    assert reader_href(155, "zh") == "./reader?p=155&lang=zh#p155"
    assert atlas_href("svc_core_old_town", "en") == "./?feature=svc_core_old_town&lang=en"


def test_coverage_report_lists_every_section(plan, catalog, data):
    unplaced = read_unplaced(plan)
    assert len(unplaced) > 20 and all(u.reason for u in unplaced)
    secs = build_coverage(plan, catalog, data, unplaced)
    assert len(secs) == len(sections(plan)) == 14 + 18  # 14 chapter bodies (front matter, 1–12, 规划实施保障) + 18 专栏
    by = {(s.chapter, s.box): s for s in secs}
    total = sum(len(s.features) for s in secs)
    assert total == sum(1 for lyr in catalog.layers for f in data[lyr.id]["features"] if f["properties"].get("plan_para"))
    # chapters 2–12 each have features or declared unplaceable elements
    for ch in range(2, 13):
        assert any(s.status in ("placed", "unplaceable") for s in secs if s.chapter == ch), ch
    for box in ("专栏7-2", "专栏9-2", "专栏9-3", "专栏10-1", "专栏10-2", "专栏11-1", "专栏11-2"):
        assert by[(int(box[2:].split("-")[0]), box)].status == "placed", box
    assert by[(1, "专栏1-1")].status == "indicators" and by[(2, "专栏2-1")].status == "indicators"
    text = format_coverage(secs, plan, verbose=True)
    assert "第六章 现代服务业" in text and "svc_core_old_town" in text and "not placed" in text


def test_unplaced_quotes_are_checked(plan, tmp_path):
    from lukou_geo.errors import PlanRefError

    bad = tmp_path / "u.toml"
    bad.write_text('[[element]]\npara = 337\nquote = "不在此段"\nreason = "x"\n', encoding="utf-8")
    with pytest.raises(PlanRefError, match=r"u\.toml"):
        read_unplaced(plan, bad)


def test_every_road_or_project_named_in_a_box_is_placed_or_declared(plan, data):
    named = named_elements(plan)
    names = {name for _line, name in named}
    assert {"S330渌口区泉龙村至古岳峰公路", "S331渌口区王十万互通至马英九祖籍地公路", "渌江航道", "南洲站"} <= names
    assert "公路" not in names and not any(n.startswith(("2.", "新建", "实施")) for n in names)  # headings and verbs cut off
    assert missing_named(plan, data, read_unplaced(plan)) == []


def test_a_named_road_neither_placed_nor_declared_is_caught(plan, data, tmp_path, monkeypatch, capsys):
    from lukou_geo.__main__ import main
    from lukou_geo.plan import coverage

    src = coverage.UNPLACED_FILE.read_text(encoding="utf-8")
    cut = src.index('quote = "新建S330渌口区泉龙村至古岳峰公路"')
    start, end = src.rindex("[[element]]", 0, cut), src.find("[[element]]", cut)
    without = tmp_path / "unplaced.toml"
    without.write_text(src[:start] + (src[end:] if end > 0 else ""), encoding="utf-8")
    assert missing_named(plan, data, read_unplaced(plan, without)) == [(301, "S330渌口区泉龙村至古岳峰公路")]
    monkeypatch.setattr(coverage, "UNPLACED_FILE", without)
    assert main(["coverage"]) == 1
    assert "MISSING ¶301 S330渌口区泉龙村至古岳峰公路" in capsys.readouterr().out


def test_cli_coverage(capsys):
    from lukou_geo.__main__ import main

    assert main(["coverage"]) == 0
    out = capsys.readouterr().out
    assert "专栏10-1" in out and "citing features" in out
