"""The planner's own big layers on the atlas map: vector tiles from the store, drawn offline.

Each store layer becomes a folium ``FeatureGroup`` (so the layer control lists it) holding a
Leaflet.VectorGrid 1.3.0 protobuf layer that fetches ``/lk/tiles/{layer}/{z}/{x}/{y}.pbf`` from this app
and paints its parcels on canvas tiles in the national colours of their class code
(:mod:`lukou_geo.classes`); at a fractional zoom each tile carries the scale, not the tile level (a
scaled level of composited canvases costs an offscreen render surface per frame of a drag). The tile
layers are **not interactive** (VectorGrid's clicks break on Leaflet ≥ 1.8): a map click asks
``/lk/identify`` for every feature under the point and shows its attributes and area (公顷/亩, measured by
the store, never from tiles). Also: a legend section per layer with the classes present (from
``Store.class_stats``), opacity sliders, class-code labels at high zoom (``/lk/labels``), a swipe (卷帘,
leaflet-side-by-side 2.2.0) between two layers, and the cursor position in WGS-84 and CGCS2000 3°
Gauss-Krüger CM 114°E, without and with the zone-38 prefix (proj4 2.22.0 in the browser, definitions
from pyproj).

Data reach the page as :func:`~lukou_geo.map.render.script_json` and the DOM through
``textContent`` only; the JavaScript is ``vector_tiles.js`` beside this file.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import folium
import pandas as pd
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from lukou_geo import classes
from lukou_geo.settings import MU_PER_HECTARE
from lukou_geo.store.base import KINDS, LayerInfo
from lukou_geo.text import t

_JSD = "https://cdn.jsdelivr.net/npm"  # keys of the vendored copies (lukou_geo.map.assets.localize)
JS_FILE = Path(__file__).with_suffix(".js")
#: Rows of one layer's legend (the rest are summed in one "… N more classes" row).
LEGEND_MAX = 30
#: CRSs of the cursor read-out: CGCS2000 / 3-degree GK CM 114E, and zone 38 with the zone prefix.
GK_CM114 = "EPSG:4547"
GK_ZONE38 = "EPSG:4526"


@functools.cache
def proj_defs() -> dict[str, str]:
    """proj4 strings of the two GK CRSs, as pyproj resolves them (the browser's proj4 uses these)."""
    import warnings

    from pyproj import CRS

    with warnings.catch_warnings():  # a transverse Mercator loses nothing in a PROJ string
        warnings.simplefilter("ignore", UserWarning)
        return {code: CRS.from_user_input(code).to_proj4() for code in (GK_CM114, GK_ZONE38)}


@functools.cache
def js_source() -> str:
    """The element's JavaScript (``vector_tiles.js``)."""
    return JS_FILE.read_text(encoding="utf-8")


def normalise_stats(stats: pd.DataFrame) -> pd.DataFrame:
    """``Store.class_stats`` output as columns ``lk_code, lk_name, count, area_m2`` (largest first).

    Accepts ``count``/``n``/``features`` and ``area_m2``/``lk_area_m2``/``area`` for the two numbers.
    """
    df = stats.copy()
    for want, options in (("count", ("count", "n", "features")), ("area_m2", ("area_m2", "lk_area_m2", "area"))):
        have = next((c for c in options if c in df.columns), None)
        df[want] = df[have] if have is not None else 0
    for col in ("lk_code", "lk_name"):
        if col not in df.columns:
            df[col] = ""
    df["lk_code"] = df["lk_code"].fillna("").astype(str)
    df["lk_name"] = df["lk_name"].fillna("").astype(str)
    df["count"] = pd.to_numeric(df["count"], errors="coerce").fillna(0).astype(int)
    df["area_m2"] = pd.to_numeric(df["area_m2"], errors="coerce").fillna(0.0)
    return df[["lk_code", "lk_name", "count", "area_m2"]].sort_values("area_m2", ascending=False, kind="stable").reset_index(drop=True)


def stats_table(stats: pd.DataFrame) -> pd.DataFrame:
    """Per-class statistics with area in 公顷 and 亩 (and the 三调 三大类 where the code has one)."""
    df = normalise_stats(stats)
    df["area_ha"] = (df["area_m2"] / 10_000).round(4)
    df["area_mu"] = (df["area_m2"] / 10_000 * MU_PER_HECTARE).round(2)
    return df


@dataclass(frozen=True)
class TileLayerSpec:
    """What the browser gets for one store layer (all plain data)."""

    id: str
    title: str
    kind: str
    kind_label: str
    url: str
    minzoom: int
    maxzoom: int
    bounds: list[float]
    palette: dict[str, str]
    default_colour: str
    legend: list[list[Any]]  # [code, name, colour, count, 公顷] per class present, largest first
    legend_more: int  # classes left out of the legend
    provenance: list[str]  # [file, sha256, source CRS, imported by, imported at, version]
    show: bool = True
    fill_opacity: float = 0.8
    labels: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def layer_spec(info: LayerInfo, stats: pd.DataFrame, lang: str = "zh", *, base: str = "", show: bool = True,
               fill_opacity: float = 0.8) -> TileLayerSpec:
    """The spec of one store layer from its catalogue row and its class statistics."""
    from lukou_geo.map.server import tile_url

    df = stats_table(stats)
    codes = list(df["lk_code"])
    pal = classes.palette(info.kind, codes, info.data_year)
    legend = [[r.lk_code, r.lk_name, pal.get(r.lk_code, classes.UNKNOWN_COLOUR), int(r.count), float(r.area_ha)]
              for r in df.itertuples()]
    kind_label = KINDS.get(info.kind, KINDS["other"])[0 if lang == "zh" else 1]
    tiles = info.tiles or {}
    return TileLayerSpec(
        id=info.id, title=info.title, kind=info.kind, kind_label=kind_label, url=tile_url(info, base),
        minzoom=int(tiles.get("minzoom", 0)), maxzoom=int(tiles.get("maxzoom", 14)), bounds=list(info.bounds),
        palette=pal, default_colour=classes.kind_colour(info.kind) if info.kind not in classes.KIND_TABLE else classes.UNKNOWN_COLOUR,
        legend=legend[:LEGEND_MAX], legend_more=max(0, len(legend) - LEGEND_MAX),
        provenance=[info.source_file, info.sha256, info.source_crs, info.imported_by, info.imported_at, str(info.version)],
        show=show, fill_opacity=fill_opacity,
    )


def _texts(lang: str) -> dict[str, str]:
    keys = ("identify_none", "identify_area", "identify_code", "identify_more", "identify_error", "opacity", "legend_more",
            "official", "source", "coords_wgs", "coords_gk", "coords_zone", "features", "imported", "hectare", "mu")
    return {k: t(f"tiles.{k}", lang) for k in keys}


class VectorTileLayers(JSCSSMixin, MacroElement):
    """Draws the store layers into their FeatureGroups and adds identify, legend, opacity, labels,
    swipe and cursor coordinates (see the module docstring)."""

    default_js = [
        ("leaflet_vectorgrid", f"{_JSD}/leaflet.vectorgrid@1.3.0/dist/Leaflet.VectorGrid.bundled.js"),
        ("proj4", f"{_JSD}/proj4@2.22.0/dist/proj4.js"),
        ("leaflet_side_by_side", f"{_JSD}/leaflet-side-by-side@2.2.0/index.js"),
    ]
    default_css = [
        ("leaflet_side_by_side_layout_css", f"{_JSD}/leaflet-side-by-side@2.2.0/layout.css"),
        ("leaflet_side_by_side_range_css", f"{_JSD}/leaflet-side-by-side@2.2.0/range.css"),
    ]

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .lk-opacity, .lk-coords { background: rgba(255,255,255,.92); padding: 4px 8px; border-radius: 6px;
          box-shadow: 0 1px 4px rgba(0,0,0,.3); font-size: 12px; line-height: 1.5; }
        .lk-opacity-head { font-weight: 700; }
        .lk-opacity-row { display: flex; align-items: center; gap: 6px; margin: 0; }
        .lk-opacity-row input { width: 110px; }
        .lk-coords { font-family: "Noto Sans Mono CJK SC", monospace; font-size: 11.5px; min-width: 300px; }
        .lk-code-label { font-size: 11px; font-weight: 700; color: #263238; text-align: center;
          text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; white-space: nowrap; }
        .lk-identify .lk-id-feature { border-top: 1px solid #ddd; margin-top: 4px; padding-top: 4px; }
        .lk-id-class { font-weight: 700; display: flex; align-items: center; gap: 6px; }
        .lk-id-swatch { display: inline-block; width: 14px; height: 10px; border: 1px solid #5f5f5f; }
        .lk-id-area { color: #1b5e20; margin: 2px 0; }
        .lk-id-attrs { font-size: 12px; }
        .lk-store-src { color: #555; font-size: 11px; }
        .lk-store-head { margin-top: 4px; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function() {
            {{ this.js_source }}
            lkVectorTiles({{ this._parent.get_name() }}, {{ this.config_json }},
                { {%- for lid, fg in this.groups %}{{ lid | tojson }}: {{ fg.get_name() }},{%- endfor %} });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, specs: list[TileLayerSpec], groups: list[tuple[str, folium.FeatureGroup]], lang: str,
                 *, swipe: tuple[str, str] | None = None, base: str = "", coords: bool = True):
        from lukou_geo.map.render import script_json

        super().__init__()
        self._name = "VectorTileLayers"
        self.groups = groups
        self.js_source = js_source()
        config = {
            "layers": [asdict(s) for s in specs], "texts": _texts(lang), "lang": lang,
            "identify_url": f"{base}/lk/identify", "labels_url": f"{base}/lk/labels", "labels_minzoom": 16,
            "swipe": list(swipe) if swipe else None, "coords": coords, "proj": proj_defs(),
            "mu_per_ha": MU_PER_HECTARE,
        }
        self.config_json = script_json(config)


def add_tile_layers(m: folium.Map, specs: list[TileLayerSpec], lang: str = "zh", *, swipe: tuple[str, str] | None = None,
                    base: str = "", coords: bool = True) -> list[folium.FeatureGroup]:
    """Add the store layers (one FeatureGroup each, named by the layer's title) to ``m``; return the groups.

    ``swipe``: two layer ids to compare with the 卷帘 (both are shown); ``base``: prefix of the
    ``/lk/`` routes (empty inside the app; an origin for a page served elsewhere).
    """
    from lukou_geo.map.render import esc

    groups: list[tuple[str, folium.FeatureGroup]] = []
    wanted = set(swipe or ())
    for spec in specs:
        fg = folium.FeatureGroup(name=esc(spec.title), show=spec.show or spec.id in wanted)
        fg.add_to(m)
        groups.append((spec.id, fg))
    if specs or coords:
        VectorTileLayers(specs, groups, lang, swipe=swipe, base=base, coords=coords).add_to(m)
    return [fg for _, fg in groups]
