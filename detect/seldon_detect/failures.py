"""Every failure the buildpacks report to the user: one kind each, its title and fix written here.

A call site raises a kind with the facts only: the cause text, where the problem
is, and the values the title and fix name, e.g.
`raise UnknownServiceType(cause, location=".s2i/environment:3", value="MODLE")`.
Titles and fix steps are `str.format` templates over those values (a literal
brace is doubled). Every kind is a `UserError`, so the buildpack entry point
prints it the one way errors print, and the platform reads that block back.
docs/troubleshooting.md documents every title; the docs test reads them from
`kinds()`. The platform's kinds live in `seldon_platform.errors`.
"""

from __future__ import annotations

from seldon_detect.errors import ErrorKind


class BuildpackError(ErrorKind):
    """Base of the buildpacks' kinds."""


#: every kind the buildpacks define
kinds = BuildpackError.kinds
_kind = BuildpackError.define


# -- any text file the build reads -------------------------------------------------------------
NotUtf8 = _kind("NotUtf8", "{file} is not UTF-8 text", "Save {file} as UTF-8.")
NotToml = _kind(
    "NotToml", "{file} is not valid TOML",
    "Fix the syntax error; `python3 -c \"import tomllib; tomllib.load(open('{file}', 'rb'))\"` "
    "shows it too.")

# -- .s2i/environment (and env files like it) ---------------------------------------------------
EnvLineUnreadable = _kind(
    "EnvLineUnreadable", "Cannot read line {line} of {file}",
    "Write one variable per line as KEY=VALUE (for example MODEL_NAME=MyModel).",
    "Start comment lines with #.")
UnterminatedQuote = _kind("UnterminatedQuote", "Unterminated quote",
                          "Close the quote or remove it: KEY={quote}value{quote}.")
TextAfterQuote = _kind("TextAfterQuote", "Unexpected text after a quoted value",
                       "Put the whole value inside the quotes.")

# -- the model settings --------------------------------------------------------------------------
ModelNameNotSet = _kind(
    "ModelNameNotSet", "MODEL_NAME is not set",
    "Add MODEL_NAME=<ClassName> to .s2i/environment (the file <ClassName>.py must define "
    "class <ClassName>), or use the module.path.ClassName form.",
    "Or pass it to the build: -e MODEL_NAME=<ClassName>.")
ModelNameMisspelled = ModelNameNotSet.define(
    "ModelNameMisspelled", "MODEL_NAME is not set, but {key} is",
    "Rename {key} to MODEL_NAME in .s2i/environment.")
ModelNameNotPython = _kind("ModelNameNotPython", "MODEL_NAME {name!r} is not a Python name",
                           "Fix MODEL_NAME, for example MODEL_NAME=MyModel.")
ModelNameIsFile = _kind(
    "ModelNameIsFile", "MODEL_NAME {name!r} names a file, not a class",
    "Set MODEL_NAME={suggested}: the file name without .py, when the file defines a class of "
    "the same name, else module.ClassName.")
ModelFileMissing = _kind(
    "ModelFileMissing", "No file {path}.py for MODEL_NAME={name}",
    "Rename the file or fix MODEL_NAME (it is case-sensitive).",
    "For a class inside a package use MODEL_NAME=package.module.ClassName.")
ModelFileElsewhere = ModelFileMissing.define(
    "ModelFileElsewhere", "No file {path}.py for MODEL_NAME={name}, but {found} exists",
    "Set MODEL_NAME={dotted} (the module.path.ClassName form; the folder needs no "
    "__init__.py).",
    "Or move {found} to the top of the repository.")
UnknownServiceType = _kind("UnknownServiceType", "Unknown SERVICE_TYPE {value!r}",
                           "Set SERVICE_TYPE in .s2i/environment or with -e SERVICE_TYPE=MODEL.")
BadPayloadPassthrough = _kind(
    "BadPayloadPassthrough", "PAYLOAD_PASSTHROUGH must be true or false, not {value!r}",
    "Set PAYLOAD_PASSTHROUGH=true or PAYLOAD_PASSTHROUGH=false.")
_PARAMETERS_EXAMPLE = ('Write a JSON list such as '
                       '[{{"name":"threshold","value":"0.5","type":"FLOAT"}}].')
