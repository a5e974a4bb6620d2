"""Import the model class in the built environment, so a broken model fails the build."""

from __future__ import annotations

from pathlib import Path

from seldon_detect.cnb import pexec
from seldon_detect.installfail import classify_import_failure
from seldon_detect.model import ModelConfig
from seldon_detect.scribe import Scribe

_CHECK = """
import importlib, sys
sys.path.insert(0, sys.argv[1])
module = importlib.import_module(sys.argv[2])
getattr(module, sys.argv[3])
print("imported %s.%s" % (sys.argv[2], sys.argv[3]))
"""


def check_import(python: Path, app_dir: Path, config: ModelConfig, scribe: Scribe) -> None:
    env = pexec.clean_env({**config.launch_env, "PYTHONDONTWRITEBYTECODE": "1"},
                          drop_prefixes=("PIP_", "UV_"))
    for key in ("EXTRA_INDEX_URL", "NETRC"):
        env.pop(key, None)
    result = pexec.run(
        [str(python), "-I", "-c", _CHECK, str(app_dir), config.module, config.class_name],
        scribe, env=env, cwd=app_dir, echo=False,
    )
    if result.returncode != 0:
        # the error block carries the model's own frames; the full traceback would repeat them
        raise classify_import_failure(result.output, config.model_name, app_dir)
    scribe.info(f"Model class {config.model_name} imports")
