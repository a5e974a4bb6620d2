"""Stand-in for the `seldon_core` package, used only when it is not installed.

The modules and names that model code imports from seldon-core 1.x are here;
they re-export seldon_runtime's own classes, so exceptions and responses are
recognised. `seldon_core.Storage` is importable from the package, as there.
"""

from .storage import Storage
from .version import __version__

__all__ = ["Storage", "__version__"]
