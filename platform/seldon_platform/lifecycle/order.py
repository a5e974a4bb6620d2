"""Order expansion and build-plan resolution, without running anything.

`expand` turns an order (with composite and optional members) into the list
of candidate groups to try, first to last. `resolve` takes one group's detect
results and finds the first combination of plan options that satisfies every
requirement, dropping optional buildpacks that cannot take part.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Callable

from .descriptor import GroupEntry, Order


def expand(order: Order, composite: Callable[[GroupEntry], Order | None]) -> list[list[GroupEntry]]:
    """Candidate groups in trial order.

    `composite(entry)` returns the order of a composite buildpack, else None.
    Composites are expanded depth-first (one candidate per inner group, so two
    composites multiply); an optional composite also yields a copy without it.
    Later repeats of an id inside one candidate are dropped.
    """
    candidates: list[list[GroupEntry]] = []
    for group in order:
        for expanded in _expand_group(group, composite, ()):
            candidates.append(_dedupe(expanded))
    return candidates


def _expand_group(group, composite, seen: tuple[str, ...]) -> list[list[GroupEntry]]:
    if not group:
        return [[]]
    head, rest = group[0], group[1:]
    inner = composite(head) if head.id not in seen else None
    if inner is None:
        heads = [[head]]
    else:
        heads = [
            expanded
            for sub in inner
            for expanded in _expand_group(sub, composite, (*seen, head.id))
        ]
        if head.optional:
            heads.append([])
    return [h + r for h in heads for r in _expand_group(rest, composite, seen)]


def _dedupe(group: list[GroupEntry]) -> list[GroupEntry]:
    seen: set[str] = set()
    out = []
    for entry in group:
        if entry.id not in seen:
            seen.add(entry.id)
            out.append(entry)
    return out


@dataclass
class PlanOption:
    """One alternative of a buildpack's detect output: what it requires and provides."""

    requires: list[dict[str, Any]] = field(default_factory=list)
    provides: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Detected:
    """A buildpack that passed detect, with its plan options in file order."""

    entry: GroupEntry
    options: list[PlanOption]


@dataclass
class PlanEntry:
    providers: list[GroupEntry]
    requires: list[dict[str, Any]]


@dataclass
class Resolution:
    group: list[GroupEntry]
    plan: list[PlanEntry]


def resolve(passed: list[Detected]) -> Resolution | None:
    """First trial (options chosen depth-first) that leaves a consistent plan."""
    for choice in itertools.product(*[range(len(d.options)) for d in passed]):
        members = [(d, d.options[i], i == len(d.options) - 1) for d, i in zip(passed, choice)]
        result = _trial(members)
        if result is not None:
            return result
    return None


def _trial(members) -> Resolution | None:
    while members:
        unmet = _unmet(members)
        if not unmet:
            group = [d.entry for d, _, _ in members]
            return Resolution(group=group, plan=_plan(members))
        removable = [m for m in members if id(m[0]) in unmet]
        # An optional buildpack is dropped only on its last alternative, so
        # its `or` options get their turn first; a required one fails the trial.
        if any(not d.entry.optional or not last for d, _, last in removable):
            return None
        members = [m for m in members if id(m[0]) not in unmet]
    return None


def _unmet(members) -> set[int]:
    """Buildpacks requiring a name none before provides, or providing one none after requires."""
    unmet: set[int] = set()
    providers: dict[str, list] = {}
    for d, option, _ in members:
        for p in option.provides:
            providers.setdefault(p["name"], []).append(d)
        for r in option.requires:
            if providers.get(r["name"]):
                providers[r["name"]] = []
            elif not _provided_before(members, d, r["name"]):
                unmet.add(id(d))
    for pending in providers.values():
        unmet.update(id(d) for d in pending)
    return unmet


def unresolved(passed: list[Detected]) -> list[str]:
    """Why the plans of `passed` do not fit, each buildpack on its first option: one line
    per requirement nobody provides and per provision nobody requires."""
    members = [(d, d.options[0], True) for d in passed]
    lines = []
    for d, option, _ in members:
        for r in option.requires:
            if not _provided_before(members, d, r["name"]):
                lines.append(f"{d.entry.id} requires {r['name']!r}, which no buildpack up to "
                             "it provides")
        later = members[[m[0] for m in members].index(d):]
        for p in option.provides:
            if not any(r["name"] == p["name"] for _, o, _ in later for r in o.requires):
                lines.append(f"{d.entry.id} provides {p['name']!r}, which no buildpack from it "
                             "on requires")
    return lines


def _provided_before(members, current, name: str) -> bool:
    for d, option, _ in members:
        if any(p["name"] == name for p in option.provides):
            return True
        if d is current:
            return False
    return False


def _plan(members) -> list[PlanEntry]:
    entries: dict[str, PlanEntry] = {}
    for d, option, _ in members:
        for p in option.provides:
            entry = entries.setdefault(p["name"], PlanEntry([], []))
            if d.entry not in entry.providers:
                entry.providers.append(d.entry)
        for r in option.requires:
            entries[r["name"]].requires.append(r)
    return [entries[name] for name in sorted(entries) if entries[name].requires]
