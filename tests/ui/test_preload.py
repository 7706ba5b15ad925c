"""lukou_geo.ui.preload: the installed Streamlit's modules for a result's elements are found by name."""

from __future__ import annotations

from lukou_geo.ui.preload import RESULT_ELEMENTS, element_files, script


def test_every_result_element_has_its_module() -> None:
    """A Streamlit release that renames them would silently end the preloading: this fails instead."""
    files = element_files(RESULT_ELEMENTS)
    for name in RESULT_ELEMENTS:
        assert [f for f in files if f.startswith(name + ".")], (name, files)
    assert all(f.endswith(".js") and f.count(".") == 2 for f in files)
    assert any(f.startswith("DataFrame.") for f in element_files(("DataFrame",), "css"))


def test_the_script_imports_in_the_page_and_names_only_files() -> None:
    s = script(("DataFrame.abc.js",), ("DataFrame.x.css",))
    assert "new p.Function('u','return import(u)')" in s  # the page's realm, so the page's module map
    assert '["DataFrame.abc.js"]' in s and '["DataFrame.x.css"]' in s
    assert s.count("<script>") == 1 and s.count("</script>") == 1
