"""Serve folium's JavaScript/CSS from local copies (offline first).

folium elements name the files they need as CDN URLs in ``default_js`` and
``default_css`` (lists of ``(name, url)`` tuples, shared class attributes);
streamlit-folium injects each of those URLs into its iframe. With no network the map
stays blank. ``tools/vendor_assets.py`` copies the same files from npm into
``static/vendor/`` and writes ``static/vendor/manifest.json``; this module uses that
manifest to

* :func:`localize` a folium tree: point every element's resources at the local copy
  (for the Streamlit app, ``base_url=LOCAL_BASE_APP``), idempotently;
* :func:`render_standalone` / :func:`inline_html`: produce one self-contained HTML
  file with every vendored script and stylesheet inlined (exports, benchmarks,
  opened from ``file://``);
* :func:`find_external_urls`: list the outside URLs an HTML page would load.

Pure: imports no Streamlit. The vendor folder is ``static/vendor`` in the repository,
or ``$LUKOU_VENDOR_DIR`` (read at call time).
"""

from __future__ import annotations

import base64
import json
import mimetypes
import os
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lukou_geo.errors import AssetError

__all__ = [
    "LOCAL_BASE_APP",
    "AssetError",
    "Manifest",
    "find_external_urls",
    "inline_html",
    "load_manifest",
    "localize",
    "render_standalone",
    "vendor_dir",
]

#: Where Streamlit serves ``static/vendor/`` when started with
#: ``--server.enableStaticServing true`` (the folder ``static/`` next to the entry
#: script is served at ``/app/static/``).
LOCAL_BASE_APP = "/app/static/vendor/"

_REPO_ROOT = Path(__file__).resolve().parents[2]
_FIX = "run `npm ci && python tools/vendor_assets.py` in the repository root"
_LOOPBACK_HOSTS = {"localhost", "::1", "[::1]"}


@dataclass(frozen=True)
class Manifest:
    """The vendored files, as read from ``static/vendor/manifest.json``.

    Attributes
    ----------
    vendor_dir : Path
        Folder that holds the vendored files and the manifest.
    by_url : Mapping[str, str]
        CDN URL used by folium -> path of the local copy, relative to ``vendor_dir``.
    paths : frozenset of str
        Every vendored path that a CDN URL maps to.
    """

    vendor_dir: Path
    by_url: Mapping[str, str]
    paths: frozenset[str]


def vendor_dir() -> Path:
    """Return the vendor folder: ``$LUKOU_VENDOR_DIR`` or ``<repo>/static/vendor``.

    Returns
    -------
    Path
        The folder (it may not exist yet).
    """
    env = os.environ.get("LUKOU_VENDOR_DIR")
    return Path(env) if env else _REPO_ROOT / "static" / "vendor"


def load_manifest(vendor: Path | None = None) -> Manifest:
    """Read the manifest written by ``tools/vendor_assets.py``.

    Parameters
    ----------
    vendor : Path, optional
        The vendor folder; default :func:`vendor_dir`.

    Returns
    -------
    Manifest

    Raises
    ------
    AssetError
        The manifest is missing or unreadable.
    """
    folder = Path(vendor) if vendor is not None else vendor_dir()
    path = folder / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AssetError(
            f"{path} not found: the front-end files are not vendored yet; {_FIX}."
        ) from None
    except (OSError, ValueError) as exc:
        raise AssetError(f"{path} cannot be read ({exc}); {_FIX}.") from exc
    by_url = dict(data["by_url"])
    return Manifest(vendor_dir=folder, by_url=by_url, paths=frozenset(by_url.values()))


# --------------------------------------------------------------------------- localize

# Elements that add CDN links while rendering (not through default_js/default_css), so
# their URLs cannot be rewritten. streamlit-folium also injects two d3 URLs of its own
# for every branca ColorMap in the tree.
_UNLOCALIZABLE = {
    "branca.colormap.ColorMap": "adds d3 from a CDN when rendered, and streamlit-folium "
    "injects d3 v3 and v4 from CDNs for it; draw the legend in the app instead "
    "(folium.Choropleth adds one unless its legend is turned off)",
    "folium.features.VegaLite": "adds vega, vega-lite and vega-embed from CDNs when rendered",
}


