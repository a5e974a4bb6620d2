"""Build-time secrets reach no byte of the image, the build log or the build cache.

The private index's password is given the two ways users give it: the s2i
guide's `EXTRA_INDEX_URL=https://user:pass@...` and a `pip` service binding
(which also carries a marker line that must not be copied anywhere). The
image serving its prediction (tests/e2e/test_serving.py) proves the package
really came from the private index.
"""

from __future__ import annotations

import re
import zipfile

import pytest

from .images import BINDING_MARKER
from .secret_scan import needles, scan_bytes, scan_image, scan_tree

pytestmark = pytest.mark.engine


def cache_dirs(images, build):
    """The build cache of this image only (the cache is kept per image name)."""
    key = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{build.spec.name}:{images.token}")
    return [d for d in images.cache_root.iterdir() if d.name.endswith(key)]


def findings(engine, images, build, forms, workdir):
    found = scan_image(engine, build.image, workdir, forms)
    found += scan_bytes(build.log.encode(), f"build log of {build.spec.name}", forms)
    dirs = cache_dirs(images, build)
    assert dirs, f"no build cache for {build.image} under {images.cache_root}"
    for folder in dirs:
        found += scan_tree(folder, forms)
    return found


@pytest.mark.images("private-index-env")
def test_index_password_from_build_env_is_nowhere(engine, images, private_index, e2e_dir):
    build = images.image("private-index-env")
    forms = needles(private_index.password, private_index.user)
    assert findings(engine, images, build, forms, e2e_dir / "scan-env") == []


@pytest.mark.images("private-index-binding")
def test_pip_binding_content_is_nowhere(engine, images, private_index, e2e_dir):
    build = images.image("private-index-binding")
    forms = needles(private_index.password, private_index.user) + needles(BINDING_MARKER)
    assert findings(engine, images, build, forms, e2e_dir / "scan-binding") == []


def test_scanner_finds_a_planted_secret(engine, stack_images, e2e_dir):
    """The scan can fail: a secret in a label, in history and zipped in a layer is found."""
    secret = "planted" + "4f1e9a"
    context = e2e_dir / "planted"
    context.mkdir()

    with zipfile.ZipFile(context / "pkg.whl", "w", zipfile.ZIP_DEFLATED) as wheel:
        wheel.writestr("pkg/direct_url.json", f'{{"url": "https://u:{secret}@x/simple"}}' * 50)
    (context / "Containerfile").write_text(
        "FROM localhost/seldon-buildpacks/run:bookworm\n"
        f"LABEL leak=\"{secret}\"\n"
        "COPY pkg.whl /tmp/pkg.whl\n")
    tag = "localhost/seldon-e2e/planted:1"
    engine.run("build", "--pull=never", "-t", tag, str(context), capture=True)
    try:
        found = scan_image(engine, tag, e2e_dir / "scan-planted", needles(secret))
    finally:
        engine.run("rmi", "-f", tag, check=False, capture=True)
    assert any("pkg.whl!pkg/direct_url.json" in f for f in found), found  # zipped in a layer
    assert any("`image inspect`" in f for f in found), found  # the label
    # the config blob itself, not only a layer
    assert any("(oci-archive):blobs/" in f and "gunzipped" not in f for f in found), found
