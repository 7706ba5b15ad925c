"""The data build: geodata/ from the reference data and the plan's element files."""
