"""`.s2i/environment` parsing and scrubbing."""

from __future__ import annotations

import pytest

from seldon_detect.envfile import env_dict, parse_env_text, remove_keys
from seldon_detect.errors import UserError


def test_shell_style_file():
    text = """\
# Seldon settings
// a comment as s2i also reads it
MODEL_NAME=MyModel
export SERVICE_TYPE=MODEL

API_TYPE="REST"
PERSISTENCE='0'
PREDICTIVE_UNIT_PARAMETERS='[{"name":"x","value":"1","type":"INT"}]'
EMPTY=
SPACED = value with spaces # comment
HASH="a#b"
"""
    env = env_dict(parse_env_text(text, ".s2i/environment"))
    assert env == {
        "MODEL_NAME": "MyModel", "SERVICE_TYPE": "MODEL", "API_TYPE": "REST",
        "PERSISTENCE": "0",
        "PREDICTIVE_UNIT_PARAMETERS": '[{"name":"x","value":"1","type":"INT"}]',
        "EMPTY": "", "SPACED": "value with spaces", "HASH": "a#b",
    }


@pytest.mark.parametrize("text, line, words", [
    ("MODEL_NAME=A\njust words\n", 2, "Expected KEY=VALUE"),
    ("A='open\n", 1, "Unterminated quote"),
    ('A="x" y\n', 1, "after a quoted value"),
    ("1BAD=x\n", 1, "Expected KEY=VALUE"),
])
def test_errors(text, line, words):
    with pytest.raises(UserError) as err:
        parse_env_text(text, ".s2i/environment")
    assert err.value.location == f".s2i/environment:{line}"
    assert words in err.value.render()


def test_remove_keys_keeps_other_lines_verbatim(tmp_path):
    path = tmp_path / "environment"
    path.write_text("# c\nMODEL_NAME=M\nEXTRA_INDEX_URL=https://u:p@h/simple\n\nX='1'\n")
    assert remove_keys(path, {"EXTRA_INDEX_URL"}) == ["EXTRA_INDEX_URL"]
    assert path.read_text() == "# c\nMODEL_NAME=M\n\nX='1'\n"
    assert remove_keys(path, {"EXTRA_INDEX_URL"}) == []