def _class_path(obj: object) -> str:
    cls = type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def _walk(element: Any) -> Iterator[Any]:
    """Yield ``element`` and all its descendants (children, DualMap's two maps)."""
    stack = [element]
    seen: set[int] = set()
    while stack:
        el = stack.pop()
        if id(el) in seen:
            continue
        seen.add(id(el))
        yield el
        children = getattr(el, "_children", None)
        if children:
            stack.extend(reversed(list(children.values())))
        for attr in ("m1", "m2"):  # folium.plugins.DualMap
            sub = getattr(el, attr, None)
            if sub is not None and hasattr(sub, "_children"):
                stack.append(sub)


def _check_unlocalizable(element: Any) -> None:
    for el in _walk(element):
        for cls in type(el).__mro__:
            kind = f"{cls.__module__}.{cls.__qualname__}"
            reason = _UNLOCALIZABLE.get(kind)
            if reason:
                raise AssetError(
                    f"{_class_path(el)} (a {kind}) cannot be served offline: it {reason}. "
                    "Remove it from the map."
                )


def _is_loopback(host: str) -> bool:
    host = host.lower()
    return host in _LOOPBACK_HOSTS or host.startswith("127.")


def _is_external(url: str) -> bool:
    """True for a URL that leaves the machine: http(s)/ws(s)/ftp or ``//host``, not loopback."""
    u = url.strip()
    if u.startswith("//"):
        u = "http:" + u
    parts = urlsplit(u)
    if parts.scheme.lower() not in {"http", "https", "ws", "wss", "ftp"}:
        return False
    return not _is_loopback(parts.hostname or "")


def _vendored_path(url: str, manifest: Manifest) -> str | None:
    """Vendored path a local URL already points to (any base), else None."""
    clean = re.split(r"[?#]", url, maxsplit=1)[0]
    for path in manifest.paths:
        if clean == path or clean.endswith("/" + path):
            return path
    return None


def _localize_url(url: str, base_url: str, manifest: Manifest, owner: str, name: str) -> str:
    path = manifest.by_url.get(url)
    if path is not None:
        return base_url + path
    if url.startswith(base_url) and url[len(base_url):] in manifest.paths:
        return url
    if not _is_external(url):
        local = _vendored_path(url, manifest)
        return base_url + local if local is not None else url
    raise AssetError(
        f"{owner} loads {name!r} from {url}, which has no vendored copy. Add it to "
        "RESOURCES in tools/vendor_assets.py (and its npm package to package.json), "
        f"then {_FIX}; or do not use {owner}."
    )


def localize(element: Any, base_url: str, *, vendor: Path | None = None) -> None:
    """Point every folium element's JS/CSS at the vendored copies, in place.

    Walks ``element`` (a folium Figure, Map or any element) and all its descendants,
    and for each one that has ``default_js``/``default_css`` sets *instance*
    attributes holding new lists in which each CDN URL is replaced by
    ``base_url + <vendored path>``. The class lists, shared by every instance and
    kept across Streamlit reruns, are never mutated.

    Idempotent: a URL that already points at a vendored path (under this or any other
    base) is mapped to ``base_url + path`` again, so calling it twice, or on a map
    localized with another base, gives the same lists; no entry is ever dropped.
    Local URLs that are not vendored files are left as they are.

    Parameters
    ----------
    element : branca.element.Element
        The root of the tree to rewrite (usually the ``folium.Map``).
    base_url : str
        Prefix of the vendor folder as the browser sees it, e.g. :data:`LOCAL_BASE_APP`
        in the Streamlit app or ``"/static/vendor/"``; a trailing ``/`` is added if
        missing.
    vendor : Path, optional
        The vendor folder; default :func:`vendor_dir`.

    Raises
    ------
    AssetError
        An element loads a non-local URL that has no vendored copy (the message names
        the element class and the URL), an element adds CDN links at render time
        (branca ColorMap, VegaLite), or the vendor manifest is missing.
    """
    if not base_url.endswith("/"):
        base_url += "/"
    manifest = load_manifest(vendor)
    _check_unlocalizable(element)
    for el in _walk(element):
        for attr in ("default_js", "default_css"):
            entries = getattr(el, attr, None)
            if not entries:
                continue
            owner = _class_path(el)
            setattr(el, attr, [
                (name, _localize_url(url, base_url, manifest, owner, name))
                for name, url in entries
            ])


