"""The lifecycle's TOML writer: what it writes reads back identically."""

import pytest

from seldon_platform.lifecycle import tomlfile


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
