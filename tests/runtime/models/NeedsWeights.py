"""Opens its weights in the constructor from a path that exists only where it was developed."""


class NeedsWeights:
    def __init__(self):
        with open("/mnt/models/weights-that-are-not-here.bin", "rb") as f:
            self.weights = f.read()

    def predict(self, X, names):
        return X
