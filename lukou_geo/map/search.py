"""Search features by name (中文 or English), over every layer the catalog marks searchable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import shape

from lukou_geo.catalog import Catalog


@dataclass(frozen=True)
class Entry:
    """One searchable feature."""

    layer_id: str
    feature_id: str
    name: str
    name_en: str
    precision: str
    bounds: tuple[float, float, float, float]  # minx, miny, maxx, maxy (lon/lat)

    def label(self, catalog: Catalog, lang: str) -> str:
        layer = catalog.layer(self.layer_id).title(lang)
        first, second = (self.name, self.name_en) if lang == "zh" else (self.name_en or self.name, self.name)
        return f"{first} · {second} · {layer}" if second and second != first else f"{first} · {layer}"


def build_index(catalog: Catalog, data: dict[str, dict[str, Any]]) -> list[Entry]:
    """Every feature of every searchable layer, in catalog order."""
    out: list[Entry] = []
    for layer in catalog.layers:
        if not layer.search or layer.id not in data:
            continue
        for feat in data[layer.id]["features"]:
            p = feat["properties"]
            b = shapely.bounds(shape(feat["geometry"]))
            out.append(Entry(layer.id, p["id"], p["name"], p.get("name_en", ""), p["precision"],
                             (float(b[0]), float(b[1]), float(b[2]), float(b[3]))))
    return out


def _norm(s: str) -> str:
    return " ".join(s.casefold().split())


def search(index: list[Entry], query: str, limit: int = 20) -> list[Entry]:
    """Entries whose Chinese or English name matches ``query``: exact, then prefix, then substring.

    Matching ignores case and repeated spaces; every whitespace-separated word of the query must
    occur (so ``nanzhou park`` finds "Nanzhou New District Industrial Park").
    """
    q = _norm(query)
    if not q:
        return []
    words = q.split()
    scored: list[tuple[int, int, Entry]] = []
    for i, e in enumerate(index):
        best = None
        for name in (_norm(e.name), _norm(e.name_en)):
            if not name:
                continue
            if name == q:
                rank = 0
            elif name.startswith(q):
                rank = 1
            elif q in name:
                rank = 2
            elif all(w in name for w in words):
                rank = 3
            else:
                continue
            best = rank if best is None else min(best, rank)
        if best is not None:
            scored.append((best, i, e))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [e for _, _, e in scored[:limit]]


def view_for(entry: Entry, map_px: tuple[int, int] = (900, 700)) -> tuple[tuple[float, float], float]:
    """(center lat/lon, zoom) that shows the entry: its bounds with a margin, zoom 14 for points."""
    import math

    minx, miny, maxx, maxy = entry.bounds
    center = ((miny + maxy) / 2, (minx + maxx) / 2)
    w, h = maxx - minx, maxy - miny
    if w < 1e-6 and h < 1e-6:
        return center, 14.0
    # Web Mercator: 256·2^z px span 360° of longitude; latitude scaled by 1/cos(lat) near the centre
    lat = math.radians(center[0])
    zx = math.log2(map_px[0] * 360 / (256 * w * 1.3))
    zy = math.log2(map_px[1] * 360 * math.cos(lat) / (256 * h * 1.3))
    return center, float(max(8.0, min(15.0, math.floor(min(zx, zy) * 4) / 4)))
