"""Copy the front-end files that folium loads from CDNs into ``static/vendor/``.

Offline first: folium 0.20.0 elements name their JavaScript/CSS as CDN URLs
(``default_js``/``default_css``). This script copies the same files, at the same
versions, from ``node_modules/`` (installed by ``npm ci`` from the pinned
``package.json``/``package-lock.json``) into ``static/vendor/<package>/<path>``,
together with every file their CSS references (fonts, images), their source maps
and each package's licence file, and writes ``static/vendor/manifest.json``, which
:mod:`lukou_geo.map.assets` reads to point folium at the local copies. It also writes
``static/VENDORED.md`` (name, version, licence of every vendored package).

Usage::

    npm ci
    python tools/vendor_assets.py            # or: --node-modules DIR --out DIR
    python tools/vendor_assets.py --install  # runs `npm ci` first

The output is rebuilt from scratch on every run in a temporary folder that then
replaces ``static/vendor/``, and the manifest holds no timestamps, so running the
script twice gives byte-identical results.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

REPO_ROOT = Path(__file__).resolve().parent.parent
FOLIUM_VERSION = "0.20.0"
GENERATED = "folium"  # pseudo-package for the one file folium's wheel does not ship


class VendorError(RuntimeError):
    """A needed package or file is missing or at the wrong version."""


@dataclass(frozen=True)
class Resource:
    """One file that folium elements load from a CDN.

    Attributes
    ----------
    name : str
        The resource name folium uses (first item of the ``default_js`` /
        ``default_css`` tuple).
    kind : str
        ``"js"`` or ``"css"``.
    cdn_urls : tuple of str
        Every URL folium 0.20.0 uses for this file (some files appear under two URLs).
    package : str
        npm package that ships the file (``"folium"`` for the generated rotate CSS).
    file : str
        Path of the file inside the package.
    elements : tuple of str
        folium classes whose ``default_js``/``default_css`` name this resource.
    """

    name: str
    kind: str
    cdn_urls: tuple[str, ...]
    package: str
    file: str
    elements: tuple[str, ...]


_MAP = ("folium.Map",)
_VT = "lukou_geo.map.elements.vector_tiles.VectorTileLayers"
_JSD = "https://cdn.jsdelivr.net"
_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"

#: The files folium 0.20.0 loads from CDNs, for the elements the atlas may use.
#: Where the CDN serves a minified name that the npm package lacks (jsDelivr minifies
#: on the fly), the package's unminified file of the same code is used.
RESOURCES: tuple[Resource, ...] = (
    # folium.Map -------------------------------------------------------------------
    Resource("leaflet", "js", (f"{_JSD}/npm/leaflet@1.9.3/dist/leaflet.js",),
             "leaflet", "dist/leaflet.js", _MAP),
    Resource("jquery", "js", ("https://code.jquery.com/jquery-3.7.1.min.js",),
             "jquery", "dist/jquery.min.js", _MAP),
    Resource("jquery3.7.1", "js", (f"{_CDNJS}/jquery/3.7.1/jquery.min.js",),
             "jquery", "dist/jquery.min.js",
             ("folium.plugins.TimestampedGeoJson", "folium.plugins.TimestampedWmsTileLayers")),
    Resource("bootstrap", "js", (f"{_JSD}/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js",),
             "bootstrap", "dist/js/bootstrap.bundle.min.js", _MAP),
    Resource("awesome_markers", "js",
             (f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js",),
             "drmonty-leaflet-awesome-markers", "js/leaflet.awesome-markers.js", _MAP),
    Resource("leaflet_css", "css", (f"{_JSD}/npm/leaflet@1.9.3/dist/leaflet.css",),
             "leaflet", "dist/leaflet.css", _MAP),
    Resource("bootstrap_css", "css", (f"{_JSD}/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css",),
             "bootstrap", "dist/css/bootstrap.min.css", _MAP),
    # Bootstrap 3.0.0's glyphicons-only stylesheet; folium.Icon's default prefix is
    # "glyphicon", so markers draw these glyphs. Same rules and fonts (Bootstrap 3.3.7).
    Resource("glyphicons_css", "css",
             ("https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css",),
             "@neos21/bootstrap3-glyphicons", "dist/css/bootstrap3-glyphicons.css", _MAP),
    Resource("awesome_markers_font_css", "css",
             (f"{_JSD}/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css",),
             "@fortawesome/fontawesome-free", "css/all.min.css", _MAP),
    Resource("awesome_markers_css", "css",
             (f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css",),
             "drmonty-leaflet-awesome-markers", "css/leaflet.awesome-markers.css", _MAP),
    Resource("awesome_rotate_css", "css",
             ((f"{_JSD}/gh/python-visualization/folium/folium/templates/"
              "leaflet.awesome.rotate.min.css"),),
             GENERATED, "leaflet.awesome.rotate.min.css", _MAP),
    # the atlas's own layer renderer (lukou_geo.map.render._AtlasLayers) -----------------
    Resource("mapbox_polyline", "js", (f"{_JSD}/npm/@mapbox/polyline@1.2.1/src/polyline.js",),
             "@mapbox/polyline", "src/polyline.js", ("lukou_geo.map.render._AtlasLayers",)),
    # plugins ----------------------------------------------------------------------
    Resource("leaflet.groupedlayercontrol.min.js", "js",
             (f"{_CDNJS}/leaflet-groupedlayercontrol/0.6.1/leaflet.groupedlayercontrol.min.js",),
             "leaflet-groupedlayercontrol", "dist/leaflet.groupedlayercontrol.min.js",
             ("folium.plugins.GroupedLayerControl",)),
    Resource("leaflet.groupedlayercontrol.min.css", "css",
             (f"{_CDNJS}/leaflet-groupedlayercontrol/0.6.1/leaflet.groupedlayercontrol.min.css",),
             "leaflet-groupedlayercontrol", "dist/leaflet.groupedlayercontrol.min.css",
             ("folium.plugins.GroupedLayerControl",)),
    Resource("Control.Fullscreen.js", "js",
             (f"{_JSD}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js",),
             "leaflet.fullscreen", "Control.FullScreen.js", ("folium.plugins.Fullscreen",)),
    Resource("Control.FullScreen.css", "css",
             (f"{_JSD}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css",),
             "leaflet.fullscreen", "Control.FullScreen.css", ("folium.plugins.Fullscreen",)),
    Resource("Control_MiniMap_js", "js", (f"{_CDNJS}/leaflet-minimap/3.6.1/Control.MiniMap.js",),
             "leaflet-minimap", "src/Control.MiniMap.js", ("folium.plugins.MiniMap",)),
    Resource("Control_MiniMap_css", "css",
             (f"{_CDNJS}/leaflet-minimap/3.6.1/Control.MiniMap.css",),
             "leaflet-minimap", "src/Control.MiniMap.css", ("folium.plugins.MiniMap",)),
    # folium loads Ardhi Lukianto's plugin from its GitHub master; leaflet-mouse-position
    # 1.2.0 is the npm wrapper of the same code (identical apart from one onRemove fix).
    Resource("Control_MousePosition_js", "js",
             (f"{_JSD}/gh/ardhi/Leaflet.MousePosition/src/L.Control.MousePosition.min.js",),
             "leaflet-mouse-position", "src/L.Control.MousePosition.js",
             ("folium.plugins.MousePosition",)),
    Resource("Control_MousePosition_css", "css",
             (f"{_JSD}/gh/ardhi/Leaflet.MousePosition/src/L.Control.MousePosition.min.css",),
             "leaflet-mouse-position", "src/L.Control.MousePosition.css",
             ("folium.plugins.MousePosition",)),
    Resource("Control_locate_min_js", "js",
             (f"{_CDNJS}/leaflet-locatecontrol/0.66.2/L.Control.Locate.min.js",),
             "leaflet.locatecontrol", "dist/L.Control.Locate.min.js",
             ("folium.plugins.LocateControl",)),
    Resource("Control_locate_min_css", "css",
             (f"{_CDNJS}/leaflet-locatecontrol/0.66.2/L.Control.Locate.min.css",),
             "leaflet.locatecontrol", "dist/L.Control.Locate.min.css",
             ("folium.plugins.LocateControl",)),
    Resource("Leaflet.Search.js", "js",
             (f"{_JSD}/npm/leaflet-search@2.9.7/dist/leaflet-search.min.js",),
             "leaflet-search", "dist/leaflet-search.min.js", ("folium.plugins.Search",)),
    Resource("Leaflet.Search.css", "css",
             (f"{_JSD}/npm/leaflet-search@2.9.7/dist/leaflet-search.min.css",),
             "leaflet-search", "dist/leaflet-search.min.css", ("folium.plugins.Search",)),
    Resource("markerclusterjs", "js",
             (f"{_CDNJS}/leaflet.markercluster/1.1.0/leaflet.markercluster.js",),
             "leaflet.markercluster", "dist/leaflet.markercluster.js",
             ("folium.plugins.MarkerCluster", "folium.plugins.FastMarkerCluster")),
    Resource("markerclustercss", "css",
             (f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.css",),
             "leaflet.markercluster", "dist/MarkerCluster.css",
             ("folium.plugins.MarkerCluster", "folium.plugins.FastMarkerCluster")),
    Resource("markerclusterdefaultcss", "css",
             (f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.Default.css",),
             "leaflet.markercluster", "dist/MarkerCluster.Default.css",
             ("folium.plugins.MarkerCluster", "folium.plugins.FastMarkerCluster")),
    # site check (issue 4): drawing a point, line or polygon on the map
    Resource("leaflet_draw_js", "js", (f"{_CDNJS}/leaflet.draw/1.0.2/leaflet.draw.js",),
             "leaflet-draw", "dist/leaflet.draw.js", ("folium.plugins.Draw",)),
    Resource("leaflet_draw_css", "css", (f"{_CDNJS}/leaflet.draw/1.0.2/leaflet.draw.css",),
             "leaflet-draw", "dist/leaflet.draw.css", ("folium.plugins.Draw",)),
    # meeting mode (issue 5): measure control and the synced side-by-side compare map
    Resource("leaflet_measure_js", "js",
             (f"{_JSD}/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js",),
             "leaflet-measure", "dist/leaflet-measure.min.js", ("folium.plugins.MeasureControl",)),
    Resource("leaflet_measure_css", "css",
             (f"{_JSD}/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css",),
             "leaflet-measure", "dist/leaflet-measure.css", ("folium.plugins.MeasureControl",)),
    # folium loads Leaflet.Sync from its GitHub master; npm leaflet.sync 0.2.4 is that code.
    Resource("Leaflet.Sync", "js", (f"{_JSD}/gh/jieter/Leaflet.Sync/L.Map.Sync.min.js",),
             "leaflet.sync", "L.Map.Sync.js", ("folium.plugins.DualMap",)),
    # the planner's own layers (issue 7): vector tiles, swipe, cursor coordinates in CGCS2000 GK
    Resource("leaflet_vectorgrid", "js",
             (f"{_JSD}/npm/leaflet.vectorgrid@1.3.0/dist/Leaflet.VectorGrid.bundled.js",),
             "leaflet.vectorgrid", "dist/Leaflet.VectorGrid.bundled.js", (_VT,)),
    Resource("leaflet_side_by_side", "js", (f"{_JSD}/npm/leaflet-side-by-side@2.2.0/index.js",),
             "leaflet-side-by-side", "leaflet-side-by-side.js", (_VT,)),
    Resource("leaflet_side_by_side_layout_css", "css", (f"{_JSD}/npm/leaflet-side-by-side@2.2.0/layout.css",),
             "leaflet-side-by-side", "layout.css", (_VT,)),
    Resource("leaflet_side_by_side_range_css", "css", (f"{_JSD}/npm/leaflet-side-by-side@2.2.0/range.css",),
             "leaflet-side-by-side", "range.css", (_VT,)),
    Resource("proj4", "js", (f"{_JSD}/npm/proj4@2.22.0/dist/proj4.js",),
             "proj4", "dist/proj4.js", (_VT,)),
)


def _browser_shim(source: str) -> str:
    """A CommonJS file of the npm package as a browser script (what its browserify build would do).

    leaflet-side-by-side 2.2.0 ships only ``index.js``, which ``require``s Leaflet (``global:L``
    in its browserify-shim settings) and its two stylesheets (loaded here as stylesheets of their
    own). The code is kept byte for byte inside a function that supplies ``require`` and ``module``.
    """
    return (
        "/* Generated by tools/vendor_assets.py from the npm package's index.js (unchanged below):\n"
        " * require('leaflet') is window.L, the two CSS files are loaded as stylesheets. */\n"
        "(function () {\nvar module = {exports: {}}, exports = module.exports;\n"
        "function require(name) { return name === 'leaflet' ? window.L : undefined; }\n"
        + source + "\n})();\n"
    )


#: Files written from a file of their package: {(package, written path): (source path, transform)}.
DERIVED: dict[tuple[str, str], tuple[str, Callable[[str], str]]] = {
    ("leaflet-side-by-side", "leaflet-side-by-side.js"): ("index.js", _browser_shim),
}

#: Files a package loads at run time by path (not through a CSS ``url()``), per package.
#: Leaflet's ``L.Icon.Default`` derives its folder from ``leaflet.css`` and then loads
#: the retina icon and the shadow from there.
EXTRA_FILES: dict[str, tuple[str, ...]] = {
    "leaflet": ("dist/images/marker-icon-2x.png", "dist/images/marker-shadow.png"),
}

#: Licence file(s) of each package, relative to the package folder. ``None``: the
#: package ships none, and a notice is written from its package.json (see
#: :data:`LICENCE_NOTES`).
LICENCE_FILES: dict[str, str | None] = {
    "leaflet": "LICENSE",
    "@mapbox/polyline": "LICENSE",
    "jquery": "LICENSE.txt",
    "bootstrap": "LICENSE",
    "@fortawesome/fontawesome-free": "LICENSE.txt",
    "@neos21/bootstrap3-glyphicons": "LICENSE",
    "drmonty-leaflet-awesome-markers": None,
    "leaflet-groupedlayercontrol": "LICENSE.txt",
    "leaflet.fullscreen": "LICENSE",
    "leaflet-minimap": "LICENSE.txt",
    "leaflet-mouse-position": "MIT-LICENCE.txt",
    "leaflet.locatecontrol": "LICENSE",
    "leaflet-search": "license.txt",
    "leaflet.markercluster": "MIT-LICENCE.txt",
    "leaflet-draw": None,
    "leaflet-measure": "LICENSE",
    "leaflet.sync": "LICENSE",
    "leaflet.vectorgrid": None,
    "leaflet-side-by-side": "LICENSE",
    "proj4": "LICENSE.md",
}

#: the MIT licence's terms, under each package's own header and copyright line
_MIT_TERMS = """\
Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
"""

LICENCE_NOTES: dict[str, str] = {
    "leaflet.vectorgrid": """\
