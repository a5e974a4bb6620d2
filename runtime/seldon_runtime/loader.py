"""Finding, importing and instantiating the user's model class (MODEL_NAME)."""

from __future__ import annotations

import importlib
import os
import socket
import sys
import traceback
from typing import Any

from .startup import (
    ModelClassMissing,
    ModelCreationFailed,
    ModelDependencyMissing,
    ModelImportFailed,
    ModelModuleNotFound,
    ModelServiceUnreachable,
    StartupError,
)

_COMPAT_DIR = os.path.join(os.path.dirname(__file__), "compat")


def install_compat() -> None:
    """Make `import seldon_core...` work when seldon-core itself is not installed.

    The shim directory goes at the *end* of sys.path, so an installed
    seldon-core always wins and nothing changes for repositories that pin it.
    """
    if _COMPAT_DIR not in sys.path:
        sys.path.append(_COMPAT_DIR)


def split_name(interface_name: str) -> tuple[str, str]:
    if "." in interface_name:
        module, _, cls = interface_name.rpartition(".")
        return module, cls
    return interface_name, interface_name


_RUNTIME_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _frames(exc: BaseException) -> list[traceback.FrameSummary]:
    """The traceback without importlib's and the runtime's own frames: the user acts on theirs."""
    return [f for f in traceback.extract_tb(exc.__traceback__)
            if "importlib" not in f.filename and not f.filename.startswith(_RUNTIME_DIR)]


def _user_frames(exc: BaseException) -> str:
    return "".join(traceback.format_list(_frames(exc)[-5:])).rstrip()


def _raised_at(exc: BaseException) -> str:
    """`file:line` of the innermost frame outside installed packages (the model's own code)."""
    frames = _frames(exc)
    own = [f for f in frames if "-packages" + os.sep not in f.filename] or frames
    return f"{own[-1].filename}:{own[-1].lineno}" if own else ""


def load_class(interface_name: str, workdir: str | None = None) -> type:
    workdir = os.path.abspath(workdir or os.getcwd())
    # Prepend (seldon-core appended): the user's module must not be shadowed
    # by an installed package of the same name.
    if workdir not in sys.path:
        sys.path.insert(0, workdir)
    install_compat()
    module_name, class_name = split_name(interface_name)
    expected = os.path.join(workdir, module_name.replace(".", os.sep) + ".py")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if module_name == missing or module_name.startswith(missing + "."):
            raise ModelModuleNotFound(
                f"There is no {expected} and no installed module named {module_name!r}.",
                name=interface_name) from None
        raise _import_failed(interface_name, expected, exc) from None
    except Exception as exc:
        raise _import_failed(interface_name, expected, exc) from None
    location = getattr(module, "__file__", None) or expected
    cls = getattr(module, class_name, None)
    if cls is None:
        raise ModelClassMissing(f"{location} defines no attribute {class_name!r}.",
                                location=location, name=interface_name, cls=class_name,
                                file=os.path.basename(location))
    return cls


def _import_failed(interface_name: str, path: str, exc: BaseException) -> StartupError:
    frames = _user_frames(exc)
    kind = ModelDependencyMissing if isinstance(exc, ImportError) else ModelImportFailed
    return kind(f"Importing {path} raised {type(exc).__name__}: {exc}"
                + (f"\n\n{frames}" if frames else ""), location=path, name=interface_name)


def _is_unreachable_service(exc: BaseException) -> bool:
    """A refused or timed-out connection, from the socket layer or a client library
    (redis, requests, pymongo... name their errors ConnectionError or *Timeout*)."""
    if isinstance(exc, (ConnectionError, TimeoutError, socket.gaierror)):
        return True
    return any(c.__name__ in ("ConnectionError", "ConnectError", "ServerSelectionTimeoutError")
               or c.__name__.endswith("Timeout") for c in type(exc).__mro__)


def instantiate(cls: type, parameters: dict[str, Any], interface_name: str) -> Any:
    try:
        return cls(**parameters)
    except Exception as exc:
        if _is_unreachable_service(exc):
            raise ModelServiceUnreachable(
                f"{cls.__name__}() connects to a service when it is created and got "
                f"{type(exc).__name__}: {exc}\n\n{_user_frames(exc)}",
                location=_raised_at(exc), name=interface_name) from None
        names = ", ".join(parameters) or "no parameters"
        raise ModelCreationFailed(
            f"{cls.__name__}({names}) raised {type(exc).__name__}: {exc}\n\n{_user_frames(exc)}",
            location=_raised_at(exc), name=interface_name) from None
