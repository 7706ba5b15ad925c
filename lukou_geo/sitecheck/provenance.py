"""Where a site check's projects came from, as every report records it: the source (file name, size and
SHA-256, or pasted text / the map), the text encoding, the CRS assumed, and the reader's notes on the CRS it
used. The input coordinates as given are a column of the result (``given``: WKT in the file's own CRS).

GCJ-02 (高德) and WGS-84 cannot be told apart by the numbers, so the CRS assumed is part of every report.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lukou_geo.text import t

#: Content kinds (:mod:`lukou_geo.sitecheck.inputs.formats`) read as text: their encoding is detected or chosen.
_TEXT_KINDS = ("text", "geojson", "kml-xml")
#: lon/lat sources a planner chooses from on the check page, 高德 first (where planners' points come from).
LONLAT_SOURCES: tuple[str, ...] = ("gcj02", "wgs84", "bd09")


@dataclass(frozen=True)
class Provenance:
    """The source of one check run, for the reports."""

    source: str
    sha256: str = ""
    size: int = 0
    encoding_zh: str = ""
    encoding_en: str = ""
    crs_zh: str = ""
    crs_en: str = ""
    crs_notes: tuple[str, ...] = field(default_factory=tuple)

    def rows(self, lang: str = "zh") -> list[tuple[str, str]]:
        """(label, value) pairs in ``lang``, for the reports' source table."""
        out = [(t("check.prov.source", lang), self.source)]
        if self.sha256:
            out += [(t("check.prov.sha256", lang), self.sha256), (t("check.prov.size", lang), f"{self.size:,} B")]
        out += [(t("check.prov.encoding", lang), self.encoding_zh if lang == "zh" else self.encoding_en),
                (t("check.prov.crs", lang), self.crs_zh if lang == "zh" else self.crs_en)]
        out += [(t("check.prov.crs_used", lang), note_in(n, lang)) for n in self.crs_notes]
        out.append((t("check.prov.given", lang), t("check.prov.given_where", lang)))
        return out

    def crs_recorded(self) -> str:
        """The CRS assumed as the register keeps it: the choice, then what the reader used (its notes)."""
        return ";".join([self.crs_zh, *self.crs_notes])

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["crs_notes"] = list(self.crs_notes)
        return d


_CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def note_in(note: str, lang: str) -> str:
    """A reader's bilingual note (``file:中文 / English``) in one language."""
    # the English half is the first " / …" with no Chinese after it: a Chinese half may hold " / " itself
    # (高德地图 / 腾讯地图, CGCS2000 / 3° GK); a note with none is one language already
    cut = next((m.start() for m in re.finditer(" / ", note) if not _CJK.search(note, m.end())), -1)
    if cut < 0:
        return note
    zh, en = note[:cut], note[cut + 3:]
    if lang == "zh":
        return zh
    file, sep, _ = zh.partition(":")
    return f"{file}: {en}" if sep and file and "\n" not in file else en


def crs_labels(crs: str | None) -> tuple[str, str]:
    """(zh, en) naming the CRS argument ``crs`` as the page and the CLI pass it (``auto``, ``auto:gcj02``, ``wgs84``…)."""
    from lukou_geo.sitecheck.inputs.crs_choices import CRS_CHOICES

    s = (crs or "auto").strip().lower()
    if s.startswith("auto:") and s[5:] in LONLAT_SOURCES:
        src = s[5:]
        return tuple(t("check.prov.auto_with", lg, src=t(f"check.lonlat.{src}", lg)) for lg in ("zh", "en"))  # type: ignore[return-value]
    if s == "auto":
        return t("check.prov.auto_guess", "zh"), t("check.prov.auto_guess", "en")
    if s in CRS_CHOICES:
        return CRS_CHOICES[s]["zh"], CRS_CHOICES[s]["en"]
    return crs or "", crs or ""


def encoding_labels(data: bytes, filename: str, chosen: str | None) -> tuple[str, str]:
    """(zh, en) naming the text encoding of an input: as chosen, as detected (the readers' order), or the file's own."""
    from lukou_geo.sitecheck.inputs import formats

    suffix = Path(filename).suffix.lower()
    if not any(f.content.get(suffix, ("",))[0] in _TEXT_KINDS for f in formats.for_suffix(suffix)):
        return t("check.prov.enc_binary", "zh"), t("check.prov.enc_binary", "en")
    if chosen:
        return t("check.prov.enc_chosen", "zh", enc=chosen), t("check.prov.enc_chosen", "en", enc=chosen)
    if data.startswith(b"\xef\xbb\xbf"):
        enc = "UTF-8 (BOM)"
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        enc = "UTF-16"
    else:
        try:
            data.decode("utf-8")
            enc = "UTF-8"
        except UnicodeDecodeError:
            enc = "GB18030/GBK"
    return t("check.prov.enc_detected", "zh", enc=enc), t("check.prov.enc_detected", "en", enc=enc)


def _crs_notes(notes: list[str]) -> tuple[str, ...]:
    keys = ("所用坐标系", "坐标为米制", "带号前缀", "文件声明了坐标系", "按规范", "未指明来源", "投影(米制)")
    return tuple(dict.fromkeys(n for n in notes if any(k in n for k in keys)))


def of_bytes(data: bytes, filename: str, crs: str | None, encoding: str | None, notes: list[str]) -> Provenance:
    """The provenance of an uploaded file."""
    enc_zh, enc_en = encoding_labels(data, filename, encoding)
    crs_zh, crs_en = crs_labels(crs)
    return Provenance(Path(filename).name, hashlib.sha256(data).hexdigest(), len(data), enc_zh, enc_en, crs_zh, crs_en, _crs_notes(notes))


def of_text(text: str, source: str, crs: str | None, notes: list[str]) -> Provenance:
    """The provenance of pasted coordinates (the text's SHA-256 in UTF-8)."""
    data = text.encode("utf-8")
    crs_zh, crs_en = crs_labels(crs)
    return Provenance(source, hashlib.sha256(data).hexdigest(), len(data), t("check.prov.enc_pasted", "zh"), t("check.prov.enc_pasted", "en"),
                      crs_zh, crs_en, _crs_notes(notes))


def of_map(source: str) -> Provenance:
    """The provenance of a click or a drawing on the check map (WGS-84 by the map)."""
    return Provenance(source, encoding_zh="—", encoding_en="—", crs_zh=t("check.prov.map_crs", "zh"), crs_en=t("check.prov.map_crs", "en"))


def combine(provs: list[Provenance]) -> Provenance | None:
    """One provenance of several inputs checked together (the CLI's files): each file with its SHA-256."""
    if len(provs) <= 1:
        return provs[0] if provs else None

    def joined(values: list[str]) -> str:
        return ";".join(dict.fromkeys(values))

    return Provenance(
        ";".join(p.source for p in provs), ";".join(f"{p.source} {p.sha256}" for p in provs), sum(p.size for p in provs),
        joined([p.encoding_zh for p in provs]), joined([p.encoding_en for p in provs]), joined([p.crs_zh for p in provs]),
        joined([p.crs_en for p in provs]), tuple(n for p in provs for n in p.crs_notes),
    )


__all__ = ["LONLAT_SOURCES", "Provenance", "combine", "crs_labels", "encoding_labels", "note_in", "of_bytes", "of_map", "of_text"]
