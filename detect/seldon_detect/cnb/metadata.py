"""Typed layer metadata: one frozen dataclass per layer, the `[metadata]` table in one place.

A layer is reused when every input field of the restored metadata equals this
build's, so a field added to the type is in the reuse key without anyone
remembering to put it there. Fields that record what the layer holds rather
than what made it (`contents()`) are stored but not compared. A field may
carry a label for the log (`the interpreter changed from X to Y`), and a
mapping field may be stored flat with a key prefix (`input-<name> = ...`).

Field types: `str`, `int`, `bool`, `tuple[str, ...]` and `Mapping[str, str]`.
An `int` may come back as a whole float (`2.0`): upstream's lifecycle keeps
metadata as JSON between builds and writes it back through Go's `float64`.
TOML keys are the field names with `-` for `_`. Restored metadata that does not
parse into the type (written by another version of the buildpack) gives a
`MetadataMismatch`, which means: rebuild, and say why.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import typing
from typing import Any, Mapping, TypeVar

M = TypeVar("M", bound="LayerMetadata")


class MetadataMismatch(ValueError):
    """Restored metadata that does not fit the type."""


def contents(default: Any = (), label: str = "") -> Any:
    """A field recording the layer's contents (not compared when deciding reuse)."""
    return dataclasses.field(default=default, metadata={"contents": True, "label": label})


def labelled(label: str, default: Any = dataclasses.MISSING) -> Any:
    """An input field named `label` in the log."""
    return dataclasses.field(default=default, metadata={"label": label})


def flat(prefix: str) -> Any:
    """A `Mapping[str, str]` input field stored as `<prefix><key> = value` at the top level."""
    return dataclasses.field(default_factory=dict, metadata={"prefix": prefix})


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, collections.abc.Mapping):
        return "{" + ", ".join(f"{k}: {v}" for k, v in sorted(value.items())) + "}"
    return str(value)


@dataclasses.dataclass(frozen=True)
class LayerMetadata:
    """Base of every layer's metadata type."""

    @classmethod
    def _fields(cls) -> list[tuple[dataclasses.Field, type]]:
        """Each field with the kind of its value (`str`, `int`, `bool`, `tuple`, `Mapping`)."""
        hints = typing.get_type_hints(cls)
        return [(f, typing.get_origin(hints[f.name]) or hints[f.name])
                for f in dataclasses.fields(cls)]

    @staticmethod
    def _key(f: dataclasses.Field) -> str:
        return f.name.replace("_", "-")

    def to_toml(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f, kind in self._fields():
            value = getattr(self, f.name)
            if f.metadata.get("prefix") is not None:
                out.update({f"{f.metadata['prefix']}{k}": v for k, v in sorted(value.items())})
            elif kind is tuple:
                out[self._key(f)] = list(value)
            elif kind in (collections.abc.Mapping, dict):
                out[self._key(f)] = dict(sorted(value.items()))
            else:
                out[self._key(f)] = value
        return out

    @classmethod
    def from_toml(cls: type[M], table: Mapping[str, Any]) -> M:
        left = dict(table)
        values: dict[str, Any] = {}
        for f, kind in cls._fields():
            prefix = f.metadata.get("prefix")
            if prefix is not None:
                picked = {k: left.pop(k) for k in list(left) if k.startswith(prefix)}
                values[f.name] = {k[len(prefix):]: _typed(k, v, str) for k, v in picked.items()}
                continue
            key = cls._key(f)
            if key not in left:
                raise MetadataMismatch(f"it has no {key}")
            value = left.pop(key)
            if kind is tuple:
                if not isinstance(value, list):
                    raise MetadataMismatch(f"its {key} is not a list")
                values[f.name] = tuple(_typed(key, v, str) for v in value)
            elif kind in (collections.abc.Mapping, dict):
                if not isinstance(value, dict):
                    raise MetadataMismatch(f"its {key} is not a table")
                values[f.name] = {k: _typed(f"{key}.{k}", v, str) for k, v in value.items()}
            else:
                values[f.name] = _typed(key, value, kind)
        if left:
            raise MetadataMismatch("it has " + ", ".join(sorted(left)) + ", which this "
                                   "version does not know")
        return cls(**values)

    def changes_from(self: M, previous: M) -> list[str]:
        """Why a layer made for `previous` does not fit `self`, one reason per input."""
        reasons = []
        for f in dataclasses.fields(self):
            if f.metadata.get("contents"):
                continue
            old, new = getattr(previous, f.name), getattr(self, f.name)
            prefix = f.metadata.get("prefix")
            if prefix is not None:
                for k in sorted(set(old) | set(new)):
                    if old.get(k) != new.get(k):
                        reasons.append(_changed(f"{prefix}{k}", old.get(k), new.get(k)))
            elif old != new:
                reasons.append(_changed(f.metadata.get("label") or self._key(f), old, new))
        return reasons


def _changed(label: str, old: Any, new: Any) -> str:
    return f"{label} changed from {_show(old)} to {_show(new)}"


def _typed(key: str, value: Any, kind: type) -> Any:
    # upstream keeps metadata as JSON between builds: a whole number comes back as 2.0
    if kind is int and isinstance(value, float) and value.is_integer():
        value = int(value)
    # bool is an int in Python, not in TOML
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise MetadataMismatch(f"its {key} is not a {kind.__name__}")
    return value


@dataclasses.dataclass(frozen=True)
class NoMetadata(LayerMetadata):
    """A layer rebuilt every time: nothing to compare."""
