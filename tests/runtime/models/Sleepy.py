import time


class Sleepy:
    """Sleeps X[0][0] seconds (0 for an empty request), then echoes X."""

    def predict(self, X, names):
        if X.size:
            time.sleep(float(X.ravel()[0]))
        return X
