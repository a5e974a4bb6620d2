"""seldon/python-venv: a virtual environment from the stack's python3, in a launch layer."""
