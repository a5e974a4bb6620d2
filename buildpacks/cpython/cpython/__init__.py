"""seldon/cpython: the Python the app asks for, when the stack's python3 is another version."""
