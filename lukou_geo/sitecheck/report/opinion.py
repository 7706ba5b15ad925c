"""The 审查意见: a 用地预审-style report of a check against imported layers, as DOCX (python-docx) and PDF.

One list of blocks (headings, paragraphs, tables, the map) is built per result by
:func:`opinion_blocks` and written twice, so the DOCX and the PDF say the same: per project
一、项目基本情况, 二、三线协调 (生态保护红线 and 永久基本农田 by feature), 三、城镇开发边界 (inside/outside,
by 规划分区), 四、三调地类 (level-1 and level-2, gross and net of 田坎, in 亩; 三大类; 耕地 and 永久基本农田
apart), 五、规划符合性 (the plan's zones with the plan's words, and 用地用海/规划分区 where imported),
六、界址点坐标表 (CGCS2000 GK zone 38), 七、图件 (the red line over the occupied parts at a stated
scale), 八、审查意见 (the verdicts with their basis), then the data versions (each layer's name,
year, sha256) and the CRS assumed for the input.

Text from data or a user goes into the DOCX through python-docx (which escapes XML) after
:func:`clean_text` drops the characters XML cannot hold; into the PDF as text in the embedded font.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from lukou_geo.sitecheck.occupancy import SQM_PER_MU, Occupancy
from lukou_geo.sitecheck.provenance import note_in

#: projects given a full opinion (the rest are listed in the summary table)
MAX_OPINION_PROJECTS = 20
#: the map's size on paper (mm); the scale is the smallest round scale that fits the red line
MAP_MM = (160.0, 110.0)
MAP_DPI = 150
SCALES = (500, 1000, 2000, 5000, 10_000, 25_000, 50_000, 100_000, 250_000)
DISCLAIMER = ("本意见由渌口规划一张图依据所导入图层自动生成,供用地预审、选址论证初审参考;面积在 CGCS2000 / 3° GK CM 114°E "
              "(EPSG:4547)中量算,须以自然资源主管部门的正式审查为准。")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_KIND_PAINT = {"stbhhx": "#2E7D32", "yjjbnt": "#F9A825", "czkfbj": "#C62828", "ghydyh": "#6A1B9A", "ghfq": "#6A1B9A",
               "kg": "#6A1B9A", "other": "#546E7A"}


def clean_text(v: Any) -> str:
    """A value as text that XML (DOCX) and the PDF can hold: no control characters or lone surrogates."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".") if abs(v) < 1e12 else str(v)
    return _XML_BAD.sub("", str(v))


@dataclass
class Block:
    kind: str  # h1 | h2 | h3 | p | table | img | pagebreak
    text: str = ""
    rows: list[list[str]] | None = None
    png: bytes = b""
    width_mm: float = 0.0


def _table(df: pd.DataFrame) -> Block:
    rows = [[clean_text(c) for c in df.columns]] + [[clean_text(v) for v in r] for r in df.itertuples(index=False)]
    return Block("table", rows=rows)


def _mu(m2: float) -> str:
    return f"{m2 / SQM_PER_MU:.4f}"


# ------------------------------------------------------------------------------ the map