ParametersNotJson = _kind("ParametersNotJson", "PREDICTIVE_UNIT_PARAMETERS is not valid JSON",
                          _PARAMETERS_EXAMPLE)
ParametersWrongShape = _kind("ParametersWrongShape",
                             "PREDICTIVE_UNIT_PARAMETERS has the wrong shape", _PARAMETERS_EXAMPLE)
ImageMetadataUnreadable = _kind(
    "ImageMetadataUnreadable", "Cannot read image_metadata.json",
    'Write it as {{"labels": [{{"name": "My model"}}, {{"version": "0.1"}}]}}: a list of '
    'objects whose keys and values are strings.')

# -- requirements files ----------------------------------------------------------------------------
BadRequirement = _kind(
    "BadRequirement", "Invalid requirement",
    "Write it as NAME, NAME==VERSION, NAME>=VERSION or NAME @ URL "
    "(see https://pip.pypa.io/en/stable/reference/requirement-specifiers/).",
    "Use ; for environment markers, for example: numpy; python_version >= '3.9'.")
RequirementLineUnsplittable = _kind("RequirementLineUnsplittable",
                                    "Cannot split a requirements line",
                                    "Check the quotes on this line.")
NestedRequirementsMissing = _kind(
    "NestedRequirementsMissing", "A nested requirements file is missing",
    "Add the file to the repository, or fix the path (it is relative to the file that "
    "contains this line).")
RequirementsLoop = _kind("RequirementsLoop", "Requirements files include each other in a loop",
                         "Remove one of the -r/-c lines so that the files form a tree.")
RemoteRequirements = _kind(
    "RemoteRequirements", "Remote requirements files are not supported",
    "Copy the file into the repository and refer to it by a relative path.")
OptionNeedsValue = _kind("OptionNeedsValue", "Option {option} needs a value",
                         "Write it as `{option} VALUE` or remove the line.")
UnknownRequirementsOption = _kind(
    "UnknownRequirementsOption", "Unknown option {option} in a requirements file",
    "Remove the line, or move the option to the pip configuration (for example a pip binding).")
OptionAfterRequirement = _kind("OptionAfterRequirement", "Unexpected {option} after a requirement",
                               "Move other options to a line of their own.")
InvalidHash = _kind("InvalidHash", "Invalid --hash value", "Write --hash=sha256:HEXDIGEST.")
UnknownInstaller = _kind("UnknownInstaller", "Unknown BP_PIP_INSTALLER {name!r}",
                         "Unset BP_PIP_INSTALLER (pip is the default) or set it to uv.")

# -- pyproject.toml and the Python version ---------------------------------------------------------
PythonVersionUnreadable = _kind("PythonVersionUnreadable",
                                "Cannot read the Python version in {source}",
                                "Write just the version, for example `{example}`.")
RequiresPythonUnreadable = _kind("RequiresPythonUnreadable",
                                 "Cannot read requires-python in pyproject.toml",
                                 "Write a version range, for example `>=3.8,<3.12`.")
PythonNotSupported = _kind("PythonNotSupported", "Python {version} is not supported",
                           "Ask for one of {supported} in {source}.",
                           "Or build with a builder whose stack has the Python you need.")
NoPythonDistribution = _kind(
    "NoPythonDistribution", "No known Python distribution for {version} on {arch}",
    "Ask for a minor version only (for example `3.8`) to get its newest known patch.",
    "Or give your own distribution with BP_CPYTHON_URL and BP_CPYTHON_SHA256.")

# -- the interpreter (seldon/cpython) --------------------------------------------------------------
OwnPythonHalfGiven = _kind("OwnPythonHalfGiven", "{given} is set without {missing}",
                           "Set {missing} too, or unset {given}.")
OwnPythonBadSha = _kind("OwnPythonBadSha", "BP_CPYTHON_SHA256 is not a sha256",
                        "Use the output of `sha256sum <file>`.")
OwnPythonRange = _kind("OwnPythonRange", "BP_CPYTHON_URL needs a Python version, not a range",
                       "Set BP_CPYTHON_VERSION (or .python-version) to the distribution's "
                       "version, e.g. 3.8.")
