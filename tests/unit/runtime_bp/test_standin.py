"""The runtime buildpack's `.pth` for the seldon_core stand-in."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "buildpacks" / "runtime"))

from runtime.standin import PTH, install_stand_in  # noqa: E402


def _env(tmp_path: Path) -> Path:
    (tmp_path / "lib/python3.11/site-packages/seldon_runtime/compat").mkdir(parents=True)
    return tmp_path


def test_pth_points_at_the_stand_in(tmp_path):
    pth = install_stand_in(_env(tmp_path))
    assert pth == tmp_path / "lib/python3.11/site-packages" / PTH
    assert pth.read_text() == f"{tmp_path}/lib/python3.11/site-packages/seldon_runtime/compat\n"


def test_a_rebuild_leaves_the_pth_untouched(tmp_path):
    """Rewriting it would give it a new mtime, and the exporter would re-tar the reused
    environment layer instead of taking the cached copy over."""
    pth = install_stand_in(_env(tmp_path))
    os.utime(pth, (1_000_000, 1_000_000))
    install_stand_in(tmp_path)
    assert pth.stat().st_mtime == 1_000_000


def test_no_runtime_no_pth(tmp_path):
    assert install_stand_in(tmp_path) is None
