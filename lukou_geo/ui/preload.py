"""Streamlit's browser code for the elements a result will show, loaded while the planner types.

Streamlit's frontend loads an element's code the first time the page shows one: the first table
(``st.dataframe``: the DataFrame module and about thirty modules it imports), the first download
button, the first progress bar. Until they have arrived, the block holding the result is not drawn,
so the first check on the check page waited for them: 0.4 s of its ≈ 0.9 s in Chromium (measured by
the requests between the click and the result header). :func:`preload` imports those modules into
the page (through a zero-height component whose script runs the page's own ``import()``) once the
page is up, so the first result arrives at a page that already has them.

The modules are found by name in the installed Streamlit's static folder (their file names carry a
hash that changes with each Streamlit release); a module not found is skipped, and a page where the
import fails is no worse than without it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

#: The elements of a check result whose code is loaded on first use: table, download button, progress bar.
RESULT_ELEMENTS = ("DataFrame", "DownloadButton", "Progress")


@lru_cache(maxsize=8)
def element_files(names: tuple[str, ...] = RESULT_ELEMENTS, kind: str = "js") -> tuple[str, ...]:
    """The file names (``static/<kind>/<Name>.<hash>.<kind>``) of the installed Streamlit's code for ``names``."""
    folder = Path(st.__file__).parent / "static" / "static" / kind
    out = []
    for name in names:
        out.extend(sorted(p.name for p in folder.glob(f"{name}.*.{kind}") if p.name.count(".") == 2))
    return tuple(out)


def script(modules: tuple[str, ...], styles: tuple[str, ...] = ()) -> str:
    """The component's script: import ``modules`` (beside the page's own index module) in the page's realm, and
    link ``styles`` (beside it in ``../css/``: Streamlit's loader links an element's CSS only when no link has it)."""
    return (
        "<script>(function(){try{var p=window.parent;if(!p||p===window)return;var d=p.document;"
        "var s=d.querySelector('script[type=module][src*=\"/static/js/index.\"]');if(!s)return;"
        "var load=new p.Function('u','return import(u)');"
        f"{json.dumps(list(styles))}.forEach(function(c){{var h=new URL('../css/'+c,s.src).href;"
        "if(d.querySelector('link[href=\"'+h+'\"]'))return;var l=d.createElement('link');l.rel='stylesheet';l.href=h;"
        "d.head.appendChild(l);});"
        f"{json.dumps(list(modules))}.forEach(function(m){{load(new URL(m,s.src).href).catch(function(){{}});}});"
        "}catch(e){}})();</script>"
    )


def preload(names: tuple[str, ...] = RESULT_ELEMENTS) -> None:
    """Load the browser code of the elements ``names`` into the page now (a zero-height component)."""
    modules = element_files(names)
    if modules:
        components.html(script(modules, element_files(names, "css")), height=0)


__all__ = ["RESULT_ELEMENTS", "element_files", "preload", "script"]
