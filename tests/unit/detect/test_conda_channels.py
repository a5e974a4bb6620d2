"""Channel names to URLs for the conda buildpack, with a binding's channel_alias."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "buildpacks" / "conda-environment"))

from conda_environment.channels import (  # noqa: E402
    DEFAULT_ALIAS,
    DEFAULTS,
    channel_alias,
    resolve_channels,
)

from seldon_detect.cnb.bindings import read_bindings  # noqa: E402


def test_resolve_channels(tmp_path):
    assert resolve_channels(["conda-forge", "defaults", "https://m.example/c/", "/srv/ch"],
                            DEFAULT_ALIAS) == [
        "https://conda.anaconda.org/conda-forge", *DEFAULTS, "https://m.example/c",
        "file:///srv/ch"]
    assert resolve_channels([], "https://mirror") == ["https://mirror/conda-forge"]


def test_channel_alias_from_a_conda_binding(tmp_path):
    assert channel_alias([]) == DEFAULT_ALIAS
    b = tmp_path / "bindings" / "mirror"
    b.mkdir(parents=True)
    (b / "type").write_text("conda")
    (b / ".condarc").write_text("channel_alias: https://artifactory.example/conda/\n")
    assert channel_alias(read_bindings(tmp_path)) == "https://artifactory.example/conda"
