"""docs/README.md and the READMEs beside our manifests link only to files that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docs_support import ROOT

PAGES = [
    ROOT / "docs" / "README.md",
    ROOT / "docs" / "ci" / "README.md",
    ROOT / "docs" / "kpack" / "README.md",
    ROOT / "examples" / "README.md",
]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page: Path):
    for target in re.findall(r"\]\(([^)#\s]+)\)", page.read_text()):
        if re.match(r"[a-z]+://", target):
            continue
        assert (page.parent / target).resolve().exists(), f"{page.name} links to missing {target}"


def test_index_reaches_every_doc_we_own():
    index = (ROOT / "docs" / "README.md").read_text()
    for target in [
        "migrating-from-s2i.md",
        "ci/README.md",
        "kpack/README.md",
        "../project.toml",
        "../examples/README.md",
    ]:
        assert f"]({target})" in index
