"""seldon/runtime: the Seldon runtime in the env, an import check of the model, the processes."""
