"""Finding, importing and instantiating the user's model class (MODEL_NAME)."""

from __future__ import annotations

import importlib
import os
import socket
import sys
import traceback
from typing import Any

from .startup import StartupError

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


def _user_frames(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "importlib" not in f.filename]
    return "".join(traceback.format_list(frames[-5:])).rstrip()


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
            raise StartupError(
                f"Cannot find the model module for MODEL_NAME={interface_name}",
                f"there is no {expected} and no installed module named {module_name!r}",
                [
                    "MODEL_NAME is the file name without .py and the class name (MyModel ->"
                    " MyModel.py defining class MyModel), or module.path.ClassName",
                    "check the spelling and case of MODEL_NAME in .s2i/environment",
                ],
            ) from None
        raise _import_failed(interface_name, expected, exc) from None
    except Exception as exc:
        raise _import_failed(interface_name, expected, exc) from None
    location = getattr(module, "__file__", None) or expected
    cls = getattr(module, class_name, None)
    if cls is None:
        raise StartupError(
            f"The model class for MODEL_NAME={interface_name} is missing",
            f"{location} defines no attribute {class_name!r}",
            [f"define `class {class_name}` in {os.path.basename(location)} or correct MODEL_NAME"],
            location,
        )
    return cls


def _import_failed(interface_name: str, path: str, exc: BaseException) -> StartupError:
    frames = _user_frames(exc)
    return StartupError(
        f"The model module for MODEL_NAME={interface_name} failed to import",
        f"importing {path} raised {type(exc).__name__}: {exc}"
        + (f"\n\n{frames}" if frames else ""),
        [
            "install the missing dependency in requirements.txt"
            if isinstance(exc, ImportError)
            else "fix the error in the model code shown above"
        ],
        path,
    )


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
            raise StartupError(
                f"The model {interface_name} needs a service that is not reachable",
                f"{cls.__name__}() connects to a service when it is created and got "
                f"{type(exc).__name__}: {exc}\n\n{_user_frames(exc)}",
                [
                    "start the service the model uses (the error names its address) and make "
                    "it reachable from the container",
                    "give the model the service's address through the variables it reads "
                    "(for example REDIS_SERVICE_HOST), with `-e` or the deployment's env",
                ],
            ) from None
        names = ", ".join(parameters) or "no parameters"
        raise StartupError(
            f"Creating the model {interface_name} failed",
            f"{cls.__name__}({names}) raised {type(exc).__name__}: {exc}\n\n{_user_frames(exc)}",
            [
                "the constructor receives each entry of PREDICTIVE_UNIT_PARAMETERS as a"
                " keyword argument; check their names and types"
            ],
        ) from None
