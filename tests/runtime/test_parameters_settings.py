"""Start-up configuration: parameters (§1.3) and flags/env vars (§1.1)."""

import pytest

from seldon_runtime import parameters
from seldon_runtime.annotations import read, rest_timeout_seconds
from seldon_runtime.settings import UnknownArgs, from_args
from seldon_runtime.startup import StartupError


def test_parameter_types():
    text = (
        '[{"name":"i","value":"3","type":"INT"},{"name":"f","value":"0.5","type":"FLOAT"},'
        '{"name":"d","value":"2","type":"DOUBLE"},{"name":"s","value":"x","type":"STRING"},'
        '{"name":"b","value":"yes","type":"BOOL"},{"name":"n","value":3,"type":"INT"},'
        '{"name":"j","value":"{\\"a\\": [1]}","type":"JSON"}]'
    )
    assert parameters.parse(text) == {
        "i": 3,
        "f": 0.5,
        "d": 2.0,
        "s": "x",
        "b": True,
        "n": 3,
        "j": {"a": [1]},
    }


@pytest.mark.parametrize(
    "text, needle",
    [
        ('[{"name":"alpha","value":"x","type":"INT"}]', "'alpha'"),
        ('[{"name":"flag","value":"maybe","type":"BOOL"}]', "'flag'"),
        ('[{"name":"beta","value":"1"}]', "'beta'"),
        ('[{"name":"gamma","value":"1","type":"LIST"}]', "'gamma'"),
        ("not json", "not valid JSON"),
    ],
)
def test_bad_parameters_name_the_parameter(text, needle):
    with pytest.raises(StartupError) as info:
        parameters.parse(text)
    assert needle in info.value.render()


def test_flags_defaults_and_env(monkeypatch):
    for name in (
        "GUNICORN_WORKERS",
        "SELDON_DEBUG",
        "PREDICTIVE_UNIT_HTTP_SERVICE_PORT",
        "SELDON_LOG_LEVEL",
    ):
        monkeypatch.delenv(name, raising=False)
    s = from_args(["MyModel"])
    assert (s.http_port, s.metrics_port, s.grpc_port, s.workers, s.threads) == (
        9000,
        6000,
        5000,
        1,
        1,
    )
    assert s.debug is False and s.service_type == "MODEL"
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("PREDICTIVE_UNIT_HTTP_SERVICE_PORT", "9100")
    monkeypatch.setenv("SELDON_LOG_LEVEL", "debug")
    s = from_args(["MyModel", "--service-type", "OUTPUT_TRANSFORMER", "--debug", "false"])
    assert (s.workers, s.http_port, s.log_level, s.service_type) == (
        3,
        9100,
        "DEBUG",
        "OUTPUT_TRANSFORMER",
    )
    assert s.debug is False
    assert from_args(["MyModel", "--debug"]).debug is True
    assert from_args(["M", "--single-threaded", "1", "--threads", "4"]).threads == 1


def test_old_api_type_argument_is_rejected():
    with pytest.raises(UnknownArgs) as info:
        from_args(["MyModel", "REST"])
    assert "API type" in str(info.value)


def test_rest_timeout_annotation(tmp_path):
    path = tmp_path / "annotations"
    path.write_text('seldon.io/rest-timeout="2500"\nbroken line\nother="x"\n')
    notes = read(str(path))
    assert notes["other"] == "x"
    assert rest_timeout_seconds(notes) == 2
    assert rest_timeout_seconds({"seldon.io/rest-timeout": "10"}) == 1
    assert read(str(tmp_path / "missing")) == {}


def test_model_name_comes_from_the_environment_when_not_given(monkeypatch, capsys):
    # images launch the runtime with no shell, so MODEL_NAME must be read directly
    monkeypatch.setenv("MODEL_NAME", "pkg.mod.Model")
    assert from_args([]).interface_name == "pkg.mod.Model"
    assert from_args(["Other"]).interface_name == "Other"
    monkeypatch.delenv("MODEL_NAME")
    with pytest.raises(SystemExit) as exit_info:
        from_args([])
    assert exit_info.value.code == 2
    assert "set MODEL_NAME" in capsys.readouterr().err


def test_a_non_numeric_integer_variable_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("GUNICORN_TIMEOUT", "ten")
    with pytest.raises(StartupError) as info:
        from_args(["M"])
    assert info.value.title == "Environment variable GUNICORN_TIMEOUT='ten' is not an integer"
    monkeypatch.setenv("GUNICORN_TIMEOUT", "30")
    assert from_args(["M"]).timeout == 30
