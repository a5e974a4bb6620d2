"""A Python implementation of the CNB lifecycle phases (detect, restore, build).

Everything in this package uses the standard library only: it is mounted
read-only into the build image and run there by the stack's `python3 -I`.
Modules import each other relatively so the package works both on the host
(as `seldon_platform.lifecycle`) and inside the container.
"""
