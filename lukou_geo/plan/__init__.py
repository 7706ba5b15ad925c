"""The plan: its text, the reader, the indicators, citation coverage."""