def opinion_map(result: Any, ctx: Any, no: int) -> tuple[bytes, int]:
    """The red line of project ``no`` over the parts it occupies, at a round scale; (PNG, scale denominator)."""
    from lukou_geo.classes import KIND_TABLE, colour, load_table
    from lukou_geo.map.figure import Box, Frame, MplCanvas, Paint, Shapes, draw_map, draw_north_arrow, draw_scale_bar, new_figure, png_bytes, rgba
    from lukou_geo.sitecheck.context import to_metric

    occ: Occupancy = result.occupancy
    i = int(np.flatnonzero(result.summary["project_no"].to_numpy() == no)[0])
    geom = to_metric(result.projects.geometry.values.to_numpy()[i : i + 1])
    minx, miny, maxx, maxy = shapely.total_bounds(geom)
    w_mm, h_mm = MAP_MM
    need = max((maxx - minx) * 1.25 / (w_mm / 1000), (maxy - miny) * 1.25 / (h_mm / 1000), 1.0)
    scale = next((s for s in SCALES if s >= need), int(math.ceil(need / 1000) * 1000))
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    fw, fh = w_mm / 1000 * scale, h_mm / 1000 * scale
    frame = Frame(cx - fw / 2, cy - fh / 2, cx + fw / 2, cy + fh / 2)
    shapes = []
    if ctx is not None and getattr(ctx, "district", None) is not None:
        shapes.append(Shapes(np.array([ctx.district], dtype=object), Paint(edge=rgba("#37474f"), width=1.2), 1))
    if occ.piece_geoms is not None and len(occ.pieces):
        sel = (occ.pieces["project_no"] == no).to_numpy()
        z = 5.0
        for kind in ("dltb", "ghydyh", "ghfq", "kg", "other", "czkfbj", "yjjbnt", "stbhhx"):
            ks = sel & (occ.pieces["layer_kind"] == kind).to_numpy()
            if not ks.any():
                continue
            geoms = occ.piece_geoms[ks]
            if kind in KIND_TABLE:
                table = load_table(KIND_TABLE[kind])
                codes = occ.pieces["code"].to_numpy()[ks]
                for c in sorted(set(codes)):
                    shapes.append(Shapes(geoms[codes == c], Paint(face=rgba(colour(str(c), table), 0.75),
                                                                  edge=rgba("#616161"), width=0.3), z))
            elif kind == "czkfbj":
                shapes.append(Shapes(geoms, Paint(face=rgba(_KIND_PAINT[kind], 0.12), edge=rgba(_KIND_PAINT[kind]), width=1.2,
                                                  dash=(4, 2)), z))
            else:
                hatch = 0.55 if kind in ("stbhhx", "yjjbnt") else 0.35
                shapes.append(Shapes(geoms, Paint(face=rgba(_KIND_PAINT.get(kind, "#546E7A"), hatch),
                                                  edge=rgba(_KIND_PAINT.get(kind, "#546E7A")), width=1.0), z + 10))
            z += 1
    shapes.append(Shapes(geom, Paint(edge=rgba("#d50000"), width=2.2), 40))
    fig = new_figure(w_mm / 25.4, h_mm / 25.4, MAP_DPI)
    draw_map(fig, (0, 0, 1, 1), frame, shapes)
    cv = MplCanvas(fig, w_mm, h_mm)
    box = Box(0, 0, w_mm, h_mm)
    cv.rect(0, 0, w_mm, h_mm, stroke="#37474f", width=0.8)
    draw_scale_bar(cv, box, frame, 1.0)
    draw_north_arrow(cv, box, 1.0, "北 N")
    cv.text(w_mm - 2, h_mm - 5, f"比例尺 1:{scale:,} · EPSG:4547", 7, color="#333333", align="right")
    return png_bytes(fig), scale


# ------------------------------------------------------------------------------ the content


def zh_notes(note: str) -> str:
    """The CRS note in Chinese only: the readers' notes are ``file:中文 / English``, joined by ';'."""
    return ";".join(note_in(part, "zh") for part in str(note or "").split(";") if part)


