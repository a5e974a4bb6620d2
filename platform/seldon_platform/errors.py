"""The platform's failure kinds: one class each, its title and fix written once.

A kind is raised with the values its title names and a cause, e.g.
`ImageNotFound("The engine has no such image.", image=ref)`. Every kind is a
`UserError`, so each CLI prints it the one way errors print (`UserError.render`).
docs/troubleshooting.md documents every kind's title; the docs test reads the
titles from `kinds()`, not from the source.
"""

from __future__ import annotations

from seldon_detect.errors import ErrorKind


class PlatformError(ErrorKind):
    """Base of the platform's kinds."""


#: every kind the platform defines
kinds = PlatformError.kinds
_kind = PlatformError.define


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

# -- the command line, the source and the platform directory -----------------------------------
SourceNotFound = _kind(
    "SourceNotFound", "Source {src} not found",
    "Check the path, or give a git URL such as https://host/org/repo.git.")
CloneFailed = _kind("CloneFailed", "Cannot get {source}",
                    "Check the URL, your access to it and that the ref exists.")
ContextDirOutside = _kind(
    "ContextDirOutside", "--context-dir {path} is not a directory inside the source",
    "Give a path relative to the source root.")
WheelsNotDirectory = _kind("WheelsNotDirectory", "--wheels {path} is not a directory",
                           "Give the folder holding your .whl files.")
BadEnvEntry = _kind("BadEnvEntry", "Bad environment entry {name!r}",
                    "Write each entry as NAME=VALUE.")
EnvFileUnreadable = _kind("EnvFileUnreadable", "Cannot read env file {file}", "Check the path.")
BadLabel = _kind("BadLabel", "Bad label {label!r}", "Write each label as --label KEY=VALUE.")
UnknownOutput = _kind(
    "UnknownOutput", "Unknown --output {output}",
    "Use `--output engine`, `--output oci-layout DIR` or `--output oci-archive FILE`.")
BindingWithoutType = _kind("BindingWithoutType", "Binding {path} has no `type` file",
                           "Add a `type` file (e.g. containing `pip`).")
BindingNameTaken = _kind("BindingNameTaken", "Two bindings are named {name}",
                         "Rename one of the binding directories.")
ImageNotExported = _kind("ImageNotExported", "The image could not be exported",
                         "Check the buildpack that wrote this layer.")
ProcessTypeNotFound = _kind(
    "ProcessTypeNotFound", "Process type {type!r} not found",
    "Give --default-process one of the process types the buildpacks define, or leave it out.")

# -- project.toml buildpacks --------------------------------------------------------------------
_INLINE_FIX = 'Give the entry an id ("me/my-step") and its script an api ("0.10").'
InlineBuildpackWithoutId = _kind(
    "InlineBuildpackWithoutId", "project.toml has an inline buildpack without an id", _INLINE_FIX)
InlineBuildpackWithoutApi = _kind(
    "InlineBuildpackWithoutApi", "project.toml has an inline buildpack without script.api",
    _INLINE_FIX)
BuildpackUriUnusable = _kind(
    "BuildpackUriUnusable", "project.toml buildpack uri {uri!r} cannot be used",
    "Unpack the buildpack into the source and give its directory as uri (relative to "
    "project.toml), or use the id of a builder buildpack.")
BuildpackUriNotBuildpack = _kind(
    "BuildpackUriNotBuildpack", "project.toml buildpack uri {uri!r} is not a buildpack directory",
    "Give the directory of an unpacked buildpack, relative to project.toml.")
BuildpackUriOtherId = _kind(
    "BuildpackUriOtherId", "project.toml buildpack uri {uri!r} does not match its id",
    "Drop the id (the uri is enough) or correct it.")

# -- the builder and its buildpacks -------------------------------------------------------------
BuilderNotFound = _kind(
    "BuilderNotFound", "Builder {path} not found",
    "Check the --builder path, or leave --builder out to use the tool's own.")
BuilderNotToml = _kind("BuilderNotToml", "{path} is not valid TOML", "Fix the file's syntax.")
BuilderWithoutImages = _kind("BuilderWithoutImages", "{path} names no build or run image",
                             "Add both images to the builder file.")
BuilderWithoutOrder = _kind("BuilderWithoutOrder", "{path} has no [[order]]",
                            "Add an [[order]] group.")
