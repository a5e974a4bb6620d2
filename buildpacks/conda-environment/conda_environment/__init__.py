"""seldon/conda-environment: the Python environment from `environment.yml`, in a launch layer."""