def _project_blocks(result: Any, ctx: Any, r: pd.Series, crs_note: str, images: bool) -> list[Block]:
    from lukou_geo.sitecheck.boundary_points import CRS_LABEL_ZH, boundary_points

    occ: Occupancy = result.occupancy
    no = int(r["project_no"])
    name = clean_text(r["name"])
    area = float(occ.project_area[int(np.flatnonzero(result.summary["project_no"].to_numpy() == no)[0])])
    b: list[Block] = [Block("h2", f"{no}. {name}")]
    b.append(Block("h3", "一、项目基本情况"))
    info = [("项目名称", name), ("项目类型", clean_text(r.get("ptype", "")) or "未填报"),
            ("用地面积", f"{area:.2f} 平方米 / {area / 1e4:.4f} 公顷 / {area / SQM_PER_MU:.4f} 亩"),
            ("所在镇(近似)", clean_text(r.get("township", ""))), ("是否在区内", clean_text(r.get("in_district", ""))),
            ("数据来源", clean_text(r.get("source", ""))), ("输入坐标系", clean_text(zh_notes(crs_note)))]
    b.append(_table(pd.DataFrame(info, columns=["项目", "内容"])))

    b.append(Block("h3", "二、三线协调(生态保护红线、永久基本农田)"))
    feats = occ.project(no, "features")
    for kind, label in (("stbhhx", "生态保护红线"), ("yjjbnt", "永久基本农田")):
        checked = [m for m in occ.layers if m["kind"] == kind]
        if not checked:
            b.append(Block("p", f"{label}:未导入该图层,未核查。"))
            continue
        fk = feats[feats["layer_kind"] == kind] if len(feats) else feats
        if not len(fk):
            b.append(Block("p", f"{label}:不占用。"))
            continue
        tot = float(fk["gross_m2"].sum())
        b.append(Block("p", f"{label}:占用 {len(fk)} 个图斑,合计 {tot:.2f} 平方米({tot / 1e4:.4f} 公顷,{_mu(tot)} 亩)。"))
        t = fk[["layer", "ref_id", "ref_name", "code", "gross_m2", "ha", "mu"]]
        t.columns = ["图层", "编号", "名称", "分类代码", "面积(平方米)", "面积(公顷)", "面积(亩)"]
        b.append(_table(t))

    b.append(Block("h3", "三、城镇开发边界"))
    cl = occ.project(no, "classes")
    kf = cl[cl["layer_kind"] == "czkfbj"] if len(cl) else cl
    if not [m for m in occ.layers if m["kind"] == "czkfbj"]:
        b.append(Block("p", "未导入城镇开发边界图层,未核查。"))
    else:
        t = kf[["name", "code", "gross_m2", "ha", "mu"]].copy()
        t.columns = ["范围/规划分区", "代码", "面积(平方米)", "面积(公顷)", "面积(亩)"]
        b.append(_table(t))

    b.append(Block("h3", "四、三调地类(毛面积与扣除田坎后的净面积)"))
    dl = cl[cl["layer_kind"] == "dltb"] if len(cl) else cl
    if not [m for m in occ.layers if m["kind"] == "dltb"]:
        b.append(Block("p", "未导入三调地类图斑图层,未核查。"))
    else:
        for level, head in (("一级", "按一级地类"), ("二级", "按二级地类"), ("三大类", "三大类")):
            sub = dl[dl["level"] == level]
            if not len(sub):
                continue
            t = sub[["code", "name", "gross_m2", "net_m2", "ha", "mu"]].copy()
            t["gross_mu"] = (sub["gross_m2"] / SQM_PER_MU).round(4)
            t = t[["code", "name", "gross_m2", "net_m2", "gross_mu", "mu", "ha"]]
            t.columns = ["地类代码", "地类名称", "毛面积(平方米)", "净面积(平方米)", "毛面积(亩)", "净面积(亩)", "净面积(公顷)"]
            b.append(Block("p", head + ":"))
            b.append(_table(t))
        g_net, g_gross = r.get("occ_gengdi_mu", np.nan), r.get("occ_gengdi_gross_mu", np.nan)
        jb = r.get("occ_yjjbnt_mu", np.nan)
        b.append(Block("p", f"其中耕地:净 {clean_text(g_net)} 亩(毛 {clean_text(g_gross)} 亩);永久基本农田:"
                            + (f"{clean_text(jb)} 亩" if not pd.isna(jb) else "未核查") + "。"))

    b.append(Block("h3", "五、规划符合性"))
    pz = result.zones[result.zones["project_no"] == no] if len(result.zones) else result.zones
    b.append(Block("p", f"规划分区核查结论:{clean_text(r.get('verdict', ''))}。{clean_text(r.get('reason', ''))}"))
    if len(pz):
        t = pz[["layer", "zone", "overlap_mu", "share", "verdict", "plan_words"]].copy()
        t.columns = ["图层", "规划分区", "重叠面积(亩)", "占项目比例", "结论", "规划依据"]
        b.append(_table(t))
    plan = cl[cl["layer_kind"].isin(["ghydyh", "ghfq", "kg"]) & (cl["level"] == "二级")] if len(cl) else cl
    if len(plan):
        t = plan[["layer", "code", "name", "gross_m2", "mu", "compatible"]].copy()
        t.columns = ["图层", "分类代码", "分类名称", "面积(平方米)", "面积(亩)", "类型相符"]
        b.append(_table(t))

    b.append(Block("h3", "六、界址点坐标表"))
    b.append(Block("p", f"坐标系:{CRS_LABEL_ZH};按顺时针方向自西北角起编号。"))
    pts = boundary_points(result.projects.geometry.values[int(np.flatnonzero(result.summary["project_no"].to_numpy() == no)[0])])
    b.append(_table(pts) if len(pts) else Block("p", "非面状项目,无界址点。"))

    if images:
        png, scale = opinion_map(result, ctx, no)
        b.append(Block("h3", "七、图件"))
        b.append(Block("img", png=png, width_mm=MAP_MM[0]))
        b.append(Block("p", f"图:项目红线(红色)与所压占的图斑,比例尺 1:{scale:,}(按图宽 {MAP_MM[0]:.0f} 毫米打印),EPSG:4547。"))

    b.append(Block("h3", "八、审查意见"))
    f = occ.project(no, "findings")
    b.append(Block("p", f"压占结论:{clean_text(r.get('occ_verdict', '')) or '未涉及'}。"))
    if len(f):
        t = f[["layer", "rule", "verdict", "area_mu", "exception", "basis"]].copy()
        t.columns = ["图层", "规则", "结论", "面积(亩)", "例外", "依据"]
        b.append(_table(t))
    sl = occ.slivers
    sl = sl[sl["project_no"] == no] if len(sl) else sl
    if len(sl):
        b.append(Block("p", f"另有 {len(sl)} 处细小重叠(合计 {sl['gross_m2'].sum():.3f} 平方米)低于容差,单列不计:"
                            + "、".join(f"{clean_text(a)} {clean_text(c)} {g:.3f}㎡" for a, c, g in
                                       zip(sl["layer"], sl["ref_id"], sl["gross_m2"], strict=True))[:800]))
    b.append(Block("pagebreak"))
    return b


