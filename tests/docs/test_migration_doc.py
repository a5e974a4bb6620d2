"""docs/migrating-from-s2i.md maps every s2i command and key of the Seldon guide."""

from __future__ import annotations

import re

import yaml
from doc_commands import markdown_shell_blocks
from docs_support import DATA, ROOT

SEED = yaml.safe_load((DATA / "s2i_seed_facts.yaml").read_text())
DOC = (ROOT / "docs" / "migrating-from-s2i.md").read_text()
LINES = {
    line.strip()
    for block in markdown_shell_blocks(DOC)
    for line in block.replace("\\\n", " ").splitlines()
}


def test_every_seed_command_appears_with_its_seldon_s2i_twin():
    missing = []
    for command in SEED["commands"]:
        if command.startswith("s2i build wrappers/"):
            # the guide's clone-then-build variant: the clone-first seldon-build line covers it
            assert any(
                line.startswith("seldon-build build seldon-core --context-dir") for line in LINES
            )
            continue
        twin = "seldon-s2i " + command[len("s2i ") :]
        missing += [line for line in (command, twin) if line not in LINES]
    assert not missing, "not in the doc's command blocks:\n" + "\n".join(missing)


def test_every_build_is_also_shown_with_seldon_build():
    builds = [c for c in SEED["commands"] if c.startswith("s2i build ")]
    native = [line for line in LINES if line.startswith("seldon-build build ")]
    # one native line per s2i build of a local folder or URL (the URL one clones first)
    assert len(native) >= len(builds) - 1


def test_help_commands_are_mapped():
    for command in SEED["help_commands"]:
        assert f"`{command}`" in DOC
        assert f"`seldon-s2i {command[len('s2i ') :]}`" in DOC


def test_every_key_has_a_row():
    rows = {m.group(1) for m in re.finditer(r"^\| `([A-Z_]+)` \|", DOC, re.M)}
    for key in SEED["environment_keys"] + SEED["other_keys"]:
        assert key in rows, f"no row for {key}"


def test_service_types_and_flags_are_covered():
    for service_type in SEED["service_types"] + ["OUTPUT_TRANSFORMER"]:
        assert f"`{service_type}`" in DOC
    for flag in SEED["build_flags"]:
        assert re.search(rf"^\| `{re.escape(flag)}", DOC, re.M), f"no row for {flag}"


def test_links_resolve():
    for target in re.findall(r"\]\(([^)#]+)\)", DOC):
        assert (ROOT / "docs" / target).exists(), target
