"""压占分析: how much of each imported layer (三区三线, 三调 DLTB, 用地用海, 规划分区) each project takes, by class.

The engine is the plain Shapely 2 / GEOS form, nothing hand-written: an ``STRtree`` over a layer's
features (EPSG:4547) gives the (project, feature) pairs whose boxes meet; where the features are
smaller than the projects (DLTB parcels), a parcel lying wholly inside its project
(``contains_properly``, prepared project) counts with its own area; the other pairs are cut by one
vectorised ``shapely.intersection`` and measured with ``shapely.area`` (pairs of area 0 dropped).
Areas are m² in EPSG:4547.

Per piece (a project × feature overlap) the engine keeps the gross area, the area **net of 田坎**
(gross × (1 − KCXS); KCXS from ``lk_kcxs``, else ``lk_kcmj / lk_tbmj``, else 0) and the delivery's
own area fields (TBMJ, TBDLMJ) scaled to the part taken (× gross / feature area). Pieces smaller
than the rules' sliver bounds (``[sliver]`` of ``layers/rules/occupancy.toml``: < 1 m² or
< 0.01 % of the project) are listed apart and counted nowhere else.

:func:`occupancy` returns per project × layer × class tables (level-2 and level-1 codes, the 三大类 of
三调 codes, 城镇开发边界 inside/outside), the per-feature table of the red-line layers, the per-project
summary columns and the rule findings (:mod:`lukou_geo.sitecheck.rules_occupancy`), each with its
basis. :func:`check_with_layers` runs the plan's own check and adds all of it to the result. The
store's layers are read, cached and chosen by :mod:`lukou_geo.sitecheck.occupancy_store`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely

from lukou_geo.settings import MU_PER_HECTARE
from lukou_geo.sitecheck.rules_occupancy import SEVERITY, Rules, applies, compatible, read_rules, type_keys

#: The kinds checked by default (the 三区三线 and the 三调 parcels); 用地用海, 规划分区, 控规 when chosen.
DEFAULT_KINDS = ("yjjbnt", "stbhhx", "czkfbj", "dltb")
#: Kinds whose codes are 三调 codes (level-1 = first two characters, 三大类 known).
SANDIAO_KINDS = ("dltb", "yjjbnt")
KIND_ORDER = {"stbhhx": 0, "yjjbnt": 1, "czkfbj": 2, "dltb": 3, "ghydyh": 4, "ghfq": 5, "kg": 6, "other": 7}
SQM_PER_MU = 10_000 / MU_PER_HECTARE  # 666.67 m²



def mu(m2: Any) -> Any:
    """m² → 亩 (1 公顷 = 15 亩)."""
    return np.asarray(m2, dtype=float) / SQM_PER_MU if not np.isscalar(m2) else float(m2) / SQM_PER_MU


# ------------------------------------------------------------------------------ layers


@dataclass
class OccLayer:
    """One layer ready for the check: features in EPSG:4547, their STRtree and standard fields."""

    id: str
    title: str
    kind: str
    geoms: np.ndarray
    area: np.ndarray
    fid: np.ndarray
    code: np.ndarray
    name: np.ndarray
    code1: np.ndarray
    ref_id: np.ndarray
    ref_name: np.ndarray
    kcxs: np.ndarray  # 0 where the delivery gives none
    tbmj: np.ndarray  # nan where none
    tbdlmj: np.ndarray  # nan where none
    tree: shapely.STRtree
    year: int | None = None
    sha256: str = ""
    source_file: str = ""
    source_crs: str = ""
    version: int = 0
    has_kcxs: bool = False
    features: int | None = None  # the layer's feature count in the store (None: all of them are here)

    _index: dict[str, Any] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.geoms)

    def class_index(self, level: str = "code") -> tuple[np.ndarray, np.ndarray]:
        """(distinct codes, the index of each feature's code in them) of ``code`` or ``code1``, computed once per layer."""
        if level not in self._index:
            codes = getattr(self, level).astype(str)
            if level == "code":  # features without a code are classed by their name (规划分区 by GHFQMC …)
                codes = np.where(codes != "", codes, np.char.add("\x00", self.name.astype(str)))
            u, inv = np.unique(codes, return_inverse=True)
            self._index[level] = (u.astype(object), inv.astype(np.int64))
        return self._index[level]

    def class_codes(self) -> np.ndarray:
        """The code shown for each distinct class of :meth:`class_index` ("" for classes keyed by name)."""
        u = self.class_index()[0]
        return np.array(["" if str(c).startswith("\x00") else c for c in u], dtype=object)

    def category_of_code(self) -> np.ndarray:
        """三大类 index (0 农用地, 1 建设用地, 2 未利用地, 3 未识别) of each distinct code (:meth:`class_index`)."""
        if "cat" not in self._index:
            from lukou_geo.classes import sandiao_category

            cats = {"农用地": 0, "建设用地": 1, "未利用地": 2}
            self._index["cat"] = np.array([cats.get(sandiao_category(c), 3) for c in self.class_index()[0]], dtype=np.int64)
        return self._index["cat"]

    def class_names(self) -> np.ndarray:
        """A name for each distinct code: the delivery's (first feature's), else the national table's."""
        if "names" not in self._index:
            u, inv = self.class_index()
            first = np.full(len(u), -1, dtype=np.int64)
            first[inv[::-1]] = np.arange(len(inv))[::-1]
            nm = self.name[first] if len(first) else np.zeros(0, dtype=object)
            self._index["names"] = np.array([x or _class_name(str(c), self.kind) for c, x in zip(self.class_codes(), nm, strict=True)],
                                            dtype=object)
        return self._index["names"]

    def meta(self) -> dict[str, Any]:
        """Name, kind, year, sha256 … (the report's data versions)."""
        return {"id": self.id, "title": self.title, "kind": self.kind, "features": self.features or len(self), "year": self.year,
                "sha256": self.sha256, "source_file": self.source_file, "source_crs": self.source_crs, "version": self.version}


def _text(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df:
        return np.full(len(df), "", dtype=object)
    return df[col].astype(object).where(df[col].notna(), "").astype(str).to_numpy(dtype=object)


def _num(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df:
        return np.full(len(df), np.nan)
    return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)


def layer_from_frame(gdf: Any, layer_id: str, title: str, kind: str, **meta: Any) -> OccLayer:
    """An :class:`OccLayer` from a GeoDataFrame with the store's standard fields (any CRS; EPSG:4326 if none)."""
    from lukou_geo import crs

    if gdf.crs is not None and gdf.crs.to_epsg() == 4547:
        geoms = np.asarray(gdf.geometry.values.to_numpy(), dtype=object)
    elif gdf.crs is None or gdf.crs.to_epsg() == 4326:
        geoms = np.asarray(crs.to_metric(gdf.geometry.values.to_numpy()), dtype=object)
    else:
        geoms = np.asarray(gdf.to_crs("EPSG:4547").geometry.values.to_numpy(), dtype=object)
    code = _text(gdf, "lk_code")
    code1 = _text(gdf, "lk_code1")
    code1 = np.where(code1 == "", np.array([c[:2] for c in code], dtype=object), code1).astype(object)
    kcxs, kcmj, tbmj = _num(gdf, "lk_kcxs"), _num(gdf, "lk_kcmj"), _num(gdf, "lk_tbmj")
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = np.where((tbmj > 0) & np.isfinite(kcmj), kcmj / tbmj, np.nan)
    has = bool(np.isfinite(kcxs).any() or np.isfinite(derived).any())
    kcxs = np.where(np.isfinite(kcxs), kcxs, derived)
    kcxs = np.where(kcxs > 1, kcxs / 100.0, kcxs)  # a percentage delivered as 8 for 0.08
    kcxs = np.clip(np.nan_to_num(kcxs, nan=0.0), 0.0, 1.0)
    fid = gdf["lk_fid"].to_numpy() if "lk_fid" in gdf else np.arange(1, len(gdf) + 1)
    return OccLayer(
        id=layer_id, title=title, kind=kind, geoms=geoms, area=shapely.area(geoms), fid=np.asarray(fid, dtype=np.int64),
        code=code, name=_text(gdf, "lk_name"), code1=code1, ref_id=_text(gdf, "lk_ref_id"), ref_name=_text(gdf, "lk_ref_name"),
        kcxs=kcxs, tbmj=tbmj, tbdlmj=_num(gdf, "lk_tbdlmj"), tree=shapely.STRtree(geoms), has_kcxs=has, **meta,
    )


# ------------------------------------------------------------------------------ engine


def overlay_pieces(pm: np.ndarray, layer: OccLayer, keep_geoms: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Every (project, feature) overlap of polygon projects ``pm`` (EPSG:4547) with ``layer``.

    Returns ``(project index, feature index, area m², pieces or None)``, sorted by project then feature;
    pairs that only touch (area 0) are dropped.
    """
    pm = np.asarray(pm, dtype=object)
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0, dtype=object) if keep_geoms else None)
    poly = shapely.get_dimensions(pm) == 2 if len(pm) else np.zeros(0, bool)
    if not poly.any() or not len(layer):
        return empty
    sel = np.flatnonzero(poly)
    qi, fi = layer.tree.query(pm[sel])  # boxes that meet; pairs that do not overlap measure 0 and are dropped
    if not len(qi):
        return empty
    pi = sel[qi]
    # parcels wholly inside a red line count with their own area (a prepared test is cheaper than an
    # overlay); worth it when the features are smaller than the projects (DLTB), not for big polygons
    if np.median(layer.area[fi]) < np.median(shapely.area(pm[sel])):
        shapely.prepare(pm[sel])
        whole = shapely.contains_properly(pm[pi], layer.geoms[fi])
    else:
        whole = np.zeros(len(pi), dtype=bool)
    area = np.empty(len(pi))
    area[whole] = layer.area[fi[whole]]
    part = np.flatnonzero(~whole)
    geoms = np.empty(len(pi), dtype=object) if keep_geoms else None
    if len(part):
        cut = shapely.intersection(pm[pi[part]], layer.geoms[fi[part]])
        area[part] = shapely.area(cut)
        if geoms is not None:
            geoms[part] = cut
    if geoms is not None:
        geoms[whole] = layer.geoms[fi[whole]]
    keep = area > 0
    order = np.lexsort((fi[keep], pi[keep]))
    out_g = geoms[keep][order] if geoms is not None else None
    return pi[keep][order].astype(np.int64), fi[keep][order].astype(np.int64), area[keep][order], out_g


@dataclass
class Occupancy:
    """What the projects take of each layer (see the module docstring)."""

    layers: list[dict[str, Any]]  # OccLayer.meta() of each layer checked
    project_area: np.ndarray  # m², EPSG:4547 (0 for points and lines)
    pieces: pd.DataFrame  # one row per project × feature overlap (slivers included, flagged)
    classes: pd.DataFrame  # one row per project × layer × class (level 二级/一级/三大类/边界)
    features: pd.DataFrame  # the red-line layers' features touched (三线协调 tables by feature)
    summary: pd.DataFrame  # one row per project: the summary columns (SUMMARY_COLUMNS)
    findings: pd.DataFrame  # one row per project × rule that fired or passed, with the basis
    piece_geoms: np.ndarray | None = None  # EPSG:4547, aligned with ``pieces`` (kept for maps)
    notes: list[str] = field(default_factory=list)

    @property
    def slivers(self) -> pd.DataFrame:
        return self.pieces[self.pieces["sliver"]] if len(self.pieces) else self.pieces

    def project(self, no: int, table: str = "classes") -> pd.DataFrame:
        df = getattr(self, table)
        return df[df["project_no"] == no] if len(df) else df


#: The summary columns added to the check's summary (key: (中文, English)).
SUMMARY_COLUMNS: dict[str, tuple[str, str]] = {
    "occ_yjjbnt_m2": ("占用永久基本农田(平方米)", "Basic farmland taken (m²)"),
    "occ_yjjbnt_mu": ("占用永久基本农田(亩)", "Basic farmland taken (mu)"),
    "occ_stbhhx_m2": ("占用生态保护红线(平方米)", "Eco red line taken (m²)"),
    "occ_stbhhx_mu": ("占用生态保护红线(亩)", "Eco red line taken (mu)"),
    "occ_czkfbj_in_mu": ("城镇开发边界内(亩)", "Inside urban boundary (mu)"),
    "occ_czkfbj_out_mu": ("城镇开发边界外(亩)", "Outside urban boundary (mu)"),
    "occ_gengdi_mu": ("占用耕地(亩,净)", "Cultivated land taken (mu, net)"),
    "occ_gengdi_gross_mu": ("占用耕地(亩,毛)", "Cultivated land taken (mu, gross)"),
    "occ_agri_mu": ("农用地(亩)", "Agricultural land (mu)"),
    "occ_built_mu": ("建设用地(亩)", "Construction land (mu)"),
    "occ_unused_mu": ("未利用地(亩)", "Unused land (mu)"),
    "occ_verdict": ("压占结论", "Occupancy verdict"),
    "occ_reason": ("压占依据", "Occupancy reasons"),
}
#: ``report_classes.csv`` (one row per project × layer × class).
CLASS_COLUMNS: dict[str, tuple[str, str]] = {
    "project_no": ("序号", "No."),
    "project": ("项目名称", "Project"),
    "layer": ("图层", "Layer"),
    "layer_kind": ("图层类型", "Layer kind"),
    "level": ("分类级别", "Level"),
    "code": ("分类代码", "Code"),
    "name": ("分类名称", "Class"),
    "gross_m2": ("毛面积(平方米)", "Gross area (m²)"),
    "net_m2": ("净面积(平方米)", "Net area (m²)"),
    "ha": ("面积(公顷)", "Area (ha)"),
    "mu": ("面积(亩)", "Area (mu)"),
    "tbmj_m2": ("图斑面积TBMJ折算(平方米)", "TBMJ, pro rata (m²)"),
    "tbdlmj_m2": ("图斑地类面积TBDLMJ折算(平方米)", "TBDLMJ, pro rata (m²)"),
    "compatible": ("类型相符", "Type fits"),
}
FEATURE_COLUMNS: dict[str, tuple[str, str]] = {
    "project_no": ("序号", "No."),
    "project": ("项目名称", "Project"),
    "layer": ("图层", "Layer"),
    "ref_id": ("编号", "Id"),
    "ref_name": ("名称", "Name"),
    "code": ("分类代码", "Code"),
    "gross_m2": ("面积(平方米)", "Area (m²)"),
    "ha": ("面积(公顷)", "Area (ha)"),
    "mu": ("面积(亩)", "Area (mu)"),
}
FINDING_COLUMNS: dict[str, tuple[str, str]] = {
    "project_no": ("序号", "No."),
    "project": ("项目名称", "Project"),
    "layer": ("图层", "Layer"),
    "rule": ("规则", "Rule"),
    "verdict": ("结论", "Verdict"),
    "area_mu": ("面积(亩)", "Area (mu)"),
    "exception": ("例外", "Exception"),
    "basis": ("依据", "Basis"),
}
_LEVELS = ("二级", "一级", "三大类", "边界")


@functools.lru_cache(maxsize=4096)
def _class_name(code: str, kind: str) -> str:
    from lukou_geo.classes import KIND_TABLE, load_table, lookup

    table = KIND_TABLE.get(kind)
    if not code or table is None:
        return ""
    info = lookup(code, load_table(table))
    return info.name if info is not None and info.code == code else ""


def _exceptions_for(n: int, project_nos: np.ndarray, exceptions: Any) -> list[set[str]]:
    if exceptions is None:
        return [set() for _ in range(n)]
    if isinstance(exceptions, Mapping):
        return [set(exceptions.get(int(no), ()) or ()) for no in project_nos]
    common = {exceptions} if isinstance(exceptions, str) else set(exceptions)
    return [set(common) for _ in range(n)]


def occupancy(projects_m: np.ndarray, layers: Sequence[OccLayer], *, names: Sequence[str] | None = None,
              ptypes: Sequence[str] | None = None, vocab: Any = None, rules: Rules | None = None,
              exceptions: Any = None, project_nos: Sequence[int] | None = None, keep_geoms: bool = False) -> Occupancy:
    """The occupancy of ``projects_m`` (EPSG:4547) on every layer of ``layers``.

    Parameters
    ----------
    names, ptypes : per project, the name and the canonical project type (the check's ``ptype``)
    vocab : the project types (:func:`lukou_geo.sitecheck.vocab.read_project_types`), for categories
    exceptions : recorded exceptions (ids of ``[[exception]]``): one collection for every project or a
        mapping project_no → ids
    project_nos : the projects' numbers (default 1…n)
    keep_geoms : keep the overlap pieces' geometries (for maps)
    """
    rules = rules or read_rules()
    if vocab is None and ptypes is not None:
        from lukou_geo.sitecheck.vocab import read_project_types

        vocab = read_project_types()
    pm = np.asarray(projects_m, dtype=object)
    n = len(pm)
    nos = np.asarray(project_nos if project_nos is not None else np.arange(1, n + 1), dtype=np.int64)
    names_a = np.asarray(names if names is not None else [""] * n, dtype=object)
    types_a = list(ptypes) if ptypes is not None else [""] * n
    dims = shapely.get_dimensions(pm) if n else np.zeros(0, int)
    parea = np.where(dims == 2, shapely.area(pm), 0.0) if n else np.zeros(0)
    tol = np.maximum(rules.sliver_m2, rules.sliver_share * parea)
    parts, geom_parts = [], []
    for lyr in layers:
        pi, fi, gross, geoms = overlay_pieces(pm, lyr, keep_geoms)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(lyr.area[fi] > 0, gross / lyr.area[fi], 0.0)
        parts.append(_Part(lyr, pi, fi, gross, gross * (1 - lyr.kcxs[fi]), lyr.tbmj[fi] * ratio, lyr.tbdlmj[fi] * ratio,
                           gross < tol[pi]))
        if keep_geoms:
            geom_parts.append(geoms)
    pieces = _pieces(parts, nos, names_a)
    piece_geoms = np.concatenate(geom_parts) if keep_geoms and geom_parts else (np.zeros(0, dtype=object) if keep_geoms else None)
    counted = [p.counted() for p in parts]
    classes = _classes(counted, parea, nos, names_a, types_a, vocab, rules)
    features = _features(pieces[~pieces["sliver"].to_numpy(dtype=bool)] if len(pieces) else pieces, layers)
    cols = _summary_columns(counted, parea)
    findings = _findings(counted, classes, parea, nos, names_a, types_a, vocab, rules, _exceptions_for(n, nos, exceptions))
    verdict, reason = _verdicts(findings, n)
    summary = pd.DataFrame({"project_no": nos, **cols, "occ_verdict": verdict, "occ_reason": reason})
    notes = []
    if n and (dims < 2).any():
        notes.append(f"{int((dims < 2).sum())} 个点/线项目未作压占量算(只量算面)/ points and lines are not measured for occupancy")
    return Occupancy([lyr.meta() for lyr in layers], parea, pieces, classes, features, summary, findings, piece_geoms, notes)


@dataclass
class _Part:
    """The pieces of one layer: project and feature indexes with their areas (numpy, aligned)."""

    lyr: OccLayer
    pi: np.ndarray
    fi: np.ndarray
    gross: np.ndarray
    net: np.ndarray
    tb: np.ndarray
    td: np.ndarray
    sliver: np.ndarray

    def counted(self) -> _Part:
        k = ~self.sliver
        return _Part(self.lyr, self.pi[k], self.fi[k], self.gross[k], self.net[k], self.tb[k], self.td[k], self.sliver[k])


def _obj(a: Any) -> pd.Series:
    """A text column kept as a numpy object array (pandas' Arrow strings cost more than the overlay)."""
    return pd.Series(np.asarray(a, dtype=object), dtype=object)


_PIECE_COLS = ["project_no", "project", "pi", "layer_id", "layer", "layer_kind", "fid", "code", "name", "code1", "ref_id",
               "ref_name", "gross_m2", "net_m2", "kcxs", "tbmj_m2", "tbdlmj_m2", "sliver"]


def _pieces(parts: list[_Part], nos: np.ndarray, names: np.ndarray) -> pd.DataFrame:
    if not parts or not sum(len(p.pi) for p in parts):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _PIECE_COLS})

    def cat(f: Any) -> np.ndarray:
        return np.concatenate([np.asarray(f(p)) for p in parts])

    def rep(attr: str) -> np.ndarray:
        return np.concatenate([np.full(len(p.pi), getattr(p.lyr, attr), dtype=object) for p in parts])

    pi = cat(lambda p: p.pi).astype(np.int64)
    return pd.DataFrame({
        "project_no": nos[pi], "project": _obj(names[pi]), "pi": pi, "layer_id": _obj(rep("id")), "layer": _obj(rep("title")),
        "layer_kind": _obj(rep("kind")), "fid": cat(lambda p: p.lyr.fid[p.fi]), "code": _obj(cat(lambda p: p.lyr.code[p.fi])),
        "name": _obj(cat(lambda p: p.lyr.name[p.fi])), "code1": _obj(cat(lambda p: p.lyr.code1[p.fi])),
        "ref_id": _obj(cat(lambda p: p.lyr.ref_id[p.fi])), "ref_name": _obj(cat(lambda p: p.lyr.ref_name[p.fi])),
        "gross_m2": cat(lambda p: p.gross), "net_m2": cat(lambda p: p.net), "kcxs": cat(lambda p: p.lyr.kcxs[p.fi]),
        "tbmj_m2": cat(lambda p: p.tb), "tbdlmj_m2": cat(lambda p: p.td), "sliver": cat(lambda p: p.sliver).astype(bool),
    })


def _area_cols(df: pd.DataFrame) -> pd.DataFrame:
    df["ha"] = (df["net_m2"] / 1e4).round(6)
    df["mu"] = (df["net_m2"] / SQM_PER_MU).round(4)
    df["gross_m2"] = df["gross_m2"].round(4)
    df["net_m2"] = df["net_m2"].round(4)
    for c in ("tbmj_m2", "tbdlmj_m2"):
        if c in df:
            df[c] = df[c].round(4)
    return df


_CATS = np.array(["农用地", "建设用地", "未利用地", "未识别"], dtype=object)
_CAT_INDEX = {c: i for i, c in enumerate(_CATS)}


def _group(p: _Part, key: np.ndarray, labels_code: np.ndarray, labels_name: np.ndarray, level: str) -> dict[str, Any]:
    """Sum a part's pieces by (project, class index ``key``): numpy only (``np.unique`` + ``bincount``)."""
    k = int(key.max()) + 1 if len(key) else 1
    uniq, inv = np.unique(p.pi.astype(np.int64) * k + key, return_inverse=True)
    m = len(uniq)

    def total(w: np.ndarray) -> np.ndarray:
        return np.bincount(inv, weights=np.nan_to_num(w), minlength=m)

    def count(w: np.ndarray) -> np.ndarray:
        return np.bincount(inv, weights=np.isfinite(w).astype(float), minlength=m)

    tb, td = total(p.tb), total(p.td)
    cls = uniq % k
    return {"pi": uniq // k, "code": labels_code[cls], "name": labels_name[cls], "level": level,
            "gross_m2": total(p.gross), "net_m2": total(p.net), "tbmj_m2": np.where(count(p.tb) > 0, tb, np.nan),
            "tbdlmj_m2": np.where(count(p.td) > 0, td, np.nan)}


def _classes(counted: list[_Part], parea: np.ndarray, nos: np.ndarray, names: np.ndarray, types: list[str], vocab: Any,
             rules: Rules) -> pd.DataFrame:
    """Per project × layer × class: level-2 codes, level-1 codes, 三大类 (三调 kinds), inside/outside (城镇开发边界)."""

    out_cols = ["project_no", "project", "layer_id", "layer", "layer_kind", "level", "code", "name", "gross_m2", "net_m2",
                "tbmj_m2", "tbdlmj_m2", "compatible"]
    recs: list[tuple[OccLayer, dict[str, Any]]] = []
    for p in counted:
        lyr = p.lyr
        if len(p.pi):
            inv = lyr.class_index()[1]
            recs.append((lyr, _group(p, inv[p.fi], lyr.class_codes(), lyr.class_names(), "二级")))
            if lyr.kind in (*SANDIAO_KINDS, "ghydyh", "kg"):
                c1_u, inv1 = lyr.class_index("code1")
                coded = lyr.code[p.fi] != ""
                sub = _Part(lyr, p.pi[coded], p.fi[coded], p.gross[coded], p.net[coded], p.tb[coded], p.td[coded], p.sliver[coded])
                if len(sub.pi):
                    nm1 = np.array([_class_name(str(c), lyr.kind) for c in c1_u], dtype=object)
                    recs.append((lyr, _group(sub, inv1[sub.fi], c1_u, nm1, "一级")))
            if lyr.kind == "dltb":
                recs.append((lyr, _group(p, lyr.category_of_code()[inv[p.fi]], np.full(4, "", dtype=object), _CATS, "三大类")))
        if lyr.kind == "czkfbj":  # the part inside and outside, one row each per polygon project
            inside = np.minimum(np.bincount(p.pi, weights=p.gross, minlength=len(parea)), parea)
            rows = np.flatnonzero(parea > 0)
            for label, val in (("城镇开发边界内", inside), ("城镇开发边界外", np.maximum(parea - inside, 0.0))):
                recs.append((lyr, {"pi": rows, "code": np.full(len(rows), "", dtype=object), "name": np.full(len(rows), label, dtype=object),
                                   "level": "边界", "gross_m2": val[rows], "net_m2": val[rows], "tbmj_m2": np.nan, "tbdlmj_m2": np.nan}))
    if not recs:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in [*out_cols, "pi", "ha", "mu"]})
    order = {lyr.id: i for i, lyr in enumerate(p.lyr for p in counted)}
    frames = []
    for lyr, r in recs:
        m = len(r["pi"])
        f = pd.DataFrame({"pi": r["pi"], "layer_id": _obj(np.full(m, lyr.id, dtype=object)), "layer": _obj(np.full(m, lyr.title, dtype=object)),
                          "layer_kind": _obj(np.full(m, lyr.kind, dtype=object)), "level": _obj(np.full(m, r["level"], dtype=object)),
                          "code": _obj(r["code"]), "name": _obj(r["name"]), "gross_m2": r["gross_m2"], "net_m2": r["net_m2"],
                          "tbmj_m2": r["tbmj_m2"], "tbdlmj_m2": r["tbdlmj_m2"], "_o": order[lyr.id], "_l": _LEVELS.index(r["level"])})
        frames.append(f)
    df = pd.concat(frames, ignore_index=True)
    df["pi"] = df["pi"].astype(np.int64)
    df["project_no"] = nos[df["pi"].to_numpy()]
    df["project"] = _obj(names[df["pi"].to_numpy()])
    comp = np.full(len(df), "", dtype=object)
    planned = np.flatnonzero(df["layer_kind"].isin(["ghydyh", "ghfq", "kg"]).to_numpy() & (df["level"] == "二级").to_numpy())
    for i in planned:
        pi, kind, code, name = df["pi"].iat[i], df["layer_kind"].iat[i], df["code"].iat[i], df["name"].iat[i]
        ok = compatible(rules, "ghydyh" if kind == "kg" else kind, type_keys(types[int(pi)], vocab), str(code), str(name))
        comp[i] = "" if ok is None else ("是" if ok else "否")
    df["compatible"] = _obj(comp)
    df = df.sort_values(["project_no", "_o", "_l", "code", "name"], kind="stable").drop(columns=["_o", "_l"]).reset_index(drop=True)
    return _area_cols(df[[*out_cols, "pi"]])


def _features(counted: pd.DataFrame, layers: Sequence[OccLayer]) -> pd.DataFrame:
    """The red-line layers' (生态保护红线, 永久基本农田) features touched, one row per project × feature."""
    cols = ["project_no", "project", "layer_id", "layer", "layer_kind", "fid", "ref_id", "ref_name", "code", "gross_m2", "net_m2"]
    sub = counted[counted["layer_kind"].isin(["stbhhx", "yjjbnt"])] if len(counted) else counted
    if not len(sub):
        return pd.DataFrame(columns=[*cols, "ha", "mu"])
    df = sub[cols].copy()
    df["ha"] = (df["gross_m2"] / 1e4).round(6)
    df["mu"] = (df["gross_m2"] / SQM_PER_MU).round(4)
    df["gross_m2"] = df["gross_m2"].round(4)
    return df.reset_index(drop=True)


def _by_project(p: _Part, n: int, w: np.ndarray, prefix: tuple[str, ...] | None = None) -> np.ndarray:
    if prefix is not None and len(p.pi):
        keep = np.char.startswith(p.lyr.code[p.fi].astype(str), prefix[0])
        for more in prefix[1:]:
            keep |= np.char.startswith(p.lyr.code[p.fi].astype(str), more)
        return np.bincount(p.pi[keep], weights=w[keep], minlength=n)
    return np.bincount(p.pi, weights=w, minlength=n)


def _summary_columns(counted: list[_Part], parea: np.ndarray) -> dict[str, np.ndarray]:
    n = len(parea)
    cols: dict[str, np.ndarray] = {k: np.full(n, np.nan) for k in SUMMARY_COLUMNS if k not in ("occ_verdict", "occ_reason")}
    poly = parea > 0

    def put(key: str, m2: np.ndarray, unit: str = "mu") -> None:
        cols[key] = np.where(poly, (m2 if unit == "m2" else mu(m2)).round(4 if unit == "mu" else 2), np.nan)

    for kind in ("yjjbnt", "stbhhx"):
        ps = [p for p in counted if p.lyr.kind == kind]
        if ps:
            a = sum(_by_project(p, n, p.gross) for p in ps)
            put(f"occ_{kind}_m2", a, "m2")
            put(f"occ_{kind}_mu", a)
    ps = [p for p in counted if p.lyr.kind == "czkfbj"]
    if ps:
        inside = np.minimum(sum(_by_project(p, n, p.gross) for p in ps), parea)  # overlapping parts must not count twice
        put("occ_czkfbj_in_mu", inside)
        put("occ_czkfbj_out_mu", np.maximum(parea - inside, 0))
    ps = [p for p in counted if p.lyr.kind == "dltb"]
    if ps:
        put("occ_gengdi_mu", sum(_by_project(p, n, p.net, ("01",)) for p in ps))
        put("occ_gengdi_gross_mu", sum(_by_project(p, n, p.gross, ("01",)) for p in ps))
        for key, label in (("occ_agri_mu", "农用地"), ("occ_built_mu", "建设用地"), ("occ_unused_mu", "未利用地")):
            tot = np.zeros(n)
            for p in ps:
                k = p.lyr.category_of_code()[p.lyr.class_index()[1][p.fi]] == _CAT_INDEX[label]
                tot += np.bincount(p.pi[k], weights=p.net[k], minlength=n)
            put(key, tot)
    return cols


def _findings(counted: list[_Part], classes: pd.DataFrame, parea: np.ndarray, nos: np.ndarray, names: np.ndarray,
              types: list[str], vocab: Any, rules: Rules, excs: list[set[str]]) -> pd.DataFrame:
    """One row per project × rule that applies: fired (its verdict) or passed (符合), with the basis."""
    n = len(parea)
    poly = np.flatnonzero(parea > 0)
    finds: list[dict[str, Any]] = []
    frames: list[pd.DataFrame] = []
    keys = [type_keys(t, vocab) for t in types]
    key_memo: dict[tuple[str, tuple[str, ...]], bool] = {}
    for rule in rules.rules:
        for p in [p for p in counted if p.lyr.kind == rule.kind]:
            if rule.kind in ("ghydyh", "ghfq", "kg"):
                finds += _class_findings(rule, p.lyr, classes, keys, nos, names, excs, rules)
                continue
            w = p.net if rule.kind == "dltb" else p.gross  # 耕地: net of 田坎
            area = _by_project(p, n, w, rule.codes or None)
            if rule.kind == "czkfbj":  # what lies outside the boundary
                area = np.maximum(parea - np.minimum(area, parea), 0)
            bound = np.maximum(rules.sliver_m2, rules.sliver_share * parea) if rule.kind == "czkfbj" else np.zeros(n)
            idx = np.array([i for i in poly if key_memo.setdefault((rule.id, keys[i]), applies(rule, keys[i]))], dtype=np.int64)
            if len(idx):
                frames.append(_rule_findings(rule, p.lyr, idx, nos, names, area[idx], area[idx] > bound[idx], excs, rules))
    numeric = {"project_no", "pi", "area_m2", "area_mu", "fired"}
    if finds:
        frames.append(pd.DataFrame({c: ([f[c] for f in finds] if c in numeric else _obj([f[c] for f in finds])) for c in _FCOLS}))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _FCOLS})
    return pd.concat(frames, ignore_index=True)


