"""Each example's class, imported as Seldon would and called directly, gives
the answer its README documents (no container, no runtime)."""

from __future__ import annotations

import contextlib
import json
from typing import Any, Iterator

import numpy as np
import pytest
from example_repos import (
    EXAMPLES,
    EXPECTED,
    convert_parameters,
    decode_data,
    imported_class,
    parse_s2i_environment,
    readme_response,
)

#: README figures are rounded; scikit-learn's last digits also vary by version
TOLERANCE = {"sklearn-iris": 0.03}
METRIC_TYPES = {"COUNTER", "GAUGE", "TIMER"}


@pytest.fixture
def component(example_wheels):
    """Factory: a loaded instance of an example's class, built the way the server builds it."""

    @contextlib.contextmanager
    def make(name: str, **overrides: Any) -> Iterator[Any]:
        example = EXAMPLES / name
        env = parse_s2i_environment(example / ".s2i" / "environment")
        kwargs = convert_parameters(env.get("PREDICTIVE_UNIT_PARAMETERS", "[]"))
        kwargs.update(overrides)
        extra = (example_wheels[name],) if name in example_wheels else ()
        with imported_class(example, env["MODEL_NAME"], extra) as cls:
            instance = cls(**kwargs)
            if hasattr(instance, "load"):
                instance.load()
            yield instance

    return make


def request_of(name: str) -> Any:
    return json.loads((EXAMPLES / name / "request.json").read_text())


def expected_data(response: dict) -> tuple[np.ndarray, list[str], str]:
    data = response["data"]
    if "tensor" in data:
        values = np.array(data["tensor"]["values"]).reshape(data["tensor"]["shape"])
        return values, data["names"], "tensor"
    return np.array(data["ndarray"]), data["names"], "ndarray"


def column_names(instance: Any, result: np.ndarray) -> list[str]:
    """Response names by the protocol: class_names() or t:i for 2-D results, none for 1-D."""
    if result.ndim <= 1:
        return []
    if hasattr(instance, "class_names"):
        return list(instance.class_names())
    return [f"t:{i}" for i in range(result.shape[1])]


def check_metric(metric: dict) -> None:
    """The metric dict rules seldon-core validates (key, numeric value, known type)."""
    assert {"key", "value", "type"} <= set(metric)
    assert metric["type"] in METRIC_TYPES
    assert metric["value"] + 1 is not None
    assert isinstance(metric.get("tags", {}), dict)


HIGH_LEVEL = {
    "MODEL": "predict",
    "TRANSFORMER": "transform_input",
    "OUTPUT_TRANSFORMER": "transform_output",
}


@pytest.mark.parametrize(
    "name",
    sorted(
        n for n, t in EXPECTED.items() if t in HIGH_LEVEL and n not in ("raw-model", "passthrough")
    ),
)
def test_high_level_method_matches_the_readme(component, name):
    request = request_of(name)
    response = readme_response(EXAMPLES / name)
    X, names = decode_data(request)
    with component(name) as instance:
        result = np.asarray(getattr(instance, HIGH_LEVEL[EXPECTED[name]])(X, names))
        values, documented_names, kind = expected_data(response)
        assert result.shape == values.shape
        np.testing.assert_allclose(result, values, atol=TOLERANCE.get(name, 1e-3))
        assert documented_names == column_names(instance, result)
        # a tensor request is answered with a tensor when the result is numeric
        assert kind == ("tensor" if "tensor" in request["data"] else "ndarray")
        if hasattr(instance, "tags"):
            assert response["meta"]["tags"] == instance.tags()
        if hasattr(instance, "metrics"):
            produced = instance.metrics()
            for metric in produced:
                check_metric(metric)
            documented = response["meta"]["metrics"]
            assert [(m["key"], m["type"]) for m in produced] == [
                (m["key"], m["type"]) for m in documented
            ]
            for mine, doc in zip(produced, documented):
                assert mine.get("tags") == doc.get("tags")
                if mine["type"] != "TIMER":  # a duration differs on every call
                    assert mine["value"] == doc["value"]


