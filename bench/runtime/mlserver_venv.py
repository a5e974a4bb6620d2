"""A cached virtual environment with MLServer, the reference V2 (Open Inference Protocol) server.

The V2 comparison tests and `bench/v2` run MLServer there, apart from the
project's venv (its pins would clash with ours). Built on first use like the
seldon-core anchor venv (`anchor_venv.py`).
"""

from __future__ import annotations

from pathlib import Path

import anchor_venv

REQUIREMENTS = ("mlserver==1.7.1",)


def ensure() -> Path:
    """The venv directory, created on first use (a few minutes, needs PyPI)."""
    return anchor_venv.ensure("mlserver", REQUIREMENTS)


if __name__ == "__main__":
    print(ensure())
