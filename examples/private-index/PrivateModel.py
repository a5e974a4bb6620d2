"""A model that depends on a package published only on a private index.

Build it with the index given at build time, never written into the
repository, for example

    seldon-s2i build -e EXTRA_INDEX_URL=https://USER:PASSWORD@pypi.example.com/simple \
        . seldonio/seldon-core-s2i-python3:1.19.0 private-model:0.1

or with a `pip` service binding (see README.md). The credentials are used by
pip during the build and do not end up in the image.
"""

from privatescaler import scale_row


class PrivateModel:
    def predict(self, X, features_names=None):
        return [scale_row(row) for row in X]
