"""Rebuilding: nothing changed gives the same image, a code change only a new app layer,
a requirements change a new environment layer."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.engine, pytest.mark.images("rebuild")]


def layers(engine, image: str) -> list[str]:
    info = engine.image_inspect(image)
    assert info, f"{image} is not in the engine"
    return list(info["RootFS"]["Layers"])


def export_section(log: str) -> str:
    """What the exporter said about each layer (reused or new, and why)."""
    return log[log.find("Exporting"):] if "Exporting" in log else log[-3000:]


def test_rebuilds(engine, images):
    first = images.image("rebuild")
    before = engine.image_inspect(first.image)["Id"]
    first_layers = layers(engine, first.image)

    again = images.run_again("rebuild", "no-op")
    assert again.ok, again.describe()
    assert engine.image_inspect(first.image)["Id"] == before, \
        f"a no-op rebuild changed the image:\n{export_section(again.log)}"

    def edit_code(source):
        model = source / "CsvSum.py"
        model.write_text(model.read_text() + "\n# edited\n")

    code = images.run_again("rebuild", "code", edit_code)
    assert code.ok, code.describe()
    code_layers = layers(engine, first.image)
    changed = [i for i, (a, b) in enumerate(zip(first_layers, code_layers)) if a != b]
    assert len(code_layers) == len(first_layers)
    assert len(changed) == 1, \
        f"layers {changed} changed for a code-only edit:\n{export_section(code.log)}"

    def add_requirement(source):
        (source / "requirements.txt").write_text("six==1.16.0\n")

    deps = images.run_again("rebuild", "requirements", add_requirement)
    assert deps.ok, deps.describe()
    dep_layers = layers(engine, first.image)
    changed_now = [i for i, (a, b) in enumerate(zip(code_layers, dep_layers)) if a != b]
    # the app layer (requirements.txt is in it) and the environment layer
    assert len(changed_now) >= 2 and changed_now != changed, \
        f"layers {changed_now} changed:\n{export_section(deps.log)}"
