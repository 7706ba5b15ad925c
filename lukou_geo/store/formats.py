"""The layer formats of the store: what a layer is imported from and exported to, declared once.

:mod:`.source` (which file is which dataset), :mod:`.export` (the writers), :mod:`.cli` (the choices
and help of ``layers import`` / ``layers export``) and the 图层管理 and 属性表 pages (the uploader's
types, the export choices) all read the records here, so they cannot disagree. Adding a format = a
record here + its reader (GDAL's, through pyogrio) or writer (:mod:`.export`).

The site check's project inputs (red lines, coordinates) have their own registry
(:mod:`lukou_geo.sitecheck.inputs.formats`): a layer is a delivery of thousands of features with
its own fields, a project a few polygons.
"""

from __future__ import annotations

from dataclasses import dataclass

from lukou_geo.errors import InputError
from lukou_geo.text import t


@dataclass(frozen=True)
class ImportFormat:
    """A format a layer is imported from."""

    id: str
    #: suffixes (lower case, with the dot) of a file, or of a folder when ``folder``
    suffixes: tuple[str, ...]
    #: a folder (a FileGDB ``.gdb``), not a file: uploaded zipped
    folder: bool = False
    #: an archive extracted before reading (zip, KMZ): its members are datasets of the other formats
    archive: bool = False
    #: the uploader takes a file of it as it is (a lone ``.shp`` lacks its ``.dbf``: it comes zipped)
    upload: bool = True
    #: the GDAL drivers that read it (as ``pyogrio.read_info(...)["driver"]`` names them)
    drivers: tuple[str, ...] = ()
    #: GDAL adds a dozen schema columns on reading it (KML: Name, description, timestamp, …), dropped when empty
    boilerplate: bool = False

    def label(self, lang: str) -> str:
        """The format's name (``formats.in_<id>`` in :mod:`lukou_geo.text`)."""
        return t(f"formats.in_{self.id}", lang)


IMPORT_FORMATS: tuple[ImportFormat, ...] = (
    ImportFormat("filegdb", (".gdb",), folder=True, upload=False, drivers=("OpenFileGDB",)),
    ImportFormat("zip", (".zip",), archive=True),
    ImportFormat("shapefile", (".shp",), upload=False, drivers=("ESRI Shapefile",)),
    ImportFormat("gpkg", (".gpkg",), drivers=("GPKG",)),
    ImportFormat("geojson", (".geojson", ".json"), drivers=("GeoJSON", "GeoJSONSeq")),
    ImportFormat("flatgeobuf", (".fgb",), drivers=("FlatGeobuf",)),
    ImportFormat("kml", (".kml",), drivers=("LIBKML", "KML"), boilerplate=True),
    ImportFormat("kmz", (".kmz",), archive=True),
)


@dataclass(frozen=True)
class ExportFormat:
    """A format a layer (or a selection, or a red line) is exported to."""

    id: str  # the choice on the command line and the page
    suffix: str  # of the file written
    mime: str
    #: the CRS written when none is asked for
    default_crs: str = "EPSG:4326"
    #: polygons only
    polygons_only: bool = False

    def label(self, lang: str) -> str:
        """The format's name (``formats.out_<id>`` in :mod:`lukou_geo.text`)."""
        return t(f"formats.out_{self.id}", lang)


EXPORT_FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("shp", ".zip", "application/zip"),
    ExportFormat("gpkg", ".gpkg", "application/geopackage+sqlite3"),
    ExportFormat("kml", ".kml", "application/vnd.google-earth.kml+xml"),
    ExportFormat("dxf", ".dxf", "image/vnd.dxf", "EPSG:4526"),
    ExportFormat("bubiao", ".txt", "text/plain", "EPSG:4526", polygons_only=True),
)


# ------------------------------------------------------------------------------ import


def import_suffixes() -> tuple[str, ...]:
    """Every suffix a layer is imported from (files, folders and archives)."""
    return tuple(s for f in IMPORT_FORMATS for s in f.suffixes)


def archive_suffixes() -> tuple[str, ...]:
    """Suffixes of the archives extracted before reading (zip, KMZ)."""
    return tuple(s for f in IMPORT_FORMATS if f.archive for s in f.suffixes)


def folder_suffixes() -> tuple[str, ...]:
    """Suffixes of the folder formats (FileGDB)."""
    return tuple(s for f in IMPORT_FORMATS if f.folder for s in f.suffixes)


def data_suffixes() -> tuple[str, ...]:
    """Suffixes of the single-file datasets GDAL reads (also what is looked for inside an archive)."""
    return tuple(s for f in IMPORT_FORMATS if not (f.archive or f.folder) for s in f.suffixes)


def upload_types() -> list[str]:
    """The uploader's accepted types (no dot), for ``st.file_uploader(type=...)``."""
    return [s.removeprefix(".") for f in IMPORT_FORMATS if f.upload for s in f.suffixes]


def kind_of(suffix: str) -> ImportFormat | None:
    """The import format of a suffix (any case), or None."""
    low = suffix.lower()
    return next((f for f in IMPORT_FORMATS if low in f.suffixes), None)


def by_driver(driver: str) -> ImportFormat | None:
    """The import format GDAL's driver ``driver`` reads, or None."""
    return next((f for f in IMPORT_FORMATS if driver in f.drivers), None)


def has_boilerplate(driver: str) -> bool:
    """Whether reading through ``driver`` adds GDAL's schema columns (KML) that an import drops when empty."""
    fmt = by_driver(driver)
    return fmt is not None and fmt.boilerplate


def describe(lang: str) -> str:
    """The import formats in one line (help texts, messages)."""
    names = [f.label(lang) for f in IMPORT_FORMATS if f.id != "zip"]
    return ("、" if lang == "zh" else ", ").join(names)


def unsupported(file: str, suffix: str) -> InputError:
    """The error for a file whose type no import format has."""
    return InputError(file, t("formats.unsupported", "zh", suffix=suffix or t("formats.no_suffix", "zh")),
                      t("formats.unsupported", "en", suffix=suffix or t("formats.no_suffix", "en")),
                      t("formats.supported", "zh", formats=describe("zh")), t("formats.supported", "en", formats=describe("en")))


# ------------------------------------------------------------------------------ export


def export_ids() -> tuple[str, ...]:
    """The export choices, in order (``layers export --format``)."""
    return tuple(f.id for f in EXPORT_FORMATS)


def export_format(fmt: str) -> ExportFormat | None:
    """The export format ``fmt`` names, or None."""
    return next((f for f in EXPORT_FORMATS if f.id == fmt), None)


def export_suffixes() -> tuple[str, ...]:
    """Suffixes of the files the exports write."""
    return tuple(dict.fromkeys(f.suffix for f in EXPORT_FORMATS))
