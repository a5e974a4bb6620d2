"""The platform's failure kinds: one class each, its title and fix written once.

A kind is raised with the values its title names and a cause, e.g.
`ImageNotFound("The engine has no such image.", image=ref)`. Every kind is a
`UserError`, so each CLI prints it the one way errors print (`UserError.render`).
docs/troubleshooting.md documents every kind's title; the docs test reads the
titles from `kinds()`, not from the source.
"""

from __future__ import annotations

from seldon_detect.errors import ErrorKind, define_kind, kinds_of


class PlatformError(ErrorKind):
    """Base of the platform's kinds."""


def kinds() -> list[type[PlatformError]]:
    """Every kind the platform defines."""
    return kinds_of(PlatformError)


def _kind(name: str, title: str, *fix: str) -> type[PlatformError]:
    return define_kind(PlatformError, name, title, *fix, module=__name__)


# -- the build ------------------------------------------------------------------------------
NoBuildpackGroup = _kind(
    "NoBuildpackGroup", "No buildpack group applies to this source",
    "Check that the source holds a model (e.g. MyModel.py with class MyModel and "
    "requirements.txt), or that --context-dir points at it.",
    "Run with -v to see every buildpack's detect output.")
LifecycleFailed = _kind(
    "LifecycleFailed", "The build failed (lifecycle exit {code})",
    "Read the build output above; fix the cause and build again.")
DiskFull = _kind(
    "DiskFull", "The disk is full",
    "Free disk space (`podman system prune`, old build caches), then build again.")
DependencyNotFound = _kind(
    "DependencyNotFound", "A Python dependency could not be found",
    "Check the package name and version in requirements.txt, and any private index settings.")
NoNetwork = _kind(
    "NoNetwork", "The build could not reach the network",
    "Check network access to the package index, or use --wheels DIR for offline wheels.")
ModuleNotInstalled = _kind(
    "ModuleNotInstalled", "The model code imports a module that is not installed",
    "Add the missing package to requirements.txt.")

# -- images: inspect and rebase ---------------------------------------------------------------
ImageNotFound = _kind(
    "ImageNotFound", "Image {image} not found",
    "Check the name and tag, or build it first: seldon-build build SRC -t IMAGE")
NotBuiltWithBuildpacks = _kind(
    "NotBuiltWithBuildpacks", "{image} was not built with buildpacks",
    "Use an image built by seldon-build, pack or kpack.")
TopLayerMissing = _kind(
    "TopLayerMissing", "{image} does not hold its run image's top layer", "Rebuild the image.")
RunImageNotRebasable = _kind(
    "RunImageNotRebasable", "Run image {image} is not rebasable",
    "Rebuild the model image instead, or pass --force if you know better.")
RunImageOtherPlatform = _kind(
    "RunImageOtherPlatform", "Run image {image} is for another platform",
    "Use a run image of the same OS and architecture.")
RunImageOtherDistribution = _kind(
    "RunImageOtherDistribution", "Run image {image} is another distribution",
    "Rebuild the model image on the new stack instead.")

# -- the engine's image store ------------------------------------------------------------------
SkopeoMissing = _kind(
    "SkopeoMissing", "skopeo is not installed",
    "Install it: `sudo apt-get install skopeo` (or run `make setup`).")
SkopeoFailed = _kind("SkopeoFailed", "skopeo {command} failed",
                     "Check that the container engine works and that the image exists.")
RunImageNotFound = _kind(
    "RunImageNotFound", "Run image {image} not found",
    "Build the stack images: `seldon-build stacks` (or `make stacks`).")

# -- project.toml -------------------------------------------------------------------------------
ProjectNotToml = _kind("ProjectNotToml", "project.toml is not valid TOML", "Fix its syntax.")
ProjectIncludeAndExclude = _kind(
    "ProjectIncludeAndExclude", "project.toml sets both include and exclude",
    "Keep either include or exclude.")
ProjectBuildpackWithoutId = _kind(
    "ProjectBuildpackWithoutId", "project.toml names a buildpack without an id",
    "Give every [[io.buildpacks.group]] entry an id.")

# -- `seldon-build build --pack` ----------------------------------------------------------------
PackMissing = _kind(
    "PackMissing", "--pack needs the `pack` CLI",
    "Install pack (https://buildpacks.io/docs/for-platform-operators/how-to/integrate-ci/pack/)",
    "or build without --pack: seldon-build runs the buildpacks itself.")
PackOutput = _kind("PackOutput", "--pack writes to the Docker daemon only",
                   "Drop --output, or drop --pack.")

# -- `make demo` ---------------------------------------------------------------------------------
DemoServerExited = _kind("DemoServerExited", "The model server exited before it became ready")
DemoServerNotReady = _kind("DemoServerNotReady", "The model server did not become ready at {url}")
DemoPredictionFailed = _kind("DemoPredictionFailed", "The prediction failed with HTTP {status}")