# ------------------------------------------------------------------------ standalone

_CSS_URL = re.compile(
    r"""url\(\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<uq>[^)"'\s]*))\s*\)""", re.IGNORECASE
)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?["']?(?P<url>[^"')\s;]+)""", re.IGNORECASE)
_SOURCE_MAP_LINE = re.compile(r"^[ \t]*//[#@]\s*sourceMappingURL=\S*[ \t]*$", re.MULTILINE)
_SOURCE_MAP_BLOCK = re.compile(r"/\*[#@]\s*sourceMappingURL=[^*]*\*/")
_FONT_FACE = re.compile(r"@font-face\s*\{(?P<body>[^{}]*)\}", re.IGNORECASE)
_TAGS = re.compile(
    r"(?P<comment><!--.*?-->)"
    r"|(?P<script><script\b(?P<sattrs>[^>]*)>(?P<sbody>.*?)</script\s*>)"
    r"|(?P<style><style\b(?P<stattrs>[^>]*)>(?P<stbody>.*?)</style\s*>)"
    r"|(?P<tag><[a-zA-Z][\w:-]*\b[^>]*>)",
    re.IGNORECASE | re.DOTALL,
)
_ATTR = re.compile(
    r"""(?P<key>[^\s"'<>/=]+)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<uq>[^\s"'=<>`]+)))?""",
    re.DOTALL,
)


def _attrs(tag: str) -> dict[str, str]:
    """Attributes of an opening tag (lower-cased keys; entities left as they are)."""
    inner = re.sub(r"^<[\w:-]+", "", tag).rstrip(">").rstrip("/")
    return {
        m["key"].lower(): (m["dq"] if m["dq"] is not None else m["sq"] or m["uq"] or "")
        for m in _ATTR.finditer(inner)
    }


def _css_url_value(m: re.Match[str]) -> str:
    return m["dq"] if m["dq"] is not None else (m["sq"] if m["sq"] is not None else m["uq"])


def _resolve(url: str, manifest: Manifest) -> str | None:
    """Vendored path of a script/stylesheet URL (CDN URL or local vendored URL)."""
    path = manifest.by_url.get(url)
    if path is not None:
        return path
    if not _is_external(url):
        return _vendored_path(url, manifest)
    return None


def _data_uri(file: Path) -> str:
    mime = mimetypes.guess_type(file.name)[0]
    if mime is None:
        mime = {".woff2": "font/woff2", ".woff": "font/woff"}.get(
            file.suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64,{base64.b64encode(file.read_bytes()).decode('ascii')}"


def _split_top_level(value: str) -> list[str]:
    """Split a CSS value on commas outside parentheses and quotes."""
    out, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(value):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(value[start:i])
            start = i + 1
    out.append(value[start:])
    return out


def _woff2_only(css: str, embed_fonts: bool) -> str:
    """Keep only the woff2 sources of each @font-face (or drop them all).

    A face whose woff2 files were all kept by an earlier face of the same stylesheet
    is dropped, so that no font is embedded twice: Font Awesome 6 declares each font
    file again for its Font Awesome 5 and v4 ("FontAwesome") compatibility families,
    which nothing in the folium stack names.
    """
    kept_files: set[str] = set()

    def fix(m: re.Match[str]) -> str:
        if not embed_fonts:
            return ""
        decls, files = [], set()
        for decl in m["body"].split(";"):
            key, _, value = decl.partition(":")
            if key.strip().lower() != "src":
                decls.append(decl)
                continue
            keep = []
            for item in _split_top_level(value):
                urls = [re.split(r"[?#]", _css_url_value(u), maxsplit=1)[0]
                        for u in _CSS_URL.finditer(item)]
                woff2 = [u for u in urls if u.lower().endswith(".woff2")]
                if woff2:
                    keep.append(item)
                    files.update(woff2)
            if keep:
                decls.append(f"{key}:{','.join(keep)}")
        if not files or files <= kept_files:
            return ""
        kept_files.update(files)
        return "@font-face{" + ";".join(decls) + "}"

    return _FONT_FACE.sub(fix, css)


def _inline_css(path: str, manifest: Manifest, embed_fonts: bool) -> str:
    file = manifest.vendor_dir / path
    css = file.read_text(encoding="utf-8")
    if _CSS_IMPORT.search(css):
        raise AssetError(f"{file} uses @import, which inline_html does not follow")
    css = _SOURCE_MAP_BLOCK.sub("", css)
    css = _woff2_only(css, embed_fonts)

    def embed(m: re.Match[str]) -> str:
        ref = _css_url_value(m).strip()
        if not ref or ref.startswith(("data:", "#")):
            return m.group(0)
        if _is_external(ref):
            raise AssetError(f"{file} refers to the external URL {ref}")
        rel = re.split(r"[?#]", ref, maxsplit=1)[0]
        frag = ref[len(rel):].partition("#")[2]
        target = manifest.vendor_dir / posixpath.normpath(
            posixpath.join(posixpath.dirname(path), rel))
        if not target.is_file():
            raise AssetError(f"{file} refers to {ref}, but {target} is missing; {_FIX}.")
        return 'url("' + _data_uri(target) + ("#" + frag if frag else "") + '")'

    css = _CSS_URL.sub(embed, css)
    if re.search(r"</style", css, re.IGNORECASE):
        raise AssetError(f"{file} contains '</style' and cannot be inlined")
    return css


def _inline_js(path: str, manifest: Manifest) -> str:
    file = manifest.vendor_dir / path
    js = _SOURCE_MAP_LINE.sub("", file.read_text(encoding="utf-8"))
    if "<!--" in js and re.search(r"<script", js, re.IGNORECASE):
        raise AssetError(f"{file} contains '<!--' and '<script' and cannot be inlined safely")
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)


def inline_html(html: str, *, vendor: Path | None = None, embed_fonts: bool = True) -> str:
    """Inline every vendored script and stylesheet of an HTML page.

    Each ``<script src=...>`` and ``<link rel="stylesheet" href=...>`` whose URL is a
    folium CDN URL known to the manifest, or a local URL of a vendored file (any
    base), is replaced by an inline ``<script>``/``<style>``. Images referenced by the
    stylesheets become ``data:`` URIs. Fonts: with ``embed_fonts`` each ``@font-face``
    keeps only its woff2 source, embedded as a ``data:`` URI (the ttf/woff/eot/svg
    fallbacks are dropped: every current browser reads woff2), and a face that would
    embed a font file a second time is dropped (Font Awesome's v4/v5 compatibility
    families); without it every ``@font-face`` is dropped (icons then draw as blanks).
    Source-map comments are removed.

    Other URLs (tile templates, image overlays, links) are left as they are: check the
    result with :func:`find_external_urls`.

    Parameters
    ----------
    html : str
        The page, e.g. ``folium.Map(...).get_root().render()``.
    vendor : Path, optional
        The vendor folder; default :func:`vendor_dir`.
    embed_fonts : bool
        Embed the woff2 icon fonts (about 400 kB) or drop them.

    Returns
    -------
    str
        The self-contained page.

    Raises
    ------
    AssetError
        A script or stylesheet is external and not vendored, or a vendored file is
        missing.
    """
    manifest = load_manifest(vendor)

    def replace(m: re.Match[str]) -> str:
        if m["script"]:
            attrs = _attrs("<script" + m["sattrs"] + ">")
            src = attrs.get("src")
            if src is None:
                return m.group(0)
            path = _resolve(src, manifest)
            if path is None:
                if _is_external(src):
                    raise AssetError(f"<script src={src!r}> has no vendored copy; {_FIX}.")
                return m.group(0)
            return "<script>" + _inline_js(path, manifest) + "</script>"
        if m["tag"] and m["tag"][:5].lower() == "<link":
            attrs = _attrs(m["tag"])
            href = attrs.get("href")
            if href is None or "stylesheet" not in attrs.get("rel", "").lower().split():
                return m.group(0)
            path = _resolve(href, manifest)
            if path is None:
                if _is_external(href):
                    raise AssetError(f"<link href={href!r}> has no vendored copy; {_FIX}.")
                return m.group(0)
            return "<style>" + _inline_css(path, manifest, embed_fonts) + "</style>"
        return m.group(0)

    return _TAGS.sub(replace, html)


def render_standalone(fig: Any, *, vendor: Path | None = None, embed_fonts: bool = True) -> str:
    """Render a folium Figure/Map as one self-contained HTML page.

    The page needs no server and no network for its scripts, styles, images and
    fonts (see :func:`inline_html` for fonts); tile layers still load their tiles from
    wherever their URL points. The element's ``default_js``/``default_css`` are not
    changed, so this can be called on a map that was localized for the app.

    Parameters
    ----------
    fig : branca.element.Element
        A folium Map or Figure (its root is rendered).
    vendor : Path, optional
        The vendor folder; default :func:`vendor_dir`.
    embed_fonts : bool
        See :func:`inline_html`.

    Returns
    -------
    str
        The HTML page.

    Raises
    ------
    AssetError
        Some element's assets have no vendored copy.
    """
    root = fig.get_root()
    _check_unlocalizable(root)
    return inline_html(root.render(), vendor=vendor, embed_fonts=embed_fonts)


# ------------------------------------------------------------------- external URLs

# attributes that make the browser fetch something, by tag ("*": any tag)
_LOADING_ATTRS: dict[str, tuple[str, ...]] = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
    "*": ("background",),
}
_URL = r"(?:https?:)?//[^\s\"'\\)<>]+"
# In inline scripts: the first string argument of the calls that load something.
_JS_TILE_CALL = re.compile(
    r"L\.tileLayer(?:\.wms)?\s*\(\s*(?P<q>[\"'])(?P<url>" + _URL + r")(?P=q)")