Leaflet.VectorGrid 1.3.0 (npm: leaflet.vectorgrid 1.3.0)

The npm package ships no licence file. Its package.json declares "license": "Beerware"
and its README.md ends with the licence below. dist/Leaflet.VectorGrid.bundled.js also
contains, as its README says, pbf (BSD-3-Clause), vector-tile (BSD-3-Clause), geojson-vt
(ISC) and topojson (BSD-3-Clause), each by Mapbox / Mike Bostock.
This notice was written by tools/vendor_assets.py from those facts.

"THE BEER-WARE LICENSE":
<ivan@sanchezortega.es> wrote this file. As long as you retain this notice you
can do whatever you want with this stuff. If we meet some day, and you think
this stuff is worth it, you can buy me a beer in return.
""",
    "leaflet-draw": """\
Leaflet.draw 1.0.2 (npm: leaflet-draw 1.0.2)

The npm package ships no licence file. Its package.json declares "license": "MIT"
and dist/leaflet.draw-src.js opens with
"(c) 2012-2017, Jacob Toye, Jon West, Smartrak, Leaflet".
This notice was written by tools/vendor_assets.py from those two facts.

MIT License

Copyright (c) 2012-2017, Jacob Toye, Jon West, Smartrak, Leaflet

""" + _MIT_TERMS,
    "drmonty-leaflet-awesome-markers": """\
