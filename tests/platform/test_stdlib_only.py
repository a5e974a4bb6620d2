"""The lifecycle and launcher run in the stack images' bare python3: standard library only.

Besides the standard library they may import the few `seldon_detect` modules
they share with the buildpacks (`lifecycle.SHARED`), which are mounted next to
the lifecycle and copied into every image with the launcher; those must be
standard library only themselves.
"""

import ast
import sys
from pathlib import Path

import pytest

import seldon_platform
from seldon_platform.lifecycle import SHARED, shared_files

PACKAGE = Path(seldon_platform.__file__).parent
#: tomli is only the fallback for Python < 3.11 (the images have tomllib)
ALLOWED = {"tomli"}
SHARED_MODULES = {rel.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
                  for rel in SHARED}
RUN_IN_IMAGES = sorted((PACKAGE / "lifecycle").glob("*.py")) + sorted(
    (PACKAGE / "launcher").glob("*.py"))


def imported(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            module = node.module or ""
            # `from pkg import mod` may import a module
            names += [module] + [f"{module}.{a.name}" for a in node.names
                                 if f"{module}.{a.name}" in SHARED_MODULES]
    return names


def standard(name: str) -> bool:
    top = name.split(".")[0]
    return top in sys.stdlib_module_names or top in ALLOWED or top == "__future__"


@pytest.mark.skipif(sys.version_info < (3, 10), reason="needs sys.stdlib_module_names")
@pytest.mark.parametrize("path", RUN_IN_IMAGES, ids=lambda p: p.name)
def test_imports_are_standard_relative_or_shared(path):
    for name in imported(path):
        assert standard(name) or name in SHARED_MODULES, f"{path.name} imports {name}"


@pytest.mark.skipif(sys.version_info < (3, 10), reason="needs sys.stdlib_module_names")
@pytest.mark.parametrize("path", [host for host, _ in shared_files()], ids=str)
def test_shared_modules_are_standard_library_only(path):
    # a shared module may import another shared module: both are copied together
    for name in imported(path):
        assert standard(name) or name in SHARED_MODULES, f"{path} imports {name}"


def test_every_shared_module_a_lifecycle_module_imports_is_listed():
    shared_imports = {name for path in RUN_IN_IMAGES for name in imported(path)
                      if name.startswith("seldon_detect")}
    assert shared_imports <= SHARED_MODULES
    assert all(host.is_file() for host, _ in shared_files())