def test_router_returns_a_plain_int_matching_the_readme(component):
    X, names = decode_data(request_of("router"))
    with component("router") as router:
        choice = router.route(X, names)
        assert type(choice) is int  # seldon-core refuses numpy integers
        assert readme_response(EXAMPLES / "router")["data"]["ndarray"] == [[choice]]
        assert router.route(np.array([[9.0, 9.0]]), names) == 1
        router.send_feedback(X, names, reward=1.0, truth=None, routing=choice)
        router.send_feedback(X, names, reward=0.5, truth=None, routing=choice)
        assert router.rewards == {choice: 1.5}


def test_combiner_averages_the_children(component):
    messages = request_of("combiner")
    decoded = [decode_data(message) for message in messages]
    with component("combiner") as combiner:
        result = combiner.aggregate([x for x, _ in decoded], [n for _, n in decoded])
        values, names, _ = expected_data(readme_response(EXAMPLES / "combiner"))
        np.testing.assert_allclose(result, values)
        assert names == column_names(combiner, np.asarray(result))
        with pytest.raises(ValueError, match="different shapes"):
            combiner.aggregate([np.zeros((1, 2)), np.zeros((1, 3))], [[], []])


def test_outlier_detector_scores_each_row(component):
    request = request_of("outlier-detector")
    X, names = decode_data(request)
    with component("outlier-detector") as detector:
        scores = np.asarray(detector.score(X, names))
        response = readme_response(EXAMPLES / "outlier-detector")
        assert scores.shape == (X.shape[0],)
        np.testing.assert_allclose(scores, response["meta"]["tags"]["outlierScore"])
        # the request passes through unchanged apart from the tag
        assert response["data"] == request["data"]


def test_raw_model_returns_the_documented_message(component):
    with component("raw-model") as model:
        answer = model.predict_raw(request_of("raw-model"))
        assert answer == readme_response(EXAMPLES / "raw-model")
        json.dumps(answer)  # it goes on the wire as it is
        refused = model.predict_raw({"data": {"ndarray": [[1]]}})
        assert refused["status"]["code"] == 400


def test_passthrough_gets_the_raw_body_and_returns_text(component):
    env = parse_s2i_environment(EXAMPLES / "passthrough" / ".s2i" / "environment")
    assert env["PAYLOAD_PASSTHROUGH"].lower() == "true"
    body = (EXAMPLES / "passthrough" / "request.csv").read_bytes()
    with component("passthrough") as model:
        answer = model.predict_raw(body)
        assert isinstance(answer, (str, bytes))
        assert json.loads(answer) == readme_response(EXAMPLES / "passthrough")
        # sent as the `json` form field the same body arrives as a str
        assert model.predict_raw(body.decode()) == answer


def test_sklearn_iris_gives_probabilities_for_the_right_species(component):
    X, names = decode_data(request_of("sklearn-iris"))
    with component("sklearn-iris") as model:
        proba = model.predict(X, names)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
        assert [model.class_names()[i] for i in proba.argmax(axis=1)] == ["setosa", "virginica"]


def test_parameters_arrive_with_their_python_types(component):
    env = parse_s2i_environment(EXAMPLES / "parameters" / ".s2i" / "environment")
    kinds = {item["type"] for item in json.loads(env["PREDICTIVE_UNIT_PARAMETERS"])}
    assert kinds == {"INT", "FLOAT", "DOUBLE", "STRING", "BOOL"}
    X, names = decode_data(request_of("parameters"))
    with component("parameters", invert=True) as model:
        assert model.predict(X, names)[:, 1].tolist() == [1.0, 0.0]
        with pytest.raises(ValueError, match="at most 10 rows"):
            model.predict(np.ones((11, 2)), names)
    # an unconverted value (the string the JSON carries) is refused at start-up
    with pytest.raises(TypeError, match="max_rows"), component("parameters", max_rows="10"):
        pass


def test_linear_model_refuses_rows_of_the_wrong_width(component):
    with component("numpy-setup-py") as model, pytest.raises(ValueError, match="3 features"):
        model.predict(np.ones((1, 2)), [])


@pytest.mark.parametrize("name", ["wheel-folder", "private-index"])
def test_model_needs_its_wheel(name):
    env = parse_s2i_environment(EXAMPLES / name / ".s2i" / "environment")
    with pytest.raises(ModuleNotFoundError), imported_class(EXAMPLES / name, env["MODEL_NAME"]):
        pass