Leaflet.awesome-markers 2.0.2 (npm: drmonty-leaflet-awesome-markers 2.0.2)

The npm package ships no licence file. Its package.json declares
  "licenses": [{"type": "MIT",
                "url": "http://github.com/lvoogdt/Leaflet.awesome-markers/blob/2.0/develop/LICENSE"}]
and js/leaflet.awesome-markers.js opens with "(c) 2012-2013, Lennard Voogdt".
This notice was written by tools/vendor_assets.py from those two facts.

MIT License

Copyright (c) 2012-2013 Lennard Voogdt

""" + _MIT_TERMS,
}

_CSS_URL = re.compile(
    r"""url\(\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<uq>[^)"'\s]*))\s*\)""", re.IGNORECASE
)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'");\s]+)""", re.IGNORECASE)
_SOURCE_MAP = re.compile(r"[#@]\s*sourceMappingURL=([^\s*'\"]+)")


def rotate_css() -> str:
    """Return folium's ``leaflet.awesome.rotate.min.css``, generated.

    The folium 0.20.0 wheel does not ship this file (folium loads it from its GitHub
    repository through jsDelivr). Its content is one rule per whole degree, so it is
    generated here rather than fetched.

    Returns
    -------
    str
        The stylesheet text.
    """
    head = (
        "/* leaflet.awesome.rotate.min.css for folium 0.20.0 (folium.Icon(angle=N) adds\n"
        " * the class fa-rotate-N). Generated by tools/vendor_assets.py: the folium wheel\n"
        " * does not ship this file, and its rules are one rotation per degree, 1..360,\n"
        " * the same as folium's folium/templates/leaflet.awesome.rotate.css (MIT). */\n"
    )
    rules = "".join(
        f".fa-rotate-{n}{{-ms-transform:rotate({n}deg);-webkit-transform:rotate({n}deg);"
        f"transform:rotate({n}deg)}}\n"
        for n in range(1, 361)
    )
    return head + rules


