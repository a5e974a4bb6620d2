"""Buildpacks a project.toml brings, built on the stack images as pack would build them:
a buildpack directory of the source named by `uri` alone, and an inline script."""

import io
import textwrap
import uuid
from pathlib import Path

import pytest

from seldon_detect.scribe import Scribe
from seldon_platform.build import BuildOptions, build

pytestmark = pytest.mark.engine

FIXTURES = Path(__file__).parent / "fixtures"

PROJECT = """
[[io.buildpacks.group]]
uri = "buildpacks/hello"

[[io.buildpacks.group]]
id = "me/inline"
  [io.buildpacks.group.script]
  api = "0.10"
  shell = "/bin/bash"
  inline = '''
mkdir -p "$CNB_LAYERS_DIR/greeting"
echo "and from the inline buildpack" > "$CNB_LAYERS_DIR/greeting/text"
printf '[types]\\nlaunch = true\\n' > "$CNB_LAYERS_DIR/greeting.toml"
'''
"""

# shaped like buildpacks/samples' bash buildpacks: a launch layer with a program
HELLO_BUILD = """\
#!/usr/bin/env bash
set -eu
layer="$CNB_LAYERS_DIR/hello"
mkdir -p "$layer/bin"
cat > "$layer/bin/hello" <<'X'
#!/usr/bin/env bash
echo "hello from the uri buildpack"
cat /layers/me_inline/greeting/text
X
chmod +x "$layer/bin/hello"
printf '[types]\\nlaunch = true\\n' > "$layer.toml"
cat > "$CNB_LAYERS_DIR/launch.toml" <<'X'
[[processes]]
type = "web"
command = ["hello"]
default = true
X
"""


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if "/bin/" in rel:
            path.chmod(0o755)


def test_uri_and_inline_buildpacks_build_and_run(engine, stack_images, tmp_path):
    app = tmp_path / "app"
    _write(app, {
        "project.toml": PROJECT,
        "buildpacks/hello/buildpack.toml": textwrap.dedent("""\
            api = "0.10"
            [buildpack]
            id = "samples/hello"
            version = "0.0.1"
            """),
        "buildpacks/hello/bin/detect": "#!/usr/bin/env bash\nexit 0\n",
        "buildpacks/hello/bin/build": HELLO_BUILD,
    })
    tag = f"localhost/seldon-build-repos-{uuid.uuid4().hex[:8]}:latest"
    out = io.StringIO()
    try:
        build(BuildOptions(source=str(app), tag=tag, builder=FIXTURES / "builder.toml",
                           cache_root=tmp_path / "cache"), Scribe(stream=out))
        proc = engine.run("run", "--rm", tag, capture=True)
        assert proc.stdout.decode().splitlines() == [
            "hello from the uri buildpack", "and from the inline buildpack"]
    finally:
        engine.run("rmi", "-f", tag, check=False, capture=True)