_FCOLS = ["project_no", "project", "pi", "layer_id", "layer", "rule_id", "rule", "verdict", "area_m2", "area_mu",
          "exception", "basis", "fired"]


def _rule_findings(rule: Any, lyr: OccLayer, idx: np.ndarray, nos: np.ndarray, names: np.ndarray, area: np.ndarray,
                   fired: np.ndarray, excs: list[set[str]], rules: Rules) -> pd.DataFrame:
    """The findings of one area rule for the projects ``idx`` (vectorised; texts built once per exception set)."""
    used = [tuple(e for e in rule.exceptions if e in excs[i]) if f else () for i, f in zip(idx, fired, strict=True)]
    memo: dict[tuple[str, ...], tuple[str, str]] = {}
    for u in set(used):
        extra = (" 例外依据:" + ";".join(f"{rules.exceptions[e].source}:{rules.exceptions[e].basis}" for e in u)) if u else ""
        memo[u] = (rule.basis_text() + extra, "、".join(rules.exceptions[e].title_zh for e in u))
    passed = f"未{rule.title_zh}" if not rule.title_zh.startswith("项目类型") else "项目类型与规划相符"
    has = np.array([bool(u) for u in used], dtype=bool)
    m = len(idx)
    return pd.DataFrame({
        "project_no": nos[idx], "project": _obj(names[idx]), "pi": idx, "layer_id": _obj(np.full(m, lyr.id, dtype=object)),
        "layer": _obj(np.full(m, lyr.title, dtype=object)), "rule_id": _obj(np.full(m, rule.id, dtype=object)),
        "rule": _obj(np.where(fired, rule.title_zh, passed).astype(object)),
        "verdict": _obj(np.where(fired, np.where(has, rule.verdict_with_exception, rule.verdict), "符合").astype(object)),
        "area_m2": np.round(area, 4), "area_mu": np.round(area / SQM_PER_MU, 4),
        "exception": _obj([memo[u][1] for u in used]), "basis": _obj([memo[u][0] for u in used]), "fired": fired.astype(bool),
    })


