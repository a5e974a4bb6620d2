"""`image_metadata.json`: the image labels Seldon's s2i repositories declare.

Seldon's examples copy this file to `/tmp/.s2i/` in their `assemble` script,
and s2i turns its `labels` (a list of one-entry objects) into image labels.
The buildpacks read it from the source directly, so the labels are there
whichever platform builds the image.
"""

from __future__ import annotations

import json
from pathlib import Path

from seldon_detect.failures import ImageMetadataUnreadable

FILE = "image_metadata.json"


def image_labels(app_dir: Path) -> dict[str, str]:
    """The labels `image_metadata.json` asks for ({} without the file)."""
    path = app_dir / FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise ImageMetadataUnreadable(f"It is not valid JSON: {err}.", location=FILE) from None
    entries = data.get("labels") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ImageMetadataUnreadable('"labels" must be a list of objects.', location=FILE)
    labels: dict[str, str] = {}
    for entry in entries:
        for key, value in entry.items():
            if not isinstance(value, str) or not key:
                raise ImageMetadataUnreadable(
                    f"Label {key!r} has the value {value!r}, not a string.", location=FILE)
            labels[key] = value
    return labels
