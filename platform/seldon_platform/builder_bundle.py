"""A self-contained builder directory that `pack builder create` takes as is.

`write_bundle` copies builder.toml and the packaged buildpacks it names into
one folder, with every `[[buildpacks]] uri` rewritten to `buildpacks/<id>`
beside it:

    OUT/builder.toml
    OUT/buildpacks/seldon_runtime/{buildpack.toml,bin,lib,wheels}
    ...

pack resolves a relative uri against the folder of the builder.toml it reads,
and reads a uri that names no existing path as an image reference (then fails
pulling it), so the folder must be complete before pack sees it: the copy
is checked with `check_builder` before it is returned.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from seldon_detect import tomlfile
from seldon_detect.cnb.ids import escape_id
from seldon_detect.scribe import Scribe

from .builder_check import check_builder
from .errors import BuilderEntryNotBundled, BuildpackNotPackaged

#: where the buildpacks go inside the bundle, relative to its builder.toml
BUNDLED = "buildpacks"


def write_bundle(config: Path, buildpacks_dir: Path, out: Path, scribe: Scribe) -> Path:
    """Write OUT/builder.toml and OUT/buildpacks/*; return the new builder.toml."""
    text = config.read_text(encoding="utf-8")
    entries = tomlfile.loads(text).get("buildpacks", [])
    out.mkdir(parents=True, exist_ok=True)
    target = out / BUNDLED
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    for entry in entries:
        bp_id, uri = entry.get("id"), entry.get("uri")
        if not bp_id or not uri:
            raise BuilderEntryNotBundled(
                f"A [[buildpacks]] entry needs both id and uri, got {entry}.",
                location=str(config))
        source = buildpacks_dir / escape_id(bp_id)
        if not (source / "buildpack.toml").is_file():
            raise BuildpackNotPackaged(f"There is no buildpack.toml in {source}.", id=bp_id)
        shutil.copytree(source, target / escape_id(bp_id), symlinks=True,
                        ignore=shutil.ignore_patterns(".inputs-digest"))
        text = _rewrite_uri(text, uri, f"{BUNDLED}/{escape_id(bp_id)}", config)
    written = out / "builder.toml"
    written.write_text(text, encoding="utf-8")
    check_builder(written, target, scribe)
    scribe.info(f"builder bundle: {written} with {len(entries)} buildpacks in {target}")
    return written


def _rewrite_uri(text: str, old: str, new: str, config: Path) -> str:
    pattern = re.compile(r'^(\s*uri\s*=\s*)"' + re.escape(old) + r'"\s*$', re.MULTILINE)
    text, count = pattern.subn(lambda m: f'{m.group(1)}"{new}"', text)
    if count != 1:
        raise BuilderEntryNotBundled(f'Expected one line `uri = "{old}"`, found {count}.',
                                     location=str(config))
    return text
