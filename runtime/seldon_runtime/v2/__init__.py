"""The Open Inference Protocol (V2): tensors, the mapping to Seldon user classes, REST and gRPC."""
