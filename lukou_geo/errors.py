"""The one root error of the atlas and its kinds.

Every error a user may meet derives from :class:`LukouError`; its :meth:`~LukouError.message` is
the text the UI shows and the CLI prints (Chinese first, English on request). A message names the
file (and row, layer or field), the problem and the fix. Pages and commands catch ``LukouError``
and show that message; nothing else reaches a user as a traceback.

Kinds keep their old base classes (``ValueError`` or ``RuntimeError``) so callers that caught
those still do.
"""

from __future__ import annotations


class LukouError(Exception):
    """The root error: a message in Chinese and English.

    Built either from one text (used for both languages; many messages are written "中文 / English")
    or from ``zh`` and ``en``.
    """

    def __init__(self, zh: str = "", en: str | None = None) -> None:
        self.zh = zh
        self.en = en if en is not None else zh
        super().__init__(zh if en is None or en == zh else f"{zh} / {en}")

    def message(self, lang: str = "zh") -> str:
        """The message in ``lang`` ("zh" or "en")."""
        return self.en if lang == "en" else self.zh


class SettingsError(LukouError, ValueError):
    """An environment setting has an invalid value; the message names the variable, the value and the fix."""


class CatalogError(LukouError, ValueError):
    """The catalog or a layer file is invalid; the message names the record, field and fix."""


class BuildError(LukouError, ValueError):
    """A source record cannot be built; the message names the file, feature and field."""


class PlanRefError(LukouError, ValueError):
    """A citation does not match the plan text."""


class PlanTextError(LukouError, FileNotFoundError):
    """The plan's text file cannot be found; the message names the file and how to restore it."""


class IndicatorError(LukouError, ValueError):
    """An indicator file is missing or malformed; the message names the file and row."""


class DeckError(LukouError, ValueError):
    """A deck file is invalid; the message names the file, the slide, the field and the fix."""


class ViewError(LukouError, ValueError):
    """A view or a share link is invalid; the message says which field and how to fix it."""


class ExportError(LukouError, ValueError):
    """An export request is invalid (paper, orientation, layers); the message says how to fix it."""


class AssetError(LukouError, RuntimeError):
    """A front-end file cannot be served locally (no vendored copy, or no vendor folder)."""


class FontError(LukouError, RuntimeError):
    """The CJK font is not installed."""


class InputError(LukouError, ValueError):
    """An input (or one row of it) cannot be used; the message names file, row, field, problem, fix."""

    def __init__(
        self, file: str, problem_zh: str, problem_en: str, fix_zh: str = "", fix_en: str = "", row: int | None = None, field: str | None = None
    ) -> None:
        self.file, self.row, self.field = file, row, field
        self.problem_zh, self.problem_en, self.fix_zh, self.fix_en = problem_zh, problem_en, fix_zh, fix_en
        super().__init__(self._text("zh"), self._text("en"))

    def _text(self, lang: str) -> str:
        if lang == "zh":
            where = f"{self.file}" + (f" 第{self.row}行" if self.row is not None else "") + (f" {self.field}" if self.field else "")
            return f"{where}:{self.problem_zh}" + (f"。{self.fix_zh}" if self.fix_zh else "")
        where = f"{self.file}" + (f", row {self.row}" if self.row is not None else "") + (f", field {self.field}" if self.field else "")
        return f"{where}: {self.problem_en}" + (f". Fix: {self.fix_en}" if self.fix_en else "")


class StoreError(LukouError, RuntimeError):
    """The store cannot do what was asked (no such layer, unreadable or read-only store, a failed
    import); the message names the store, the layer or file, and the fix."""


class BasemapError(LukouError, ValueError):
    """A basemap file cannot be registered or read; the message names the file and the fix."""
