"""Bundled wheels lose their debug sections and stay installable (real gcc and binutils)."""

from __future__ import annotations

import ctypes
import platform
import subprocess
import sys
import zipfile

import pytest

from seldon_platform import wheelstrip

ARCH = platform.machine()
TOOL = wheelstrip.strip_tool(ARCH) if ARCH in wheelstrip.STRIP_TOOLS else None
pytestmark = pytest.mark.skipif(TOOL is None, reason=f"no binutils strip for {ARCH}")

SOURCE = "int answer(void) { static const char text[] = \"kept\"; return 40 + sizeof text - 3; }\n"


def _wheel(tmp_path, so: bytes):
    name = f"demo-1.0-cp311-cp311-linux_{ARCH}.whl"
    files = {
        "demo/__init__.py": b"",
        "demo/_answer.so": so,
        "demo-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n",
        "demo-1.0.dist-info/WHEEL": (
            f"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\n"
            f"Tag: cp311-cp311-linux_{ARCH}\n"
        ).encode(),
    }
    record = [wheelstrip.record_line(path, data) for path, data in files.items()]
    files["demo-1.0.dist-info/RECORD"] = ("\n".join(record + ["demo-1.0.dist-info/RECORD,,"])
                                          + "\n").encode()
    wheel = tmp_path / name
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, data in files.items():
            zf.writestr(path, data)
    return wheel


def _shared_object(tmp_path, debug: bool) -> bytes:
    src = tmp_path / "answer.c"
    src.write_text(SOURCE)
    out = tmp_path / "answer.so"
    subprocess.run(["gcc", "-shared", "-fPIC", *(["-g3"] if debug else []), "-o", str(out),
                    str(src)], check=True)
    return out.read_bytes()


def test_debug_sections_go_and_the_wheel_stays_valid(tmp_path):
    original = _shared_object(tmp_path, debug=True)
    wheel = _wheel(tmp_path, original)
    assert wheelstrip.wheel_arch(wheel) == ARCH

    saved = wheelstrip.strip_wheel(wheel, TOOL)

    with zipfile.ZipFile(wheel) as zf:
        so = zf.read("demo/_answer.so")
        record = zf.read("demo-1.0.dist-info/RECORD").decode().splitlines()
        names = zf.namelist()
    assert saved == len(original) - len(so) > 0
    assert names[0] == "demo/__init__.py" and len(names) == 5  # same entries, same order
    assert wheelstrip.record_line("demo/_answer.so", so) in record
    assert "demo-1.0.dist-info/RECORD,," in record
    # the stripped library still loads and runs
    (tmp_path / "stripped.so").write_bytes(so)
    assert ctypes.CDLL(str(tmp_path / "stripped.so")).answer() == 42
    # and pip installs the rewritten wheel
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-index", "--no-deps",
                    "--target", str(target), str(wheel)], check=True)
    assert (target / "demo" / "_answer.so").read_bytes() == so


def test_a_wheel_without_debug_sections_is_left_alone(tmp_path):
    _shared_object(tmp_path, debug=False)
    subprocess.run([TOOL, "--strip-debug", str(tmp_path / "answer.so")], check=True)
    wheel = _wheel(tmp_path, (tmp_path / "answer.so").read_bytes())
    before = wheel.read_bytes()
    assert wheelstrip.strip_wheel(wheel, TOOL) == 0
    assert wheel.read_bytes() == before  # not even rewritten


def test_only_listed_distributions_are_stripped(tmp_path):
    # auditwheel-patched libraries break when strip rewrites them: numpy stays as it is
    assert wheelstrip.wanted(tmp_path / "uvloop-0.23.0-cp311-cp311-manylinux2014_x86_64.whl")
    assert not wheelstrip.wanted(tmp_path / "numpy-2.4.6-cp311-cp311-manylinux_2_28_x86_64.whl")


def test_only_linux_platform_wheels_have_an_architecture(tmp_path):
    assert wheelstrip.wheel_arch(tmp_path / "gunicorn-27.0.1-py3-none-any.whl") is None
    assert wheelstrip.wheel_arch(
        tmp_path / "uvloop-0.23.0-cp311-cp311-manylinux2014_aarch64.manylinux_2_17_aarch64.whl"
    ) == "aarch64"