def opinion_blocks(result: Any, ctx: Any, title: str = "建设项目用地压占分析审查意见", crs_note: str = "",
                   images: bool = True) -> list[Block]:
    """The content of the 审查意见 for ``result`` (a check with ``result.occupancy``)."""
    from lukou_geo.sitecheck.boundary_points import CRS_LABEL_ZH
    from lukou_geo.store.base import KINDS

    occ: Occupancy | None = getattr(result, "occupancy", None)
    blocks = [Block("h1", clean_text(title)), Block("p", f"生成时间 {dt.datetime.now():%Y-%m-%d %H:%M} · 项目 {len(result.summary)} 个"),
              Block("p", DISCLAIMER)]
    if occ is None:
        blocks.append(Block("p", "本次核查未使用导入图层(三区三线、三调),无压占分析。"))
        return blocks
    cols = [c for c in ("project_no", "name", "ptype", "area_mu", "occ_stbhhx_mu", "occ_yjjbnt_mu", "occ_czkfbj_out_mu",
                        "occ_gengdi_mu", "verdict", "occ_verdict") if c in result.summary]
    s = result.summary[cols].copy()
    labels = {"project_no": "序号", "name": "项目名称", "ptype": "项目类型", "area_mu": "面积(亩)", "occ_stbhhx_mu": "占生态红线(亩)",
              "occ_yjjbnt_mu": "占永农(亩)", "occ_czkfbj_out_mu": "开发边界外(亩)", "occ_gengdi_mu": "占耕地(亩,净)",
              "verdict": "规划核查", "occ_verdict": "压占结论"}
    s.columns = [labels[c] for c in cols]
    blocks += [Block("h2", "汇总"), _table(s.head(500))]
    for _, r in result.summary.head(MAX_OPINION_PROJECTS).iterrows():
        blocks += _project_blocks(result, ctx, r, crs_note, images)
    if len(result.summary) > MAX_OPINION_PROJECTS:
        blocks.append(Block("p", f"逐项意见只列前 {MAX_OPINION_PROJECTS} 个项目,其余见汇总表与 report_classes.csv。"))
    blocks.append(Block("h2", "数据版本与坐标系"))
    dv = pd.DataFrame([(m["title"], KINDS.get(m["kind"], (m["kind"],))[0], m["year"] or "", m["features"], m["source_file"],
                        m["source_crs"], m["sha256"]) for m in occ.layers],
                      columns=["图层", "类型", "年份", "要素数", "来源文件", "源坐标系", "SHA-256"])
    blocks.append(_table(dv))
    blocks.append(Block("p", f"输入红线的坐标系:{clean_text(zh_notes(crs_note)) or '按输入文件声明'};面积量算坐标系:EPSG:4547;"
                             f"界址点坐标系:{CRS_LABEL_ZH}。"))
    return blocks


