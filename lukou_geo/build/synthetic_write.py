"""Write the synthetic layers of :mod:`lukou_geo.build.synthetic` as planners receive them, through GDAL (pyogrio).

:func:`write_sample` writes into one folder:

=====================================  ===========================================  ==========================
file                                   what                                         CRS
=====================================  ===========================================  ==========================
``DLTB_合成示例.gdb/``                 FileGDB, layer ``DLTB``                      EPSG:4526 (zone prefix 38)
``DLTB_合成示例_4547_GBK.zip``         the same DLTB, GBK shapefile, no ``.cpg``    EPSG:4547
``YJJBNT_合成示例_4490_GBK.zip``       永久基本农田, GBK shapefile with ``.cpg``    EPSG:4490
``STBHHX_CZKFBJ_合成示例_4490.gpkg``   layers ``STBHHX`` and ``CZKFBJ``             EPSG:4490
``GHYDYH_合成示例_4490.gpkg``          layer ``GHYDYH`` (用地用海)                  EPSG:4490
``红线_合成示例_部标.txt``             two red lines, 部标 界址点坐标 TXT (GBK)     CGCS2000 GK zone 38, prefix
``README.txt``                         what this is (合成示例) and how to use it    —
=====================================  ===========================================  ==========================
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from lukou_geo.build.synthetic import SEED, SJLY, SJLY_EN, sample_layers
from lukou_geo.settings import MEASURE_CRS, REPO_ROOT

#: The files :func:`write_sample` writes, by layer key.
FILES: dict[str, str] = {
    "dltb_gdb": "DLTB_合成示例.gdb",
    "dltb_shp": "DLTB_合成示例_4547_GBK.zip",
    "yjjbnt": "YJJBNT_合成示例_4490_GBK.zip",
    "sqsx": "STBHHX_CZKFBJ_合成示例_4490.gpkg",
    "ghydyh": "GHYDYH_合成示例_4490.gpkg",
    "redlines": "红线_合成示例_部标.txt",
    "readme": "README.txt",
}
_ZIP_DATE = (2024, 12, 1, 0, 0, 0)  # fixed member dates: the same bytes for the same seed


def zone38_prefixed(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """EPSG:4547 → EPSG:4526 exactly: the two differ only in the false easting (500 km vs 38,500 km, zone 38's
    prefix), so the easting gains 38,000,000 m (pyproj would go through lon/lat and back, 20x slower, same result)."""
    out = gdf.to_crs(MEASURE_CRS).copy()
    out.geometry = shapely.transform(out.geometry.values, lambda c: c + np.array([38e6, 0.0]))
    return out.set_crs("EPSG:4526", allow_override=True)


def _zip_shapefile(gdf: gpd.GeoDataFrame, path: Path, stem: str, crs: str, cpg: bool) -> None:
    """A zipped GBK shapefile (``.cpg`` kept or dropped, as deliveries vary), members in a fixed order and date."""
    with tempfile.TemporaryDirectory(prefix="lukou-sample-") as tmp:
        shp = Path(tmp) / f"{stem}.shp"
        pyogrio.write_dataframe(gdf.to_crs(crs), shp, encoding="GBK", layer_options={"RESIZE": "YES"})
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(Path(tmp).iterdir()):
                if f.suffix.lower() == ".cpg" and not cpg:
                    continue
                zf.writestr(zipfile.ZipInfo(f.name, date_time=_ZIP_DATE), f.read_bytes(), zipfile.ZIP_DEFLATED)


def _bubiao_lines(red: gpd.GeoDataFrame) -> list[str]:
    lines = [
        "[属性描述]",
        "格式版本号=1.01",
        f"数据产生单位={SJLY}",
        "数据产生日期=2024-12-01",
        "坐标系=2000国家大地坐标系",
        "几度分带=3",
        "投影类型=高斯克吕格",
        "计量单位=米",
        "带号=38",
        "精度=0.001",
        "转换参数=,,,,,,",
        "[地块坐标]",
    ]
    for k, (name, use, g) in enumerate(zip(red["name"], red["ptype"], red.to_crs(MEASURE_CRS).geometry.values, strict=True), start=1):
        rings = [shapely.get_exterior_ring(p) for p in shapely.get_parts(g)]
        rings += [r for p in shapely.get_parts(g) for r in p.interiors]
        pts = [(ring_no, e, n) for ring_no, r in enumerate(rings, start=1) for e, n in shapely.get_coordinates(r)]
        lines.append(f"{len(pts)},{g.area / 1e4:.4f},{k},{name},面,,{use},,@")
        lines += [f"J{i},{ring_no},{n:.3f},{e + 38e6:.3f}" for i, (ring_no, e, n) in enumerate(pts, start=1)]
    return lines


def write_bubiao_txt(red: gpd.GeoDataFrame, path: Path) -> Path:
    """Red lines (fields ``name``, ``ptype``) as a 部标 界址点坐标 TXT: CGCS2000 3° GK zone 38, X = northing first,
    Y with the zone prefix (38…), GBK, ring 1 the outer ring (the first point repeated at its end)."""
    path.write_text("\n".join(_bubiao_lines(red)) + "\n", encoding="gbk")
    return path


def _counts(layers: dict[str, gpd.GeoDataFrame]) -> dict[str, str]:
    d = layers["dltb"]
    out = {k: f"{len(v):,}" for k, v in layers.items()}
    share = d.groupby(d["DLBM"].str[:2])["TBMJ"].sum() / d["TBMJ"].sum()
    out["gengdi"] = f"{share.get('01', 0.0):.0%}"
    out["lindi"] = f"{share.get('03', 0.0):.0%}"
    out["area_km2"] = f"{d['TBMJ'].sum() / 1e6:,.2f}"
    out.setdefault("ghydyh", "0（未写出 / not written）")
    return out


_README = """合成示例数据 / SYNTHETIC SAMPLE DATA
==================================================

