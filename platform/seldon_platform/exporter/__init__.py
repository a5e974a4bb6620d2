"""Export: reproducible tar layers, OCI image config and manifest, layouts and archives."""
