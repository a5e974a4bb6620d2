"""seldon/s2i-environment: the model's runtime configuration, as `.s2i/environment` gave it."""
