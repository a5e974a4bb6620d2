"""The launcher copied into every image at /cnb/lifecycle/launcher (standard library only)."""
