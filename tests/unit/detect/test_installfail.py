"""Installer and import failures become specific, fixable errors."""

from __future__ import annotations

import pytest

from seldon_detect.installfail import classify_import_failure, classify_install_failure

PIP = "pip install -r requirements.txt"


@pytest.mark.parametrize("output, code, title", [
    ("ERROR: HTTP error 401 while getting https://h/simple/x/\n401 Client Error: Unauthorized",
     1, "refused by a package index"),
    ("ERROR: Could not find a version that satisfies the requirement torch==0.1 (from versions: "
     "none)\nERROR: No matching distribution found for torch==0.1", 1,
     "no matching distribution for torch==0.1"),
    ("  x.c:1:10: fatal error: Python.h: No such file or directory\n"
     "  error: command 'x86_64-linux-gnu-gcc' failed with exit code 1\n"
     "ERROR: Failed building wheel for x", 1, "failed to compile a package from source"),
    # uv's wording (BP_PIP_INSTALLER=uv), as uv 0.9 prints it
    ("error: No solution found when resolving dependencies\n  cause: Because nope was not found "
     "in the package registry and you require nope==9, we can conclude that your requirements "
     "are unsatisfiable.", 1, "no matching distribution for nope"),
    ("error: No solution found when resolving dependencies\n  cause: Because there is no version "
     "of numpy==0.0.1 and you require numpy==0.0.1, we can conclude that your requirements are "
     "unsatisfiable.", 1, "no matching distribution for numpy==0.0.1"),
    ("error: No solution found when resolving dependencies\n  cause: Because a==1 depends on "
     "b<2 and you require b>=2, we can conclude that your requirements and a==1 are "
     "unsatisfiable.", 1, "the requirements conflict"),
    ("Collecting torch\nKilled", 137, "ran out of memory"),
    ("ERROR: Cannot install a==1 and b==2 because these package versions have conflicting "
     "dependencies.\nERROR: ResolutionImpossible", 1, "the requirements conflict"),
    ("something else went wrong", 2, "failed (exit status 2)"),
    # an old pin without wheels for this Python (scikit-learn==0.24.2 of Seldon's SKLearnServer)
    ("Collecting scikit-learn==0.24.2\n  Downloading scikit-learn-0.24.2.tar.gz (7.5 MB)\n"
     "  Getting requirements to build wheel: finished with status 'error'\n"
     "  error: subprocess-exited-with-error\n"
     "  ModuleNotFoundError: No module named 'pkg_resources'", 1,
     "scikit-learn 0.24.2 has no wheel for Python 3.11.2 and does not build from source"),
])
def test_install_failures(output, code, title):
    err = classify_install_failure(output, code, PIP, "3.11.2")
    assert title in err.title
    assert err.fix


def test_install_failure_keeps_the_tail_and_mentions_python():
    output = "\n".join(f"line {n}" for n in range(40)) + \
        "\nERROR: No matching distribution found for numpy==1.2"
    err = classify_install_failure(output, 1, PIP, "3.11.2")
    assert "line 39" in err.cause and "line 5\n" not in err.cause
    assert "3.11.2" in err.render()


@pytest.mark.parametrize("output, words", [
    ("Traceback ...\nModuleNotFoundError: No module named 'sklearn'",
     "module 'sklearn' is missing"),
    ("ImportError: libgomp.so.1: cannot open shared object file: No such file or directory",
     "native library libgomp.so.1 is missing"),
    ("AttributeError: module 'MyModel' has no attribute 'MyModel'", "has no class 'MyModel'"),
    ("SyntaxError: invalid syntax", "cannot be imported"),
])
def test_import_failures(output, words):
    assert words in classify_import_failure(output, "MyModel").title


def test_a_module_seldon_core_brought_along_names_its_package():
    # Seldon's LightGBMServer imports yaml without listing it: the s2i image had PyYAML
    err = classify_import_failure("ModuleNotFoundError: No module named 'yaml'", "LightGBMServer")
    assert err.title == "The model LightGBMServer cannot be imported: module 'yaml' is missing"
    assert list(err.fix) == ["Add PyYAML to requirements.txt: the s2i builder image had it because "
                       "seldon-core depends on it, and this image does not install seldon-core."]


def test_pip_hash_mismatch_in_a_nested_file_names_that_file_and_line():
    output = ("ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.\n"
              "    numpy==1.26.4 from https://files.example/numpy.whl "
              "(from -r requirements/base.txt (line 7)):\n"
              "        Expected sha256 aaaa\n"
              "             Got        bbbb\n")
    err = classify_install_failure(output, 1, "pip install -r requirements.txt", "3.11.2")
    assert err.title == "pip install -r requirements.txt: numpy==1.26.4 does not match its --hash"
    assert err.location == "requirements/base.txt:7"
    assert "bbbb" in err.cause


