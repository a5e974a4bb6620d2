class Raw:
    def predict_raw(self, request):
        if isinstance(request, (bytes, str)):  # PAYLOAD_PASSTHROUGH
            text = request.decode() if isinstance(request, bytes) else request
            return "raw:" + text
        code = request.get("jsonData", {}).get("code", 200)
        return {
            "jsonData": {"got": request},
            "status": {"code": code, "status": 0},
            "meta": {"metrics": [{"key": "raw_counter", "type": "COUNTER", "value": 2}]},
        }

    def transform_input_raw(self, request):
        return {"strData": "raw-transform"}
