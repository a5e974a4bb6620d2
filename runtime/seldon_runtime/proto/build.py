"""Compile the .proto files under `protos/` into `descriptors.binpb`.

A developer tool (needs grpcio-tools): run `python -m seldon_runtime.proto.build`
after editing a .proto. The runtime never runs protoc nor imports generated
`_pb2` modules, whose embedded version checks tie them to one protobuf release;
it loads this FileDescriptorSet instead (see `pool.py`), which every protobuf
from 3.20 on reads. A test checks that the committed file matches the sources.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
SOURCES = HERE / "protos"
OUTPUT = HERE / "descriptors.binpb"


def proto_files() -> list[str]:
    return sorted(p.relative_to(SOURCES).as_posix() for p in SOURCES.rglob("*.proto"))


def compile_descriptor_set() -> bytes:
    """The FileDescriptorSet of our files (dependencies first), without google/*."""
    import grpc_tools
    from google.protobuf import descriptor_pb2
    from grpc_tools import protoc

    well_known = Path(grpc_tools.__file__).parent / "_proto"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "set.binpb"
        args = [
            "protoc",
            f"-I{SOURCES}",
            f"-I{well_known}",
            "--include_imports",
            f"--descriptor_set_out={out}",
            *proto_files(),
        ]
        if protoc.main(args) != 0:
            raise SystemExit("protoc failed")
        full = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())
    ours = descriptor_pb2.FileDescriptorSet()
    for fd in full.file:
        if not fd.name.startswith("google/protobuf/"):
            ours.file.add().CopyFrom(fd)
    return ours.SerializeToString(deterministic=True)


def main() -> int:
    OUTPUT.write_bytes(compile_descriptor_set())
    print(f"wrote {OUTPUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
