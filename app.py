"""Lukou Planning Atlas (渌口规划一张图): the ASGI app that `streamlit run app.py` (`make run`) serves.

``st.App`` runs the Streamlit script ``streamlit_app.py`` (the pages) and, next to it, the atlas's
read-only routes under ``/lk/`` (vector tiles, identify, labels, basemap tiles:
:mod:`lukou_geo.map.server`), which read the layer store of :func:`lukou_geo.layer_store.current_store`.
``static/`` beside the script is served at ``/app/static/`` (``--server.enableStaticServing true``).
"""

import streamlit as st

from lukou_geo.layer_store import current_store
from lukou_geo.map.server import routes

app = st.App("streamlit_app.py", routes=routes(current_store))