_JS_LOAD_CALL = re.compile(
    r"(?:L\.imageOverlay|L\.videoOverlay|\bfetch|\$\.ajax|\$\.getJSON|\$\.get|importScripts"
    r"|jQuery\.ajax|jQuery\.getJSON)\s*\(\s*(?P<q>[\"'])(?P<url>" + _URL + r")(?P=q)")
# ...option keys whose value is loaded (L.icon, $.ajax({url: ...})).
_JS_LOAD_KEY = re.compile(
    r"(?P<kq>[\"']?)\b(?:iconUrl|iconRetinaUrl|shadowUrl|shadowRetinaUrl|url)(?P=kq)\s*:\s*"
    r"(?P<q>[\"'])(?P<url>" + _URL + r")(?P=q)")
# ...HTML markup inside JS strings (popups, tooltips): src=/srcset=, possibly escaped.
_JS_MARKUP_SRC = re.compile(
    r"\b(?:src|srcset|poster)\s*=\s*\\?(?P<q>[\"'])(?P<url>" + _URL + r")\\?(?P=q)")
_CSS_IMPORT_ANY = re.compile(
    r"""@import\s+(?:url\(\s*)?["']?(?P<url>[^"')\s;]+)""", re.IGNORECASE)


def _css_urls(css: str) -> list[str]:
    urls = [_css_url_value(m) for m in _CSS_URL.finditer(css)]
    urls += [m["url"] for m in _CSS_IMPORT_ANY.finditer(css)]
    return [u.strip() for u in urls if u and not u.strip().startswith("data:")]