def _class_findings(rule: Any, lyr: OccLayer, classes: pd.DataFrame, keys: list[tuple[str, ...]], nos: np.ndarray,
                    names: np.ndarray, excs: list[set[str]], rules: Rules) -> list[dict[str, Any]]:
    """用地用海 / 规划分区: per project, the classes touched that the compatibility table says do not fit."""
    out = []
    cl = classes[(classes["layer_id"] == lyr.id) & (classes["compatible"] != "")] if len(classes) else classes
    for pi, grp in cl.groupby("pi"):
        i = int(pi)
        if not applies(rule, keys[i]):
            continue
        bad = grp[grp["compatible"] == "否"]
        f = _finding(rule, lyr, i, nos, names, float(bad["gross_m2"].sum()), excs[i], rules, len(bad) > 0)
        if len(bad):
            f["rule"] += ":" + "、".join(f"{c} {nm}" for c, nm in zip(bad["code"], bad["name"], strict=True))
        out.append(f)
    return out


def _verdicts(findings: pd.DataFrame, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per project: the worst verdict of its findings ("" when no rule applied) and the fired rules in words."""
    verdict = np.full(n, "", dtype=object)
    reason = np.full(n, "", dtype=object)
    if not len(findings):
        return verdict, reason
    pis = findings["pi"].to_numpy(dtype=np.int64)
    worst = np.zeros(n, dtype=int)
    np.maximum.at(worst, pis, np.array([SEVERITY[v] for v in findings["verdict"]], dtype=int))
    has = np.zeros(n, bool)
    has[pis] = True
    verdict[has] = np.array(["符合", "需关注", "冲突"], dtype=object)[worst[has]]
    texts: dict[int, list[str]] = {}
    for pi, rule, a, v, fired in zip(pis, findings["rule"], findings["area_mu"], findings["verdict"], findings["fired"], strict=True):
        if fired:
            texts.setdefault(int(pi), []).append(f"{rule}({a:.4f} 亩,{v})")
    for pi, parts in texts.items():
        reason[pi] = ";".join(parts)
    return verdict, reason


def _finding(rule: Any, lyr: OccLayer, i: int, nos: np.ndarray, names: np.ndarray, area: float, excs: set[str],
             rules: Rules, fired: bool) -> dict[str, Any]:
    used = [e for e in rule.exceptions if e in excs] if fired else []
    if not fired:
        verdict, title = "符合", f"未{rule.title_zh}" if not rule.title_zh.startswith("项目类型") else "项目类型与规划相符"
    else:
        verdict, title = (rule.verdict_with_exception if used else rule.verdict), rule.title_zh
    basis = rule.basis_text()
    if used:
        basis += " 例外依据:" + ";".join(f"{rules.exceptions[e].source}:{rules.exceptions[e].basis}" for e in used)
    return {"project_no": int(nos[i]), "project": names[i], "pi": i, "layer_id": lyr.id, "layer": lyr.title, "rule_id": rule.id,
            "rule": title, "verdict": verdict, "area_m2": round(float(area), 4), "area_mu": round(float(mu(area)), 4),
            "exception": "、".join(rules.exceptions[e].title_zh for e in used), "basis": basis, "fired": bool(fired)}


# ------------------------------------------------------------------------------ with the plan's check


def check_with_layers(projects: Any, ctx: Any, layers: Sequence[OccLayer], default_type: str = "", exceptions: Any = None,
                      progress: Callable[[float], None] | None = None, chunk: int = 50_000, keep_geoms: bool = True) -> Any:
    """The plan's check (:func:`lukou_geo.sitecheck.check.check_projects`) plus the occupancy of ``layers``:
    the summary gains :data:`SUMMARY_COLUMNS`, ``result.occupancy`` holds the tables."""
    from lukou_geo.sitecheck.check import check_projects
    from lukou_geo.sitecheck.context import to_metric

    result = check_projects(projects, ctx, default_type, progress=progress, chunk=chunk)
    geoms = result.projects.geometry.values.to_numpy()
    pm = to_metric(geoms) if len(geoms) else np.zeros(0, dtype=object)
    occ = occupancy(pm, layers, names=result.summary["name"].tolist() if len(result.summary) else [],
                    ptypes=result.summary["ptype"].tolist() if len(result.summary) else [], vocab=ctx.vocab,
                    exceptions=exceptions, project_nos=result.summary["project_no"].tolist() if len(result.summary) else [],
                    keep_geoms=keep_geoms and len(pm) <= 200)
    attach(result, occ)
    return result


def attach(result: Any, occ: Occupancy) -> Any:
    """Add the occupancy's summary columns to ``result.summary`` and keep the tables on ``result.occupancy``."""
    if len(result.summary):
        add = occ.summary.drop(columns=["project_no"])
        for c in add.columns:
            result.summary[c] = add[c].to_numpy()
    result.occupancy = occ
    result.notes.extend(occ.notes)
    return result
