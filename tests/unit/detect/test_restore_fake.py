"""The unit tests' stand-in for the lifecycle's restorer (`bpfakes.restore`) follows the
Buildpack API's restoration table ("Layer Types"): what a buildpack finds at the start of
its next build, for each combination of types."""

from __future__ import annotations

import itertools

import pytest

from seldon_detect.cnb.layers import LayerTypes, read_layer
from seldon_detect.cnb.result import BuildResult, LayerResult, write_result
from tests.unit.bpfakes import context, restore

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
def test_restore_follows_the_spec_table(tmp_path, build, cache, launch):
    ctx = context(tmp_path, "s2i-environment")
    types = LayerTypes(launch=launch, build=build, cache=cache)
    (ctx.layers_dir / "deps").mkdir()
    write_result(ctx.layers_dir, BuildResult(layers=(LayerResult("deps", types, sbom="{}"),),
                                             launch_sbom="{}"))
    (ctx.layers_dir / "build.toml").write_text('[[unmet]]\nname = "x"\n')
    (ctx.layers_dir / "build.sbom.cdx.json").write_text("{}")
    restore(ctx)
    metadata, contents = TABLE[(build, cache, launch)]
    layer = read_layer(ctx.layers_dir, "deps")
    assert layer.toml_path.is_file() == metadata
    assert (ctx.layers_dir / "deps.sbom.cdx.json").is_file() == metadata
    assert layer.has_contents == contents
    # types never come back; launch- and build-level files are the buildpack's to write again
    assert layer.types == LayerTypes()
    assert sorted(p.name for p in ctx.layers_dir.iterdir()) == sorted(
        (["deps.toml", "deps.sbom.cdx.json"] if metadata else []) + (["deps"] if contents else []))