def _fail_npm(what: str) -> VendorError:
    return VendorError(
        f"{what}\nFix: run `npm ci` in {REPO_ROOT} (installs the versions pinned in "
        "package-lock.json), then run this script again."
    )


def _pinned_versions(repo: Path) -> dict[str, str]:
    manifest = repo / "package.json"
    if not manifest.is_file():
        raise VendorError(f"{manifest} not found: it pins the vendored npm packages.")
    deps: dict[str, str] = json.loads(manifest.read_text(encoding="utf-8"))["dependencies"]
    return deps


def _package_info(node_modules: Path, package: str, pinned: dict[str, str]) -> dict[str, str]:
    pkg_json = node_modules / package / "package.json"
    if not node_modules.is_dir():
        raise _fail_npm(f"{node_modules} does not exist (needed for npm package {package!r}).")
    if not pkg_json.is_file():
        raise _fail_npm(f"npm package {package!r} is missing: {pkg_json} not found.")
    meta = json.loads(pkg_json.read_text(encoding="utf-8"))
    version = meta["version"]
    want = pinned.get(package)
    if want is None:
        raise VendorError(f"npm package {package!r} is not pinned in package.json: add it.")
    if version != want:
        raise _fail_npm(
            f"npm package {package!r} in node_modules is {version}, package.json pins {want}."
        )
    licence = meta.get("license")
    if licence is None and meta.get("licenses"):
        licence = " OR ".join(item["type"] for item in meta["licenses"])
    return {"version": version, "license": licence or "see licence file"}


