"""The Seldon protocol's protobuf messages, loaded into a private descriptor pool.

`protos/` holds the .proto sources (Seldon's `prediction.proto` and the
TensorFlow protos it imports, written from the protocol's field tables),
`descriptors.binpb` their compiled FileDescriptorSet (`build.py` regenerates
it), `pool.py` loads it and `messages.py` names the message classes.
"""
