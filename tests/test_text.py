"""lukou_geo.text: the one bilingual text table and its translator."""

from __future__ import annotations

import ast
import string
import subprocess
import sys

import pytest

from lukou_geo import text
from lukou_geo.settings import REPO_ROOT
from lukou_geo.text import TEXT, t

PACKAGE = REPO_ROOT / "lukou_geo"
#: Modules (or folders) that still keep a table of their own, for now: the site check's texts.
ALLOWED_TABLES = ("lukou_geo/text.py", "lukou_geo/text_records.py", "lukou_geo/sitecheck/")
NAMESPACES = {"print", "app", "page", "atlas", "data", "reader", "indicators", "verdict", "check", "meeting", "map", "deck",
              "precision", "tiles", "layers", "table", "formats", "signin", "registry", "admin"}


def test_every_key_is_namespaced_with_non_empty_chinese_and_english() -> None:
    assert len(TEXT) > 100
    for key, texts in TEXT.items():
        ns, _, name = key.partition(".")
        assert ns in NAMESPACES and name, key
        assert set(texts) == {"zh", "en"}, key
        assert all(isinstance(v, str) and v.strip() for v in texts.values()), key


def test_both_languages_have_the_same_placeholders() -> None:
    def fields(s: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(s) if f}

    for key, texts in TEXT.items():
        assert fields(texts["zh"]) == fields(texts["en"]), key


def test_t_looks_up_and_formats() -> None:
    assert t("atlas.title", "zh") == "渌口规划一张图"
    assert t("atlas.title", "en") == "Lukou Planning Atlas"
    assert t("meeting.saved", "zh", t="交通") == "已保存视图「交通」"
    assert t("meeting.saved", "en", t="transport") == "Saved view “transport”"
    assert t("reader.linked", "en", n=3, f=5) == "3 passages of this chapter place 5 map features"
    assert t("check.paste_ph", "zh").startswith("113.1475, 27.605\n")  # no fmt: the text as written


def test_unknown_key_or_language_raises_key_error_naming_it() -> None:
    with pytest.raises(KeyError, match=r"atlas\.no_such_text"):
        t("atlas.no_such_text", "zh")
    with pytest.raises(KeyError, match=r"'fr'.*zh, en"):
        t("atlas.title", "fr")


def test_text_imports_nothing_heavy() -> None:
    code = ("import sys; import lukou_geo.text; "
            "heavy = {'streamlit', 'folium', 'pandas', 'geopandas', 'shapely', 'numpy', 'branca'} & set(sys.modules); "
            "print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
    for name, allowed in (("text.py", {"__future__", "lukou_geo.text_records"}), ("text_records.py", {"__future__"})):
        tree = ast.parse((PACKAGE / name).read_text(encoding="utf-8"))
        imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
        assert all(isinstance(n, ast.ImportFrom) and n.module in allowed for n in imports), name


def _bilingual_tables(tree: ast.AST) -> list[int]:
    """Lines of every dict literal (or ``dict(...)`` call) keyed by both "zh" and "en"."""
    lines = []
    for node in ast.walk(tree):
        keys: set[object] = set()
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
            keys = {kw.arg for kw in node.keywords}
        if {"zh", "en"} <= keys:
            lines.append(node.lineno)
    return lines


def test_no_other_module_keeps_a_bilingual_table() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(REPO_ROOT).as_posix()
        if rel.startswith(ALLOWED_TABLES):
            continue
        lines = _bilingual_tables(ast.parse(path.read_text(encoding="utf-8")))
        offenders += [f"{rel}:{n}" for n in lines]
    assert not offenders, f"move these texts to lukou_geo/text.py: {offenders}"


def test_the_scan_finds_a_table() -> None:
    # the scan above must be able to fail
    assert sorted(_bilingual_tables(ast.parse('X = {"k": {"zh": "是", "en": "yes"}}\nY = dict(zh="是", en="yes")'))) == [1, 2]


def test_precision_labels_for_the_print_export_come_from_the_table() -> None:
    from lukou_geo.catalog import PRECISION_LABELS, PRECISIONS

    assert list(PRECISION_LABELS) == list(PRECISIONS)
    assert PRECISION_LABELS["schematic"] == {"zh": t("precision.schematic", "zh"), "en": t("precision.schematic", "en")}
    assert text.LANGS == ("zh", "en")
