"""Source inspection shared by the buildpacks and the host CLIs.

Also home of the two tiny building blocks every other part uses: error values
(`errors`) and progress/log output (`scribe`).
"""
