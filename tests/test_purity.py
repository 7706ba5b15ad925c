"""lukou_geo is a pure domain package: only lukou_geo/ui may import Streamlit."""

import ast

from lukou_geo.settings import REPO_ROOT


def test_no_streamlit_outside_ui():
    offenders = []
    for path in (REPO_ROOT / "lukou_geo").rglob("*.py"):
        if "ui" in path.relative_to(REPO_ROOT / "lukou_geo").parts[:1]:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in ("streamlit", "streamlit_folium") for n in names):
                offenders.append(str(path.relative_to(REPO_ROOT)))
    assert not offenders, offenders
