"""A stand-in Jaeger agent: receives UDP datagrams and decodes them with jaeger-client's own
generated Thrift code (`Agent.emitBatch`, compact protocol), one JSON line per span.

Run with the seldon-core venv's python (it has jaeger-client and thrift):
`python jaeger_agent.py PORT_FILE OUT_FILE`. It binds 127.0.0.1:0 and writes the port.
"""

import json
import socket
import sys

from jaeger_client.thrift_gen.agent import Agent
from thrift.protocol import TCompactProtocol
from thrift.transport import TTransport


def tag_value(tag):
    return {0: tag.vStr, 1: tag.vDouble, 2: tag.vBool, 3: tag.vLong}.get(tag.vType, tag.vBinary)


def main(port_file, out_file):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    with open(port_file, "w") as f:
        f.write(str(sock.getsockname()[1]))
    with open(out_file, "a", buffering=1) as out:
        while True:
            data = sock.recv(65535)
            proto = TCompactProtocol.TCompactProtocol(TTransport.TMemoryBuffer(data))
            name, kind, _ = proto.readMessageBegin()
            args = Agent.emitBatch_args()
            args.read(proto)
            process = args.batch.process
            for span in args.batch.spans:
                out.write(json.dumps({
                    "message": name, "oneway": kind == 4,
                    "service": process.serviceName,
                    "process_tags": {t.key: tag_value(t) for t in process.tags or []},
                    "trace_id": (span.traceIdHigh % (1 << 64)) << 64
                    | span.traceIdLow % (1 << 64),
                    "span_id": span.spanId % (1 << 64),
                    "parent_id": span.parentSpanId % (1 << 64),
                    "operation": span.operationName, "flags": span.flags,
                    "start": span.startTime, "duration": span.duration,
                    "tags": {t.key: tag_value(t) for t in span.tags or []},
                    "logs": [{t.key: tag_value(t) for t in log.fields} for log in span.logs or []],
                }) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
