"""`seldon-build rebase IMAGE`: put a built image on a newer run image without rebuilding.

The run image's layers are everything up to `runImage.topLayer` in the image's
`io.buildpacks.lifecycle.metadata` label; they are swapped for the new run
image's, and the app layers above are kept byte for byte. The config is made
again from the new run image's (its env, labels, history) with the app's own
labels, entrypoint and layers on top, as the exporter makes it. A run image
labelled `io.buildpacks.rebasable=false`, or one for another OS, architecture
or distribution, is refused unless forced.
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seldon_detect.scribe import Scribe

from .engine import Engine, labels_of
from .errors import (
    ImageNotFound,
    NotBuiltWithBuildpacks,
    RunImageNotRebasable,
    RunImageOtherDistribution,
    RunImageOtherPlatform,
    TopLayerMissing,
)
from .exporter import image
from .exporter.oci import Layout
from .imagestore import ImageStore

REBASABLE = "io.buildpacks.rebasable"
#: run-image properties that must not change under a rebase
_PLATFORM = ("os", "architecture", "variant")
_DISTRO = ("io.buildpacks.base.distro.name", "io.buildpacks.base.distro.version")


@dataclass
class Rebased:
    image: str
    run_image: str
    replaced: int  # run-image layers before
    kept: int  # app layers kept
    seconds: float


def _labels(config: dict[str, Any]) -> dict[str, str]:
    return dict((config.get("config") or {}).get("Labels") or {})


def _check_run_image(old: dict[str, Any], new: dict[str, Any], ref: str, force: bool) -> None:
    if force:
        return
    labels = _labels(new)
    if labels.get(REBASABLE, "true").lower() == "false":
        raise RunImageNotRebasable(f"It is labelled {REBASABLE}=false: its layers may not be "
                                   "swapped under an app built on another run image.", image=ref)
    for key in _PLATFORM:
        if (old.get(key) or "") != (new.get(key) or ""):
            raise RunImageOtherPlatform(f"{key}: the image has {old.get(key)!r}, the run image "
                                        f"{new.get(key)!r}.", image=ref)
    old_labels = _labels(old)
    for key in _DISTRO:
        if old_labels.get(key) and labels.get(key) and old_labels[key] != labels[key]:
            raise RunImageOtherDistribution(
                f"{key}: the image has {old_labels[key]!r}, the run image {labels[key]!r}; "
                "the app's libraries were built for the first.", image=ref)


def rebase(engine: Engine, ref: str, scribe: Scribe, run_image: str | None = None,
           force: bool = False) -> Rebased:
    started = time.monotonic()
    store = ImageStore(engine)
    info = engine.image_inspect(store.ref(ref))
    if info is None:
        raise ImageNotFound("The engine's image store has no such image.", image=ref)
    try:
        metadata = json.loads(labels_of(info).get(image.LIFECYCLE_LABEL) or "")
        top = metadata["runImage"]["topLayer"]
    except (ValueError, KeyError, TypeError):
        raise NotBuiltWithBuildpacks(
            f"It has no {image.LIFECYCLE_LABEL} label naming its run image's top layer, so its "
            "run-image layers cannot be told from its own.", image=ref) from None
    new_ref = run_image or metadata["runImage"].get("image") or metadata["runImage"]["reference"]
    app = store.read(ref)
    diff_ids = list(app.config.get("rootfs", {}).get("diff_ids", []))
    if top not in diff_ids:
        raise TopLayerMissing(f"runImage.topLayer {top} is not among the image's layers.",
                              image=ref)
    cut = diff_ids.index(top) + 1
    run = store.run_image(new_ref)
    _check_run_image(app.config, run.config, new_ref, force)
    new_diff_ids = run.config.get("rootfs", {}).get("diff_ids", [])
    if new_diff_ids == diff_ids[:cut]:
        scribe.info(f"{ref} is already on {new_ref}: nothing to do")
        return Rebased(store.ref(ref), run.reference, 0, len(diff_ids) - cut,
                       time.monotonic() - started)

    # the exporter writes one history entry per app layer, last; an image edited since
    # may have fewer, and then the layers keep no history text rather than a wrong one
    own_ids = diff_ids[cut:]
    history = [h for h in app.config.get("history") or [] if not h.get("empty_layer")]
    texts = [h.get("created_by", "") for h in history[len(history) - len(own_ids):]] \
        if len(history) >= len(own_ids) else [""] * len(own_ids)
    app_layers = list(zip(own_ids, texts))
    run_labels = _labels(run.config)
    own = {k: v for k, v in _labels(app.config).items() if k not in run_labels}
    metadata["runImage"].update(topLayer=new_diff_ids[-1] if new_diff_ids else "",
                                reference=run.reference, image=run.reference)
    own[image.LIFECYCLE_LABEL] = metadata
    inner = app.config.get("config") or {}
    config = image.image_config(run.config, app_layers, list(inner.get("Entrypoint") or []), own)
    for key in ("User", "ExposedPorts", "StopSignal"):
        if key in inner:
            config["config"][key] = inner[key]
    with tempfile.TemporaryDirectory(prefix="seldon-rebase-") as tmp:
        layout = Layout(Path(tmp) / "oci")
        layout.add_image(config, list(run.layers) + list(app.layers[cut:]), "rebased")
        if store.needs_all_blobs:
            store.fill_blobs(layout, new_ref)
            store.fill_blobs(layout, ref)
        with scribe.step(f"writing {store.ref(ref)}"):
            store.load(layout.root, "rebased", ref)
    return Rebased(store.ref(ref), run.reference, cut, len(diff_ids) - cut,
                   time.monotonic() - started)
