"""``python -m lukou_geo layers {import,list,remove,export}``: the store from the command line.

Imports of the store's modules happen when a command runs, so ``--help`` stays light. Messages
are Chinese first, then English; errors are the store's own (file, layer, field, fix).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import time
from typing import Any

from lukou_geo.store import formats
from lukou_geo.store.base import KINDS
from lukou_geo.text import t

KIND_CHOICES = tuple(KINDS)
FORMAT_CHOICES = formats.export_ids()


def default_user() -> str:
    return os.environ.get("LUKOU_USER") or getpass.getuser()


def add_layers_parser(sub: Any) -> None:
    """Add ``layers`` and its subcommands to the main parser's subparsers."""
    layers = sub.add_parser("layers", help="图层存储:导入、列出、删除、导出 / the layer store: import, list, remove, export")
    lsub = layers.add_subparsers(dest="layers_cmd", required=True)
    imp = lsub.add_parser("import", help=f"导入图层({formats.describe('zh')})/ import a layer ({formats.describe('en')})")
    imp.add_argument("path", help="文件或 .gdb 文件夹 / the file or .gdb folder")
    imp.add_argument("--id", dest="layer_id", help="图层编号(小写字母、数字、_)/ layer id (default: from the layer name)")
    imp.add_argument("--title", help="图层名称 / the layer's title")
    imp.add_argument("--kind", choices=KIND_CHOICES, help="图层类型(默认按图层名和字段识别)/ layer kind (default: recognised)")
    imp.add_argument("--sublayer", help="多图层文件中的图层名 / the layer of a multi-layer file")
    imp.add_argument("--crs", help="文件未声明坐标系时使用:wgs84、gk-zone:38、gk-cm:114、EPSG:4547 … / CRS for files that declare none")
    imp.add_argument("--encoding", help="Shapefile 属性编码(默认按 .cpg 或自动识别)/ .dbf encoding (default: .cpg or detected)")
    imp.add_argument("--user", default=None, help="操作人(默认 LUKOU_USER 或登录名)/ who imports")
    imp.set_defaults(run=run_import)
    lst = lsub.add_parser("list", help="列出图层 / list the layers")
    lst.add_argument("--json", action="store_true", help="JSON 输出 / print JSON")
    lst.set_defaults(run=run_list)
    rem = lsub.add_parser("remove", help="删除图层 / remove a layer")
    rem.add_argument("layer_id")
    rem.add_argument("--user", default=None, help="操作人 / who removes")
    rem.set_defaults(run=run_remove)
    exp = lsub.add_parser("export", help="导出图层 / export a layer")
    exp.add_argument("layer_id")
    exp.add_argument("--format", required=True, choices=FORMAT_CHOICES,
                     help=" / ".join(t("formats.export_help", lg, choices=("、" if lg == "zh" else ", ").join(
                         f"{f.id} = {f.label(lg)}" for f in formats.EXPORT_FORMATS)) for lg in ("zh", "en")))
    exp.add_argument("--out", required=True, help="输出文件 / output file")
    exp.add_argument("--where", action="append", default=[], metavar="EXPR",
                     help="筛选(可重复):字段=值、lk_code^=前缀、text=文字、bbox=经,纬,经,纬、fid=1,2,3 / filter (repeatable)")
    exp.add_argument("--crs", help="输出坐标系(默认 EPSG:4326;dxf、bubiao 为 EPSG:4526)/ output CRS")
    exp.set_defaults(run=run_export)


class Printer:
    """Progress on stderr: one line per step, at most one a second for the same step."""

    def __init__(self) -> None:
        self.last = ("", 0.0)

    def __call__(self, fraction: float, message: str) -> None:
        step = message.split(" / ")[0].rstrip("0123456789%/ ")
        now = time.monotonic()
        if step == self.last[0] and now - self.last[1] < 1.0 and fraction < 1.0:
            return
        self.last = (step, now)
        print(f"[{fraction * 100:5.1f}%] {message}", file=sys.stderr, flush=True)


