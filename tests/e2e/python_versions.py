"""Model repositories that ask for a Python the stack lacks, and what they must answer.

The interpreters come from the session's `pbs_dists` server (distributions made
from pyenv's, see tests/pbsdist.py), reached with BP_CPYTHON_URL/SHA256. The
expected predictions are computed at test time on the same Python, outside any image:
the scikit-learn model is trained and pickled in a Python 3.8 venv with
scikit-learn 0.24.2, exactly the pair the image must serve it with.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.pythons import find_python
from tests.runtime import pyvenvs

#: an s2i-era pin set that has wheels for Python 3.8 and none for 3.11
SKLEARN_38 = ("scikit-learn==0.24.2", "numpy==1.19.5", "scipy==1.5.4", "joblib==1.0.1",
              "threadpoolctl==2.1.0")
SAMPLES = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5]]

SK38_MODEL = """\
import os
import platform

import joblib


class Sk38:
    def __init__(self):
        here = os.path.dirname(os.path.abspath(__file__))
        self.model = joblib.load(os.path.join(here, "model.joblib"))

    def predict(self, X, features_names=None):
        return self.model.predict_proba(X)

    def tags(self):
        return {"python": platform.python_version()}
"""

TRAIN = """\
import json, sys
import joblib
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
X, y = load_iris(return_X_y=True)
model = LogisticRegression(max_iter=500).fit(X, y)
joblib.dump(model, sys.argv[1])
print(json.dumps(model.predict_proba(json.loads(sys.argv[2])).tolist()))
"""

PY312_MODEL = """\
import platform

import numpy as np


class Py312:
    def predict(self, X, features_names=None):
        return np.cumsum(np.asarray(X, dtype=float) ** 2, axis=1)

    def tags(self):
        return {"python": platform.python_version()}
"""

EXPECT_312 = """\
import json, sys
sys.path.insert(0, sys.argv[1])
from Py312 import Py312
print(json.dumps(Py312().predict(json.loads(sys.argv[2])).tolist()))
"""


def _sklearn38_venv(python: str) -> Path:
    key = hashlib.sha256("\n".join((python, *SKLEARN_38)).encode()).hexdigest()[:12]
    venv = pyvenvs.cache_root().parent / f"sklearn38-{key}"
    if not (venv / ".complete").exists():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                        "--only-binary=:all:", *SKLEARN_38], check=True)
        (venv / ".complete").touch()
    return venv


def sklearn38_repo(source: Path, values: dict) -> dict:
    """`.python-version` 3.8, the 0.24.2 pins, and a model pickled by that pair just now."""
    python = find_python("3.8")
    assert python, "needs python3.8 (pyenv)"
    venv = _sklearn38_venv(python)
    out = subprocess.run([str(venv / "bin" / "python"), "-c", TRAIN, str(source / "model.joblib"),
                          json.dumps(SAMPLES)], capture_output=True, text=True, check=True)
    (source / ".python-version").write_text("3.8\n")
    (source / "requirements.txt").write_text("\n".join(SKLEARN_38) + "\n")
    (source / "Sk38.py").write_text(SK38_MODEL)
    (source / ".s2i").mkdir()
    (source / ".s2i" / "environment").write_text("MODEL_NAME=Sk38\nSERVICE_TYPE=MODEL\n")
    return {"expected": json.loads(out.stdout), "python": "3.8"}


def py312_repo(source: Path, values: dict) -> dict:
    """`runtime.txt` python-3.12 and a numpy model; the answer computed on Python 3.12."""
    python = find_python("3.12")
    assert python, "needs python3.12 (pyenv)"
    (source / "runtime.txt").write_text("python-3.12\n")
    (source / "requirements.txt").write_text("numpy\n")
    (source / "Py312.py").write_text(PY312_MODEL)
    venv_python = pyvenvs.ensure(python)  # numpy is a runtime dependency
    out = subprocess.run([str(venv_python), "-c", EXPECT_312, str(source), json.dumps(SAMPLES)],
                         capture_output=True, text=True, check=True,
                         env={"PATH": os.environ.get("PATH", "")})
    return {"expected": json.loads(out.stdout), "python": "3.12"}


def s2i_python38_repo(source: Path, values: dict) -> dict:
    """No version file: only the s2i builder name (`...-python38`) asks for 3.8."""
    (source / "Tiny.py").write_text(PY312_MODEL.replace("Py312", "Tiny"))
    (source / "requirements.txt").write_text("numpy\n")
    return {"python": "3.8"}
