"""压占分析: how much of each imported layer (三区三线, 三调 DLTB, 用地用海, 规划分区) each project takes, by class.

The engine is the plain Shapely 2 / GEOS form, nothing hand-written: an ``STRtree`` over a layer's
features (EPSG:4547) gives the (project, feature) pairs that intersect (``predicate="intersects"``,
the tree prepares the project); a parcel lying wholly inside its project
(``contains_properly``, prepared project) counts with its own area; the other pairs are cut by one
vectorised ``shapely.intersection`` and measured with ``shapely.area``. Areas are m² in EPSG:4547.

Per piece (a project × feature overlap) the engine keeps the gross area, the area **net of 田坎**
(gross × (1 − KCXS); KCXS from ``lk_kcxs``, else ``lk_kcmj / lk_tbmj``, else 0) and the delivery's
own area fields (TBMJ, TBDLMJ) scaled to the part taken (× gross / feature area). Pieces smaller
than the rules' sliver bounds (``[sliver]`` of ``layers/rules/occupancy.toml``: < 1 m² or
< 0.01 % of the project) are listed apart and counted nowhere else.

:func:`occupancy` returns per project × layer × class tables (level-2 and level-1 codes, the 三大类 of
三调 codes, 城镇开发边界 inside/outside), the per-feature table of the red-line layers, the per-project
summary columns and the rule findings (:mod:`lukou_geo.sitecheck.rules_occupancy`), each with its
basis. :func:`check_with_layers` runs the plan's own check and adds all of it to the result.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
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

_COLUMNS = ["lk_fid", "lk_code", "lk_name", "lk_code1", "lk_bsm", "lk_ref_id", "lk_ref_name", "lk_tbmj", "lk_kcxs",
            "lk_kcmj", "lk_tbdlmj"]


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

    def __len__(self) -> int:
        return len(self.geoms)

    def meta(self) -> dict[str, Any]:
        """Name, kind, year, sha256 … (the report's data versions)."""
        return {"id": self.id, "title": self.title, "kind": self.kind, "features": len(self), "year": self.year,
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


_CACHE: OrderedDict[tuple, OccLayer] = OrderedDict()
_CACHE_LOCK = threading.Lock()
#: Layers kept in memory (each with its tree): a 150,000-parcel DLTB is ≈ 250 MB.
CACHE_LAYERS = 6


def _store_key(store: Any) -> str:
    return str(getattr(store, "path", "") or getattr(store, "where", "") or id(store))


def load_layer(store: Any, layer_id: str) -> OccLayer:
    """A store layer as an :class:`OccLayer`, cached by store, id, version and import time (so a
    re-import is picked up and an unchanged layer costs nothing the second time)."""
    info = store.layer(layer_id)
    key = (_store_key(store), info.id, info.version, info.imported_at)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    gdf = store.read_features(layer_id, columns=_COLUMNS)
    lyr = layer_from_frame(gdf, info.id, info.title, info.kind, year=info.data_year, sha256=info.sha256,
                           source_file=info.source_file, source_crs=info.source_crs, version=info.version)
    with _CACHE_LOCK:
        _CACHE[key] = lyr
        while len(_CACHE) > CACHE_LAYERS:
            _CACHE.popitem(last=False)
    return lyr


def default_layer_ids(store: Any) -> list[str]:
    """Every imported 三区三线 and DLTB layer (:data:`DEFAULT_KINDS`), in kind order."""
    infos = [i for i in store.layers() if i.kind in DEFAULT_KINDS and i.geometry == "polygon"]
    return [i.id for i in sorted(infos, key=lambda i: KIND_ORDER.get(i.kind, 9))]


def load_layers(store: Any, layer_ids: Iterable[str] | None = None) -> list[OccLayer]:
    """The chosen store layers (default :func:`default_layer_ids`)."""
    ids = list(layer_ids) if layer_ids is not None else default_layer_ids(store)
    return [load_layer(store, i) for i in ids]


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
    qi, fi = layer.tree.query(pm[sel], predicate="intersects")
    if not len(qi):
        return empty
    pi = sel[qi]
    shapely.prepare(pm[sel])
    whole = shapely.contains_properly(pm[pi], layer.geoms[fi])
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
    piece_frames, geom_parts = [], []
    for lyr in layers:
        pi, fi, gross, geoms = overlay_pieces(pm, lyr, keep_geoms)
        kc = lyr.kcxs[fi]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(lyr.area[fi] > 0, gross / lyr.area[fi], 0.0)
        piece_frames.append(pd.DataFrame({
            "project_no": nos[pi], "pi": pi, "layer_id": lyr.id, "layer": lyr.title, "layer_kind": lyr.kind,
            "fid": lyr.fid[fi], "code": lyr.code[fi], "name": lyr.name[fi], "code1": lyr.code1[fi],
            "ref_id": lyr.ref_id[fi], "ref_name": lyr.ref_name[fi], "gross_m2": gross, "net_m2": gross * (1 - kc),
            "kcxs": kc, "tbmj_m2": lyr.tbmj[fi] * ratio, "tbdlmj_m2": lyr.tbdlmj[fi] * ratio, "sliver": gross < tol[pi],
        }))
        if keep_geoms:
            geom_parts.append(geoms)
    cols = ["project_no", "pi", "layer_id", "layer", "layer_kind", "fid", "code", "name", "code1", "ref_id", "ref_name",
            "gross_m2", "net_m2", "kcxs", "tbmj_m2", "tbdlmj_m2", "sliver"]
    pieces = pd.concat(piece_frames, ignore_index=True) if piece_frames else pd.DataFrame(columns=cols)
    pieces["project"] = names_a[pieces["pi"].to_numpy(dtype=np.int64)] if len(pieces) else pd.Series(dtype=object)
    piece_geoms = np.concatenate(geom_parts) if keep_geoms and geom_parts else (np.zeros(0, dtype=object) if keep_geoms else None)
    counted = pieces[~pieces["sliver"].astype(bool)] if len(pieces) else pieces
    classes = _classes(counted, layers, parea, nos, names_a, types_a, vocab, rules)
    features = _features(counted, layers)
    summary, findings = _summary_and_findings(counted, classes, layers, parea, nos, names_a, types_a, vocab, rules,
                                              _exceptions_for(n, nos, exceptions))
    notes = []
    if n and (dims < 2).any():
        notes.append(f"{int((dims < 2).sum())} 个点/线项目未作压占量算(只量算面)/ points and lines are not measured for occupancy")
    return Occupancy([lyr.meta() for lyr in layers], parea, pieces, classes, features, summary, findings, piece_geoms, notes)


def _area_cols(df: pd.DataFrame) -> pd.DataFrame:
    df["ha"] = (df["net_m2"] / 1e4).round(6)
    df["mu"] = (df["net_m2"] / SQM_PER_MU).round(4)
    df["gross_m2"] = df["gross_m2"].round(4)
    df["net_m2"] = df["net_m2"].round(4)
    for c in ("tbmj_m2", "tbdlmj_m2"):
        if c in df:
            df[c] = df[c].round(4)
    return df


def _classes(counted: pd.DataFrame, layers: Sequence[OccLayer], parea: np.ndarray, nos: np.ndarray, names: np.ndarray,
             types: list[str], vocab: Any, rules: Rules) -> pd.DataFrame:
    """Per project × layer × class: level-2 codes, level-1 codes, 三大类 (三调 kinds), inside/outside (城镇开发边界)."""
    from lukou_geo.classes import sandiao_category

    out_cols = ["project_no", "project", "layer_id", "layer", "layer_kind", "level", "code", "name", "gross_m2", "net_m2",
                "tbmj_m2", "tbdlmj_m2", "compatible"]
    frames = []
    if len(counted):
        keys = ["project_no", "pi", "layer_id", "layer", "layer_kind"]
        agg = {"gross_m2": "sum", "net_m2": "sum", "tbmj_m2": lambda s: s.sum(min_count=1), "tbdlmj_m2": lambda s: s.sum(min_count=1)}
        lvl2 = counted.groupby([*keys, "code"], sort=False, dropna=False).agg({**agg, "name": "first"}).reset_index()
        lvl2["level"] = "二级"
        frames.append(lvl2)
        coded = counted[counted["layer_kind"].isin([*SANDIAO_KINDS, "ghydyh", "kg"]) & (counted["code"] != "")]
        if len(coded):
            lvl1 = coded.groupby([*keys, "code1"], sort=False).agg(agg).reset_index().rename(columns={"code1": "code"})
            lvl1["level"] = "一级"
            lvl1["name"] = [_class_name(c, k) for c, k in zip(lvl1["code"], lvl1["layer_kind"], strict=True)]
            frames.append(lvl1)
        sd = counted[counted["layer_kind"] == "dltb"]
        if len(sd):
            cat = sd["code"].map(lambda c: sandiao_category(str(c)) or "未识别")
            big = sd.assign(cat=cat).groupby([*keys, "cat"], sort=False).agg(agg).reset_index().rename(columns={"cat": "name"})
            big["level"], big["code"] = "三大类", ""
            frames.append(big)
    # 城镇开发边界: the part outside, one row per project and layer
    for lyr in layers:
        if lyr.kind != "czkfbj":
            continue
        inside = np.zeros(len(parea))
        sub = counted[counted["layer_id"] == lyr.id] if len(counted) else counted
        if len(sub):
            np.add.at(inside, sub["pi"].to_numpy(dtype=np.int64), sub["gross_m2"].to_numpy())
        for label, val in (("城镇开发边界内", inside), ("城镇开发边界外", np.maximum(parea - inside, 0.0))):
            rows = np.flatnonzero(parea > 0)
            frames.append(pd.DataFrame({"project_no": nos[rows], "pi": rows, "layer_id": lyr.id, "layer": lyr.title,
                                        "layer_kind": lyr.kind, "level": "边界", "code": "", "name": label,
                                        "gross_m2": val[rows], "net_m2": val[rows], "tbmj_m2": np.nan, "tbdlmj_m2": np.nan}))
    if not frames:
        return pd.DataFrame(columns=[*out_cols, "ha", "mu"])
    df = pd.concat(frames, ignore_index=True)
    empty_name = df["name"].fillna("") == ""
    if empty_name.any():
        fill = df.loc[empty_name]
        df.loc[empty_name, "name"] = [_class_name(str(c), k) for c, k in zip(fill["code"], fill["layer_kind"], strict=True)]
    df["project"] = names[df["pi"].to_numpy(dtype=np.int64)]
    # compatibility of the project type with each planned class (用地用海, 规划分区)
    comp = np.full(len(df), "", dtype=object)
    for i, (pi, kind, level, code, name) in enumerate(zip(df["pi"], df["layer_kind"], df["level"], df["code"], df["name"], strict=True)):
        if kind in ("ghydyh", "ghfq", "kg") and level == "二级":
            ok = compatible(rules, "ghydyh" if kind == "kg" else kind, type_keys(types[int(pi)], vocab), str(code), str(name))
            comp[i] = "" if ok is None else ("是" if ok else "否")
    df["compatible"] = comp
    order = df["layer_id"].map({lyr.id: i for i, lyr in enumerate(layers)}).fillna(99)
    lvl = df["level"].map({k: i for i, k in enumerate(_LEVELS)})
    df = df.assign(_o=order, _l=lvl).sort_values(["project_no", "_o", "_l", "code", "name"], kind="stable")
    df = df.drop(columns=["_o", "_l"]).reset_index(drop=True)
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


def _sum_by_project(df: pd.DataFrame, n: int, col: str = "gross_m2") -> np.ndarray:
    out = np.zeros(n)
    if len(df):
        np.add.at(out, df["pi"].to_numpy(dtype=np.int64), df[col].to_numpy(dtype=float))
    return out


def _summary_and_findings(counted: pd.DataFrame, classes: pd.DataFrame, layers: Sequence[OccLayer], parea: np.ndarray,
                          nos: np.ndarray, names: np.ndarray, types: list[str], vocab: Any, rules: Rules,
                          excs: list[set[str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    cols = _summary_columns(counted, classes, {lyr.kind for lyr in layers}, parea)
    findings = _findings(counted, classes, layers, parea, nos, names, types, vocab, rules, excs)
    verdict, reason = _verdicts(findings, len(parea))
    summary = pd.DataFrame({"project_no": nos, **cols, "occ_verdict": verdict, "occ_reason": reason})
    return summary, findings


def _summary_columns(counted: pd.DataFrame, classes: pd.DataFrame, kinds: set[str], parea: np.ndarray) -> dict[str, np.ndarray]:
    n = len(parea)
    cols: dict[str, np.ndarray] = {k: np.full(n, np.nan) for k in SUMMARY_COLUMNS if k not in ("occ_verdict", "occ_reason")}
    poly = parea > 0

    def taken(kind: str, col: str = "gross_m2", prefix: str | None = None) -> np.ndarray:
        sub = counted[counted["layer_kind"] == kind] if len(counted) else counted
        if prefix is not None and len(sub):
            sub = sub[sub["code"].astype(str).str.startswith(prefix)]
        return _sum_by_project(sub, n, col)

    for kind in ("yjjbnt", "stbhhx"):
        if kind in kinds:
            a = taken(kind)
            cols[f"occ_{kind}_m2"] = np.where(poly, a.round(2), np.nan)
            cols[f"occ_{kind}_mu"] = np.where(poly, mu(a).round(4), np.nan)
    if "czkfbj" in kinds:
        inside = np.minimum(taken("czkfbj"), parea)  # overlapping boundary parts must not count twice
        cols["occ_czkfbj_in_mu"] = np.where(poly, mu(inside).round(4), np.nan)
        cols["occ_czkfbj_out_mu"] = np.where(poly, mu(np.maximum(parea - inside, 0)).round(4), np.nan)
    if "dltb" in kinds:
        cols["occ_gengdi_mu"] = np.where(poly, mu(taken("dltb", "net_m2", "01")).round(4), np.nan)
        cols["occ_gengdi_gross_mu"] = np.where(poly, mu(taken("dltb", "gross_m2", "01")).round(4), np.nan)
        big = classes[(classes["layer_kind"] == "dltb") & (classes["level"] == "三大类")] if len(classes) else classes
        for key, label in (("occ_agri_mu", "农用地"), ("occ_built_mu", "建设用地"), ("occ_unused_mu", "未利用地")):
            sub = big[big["name"] == label] if len(big) else big
            cols[key] = np.where(poly, mu(_sum_by_project(sub, n, "net_m2")).round(4), np.nan)
    return cols


def _findings(counted: pd.DataFrame, classes: pd.DataFrame, layers: Sequence[OccLayer], parea: np.ndarray, nos: np.ndarray,
              names: np.ndarray, types: list[str], vocab: Any, rules: Rules, excs: list[set[str]]) -> pd.DataFrame:
    """One row per project × rule that applies: fired (its verdict) or passed (符合), with the basis."""
    n = len(parea)
    poly = parea > 0
    finds: list[dict[str, Any]] = []
    keys = [type_keys(t, vocab) for t in types]
    for rule in rules.rules:
        for lyr in [lyr for lyr in layers if lyr.kind == rule.kind]:
            sub = counted[counted["layer_id"] == lyr.id] if len(counted) else counted
            if rule.kind in ("ghydyh", "ghfq", "kg"):
                finds += _class_findings(rule, lyr, classes, keys, nos, names, excs, rules)
                continue
            if rule.codes and len(sub):
                sub = sub[sub["code"].astype(str).str.startswith(tuple(rule.codes))]
            area = _sum_by_project(sub, n, "net_m2" if rule.kind == "dltb" else "gross_m2")  # 耕地: net of 田坎
            if rule.kind == "czkfbj":  # what lies outside the boundary
                area = np.maximum(parea - np.minimum(area, parea), 0)
            bound = np.maximum(rules.sliver_m2, rules.sliver_share * parea) if rule.kind == "czkfbj" else np.zeros(n)
            for i in np.flatnonzero(poly):
                if applies(rule, keys[i]):
                    finds.append(_finding(rule, lyr, i, nos, names, area[i], excs[i], rules, area[i] > bound[i]))
    fcols = ["project_no", "project", "pi", "layer_id", "layer", "rule_id", "rule", "verdict", "area_m2", "area_mu",
             "exception", "basis", "fired"]
    return pd.DataFrame(finds, columns=fcols)


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
    np.maximum.at(worst, pis, findings["verdict"].map(SEVERITY).to_numpy())
    has = np.zeros(n, bool)
    has[pis] = True
    verdict[has] = np.array(["符合", "需关注", "冲突"], dtype=object)[worst[has]]
    fired = findings[findings["fired"]]
    if len(fired):
        text = fired["rule"] + "(" + fired["area_mu"].map(lambda v: f"{v:.4f}") + " 亩," + fired["verdict"] + ")"
        joined = text.groupby(fired["pi"]).agg(";".join)
        reason[joined.index.to_numpy(dtype=np.int64)] = joined.to_numpy()
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


# ------------------------------------------------------------------------------ choosing the layers


def open_existing_store(url: str | None = None) -> Any:
    """The store ``url`` (default ``LUKOU_STORE``) when there is one, else None (a check must not create
    an empty GeoPackage in the data dir)."""
    from pathlib import Path

    from lukou_geo.settings import get_settings
    from lukou_geo.store import open_store

    target = url or get_settings().store_url
    if not target.startswith(("postgresql://", "postgres://")) and not Path(target).exists():
        return None
    return open_store(target)


def resolve_layers(spec: str | None, catalog: Any, store: Any) -> tuple[frozenset[str] | None, list[str]]:
    """``--layers ID,ID,…`` → (the plan's zone layers to check, the store layers to check).

    None/"" → every plan zone layer (None) and :func:`default_layer_ids`. An id neither a zone
    layer of the catalog nor a store layer raises :class:`~lukou_geo.errors.InputError` listing both.
    """
    from lukou_geo.errors import InputError

    zone_ids = [lyr.id for lyr in catalog.layers if lyr.check == "zone"]
    store_ids = [i.id for i in store.layers()] if store is not None else []
    if not spec:
        return None, default_layer_ids(store) if store is not None else []
    want = [s.strip() for s in spec.split(",") if s.strip()]
    bad = [w for w in want if w not in zone_ids and w not in store_ids]
    if bad:
        raise InputError("--layers", f"没有图层 {bad[0]}", f"no layer {bad[0]!r}",
                         f"可选:规划分区 {', '.join(zone_ids)};导入图层 {', '.join(store_ids) or '(无)'}",
                         f"choose from the plan's zones {', '.join(zone_ids)} and the imported {', '.join(store_ids) or '(none)'}")
    return frozenset(w for w in want if w in zone_ids), [w for w in want if w in store_ids]
