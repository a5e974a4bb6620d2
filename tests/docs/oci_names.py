"""Image references as go-containerregistry's `name` package (which kpack and pack use)
parses them with its default, weak validation: `new_tag` is `name.NewTag`,
`parse_reference` is `name.ParseReference` (a tag, or else a digest).
Each returns None when accepted, or the reason it is refused."""

from __future__ import annotations

from urllib.parse import urlsplit

_TAG_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
_REPO_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_-./")
_HEX = set("0123456789abcdef")


def _element(what: str, value: str, chars: set[str], low: int, high: int) -> str | None:
    if not low <= len(value) <= high:
        return f"{what} {value!r} must be {low} to {high} characters"
    bad = sorted(set(value) - chars)
    return f"{what} {value!r} has invalid characters {bad}" if bad else None


def new_repository(name: str) -> str | None:
    if not name:
        return "a repository name must be given"
    registry, repo = "", name
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first):
        registry, repo = first, rest
    problem = _element("repository", repo, _REPO_CHARS, 2, 255)
    if problem:
        return problem
    if registry:
        try:
            host = urlsplit("//" + registry).netloc
        except ValueError:
            host = ""
        if host != registry:
            return f"registry {registry!r} is not a valid host[:port]"
    return None


def new_tag(name: str) -> str | None:
    base, tag = name, ""
    parts = name.split(":")
    # a colon followed by a slash belongs to a registry port, not to a tag
    if len(parts) > 1 and "/" not in parts[-1]:
        base, tag = ":".join(parts[:-1]), parts[-1]
        if not tag:
            return f"{name!r} must specify a tag name after the colon"
    if tag:
        problem = _element("tag", tag, _TAG_CHARS, 1, 128)
        if problem:
            return problem
    return new_repository(base)


def new_digest(name: str) -> str | None:
    parts = name.split("@")
    if len(parts) != 2:
        return f"{name!r}: a digest must be given after a single @"
    base, digest = parts
    if not digest.startswith("sha256:"):
        return f"{name!r}: unsupported digest algorithm"
    problem = _element("digest", digest[len("sha256:"):], _HEX, 64, 64)
    if problem:
        return problem
    if new_tag(base) is None and ":" in base.rsplit("/", 1)[-1]:
        base = base.rsplit(":", 1)[0]  # a tag before the digest is allowed and ignored
    return new_repository(base)


def parse_reference(name: str) -> str | None:
    tag_problem = new_tag(name)
    if tag_problem is None:
        return None
    digest_problem = new_digest(name)
    return None if digest_problem is None else f"{tag_problem}; as a digest: {digest_problem}"
