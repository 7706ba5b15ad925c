"""National classification tables as project data: class code → name, level, colour, 三大类.

The tables are ``layers/classes/*.csv`` (under ``LUKOU_LAYERS_DIR``), derived from the reference
data in ``shared/data/`` and credited in their headers and in ``geodata/SOURCES.md``:

- ``ydyh_2023.csv``: the 175 codes of the 国土空间调查、规划、用途管制用地用海分类指南 (自然资发〔2023〕234号)
  with display colours; ``colour_source`` is ``appendix_B`` for the 39 classes whose colour
  《市级国土空间总体规划制图规范(试行)》附录B lists, ``inherited`` for the others (the colour of
  their parent class, as planning tools draw it: not itself in the standard);
- ``sandiao.csv``: the 三调 working classes (GB/T 21010-2017 with the 三调 additions) with the colours
  common 三调 style files use, and each second-level code's 三大类 (农用地 / 建设用地 / 未利用地);
- ``ydyh_2020_to_2023.csv``: how the 2020 trial 用地用海 codes map onto the 2023 codes.

三大类 (:func:`sandiao_category`) follows GB/T 21010-2017 附录A 表A.1 (土地利用现状分类与《土地管理法》
“三大类”对照表): 农用地 = 01 耕地, 02 园地, 03 林地 (with 0303/0304/0306), 04 草地 except 0404 其他草地,
1006 农村道路, 1103 水库水面, 1104 坑塘水面, 1107 沟渠, 1202 设施农用地, 1203 田坎; 建设用地 = 05–09 (三调
uses 09 特殊用地 unsplit), 10 except 1006, 1109 水工建筑用地, 1201 空闲地; 未利用地 = 0404 其他草地, 1101 河流水面, 1102 湖泊水面,
1105 沿海滩涂, 1106 内陆滩涂, 1108 沼泽地, 1110 冰川及永久积雪, 1204–1207. The 三调 working classes keep
the class of the code they refine: 05H1, 0508, 08H1, 08H2(A), 0810A → 建设用地; 1104A 养殖坑塘, 1107A 干渠
→ 农用地; a ``K`` code (可调整地类) → the class of its code without K (农用地). The 湿地 group 00 holds
codes of three classes (0303/0304/0306/0402 农用地, 0603 盐田 建设用地, 1105/1106/1108 未利用地).
(GB/T 21010-2007 counted 水库水面 as 建设用地; 2017 moved it to 农用地.)

Imports nothing from Streamlit or folium: the map, the pages and the check read it alike.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from lukou_geo.settings import get_settings

AGRI, BUILT, UNUSED = "农用地", "建设用地", "未利用地"

#: Layer kinds (lukou_geo.store.base.KINDS) drawn by class code, and the table their codes are in.
KIND_TABLE: dict[str, str] = {"dltb": "sandiao", "yjjbnt": "sandiao", "ghydyh": "ydyh_2023", "kg": "ydyh_2023"}
#: One colour for the kinds whose features are not classed (the atlas's choice, not a standard).
KIND_COLOURS: dict[str, str] = {
    "stbhhx": "#2E7D32", "czkfbj": "#C62828", "ghfq": "#6A1B9A", "other": "#546E7A",
}
#: Colour of a code no table knows.
UNKNOWN_COLOUR = "#9E9E9E"

_SOURCE_2023 = ("国土空间调查、规划、用途管制用地用海分类指南(自然资发〔2023〕234号,gov.cn 2023-11-22 通知) 与 "
                "《市级国土空间总体规划制图规范(试行)》附录B 用地用海分类配色指引表")
YDYH_HEADER = f"""# 用地用海分类 2023 (175 codes) with display colours.
# Source: {_SOURCE_2023}; cross-checked against two planning tools' style files
# (via shared/data/ydyh_2023.csv of the Lukou atlas reference data).
# colour_source: appendix_B = the colour listed in 附录B (39 classes); inherited = the parent class's colour,
# as common planning tools draw it (not itself in the standard). Note: 05 is 湿地 and 09 is 商业服务业用地.
"""
SANDIAO_HEADER = """# 三调 working classes (GB/T 21010-2017 with the 三调 additions: 00 湿地, 05H1, 08H1, 0810A, 1104A, 1107A, K codes).
# Codes: the 三调 code table (第三次全国国土调查工作分类); colours: community 三调 style files, not a published
# standard (colour_sources_agree = Y where two independent style files agree), via shared/data/sandiao_codes.csv.
# category (三大类): GB/T 21010-2017 附录A 表A.1, as lukou_geo/classes.py documents; empty for first-level groups.
"""
YDYH_2020_HEADER = """# 用地用海 2020 trial codes (国土空间调查、规划、用途管制用地用海分类指南(试行), 2020) → 2023 codes.
# Source: a planning tool's mapping table (via shared/data/ydyh_2020_to_2023.csv); not an official change list.
"""

_AGRI_CODES = frozenset({"1006", "1103", "1104", "1104A", "1107", "1107A", "1202", "1203"})
_BUILT_CODES = frozenset({"1109", "1201"})


@dataclass(frozen=True)
class ClassInfo:
    """One class of a table."""

    code: str
    name: str
    level: int
    colour: str  # "#RRGGBB", or "" where the table gives none (三调 first-level groups)
    colour_source: str = ""  # ydyh: appendix_B | inherited; 三调: Y/N (two style files agree)
    category: str = ""  # 三调 三大类 (second-level codes only)


def sandiao_category(code: str) -> str:
    """三大类 (农用地 / 建设用地 / 未利用地) of a second-level 三调 code; "" for a group code or an unknown one."""
    code = code.strip().upper()
    if code.endswith("K"):
        code = code[:-1]
    if code == "09":  # 特殊用地: 三调 does not split it
        return BUILT
    if len(code) < 4 or not code[:2].isdigit():
        return ""
    if code in _AGRI_CODES:
        return AGRI
    if code in _BUILT_CODES:
        return BUILT
    head = code[:2]
    if head in ("01", "02", "03"):
        return AGRI
    if head == "04":
        return UNUSED if code.startswith("0404") else AGRI
    if head in ("05", "06", "07", "08", "09", "10"):
        return BUILT
    if head in ("11", "12"):
        return UNUSED
    return ""


def classes_dir() -> Path:
    """``layers/classes`` under the catalog folder (``LUKOU_LAYERS_DIR``), read at call time."""
    return get_settings().layers_dir / "classes"


@functools.lru_cache(maxsize=16)
def _read(path: Path, mtime: float) -> dict[str, ClassInfo]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    out: dict[str, ClassInfo] = {}
    for row in csv.DictReader(lines):
        src = row.get("colour_source") or row.get("colour_sources_agree") or ""
        out[row["code"]] = ClassInfo(row["code"], row["name"], int(row["level"]), row["colour"], src,
                                     row.get("category", ""))
    return out


def load_table(name: str) -> dict[str, ClassInfo]:
    """A table by name (``sandiao`` or ``ydyh_2023``): {code: ClassInfo}, in file order."""
    path = classes_dir() / f"{name}.csv"
    return _read(path, path.stat().st_mtime)


def mapping_2020_to_2023() -> dict[str, str]:
    """{2020 trial code: 2023 code} (e.g. 0204 其他园地 → 0205, 060102 田间道 → 1207 when it was 城镇村道路)."""
    path = classes_dir() / "ydyh_2020_to_2023.csv"
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    return {row["code_2020"]: row["code_2023"] for row in csv.DictReader(lines)}


def lookup(code: str, table: dict[str, ClassInfo]) -> ClassInfo | None:
    """The class of ``code``: itself, else without a trailing K, else its nearest coded parent."""
    code = (code or "").strip().upper()
    for candidate in (code, code[:-1] if code.endswith("K") else None, code[:4], code[:2]):
        if candidate and candidate in table:
            return table[candidate]
    return None


def colour(code: str, table: dict[str, ClassInfo]) -> str:
    """Display colour of a code: its class's, else its nearest parent's that has one, else grey."""
    code = (code or "").strip().upper()
    for candidate in (code, code[:-1] if code.endswith("K") else None, code[:6], code[:4], code[:2]):
        info = table.get(candidate) if candidate else None
        if info is not None and info.colour:
            return info.colour
    return UNKNOWN_COLOUR


def palette(kind: str, codes: list[str], data_year: int | None = None) -> dict[str, str]:
    """{code: colour} for the codes present in a layer of ``kind``.

    用地用海 layers of a year before 2023 carry the 2020 trial codes: they are coloured as the 2023
    code they map onto (the legend still shows the code as delivered).
    """
    name = KIND_TABLE.get(kind)
    if name is None:
        one = KIND_COLOURS.get(kind, KIND_COLOURS["other"])
        return {c: one for c in codes}
    table = load_table(name)
    remap = mapping_2020_to_2023() if name == "ydyh_2023" and data_year is not None and data_year < 2023 else {}
    return {c: colour(remap.get(c, c), table) for c in codes}


def kind_colour(kind: str) -> str:
    """The one colour of an unclassed kind (and the fallback of a classed one)."""
    return KIND_COLOURS.get(kind, KIND_COLOURS["other"])
