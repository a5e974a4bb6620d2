"""A model that reads the raw HTTP body because PAYLOAD_PASSTHROUGH is on.

With passthrough, `predict_raw` gets the request body untouched (bytes, or a
str when it came as the `json` form field) and must return the serialised
response body itself. Here the body is CSV text and the reply is JSON text.
"""

import json


class CsvSum:
    def predict_raw(self, payload):
        text = payload.decode("utf-8") if isinstance(payload, (bytes, bytearray)) else str(payload)
        sums = []
        for line in text.strip().splitlines():
            if line.strip():
                sums.append(sum(float(cell) for cell in line.split(",")))
        return json.dumps({"sums": sums})