# ------------------------------------------------------------------------------ writers


def write_docx(blocks: list[Block], path: str | Path) -> Path:
    """The blocks as a Word document (python-docx)."""
    import io

    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin = sec.right_margin = Mm(18)
    style = doc.styles["Normal"]
    style.font.size = Pt(10.5)
    style.font.name = "SimSun"
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    for blk in blocks:
        if blk.kind in ("h1", "h2", "h3"):
            doc.add_heading(blk.text, level={"h1": 0, "h2": 1, "h3": 2}[blk.kind])
        elif blk.kind == "p":
            doc.add_paragraph(blk.text)
        elif blk.kind == "table" and blk.rows:
            t = doc.add_table(rows=len(blk.rows), cols=len(blk.rows[0]))
            t.style = "Table Grid"
            for i, (row, cells) in enumerate(zip(blk.rows, t.rows, strict=True)):
                # the row's cells once per row: ``Table.cell(i, j)`` walks the whole table at every call
                for v, cell in zip(row, cells.cells, strict=True):
                    cell.text = v
                    for par in cell.paragraphs:
                        for run in par.runs:
                            run.font.size = Pt(8)
                            run.bold = i == 0
        elif blk.kind == "img":
            doc.add_picture(io.BytesIO(blk.png), width=Mm(blk.width_mm))
        elif blk.kind == "pagebreak":
            doc.add_page_break()
    p = Path(path)
    doc.save(str(p))
    return p


def write_pdf(blocks: list[Block], path: str | Path, title: str = "") -> Path:
    """The blocks as a PDF (A4 portrait) through the atlas's PDF writer."""
    from lukou_geo.output.pdf import PdfWriter

    pdf = PdfWriter("portrait", "A4", page_break=14, title=clean_text(title), creator="渌口规划一张图")
    pdf.add_page()
    for blk in blocks:
        if blk.kind == "h1":
            pdf.line_of_text(11, blk.text, 16)
        elif blk.kind == "h2":
            pdf.skip(2)
            pdf.line_of_text(9, blk.text, 13)
        elif blk.kind == "h3":
            pdf.skip(1)
            pdf.line_of_text(7, blk.text, 11)
        elif blk.kind == "p":
            pdf.paragraph(4.6, blk.text, 9)
        elif blk.kind == "table" and blk.rows:
            pdf.font(7)
            pdf.table(blk.rows, line_height=3.8)
            pdf.skip(1)
        elif blk.kind == "img":
            if pdf.y + blk.width_mm * MAP_MM[1] / MAP_MM[0] > 283:
                pdf.add_page()
            pdf.image(blk.png, x=pdf.left, w=blk.width_mm)
        elif blk.kind == "pagebreak":
            pdf.add_page()
    p = Path(path)
    p.write_bytes(pdf.output())
    return p


def export_opinion(result: Any, ctx: Any, docx_path: str | Path, pdf_path: str | Path | None = None,
                   title: str = "建设项目用地压占分析审查意见", crs_note: str | None = None) -> list[Path]:
    """Write the 审查意见 as DOCX (and PDF when ``pdf_path``); the CRS note defaults to ``result.crs_note``."""
    note = crs_note if crs_note is not None else getattr(result, "crs_note", "")
    t = title if "审查意见" in title else ("建设项目用地压占分析审查意见" if title in ("", "选址核查报告") else f"{title}(审查意见)")
    blocks = opinion_blocks(result, ctx, t, note)
    out = [write_docx(blocks, docx_path)]
    if pdf_path is not None:
        out.append(write_pdf(blocks, pdf_path, t))
    return out
