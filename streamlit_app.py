"""The Streamlit script of the atlas (pages, frame); ``app.py`` serves it with the atlas's routes. Run with `make run`."""

from lukou_geo.ui.frame import run

run()
