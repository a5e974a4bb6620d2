"""CycloneDX 1.4 JSON SBOMs from what is really installed (`*.dist-info`, `conda-meta/*.json`).

No timestamps or random serial numbers: the same environment gives the same bytes.
"""

from __future__ import annotations

import json
from email.parser import HeaderParser
from pathlib import Path
from typing import Any

MEDIA_TYPE = "application/vnd.cyclonedx+json"
EXTENSION = "cdx.json"


def installed_components(prefix: Path) -> list[dict[str, Any]]:
    components: dict[str, dict[str, Any]] = {}
    for meta in prefix.glob("lib/python*/site-packages/*.dist-info/METADATA"):
        headers = HeaderParser().parsestr(meta.read_text(encoding="utf-8", errors="replace"))
        name, version = headers.get("Name"), headers.get("Version")
        if not name or not version:
            continue
        comp = {"type": "library", "name": name, "version": version,
                "purl": f"pkg:pypi/{name.lower().replace('_', '-')}@{version}"}
        if headers.get("License"):
            comp["licenses"] = [{"license": {"name": headers["License"][:200]}}]
        components[f"pypi:{name.lower()}"] = comp
    for record in prefix.glob("conda-meta/*.json"):
        data = json.loads(record.read_text(encoding="utf-8"))
        name, version = data.get("name"), data.get("version")
        if not name or not version:
            continue
        components[f"conda:{name}"] = {
            "type": "library", "name": name, "version": version,
            "purl": f"pkg:conda/{name}@{version}?build={data.get('build', '')}",
        }
    return [components[k] for k in sorted(components)]


def cyclonedx(components: list[dict[str, Any]], subject: str) -> str:
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.4",
        "version": 1,
        "metadata": {"component": {"type": "application", "name": subject}},
        "components": components,
    }
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"
