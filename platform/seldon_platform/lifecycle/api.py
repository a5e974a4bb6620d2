"""Versions, default paths and exit codes shared by every phase."""

from __future__ import annotations

PLATFORM_API = "0.13"
#: Buildpack APIs this lifecycle runs (compared exactly, as the reference lifecycle does)
BUILDPACK_APIS = ("0.7", "0.8", "0.9", "0.10", "0.11", "0.12")

APP_DIR = "/workspace"
LAYERS_DIR = "/layers"
PLATFORM_DIR = "/platform"
BUILDPACKS_DIR = "/cnb/buildpacks"
BUILD_CONFIG_DIR = "/cnb/build-config"
CACHE_DIR = "/cache"

#: exit codes of the reference lifecycle, so wrappers can classify failures
EXIT_BUILDPACK_API = 12
EXIT_DETECT_FAIL = 20
EXIT_DETECT_ERROR = 21
EXIT_DETECT_OTHER = 22
EXIT_RESTORE = 40
EXIT_BUILD_BUILDPACK = 51
EXIT_BUILD_OTHER = 52

#: the variables (besides CNB_*) that detect and build see from the lifecycle's env
PASSTHROUGH_ENV = (
    "HOME",
    "HOSTNAME",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "CNB_STACK_ID",
)
PATH_VARS = ("PATH", "LD_LIBRARY_PATH", "LIBRARY_PATH", "CPATH", "PKG_CONFIG_PATH")


class PhaseError(Exception):
    """A phase failure with the lifecycle's exit code and a message for people."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def render(self) -> str:
        """The lines the lifecycle prints last, on stderr (the platform reads them back)."""
        return f"ERROR: {self.message}"


def api_at_least(api: str, wanted: str) -> bool:
    return _parse(api) >= _parse(wanted)


def _parse(version: str) -> tuple[int, int]:
    major, _, minor = version.partition(".")
    return int(major), int(minor or 0)
