"""The plan's text: paragraphs, reconstructed chapters and 专栏, and citations.

The plan file has one paragraph per line and has lost its headings except 第三章. Chapters are
reconstructed from the first paragraph of each chapter (see :data:`CHAPTER_STARTS`, checked by a
test against the text), 专栏 from their header lines (``专栏N-k:title``). A passage is cited by
its 1-based line number, the *anchor* ``p{line}``, which is stable for this edition of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lukou_geo.errors import PlanRefError, PlanTextError
from lukou_geo.settings import get_settings

#: (first line, number, Chinese title, English title, the opening words of that first line).
#: The opening words let a test prove every start still points at the right paragraph.
CHAPTER_STARTS: tuple[tuple[int, int, str, str, str], ...] = (
    (4, 1, "第一章 “十三五”回顾与发展形势", "Ch. 1 Review of the 13th FYP and outlook", "全面总结“十三五”规划实施"),
    (67, 2, "第二章 总体要求与空间格局", "Ch. 2 General requirements and spatial layout", "到二〇三五年"),
    (123, 3, "第三章 创新与改革开放", "Ch. 3 Innovation, reform and opening-up", "第三章"),
    (151, 4, "第四章 先进制造业(工业)", "Ch. 4 Advanced manufacturing", "以集聚、集群和高质量发展为导向"),
    (186, 5, "第五章 现代农业", "Ch. 5 Modern agriculture", "以质量强农为导向"),
    (211, 6, "第六章 现代服务业", "Ch. 6 Modern services", "把握国内消费市场扩张"),
    (233, 7, "第七章 新型城镇化与融城发展", "Ch. 7 Urbanisation and city integration", "完善新型城镇化战略"),
    (243, 8, "第八章 乡村振兴", "Ch. 8 Rural revitalisation", "坚持把解决好“三农”问题"),
    (288, 9, "第九章 基础设施“五网”", "Ch. 9 Infrastructure: the five networks", "通过互通、补缺、延伸、加密"),
    (334, 10, "第十章 生态文明", "Ch. 10 Ecology and environment", "全面践行“绿水青山"),
    (346, 11, "第十一章 民生福祉", "Ch. 11 People's wellbeing", "牢固树立共享发展理念"),
    (402, 12, "第十二章 治理与安全", "Ch. 12 Governance and safety", "以健全公共安全体系为重点"),
    (408, 13, "规划实施保障", "Implementation safeguards", "《纲要》是指导今后五年"),
)

_BOX_RE = re.compile(r"^专栏(\d+)-(\d+)[::](.*?)\s*\|")


@dataclass(frozen=True)
class Paragraph:
    """One line of the plan."""

    line: int
    text: str
    chapter: int  # 0 = front matter, 13 = 规划实施保障
    box: str | None  # e.g. "专栏9-1" when the line is a 专栏 header or its body

    @property
    def anchor(self) -> str:
        return f"p{self.line}"


@dataclass(frozen=True)
class Plan:
    """The parsed plan."""

    paragraphs: tuple[Paragraph, ...]

    def para(self, line: int) -> Paragraph:
        """The paragraph on 1-based ``line``; :class:`PlanRefError` if out of range."""
        if not 1 <= line <= len(self.paragraphs):
            raise PlanRefError(f"plan has lines 1–{len(self.paragraphs)}; no line {line}")
        return self.paragraphs[line - 1]

    def chapter_title(self, number: int, lang: str = "zh") -> str:
        for _start, num, zh, en, _words in CHAPTER_STARTS:
            if num == number:
                return zh if lang == "zh" else en
        return "前言" if lang == "zh" else "Preamble"


def chapter_of(line: int) -> int:
    """The chapter number of plan line ``line`` (0 = front matter, 13 = 规划实施保障)."""
    chapter = 0
    for start, num, *_ in CHAPTER_STARTS:
        if line >= start:
            chapter = num
    return chapter


def chapter_short(number: int, lang: str = "zh") -> str:
    """A chapter as a citation names it: ``第四章`` / ``Ch. 4`` (the title's first words)."""
    for _start, num, zh, en, _words in CHAPTER_STARTS:
        if num == number:
            return zh.split(" ")[0] if lang == "zh" else " ".join(en.split(" ")[:2]) if number <= 12 else en
    return "前言" if lang == "zh" else "Preamble"


def parse_plan(text: str) -> Plan:
    """Split the plan text into paragraphs with chapter and 专栏 attached."""
    paras: list[Paragraph] = []
    box: str | None = None
    for i, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        m = _BOX_RE.match(line)
        if m:
            box = f"专栏{m.group(1)}-{m.group(2)}"
            this_box: str | None = box
        elif box and line.strip() and ("|" in line or _is_box_body(line)):
            this_box = box
        else:
            box = None
            this_box = None
        paras.append(Paragraph(i, line, chapter_of(i), this_box))
    # a trailing newline leaves one empty line: drop it so line numbers match `sed -n Np`
    if paras and not paras[-1].text:
        paras.pop()
    return Plan(tuple(paras))


def _is_box_body(line: str) -> bool:
    # the bodies of 专栏 are numbered item lists ("1.xxx。 2.xxx") or table rows
    return bool(re.match(r"^(\d+\.|类别|注[::]|\d{4}年|[^\s|]+\s[^\s|]+\s\|)", line))


@lru_cache(maxsize=4)
def _read_cached(path: str, mtime: float) -> Plan:
    return parse_plan(Path(path).read_text(encoding="utf-8"))


def read_plan(path: Path | None = None) -> Plan:
    """Read and parse the plan (cached per file version); :class:`PlanTextError` names a missing file."""
    p = Path(path) if path else get_settings().plan_file
    if not p.exists():
        raise PlanTextError(f"规划原文 {p} 不存在:运行 `make data` 从 shared/plan 复制(或设置 LUKOU_PLAN_FILE)",
                            f"plan text {p} not found: run `make data` to copy it from shared/plan (or set LUKOU_PLAN_FILE)")
    return _read_cached(str(p), p.stat().st_mtime)


@dataclass(frozen=True)
class Citation:
    """A resolved plan citation."""

    line: int
    quote: str
    chapter: int
    chapter_title: str
    box: str | None

    @property
    def anchor(self) -> str:
        return f"p{self.line}"

    def label(self, lang: str = "zh") -> str:
        """Human-readable citation, e.g. ``第九章 · 专栏9-1 · ¶301``."""
        parts = [self.chapter_title]
        if self.box:
            parts.append(self.box if lang == "zh" else self.box.replace("专栏", "Box "))
        parts.append(f"¶{self.line}")
        return " · ".join(parts)

    def as_text(self) -> str:
        """The ``plan_ref`` string stored on features."""
        return f"{self.label()}:「{self.quote}」"


def cite(plan: Plan, line: int, quote: str) -> Citation:
    """Resolve a citation, checking the quote is the plan's words on that line.

    Raises
    ------
    PlanRefError
        naming the line and quote, when the quote is not on that line.
    """
    para = plan.para(line)
    q = quote.strip()
    if not q:
        raise PlanRefError(f"empty quote for line {line}: quote the plan's words that place the feature")
    if q not in para.text:
        raise PlanRefError(
            f"quote 「{q}」 is not on plan line {line} (which starts 「{para.text[:30]}…」): "
            "copy the words exactly from that line"
        )
    return Citation(line, q, para.chapter, plan.chapter_title(para.chapter), para.box)
