"""Every input format and CRS of the site check, with files written by GDAL (through pyogrio)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon, box

from lukou_geo import crs as ccrs
from lukou_geo.errors import InputError
from lukou_geo.sitecheck.inputs import parse_coordinate_line, parse_crs, read_bytes, read_coordinates_text, read_path

LON, LAT = 113.1475, 27.605  # inside the Nanzhou park sketch
TO_4547 = Transformer.from_crs("EPSG:4326", "EPSG:4547", always_xy=True)


def _close(g, lon=LON, lat=LAT, tol_m=1.0) -> None:
    p = g.centroid if g.geom_type != "Point" else g
    assert ccrs.haversine_m(p.x, p.y, lon, lat) < tol_m, (p.x, p.y)


def _square_4547(side: float = 1000.0) -> Polygon:
    x, y = TO_4547.transform(LON, LAT)
    return box(x - side / 2, y - side / 2, x + side / 2, y + side / 2)


# ------------------------------------------------------------------------------ text


@pytest.mark.parametrize(
    "line",
    ["113.1475, 27.605", "113.1475 27.605", "113°08'51\"E 27°36'18\"N", "27°36'18\"N 113°08'51\"E",
     "东经113度8分51秒,北纬27度36分18秒", "E113.1475 N27.605", "113.1475,27.605"],
)
def test_pasted_point_forms(line: str) -> None:
    ing = read_coordinates_text(line, "wgs84")
    assert not ing.errors and len(ing.projects) == 1
    _close(ing.projects.geometry[0], tol_m=30)


def test_dms_parse() -> None:
    (lon, h1, d1), (lat, h2, d2) = parse_coordinate_line("113°08'14\"E 27°42'31\"N")
    assert (h1, h2, d1, d2) == ("E", "N", True, True)
    assert lon == pytest.approx(113 + 8 / 60 + 14 / 3600) and lat == pytest.approx(27 + 42 / 60 + 31 / 3600)


def test_pasted_blocks_make_point_line_polygon() -> None:
    text = "113.14,27.60\n\n113.14,27.60\n113.15,27.60\n\n113.14,27.60\n113.15,27.60\n113.15,27.61\n"
    ing = read_coordinates_text(text, "wgs84", name="P")
    assert list(ing.projects.geom_type) == ["Point", "LineString", "Polygon"]
    assert list(ing.projects["name"]) == ["P 1", "P 2", "P 3"]


@pytest.mark.parametrize("crs_name", ["gcj02", "bd09"])
def test_pasted_gcj02_bd09(crs_name: str) -> None:
    lon, lat = ccrs.FROM_WGS84[crs_name](LON, LAT)
    ing = read_coordinates_text(f"{float(lon):.8f},{float(lat):.8f}", crs_name)
    _close(ing.projects.geometry[0], tol_m=0.5)


@pytest.mark.parametrize("prefix", [True, False])
def test_pasted_gauss_kruger_northing_first(prefix: bool) -> None:
    x, y = TO_4547.transform(LON, LAT)
    e = x + (38e6 if prefix else 0)
    ing = read_coordinates_text(f"J1,{y:.3f},{e:.3f}", "gk" if prefix else "gk-cm:114")
    _close(ing.projects.geometry[0], tol_m=0.01)
    auto = read_coordinates_text(f"{y:.3f} {e:.3f}", "auto")
    _close(auto.projects.geometry[0], tol_m=0.01)
    assert not prefix or not any("38带" in n for n in auto.notes)  # the prefix names the zone: no guess needed


def test_gk_without_prefix_needs_zone_when_gk_chosen() -> None:
    x, y = TO_4547.transform(LON, LAT)
    with pytest.raises(InputError, match="带号"):
        read_coordinates_text(f"{y:.1f},{x:.1f}", "gk")


@pytest.mark.parametrize("spec,zone", [("gk-zone:38", 38), ("gk-cm:114", 38), ("EPSG:4526", 38), ("EPSG:4547", 38)])
def test_parse_crs_gk(spec: str, zone: int) -> None:
    assert parse_crs(spec).zone == zone


def test_parse_crs_rejects_unknown() -> None:
    with pytest.raises(InputError, match="无法识别的坐标系"):
        parse_crs("mars")


# ------------------------------------------------------------------------------ tables

CSV_TEXT = "项目名称,经度,纬度,类型\n南洲厂房,113.1475,27.605,新材料\n第二个,113.1480,27.606,住宅\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings(encoding: str) -> None:
    ing = read_bytes(CSV_TEXT.encode(encoding), "p.csv")
    assert list(ing.projects["name"]) == ["南洲厂房", "第二个"]
    assert list(ing.projects["ptype"]) == ["新材料", "住宅"]
    _close(ing.projects.geometry[0])


@pytest.mark.parametrize("header", ["lng,lat", "lon,lat", "longitude,latitude", "X,Y", "经度(°),纬度(°)"])
def test_csv_column_names(header: str) -> None:
    ing = read_bytes(f"name,{header}\nA,{LON},{LAT}\n".encode(), "p.csv")
    assert len(ing.projects) == 1 and not ing.errors
    _close(ing.projects.geometry[0])


def test_csv_projected_xy_survey_order_and_semicolon() -> None:
    x, y = TO_4547.transform(LON, LAT)
    ing = read_bytes(f"名称;X;Y\nA;{y:.2f};{x + 38e6:.2f}\n".encode(), "p.csv")
    _close(ing.projects.geometry[0], tol_m=0.01)


def test_csv_gcj02_column_crs() -> None:
    lon, lat = ccrs.wgs84_to_gcj02(LON, LAT)
    ing = read_bytes(f"名称,lng,lat\nA,{float(lon):.8f},{float(lat):.8f}\n".encode(), "p.csv", crs="gcj02")
    _close(ing.projects.geometry[0], tol_m=0.5)


def test_csv_wkt_polygon() -> None:
    ing = read_bytes(b'name,WKT\nA,"POLYGON((113.14 27.60, 113.15 27.60, 113.15 27.61, 113.14 27.60))"\n', "p.csv")
    assert ing.projects.geom_type[0] == "Polygon"


def test_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["名称", "经度", "纬度", "项目类型"])
    wb.active.append(["A", LON, LAT, "物流"])
    wb.active.append(["B", "113°08'51\"", "27°36'18\"", "住宅"])
    buf = io.BytesIO()
    wb.save(buf)
    ing = read_bytes(buf.getvalue(), "p.xlsx")
    assert list(ing.projects["ptype"]) == ["物流", "住宅"] and not ing.errors
    _close(ing.projects.geometry[1], tol_m=30)


# ------------------------------------------------------------------------------ vector files written by GDAL


def _gdf(crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    poly = gpd.GeoSeries([_square_4547()], crs="EPSG:4547").to_crs(crs)
    return gpd.GeoDataFrame({"名称": ["红线地块"], "类型": ["新材料"]}, geometry=poly.values, crs=crs)


@pytest.mark.parametrize("crs", ["EPSG:4547", "EPSG:4490", "EPSG:4326"])
def test_gpkg_in_crs(tmp_path: Path, crs: str) -> None:
    path = tmp_path / "p.gpkg"
    _gdf(crs).to_file(path, driver="GPKG", engine="pyogrio")
    ing = read_path(path)
    assert list(ing.projects["name"]) == ["红线地块"] and list(ing.projects["ptype"]) == ["新材料"]
    _close(ing.projects.geometry[0], tol_m=0.5)


def test_geojson(tmp_path: Path) -> None:
    path = tmp_path / "p.geojson"
    _gdf().to_file(path, driver="GeoJSON", engine="pyogrio")
    _close(read_path(path).projects.geometry[0], tol_m=0.5)


def _zip_dir(folder: Path, skip: tuple[str, ...] = ()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in folder.iterdir():
            if p.suffix.lower() not in skip:
                zf.write(p, f"sub/{p.name}")
    return buf.getvalue()


@pytest.mark.parametrize("cpg", [True, False])
@pytest.mark.parametrize("crs", ["EPSG:4547", "EPSG:4490"])
def test_gbk_shapefile_zip(tmp_path: Path, cpg: bool, crs: str) -> None:
    folder = tmp_path / "shp"
    folder.mkdir()
    _gdf(crs).to_file(folder / "红线.shp", engine="pyogrio", encoding="GBK")
    raw = (folder / "红线.dbf").read_bytes()
    assert "红线地块".encode("gbk") in raw  # really GBK on disk
    data = _zip_dir(folder, skip=() if cpg else (".cpg",))
    ing = read_bytes(data, "红线.zip")
    assert list(ing.projects["name"]) == ["红线地块"], ing.projects["name"]
    _close(ing.projects.geometry[0], tol_m=0.5)


def test_shapefile_without_prj_uses_chosen_crs(tmp_path: Path) -> None:
    folder = tmp_path / "shp"
    folder.mkdir()
    _gdf("EPSG:4547").to_file(folder / "p.shp", engine="pyogrio")
    data = _zip_dir(folder, skip=(".prj",))
    with pytest.raises(InputError, match=r"缺少 \.prj"):
        read_bytes(data, "p.zip")
    _close(read_bytes(data, "p.zip", crs="gk-cm:114").projects.geometry[0], tol_m=0.5)


def test_kml_and_kmz(tmp_path: Path) -> None:
    path = tmp_path / "p.kml"
    gdf = _gdf().rename(columns={"名称": "Name"})
    gdf.to_file(path, driver="KML", engine="pyogrio")
    ing = read_path(path)
    assert list(ing.projects["name"]) == ["红线地块"]
    _close(ing.projects.geometry[0], tol_m=0.5)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.write(path, "doc.kml")
    _close(read_bytes(buf.getvalue(), "p.kmz").projects.geometry[0], tol_m=0.5)


def test_dxf_closed_polyline_is_a_red_line(tmp_path: Path) -> None:
    path = tmp_path / "p.dxf"
    sq = _square_4547()
    gpd.GeoDataFrame(geometry=[LineString(sq.exterior.coords), LineString([(0, 0), (1, 1)])]).to_file(path, driver="DXF", engine="pyogrio")
    with pytest.raises(InputError, match="DXF 文件不记录坐标系"):
        read_path(path)
    ing = read_path(path, crs="gk-cm:114")
    assert ing.projects.geom_type[0] == "Polygon"
    _close(ing.projects.geometry[0], tol_m=0.5)


# ------------------------------------------------------------------------------ 部标 TXT


def _bubiao(prefix: bool, with_zone: bool = True) -> str:
    sq = _square_4547()
    hole = _square_4547(200)
    lines = ["[属性描述]", "格式版本号=1.01", "坐标系=2000国家大地坐标系", "几度分带=3", "投影类型=高斯克吕格", "计量单位=米"]
    if with_zone:
        lines.append("带号=38")
    lines.append("[地块坐标]")
    off = 38e6 if prefix else 0
    for k, (name, use) in enumerate([("一号地块", "工业用地"), ("二号地块", "住宅用地")], start=1):
        shift = 0 if k == 1 else 3000
        outer = [(y, x + off + shift) for x, y in sq.exterior.coords]
        inner = [(y, x + off + shift) for x, y in hole.exterior.coords]
        lines.append(f"{len(outer) + len(inner)},100.0,{k},{name},面,,{use},,@")
        lines += [f"J{i},1,{n:.3f},{e:.3f}" for i, (n, e) in enumerate(outer, 1)]
        lines += [f"J{i},2,{n:.3f},{e:.3f}" for i, (n, e) in enumerate(inner, 1)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("prefix,with_zone", [(True, True), (False, True), (True, False)])
def test_bubiao_txt(prefix: bool, with_zone: bool) -> None:
    ing = read_bytes(_bubiao(prefix, with_zone).encode("gbk"), "界址点.txt")
    assert list(ing.projects["name"]) == ["一号地块", "二号地块"] and not ing.errors
    assert list(ing.projects["ptype"]) == ["工业用地", "住宅用地"]
    g = ing.projects.geometry[0]
    assert len(g.interiors) == 1  # ring 2 is a hole
    area = gpd.GeoSeries([g], crs="EPSG:4326").to_crs("EPSG:4547").area[0]
    assert area == pytest.approx(1e6 - 4e4, rel=1e-4)


def test_bubiao_without_zone_or_prefix_assumes_zone_38_with_a_note() -> None:
    ing = read_bytes(_bubiao(False, False).encode("utf-8"), "b.txt")
    assert ing.notes and "38" in ing.notes[0]
    _close(ing.projects.geometry[0], tol_m=1)


def test_upload_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUKOU_MAX_UPLOAD_MB", "0.001")
    with pytest.raises(InputError, match="文件超过大小上限"):
        read_bytes(CSV_TEXT.encode() * 100, "big.csv")


def test_zip_slip_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("ok.txt", "fine")
        zf.writestr("../../escape.txt", "bad")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    with pytest.raises(InputError, match="不安全的路径"):
        read_bytes(buf.getvalue(), "x.zip")
    assert not list(tmp_path.rglob("*.txt"))


def test_invalid_polygon_is_repaired_with_a_note(tmp_path: Path) -> None:
    bow = Polygon([(113.14, 27.60), (113.15, 27.61), (113.15, 27.60), (113.14, 27.61)])
    path = tmp_path / "bow.geojson"
    gpd.GeoDataFrame({"name": ["bow"]}, geometry=[bow], crs="EPSG:4326").to_file(path, engine="pyogrio")
    ing = read_path(path)
    assert ing.projects.geometry[0].is_valid and any("修复" in n for n in ing.notes)


def test_shapely_transform_keeps_points() -> None:
    arr = np.array([Point(LON, LAT)], dtype=object)
    assert shapely.get_coordinates(arr).shape == (1, 2)