def _referenced_files(text: str, kind: str) -> list[str]:
    """Relative files a JS/CSS file refers to: CSS ``url()``/``@import`` and source maps."""
    refs: list[str] = []
    if kind == "css":
        refs += [m["dq"] or m["sq"] or m["uq"] or "" for m in _CSS_URL.finditer(text)]
        refs += _CSS_IMPORT.findall(text)
    refs += _SOURCE_MAP.findall(text)
    out = []
    for ref in refs:
        ref = ref.strip()
        if not ref or ref.startswith(("data:", "#")):
            continue
        if re.match(r"^[a-z][a-z0-9+.-]*:|^//", ref, re.IGNORECASE):
            raise VendorError(f"a vendored file refers to an external URL {ref!r}")
        out.append(re.split(r"[?#]", ref, maxsplit=1)[0])
    return out


def _copy_package_file(src_root: Path, dest_root: Path, rel: str, copied: set[str],
                       missing_ok: bool = False) -> None:
    """Copy ``rel`` (and, recursively, what it references) from src_root to dest_root."""
    rel = posixpath.normpath(rel)
    if rel in copied:
        return
    if rel.startswith("../"):
        raise VendorError(f"{src_root}/{rel} lies outside its package")
    src = src_root / rel
    if not src.is_file():
        if missing_ok:
            return
        raise _fail_npm(f"file {src} not found.")
    dest = dest_root / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    copied.add(rel)
    suffix = src.suffix.lower()
    if suffix in (".css", ".js"):
        text = src.read_text(encoding="utf-8", errors="replace")
        for ref in _referenced_files(text, suffix[1:]):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), ref))
            # source maps are a convenience for developer tools: copy if present
            _copy_package_file(src_root, dest_root, target, copied,
                               missing_ok=ref.endswith(".map"))


