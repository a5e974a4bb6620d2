"""The `build` and `inspect` sub-commands of `seldon-build`."""

from __future__ import annotations

import argparse
from pathlib import Path

from seldon_detect.scribe import Scribe

from .errors import BadEnvEntry, BadLabel, EnvFileUnreadable, UnknownOutput, WheelsNotDirectory


def parse_env_pairs(pairs: list[str], files: list[str]) -> dict[str, str]:
    """`--env-file` lines first, then `--env K=V` (later wins); `--env K` takes the host's value.

    Files are read as s2i reads `-E`: `#` and `//` lines and lines without `=`
    are skipped, spaces around names and values trimmed, relative paths taken
    from the current directory.
    """
    import os

    env: dict[str, str] = {}
    for name in files:
        try:
            lines = Path(name).read_text(encoding="utf-8").splitlines()
        except OSError as err:
            raise EnvFileUnreadable(str(err), file=name) from err
        for n, line in enumerate(lines, 1):
            line = line.strip()
            if line.startswith(("#", "//")) or "=" not in line:
                continue
            key, _, value = line.partition("=")
            _put(env, f"{key.strip()}={value.strip()}", f"{name}:{n}", os.environ)
    for pair in pairs:
        _put(env, pair, "--env", os.environ)
    return env


def parse_labels(pairs: list[str]) -> dict[str, str]:
    labels = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise BadLabel("Expected KEY=VALUE.", location="--label", label=pair)
        labels[key.strip()] = value
    return labels


def _put(env: dict[str, str], item: str, where: str, host: dict) -> None:
    key, sep, value = item.partition("=")
    key = key.strip()
    if not key or not key.replace("_", "a").isalnum():
        raise BadEnvEntry("Expected NAME=VALUE.", location=where, name=item.split("=")[0])
    env[key] = value if sep else host.get(key, "")


def _build(args: argparse.Namespace, scribe: Scribe) -> int:
    if args.pack:
        from seldon_platform.pack import pack_build

        return pack_build(
            args.source,
            args.tag,
            parse_env_pairs(args.env, args.env_file),
            scribe,
            ref=args.ref or "",
            context_dir=args.context_dir or "",
            bindings=[Path(b) for b in args.binding],
            wheels=Path(args.wheels) if args.wheels else None,
            clear_cache=args.clear_cache,
            default_process=args.default_process,
            output=" ".join(args.output or ["engine"]),
        )
    from seldon_platform.build import BuildOptions, build

    output, output_path = _output(args.output)
    opts = BuildOptions(
        source=args.source,
        tag=args.tag,
        env=parse_env_pairs(args.env, args.env_file),
        labels=parse_labels(args.label),
        context_dir=args.context_dir or "",
        ref=args.ref or "",
        wheels=Path(args.wheels).resolve() if args.wheels else None,
        bindings=[Path(b).resolve() for b in args.binding],
        builder=Path(args.builder) if args.builder else None,
        buildpacks_dir=Path(args.buildpacks).resolve() if args.buildpacks else None,
        clear_cache=args.clear_cache,
        output=output,
        output_path=output_path,
        process_type=args.default_process,
        cache_root=Path(args.cache_dir) if args.cache_dir else None,
    )
    if opts.wheels and not opts.wheels.is_dir():
        raise WheelsNotDirectory(path=args.wheels)
    build(opts, scribe)
    return 0


def _output(values: list[str] | None) -> tuple[str, Path | None]:
    if not values or values == ["engine"]:
        return "engine", None
    kind = values[0]
    if kind not in ("oci-layout", "oci-archive") or len(values) != 2:
        raise UnknownOutput("--output is engine, or oci-layout or oci-archive with a path.",
                            output=" ".join(values))
    return kind, Path(values[1]).resolve()