#: the ways to give the build a Python it cannot download from upstream
_WAYS_TO_PROVIDE_PYTHON = (
    "Point BP_CPYTHON_MIRROR at a mirror serving the same file names as upstream "
    "(e.g. --env BP_CPYTHON_MIRROR=https://mirror.example/python-build-standalone).",
    "Add a `dependency-mapping` binding with a file named by the sha256 whose content is the "
    "file's URL (file:// or http(s)://) or the name of a file in the binding.",
    "Give your own distribution with BP_CPYTHON_URL and its checksum with BP_CPYTHON_SHA256.",
)
PythonDownloadFailed = _kind("PythonDownloadFailed", "Cannot download Python {version}",
                             *_WAYS_TO_PROVIDE_PYTHON)
PythonChecksumMismatch = _kind("PythonChecksumMismatch",
                               "The Python distribution's checksum does not match",
                               *_WAYS_TO_PROVIDE_PYTHON)
PythonLayoutInvalid = _kind(
    "PythonLayoutInvalid", "The Python distribution is not in the install_only layout",
    "Use a python-build-standalone `install_only` (or `install_only_stripped`) archive: one "
    "top directory `python/` with bin/ and lib/.")
PythonDoesNotRun = _kind(
    "PythonDoesNotRun", "The Python distribution does not run on this stack",
    "Use a python-build-standalone build for linux-gnu on this architecture.")
PythonOtherVersion = _kind(
    "PythonOtherVersion", "The Python distribution is another version",
    "Give the distribution of the version you ask for, or ask for {found}.")

# -- the Python environment (seldon/python-venv, seldon/conda-environment) -------------------------
ProvidedPythonDoesNotRun = _kind(
    "ProvidedPythonDoesNotRun", "The provided Python does not run",
    "Rebuild without the cache (the interpreter layer may be damaged).")
VenvFailed = _kind("VenvFailed", "Cannot create a virtual environment",
                   "The build image needs python3-venv (Debian) for python3 -m venv.")
NoPythonEnvironment = _kind(
    "NoPythonEnvironment", "No Python environment to install into",
    "Use the builder's order, or list seldon/python-venv before this buildpack in "
    "project.toml / --buildpack.")
CondaNotYaml = _kind("CondaNotYaml", "{file} is not valid YAML",
                     "Check the indentation and the `- item` list syntax around this line.")
CondaNotMapping = _kind("CondaNotMapping", "{file} must be a mapping",
                        "Start the file with keys such as `channels:` and `dependencies:`.")
CondaChannelsNotList = _kind("CondaChannelsNotList",
                             "`channels` must be a list of channel names or URLs",
                             "Write channels as a YAML list, e.g. `channels: [conda-forge]`.")
CondaDependenciesNotList = _kind("CondaDependenciesNotList", "`dependencies` must be a list",
                                 "Write each dependency as `- name=version`.")
CondaUnsupportedEntry = _kind(
    "CondaUnsupportedEntry", "Unsupported entry in `dependencies`",
    "Use `- package=version` entries and at most one `- pip: [...]` entry.")
CondaEntriesRunTogether = _kind(
    "CondaEntriesRunTogether", "{file}: {entry!r} is two list entries run together",
    "Indent every `- ` entry of the list by the same number of spaces: YAML reads a line "
    "indented deeper than the one above as the rest of that entry.")
CondaNoPython = _kind("CondaNoPython", "{file} does not install Python",
                      "Add `- python=3.11` (or another version) to the dependencies of {file}.")
CondaUnsolvable = _kind(
    "CondaUnsolvable", "The conda environment cannot be solved",
    "Check the names and versions in environment.yml against the channels listed there.",
    "Add the channel that has the package to `channels:`.")
CondaChannelUnreachable = _kind(
    "CondaChannelUnreachable", "Cannot reach the conda channel {channel}",
    "Check the channel's address under `channels:` in environment.yml.",
    "If the build has no access to it, mirror the channels and point a `conda` binding's "
    "`.condarc` channel_alias at the mirror (docs/dependencies.md).")
CondaCreateFailed = _kind(
    "CondaCreateFailed", "Creating the conda environment failed",
    "Read the output above; check that the channels are reachable from the build (or "
    "mirrored through a `conda` binding's channel_alias).")
CondaNoPip = _kind("CondaNoPip", "The conda environment has no pip",
                   "Add `- pip` to the dependencies of environment.yml.")
RattlerInstallFailed = _kind(
    "RattlerInstallFailed", "Cannot install py-rattler for the conda solve",
    "Install micromamba in the build image, or use a stack whose python3 is 3.10 or newer on "
    "amd64/arm64.")

