"""The lifecycle and launcher run in the stack images' bare python3: standard library only."""

import ast
import sys
from pathlib import Path

import pytest

import seldon_platform

PACKAGE = Path(seldon_platform.__file__).parent
#: tomli is only the host fallback for Python < 3.11 (the images have tomllib)
ALLOWED = {"tomli"}


@pytest.mark.skipif(sys.version_info < (3, 10), reason="needs sys.stdlib_module_names")
@pytest.mark.parametrize(
    "path",
    sorted((PACKAGE / "lifecycle").glob("*.py")) + sorted((PACKAGE / "launcher").glob("*.py")),
    ids=lambda p: p.name,
)
def test_imports_are_standard_or_relative(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            assert top in sys.stdlib_module_names or top in ALLOWED or top == "__future__", (
                f"{path.name} imports {name}"
            )