def _folium_licence() -> str:
    dist = importlib.metadata.distribution("folium")
    if dist.version != FOLIUM_VERSION:
        raise VendorError(
            f"folium {dist.version} is installed, this table is for {FOLIUM_VERSION}: "
            "check every element's default_js/default_css and update RESOURCES."
        )
    for f in dist.files or ():
        if PurePosixPath(str(f)).name.upper().startswith("LICENSE"):
            return Path(str(dist.locate_file(f))).read_text(encoding="utf-8")
    raise VendorError("the installed folium distribution has no LICENSE file")


def build(node_modules: Path, out: Path, repo: Path = REPO_ROOT) -> dict[str, object]:
    """Vendor every file of :data:`RESOURCES` into ``out`` and return the manifest.

    Parameters
    ----------
    node_modules : Path
        The ``node_modules`` folder made by ``npm ci``.
    out : Path
        The vendor folder (``static/vendor``); replaced as a whole.
    repo : Path
        The repository root (holds ``package.json``).

    Returns
    -------
    dict
        The manifest that was written to ``out / "manifest.json"``.

    Raises
    ------
    VendorError
        A package is missing or at another version than pinned, or a file is missing.
    """
    pinned = _pinned_versions(repo)
    packages = sorted({r.package for r in RESOURCES} - {GENERATED})
    infos = {p: _package_info(node_modules, p, pinned) for p in packages}

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".vendor-", dir=out.parent))
    try:
        copied: dict[str, set[str]] = {p: set() for p in packages}
        for res in RESOURCES:
            if res.package == GENERATED:
                continue
            derived = DERIVED.get((res.package, res.file))
            if derived is not None:
                src = node_modules / res.package / derived[0]
                if not src.is_file():
                    raise _fail_npm(f"file {src} not found.")
                dest = tmp / res.package / res.file
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_text(derived[1](src.read_text(encoding="utf-8")), encoding="utf-8")
                copied[res.package].add(res.file)
                continue
            _copy_package_file(node_modules / res.package, tmp / res.package, res.file,
                               copied[res.package])
        for package, extras in EXTRA_FILES.items():
            for rel in extras:
                _copy_package_file(node_modules / package, tmp / package, rel, copied[package])
        pkg_entries: dict[str, dict[str, object]] = {}
        for p in packages:
            licence_rel = LICENCE_FILES[p]
            if licence_rel is None:
                (tmp / p / "LICENSE.txt").write_text(LICENCE_NOTES[p], encoding="utf-8")
                licence_rel = "LICENSE.txt"
            else:
                _copy_package_file(node_modules / p, tmp / p, licence_rel, copied[p])
            pkg_entries[p] = {
                **infos[p],
                "license_file": f"{p}/{licence_rel}",
                "files": sorted(f"{p}/{f}" for f in copied[p] | {licence_rel}),
            }
        # generated file (folium)
        gen = tmp / GENERATED
        gen.mkdir(parents=True, exist_ok=True)
        (gen / "leaflet.awesome.rotate.min.css").write_text(rotate_css(), encoding="utf-8")
        (gen / "LICENSE.txt").write_text(_folium_licence(), encoding="utf-8")
        pkg_entries[GENERATED] = {
            "version": FOLIUM_VERSION,
            "license": "MIT",
            "license_file": f"{GENERATED}/LICENSE.txt",
            "files": [f"{GENERATED}/LICENSE.txt", f"{GENERATED}/leaflet.awesome.rotate.min.css"],
        }

        manifest = _manifest(pkg_entries)
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return manifest


