"""The CJK font used wherever the atlas writes Chinese into a file (PDF reports, print layouts,
map images), so the output renders anywhere with the text embedded and extractable.

Noto Sans SC (SIL Open Font License 1.1) comes from the PyPI package ``pylopdf-fonts-zh-cn``,
installed by ``requirements.txt``, so no system font is needed. fpdf2 embeds a subset of it
(OpenType/CFF works; a 1-page report is ~10 KB of font).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from lukou_geo.errors import FontError

FONT_PACKAGE = "pylopdf_fonts_zh_cn"
FONT_FILES = {"sans": "NotoSansSC-Regular.otf", "serif": "NotoSerifSC-Regular.otf"}
FONT_LICENCE = "SIL Open Font License 1.1 (Noto Sans/Serif SC, via PyPI pylopdf-fonts-zh-cn 0.1.1)"


def cjk_font_path(style: str = "sans") -> Path:
    """Path of the Noto SC font file (``style`` = "sans" or "serif")."""
    if style not in FONT_FILES:
        raise ValueError(f"style must be one of {', '.join(FONT_FILES)}, not {style!r}")
    try:
        root = Path(str(resources.files(FONT_PACKAGE)))
    except ModuleNotFoundError as exc:
        raise FontError("中文字体未安装 / the CJK font is missing: pip install -r requirements.txt "
                        f"(package {FONT_PACKAGE})") from exc
    path = root / FONT_FILES[style]
    if not path.is_file():
        raise FontError(f"{path} missing: reinstall {FONT_PACKAGE} (pip install -r requirements.txt)")
    return path
