"""Import a delivered layer into the store, without code: :func:`import_layer`.

Steps: open the delivery (:mod:`.source`: format, sublayer, encoding, size limits, sha256) → read
it through GDAL → recognise its kind and map its fields (:mod:`.kinds`) → repair or drop bad
geometry, bring it to WGS-84 → start the vector tiles (:mod:`.tiles`: tippecanoe, in its own
process, as soon as the geometry and class codes are final) → the original fields, areas in
EPSG:4547, what lies outside the district (:mod:`.prepare`) → hand everything to the store's
atomic :meth:`~lukou_geo.store.base.Store.write_layer`, which writes the features while the tiles
build and waits for them. Until that last step nothing touches the store, so a failure anywhere
(a bad file, a kill) leaves it as it was; a tile build nobody waited for is stopped.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from lukou_geo.errors import InputError
from lukou_geo.store import kinds, prepare
from lukou_geo.store._sitecheck import parse_crs
from lukou_geo.store._sql import check_layer_id, check_user
from lukou_geo.store.base import KINDS, STANDARD_FIELDS, FieldInfo, ImportReport, LayerInfo, Progress, Store
from lukou_geo.store.source import Source, open_source
from lukou_geo.store.tiles import start_tiles


def _say(progress: Progress | None) -> Progress:
    return progress or (lambda f, m: None)


def _read(src: Source) -> gpd.GeoDataFrame:
    kw = {"encoding": src.read_encoding} if src.read_encoding else {}
    try:
        # a .dbf's text is decoded strictly without Arrow (Arrow would carry bad bytes on to a later, vaguer error)
        return pyogrio.read_dataframe(src.dataset, layer=src.layer, use_arrow=not src.read_encoding, **kw)
    except UnicodeDecodeError as exc:
        raise InputError(src.file, f"图层 {src.layer} 的文字不能按 {src.encoding} 解码({exc.reason})",
                         f"the text of layer {src.layer} does not decode as {src.encoding} ({exc.reason})",
                         "用 --encoding 指定正确的编码(多为 GBK)", "give the right encoding with --encoding (usually GBK)") from exc
    except LookupError as exc:
        raise InputError(src.file, f"未知的编码 {src.encoding}", f"unknown encoding {src.encoding}",
                         "用 --encoding GBK 或 --encoding UTF-8", "use --encoding GBK or --encoding UTF-8") from exc
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError,
            pyogrio.errors.GeometryError, ValueError) as exc:
        raise InputError(src.file, f"图层 {src.layer} 无法读取({str(exc).splitlines()[0][:200]})",
                         f"layer {src.layer} cannot be read ({str(exc).splitlines()[0][:200]})",
                         "检查文件是否完整(重新导出或复制)", "check the file is complete (export or copy it again)") from exc


def _default_id(src: Source, kind: str) -> str:
    slug = re.sub(r"[^a-z0-9_]+", "_", src.layer.lower()).strip("_")
    return slug[:40] if slug and slug[0].isalpha() else kind


def _default_title(src: Source, kind: str) -> str:
    if re.search(r"[\u4e00-\u9fff]", src.layer):
        return src.layer
    return f"{KINDS[kind][0]} {src.layer}"


def _frame(src: Source, raw: gpd.GeoDataFrame, kind: str, spec, say: Progress,
           tiles_from: Callable[[gpd.GeoDataFrame, str], None] | None = None) -> tuple[gpd.GeoDataFrame, dict, list[str]]:
    """The store's frame (standard fields, originals, WGS-84 geometry) and what was counted.

    ``tiles_from`` is called with the tile attributes and geometry (:data:`~lukou_geo.store.tiles.TILE_ATTRIBUTES`,
    final) and the geometry family as soon as they are known, so the tiles start building while the rest is made."""
    notes = list(src.notes)
    if raw.geometry.name != "geometry":
        raw = raw.rename_geometry("geometry")
    attrs = prepare.drop_kml_boilerplate(pd.DataFrame(raw.drop(columns="geometry")), src.driver)
    cleaned = prepare.clean(raw.geometry.values, src.file)
    notes += cleaned.notes
    say(0.28, "换算坐标 / converting coordinates")
    geoms, source_crs = prepare.to_wgs84(cleaned.geoms, raw.crs, spec, src.file, notes)
    moved = geoms is not cleaned.geoms  # no reprojection (WGS-84, CGCS2000 lon/lat): nothing to check again
    again = prepare.repair_after_transform(geoms, cleaned.family) if moved else np.zeros(len(geoms), dtype=bool)
    repaired = cleaned.repaired | again
    attrs = attrs[cleaned.keep].reset_index(drop=True)
    std, mapping = prepare.standard_fields(attrs, kind, src.layer, src.file, notes)
    fids = np.arange(1, len(attrs) + 1, dtype="int64")
    if tiles_from is not None:
        tiles_from(gpd.GeoDataFrame({"lk_code": std["lk_code"].to_numpy(), "lk_code1": std["lk_code1"].to_numpy()},
                                    geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326"), cleaned.family)
    originals, infos, names = prepare.original_fields(attrs)
    feeds = {v: k for k, v in mapping.items()}
    infos = [FieldInfo(i.name, i.dtype, feeds.get(orig, "")) for i, orig in zip(infos, attrs.columns, strict=True)]
    say(0.32, "量算面积 / measuring areas")
    area = prepare.areas(cleaned.geoms, raw.crs, geoms, again) if cleaned.family == "polygon" else np.zeros(len(geoms))
    out = pd.concat([std, originals], axis=1)
    out.insert(0, "lk_fid", fids)
    out["lk_area_m2"] = area
    out["lk_repaired"] = repaired.astype("int64")
    ordered = [c for c in STANDARD_FIELDS if c in out.columns] + list(originals.columns)
    gdf = gpd.GeoDataFrame(out[ordered], geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326")
    counts = {"read": len(raw), "repaired": int(repaired.sum()), "dropped": int((~cleaned.keep).sum()),
              "outside": int(prepare.outside(geoms).sum()), "family": cleaned.family, "source_crs": source_crs,
              "fields": tuple(infos), "mapping": mapping, "names": names}
    return gdf, counts, notes


def import_layer(store: Store, path: str | Path, *, layer_id: str | None = None, title: str | None = None,
                 kind: str | None = None, sublayer: str | None = None, crs: str | None = None, encoding: str | None = None,
                 user: str, progress: Progress | None = None, tiles: bool = True) -> ImportReport:
    """Import one layer of a delivery (FileGDB, zipped shapefile, GeoPackage, GeoJSON, KML/KMZ) into ``store``.

    Parameters
    ----------
    layer_id : the store id (default: from the layer's name, else its kind); an existing id is replaced
    kind : one of :data:`~lukou_geo.store.base.KINDS` (default: recognised from the names)
    sublayer : the layer of a multi-layer file (GeoPackage, FileGDB, an archive of shapefiles)
    crs : for files that declare none: the site check's choices (``wgs84``, ``gk-zone:38``, ``EPSG:4547`` …)
    encoding : of a shapefile's ``.dbf`` (default: its ``.cpg``, else detected)
    user : who imports (kept with the layer and in the store's log)
    progress : called with (fraction 0–1, message)
    tiles : build vector tiles (the map needs them; tests of other things may skip them)

    Raises
    ------
    InputError  the file cannot be used (names file, layer, field, problem and fix)
    StoreError  the store refused the write (it is unchanged)
    """
    t0 = time.perf_counter()
    say = _say(progress)
    user = check_user(user)
    kinds.check_kind(kind)
    if layer_id is not None:
        check_layer_id(layer_id)
    spec = parse_crs(crs, "--crs") if crs else None
    say(0.01, "打开文件 / opening the file")
    with open_source(path, sublayer=sublayer, encoding=encoding) as src:
        say(0.05, f"读取图层 {src.layer}({src.features} 个要素)/ reading layer {src.layer} ({src.features} features)")
        raw = _read(src)
        if len(raw) == 0:
            raise InputError(src.file, f"图层 {src.layer} 没有要素", f"layer {src.layer} has no features",
                             "选择含要素的图层或文件", "choose a layer or file with features")
        the_kind = kind or kinds.guess_kind(src.layer, [c for c in raw.columns if c != raw.geometry.name], src.file)
        lid = layer_id or _default_id(src, the_kind)
        check_layer_id(lid)
        stack = contextlib.ExitStack()
        pending: Any = ()

        def tiles_from(features: gpd.GeoDataFrame, family: str) -> None:
            # tippecanoe builds the tiles in its own process while the rest of the frame is made and the store writes it
            nonlocal pending
            if tiles and len(features):
                tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lukou-tiles-")))
                say(0.30, "准备矢量瓦片 / preparing the vector tiles")
                pending = stack.enter_context(start_tiles(features, lid, kinds.TILE_ZOOMS.get(the_kind, kinds.TILE_ZOOMS["other"]),
                                                          family, tmp, say))

        with stack:
            say(0.25, f"检查几何({KINDS[the_kind][0]})/ checking geometry ({the_kind})")
            gdf, counts, notes = _frame(src, raw, the_kind, spec, say, tiles_from)
            stored = _write(store, src, gdf, counts, notes, the_kind, lid, title, user, pending, say)
    return ImportReport(layer=stored, read=counts["read"], repaired=counts["repaired"], dropped=counts["dropped"],
                        outside=counts["outside"], notes=tuple(notes), seconds=time.perf_counter() - t0)


def _write(store: Store, src: Source, gdf: gpd.GeoDataFrame, counts: dict, notes: list[str], the_kind: str, lid: str,
           title: str | None, user: str, pending: Any, say: Progress) -> LayerInfo:
    """The layer's description and notes, then the store's atomic write (with the tiles ``pending``)."""
    years = gdf["lk_year"].dropna()
    info = LayerInfo(
        id=lid, title=title or _default_title(src, the_kind), kind=the_kind, geometry=counts["family"], features=len(gdf),
        bounds=tuple(float(v) for v in gdf.total_bounds), source_file=src.file, sha256=src.sha256,
        source_crs=counts["source_crs"], encoding=src.encoding, sublayer=src.sublayer, imported_at="",
        imported_by=user, version=0, fields=counts["fields"], data_year=int(years.mode().iloc[0]) if len(years) else None,
        repaired=counts["repaired"], dropped=counts["dropped"], outside=counts["outside"], tiles={},
    )
    if counts["dropped"]:
        notes.append(f"{src.file}:{counts['dropped']} 个要素几何为空或无法修复,未导入 / {counts['dropped']} empty or "
                     "unrepairable features not imported")
    if counts["outside"]:
        notes.append(f"{src.file}:{counts['outside']} 个要素在渌口区界 {prepare.OUTSIDE_TOLERANCE_M / 1000:g} 公里以外(已导入)/ "
                     f"{counts['outside']} features lie beyond {prepare.OUTSIDE_TOLERANCE_M / 1000:g} km of the district (imported)")
    return store.write_layer(info, gdf, pending, say)
