"""Real failing builds: `seldon-build build` ends with the buildpack's own error, shown once.

Before, the platform matched generic patterns in the log first and replaced a
buildpack's precise error (file, line, fix) with a vaguer one of its own.
"""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from seldon_platform.phases import _CLASSES

pytestmark = pytest.mark.engine
GENERIC_TITLES = {kind.TITLE for _, kind in _CLASSES}
#: a traceback frame in the platform, the lifecycle or a buildpack (a crash, not an error value)
OUR_FRAMES = re.compile(r'File "[^"]*(seldon_platform|seldon_detect|/cnb/)')
MODEL = "class BadModel:\n    def predict(self, X, features_names=None):\n        return X\n"


def failed_build(app: Path, tmp_path: Path) -> str:
    tag = f"localhost/seldon-build-test-errors-{uuid.uuid4().hex[:8]}:latest"
    proc = subprocess.run(
        [sys.executable, "-m", "seldon_platform.cli", "build", str(app), "-t", tag,
         "--cache-dir", str(tmp_path / "cache")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900,
    )
    assert proc.returncode == 1, proc.stdout[-3000:]
    return proc.stdout


def final_error_title(output: str) -> str:
    """The head line of the error the command ends with (the last column-0 ERROR: line)."""
    heads = re.findall(r"^ERROR: (.*)$", output, re.MULTILINE)
    assert heads, output[-3000:]
    return heads[-1]


def check_shown_once(output: str) -> str:
    title = final_error_title(output)
    # the model's own import traceback is the user's information; one through our code a crash
    assert not OUR_FRAMES.search(output), output[-3000:]
    assert output.count(title) == 1, output[-3000:]
    assert title.split(" (")[0] not in GENERIC_TITLES, output[-3000:]
    assert "To fix it" in output[output.rindex(title):]
    return title


def test_a_missing_distribution_shows_the_buildpacks_error(stack_images, tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "BadModel.py").write_text(MODEL)
    (app / "requirements.txt").write_text("nope==9\n")
    title = check_shown_once(failed_build(app, tmp_path))
    assert "nope==9" in title


def test_a_missing_module_shows_the_buildpacks_error(stack_images, tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "BadModel.py").write_text("import sbp_not_installed_anywhere\n\n" + MODEL)
    title = check_shown_once(failed_build(app, tmp_path))
    assert "BadModel" in title and "sbp_not_installed_anywhere" in title
