"""The buildpacks run on any python3 >= 3.9 a build image may have, not just Debian's 3.11."""

from __future__ import annotations

import pytest

from tests.pythons import find_python

INTERPRETERS = ["python3.9", "python3.10", "python3.12", "python3.13"]


@pytest.mark.parametrize("name", INTERPRETERS)
def test_detect_and_build_on_other_pythons(name, make_app, lifecycle, tmp_path):
    python = find_python(name[len("python"):])
    if python is None:
        pytest.skip(f"{name} is not installed on this machine")
    app = make_app({"M.py": "class M:\n    pass\n", "requirements.txt": "-r more.txt\n",
                    "more.txt": "tinydep==1.0\n", ".s2i/environment": "SERVICE_TYPE=ROUTER\n"})
    lc = lifecycle(app)
    # copies of the buildpacks whose shims use this interpreter instead of /usr/bin/python3
    for bp_id in ("seldon/pip-requirements", "seldon/s2i-environment"):
        real, fake = lc.bp_dir(bp_id), tmp_path / "bps" / bp_id.replace("/", "_")
        (fake / "bin").mkdir(parents=True)
        for item in real.iterdir():
            if item.name != "bin":
                (fake / item.name).symlink_to(item)
        for phase in ("detect", "build"):
            shim = (real / "bin" / phase).read_text().replace("/usr/bin/python3", python)
            assert python in shim
            (fake / "bin" / phase).write_text(shim)
            (fake / "bin" / phase).chmod(0o755)
    lc.buildpacks_dir = tmp_path / "bps"
    assert lc.detect("seldon/pip-requirements").plan["requires"][0]["name"] == "python-env"
    build = lc.build("seldon/s2i-environment", [{"name": "seldon-model"}])
    assert build.returncode == 0, build.output
    env = lc.layers / "seldon_s2i-environment" / "config" / "env.launch"
    assert (env / "SERVICE_TYPE.default").read_bytes() == b"ROUTER"
