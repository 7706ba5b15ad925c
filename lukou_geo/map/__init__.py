"""The atlas map: rendering, styles, map elements, offline assets, search, measuring."""
