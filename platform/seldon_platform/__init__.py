"""The embedded CNB platform: stack images, build phases, export, launcher and CLIs."""

__version__ = "0.1.0"
