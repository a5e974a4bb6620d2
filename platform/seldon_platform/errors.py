"""The platform's failure kinds: one class each, its title and fix written once.

A kind is raised with the values its title names and a cause, e.g.
`ImageNotFound("The engine has no such image.", image=ref)`. Every kind is a
`UserError`, so each CLI prints it the one way errors print (`UserError.render`).
docs/troubleshooting.md documents every kind's title; the docs test reads the
titles from `kinds()`, not from the source.
"""

from __future__ import annotations

import re
import string
from typing import ClassVar, Sequence

from seldon_detect.errors import UserError


class PlatformError(UserError):
    """Base of the kinds: `TITLE` is a `str.format` template over the keyword values."""

    TITLE: ClassVar[str] = ""
    FIX: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        cause: str = "",
        *,
        fix: Sequence[str] | None = None,
        location: str = "",
        **values: object,
    ):
        super().__init__(self.TITLE.format(**values), cause,
                         tuple(self.FIX if fix is None else fix), location)

    @classmethod
    def title_pattern(cls) -> str:
        """A regular expression matching every title of this kind (a value is any text)."""
        return "".join(re.escape(literal) + (".+?" if field is not None else "")
                       for literal, field, _, _ in string.Formatter().parse(cls.TITLE))


def kinds() -> list[type[PlatformError]]:
    """Every kind defined (subclasses of subclasses included)."""
    found, todo = [], list(PlatformError.__subclasses__())
    while todo:
        kind = todo.pop(0)
        found.append(kind)
        todo += kind.__subclasses__()
    return found


# -- the build ------------------------------------------------------------------------------

class NoBuildpackGroup(PlatformError):
    TITLE = "No buildpack group applies to this source"
    FIX = ("Check that the source holds a model (e.g. MyModel.py with class MyModel and "
           "requirements.txt), or that --context-dir points at it.",
           "Run with -v to see every buildpack's detect output.")


class LifecycleFailed(PlatformError):
    TITLE = "The build failed (lifecycle exit {code})"
    FIX = ("Read the build output above; fix the cause and build again.",)


class DiskFull(PlatformError):
    TITLE = "The disk is full"
    FIX = ("Free disk space (`podman system prune`, old build caches), then build again.",)


class DependencyNotFound(PlatformError):
    TITLE = "A Python dependency could not be found"
    FIX = ("Check the package name and version in requirements.txt, and any private index "
           "settings.",)


class NoNetwork(PlatformError):
    TITLE = "The build could not reach the network"
    FIX = ("Check network access to the package index, or use --wheels DIR for offline wheels.",)


class ModuleNotInstalled(PlatformError):
    TITLE = "The model code imports a module that is not installed"
    FIX = ("Add the missing package to requirements.txt.",)


# -- images: inspect and rebase ---------------------------------------------------------------

class ImageNotFound(PlatformError):
    TITLE = "Image {image} not found"
    FIX = ("Check the name and tag, or build it first: seldon-build build SRC -t IMAGE",)


class NotBuiltWithBuildpacks(PlatformError):
    TITLE = "{image} was not built with buildpacks"
    FIX = ("Use an image built by seldon-build, pack or kpack.",)


class TopLayerMissing(PlatformError):
    TITLE = "{image} does not hold its run image's top layer"
    FIX = ("Rebuild the image.",)


class RunImageNotRebasable(PlatformError):
    TITLE = "Run image {image} is not rebasable"
    FIX = ("Rebuild the model image instead, or pass --force if you know better.",)


class RunImageOtherPlatform(PlatformError):
    TITLE = "Run image {image} is for another platform"
    FIX = ("Use a run image of the same OS and architecture.",)


class RunImageOtherDistribution(PlatformError):
    TITLE = "Run image {image} is another distribution"
    FIX = ("Rebuild the model image on the new stack instead.",)