【重要】本文件夹中的全部数据都是程序生成的合成示例（合成示例，非真实数据），不是三调、三区三线或国土空间规划的成果，
不得用于审批、统计、核查结论或任何正式用途。每个图层都有字段 SJLY = "{sjly}"。

生成方式：lukou_geo/build/synthetic.py（仓库中的脚本 examples/make_sample.py 调用它），随机种子 {seed}，地类图斑 {dltb} 个。
  - 地类图斑 DLTB：在渌口区真实区界（geodata/district.geojson）内取随机点，做泰森多边形（Voronoi）并裁剪到区界，
    再把每条公共边加密、弯折（相邻两图斑同样处理），因此图斑无缝、无重叠地铺满全区（{area_km2} 平方公里），每个图斑 {vmin}–{vmax} 个顶点。
    地类按合成地形分布：耕地约 {gengdi}（河谷），林地约 {lindi}（山地），湘江为河流水面，城镇住宅、工业等在镇区周围。
    TBMJ 为图斑在 EPSG:4547 中的面积；田坎系数 KCXS 只在耕地上（0.02–0.15），KCMJ = TBMJ × KCXS，TBDLMJ = TBMJ − KCMJ。
    坐落单位代码 ZLDWDM 为 430212 + 镇代码 + 合成的村代码（村不存在）。
  - 永久基本农田 YJJBNT：城镇开发边界外的部分耕地图斑（{yjjbnt} 个），YJJBNTMJ 为图斑地类面积（扣除田坎）。
  - 生态保护红线 STBHHX：山地林地斑块和湘江（{stbhhx} 个），名称均带“（合成）”。
  - 城镇开发边界 CZKFBJ：各镇驻地周围的城镇集中建设区、城镇弹性发展区、特别用途区（{czkfbj} 个；规划分区代码为本程序假定）。
  - 规划用地用海 GHYDYH：城镇集中建设区内的用地用海（{ghydyh} 个，2023 分类代码）。
  - 红线：两个合成项目红线（部标界址点坐标 TXT），一个跨永久基本农田与生态保护红线，一个在城镇开发边界内。

文件：
  {f_dltb_gdb}/            FileGDB，图层 DLTB，EPSG:4526（CGCS2000 3度带第38带，横坐标带带号）
  {f_dltb_shp}     同一 DLTB 的 Shapefile（GBK 编码，无 .cpg），EPSG:4547（中央经线 114°E）
  {f_yjjbnt}   永久基本农田 Shapefile（GBK，有 .cpg），EPSG:4490
  {f_sqsx}  GeoPackage，图层 STBHHX（生态保护红线）、CZKFBJ（城镇开发边界），EPSG:4490
  {f_ghydyh}         GeoPackage，图层 GHYDYH（规划用地用海），EPSG:4490
  {f_red}            部标界址点坐标 TXT（GBK），CGCS2000 3度带第38带，X 为纵坐标（北），Y 带带号

