"""seldon-runtime installs and serves on every Python it supports (3.8 to 3.13).

Each interpreter (pyenv's) gets a venv with the runtime installed from its wheel
and its dependencies from PyPI (cached, see pyvenvs); a real server on it answers
predictions, and every runtime module imports there (3.9+ stdlib or syntax fails).
"""

from __future__ import annotations

import subprocess

import pytest
import requests

from tests.pythons import SUPPORTED, find_python
from tests.runtime import pyvenvs
from tests.runtime.conftest import start_server

ALL_MODULES = """
import importlib, pkgutil, seldon_runtime
names = [m.name for m in pkgutil.walk_packages(seldon_runtime.__path__, 'seldon_runtime.')
         if not m.name.endswith('__main__')]
for name in names:
    importlib.import_module(name)
print(len(names))
"""


@pytest.fixture(params=SUPPORTED)
def runtime_python(request) -> str:
    python = find_python(request.param)
    if python is None:
        pytest.skip(f"python{request.param} is not installed on this machine")
    return str(pyvenvs.ensure(python))


def test_every_module_imports(runtime_python):
    result = subprocess.run([runtime_python, "-c", ALL_MODULES], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 20


def test_a_real_server_answers(runtime_python, tmp_path):
    server = start_server(tmp_path, "Full", "--parameters",
                          '[{"name": "offset", "value": "2", "type": "INT"}]',
                          python=runtime_python)
    try:
        reply = server.post("/api/v1.0/predictions", {"data": {"ndarray": [[1.0, 2.5]]}})
        assert reply.status_code == 200, reply.text
        assert reply.json()["data"]["ndarray"] == [[1.0, 2.5]]
        params = server.post("/api/v1.0/predictions",
                             {"data": {"ndarray": [[0]]}, "meta": {"tags": {"action": "params"}}})
        assert params.json()["jsonData"]["offset"] == 2, params.text
        metrics = requests.get(server.metrics_url + "/prometheus", timeout=10)
        assert "my_counter" in metrics.text
    finally:
        server.stop()