def run_import(args: argparse.Namespace) -> int:
    from lukou_geo.accounts import guarded
    from lukou_geo.registry import audit
    from lukou_geo.store import open_store
    from lukou_geo.store.importer import import_layer

    with open_store() as store:
        who = guarded(store, args.user or default_user(), "layers.import", local=True, target=f"layer:{args.layer_id or args.path}").name
        rep = import_layer(store, args.path, layer_id=args.layer_id, title=args.title, kind=args.kind, sublayer=args.sublayer,
                           crs=args.crs, encoding=args.encoding, user=who, progress=Printer())
        audit.log(store, who, "layer.import", f"layer:{rep.layer.id}", {"version": rep.layer.version, "features": rep.layer.features,
                                                                       "source_file": rep.layer.source_file, "sha256": rep.layer.sha256})
    info = rep.layer
    print(f"已导入图层 {info.id}「{info.title}」(第 {info.version} 版,{info.kind}):{info.features} 个要素,用时 {rep.seconds:.1f} 秒 / "
          f"imported layer {info.id} (version {info.version}, {info.kind}): {info.features} features in {rep.seconds:.1f} s")
    print(f"读取 {rep.read},修复 {rep.repaired},舍弃 {rep.dropped},区外 {rep.outside} / "
          f"read {rep.read}, repaired {rep.repaired}, dropped {rep.dropped}, outside {rep.outside}")
    print(f"坐标系 {info.source_crs},编码 {info.encoding},瓦片 {info.tiles.get('count', 0)} 张 / "
          f"source CRS {info.source_crs}, encoding {info.encoding}, {info.tiles.get('count', 0)} tiles")
    for note in rep.notes:
        print(f"  · {note}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from lukou_geo.store import open_store

    with open_store() as store:
        layers = store.layers()
    return print_listing(args.json, [info.as_dict() for info in layers], "存储中还没有图层 / the store has no layers yet",
                         "编号/id\t名称/title\t类型/kind\t要素/features\t坐标系/source CRS\tsha256\t字段/fields\t导入时间/imported_at",
                         [f"{i.id}\t{i.title}\t{i.kind}\t{i.features}\t{i.source_crs}\t{i.sha256[:12]}\t{len(i.fields)}\t{i.imported_at}"
                          for i in layers])


def print_listing(as_json: bool, records: list[dict[str, Any]], empty: str, header: str, rows: list[str]) -> int:
    """A ``list`` command's output: the records as JSON, or a tab-separated table (``empty`` when there is none)."""
    if as_json:
        print(json.dumps(records, ensure_ascii=False, indent=1))
    elif not rows:
        print(empty)
    else:
        print("\n".join([header, *rows]))
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from lukou_geo.accounts import guarded
    from lukou_geo.registry import audit
    from lukou_geo.store import open_store

    with open_store() as store:
        who = guarded(store, args.user or default_user(), "layers.remove", local=True, target=f"layer:{args.layer_id}").name
        store.remove_layer(args.layer_id, who)
        audit.log(store, who, "layer.remove", f"layer:{args.layer_id}", {})
    print(f"已删除图层 {args.layer_id} / removed layer {args.layer_id}")
    return 0


def parse_where(items: list[str]) -> tuple[Any, list[int] | None]:
    """``--where`` expressions → (TableFilter, fids)."""
    from lukou_geo.errors import StoreError
    from lukou_geo.store.base import TableFilter

    kw: dict[str, Any] = {"equals": []}
    fids: list[int] | None = None
    for raw in items:
        key, sep, value = raw.partition("=")
        key = key.strip()
        try:
            if not sep or not key:
                raise ValueError(raw)
            if key.endswith("^"):
                if key[:-1] not in ("lk_code", "code"):
                    raise ValueError(raw)
                kw["code_prefix"] = value.strip()
            elif key == "bbox":
                box = tuple(float(v) for v in value.split(","))
                if len(box) != 4:
                    raise ValueError(raw)
                kw["bbox"] = box
            elif key in ("fid", "fids", "lk_fid"):
                fids = [int(v) for v in value.split(",") if v.strip()]
            elif key == "text":
                kw["text"] = value
            else:
                kw["equals"].append((key, value))
        except ValueError as exc:
            raise StoreError(
                f"--where「{raw}」无法识别:可用 字段=值、lk_code^=前缀、text=文字、bbox=最小经度,最小纬度,最大经度,最大纬度、fid=1,2,3",
                f"--where {raw!r} not understood: use FIELD=VALUE, lk_code^=PREFIX, text=TEXT, bbox=minlon,minlat,maxlon,maxlat or fid=1,2,3",
            ) from exc
    kw["equals"] = tuple(kw["equals"])
    return TableFilter(**kw), fids


def run_export(args: argparse.Namespace) -> int:
    from lukou_geo.store import open_store
    from lukou_geo.store.export import export_layer

    flt, fids = parse_where(args.where)
    with open_store() as store:
        out = export_layer(store, args.layer_id, args.format, args.out, fids=fids, flt=flt, crs=args.crs)
    print(f"已导出 {args.layer_id} → {out} / exported {args.layer_id} to {out}")
    return 0
