"""seldon/setup-py: install the application's own project (`setup.py` / `pyproject.toml`)."""
