"""docs/protocols.md and docs/kserve.md name only real settings, ports and routes."""

from __future__ import annotations

import re
from types import SimpleNamespace

import yaml
from docs_support import ROOT

from seldon_runtime.settings import parser

PROTOCOLS = (ROOT / "docs" / "protocols.md").read_text()
KSERVE = (ROOT / "docs" / "kserve.md").read_text()


def _routes() -> set[str]:
    from seldon_runtime.kserve.v1 import V1Routes
    from seldon_runtime.v2.rest import V2Routes

    plane = SimpleNamespace(name="iris", version="")
    return {*V2Routes(plane, 1).routes(), *V1Routes(None, "ROUTER", "iris", 1).routes()}


def test_the_settings_table_names_real_flags_and_variables():
    flags = {a for action in parser()._actions for a in action.option_strings}
    source = (ROOT / "runtime" / "seldon_runtime" / "settings.py").read_text()
    table = PROTOCOLS.split("## Settings", 1)[1].split("##", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `--")]
    assert len(rows) == 4
    for row in rows:
        flag, env = re.findall(r"`([^`]+)`", row)[:2]
        assert flag.split()[0] in flags, row
        assert f'"{env}"' in source, row


def test_the_inference_service_matches_the_image():
    (block,) = re.findall(r"```yaml\n(.*?)```", KSERVE, re.S)
    service = yaml.safe_load(block)
    assert (service["apiVersion"], service["kind"]) == ("serving.kserve.io/v1beta1",
                                                       "InferenceService")
    (container,) = service["spec"]["predictor"]["containers"]
    assert "command" not in container and "args" not in container  # the image's own process
    defaults = parser().parse_args(["Model"])
    assert container["ports"][0]["containerPort"] == defaults.http_port
    assert container["readinessProbe"]["httpGet"]["port"] == defaults.http_port
    assert container["readinessProbe"]["httpGet"]["path"] in _routes()
    source = (ROOT / "runtime" / "seldon_runtime" / "settings.py").read_text()
    for env in container["env"]:
        assert f'"{env["name"]}"' in source
    name = next(e["value"] for e in container["env"] if e["name"] == "SELDON_SERVED_MODEL_NAME")
    paths = re.findall(r'"http://\$INGRESS(/v[12]/models/[^"]+)"', KSERVE)
    assert len(paths) == 2
    for path in paths:
        assert path.replace(name, "iris") in _routes(), path
