"""`seldon-s2i`: the s2i command line of the Seldon docs, mapped onto `seldon-build build`.

`flags` knows s2i's flags, `builders` the builder names we stand in for,
`translate` turns a command line into a plan (pure), `inject` makes service
bindings from `-i DIR:DEST`, `texts` holds help and usage, `cli` runs it all.
"""
