"""The flags `s2i build` knows, what each one means for us, and a parser that reads
them the way s2i's own (Go pflag) parser does.

Every s2i flag is listed with its fate: `map` (translated into a `seldon-build`
argument), `accept` (nothing to do for our builds, said in an info line), or
`reject` (we cannot do what it asks, so it is an error). Unknown flags are
errors too, so nothing a user types is ignored without a word.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..errors import S2iFlagWithoutValue, S2iSwitchNotBoolean, S2iUnknownFlag

MAP, ACCEPT, REJECT, HELP = "map", "accept", "reject", "help"


@dataclass(frozen=True)
class Flag:
    name: str
    short: str = ""
    #: a boolean flag takes no value (`--rm`), or `=true` / `=false`
    boolean: bool = False
    fate: str = MAP
    #: what the flag does in s2i (help text)
    does: str = ""
    #: `accept`: why nothing is needed; `reject`: why it cannot be honoured
    why: str = ""
    #: `reject`: what to do instead
    fix: str = ""


_NO_PULL = "Nothing is pulled: the build and run images are made locally from Debian packages."
_NO_ENGINE_URL = "The container engine is found automatically (podman first, then docker)."
_ENGINE_FIX = (
    "Drop the flag; to use docker on a given socket set SELDON_ENGINE=docker and DOCKER_HOST."
)
_NO_SCRIPTS = (
    "Builds here run buildpacks, not s2i assemble/run scripts, so there are no scripts to replace."
)

FLAGS: tuple[Flag, ...] = (
    Flag("help", "h", boolean=True, fate=HELP, does="show this help"),
    # --- translated ---------------------------------------------------------
    Flag("env", "e", does="set NAME=VALUE for the build (repeatable)"),
    Flag("environment-file", "E", does="read NAME=VALUE lines from a file"),
    Flag("application-name", "n", does="display-name label of the image (default: the tag)"),
    Flag("description", does="description label of the image"),
    Flag("context-dir", does="build the application in this sub-directory of the source"),
    Flag("ref", "r", does="git branch, tag or commit to build (git sources)"),
    Flag("inject", "i", does="DIR:DEST, make DIR available to the build only (repeatable)"),
    Flag("incremental", boolean=True, does="reuse what the previous build produced"),
    Flag("quiet", "q", boolean=True, does="print only errors"),
    Flag("loglevel", does="0-5; 2 or more prints every detail"),
    Flag("copy", "c", boolean=True, does="build local files as they are on disk"),
    Flag("allowed-uids", "u", does="user ids the build may run as, e.g. 1-65535"),
    Flag("network", does="container network of the build (only `host`)"),
    # --- accepted, nothing to do --------------------------------------------
    Flag(
        "rm", boolean=True, fate=ACCEPT,
        does="remove the previous image after an incremental build",
        why="A previous image is never a build input here: layers are reused from the "
        "build cache, so there is nothing to remove.",
    ),
    Flag("pull-policy", "p", fate=ACCEPT, does="when to pull the builder image", why=_NO_PULL),
    Flag(
        "incremental-pull-policy", fate=ACCEPT, does="when to pull the previous image",
        why="The previous image is not read: cached layers come from the build cache.",
    ),
    Flag("runtime-pull-policy", fate=ACCEPT, does="when to pull the runtime image", why=_NO_PULL),
    Flag("force-pull", boolean=True, fate=ACCEPT, does="old form of --pull-policy=always",
         why=_NO_PULL),
    Flag(
        "dockercfg-path", fate=ACCEPT, does="registry credentials for pulling the builder",
        why="No registry is contacted, so no registry credentials are read.",
    ),
    # --- rejected -------------------------------------------------------------
    Flag("scripts-url", "s", fate=REJECT, does="replace the builder's s2i scripts", why=_NO_SCRIPTS,
         fix="Put start-up work in the model class's load() method, or build with s2i itself."),
    Flag("scripts", fate=REJECT, does="old form of --scripts-url", why=_NO_SCRIPTS,
         fix="Put start-up work in the model class's load() method, or build with s2i itself."),
    Flag("image-scripts-dir", fate=REJECT, does="where the builder keeps its s2i scripts",
         why=_NO_SCRIPTS, fix="Drop the flag."),
    Flag("destination", "d", fate=REJECT, does="where sources are unpacked in the builder",
         why="Sources always go to /workspace, where the buildpacks expect them.",
         fix="Drop the flag."),
    Flag("location", "l", fate=REJECT, does="old form of --destination",
         why="Sources always go to /workspace, where the buildpacks expect them.",
         fix="Drop the flag."),
    Flag("assemble-user", fate=REJECT, does="user that runs assemble",
         why="Every build phase runs as the stack's unprivileged user cnb (uid 1000).",
         fix="Drop the flag."),
    Flag("runtime-image", fate=REJECT, does="copy artifacts onto another image",
         why="Images are always assembled on our slim run image, which carries no compiler.",
         fix="Drop the flag; the result is already a small runtime-only image."),
    Flag("runtime-artifact", "a", fate=REJECT, does="file to copy onto the runtime image",
         why="Images are always assembled on our slim run image; there is no artifact copy step.",
         fix="Drop the flag."),
    Flag("volume", "v", fate=REJECT, does="mount a volume into the assemble container",
         why="Build phases only see the source, the cache and service bindings.",
         fix="Use -i DIR:/whl for wheels, or a service binding (see docs/s2i.md) for "
         "credentials and certificates."),
    Flag("exclude", fate=REJECT, does="regular expression of source files to leave out",
         why="The source tree is used as a whole.",
         fix="Drop the flag, or remove the files from the source directory."),
    Flag("callback-url", fate=REJECT, does="URL to POST the build result to",
         why="There is no build callback.",
         fix="Check the exit status of seldon-s2i instead (0 means the image was built)."),
    Flag("run", boolean=True, fate=REJECT, does="start the image after building it",
         why="Building and running are kept apart.",
         fix="Run the image afterwards: podman run --rm --ulimit nofile=4096:4096 "
         "--ulimit nproc=4096:4096 -p 9000:9000 IMAGE"),
    Flag("cap-drop", fate=REJECT, does="capabilities to drop in build containers",
         why="The capabilities of build containers are fixed by the platform.",
         fix="Drop the flag; build phases already run as an unprivileged user."),
    Flag("as-dockerfile", fate=REJECT, does="write a Dockerfile instead of building",
         why="Buildpack builds have no Dockerfile form.",
         fix="Use `seldon-build build --output oci-archive FILE` for a portable result."),
    Flag("use-config", boolean=True, fate=REJECT, does="save the options to .s2ifile",
         why=".s2ifile is not read or written.", fix="Keep the command line in a script."),
    Flag("save-temp-dir", boolean=True, fate=REJECT, does="keep the build's working directory",
         why="The working directories live inside the build containers and are not kept.",
         fix="Add -v (or --loglevel=2) to see what each build phase does."),
    Flag("ignore-submodules", boolean=True, fate=REJECT, does="do not clone git submodules",
         why="Git sources are fetched by seldon-build, which has no such switch.",
         fix="Drop the flag."),
    Flag("url", "U", fate=REJECT, does="docker daemon URL", why=_NO_ENGINE_URL, fix=_ENGINE_FIX),
    Flag("ca", fate=REJECT, does="TLS CA for the docker daemon", why=_NO_ENGINE_URL,
         fix=_ENGINE_FIX),
    Flag("cert", fate=REJECT, does="TLS certificate for the docker daemon", why=_NO_ENGINE_URL,
         fix=_ENGINE_FIX),
    Flag("key", fate=REJECT, does="TLS key for the docker daemon", why=_NO_ENGINE_URL,
         fix=_ENGINE_FIX),
    Flag("tls", boolean=True, fate=REJECT, does="TLS to the docker daemon", why=_NO_ENGINE_URL,
         fix=_ENGINE_FIX),
    Flag("tlsverify", boolean=True, fate=REJECT, does="verified TLS to the docker daemon",
         why=_NO_ENGINE_URL, fix=_ENGINE_FIX),
)

_BY_LONG = {f.name: f for f in FLAGS}
_BY_SHORT = {f.short: f for f in FLAGS if f.short}

_TRUE = {"1", "t", "T", "true", "TRUE", "True"}
_FALSE = {"0", "f", "F", "false", "FALSE", "False"}


@dataclass(frozen=True)
class Given:
    """One flag as the user gave it: `value` is "true"/"false" for boolean flags."""

    flag: Flag
    value: str
    #: how it was spelled, for messages (`-e`, `--env`)
    spelled: str

    @property
    def on(self) -> bool:
        return self.value == "true"


@dataclass(frozen=True)
class Parsed:
    positionals: list[str]
    given: list[Given]

    def all(self, name: str) -> list[Given]:
        return [g for g in self.given if g.flag.name == name]

    def last(self, name: str) -> Given | None:
        found = self.all(name)
        return found[-1] if found else None


def parse(args: Sequence[str]) -> Parsed:
    """Split `args` into positionals and flags like pflag does: flags may come
    anywhere, `--name=value` or `--name value`, `-xVALUE`, `-x=VALUE` or `-x VALUE`,
    grouped short booleans (`-qc`), and `--` ends the flags."""
    positionals: list[str] = []
    given: list[Given] = []
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            positionals += rest
            break
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            flag = _BY_LONG.get(name)
            if flag is None:
                raise _unknown(f"--{name}")
            given.append(_take(flag, f"--{name}", value if eq else None, rest))
        elif arg.startswith("-") and arg != "-":
            given += _shorts(arg[1:], rest)
        else:
            positionals.append(arg)
    return Parsed(positionals, given)


def _shorts(letters: str, rest: list[str]) -> list[Given]:
    found = []
    while letters:
        letter, letters = letters[0], letters[1:]
        flag = _BY_SHORT.get(letter)
        if flag is None:
            raise _unknown(f"-{letter}")
        if flag.boolean and not letters.startswith("="):
            found.append(Given(flag, "true", f"-{letter}"))
            continue
        # a value flag takes the rest of the group (`-eK=V`, `-e=K=V`) or the next argument
        value = letters[1:] if letters.startswith("=") else letters
        found.append(_take(flag, f"-{letter}", value or None, rest))
        break
    return found


def _take(flag: Flag, spelled: str, value: str | None, rest: list[str]) -> Given:
    if flag.boolean:
        if value is None:
            return Given(flag, "true", spelled)
        if value in _TRUE or value in _FALSE:
            return Given(flag, "true" if value in _TRUE else "false", spelled)
        raise S2iSwitchNotBoolean(
            f"{spelled} is a switch: give it alone, or as {spelled}=true / {spelled}=false.",
            flag=spelled, value=value)
    if value is None:
        if not rest:
            raise S2iFlagWithoutValue(f"{spelled} was the last argument, with nothing after it.",
                                      flag=spelled)
        value = rest.pop(0)
    return Given(flag, value, spelled)


def _unknown(spelled: str) -> S2iUnknownFlag:
    return S2iUnknownFlag("seldon-s2i knows the flags of `s2i build`; this one is not among them.",
                          flag=spelled)