使用（两分钟试用）：
  1. 生成：python examples/make_sample.py（默认写到 examples/sample/；--n-dltb 150000 生成基准规模）。
  2. 导入：在本应用中把上列图层作为权威图层导入（三调地类图斑选 .gdb 文件夹或 DLTB zip，其余选对应的 zip 或 .gpkg 图层）；
     坐标系由文件自带，无 .cpg 的 Shapefile 须按 GBK 读取。也可直接用 QGIS / ArcGIS 打开检查。
  3. 核查：在“选址核查”页上传 {f_red}，或在命令行运行
     python -m lukou_geo check "{folder}/{f_red}" --out report.xlsx   （在仓库根目录运行）

--------------------------------------------------------------------------------------------------------------

IMPORTANT: everything in this folder is generated by a program ({sjly_en}). It is not 三调 (land survey),
三区三线 or spatial-plan data and must not be used for approvals, statistics, check conclusions or any official
purpose. Every layer has the field SJLY = "{sjly}", and every name that could be shown says 合成 (synthetic).

How it was made: lukou_geo/build/synthetic.py (called by examples/make_sample.py), seed {seed}, {dltb} parcels.
  - DLTB (land-use parcels): Voronoi cells of random points inside the real district outline, clipped to it; every
    shared edge is densified and bent the same way for both parcels, so the parcels tile the district ({area_km2} km²)
    with no gap or overlap and have {vmin}–{vmax} vertices each. Classes follow a synthetic terrain: about {gengdi} 耕地
    (cropland, in the valleys), {lindi} 林地 (forest, on the hills), the Xiang River as 河流水面, built-up land around
    the town seats. TBMJ is the parcel's area in EPSG:4547; KCXS (田坎 coefficient, 0.02–0.15) on cropland only;
    KCMJ = TBMJ × KCXS; TBDLMJ = TBMJ − KCMJ. ZLDWDM = 430212 + town code + a synthetic village code.
  - YJJBNT (permanent basic farmland): {yjjbnt} cropland parcels outside the urban development boundary.
  - STBHHX (ecological red line): {stbhhx} patches of hill forest and reaches of the Xiang River.
  - CZKFBJ (urban development boundary): {czkfbj} zones around the town seats (the GHFQDM codes are assumed).
  - GHYDYH (planned land use): {ghydyh} polygons inside the 城镇集中建设区, 2023 用地用海 codes.
  - Red lines: two synthetic project sites in a 部标 boundary-point TXT: one across YJJBNT and STBHHX, one inside CZKFBJ.

Files: see the list above (FileGDB in EPSG:4526 with the zone prefix; GBK shapefile without .cpg in EPSG:4547;
GBK shapefile with .cpg in EPSG:4490; GeoPackages in EPSG:4490; the TXT in CGCS2000 GK zone 38 with the prefix).

Try it in two minutes: (1) python examples/make_sample.py (writes examples/sample/; --n-dltb 150000 for the
benchmark size); (2) import the layers as authoritative layers in the atlas (the .gdb folder or the DLTB zip for
三调, the zip or the .gpkg layers for the others; the CRS comes with each file; read the shapefile without .cpg as
GBK), or open them in QGIS/ArcGIS; (3) check the red lines: upload {f_red} on the 选址核查 (site check)
page, or run (from the repository root)  python -m lukou_geo check "{folder}/{f_red}" --out report.xlsx
"""


def _readme(layers: dict[str, gpd.GeoDataFrame], seed: int, vertices: tuple[int, int], folder: Path) -> str:
    c = _counts(layers)
    try:
        shown = folder.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        shown = folder.resolve().as_posix()
    files = {f"f_{k}": v for k, v in FILES.items()}
    files["f_red"] = files.pop("f_redlines")
    return _README.format(sjly=SJLY, sjly_en=SJLY_EN, seed=seed, vmin=vertices[0], vmax=vertices[1], folder=shown, **c, **files)


def _gpkg(path: Path, parts: list[tuple[str, gpd.GeoDataFrame, str]]) -> None:
    path.unlink(missing_ok=True)
    for layer, gdf, title in parts:
        pyogrio.write_dataframe(
            gdf.to_crs("EPSG:4490"), path, layer=layer, driver="GPKG", promote_to_multi=True,
            layer_options={"IDENTIFIER": f"{title}（合成示例）", "DESCRIPTION": f"{SJLY} {SJLY_EN}"},
        )  # fmt: skip


def write_layers(layers: dict[str, gpd.GeoDataFrame], folder: str | Path, seed: int = SEED, vertices: tuple[int, int] = (10, 30)) -> dict[str, Path]:
    """Write the layers of :func:`~lukou_geo.build.synthetic.sample_layers` into ``folder`` (created; these files
    replaced); ``seed`` and ``vertices`` are what made them, for the README. Returns {key of :data:`FILES`: path}
    (no ``ghydyh`` when the layers hold none)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = {k: out / v for k, v in FILES.items()}
    if paths["dltb_gdb"].exists():
        shutil.rmtree(paths["dltb_gdb"])
    d = layers["dltb"]
    pyogrio.write_dataframe(
        zone38_prefixed(d), paths["dltb_gdb"], layer="DLTB", driver="OpenFileGDB", promote_to_multi=True,
        layer_options={"LAYER_ALIAS": "地类图斑（合成示例）", "DOCUMENTATION": f"{SJLY} {SJLY_EN}"},
    )  # fmt: skip
    _zip_shapefile(d, paths["dltb_shp"], "DLTB_合成示例", "EPSG:4547", cpg=False)
    _zip_shapefile(layers["yjjbnt"], paths["yjjbnt"], "YJJBNT_合成示例", "EPSG:4490", cpg=True)
    _gpkg(paths["sqsx"], [("STBHHX", layers["stbhhx"], "生态保护红线"), ("CZKFBJ", layers["czkfbj"], "城镇开发边界")])
    if layers.get("ghydyh") is not None:
        _gpkg(paths["ghydyh"], [("GHYDYH", layers["ghydyh"], "规划用地用海")])
    else:
        del paths["ghydyh"]
    write_bubiao_txt(layers["redlines"], paths["redlines"])
    paths["readme"].write_text(_readme(layers, seed, vertices, out), encoding="utf-8-sig")
    return paths


