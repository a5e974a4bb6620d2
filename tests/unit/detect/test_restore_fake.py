"""The tests' stand-ins for the lifecycle's restorer (`bpfakes.restore` for the unit tests,
`Lifecycle.restore` for the contract tests) follow the Buildpack API's restoration table
("Layer Types"): what a buildpack finds at the start of its next build, for each
combination of types."""

from __future__ import annotations

import itertools

import pytest

from seldon_detect.cnb.layers import LayerTypes, read_layer
from seldon_detect.cnb.result import BuildResult, LayerResult, write_result
from tests.contract.lifecycle import Lifecycle
from tests.unit.bpfakes import context, restore


def _contract_restore(ctx):
    """The contract lifecycle holds every buildpack's layers dir under one root."""
    root = ctx.layers_dir.parent / "all-layers"
    root.mkdir()
    ctx.layers_dir.rename(root / "seldon_x")
    Lifecycle(ctx.layers_dir.parent, ctx.app_dir, ctx.platform_dir, root).restore()
    (root / "seldon_x").rename(ctx.layers_dir)

# (build, cache, launch) -> (metadata and SBOM restored, contents restored)
TABLE = {
    (True, True, True): (True, True),
    (True, True, False): (True, True),
    (True, False, True): (False, False),
    (True, False, False): (False, False),
    (False, True, True): (True, True),
    (False, True, False): (True, True),
    (False, False, True): (True, False),
    (False, False, False): (False, False),
}


@pytest.mark.parametrize("build, cache, launch", list(itertools.product([True, False], repeat=3)))
@pytest.mark.parametrize("fake", [restore, _contract_restore], ids=["unit", "contract"])
def test_restore_follows_the_spec_table(tmp_path, build, cache, launch, fake):
    ctx = context(tmp_path, "s2i-environment")
    types = LayerTypes(launch=launch, build=build, cache=cache)
    (ctx.layers_dir / "deps").mkdir()
    write_result(ctx.layers_dir, BuildResult(layers=(LayerResult("deps", types, sbom="{}"),),
                                             launch_sbom="{}"))
    (ctx.layers_dir / "build.toml").write_text('[[unmet]]\nname = "x"\n')
    (ctx.layers_dir / "build.sbom.cdx.json").write_text("{}")
    fake(ctx)
    metadata, contents = TABLE[(build, cache, launch)]
    layer = read_layer(ctx.layers_dir, "deps")
    assert layer.toml_path.is_file() == metadata
    assert (ctx.layers_dir / "deps.sbom.cdx.json").is_file() == metadata
    assert layer.has_contents == contents
    # types never come back; launch- and build-level files are the buildpack's to write again
    assert layer.types == LayerTypes()
    assert sorted(p.name for p in ctx.layers_dir.iterdir()) == sorted(
        (["deps.toml", "deps.sbom.cdx.json"] if metadata else []) + (["deps"] if contents else []))
