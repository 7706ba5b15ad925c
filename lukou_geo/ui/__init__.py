"""Streamlit pages of the atlas (the only place Streamlit is imported)."""
