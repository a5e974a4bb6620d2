"""examples/make_wheel.py makes valid, reproducible wheels for the examples."""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import subprocess
import sys
import zipfile

from example_repos import EXAMPLES, WHEEL_SOURCES


def test_wheels_are_byte_for_byte_reproducible(make_wheel, example_wheels, tmp_path):
    for example, wheel in example_wheels.items():
        again = make_wheel.build_wheel(
            EXAMPLES / example / WHEEL_SOURCES[example], tmp_path / example
        )
        assert again.name == wheel.name
        assert again.read_bytes() == wheel.read_bytes()


def test_record_lists_every_file_with_its_hash(example_wheels):
    for wheel in example_wheels.values():
        with zipfile.ZipFile(wheel) as archive:
            names = set(archive.namelist())
            record_name = next(n for n in names if n.endswith(".dist-info/RECORD"))
            rows = [line.split(",") for line in archive.read(record_name).decode().splitlines()]
            assert {row[0] for row in rows} == names
            for path, digest, size in rows:
                if path == record_name:
                    continue
                data = archive.read(path)
                expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
                assert digest == "sha256=" + expected.decode() and int(size) == len(data)


def test_metadata_is_readable_by_importlib(example_wheels):
    found = {
        dist.metadata["Name"]: dist.version
        for wheel in example_wheels.values()
        for dist in importlib.metadata.distributions(path=[str(wheel)])
    }
    assert found == {"sbp-example-wheelfeatures": "0.1.0", "sbp-example-privatescaler": "1.0.0"}


def test_pip_installs_the_wheels_offline(example_wheels, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            "--no-deps",
            "--disable-pip-version-check",
            "--target",
            str(target),
            *map(str, example_wheels.values()),
        ],
        check=True,
    )
    assert (target / "wheelfeatures" / "__init__.py").is_file()
    assert (target / "privatescaler" / "__init__.py").is_file()
