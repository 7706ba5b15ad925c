"""The CRS choices of the site check's inputs, apart from :mod:`.crs_spec` (which needs pyproj and
Shapely) so that the CLI's parser and the check page's selector can list them without those imports."""

from __future__ import annotations

#: The CRS choices offered by the app and the CLI (``--crs``), with their labels.
CRS_CHOICES: dict[str, dict[str, str]] = {
    "auto": {"zh": "自动识别(度→WGS-84;米→高斯-克吕格3度带)", "en": "auto (degrees → WGS-84; metres → Gauss-Kruger 3°)"},
    "wgs84": {"zh": "WGS-84 / CGCS2000 经纬度(GPS、天地图)", "en": "WGS-84 / CGCS2000 lon/lat (GPS, Tianditu)"},
    "gcj02": {"zh": "GCJ-02(高德、腾讯地图)", "en": "GCJ-02 (Amap, Tencent)"},
    "bd09": {"zh": "BD-09(百度地图)", "en": "BD-09 (Baidu)"},
    "gk": {"zh": "CGCS2000 高斯-克吕格3度带(带号取自横坐标前缀)", "en": "CGCS2000 Gauss-Kruger 3° (zone from the easting prefix)"},
    "gk-zone:38": {"zh": "CGCS2000 3度带 第38带(中央经线114°)", "en": "CGCS2000 3° zone 38 (CM 114°E)"},
    "gk-cm:114": {"zh": "CGCS2000 3度带 中央经线114°(无带号前缀)", "en": "CGCS2000 3° CM 114°E (no zone prefix)"},
}
