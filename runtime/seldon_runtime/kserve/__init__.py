"""KServe V1 (`/v1/models/NAME:predict`) over the Seldon data plane."""