# -- Debian packages (Aptfile, [io.seldon.debian-packages]) ----------------------------------------
_DEBIAN_INDEX = "https://packages.debian.org/bookworm/"
DebianNotAName = _kind(
    "DebianNotAName", "{file} may list only Debian package names",
    f"Replace it with the name of a Debian bookworm package ({_DEBIAN_INDEX}), or install the "
    "software with pip or conda instead.")
DebianBadName = _kind("DebianBadName", "{spec!r} is not a Debian package name",
                      f"Correct the entry in {{file}}; {_DEBIAN_INDEX} lists the names.")
DebianAskedTwice = _kind("DebianAskedTwice", "Package {name} is asked for twice, differently",
                         "Keep one of the two entries.")
DebianTableInvalid = _kind(
    "DebianTableInvalid", "[{table}] in {file} must hold only `install`, a list of names",
    'Write it as:\n[{table}]\ninstall = ["libgl1", "libglib2.0-0"]')
DebianListsUnreadable = _kind(
    "DebianListsUnreadable", "Cannot read the Debian package lists",
    "Check that the build can reach the Debian mirror in the build image's "
    "/etc/apt/sources.list, then build again.")
DebianPackageUninstallable = _kind(
    "DebianPackageUninstallable", "A requested Debian package cannot be installed",
    f"Check the name on {_DEBIAN_INDEX} (the stack is Debian 12 'bookworm') and correct it.",
    "A pinned version (name=version) must be one the archive still has; drop the pin to take "
    "the current one.")
DebianPythonPackage = DebianPackageUninstallable.define(
    "DebianPythonPackage", "{name} is a Python 2 package that Debian 12 no longer has",
    "Install the Python library with pip instead: list it in requirements.txt (for "
    "python-opencv, opencv-python-headless). Debian's python3-* packages install into the "
    "system Python, which the model's environment does not see.",
    "Keep in {file} only the system libraries that the pip wheels need (e.g. libgl1).")
DebianDownloadFailed = _kind("DebianDownloadFailed", "Downloading the Debian packages failed",
                             "Check the network access to the Debian mirror and build again.")
DebianUnpackFailed = _kind(
    "DebianUnpackFailed", "Cannot unpack {archive}",
    "Build again; a damaged download is fetched anew when the cache is cleared "
    "(--clear-cache / pack build --clear-cache).")

# -- installing packages: `step` names the command, e.g. "pip install -r requirements.txt" ---------
_WHEEL_FOLDER = "the wheel folder (/whl or a `wheels` binding)"
InstallRefused = _kind(
    "InstallRefused", "{step} was refused by a package index ({status})",
    "Check the user and password in EXTRA_INDEX_URL / PIP_EXTRA_INDEX_URL / PIP_INDEX_URL "
    "(https://USER:PASSWORD@host/simple), and quote special characters (%40 for @).",
    "Or provide them with a `pip` binding (pip.conf and/or netrc) instead of variables.",
    "Make sure the account may read the packages you install.")
InstallOutOfMemory = _kind(
    "InstallOutOfMemory", "{step} ran out of memory",
    "Give the build more memory (podman/docker --memory, or the kpack build resources).",
    "Prefer binary wheels: pin versions that publish wheels for Python {python}.")
InstallNoWheel = _kind(
    "InstallNoWheel",
    "{step}: {name} {version} has no wheel for Python {python} and does not build from source",
    "Pin a {name} release that publishes wheels for Python {python} (see its files on "
    "pypi.org), or drop the pin.",
    "Or build with the Python that release was made for: see Python versions in "
    "docs/dependencies.md.")
InstallCompileFailed = _kind(
    "InstallCompileFailed", "{step} failed to compile a package from source",
    "Pin a version of the package that publishes a wheel for Python {python} on linux "
    "(manylinux).",
    f"Or build the wheel yourself and put it in {_WHEEL_FOLDER}.")
InstallNoMatch = _kind(
    "InstallNoMatch", "{step}: no matching distribution for {name}",
    "Check the name and version of {name} (is it published for Python {python}?).",
    "If it lives on a private index, set EXTRA_INDEX_URL (and PIP_TRUSTED_HOST for plain "
    "http) or add a `pip` binding.",
    f"If it is a local wheel, put it in {_WHEEL_FOLDER}.")