def add_build(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="build a model repository into an OCI image")
    p.add_argument("source", help="directory, local git repository or git URL")
    p.add_argument("-t", "--tag", required=True, help="image name, e.g. my-model:0.1")
    p.add_argument(
        "-e", "--env", action="append", default=[], metavar="K=V", help="build-time variable"
    )
    p.add_argument(
        "--env-file", action="append", default=[], metavar="FILE", help="file of K=V lines"
    )
    p.add_argument("--label", action="append", default=[], metavar="K=V",
                   help="a label on the image (repeatable)")
    p.add_argument("--context-dir", help="sub-directory of the source to build")
    p.add_argument("--ref", help="git branch, tag or commit to build")
    p.add_argument("--wheels", metavar="DIR", help="folder of wheels installed first (s2i's /whl)")
    p.add_argument(
        "--binding",
        action="append",
        default=[],
        metavar="DIR",
        help="service binding directory (with a `type` file), e.g. pip credentials",
    )
    p.add_argument(
        "--builder", metavar="TOML", help="builder.toml to use (default: this project's)"
    )
    p.add_argument("--buildpacks", metavar="DIR", help="directory of packaged buildpacks")
    p.add_argument("--clear-cache", action="store_true", help="ignore and replace the build cache")
    p.add_argument("--cache-dir", metavar="DIR", help="cache root (default ~/.cache/seldon-build)")
    p.add_argument(
        "--output",
        nargs="+",
        metavar="KIND [PATH]",
        help="engine (default), oci-layout DIR or oci-archive FILE",
    )
    p.add_argument("-D", "--default-process", help="process type the image starts by default")
    p.add_argument("--pack", action="store_true", help="delegate the build to `pack build`")
    # also accepted after the sub-command; SUPPRESS keeps the global flags' values otherwise
    p.add_argument(
        "-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="print only errors"
    )
    p.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="print every detail"
    )
    p.set_defaults(func=_build)


def _inspect(args: argparse.Namespace, scribe: Scribe) -> int:
    from seldon_platform.engine import find_engine
    from seldon_platform.inspect import describe

    scribe.info(describe(find_engine(), args.image))
    return 0


def add_inspect(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("inspect", help="show an image's processes, buildpacks, layers and SBOM")
    p.add_argument("image")
    p.set_defaults(func=_inspect)


def _rebase(args: argparse.Namespace, scribe: Scribe) -> int:
    from seldon_platform.engine import find_engine
    from seldon_platform.rebase import rebase

    scribe.title(f"Rebasing {args.image}")
    done = rebase(find_engine(), args.image, scribe, run_image=args.run_image, force=args.force)
    if done.replaced:
        scribe.info(f"Rebased {done.image} onto {done.run_image}: {done.replaced} run-image "
                    f"layers swapped, {done.kept} app layers kept, in {done.seconds:.1f}s")
    return 0


def add_rebase(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rebase", help="move a built image onto a newer run image, no rebuild")
    p.add_argument("image", help="the model image; rewritten under the same name")
    p.add_argument("--run-image", metavar="IMAGE",
                   help="the new run image (default: the one the image was built on, as its "
                        "tag now points)")
    p.add_argument("--force", action="store_true",
                   help="rebase even onto a run image labelled not rebasable or another platform")
    p.set_defaults(func=_rebase)


def _builder(args: argparse.Namespace, scribe: Scribe) -> int:
    from seldon_platform.builder_bundle import write_bundle
    from seldon_platform.builder_check import check_builder, create_builder, create_command
    from seldon_platform.package_data import data_root, in_checkout, user_cache
    from seldon_platform.packaging import Packager, downloads_dir, ensure_packaged

    config = Path(args.config).resolve()
    scribe.title(f"Builder {args.image} from {config}")
    if config == (data_root() / "builder.toml").resolve():
        buildpacks = ensure_packaged(scribe)
    else:
        buildpacks = config.parent / "build" / "buildpacks"
        Packager(buildpacks, scribe, downloads_dir()).package_all()
    # an installed tool's builder.toml names uris inside a checkout: pack gets a bundle
    out = args.out or (None if in_checkout() else str(user_cache() / "builder"))
    if out:
        written = write_bundle(config, buildpacks, Path(out).resolve(), scribe)
        if args.out:
            line = " ".join(create_command("pack", written, args.image, scribe))
            scribe.info(f"next: {line}   (see docs/ci/README.md)")
            return 0
        config = written
    else:
        check_builder(config, buildpacks, scribe)
    create_builder(config, args.image, scribe)
    return 0


def add_builder(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("builder", help="package the buildpacks, check builder.toml against them "
                                       "and create the builder image with pack (when installed)")
    p.add_argument("--config", default=str(_default_builder_toml()), metavar="TOML",
                   help="builder.toml (default: this project's); its buildpacks are packaged "
                        "into build/buildpacks beside it")
    p.add_argument("--image", default="localhost/seldon-buildpacks/builder:bookworm",
                   help="the builder image pack creates")
    p.add_argument("--out", metavar="DIR",
                   help="write DIR/builder.toml and DIR/buildpacks/ (a folder `pack builder "
                        "create --config DIR/builder.toml` takes as is, on any machine) "
                        "instead of running pack")
    p.set_defaults(func=_builder)


def _default_builder_toml() -> Path:
    from seldon_platform.package_data import data_root

    return data_root() / "builder.toml"
