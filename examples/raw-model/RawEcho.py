"""A model that handles the whole Seldon message itself via `predict_raw`.

It receives the decoded request (a dict) and returns the response dict; no
payload decoding or encoding happens around it. Useful for models that take
`jsonData` documents rather than arrays.
"""


class RawEcho:
    def predict_raw(self, request):
        document = request.get("jsonData")
        if not isinstance(document, dict):
            return {"status": {"code": 400, "info": "send a jsonData object", "status": "FAILURE"}}
        words = str(document.get("text", "")).split()
        return {
            "jsonData": {"words": len(words), "longest": max(words, key=len, default="")},
            "meta": {"tags": {"handled_by": "predict_raw"}},
        }
