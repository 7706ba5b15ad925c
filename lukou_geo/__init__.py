"""Lukou Planning Atlas (渌口规划一张图): the domain package.

Pure Python: nothing here imports Streamlit except :mod:`lukou_geo.ui`.
"""

__version__ = "0.1.0"
