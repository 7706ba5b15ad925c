"""Issue 14.11/12/15 on the check page: tables in the UI's language (no "None", no "schematic" in Chinese, shares
as percentages), verdicts and reasons in English in the English UI, the 八基地 as context ("位于…范围")."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

HAN = re.compile(r"[\u4e00-\u9fff]")


def _page():
    from lukou_geo.ui.pages.check import render

    render()


def _check(lg: str) -> AppTest:
    at = AppTest.from_function(_page, default_timeout=90)
    at.session_state["lang"] = lg
    at.run()
    at.selectbox(key="check_lonlat").set_value("wgs84")
    at.text_area(key="check_paste").input("113.1475, 27.605")
    at.selectbox(key="check_ptype").set_value("新材料")
    at.button(key="check_paste_go").click().run()
    assert not at.exception
    return at


def test_chinese_tables_read_in_chinese_and_the_bases_are_context():
    at = _check("zh")
    summary, zones = at.dataframe[0].value, at.dataframe[1].value
    cells = [str(v) for df in (summary, zones) for v in df.to_numpy().ravel()]
    assert not any(v in ("None", "nan") or "schematic" in v for v in cells), cells
    assert set(zones["精度"]) <= {"示意", "近似", "官方", "定位"}
    assert all(v.endswith("%") for v in zones["占项目比例"] if v)
    assert "绿色蔬菜基地" not in set(zones["规划分区"])  # 八基地 do not judge ...
    assert any("背景:位于" in c.value and "绿色蔬菜基地" in c.value for c in at.caption)  # ... they are context


def test_english_ui_shows_verdicts_and_reasons_in_english():
    at = _check("en")
    exp = at.expander[-1]
    assert exp.label.endswith("— fits"), exp.label
    assert not HAN.search(exp.label.split(" — ")[-1])
    reason = [t.value for t in at.text if "project lies in" in t.value]
    assert reason and "fits the plan" in reason[0]
    summary = at.dataframe[0].value
    assert summary["Verdict"][0] == "fits" and not HAN.search(str(summary["In district"][0]))


def test_the_report_button_shows_progress_while_the_report_is_written(monkeypatch):
    """Issue 14.10: progress while a long report is written (the maps one by one, then HTML and PDF)."""
    import streamlit as st

    texts: list[str] = []
    real = st.progress

    def progress(value, text=None):
        bar = real(value, text=text)
        texts.append(text or "")
        original = bar.progress

        def update(v, text=None):
            texts.append(text or "")
            return original(v, text=text)

        bar.progress = update
        return bar

    at = _check("zh")
    monkeypatch.setattr(st, "progress", progress)
    at.button(key=f"mk_{id(at.session_state['check_runs'][0])}").click().run(timeout=180)
    assert not at.exception
    assert any("正在绘制报告地图 2/2" in x for x in texts) and any("PDF" in x for x in texts), texts
    assert {"html", "pdf"} <= set(at.session_state["check_runs"][0]["files"])


def test_map_tooltips_name_the_verdict_in_the_ui_language():
    import json

    at = _check("en")
    from lukou_geo.ui.pages.check import _highlight

    result = at.session_state["check_runs"][0]["result"]
    marks = next(c for c in _highlight(result, "en")._children.values() if hasattr(c, "data_json"))
    tips = [f["tip"] for f in json.loads(marks.data_json)]
    assert tips and all(tip.endswith("— fits") for tip in tips), tips


def test_the_chinese_caption_of_a_result_has_no_english_words():
    """Issue 14.11: the note below a result read "示意范围(schematic)…(approximate)" in the Chinese UI."""
    from lukou_geo.text import t

    at = _check("zh")
    note = [c.value for c in at.caption if "示意范围" in c.value]
    assert note and all(not re.search(r"[A-Za-z]{3,}", c) for c in note), note
    assert t("check.honesty", "zh") in note[0].replace("\\", "")
    assert any("schematic" in c.value for c in _check("en").caption)  # the English UI's note in English
