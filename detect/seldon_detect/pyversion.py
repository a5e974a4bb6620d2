"""Python version hints: `runtime.txt`, `.python-version`, conda's `python=` spec.

The stack provides one Python (the build image's `python3`); a hint that it does
not satisfy is reported early instead of failing deep inside pip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from seldon_detect.errors import UserError

_RUNTIME_TXT = re.compile(r"^python-(?P<v>\d+(\.\d+){0,2})$")
_PLAIN = re.compile(r"^(?P<v>\d+(\.\d+){0,2})$")


@dataclass(frozen=True)
class PythonHint:
    version: str
    source: str

    def matches(self, actual: str) -> bool:
        want = self.version.split(".")
        return actual.split(".")[: len(want)] == want


def find_python_hint(app_dir: Path) -> PythonHint | None:
    for name, pattern in (("runtime.txt", _RUNTIME_TXT), (".python-version", _PLAIN)):
        path = app_dir / name
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8").strip().splitlines()
        value = text[0].strip() if text else ""
        match = pattern.match(value)
        if not match:
            example = "python-3.11" if name == "runtime.txt" else "3.11"
            raise UserError(
                f"Cannot read the Python version in {name}",
                f"Found {value!r}.",
                [f"Write just the version, for example `{example}`."],
                location=f"{name}:1",
            )
        return PythonHint(match.group("v"), name)
    return None