def test_uv_hash_mismatch_is_recognised():
    output = ("error: Failed to prepare distributions\n  Caused by: Hash mismatch for "
              "`six==1.16.0`\n\nExpected:\n  sha256:0000\n\nComputed:\n  sha256:8abb\n")
    err = classify_install_failure(output, 2, "uv pip install", "3.11.2")
    assert err.title == "uv pip install: six==1.16.0 does not match its --hash"
    assert "sha256:8abb" in err.cause


def test_setup_py_error_of_a_dependency_sdist_is_not_blamed_on_the_repository():
    output = ('  File "/tmp/pip-install-x1/oldpkg_123/setup.py", line 9, in <module>\n'
              "  RuntimeError: Python 2 only\n  error: subprocess-exited-with-error\n")
    err = classify_install_failure(output, 1, "pip install -r requirements.txt", "3.11.2")
    assert "setup.py" not in err.title


def test_a_raising_setup_py_names_the_exception_and_line():
    output = ('    File "/workspace/setup.py", line 4, in <module>\n'
              "      raise RuntimeError('set VERSION')\n"
              "  RuntimeError: set VERSION\n")
    err = classify_install_failure(output, 1, "pip install -e .", "3.11.2")
    assert (err.title, err.location) == ("setup.py raised RuntimeError", "setup.py:4")


def test_import_traceback_keeps_only_the_applications_frames(tmp_path):
    output = ("Traceback (most recent call last):\n"
              '  File "<string>", line 4, in <module>\n'
              '  File "/usr/lib/python3.11/importlib/__init__.py", line 126, in import_module\n'
              "    return _bootstrap._gcd_import(name[level:], package, level)\n"
              f'  File "{tmp_path}/models/iris.py", line 12, in <module>\n'
              "    MODEL = load_it()\n"
              "ValueError: no weights\n")
    err = classify_import_failure(output, "models.iris.Iris", tmp_path)
    assert err.location == "models/iris.py:12"
    assert "importlib" not in err.cause and "<string>" not in err.cause
    assert 'File "models/iris.py", line 12' in err.cause and "ValueError: no weights" in err.cause


def test_a_failed_source_build_names_its_first_error_line_not_pips_notes():
    output = ("Collecting pandas==1.1.5 (from -r requirements.txt (line 3))\n"
              "  Downloading pandas-1.1.5.tar.gz (5.2 MB)\n"
              "  error: subprocess-exited-with-error\n"
              "      ModuleNotFoundError: No module named 'pkg_resources'\n"
              "  note: This error originates from a subprocess.\n")
    err = classify_install_failure(output, 1, PIP, "3.11.2")
    assert err.cause.endswith("The build stopped at: ModuleNotFoundError: No module named "
                              "'pkg_resources'")
    compiled = classify_install_failure(
        "  x.c:3:10: fatal error: Python.h: No such file or directory\n"
        "  error: command '/usr/bin/gcc' failed with exit code 1\n"
        "  ERROR: Failed building wheel for fastthing\n", 1, PIP, "3.11.2")
    assert "build one of fastthing" in compiled.cause
    assert "stopped at: x.c:3:10: fatal error: Python.h" in compiled.cause
    assert "note:" not in err.cause + compiled.cause


def test_import_traceback_keeps_the_librarys_frame_that_raised(tmp_path):
    output = ("Traceback (most recent call last):\n"
              '  File "<string>", line 4, in <module>\n'
              f'  File "{tmp_path}/MyModel.py", line 1, in <module>\n'
              "    import joblib\n"
              '  File "/layers/venv/lib/python3.11/site-packages/joblib/__init__.py", line 9\n'
              "    from .numpy_pickle import load\n"
              "ImportError: cannot import name 'load'\n")
    err = classify_import_failure(output, "MyModel", tmp_path)
    assert err.location == "MyModel.py:1"
    assert "site-packages/joblib/__init__.py" in err.cause and "<string>" not in err.cause


def test_a_syntax_error_inside_a_library_is_not_blamed_on_the_model(tmp_path):
    output = ("Traceback (most recent call last):\n"
              f'  File "{tmp_path}/MyModel.py", line 1, in <module>\n'
              "    import oldlib\n"
              '  File "/layers/venv/lib/python3.11/site-packages/oldlib.py", line 3\n'
              '    print "x"\n'
              "SyntaxError: Missing parentheses in call to 'print'.\n")
    err = classify_import_failure(output, "MyModel", tmp_path)
    assert err.title == "The model MyModel cannot be imported"
    assert "site-packages/oldlib.py" in err.cause