def write_sample(
    folder: str | Path,
    n_dltb: int = 3000,
    seed: int = SEED,
    n_yjjbnt: int | None = None,
    n_stbhhx: int = 30,
    vertices: tuple[int, int] = (10, 30),
    with_ghydyh: bool = True,
) -> dict[str, Path]:
    """Generate the synthetic set (:func:`~lukou_geo.build.synthetic.sample_layers`) and write it into ``folder``
    (see the module's table). Returns {key of :data:`FILES`: path}."""
    layers = sample_layers(n_dltb, seed, n_yjjbnt, n_stbhhx, vertices)
    if not with_ghydyh:
        layers.pop("ghydyh")
    return write_layers(layers, folder, seed, vertices)


def in_crs(gdf: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """``gdf`` in ``crs``; EPSG:4526 (zone 38 with its prefix) by :func:`zone38_prefixed`, the rest through pyproj."""
    from pyproj import CRS

    return zone38_prefixed(gdf) if CRS.from_user_input(crs).to_epsg() == 4526 else gdf.to_crs(crs)


def write_delivery(gdf: gpd.GeoDataFrame, out: str | Path, layer: str = "DLTB", crs: str = "EPSG:4490") -> Path:
    """Write one synthetic layer as one delivery, in ``crs``, in the import format ``out``'s suffix names
    (:mod:`lukou_geo.store.formats`): a FileGDB folder, a zipped GBK shapefile (with ``.cpg``), or any
    single-file format GDAL writes (GeoPackage, GeoJSON, FlatGeobuf, KML). ``out`` is replaced."""
    from lukou_geo.store import formats

    out = Path(out)
    fmt = formats.kind_of(out.suffix)
    if fmt is None or fmt.id == "kmz":
        raise formats.unsupported(out.name, out.suffix)
    if out.is_dir():
        shutil.rmtree(out)
    out.unlink(missing_ok=True)
    frame = in_crs(gdf, crs)
    if fmt.folder:
        pyogrio.write_dataframe(frame, out, layer=layer, driver="OpenFileGDB", promote_to_multi=True,
                                layer_options={"DOCUMENTATION": f"{SJLY} {SJLY_EN}"})
    elif fmt.archive:
        _zip_shapefile(frame, out, layer, str(frame.crs), cpg=True)
    else:
        pyogrio.write_dataframe(frame, out, layer=layer)
    return out


def layer_counts(paths: dict[str, Path]) -> dict[str, int]:
    """Features per written layer, read back through GDAL (for the script's summary)."""
    out: dict[str, int] = {}
    for key in ("dltb_gdb", "dltb_shp", "yjjbnt", "sqsx", "ghydyh"):
        if key not in paths:
            continue
        for name, _ in pyogrio.list_layers(paths[key]):
            out[f"{paths[key].name}:{name}"] = int(pyogrio.read_info(paths[key], layer=name)["features"])
    return out
