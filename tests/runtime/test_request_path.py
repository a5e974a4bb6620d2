"""Reply meta (requestPath, tags, metrics) on every route next to seldon-core 1.18.2,
with the unit id set and unset."""

import pytest
from conftest import start_server

MSG = {"data": {"ndarray": [[1.0, 2.0]]}, "meta": {"requestPath": {"upstream": "img:1"}}}
ROUTES = [
    ("/predict", MSG),
    ("/transform-input", MSG),
    ("/transform-output", MSG),
    ("/route", MSG),
    ("/aggregate", {"seldonMessages": [MSG, {"data": {"ndarray": [[3.0]]}}]}),
    ("/send-feedback", {"request": MSG, "reward": 1.0}),
    ("/api/v1.0/predictions", {"data": {"ndarray": [[1.0]]}}),
    ("/health/status", None),
]
ENVS = {
    "unset": {},
    "id only": {"PREDICTIVE_UNIT_ID": "unit-a"},
    "id and image": {"PREDICTIVE_UNIT_ID": "unit-a", "PREDICTIVE_UNIT_IMAGE": "repo/img:0.1"},
}


def _paths(server) -> dict:
    out = {}
    for path, body in ROUTES:
        reply = server.get(path) if body is None else server.post(path, body)
        assert reply.status_code == 200, (path, reply.text)
        out[path] = reply.json().get("meta")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("env", list(ENVS), ids=list(ENVS))
def test_request_path_matches_seldon_core_on_every_route(tmp_path, seldon_core_venv, env):
    cli = [str(seldon_core_venv / "bin" / "seldon-core-microservice")]
    answers = []
    for command in (cli, None):
        server = start_server(tmp_path, "PathUnit", command=command, env=ENVS[env])
        try:
            answers.append(_paths(server))
        finally:
            server.stop()
    theirs, ours = answers
    if env == "id only":
        assert theirs["/route"]["requestPath"] == {"unit-a": "NOT_IMPLEMENTED:NOT_IMPLEMENTED"}
    # requestPath on every route; health replies leave out tags and metrics on purpose
    # (seldon-core called tags()/metrics() for every probe: docs/runtime.md)
    assert {p: m.get("requestPath") for p, m in ours.items()} == \
        {p: m.get("requestPath") for p, m in theirs.items()}
    health = "/health/status"
    assert {p: m for p, m in ours.items() if p != health} == \
        {p: m for p, m in theirs.items() if p != health}
    assert set(ours[health]) <= {"requestPath"}