def _manifest(pkg_entries: dict[str, dict[str, object]]) -> dict[str, object]:
    resources = []
    by_url: dict[str, str] = {}
    by_name: dict[str, str] = {}
    by_basename: dict[str, str] = {}
    for res in RESOURCES:
        path = f"{res.package}/{res.file}"
        for url in res.cdn_urls:
            basename = url.rsplit("/", 1)[-1]
            resources.append({
                "name": res.name, "kind": res.kind, "cdn_url": url, "cdn_basename": basename,
                "path": path, "package": res.package,
                "version": pkg_entries[res.package]["version"], "elements": list(res.elements),
            })
            for table, key in ((by_url, url), (by_name, res.name), (by_basename, basename)):
                if table.get(key, path) != path:
                    raise VendorError(f"{key!r} maps to both {table[key]} and {path}")
                table[key] = path
    return {
        "about": "Local copies of the CDN files folium elements load; written by "
                 "tools/vendor_assets.py. Paths are relative to this folder.",
        "folium_version": FOLIUM_VERSION,
        "resources": resources,
        "by_url": by_url,
        "by_name": by_name,
        "by_basename": by_basename,
        "packages": pkg_entries,
    }


def write_vendored_md(manifest: dict[str, object], path: Path) -> None:
    """Write the markdown table of vendored packages (name, version, licence).

    Parameters
    ----------
    manifest : dict
        The manifest returned by :func:`build`.
    path : Path
        Where to write (``static/VENDORED.md``).
    """
    packages: dict[str, dict[str, object]] = manifest["packages"]  # type: ignore[assignment]
    resources: list[dict[str, object]] = manifest["resources"]  # type: ignore[assignment]
    used_by: dict[str, set[str]] = {}
    for r in resources:
        used_by.setdefault(str(r["package"]), set()).update(r["elements"])  # type: ignore[arg-type]
    lines = [
        "# Vendored front-end files",
        "",
        ("Served from `static/vendor/` (gitignored; rebuild with `npm ci && "
        "python tools/vendor_assets.py`) so that folium maps need no CDN. "
        "Written by `tools/vendor_assets.py`; do not edit by hand."),
        "",
        "| package | version | licence | licence file | used by |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name in sorted(packages):
        info = packages[name]
        shown = "folium (generated `leaflet.awesome.rotate.min.css`)" if name == GENERATED else name
        lines.append(
            f"| {shown} | {info['version']} | {info['license']} | "
            f"`static/vendor/{info['license_file']}` | {', '.join(sorted(used_by[name]))} |"
        )
    lines += [
        "",
        "Notes:",
        ("- `drmonty-leaflet-awesome-markers` ships no licence file; its package.json declares "
        "MIT and the vendored `LICENSE.txt` is a notice written from that declaration."),
        ("- `@neos21/bootstrap3-glyphicons` stands in for Bootstrap 3.0.0's "
        "`bootstrap-glyphicons.css` (same glyphicon rules and fonts, from Bootstrap 3.3.7): "
        "`folium.Icon`'s default prefix is `glyphicon`."),
        ("- `leaflet-mouse-position` 1.2.0 is the npm wrapper of Ardhi Lukianto's "
        "Leaflet.MousePosition, which folium loads from GitHub master."),
        ("- `@popperjs/core` is installed by npm as bootstrap's peer dependency but not "
        "vendored: `bootstrap.bundle.min.js` already contains Popper."),
        ("- `leaflet.vectorgrid` ships no licence file: its package.json says Beerware and its README "
        "holds the licence text; the vendored `LICENSE.txt` is a notice written from those, naming the "
        "libraries the bundled file contains (pbf, vector-tile, geojson-vt, topojson)."),
        ("- `leaflet-side-by-side` 2.2.0 ships only CommonJS `index.js`: `leaflet-side-by-side.js` is that "
        "file unchanged inside a wrapper that gives it `window.L` (what its browserify-shim build does). "
        "package.json overrides its build-only dependency `esprima-fb` (3001.1.0-dev-harmony-fb, pulled "
        "through browserify-shim, is no longer on the npm registry) with 15001.1001.0-dev-harmony-fb; "
        "nothing of it is vendored."),
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def npm_ci(repo: Path = REPO_ROOT) -> None:
    """Run ``npm ci`` in ``repo`` (installs exactly what package-lock.json pins).

    Raises
    ------
    VendorError
        npm is not installed or ``npm ci`` failed.
    """
    npm = shutil.which("npm")
    if npm is None:
        # no Node.js here: fetch the pinned tarballs from the registry with Python instead
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from npm_fetch import FetchError, fetch_all

        try:
            fetched = fetch_all(repo)
        except FetchError as exc:
            raise VendorError(f"npm not found and the fallback download failed: {exc}. Install Node.js "
                              "and npm (Debian: `apt-get install -y nodejs npm`) and run this script again.") from exc
        print(f"npm not found: fetched {len(fetched)} pinned packages from the registry")
        return
    done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=repo, check=False)
    if done.returncode != 0:
        raise VendorError(f"`npm ci` in {repo} failed (exit status {done.returncode}).")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--node-modules", type=Path, default=REPO_ROOT / "node_modules")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "static" / "vendor")
    parser.add_argument("--doc", type=Path, default=REPO_ROOT / "static" / "VENDORED.md",
                        help="where to write the markdown table of vendored packages")
    parser.add_argument("--install", action="store_true",
                        help="run `npm ci` in the repository root first")
    args = parser.parse_args(argv)
    try:
        if args.install:
            npm_ci()
        manifest = build(args.node_modules, args.out)
    except VendorError as exc:
        print(f"vendor_assets: {exc}", file=sys.stderr)
        return 1
    write_vendored_md(manifest, args.doc)
    n_files = sum(len(p["files"]) for p in manifest["packages"].values())  # type: ignore[union-attr]
    print(f"vendored {len(manifest['packages'])} packages, {n_files} files "  # type: ignore[arg-type]
          f"into {args.out}; manifest: {args.out / 'manifest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