InstallHashMismatch = _kind(
    "InstallHashMismatch", "{step}: {name} does not match its --hash",
    "If you changed the version on purpose, replace the hash on that line with the one "
    "computed above (or regenerate the file, e.g. `pip-compile --generate-hashes`).",
    "If you did not, the index served another file than the one you pinned: check which index "
    "or mirror the build uses before trusting it.")
InstallVcsUnreachable = _kind(
    "InstallVcsUnreachable", "{step}: cannot fetch {url}",
    "Build a wheel of that package (`pip wheel URL`) and put it in " + _WHEEL_FOLDER
    + ", then replace the line with the package name.",
    "Or publish the package to a private index and set EXTRA_INDEX_URL (or a `pip` binding).")
SetupPyFailed = _kind(
    "SetupPyFailed", "setup.py raised {error}",
    "Fix setup.py; `python setup.py egg_info` in the repository shows the same error.")
SetupPyImports = SetupPyFailed.define(
    "SetupPyImports", "setup.py imports {module!r}, which is not installed yet",
    "Add the package that provides {module!r} to requirements.txt: it is installed before "
    "setup.py runs.",
    "Or move the import into the code that needs it, so setup.py runs without it.")
InstallConflict = _kind("InstallConflict", "{step}: the requirements conflict",
                        "Relax or align the version pins named above.")
InstallFailed = _kind("InstallFailed", "{step} failed (exit status {code})",
                      "Read the installer output above for the first error.",
                      "Reproduce locally with the same Python ({python}) and requirements.")

# -- the model import check (seldon/runtime) -------------------------------------------------------
ImportModuleMissing = _kind(
    "ImportModuleMissing", "The model {model} cannot be imported: module {module!r} is missing",
    "Add the package that provides {module!r} to requirements.txt (or setup.py / "
    "environment.yml).",
    "If it is a file of your repository, check its name and location (it must be importable "
    "from the repository root).")
#: the same failure, for a module that seldon-core's own dependencies brought into s2i images
SeldonCoreModuleMissing = ImportModuleMissing.define(
    "SeldonCoreModuleMissing", ImportModuleMissing.TITLE,
    "Add {package} to requirements.txt: the s2i builder image had it because seldon-core "
    "depends on it, and this image does not install seldon-core.")
ImportLibraryMissing = _kind(
    "ImportLibraryMissing",
    "The model {model} cannot be imported: native library {library} is missing",
    "Use a wheel that bundles the library (most manylinux wheels do).",
    "Or install the package from conda (environment.yml), which ships native libraries.",
    "Or list the Debian package that has {library} in an Aptfile (search by file name on "
    f"{_DEBIAN_INDEX}).")
ModelClassMissing = _kind(
    "ModelClassMissing", "The model module has no class {name!r}",
    "MODEL_NAME must name a class defined in the module (names are case-sensitive).")
ModelClassMisnamed = ModelClassMissing.define(
    "ModelClassMisnamed", "The model module has no class {name!r}, but has {found!r}",
    "Rename class {found} to {name} in {file} (an s2i model's file and class share a name).",
    "Or keep the class name and set MODEL_NAME={module}.{found}.")
ModelImportFailed = _kind(
    "ModelImportFailed", "The model {model} cannot be imported",
    "Fix the error in your model code; the same import runs when the container starts.",
    "If that line reads files or calls services that exist only where the model runs, do it "
    "in the class's load() method: the server calls load() at start-up, the build only "
    "imports the module.")
ModelSyntaxError = _kind(
    "ModelSyntaxError", "The model {model} cannot be imported: {file} has a syntax error",
    "Correct the line shown; `python3 -m py_compile {file}` shows the same error.")
ModelPython2Code = ModelSyntaxError.define(
    "ModelPython2Code", "The model {model} cannot be imported: {file} is Python 2 code",
    "Port it to Python 3: print is a function (`print(x)`), exceptions are caught with "
    "`except E as e:`, and `futurize --stage1` (from the `future` package) or `pyupgrade` "
    "rewrite most of it.",
    "Check the whole repository, not just this line: the first error hides the next ones.")
RuntimeBuildpackIncomplete = _kind(
    "RuntimeBuildpackIncomplete", "The seldon/runtime buildpack is incomplete",
    "Package the buildpacks with `make buildpacks` (it builds and vendors the wheel).")
