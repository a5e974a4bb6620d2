"""Which run images a rebase refuses (the engine test covers a real rebase)."""

from __future__ import annotations

import pytest

from seldon_detect.errors import UserError
from seldon_platform.rebase import _check_run_image


def _config(arch="amd64", distro="12", rebasable=None):
    labels = {"io.buildpacks.base.distro.name": "debian",
              "io.buildpacks.base.distro.version": distro}
    if rebasable is not None:
        labels["io.buildpacks.rebasable"] = rebasable
    return {"os": "linux", "architecture": arch, "config": {"Labels": labels}}


def test_same_platform_and_release_is_accepted():
    _check_run_image(_config(), _config(rebasable="true"), "run:new", force=False)


@pytest.mark.parametrize("new, title", [
    (_config(rebasable="false"), "Run image run:new is not rebasable"),
    (_config(rebasable="False"), "Run image run:new is not rebasable"),
    (_config(arch="arm64"), "Run image run:new is for another platform"),
    (_config(distro="13"), "Run image run:new is another distribution"),
])
def test_refusals_name_the_run_image_and_can_be_forced(new, title):
    with pytest.raises(UserError) as err:
        _check_run_image(_config(), new, "run:new", force=False)
    assert err.value.title == title
    assert err.value.fix
    _check_run_image(_config(), new, "run:new", force=True)
