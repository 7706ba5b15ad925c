"""Lukou Planning Atlas (渌口规划一张图): the Streamlit entry point. Run with `make run`."""

from lukou_geo.ui.frame import run

run()
