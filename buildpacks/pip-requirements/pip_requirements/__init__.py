"""seldon/pip-requirements: `pip install -r requirements.txt` into the Python environment."""
