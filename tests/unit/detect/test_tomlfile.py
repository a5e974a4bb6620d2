"""The one TOML module (buildpacks, lifecycle, launcher, host): what it writes reads back.

Checked against the standard library's reader (`tomllib`, or tomli before 3.11).
"""

import datetime as dt
import math
import sys

import pytest

from seldon_detect import tomlfile


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"a": 1, "b": 2.5, "c": True, "d": "x"},
        {"quote": 'he said "hi"\\ \n\ttab \x7f é'},
        {"weird key": 1, "dotted.key": "v"},
        {"list": [1, 2, 3], "strings": ["a", "b"], "empty": []},
        {"t": {"u": {"v": 1}, "w": "x"}},
        {"group": [{"id": "a", "version": "1"}, {"id": "b", "meta": {"k": [1]}}]},
        {
            "entries": [
                {"providers": [{"id": "a"}], "requires": [{"name": "n", "metadata": {"x": 1}}]}
            ]
        },
        {"mixed": [{"a": 1}, 2]},
    ],
)
def test_round_trip(data):
    assert tomlfile.loads(tomlfile.dumps(data)) == data


def test_scalars_come_before_tables():
    text = tomlfile.dumps({"t": {"x": 1}, "s": "v"})
    assert text.index('s = "v"') < text.index("[t]")


def test_unsupported_type_is_an_error():
    with pytest.raises(TypeError):
        tomlfile.dumps({"x": object()})


def test_write_is_atomic_and_read_of_missing_file_is_empty(tmp_path):
    path = tmp_path / "f.toml"
    assert tomlfile.read(path) == {}
    tomlfile.write(path, {"a": [{"b": 1}]})
    assert tomlfile.read(path) == {"a": [{"b": 1}]}
    assert [p.name for p in tmp_path.iterdir()] == ["f.toml"]


def every_character() -> list[str]:
    """Every Unicode scalar value, in strings of 4096 characters."""
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    return ["".join(chars[i : i + 4096]) for i in range(0, len(chars), 4096)]


def test_every_character_round_trips_in_values_and_keys():
    strings = every_character()
    data = {"values": strings, "keys": {s: i for i, s in enumerate(strings)},
            "table": [{"k": s} for s in strings[:4]]}
    text = tomlfile.dumps(data)
    assert tomlfile.loads(text) == data
    # nothing the spec requires escaped is written raw (newlines only between lines)
    for line in text.splitlines():
        assert not any(ord(c) < 0x20 and c != "\t" or ord(c) == 0x7F for c in line)


@pytest.mark.parametrize(
    "raw, written",
    [('"', '"\\""'), ("\\", '"\\\\"'), ("\n", '"\\n"'), ("\t", '"\\t"'), ("\b", '"\\b"'),
     ("\f", '"\\f"'), ("\r", '"\\r"'), ("\x00", '"\\u0000"'), ("\x1f", '"\\u001f"'),
     ("\x7f", '"\\u007f"'), ("é ☃ 🐍", '"é ☃ 🐍"'), ("\u2028", '"\u2028"')],
)
def test_strings_use_the_specs_escapes(raw, written):
    assert tomlfile.dumps({"s": raw}) == f"s = {written}\n"


def test_lone_surrogates_cannot_be_written():
    with pytest.raises(ValueError, match="Unicode scalar"):
        tomlfile.dumps({"s": "bad\udcff"})


def test_floats_dates_and_big_integers():
    data = {"f": [1.5, 1e-05, 1e100, -0.0, math.inf, -math.inf], "big": 2**63 - 1,
            "day": dt.date(2026, 12, 5),
            "at": dt.datetime(2026, 12, 5, 9, 30, tzinfo=dt.timezone.utc)}
    assert tomlfile.loads(tomlfile.dumps(data)) == data
    assert math.isnan(tomlfile.loads(tomlfile.dumps({"n": math.nan}))["n"])


@pytest.mark.skipif(sys.version_info < (3, 11), reason="compares with tomllib")
def test_reading_is_the_standard_librarys(tmp_path):
    import tomllib

    path = tmp_path / "x.toml"
    path.write_text('a = "\\u00e9"\n[t]\nb = 1\n', encoding="utf-8")
    assert tomlfile.load_path(path) == tomllib.loads(path.read_text()) == tomlfile.read(path)
    with pytest.raises(FileNotFoundError):
        tomlfile.load_path(tmp_path / "missing.toml")
