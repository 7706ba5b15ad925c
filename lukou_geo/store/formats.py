"""The file types a planner's layer can be imported from (the 图层管理 uploader and the CLI read this).

The site check's project inputs have their own registry (:mod:`lukou_geo.sitecheck.inputs.formats`);
layers come as FileGDB (zipped), zipped shapefiles, GeoPackage, GeoJSON, FlatGeobuf and KML/KMZ.
"""

#: suffixes (no dot) the uploader accepts for a layer import
UPLOAD_TYPES: tuple[str, ...] = ("zip", "gpkg", "geojson", "json", "fgb", "shp", "kml", "kmz")