BuildpackNotFound = _kind("BuildpackNotFound", "Buildpack {id} not found",
                          "Package the buildpacks first: `make buildpacks`.")
BuildpackUnusable = _kind("BuildpackUnusable", "Buildpack in {dir} cannot be used",
                          "Fix its buildpack.toml.")

# -- the container engine and the host -----------------------------------------------------------
UnknownEngine = _kind(
    "UnknownEngine", "Unknown container engine SELDON_ENGINE={name!r}",
    "Set SELDON_ENGINE to podman or docker, or unset it to pick one automatically.")
NoEngine = _kind(
    "NoEngine", "No working container engine found",
    "Install podman: `sudo apt-get install podman runc` (or run `make setup` in this project).",
    "Or start a Docker daemon and make sure `docker info` works for your user.")
#: the fix names the command to run by hand, so the raise gives it
EngineCommandFailed = _kind("EngineCommandFailed", "{engine} {command} failed (exit {code})")
DockerApiNotStarted = _kind("DockerApiNotStarted", "podman's Docker-compatible API did not start",
                            "Run `podman system service --time=0 {url}` by hand to see why.")
UlimitTooHigh = _kind(
    "UlimitTooHigh", "The container's {limit} limit is higher than this host allows",
    "Run the image with explicit limits: `podman run {flags} ...`.",
    "Or raise the host's hard limit (`ulimit -H`), or set default_ulimits in your own "
    "containers.conf.")
HostToolsMissing = _kind("HostToolsMissing", "Host tools are missing: {tools}",
                         "Install them once: `{command}`.")

# -- stack images -------------------------------------------------------------------------------
BuildImageNotFound = _kind(
    "BuildImageNotFound", "Build image {image} not found",
    "Build the stack images once: `sudo seldon-build stacks` (root is needed for debootstrap; "
    "it shows its progress and takes a few minutes).")
BaseNeedsRoot = _kind(
    "BaseNeedsRoot", "Building the base image needs root",
    "Run `sudo make stacks` (or `sudo seldon-build stacks`) once; later builds reuse it.",
    "Or, with access to a registry, start from Debian's image: "
    "`seldon-build stacks --base docker.io/library/debian:bookworm-slim`.")
DebootstrapFailed = _kind(
    "DebootstrapFailed", "debootstrap could not build the root file system (exit {code})",
    "Check that the Debian mirror is reachable (`apt-get update` on the host), then run the "
    "same command again.")
RootfsPrepareFailed = _kind(
    "RootfsPrepareFailed", "Preparing the root file system failed (exit {code})",
    "A package download probably failed: check the mirror, then run the same command again "
    "(it continues after debootstrap).")

# -- the tool's own files: packaging and `make builder` -----------------------------------------
DataFilesMissing = _kind(
    "DataFilesMissing", "The tool's data files are missing",
    "Reinstall it: `pip install --force-reinstall seldon-model-buildpacks`, or run from a full "
    "checkout of the repository.")
PythonPackageMissing = _kind(
    "PythonPackageMissing", "Python package {name} is not installed",
    "Reinstall seldon-model-buildpacks (it depends on {name}), or run `make venv` in a checkout.")
PackagingStepFailed = _kind(
    "PackagingStepFailed", "{step} failed",
    "Check the access to PyPI, then run the same command again (`make buildpacks` in a "
    "checkout); wheels already downloaded are kept.")
BuilderFileUnreadable = _kind("BuilderFileUnreadable", "Cannot read {path}", "Fix the file.")
BuilderMismatch = _kind(
    "BuilderMismatch", "builder.toml does not match the buildpacks",
    "Fix builder.toml or the buildpack descriptors, then `make builder`.")
PackBuilderCreateFailed = _kind("PackBuilderCreateFailed", "pack builder create failed",
                                "Build the stack images first (`make stacks`).")
BuilderEntryNotBundled = _kind(
    "BuilderEntryNotBundled", "builder.toml entry cannot be bundled",
    "Give every [[buildpacks]] entry an id and a relative uri, the uri written once as a basic "
    'string on its own line (uri = "...").')
BuildpackNotPackaged = _kind("BuildpackNotPackaged", "Buildpack {id} is not packaged",
                             "Package the buildpacks first (`make buildpacks`).")

