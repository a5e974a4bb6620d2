"""The protocols served next to Seldon's on the REST port: V2 (Open Inference) and KServe V1.

Each is on unless its setting turns it off (`--v2 false`, `--kserve-v1 false`);
both address the model by `Settings.model_name`.
"""

from __future__ import annotations

from .dataplane import DataPlane
from .kserve.v1 import V1Routes
from .rest.app import RestApp
from .settings import Settings
from .v2.plane import V2Plane
from .v2.rest import V2Routes


def v2_plane(plane: DataPlane, settings: Settings) -> V2Plane:
    return V2Plane(plane, settings.service_type, settings.model_name,
                   settings.served_model_version)


def mount(app: RestApp, settings: Settings) -> RestApp:
    """Add the enabled protocols' routes to `app` (its Seldon routes win on a clash)."""
    mounted = []
    if settings.v2:
        mounted.append(V2Routes(v2_plane(app.plane, settings), app.max_body))
    if settings.kserve_v1:
        mounted.append(V1Routes(app.plane, settings.service_type, settings.model_name,
                                app.max_body))
    for routes in mounted:
        for path, entry in routes.routes().items():
            app.routes.setdefault(path, entry)
        app.prefixes.append(routes.prefixed())
    return app
