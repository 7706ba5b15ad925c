"""``python -m lukou_geo basemaps {register,list,remove}``: the local basemaps from the command line.

``register`` takes an MBTiles, PMTiles or GeoTIFF file (a GeoTIFF is converted to MBTiles, with progress
on stderr). Registering and removing are admin actions, authorised and audited through the store like
``layers import``. Messages are Chinese first, then English.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any


def add_basemaps_parser(sub: Any) -> None:
    """Add ``basemaps`` and its subcommands to the main parser's subparsers."""
    bm = sub.add_parser("basemaps", help="本地底图:登记、列出、删除 / local basemaps: register, list, remove")
    bsub = bm.add_subparsers(dest="basemaps_cmd", required=True)
    reg = bsub.add_parser("register", help="登记 MBTiles、PMTiles 或 GeoTIFF(转换为 MBTiles)底图 / register an MBTiles, "
                                           "PMTiles or GeoTIFF (converted to MBTiles) basemap")
    reg.add_argument("path", help="底图文件 / the basemap file (.mbtiles, .pmtiles, .tif, .tiff)")
    reg.add_argument("--id", dest="basemap_id", help="底图编号(小写字母、数字、- 和 _;默认取文件名)/ basemap id (default: from the file name)")
    reg.add_argument("--title", help="底图名称 / the basemap's title")
    reg.add_argument("--attribution", help="版权说明 / attribution")
    reg.add_argument("--user", default=None, help="操作人(默认 LUKOU_USER 或登录名)/ who registers")
    reg.set_defaults(run=run_register)
    lst = bsub.add_parser("list", help="列出底图 / list the basemaps")
    lst.add_argument("--json", action="store_true", help="JSON 输出 / print JSON")
    lst.set_defaults(run=run_list)
    rem = bsub.add_parser("remove", help="删除底图 / remove a basemap")
    rem.add_argument("basemap_id")
    rem.add_argument("--user", default=None, help="操作人 / who removes")
    rem.set_defaults(run=run_remove)


def run_register(args: argparse.Namespace) -> int:
    from lukou_geo.accounts import guarded
    from lukou_geo.map import basemaps
    from lukou_geo.registry import audit
    from lukou_geo.store import open_store
    from lukou_geo.store.cli import Printer, default_user

    with open_store() as store:
        target = f"basemap:{args.basemap_id or args.path}"
        who = guarded(store, args.user or default_user(), "basemaps.register", local=True, target=target).name
        info = basemaps.register_basemap(args.path, user=who, basemap_id=args.basemap_id, title=args.title,
                                         attribution=args.attribution, progress=Printer())
        audit.log(store, who, "basemap.register", f"basemap:{info.id}", {"source_file": info.source_file, "sha256": info.sha256,
                                                                         "source_crs": info.source_crs})
    print(f"已登记底图 {info.id}「{info.title}」:{info.container} / {info.format},第 {info.minzoom}–{info.maxzoom} 级,"
          f"来源 {info.source_file}({info.source_crs or '—'}) / registered basemap {info.id} ({info.container} / {info.format}, "
          f"zoom {info.minzoom}–{info.maxzoom}) from {info.source_file} ({info.source_crs or '—'})")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from lukou_geo.map import basemaps
    from lukou_geo.store.cli import print_listing

    infos = basemaps.list_basemaps()
    return print_listing(args.json, [asdict(b) for b in infos], "还没有登记底图 / no basemap registered yet",
                         "编号/id\t名称/title\t格式/format\t级别/zooms\t来源/source\t坐标系/source CRS\tsha256\t登记人/by\t时间/at",
                         [f"{b.id}\t{b.title}\t{b.container}/{b.format}\t{b.minzoom}-{b.maxzoom}\t{b.source_file}\t{b.source_crs}\t"
                          f"{b.sha256[:12]}\t{b.registered_by}\t{b.registered_at}" for b in infos])


def run_remove(args: argparse.Namespace) -> int:
    from lukou_geo.accounts import guarded
    from lukou_geo.map import basemaps
    from lukou_geo.registry import audit
    from lukou_geo.store import open_store
    from lukou_geo.store.cli import default_user

    with open_store() as store:
        who = guarded(store, args.user or default_user(), "basemaps.remove", local=True, target=f"basemap:{args.basemap_id}").name
        basemaps.remove_basemap(args.basemap_id, who)
        audit.log(store, who, "basemap.remove", f"basemap:{args.basemap_id}", {})
    print(f"已删除底图 {args.basemap_id} / removed basemap {args.basemap_id}")
    return 0
