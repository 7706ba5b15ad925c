"""The store of the planner's own layers (and, later, the project register): GeoPackage or PostGIS."""