# -- `seldon-s2i` ------------------------------------------------------------------------------
NotSeldonBuilder = _kind(
    "NotSeldonBuilder", "{name!r} is not a Seldon Core Python s2i builder",
    "Name a Seldon builder, e.g. seldonio/seldon-core-s2i-python3:1.19.0 (the tag does not "
    "matter).",
    "For a builder of another kind, use s2i itself.")
S2iCommandUnsupported = _kind(
    "S2iCommandUnsupported", "`seldon-s2i {command}` is not supported",
    "Use `seldon-s2i build SRC BUILDER TAG`, or s2i itself for this.")
S2iUnknownCommand = _kind("S2iUnknownCommand", "unknown command {command!r}",
                          "Run `seldon-s2i --help`.")
S2iUsageArguments = _kind("S2iUsageArguments", "usage takes exactly one builder image",
                          "Run `seldon-s2i usage seldonio/seldon-core-s2i-python3`.")
S2iBuildOperandsMissing = _kind(
    "S2iBuildOperandsMissing", "build needs a source, a builder image and an image name",
    "Run e.g. `seldon-s2i build . seldonio/seldon-core-s2i-python3 my-model:0.1`.")
S2iTooManyOperands = _kind(
    "S2iTooManyOperands", "too many arguments for build: {extra}",
    "Quote values that contain spaces, and check for a flag missing its leading dash.")
S2iUnknownFlag = _kind(
    "S2iUnknownFlag", "unknown flag {flag}",
    "Run `seldon-s2i build --help` for the list of flags and what each does here.")
S2iSwitchNotBoolean = _kind("S2iSwitchNotBoolean", "{flag} takes true or false, not {value!r}",
                            "Write {flag} or {flag}=false.")
S2iFlagWithoutValue = _kind("S2iFlagWithoutValue", "{flag} needs a value",
                            "Write {flag}=VALUE or {flag} VALUE.")
#: each refused flag has its own fix (`s2i.flags.FLAGS`), so the raise gives it
S2iFlagRefused = _kind("S2iFlagRefused", "{flag} is not supported by seldon-s2i")
S2iNetworkRefused = _kind("S2iNetworkRefused", "{flag} {value!r} is not supported",
                          "Drop the flag, or write --network=host.")
S2iEnvNotPair = _kind("S2iEnvNotPair", "{flag} {value!r} is not NAME=VALUE",
                      "Write e.g. {flag} MODEL_NAME=MyModel, one flag per variable.")
S2iInjectionNotPair = _kind("S2iInjectionNotPair", "{flag} {value!r} is not DIR:DEST",
                            "Write e.g. {flag} ./wheels:/whl")
S2iNotPullPolicy = _kind("S2iNotPullPolicy", "{flag} {value!r} is not a pull policy",
                         "Write e.g. {flag}=if-not-present")
S2iLogLevelNotNumber = _kind("S2iLogLevelNotNumber", "{flag} {value!r} is not a number",
                             "Write e.g. {flag}=2")
S2iUidRangesInvalid = _kind("S2iUidRangesInvalid", "{flag} {value!r} is not a list of uid ranges",
                            "Write e.g. {flag} 1000-65535")
S2iBuildUidRefused = _kind("S2iBuildUidRefused",
                           "the build user (uid {uid}) is outside {flag} {ranges}",
                           "Allow uid {uid}, or drop the flag.")
S2iInjectedDirMissing = _kind(
    "S2iInjectedDirMissing", "injected directory {path} does not exist",
    "Check the path; relative paths start from the current directory.")
S2iInjectedDirEmpty = _kind(
    "S2iInjectedDirEmpty", "injected directory {path} has nothing for a {kind} binding",
    "Inject the directory that holds them, or drop the -i flag.")
S2iInjectionUnhonoured = _kind(
    "S2iInjectionUnhonoured", "cannot honour the injection {injection}",
    "Wheels: inject the folder at /whl (-i DIR:/whl).",
    "CA certificates: inject the folder at /etc/pki/ca-trust/source/anchors.",
    "pip.conf or netrc: inject the folder at /root/.config/pip.",
    "Anything else: make DIR a service binding by adding a file named `type` (e.g. containing "
    "`pip`), then inject it anywhere.")
S2iSecondWheelFolder = _kind("S2iSecondWheelFolder", "more than one folder injected at {dest}",
                             "Put all the wheels in one folder and inject that one.")