def _script_urls(m: re.Match[str], include_tiles: bool) -> list[str]:
    """The URLs a ``<script>`` loads: its ``src``, or the loading calls and keys in its body."""
    attrs = _attrs("<script" + m["sattrs"] + ">")
    if "src" in attrs:
        return [attrs["src"]]
    patterns = (_JS_LOAD_CALL, _JS_LOAD_KEY, _JS_MARKUP_SRC)
    if include_tiles:
        patterns = (_JS_TILE_CALL, *patterns)
    return [url for _, url in sorted((t.start("url"), t["url"]) for rx in patterns for t in rx.finditer(m["sbody"]))]


def _tag_urls(tag: str) -> list[str]:
    """The URLs a markup tag fetches: its loading attributes and the ``url()`` of its style."""
    name = re.match(r"<([\w:-]+)", tag)
    tag_name = name.group(1).lower() if name else ""
    attrs = _attrs(tag)
    out: list[str] = []
    for key in _LOADING_ATTRS.get(tag_name, ()) + _LOADING_ATTRS["*"]:
        value = attrs.get(key)
        if value and key == "srcset":
            out += [candidate.strip().split(" ")[0] for candidate in value.split(",")]
        elif value:
            out.append(value)
    if "style" in attrs:
        out += _css_urls(attrs["style"])
    return out


