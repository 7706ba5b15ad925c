"""Writing the site check's reports: tables (:mod:`.tables`: XLSX, CSV, GeoJSON) and documents
(:mod:`.document`: HTML, PDF, with map images drawn once for both)."""

from __future__ import annotations

from pathlib import Path

from lukou_geo.sitecheck.check import CheckResult
from lukou_geo.sitecheck.context import CheckContext
from lukou_geo.sitecheck.report.document import ReportMaps, export_html, export_pdf, report_maps
from lukou_geo.sitecheck.report.tables import export_csv, export_geojson, export_xlsx

FORMATS = ("xlsx", "csv", "geojson", "html", "pdf")


def export_all(
    result: CheckResult,
    ctx: CheckContext,
    out: str | Path,
    formats: tuple[str, ...] = FORMATS,
    title: str = "选址核查报告",
) -> list[Path]:
    """Write every format next to ``out`` (its stem names the files); return the paths written.

    The maps are drawn once and shared by the HTML and the PDF.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r}; choose from xlsx, csv, geojson, html, pdf")
    out = Path(out)
    stem = out.with_suffix("") if out.suffix else out
    stem.parent.mkdir(parents=True, exist_ok=True)
    maps: ReportMaps | None = report_maps(result, ctx) if {"html", "pdf"} & set(formats) else None
    written = []
    for f in formats:
        if f == "xlsx":
            written.append(export_xlsx(result, stem.with_suffix(".xlsx"), title))
        elif f == "csv":
            written.append(export_csv(result, stem.with_suffix(".csv")))
            written.append(export_csv(result, stem.parent / (stem.name + "_zones.csv"), "zones"))
        elif f == "geojson":
            written.append(export_geojson(result, stem.with_suffix(".geojson")))
        elif f == "html":
            p = stem.with_suffix(".html")
            export_html(result, ctx, p, title, maps=maps)
            written.append(p)
        else:
            p = stem.with_suffix(".pdf")
            export_pdf(result, ctx, p, title, maps=maps)
            written.append(p)
    return written
