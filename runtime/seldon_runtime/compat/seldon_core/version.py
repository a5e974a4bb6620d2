# The seldon-core 1.x API level this stand-in provides (not a seldon-core install).
__version__ = "1.18.2"