def find_external_urls(html: str, *, include_tiles: bool = True) -> list[str]:
    """List the http(s) URLs outside this machine that a page would load.

    The rule, designed so that URLs that are only *text* are not reported:

    * markup: the attributes that fetch (``script[src]``, ``link[href]``,
      ``img[src|srcset]``, ``iframe[src]``, ``source``, ``video``, ``audio``,
      ``object[data]``, ``embed``, SVG ``image``/``use`` href, ``background``) and
      every ``url()``/``@import`` in ``<style>`` blocks and ``style`` attributes;
    * inline scripts, which are not parsed as JavaScript: only URLs in string
      literals that are the first argument of ``L.tileLayer``/``L.tileLayer.wms``
      (tile templates, reported as written, ``{z}/{x}/{y}`` included),
      ``L.imageOverlay``, ``L.videoOverlay``, ``fetch``, ``$.ajax``, ``$.get``,
      ``$.getJSON`` or ``importScripts``; values of the keys ``iconUrl``,
      ``iconRetinaUrl``, ``shadowUrl``, ``shadowRetinaUrl`` and ``url``; and
      ``src=``/``srcset=``/``poster=`` inside HTML held in JS strings (popups).

    Not reported: ``<a href>`` and any ``href`` inside script strings (links are
    followed only when clicked: this is how attribution strings such as OSM's
    ``<a href="https://www.openstreetmap.org/copyright">`` are told apart), text
    content, comments, XML namespaces, ``data:`` URIs, relative and local paths, and
    URLs on the loopback host (localhost, 127.0.0.0/8, ::1). A URL that a script
    builds at run time cannot be seen here: the browser tests, which block every
    outside request, are the backstop.

    Parameters
    ----------
    html : str
        The page.
    include_tiles : bool
        Report tile-layer URL templates (default). Pass False to check a page whose
        basemap tiles are allowed to come from outside.

    Returns
    -------
    list of str
        The external URLs, each once, in order of appearance.
    """
    found: list[str] = []

    def add(url: str) -> None:
        url = url.strip()
        if url and _is_external(url) and url not in found:
            found.append(url)

    for m in _TAGS.finditer(html):
        if m["comment"]:
            continue
        if m["script"]:
            urls = _script_urls(m, include_tiles)
        elif m["style"]:
            urls = _css_urls(m["stbody"])
        else:
            urls = _tag_urls(m["tag"])
        for url in urls:
            add(url)
    return found
