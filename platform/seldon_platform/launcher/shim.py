"""The executable placed at /cnb/lifecycle/launcher in every image."""

LIB_DIR = "/cnb/lifecycle/lib"

SCRIPT = f"""#!/usr/bin/python3 -I
# CNB launcher (seldon-build): picks a process, sets its env, execs it.
import sys
sys.path.insert(0, {LIB_DIR!r})
from seldon_platform.launcher.launch import main
sys.exit(main(sys.argv))
"""
